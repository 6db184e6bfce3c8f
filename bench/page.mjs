#!/usr/bin/env node
// bench/page.mjs: the page's responsiveness with a long chain, in headless Chromium.
//
//   node bench/page.mjs                          # dist/ as built; 0, 1,000 and 10,000 blocks
//   node bench/page.mjs --sizes 0,1000,10000,20000 --seals 20 --out target/bench/page.json
//
// It serves the release page (dist/, from `trunk build --release`; ECLOUD_DIST to point
// elsewhere) on 127.0.0.1, opens it at ?seed=2018 with a 1280 x 720 window, pauses the
// timer, turns auto-generation on, and grows the chain with the page's own "Seal 1,000
// blocks" fast-forward button (each press timed too). At each size it presses "Seal now"
// --seals times (default 15) and times, on the main thread, from the click to the page
// having re-rendered and laid out: performance.now() before a synthetic click, then a
// MessageChannel task after Yew's render (which runs in microtasks after the click's
// handler), then a forced layout (getBoundingClientRect), then performance.now(). It
// checks the "Open block N" heading has moved on, so the time covers the whole render.
// The target (issue "Performance") is under 16 ms with 10,000 blocks.
// Prints one line per size (median, 90th percentile and maximum); --out writes JSON.

import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { startServer, launchBrowser, newPage, gotoApp } from "../tests/e2e/harness.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const sizes = opt("--sizes", "0,1000,10000").split(",").map(Number);
const seals = Number(opt("--seals", 15));
const out = opt("--out", null);
const STEP = 1000;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const ms = (x) => `${x.toFixed(1)} ms`;

/** The height of the open block, from its panel's heading. */
async function openHeight(page) {
  const text = await page.getByRole("heading", { level: 2, name: /^Open block \d+$/ }).innerText();
  return Number(text.match(/\d+/)[0]);
}

/** One "Seal now", timed on the main thread from the click to the laid-out page. */
function timedSeal() {
  const heading = () =>
    [...document.querySelectorAll("h2")].map((h) => h.textContent).find((t) => /^Open block \d+$/.test(t));
  const before = heading();
  const button = [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "Seal now");
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
    const t1 = performance.now();
    return { ms: t1 - t0, rendered: heading() !== before };
  });
}

const server = await startServer();
const browser = await launchBrowser();
const results = { when: new Date().toISOString(), seals, sizes: [] , fastForward: [] };
try {
  const { page, problems } = await newPage(browser, { viewport: { width: 1280, height: 720 } });
  await gotoApp(page, server.url, "?seed=2018", { waitFor: "h1" });
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByLabel("Generate automatically before each block").check();
  for (const size of sizes) {
    while ((await openHeight(page)) - 1 < size) {
      const missing = size - ((await openHeight(page)) - 1);
      const blocks = missing >= STEP ? STEP : missing >= 100 ? 100 : null;
      if (blocks === null) {
        // Fewer than a fast forward's worth: seal one at a time.
        const before = await openHeight(page);
        await page.getByRole("button", { name: "Seal now" }).click();
        await page.getByRole("heading", { level: 2, name: `Open block ${before + 1}` }).waitFor();
        continue;
      }
      const from = await openHeight(page);
      const started = Date.now();
      await page.getByRole("button", { name: `Seal ${blocks.toLocaleString("en-US")} blocks` }).click();
      const said = page.getByText(`(blocks ${from.toLocaleString("en-US")} to ${(from + blocks - 1).toLocaleString("en-US")}).`, { exact: false });
      await said.waitFor({ timeout: 120_000 });
      results.fastForward.push({ after: (await openHeight(page)) - 1, page: await said.innerText(), wallMs: Date.now() - started });
    }
    const times = [];
    for (let i = 0; i < seals; i++) {
      const r = await page.evaluate(timedSeal);
      if (!r.rendered) throw new Error("the page had not re-rendered when the time was taken");
      times.push(r.ms);
      await page.waitForTimeout(50);
    }
    const tip = (await openHeight(page)) - 1;
    const row = { blocks: size, tip, median: quantile(times, 0.5), p90: quantile(times, 0.9), max: Math.max(...times), times };
    results.sizes.push(row);
    console.log(
      `${String(size).padStart(6)} blocks: seal + re-render median ${ms(row.median)}, p90 ${ms(row.p90)}, max ${ms(row.max)} (${seals} seals)`,
    );
  }
  for (const f of results.fastForward.filter((f) => f.page.includes("1,000 blocks")).slice(-1)) {
    console.log(`fast forward, last press of 1,000: ${f.page}`);
  }
  problems.assertNone();
} finally {
  await browser.close();
  await server.close();
}
if (out) {
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2));
}
