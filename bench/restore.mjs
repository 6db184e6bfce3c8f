#!/usr/bin/env node
// bench/restore.mjs: how long the page takes to open a long run kept in the browser.
//
//   node bench/restore.mjs                          # dist/ as built; 10,000 and 100,000 blocks
//   node bench/restore.mjs --sizes 10000 --reloads 5 --out target/bench/restore.json
//
// It serves the release page (dist/, from `trunk build --release`; ECLOUD_DIST to point
// elsewhere) on 127.0.0.1, opens it at ?seed=2018 in a fresh browser context with a
// 1280 x 720 window, pauses the timer, turns auto-generation on and grows the run with
// the page's own "Seal 1,000 blocks" button, each press written to IndexedDB as it is
// sealed (one record per block). At each size it waits until the store holds the tip,
// then reloads the page --reloads times (default 3) and takes, from the navigation's
// start (performance.timeOrigin) as the page itself sees it:
//
//   usable    the tip's block card is in the page and "Seal now" can be pressed: the run
//             was reopened and its newest 16 blocks verified (a page before 558b0b6 read
//             every block first; since, it reads the genesis block and the newest 17);
//   read      every block is read: the banner's "Reading older blocks" note is gone (the
//             older blocks are read in the background, a short chunk per task; a page
//             before 558b0b6 shows no such note, so there read is usable);
//   verified  the Files panel says the whole chain was verified in the background (the
//             rest of the blocks, a slice at a time, while the page answers clicks).
//
// The goal (issue 16) is usable within 2 s of opening a 100,000-block run. Prints one
// line per size: median, minimum and maximum of each figure, the store's size, and
// writes JSON with --out.

import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { startServer, launchBrowser, newPage, gotoApp, DIST_DIR } from "../tests/e2e/harness.mjs";
import { option, median } from "./cli.mjs";

const sizes = option("--sizes", "10000,100000").split(",").map(Number);
const reloads = Number(option("--reloads", 3));
const out = option("--out", null);
const dist = resolve(process.env.ECLOUD_DIST ?? DIST_DIR);
const thousands = (n) => n.toLocaleString("en-US");
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** The height of the open block, from its panel's heading. */
async function openHeight(page) {
  const text = await page.getByRole("heading", { level: 2, name: /^Open block \d+$/ }).innerText();
  return Number(text.match(/\d+/)[0]);
}

/** The run's tip and size as the store holds them. */
function kept(page) {
  return page.evaluate(async () => {
    const ask = (request) => new Promise((ok) => (request.onsuccess = () => ok(request.result)));
    const db = await ask(indexedDB.open("e-cloud"));
    const slots = await ask(db.transaction("meta").objectStore("meta").get("slots"));
    const slot = Number(slots.match(/current=(\d+)/)[1]);
    const rest = await ask(db.transaction("runs").objectStore("runs").get(slot));
    db.close();
    const { usage } = await navigator.storage.estimate();
    return { tip: JSON.parse(rest).tip, usage };
  });
}

/** Seals until the run has `size` blocks after genesis, 1,000 at a time. */
async function grow(page, size) {
  while ((await openHeight(page)) - 1 < size) {
    const from = await openHeight(page);
    await page.getByRole("button", { name: "Seal 1,000 blocks" }).click();
    await page
      .getByText(`(blocks ${from} to ${from + 999}).`, { exact: false })
      .waitFor({ timeout: 300_000 });
  }
  while ((await kept(page)).tip < size) await page.waitForTimeout(200);
}

/** In the page, from its first script on: when the run is usable and when verified. */
function watchOpening(tip) {
  window.opening = new Promise((done) => {
    const times = {};
    const look = () => {
      const now = performance.now();
      const seal = [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "Seal now");
      if (!times.usable && document.getElementById(`block-${tip}-title`) && seal && !seal.disabled) {
        times.usable = now;
      }
      const reading = [...document.querySelectorAll(".kept-banner")].some((b) => b.textContent.startsWith("Reading older blocks"));
      if (times.usable && !times.read && !reading) times.read = now;
      const files = document.getElementById("files");
      if (!times.verified && files && /was verified in the background in/.test(files.textContent)) {
        times.verified = now;
      }
      if (times.usable && times.read && times.verified) {
        observer.disconnect();
        done(times);
      }
    };
    const observer = new MutationObserver(look);
    const start = () => observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    if (document.documentElement) start();
    else document.addEventListener("DOMContentLoaded", start);
  });
}

const browser = await launchBrowser();
const server = await startServer({ root: dist });
const results = { when: new Date().toISOString(), dist, reloads, sizes: [] };
try {
  const { page, context, problems } = await newPage(browser, { viewport: { width: 1280, height: 720 } });
  await gotoApp(page, server.url, "?seed=2018", { waitFor: "h1" });
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByLabel("Generate automatically before each block").check();
  for (const size of sizes) {
    const started = Date.now();
    await grow(page, size);
    const grown = Date.now() - started;
    const { usage } = await kept(page);
    const tip = (await openHeight(page)) - 1;
    await context.addInitScript(watchOpening, tip);
    const runs = [];
    for (let i = 0; i < reloads; i++) {
      await page.reload({ waitUntil: "domcontentloaded" });
      const times = await page.evaluate(() => window.opening);
      runs.push(times);
      console.log(
        `  ${thousands(size)} blocks, reload ${i + 1}: usable ${secs(times.usable)}, read ${secs(times.read)}, verified ${secs(times.verified)}`,
      );
    }
    const usable = runs.map((r) => r.usable);
    const read = runs.map((r) => r.read);
    const verified = runs.map((r) => r.verified);
    const entry = {
      blocks: size,
      tip,
      storeBytes: usage,
      grownMs: grown,
      usable: { median: median(usable), min: Math.min(...usable), max: Math.max(...usable) },
      read: { median: median(read), min: Math.min(...read), max: Math.max(...read) },
      verified: { median: median(verified), min: Math.min(...verified), max: Math.max(...verified) },
      runs,
    };
    results.sizes.push(entry);
    console.log(
      `${thousands(size).padStart(7)} blocks (${(usage / 1e6).toFixed(0)} MB kept): usable median ${secs(entry.usable.median)} ` +
        `(${secs(entry.usable.min)}-${secs(entry.usable.max)}), read median ${secs(entry.read.median)} ` +
        `(${secs(entry.read.min)}-${secs(entry.read.max)}), verified median ${secs(entry.verified.median)} ` +
        `(${secs(entry.verified.min)}-${secs(entry.verified.max)}); ${reloads} reloads`,
    );
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
