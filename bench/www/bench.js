// Runs in the page: builds each chain in wasm and times each verification from
// JavaScript. bench/run.mjs calls window.runBench(sizes, reps), or
// window.compareBench(names, blocks, rounds) for builds served under /v/NAME/.

/** Loads and starts a wasm-bindgen package; resolves to its exports. */
async function load(base) {
  const mod = await import(`${base}ecloud_bench.js`);
  await mod.default();
  return mod;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `f` once and returns the time it took in ms; throws if it returns false. */
function once(name, f) {
  const t = performance.now();
  const ok = f();
  const ms = performance.now() - t;
  if (ok === false) throw new Error(`${name} failed: the benchmark chain must verify`);
  return ms;
}

/** The calls timed, on a prepared Bench `b`. */
function cases(b, n) {
  const c = {
    full: () => b.full(),
    structure: () => b.structure(),
    signatures: () => b.signatures(),
    "limit-ed25519": () => b.limitEd25519(),
    // Builds from before the merged equation have no limitMerged.
    ...(b.limitMerged ? { "limit-merged": () => b.limitMerged() } : {}),
    "limit-sha256": () => (b.limitSha256(), true),
  };
  if (n <= 1000) c["limit-ed25519-single"] = () => b.limitEd25519Single();
  return c;
}

const main = location.search.includes("compare") ? null : load("./pkg/");
window.benchReady = main?.then(() => true);

window.runBench = async (sizes, repsFor) => {
  const { Bench } = await main;
  const results = [];
  for (const n of sizes) {
    const reps = repsFor[n] ?? 1;
    console.log(`wasm: building ${n} blocks`);
    const t = performance.now();
    const b = new Bench(n);
    const build_ms = performance.now() - t;
    b.prepare();
    const r = {
      blocks: n,
      tip: b.tip(),
      signatures: b.signatureCount(),
      hashed_bytes: b.hashedBytes(),
      reps,
      build_ms,
    };
    for (const [name, f] of Object.entries(cases(b, n))) {
      console.log(`wasm: ${n} blocks: ${name}`);
      if (reps > 1) once(name, f); // warm-up
      const runs = Array.from({ length: reps }, () => once(name, f));
      r[`${name}_ms`] = median(runs);
      r[`${name}_runs`] = runs;
    }
    // Full verification and the limits alternately, for their ratios.
    const full = [];
    const limit = [];
    const merged = [];
    for (let i = 0; i < reps; i++) {
      full.push(once("full", () => b.full()));
      limit.push(once("limit", () => (b.limitEd25519(), b.limitSha256(), true)));
      if (b.limitMerged) {
        merged.push(once("limit-merged", () => (b.limitMerged(), b.limitSha256(), true)));
      }
    }
    r.paired = {
      rounds: reps,
      full_ms: median(full),
      limit_ms: median(limit),
      full_min_ms: Math.min(...full),
      limit_min_ms: Math.min(...limit),
      ...(merged.length
        ? { limit_merged_ms: median(merged), limit_merged_min_ms: Math.min(...merged) }
        : {}),
    };
    b.free();
    results.push(r);
  }
  return { userAgent: navigator.userAgent, results };
};

window.compareBench = async (names, n, rounds) => {
  const benches = [];
  for (const name of names) {
    const { Bench } = await load(`/v/${name}/`);
    console.log(`compare: ${name}: building ${n} blocks`);
    const b = new Bench(n);
    b.prepare();
    // build-100: a fresh 100-block chain (signing and sealing), timed like the rest.
    Bench.build100 = () => new Bench(100).free();
    benches.push({ name, Bench, b, tip: b.tip(), runs: {} });
  }
  // Round by round, call by call, every build in turn.
  for (let r = 0; r < rounds + 1; r++) {
    for (const name of ["full", "structure", "signatures", "limit-ed25519", "limit-merged",
      "limit-sha256", "limit-ed25519-single", "build-100"]) {
      for (const v of benches) {
        const f = name === "build-100" ? () => (v.Bench.build100(), true) : cases(v.b, n)[name];
        if (!f) continue; // a build without this case (limit-merged before it existed)
        const ms = once(name, f);
        if (r > 0) (v.runs[name] ??= []).push(ms); // round 0 warms up
      }
    }
  }
  const variants = benches.map((v) => {
    v.b.free();
    const pick = (g) => Object.fromEntries(Object.entries(v.runs).map(([k, xs]) => [k, g(xs)]));
    return {
      name: v.name,
      tip: v.tip,
      median_ms: pick(median),
      min_ms: pick((xs) => Math.min(...xs)),
    };
  });
  return { blocks: n, rounds, userAgent: navigator.userAgent, variants };
};

// The node's catch-up without the network: a fresh node taking a classroom's chain of
// version 2 in answers of 64 blocks (NodeBench.catchUp) against verify_chain on the same
// chain, alternately, `rounds` rounds; the first round is the cold one (before V8 has
// optimised the wasm), as a fresh browser node's catch-up is.
window.nodeBench = async (n, rounds) => {
  const { NodeBench } = await main;
  console.log(`wasm: a classroom of ${n} blocks`);
  const b = new NodeBench(n);
  const verify = [];
  const catchUp = [];
  for (let r = 0; r < rounds; r++) {
    verify.push(once("verify", () => b.verify()));
    catchUp.push(once("catch-up", () => b.catchUp() === b.tip()));
  }
  const blocks = b.height();
  b.free();
  return { userAgent: navigator.userAgent, blocks, rounds, verify_ms: verify, catch_up_ms: catchUp };
};
