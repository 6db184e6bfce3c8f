// Runs in the page: builds each chain in wasm and times each verification from
// JavaScript. bench/run.mjs calls window.runBench(sizes, reps) and reads the result.
import init, { Bench } from "./pkg/ecloud_bench.js";

const ready = init();

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// Times `f` `reps` times (after one untimed warm-up run when reps > 1): median ms.
function time(f, reps) {
  if (reps > 1) f();
  const runs = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    const ok = f();
    runs.push(performance.now() - t);
    if (ok === false) throw new Error(`${f.name} failed: the benchmark chain must verify`);
  }
  return { ms: median(runs), runs };
}

window.runBench = async (sizes, repsFor) => {
  await ready;
  const results = [];
  for (const n of sizes) {
    const reps = repsFor[n] ?? 1;
    console.log(`wasm: building ${n} blocks`);
    let t = performance.now();
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
    const cases = {
      full: () => b.full(),
      structure: () => b.structure(),
      signatures: () => b.signatures(),
      "limit-ed25519": () => b.limitEd25519(),
      "limit-sha256": () => (b.limitSha256(), true),
    };
    if (n <= 1000) cases["limit-ed25519-single"] = () => b.limitEd25519Single();
    for (const [name, f] of Object.entries(cases)) {
      console.log(`wasm: ${n} blocks: ${name}`);
      const { ms, runs } = time(f, reps);
      r[`${name}_ms`] = ms;
      r[`${name}_runs`] = runs;
    }
    b.free();
    results.push(r);
  }
  return { userAgent: navigator.userAgent, results };
};

window.benchReady = ready.then(() => true);
