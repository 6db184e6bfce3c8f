#!/usr/bin/env node
// bench/browser-catch-up.mjs: how long a fresh browser's node (browser/, the Web Worker
// of dist/) takes to catch up on a long chain from a native node, in headless Chromium,
// against verify_chain natively on the same chain (bench/catch-up.mjs does the same for
// a fresh native node).
//
//   trunk build --release && node bench/browser-catch-up.mjs            # 2,000 blocks
//   node bench/browser-catch-up.mjs --blocks 10000
//   node bench/browser-catch-up.mjs --dist /tmp/dist-before   # another build of the page and worker
//
// It builds target/native/ecloud-node and the chain_store example (cargo build --profile
// native), writes a four-member seeded classroom's chain of --blocks 1 s slots ending now
// into a store (timing verify_chain on it, the fastest of 3), starts an observer node on
// that store serving dist/ (--http), opens its page in Chromium with a new, empty
// profile, starts the worker and times it from {"join":{}} until it reports the whole
// chain's tip as its own (it asks for answers of 64 blocks, four ahead, checks each
// block against its parent and writes each answer's blocks to IndexedDB). Then, as the
// issue's baseline, it times the page verifying the same chain in the same browser.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import { option } from "./cli.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { chromium } = createRequire(join(root, "tests/package.json"))("playwright-core");
const blocks = Number(option("--blocks") ?? 2000);
// --dist: another build of the page and its worker (a before/after comparison).
const dist = resolve(option("--dist") ?? join(root, "dist"));

execFileSync("cargo", ["build", "--profile", "native", "-q", "-p", "ecloud-node", "--bins", "--examples"], {
  cwd: root,
  stdio: "inherit",
});
const dir = mkdtempSync(join(tmpdir(), "ecloud-browser-catch-up-"));
const classArgs = ["--class-seed", "7", "--members", "4", "--slot-ms", "1000"];
const made = JSON.parse(
  execFileSync(join(root, "target/native/examples/chain_store"), [
    "--data", join(dir, "full"), "--blocks", String(blocks), ...classArgs,
  ]).toString(),
);
// The baseline the issue names: the same chain verified locally, in this browser. The chain
// file is exported from the native node's store and verified by the page's own
// `ecloud.verify(text)` (parsing included, as the worker parses its answers), fastest of 3,
// once the worker has caught up. (Exported before the node opens the store, which it locks.)
const file = execFileSync(join(root, "target/native/ecloud-node"), ["export", "--data", join(dir, "full"), ...classArgs], {
  maxBuffer: 1 << 30,
}).toString();
const node = spawn(join(root, "target/native/ecloud-node"), [
  "--data", join(dir, "full"), ...classArgs, "--start-ms", String(made.start_ms),
  "--listen", "/ip4/127.0.0.1/tcp/0", "--http", "127.0.0.1:0", "--page", dist,
], { stdio: ["ignore", "pipe", "inherit"] });
let pageUrl = null;
createInterface({ input: node.stdout }).on("line", (line) => {
  const v = JSON.parse(line);
  if (v.page) pageUrl = v.page;
});
while (!pageUrl) await new Promise((r) => setTimeout(r, 20));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
});
const page = await (await browser.newContext()).newPage();
await page.goto(pageUrl);
const result = await page.evaluate(
  (want) =>
    new Promise((done) => {
      const worker = new Worker("./ecloud-browser-node_loader.js");
      let began = 0;
      let errors = [];
      worker.onmessage = (e) => {
        const r = JSON.parse(e.data);
        if (r.ready) {
          began = performance.now();
          worker.postMessage(JSON.stringify({ join: {} }));
        }
        if (r.error && r.error.what !== "dial") errors.push(r.error);
        if (r.event?.tip >= want || r.status?.height >= want) done({ ms: performance.now() - began, errors });
      };
    }),
  made.blocks,
);
const local = await page.evaluate(async (text) => {
  while (!window.ecloud) await new Promise((r) => setTimeout(r, 50));
  let best = Infinity;
  let report;
  for (let i = 0; i < 3; i++) {
    const began = performance.now();
    report = window.ecloud.verify(text);
    best = Math.min(best, performance.now() - began);
  }
  return { ms: best, blocks: report.blocks_checked, findings: report.findings.length };
}, file);
const cpu = (pid) => {
  const f = execFileSync("cat", [`/proc/${pid}/stat`]).toString().split(") ")[1].split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
};
const nodeCpu = cpu(node.pid);
await browser.close();
node.kill("SIGTERM");
await new Promise((r) => node.on("exit", r));
rmSync(dir, { recursive: true, force: true });
if (result.errors.length) console.error("errors:", JSON.stringify(result.errors));
console.log(
  `${made.blocks} blocks: a fresh browser node caught up in ${(result.ms / 1000).toFixed(2)} s; ` +
    `verify_chain natively takes ${(made.verify_ms / 1000).toFixed(2)} s; ratio ${(result.ms / made.verify_ms).toFixed(2)}; ` +
    `the native node it caught up from used ${(nodeCpu / 1000).toFixed(2)} s of CPU (its start included)`,
);
console.log(
  `the same chain verified in this browser's page (ecloud.verify, parsing included, fastest of 3): ` +
    `${(local.ms / 1000).toFixed(2)} s (${local.blocks} blocks checked, ${local.findings} findings); ` +
    `catch-up / local verification ${(result.ms / local.ms).toFixed(2)}`,
);
