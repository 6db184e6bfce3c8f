#!/usr/bin/env node
// bench/browser-propagation.mjs: how long a sealed block takes to reach browsers' nodes
// (browser/, the Web Worker of dist/) attached to native nodes, and what those native
// nodes spend on them, in headless Chromium on loopback.
//
//   trunk build --release && node bench/browser-propagation.mjs       # 1 native node, 30 browsers
//   node bench/browser-propagation.mjs --hubs 3 --browsers 30         # 3 native nodes, 30 browsers each
//   node bench/browser-propagation.mjs --seconds 90 --slot-ms 2000 --warmup 20 --dist DIR
//
// It builds target/native/ecloud-node (cargo build --profile native), starts --hubs native
// nodes of one seeded classroom on 127.0.0.1, each serving dist/ (--http): the first is
// member 0, the others members 1, 2, ... dialling the first (so a block crosses one or two
// native nodes). Each native node gets --browsers pages, each in a browser context of its
// own (its own IndexedDB), one Chromium per native node; each page starts the worker as an observer
// ({"join":{}}). Once every browser has caught up, and --warmup seconds more, for every
// block a native node sealed in the next --seconds and every browser that accepted it,
// the delay is the time the page heard the worker's `accepted` event (Date.now(), the
// worker to page hop included) minus the sealer's `at_ms` (one machine, one clock). Prints the
// count, p50, p99 and maximum, and each native node's CPU time over the run and its peak
// memory (VmHWM), alone (5 s before the browsers are opened) and with its browsers.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir, cpus, loadavg } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import { option } from "./cli.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { chromium } = createRequire(join(root, "tests/package.json"))("playwright-core");
const hubs = Number(option("--hubs", 1));
const perHub = Number(option("--browsers", 30));
const seconds = Number(option("--seconds", 60));
const slotMs = Number(option("--slot-ms", 1000));
const warmup = Number(option("--warmup", 10));
const dist = resolve(option("--dist", join(root, "dist")));

execFileSync("cargo", ["build", "--profile", "native", "-q", "-p", "ecloud-node"], { cwd: root, stdio: "inherit" });
const binary = join(root, "target/native/ecloud-node");
const dir = mkdtempSync(join(tmpdir(), "ecloud-browser-propagation-"));
const start = Date.now();

function startHub(member, peer) {
  const argv = [
    "--data", join(dir, String(member)), "--listen", "/ip4/127.0.0.1/tcp/0",
    "--class-seed", "7", "--members", String(Math.max(4, hubs + 1)), "--member", String(member),
    "--start-ms", String(start), "--slot-ms", String(slotMs),
    "--http", "127.0.0.1:0", "--page", dist,
  ];
  if (peer) argv.push("--peer", peer);
  const child = spawn(binary, argv, { stdio: ["ignore", "pipe", "inherit"] });
  const hub = { child, sealed: new Map(), address: null, page: null, height: 0 };
  createInterface({ input: child.stdout }).on("line", (line) => {
    const v = JSON.parse(line);
    if (v.listening) hub.address ??= v.listening;
    if (v.page) hub.page = v.page;
    if (v.status) hub.height = v.status.height;
    if (v.event?.sealed !== undefined) hub.sealed.set(v.event.hash, v.at_ms);
  });
  return hub;
}

const until = async (what, ms, check) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out (${ms} ms): ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, 100 Hz
};
const peakMb = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;

// The native nodes and the browser go with this script, however it ends.
// One Chromium per native node (its classroom's devices).
const browsers = [];
const cleanUp = () => {
  for (const h of all) h.child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
};
process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(1));

const all = [startHub(0)];
await until("the first native node listens", 20_000, () => all[0].address && all[0].page);
for (let m = 1; m < hubs; m++) all.push(startHub(m, all[0].address));
await until("every native node serves its page", 20_000, () => all.every((h) => h.page));

// The native nodes alone for a few slots: their own cost without browsers.
const quiet = 5_000;
const before = all.map((h) => cpuMs(h.child.pid));
await new Promise((r) => setTimeout(r, quiet));
const alone = all.map((h, i) => ({ cpu: cpuMs(h.child.pid) - before[i], mb: peakMb(h.child.pid) }));

const launch = () =>
  chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run",
      // Thirty pages in one browser, none of them in front: keep their timers and workers at full speed.
      "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
      "--disable-backgrounding-occluded-windows",
    ],
  });
const pages = [];
console.error(`opening ${hubs * perHub} pages…`);
for (const hub of all) {
  const browser = await launch();
  browsers.push(browser);
  for (let b = 0; b < perHub; b++) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(hub.page);
    await page.evaluate(() => {
      window.__accepted = [];
      window.__errors = [];
      const worker = new Worker("./ecloud-browser-node_loader.js");
      worker.onmessage = (e) => {
        const r = JSON.parse(e.data);
        window.__last = [...(window.__last ?? []).slice(-40), r];
        if (r.ready) worker.postMessage(JSON.stringify({ join: {} }));
        if (r.event?.accepted !== undefined) window.__accepted.push([r.event.hash, Date.now()]);
        if (r.status) window.__height = r.status.height;
        if (r.error && r.error.what !== "dial") window.__errors.push(r.error);
      };
      window.__worker = worker;
    });
    pages.push(page);
  }
}
// Every browser caught up, then --warmup seconds more before blocks count.
const tip = () => Math.max(...all.map((h) => h.height));
let told = 0;
const laggards = async () => {
  for (const [i, p] of pages.entries()) {
    const h = await p.evaluate(() => window.__height ?? 0);
    if (h < tip() - 1) console.error(`browser ${i} at ${h}:`, JSON.stringify(await p.evaluate(() => window.__last)));
  }
};
const telling = setTimeout(laggards, 120_000);
await until("every browser catches up", 300_000, async () => {
  const heights = await Promise.all(pages.map((p) => p.evaluate(() => window.__height ?? 0)));
  if (Date.now() - told > 10_000) {
    told = Date.now();
    console.error(`tip ${tip()}; browsers at ${Math.min(...heights)} to ${Math.max(...heights)}`);
  }
  return Math.min(...heights) >= tip() - 1;
});
clearTimeout(telling);
const counted = Date.now() + warmup * 1000;
const hubStart = all.map((h) => cpuMs(h.child.pid));
await new Promise((r) => setTimeout(r, warmup * 1000 + seconds * 1000));
const span = Date.now() - counted + warmup * 1000;
const withBrowsers = all.map((h, i) => ({ cpu: cpuMs(h.child.pid) - hubStart[i], mb: peakMb(h.child.pid) }));
const load = loadavg()[0];

const arrivals = [];
const errors = [];
for (const page of pages) {
  const { accepted, errs } = await page.evaluate(() => ({ accepted: window.__accepted, errs: window.__errors }));
  arrivals.push(new Map(accepted));
  errors.push(...errs);
}
await Promise.all(browsers.map((b) => b.close()));
for (const h of all) h.child.kill("SIGTERM");
await Promise.all(all.map((h) => new Promise((r) => h.child.on("exit", r))));

const delays = [];
let blocks = 0;
for (const hub of all) {
  for (const [hash, sealedAt] of hub.sealed) {
    if (sealedAt < counted || sealedAt > counted + seconds * 1000 - 2 * slotMs) continue;
    blocks++;
    for (const seen of arrivals) if (seen.has(hash)) delays.push(seen.get(hash) - sealedAt);
  }
}
delays.sort((a, b) => a - b);
const at = (q) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))];
const count = pages.length;
console.log(
  `${hubs} native node(s), ${count} browsers (${perHub} each), ${slotMs} ms slots: ` +
    `${blocks} blocks sealed in ${seconds} s, ${delays.length} arrivals of ${blocks * count}: ` +
    `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${delays.at(-1)} ms`,
);
all.forEach((h, i) =>
  console.log(
    `native node ${i}: alone ${((alone[i].cpu / quiet) * 100).toFixed(1)} % of a core, ${alone[i].mb.toFixed(1)} MB; ` +
      `with its browsers ${((withBrowsers[i].cpu / span) * 100).toFixed(1)} % of a core, ` +
      `peak ${withBrowsers[i].mb.toFixed(1)} MB (their catch-up included)`,
  ),
);
console.log(`machine: ${cpus().length} × ${cpus()[0].model}, load average ${load.toFixed(2)} at the end`);
if (errors.length) console.error(`${errors.length} errors from workers, e.g. ${JSON.stringify(errors.slice(0, 3))}`);
