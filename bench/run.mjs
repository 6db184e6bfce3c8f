#!/usr/bin/env node
// bench/run.mjs: E-Cloud's verification benchmarks as WebAssembly in headless Chromium.
//
//   node bench/run.mjs                         # build, then 1,000 and 10,000 blocks
//   node bench/run.mjs --sizes 1000,10000,100000 --out target/bench/wasm.json
//   node bench/run.mjs --no-build              # reuse the last build
//   node bench/run.mjs --build-only            # build into ECLOUD_BENCH_WEB, run nothing
//   node bench/run.mjs --compare a=DIR,b=DIR   # builds side by side, see below
//   node bench/run.mjs --node 2000             # a node's catch-up against verify_chain
//
// It builds the `ecloud-bench` crate (bench/src/lib.rs) for wasm32 with the release
// profile (the page's: opt-level "z", the cryptography at 3) and runs wasm-bindgen
// into ECLOUD_BENCH_WEB/pkg (default target/bench-web), serves bench/www/ and the
// package on 127.0.0.1, opens it in Debian's Chromium through playwright-core (from
// tests/node_modules, as tests/e2e/harness.mjs does) and calls window.runBench(): each
// chain is built in wasm from the same seed as the native benchmarks (the tip hash
// says so), then each verification is timed from JavaScript with performance.now():
// the median of N runs after one warm-up (N = 5 at 1,000 blocks, 3 at 10,000, 1
// above), then full verification and the limit alternately, N rounds, for their ratio.
// Prints one line per size; --out FILE writes everything as JSON.
//
// --compare NAME=DIR,... loads several builds (each DIR made with --build-only, e.g.
// at other opt-levels) into one page and times them alternately, call by call, on
// 1,000 blocks (--rounds R, default 7), so that load from elsewhere on the machine
// hits all of them alike; reports the median and the minimum of each.
//
// --node N: a fresh node (the core's, as the browser's node runs it) taking a
// classroom's chain of N blocks in answers of 64, without the network, against
// verify_chain on the same chain, alternately (--rounds R, default 7); the first round
// is cold, as a fresh browser node's catch-up is (bench/browser-catch-up.mjs times
// that one with the network, IndexedDB and all).
//
// Environment: CHROMIUM (default /usr/bin/chromium), CARGO_PROFILE (default release),
// ECLOUD_BENCH_CARGO_ARGS (extra cargo build arguments, e.g. --config ... for a variant),
// ECLOUD_BENCH_WEB (build directory), CARGO_TARGET_DIR.

import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { option, median, flag } from "./cli.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const WWW = join(ROOT, "bench", "www");
const requireFromTests = createRequire(join(ROOT, "tests", "package.json"));
const { chromium } = requireFromTests("playwright-core");

const sizes = option("--sizes", "1000,10000").split(",").map(Number);
const out = option("--out", null);
const compare = option("--compare", null);
const rounds = Number(option("--rounds", 7));
const nodeBlocks = option("--node", null);
const build = !flag("--no-build") && !compare;
const profile = process.env.CARGO_PROFILE ?? "release";
const webDir = resolve(process.env.ECLOUD_BENCH_WEB ?? join(ROOT, "target", "bench-web"));
const reps = Object.fromEntries(sizes.map((n) => [n, n <= 1000 ? 5 : n <= 10000 ? 3 : 1]));

function run(cmd, argv) {
  console.error(`$ ${cmd} ${argv.join(" ")}`);
  const r = spawnSync(cmd, argv, { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

if (build) {
  const extra = (process.env.ECLOUD_BENCH_CARGO_ARGS ?? "").split(" ").filter(Boolean);
  const targetDir = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
  run("cargo", [
    "build", "-p", "ecloud-bench", "--profile", profile,
    "--target", "wasm32-unknown-unknown", ...extra,
  ]);
  const wasm = join(targetDir, "wasm32-unknown-unknown", profile, "ecloud_bench.wasm");
  run("wasm-bindgen", [
    "--target", "web", "--no-typescript", "--out-dir", join(webDir, "pkg"), wasm,
  ]);
  writeFileSync(
    join(webDir, "build.json"),
    JSON.stringify({ profile, cargo_args: process.env.ECLOUD_BENCH_CARGO_ARGS ?? "" }) + "\n",
  );
  if (flag("--build-only")) process.exit(0);
}

// /pkg/... is the build in webDir; /v/NAME/... the builds compared; the rest bench/www/.
const variants = compare
  ? compare.split(",").map((s) => {
      const [name, dir] = s.split("=");
      return { name, dir: resolve(dir) };
    })
  : [];
const MIME = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (path === "/favicon.ico") return res.writeHead(204).end();
  let base = WWW;
  let rest = path === "/" ? "/index.html" : path;
  const v = /^\/v\/([^/]+)(\/.*)$/.exec(path);
  if (v) {
    base = join(variants.find((x) => x.name === v[1])?.dir ?? "/nonexistent", "pkg");
    rest = v[2];
  } else if (path.startsWith("/pkg/")) {
    base = webDir;
  }
  const file = normalize(join(base, rest));
  if (!file.startsWith(base + sep)) return res.writeHead(403).end();
  try {
    const body = readFileSync(file);
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const url = `http://127.0.0.1:${server.address().port}/`;

const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
statSync(executablePath);
const browser = await chromium.launch({
  executablePath,
  headless: true,
  chromiumSandbox: false,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update"],
});
let report;
try {
  const page = await browser.newPage();
  page.on("console", (m) => console.error(`  [page] ${m.text()}`));
  page.on("pageerror", (e) => console.error(`  [page error] ${e.message}`));
  await page.goto(compare ? `${url}?compare` : url);
  if (nodeBlocks) {
    await page.evaluate(() => window.benchReady);
    report = await page.evaluate(([n, r]) => window.nodeBench(n, r), [Number(nodeBlocks), rounds]);
  } else if (compare) {
    report = await page.evaluate(
      ([names, n, r]) => window.compareBench(names, n, r),
      [variants.map((v) => v.name), 1000, rounds],
    );
  } else {
    await page.evaluate(() => window.benchReady);
    report = await page.evaluate(([s, r]) => window.runBench(s, r), [sizes, reps]);
  }
  report.browser = browser.version();
} finally {
  await browser.close();
  server.close();
}

const wasmBytes = (dir) => statSync(join(dir, "pkg", "ecloud_bench_bg.wasm")).size;
const buildInfo = (dir) => {
  try {
    return JSON.parse(readFileSync(join(dir, "build.json"), "utf8"));
  } catch {
    return {};
  }
};
const f = (x) => `${x.toFixed(1)} ms`.padStart(11);
if (nodeBlocks) {
  const [v0, c0] = [report.verify_ms[0], report.catch_up_ms[0]];
  const [v, c] = [median(report.verify_ms.slice(1)), median(report.catch_up_ms.slice(1))];
  console.log(
    `wasm, ${report.blocks} blocks: a fresh node catching up in answers of 64 against verify_chain:` +
      ` cold${f(c0)} /${f(v0)} = ${(c0 / v0).toFixed(2)}x;` +
      ` then (median of ${report.rounds - 1})${f(c)} /${f(v)} = ${(c / v).toFixed(2)}x`,
  );
} else if (compare) {
  for (const v of report.variants) {
    const d = variants.find((x) => x.name === v.name).dir;
    Object.assign(v, { wasm_bytes: wasmBytes(d), ...buildInfo(d) });
    console.log(
      `${v.name.padEnd(24)} ${String(v.wasm_bytes).padStart(8)} B:` +
        Object.entries(v.median_ms).map(([k, x]) => `  ${k}${f(x)}`).join(""),
    );
  }
} else {
  Object.assign(report, { wasm_bytes: wasmBytes(webDir), ...buildInfo(webDir) });
  for (const r of report.results) {
    const g = (k) => f(r[`${k}_ms`]);
    console.log(
      `wasm ${String(r.blocks).padStart(6)} blocks:` +
        ` full${g("full")}  structure${g("structure")}  signatures${g("signatures")}` +
        `  limit-ed25519${g("limit-ed25519")}` +
        (r["limit-merged_ms"] === undefined ? "" : `  limit-merged${g("limit-merged")}`) +
        `  limit-sha256${g("limit-sha256")}` +
        `  build${f(r.build_ms)}  tip ${r.tip.slice(0, 12)}`,
    );
    const p = r.paired;
    const x = (a, b) => `${(a / b).toFixed(3)}x`;
    console.log(
      `wasm ${String(r.blocks).padStart(6)} blocks: paired, ${p.rounds} rounds:` +
        ` full / limit ${x(p.full_ms, p.limit_ms)} (${f(p.full_ms)} / ${f(p.limit_ms)}),` +
        ` fastest ${x(p.full_min_ms, p.limit_min_ms)}` +
        (p.limit_merged_ms === undefined ? "" :
          `; full / merged limit ${x(p.full_ms, p.limit_merged_ms)} (${f(p.limit_merged_ms)}),` +
          ` fastest ${x(p.full_min_ms, p.limit_merged_min_ms)}`),
    );
  }
}
if (out) {
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
  console.error(`wrote ${out}`);
}
