#!/usr/bin/env node
// bench/run.mjs: E-Cloud's verification benchmarks as WebAssembly in headless Chromium.
//
//   node bench/run.mjs                         # build, then 1,000 and 10,000 blocks
//   node bench/run.mjs --sizes 1000,10000,100000 --out target/bench/wasm.json
//   node bench/run.mjs --no-build              # reuse target/bench-web/
//
// It builds the `ecloud-bench` crate (bench/src/lib.rs) for wasm32 with the release
// profile (the page's: opt-level "z", the cryptography at 3), runs wasm-bindgen, serves
// bench/www/ and the generated pkg/ on 127.0.0.1, opens it in Debian's Chromium through
// playwright-core (from tests/node_modules, as tests/e2e/harness.mjs does) and calls
// window.runBench(): each chain is built in wasm from the same seed as the native
// benchmarks (the tip hash says so), then each verification is timed from JavaScript
// with performance.now(): the median of N runs after one warm-up (N = 5 at 1,000
// blocks, 3 at 10,000, 1 above). Prints one line per figure; --out FILE writes JSON.
//
// Environment: CHROMIUM (default /usr/bin/chromium), CARGO_PROFILE (default release),
// ECLOUD_BENCH_CARGO_ARGS (extra cargo build arguments, e.g. --config ... for a variant),
// ECLOUD_BENCH_WEB (output directory, default target/bench-web).

import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const requireFromTests = createRequire(join(ROOT, "tests", "package.json"));
const { chromium } = requireFromTests("playwright-core");

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const sizes = opt("--sizes", "1000,10000").split(",").map(Number);
const out = opt("--out", null);
const build = !args.includes("--no-build");
const profile = process.env.CARGO_PROFILE ?? "release";
const webDir = resolve(process.env.ECLOUD_BENCH_WEB ?? join(ROOT, "target", "bench-web"));
const reps = Object.fromEntries(sizes.map((n) => [n, n <= 1000 ? 5 : n <= 10000 ? 3 : 1]));

function run(cmd, argv, env = {}) {
  console.error(`$ ${cmd} ${argv.join(" ")}`);
  const r = spawnSync(cmd, argv, { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...env } });
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
  for (const f of readdirSync(join(ROOT, "bench", "www"))) {
    copyFileSync(join(ROOT, "bench", "www", f), join(webDir, f));
  }
}

const MIME = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  const file = normalize(join(webDir, path === "/" ? "index.html" : path));
  if (path === "/favicon.ico") return res.writeHead(204).end();
  if (!file.startsWith(webDir + sep)) return res.writeHead(403).end();
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
  await page.goto(url);
  await page.evaluate(() => window.benchReady);
  report = await page.evaluate(([s, r]) => window.runBench(s, r), [sizes, reps]);
  report.browser = browser.version();
} finally {
  await browser.close();
  server.close();
}

const wasmFile = join(webDir, "pkg", "ecloud_bench_bg.wasm");
report.wasm_bytes = statSync(wasmFile).size;
report.profile = profile;
report.cargo_args = process.env.ECLOUD_BENCH_CARGO_ARGS ?? "";
for (const r of report.results) {
  const f = (k) => `${r[`${k}_ms`].toFixed(1)} ms`.padStart(12);
  console.log(
    `wasm ${String(r.blocks).padStart(6)} blocks:` +
      ` full${f("full")}  structure${f("structure")}  signatures${f("signatures")}` +
      `  limit-ed25519${f("limit-ed25519")}  limit-sha256${f("limit-sha256")}` +
      `  build${`${r.build_ms.toFixed(0)} ms`.padStart(10)}  tip ${r.tip.slice(0, 12)}`,
  );
}
if (out) {
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
  console.error(`wrote ${out}`);
}
