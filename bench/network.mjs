#!/usr/bin/env node
// bench/network.mjs: the Network page (network.html: four nodes, one per member, on a
// simulated network in the page) with a long chain, in headless Chromium.
//
//   trunk build --release && node bench/network.mjs                 # 0, 1,000 and 10,000 blocks
//   node bench/network.mjs --sizes 0,2000 --steps 20 --out target/bench/network.json
//
// It serves the release build (dist/; ECLOUD_DIST for another) on 127.0.0.1, opens
// network.html?seed=2018 in a 1280 x 720 window, pauses it, and grows the chain with the
// page's "Fast forward 100 blocks" (each press timed). At each size it presses "Next block"
// --steps times (default 15): chain time runs to the end of the next slot, so the next
// block is sealed by its winner's node, sent to the three others, checked and taken by
// each, and the page re-renders. Each press is timed on the main thread from the click to
// the laid-out page (performance.now() before a synthetic click, a MessageChannel task
// after Yew's render, a forced layout, performance.now()), as bench/page.mjs times the
// page's "Seal now". The target (issue 17) is under 16 ms at 10,000 blocks.
//
// Memory: the wasm's linear memory (all four nodes' chains, trees and states; it only
// grows) and the JS heap, at each size after a garbage collection.
//
// Prints one line per size; --out writes JSON.

import { writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { startServer, launchBrowser, newPage, gotoApp, DIST_DIR } from "../tests/e2e/harness.mjs";
import { option, summary } from "./cli.mjs";

const sizes = option("--sizes", "0,1000,10000").split(",").map(Number);
const steps = Number(option("--steps", 15));
const out = option("--out", null);

const fmt = (s) => `median ${s.median.toFixed(1)} ms, p90 ${s.p90.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`;

/** The height George's node follows, from the Nodes table. */
async function height(page) {
  const text = await page.locator("#nodes tbody tr").first().locator("td.tip").innerText();
  return Number(text.trim().split(/\s+/)[0].slice(1));
}

/** One "Next block", timed on the main thread from the click to the laid-out page. */
function timedStep() {
  const button = [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "Next block");
  const time = () => document.querySelector(".clock .time").textContent;
  const before = time();
  const nextTask = () =>
    new Promise((done) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => done();
      channel.port2.postMessage(0);
    });
  const t0 = performance.now();
  button.click();
  return nextTask().then(() => {
    document.body.getBoundingClientRect();
    return { ms: performance.now() - t0, rendered: time() !== before };
  });
}

const server = await startServer({ root: DIST_DIR });
const browser = await launchBrowser({ args: ["--js-flags=--expose-gc"] });
const results = { when: new Date().toISOString(), steps, sizes: [], fastForward: [] };
try {
  const { page, problems } = await newPage(browser, { viewport: { width: 1280, height: 720 } });
  await gotoApp(page, server.url, "network.html?seed=2018", { waitFor: "h1" });
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("button", { name: "Run" }).waitFor();
  for (const size of sizes) {
    while ((await height(page)) < size) {
      const from = await height(page);
      const started = Date.now();
      await page.getByRole("button", { name: "Fast forward 100 blocks" }).click();
      await page.waitForFunction((h) => {
        const cell = document.querySelector("#nodes tbody tr td.tip");
        return Number(cell.textContent.trim().split(/\s+/)[0].slice(1)) > h;
      }, from, { timeout: 300_000 });
      results.fastForward.push({ from, to: await height(page), wallMs: Date.now() - started });
    }
    for (let i = 0; i < 3; i++) await page.evaluate(timedStep); // untimed: warm-up
    const at = await height(page);
    const times = [];
    for (let i = 0; i < steps; i++) {
      const step = await page.evaluate(timedStep);
      if (!step.rendered) throw new Error("a step did not re-render");
      times.push(step.ms);
    }
    const memory = await page.evaluate(() => {
      globalThis.gc?.();
      return { wasm: window.ecloudNetwork.memory.buffer.byteLength, jsHeap: performance.memory?.usedJSHeapSize ?? null };
    });
    const row = { size: at, step: summary(times), times, memory };
    results.sizes.push(row);
    const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
    console.log(`${String(row.size).padStart(6)} blocks: next block + re-render ${fmt(row.step)}; wasm memory ${mb(memory.wasm)}, JS heap ${memory.jsHeap === null ? "?" : mb(memory.jsHeap)}`);
  }
  const ff = results.fastForward.map((f) => f.wallMs);
  if (ff.length) console.log(`fast forward 100 blocks: ${fmt(summary(ff))} (${ff.length} presses)`);
  problems.assertNone();
} finally {
  await browser.close();
  await server.close();
}
if (out) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2));
}
