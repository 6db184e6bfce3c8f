// A class never loses its run: IndexedDB keeps every block as it is sealed and every
// change at once; a reload opens fast and verifies in the background; two tabs never
// overwrite each other; a run exported with its keys goes on elsewhere; a reset asks
// and can be undone; a full store is said, and never passed off as the whole run;
// a seeded run is the same in two fresh browser profiles.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { useApp, panel, block, sealNow, openHeight, CHROMIUM_ARGS, watchProblems } from "./harness.mjs";

const app = useApp();

const files = (page) => panel(page, "Save, share, start again");
const thousands = (n) => n.toLocaleString("en-US");
const hashOf = (page, height) => block(page, height).locator("button.hex").first().getAttribute("title");
const FOLLOWING = "This run is open in another tab, which keeps it; this tab follows it.";

/** Waits until `check()` is true (polling), or fails after `ms`. */
async function until(check, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not so after ${ms} ms: ${check}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

/** Seals `blocks` blocks (a multiple of 1,000, or 100) with the page's fast forward. */
async function fastForward(page, blocks) {
  const step = blocks % 1_000 === 0 ? 1_000 : 100;
  for (let done = 0; done < blocks; done += step) {
    const from = await openHeight(page);
    await page.getByRole("button", { name: `Seal ${thousands(step)} blocks` }).click();
    await panel(page, "Next block")
      // Block heights name blocks: no thousands separator.
      .getByText(`(blocks ${from} to ${from + step - 1}).`, { exact: false })
      .waitFor({ timeout: 90_000 });
  }
}

/** Adds `add` to the number at `path` in block `height`'s record in this browser's store. */
function editKeptBlock(page, height, path, add) {
  return page.evaluate(
    async ([height, path, add]) => {
      const ask = (request) =>
        new Promise((ok, fail) => {
          request.onsuccess = () => ok(request.result);
          request.onerror = () => fail(request.error);
        });
      const db = await ask(indexedDB.open("e-cloud"));
      const meta = db.transaction("meta").objectStore("meta");
      const slot = Number((await ask(meta.get("slots"))).match(/current=(\d+)/)[1]);
      const blocks = db.transaction("blocks", "readwrite").objectStore("blocks");
      const record = JSON.parse(await ask(blocks.get([slot, height])));
      const parent = path.slice(0, -1).reduce((o, k) => o[k], record);
      parent[path.at(-1)] += add;
      await ask(blocks.put(JSON.stringify(record), [slot, height]));
      db.close();
    },
    [height, path, add],
  );
}

/**
 * Makes this browser's storage refuse to keep blocks while `window.storageFull` is set,
 * as a full disk does: the transaction aborts with a QuotaExceededError. (Chromium's
 * DevTools quota override, Storage.overrideQuotaForOrigin, has no effect on this build.)
 */
function refuseWhenFull(context) {
  return context.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (value, key) {
      const request = put.call(this, value, key);
      const tx = this.transaction;
      if (window.storageFull && this.name === "blocks" && !tx.failing) {
        tx.failing = true;
        const full = new DOMException("The quota has been exceeded.", "QuotaExceededError");
        Object.defineProperty(tx, "error", { get: () => full });
      }
      return request;
    };
    const commit = IDBTransaction.prototype.commit;
    IDBTransaction.prototype.commit = function () {
      return this.failing ? this.abort() : commit.call(this);
    };
  });
}

test("a reload right after a seal keeps the block and the reading waiting for the next", async () => {
  const { page, problems } = await app.openPaused();
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  const started = Date.now();
  await page.getByRole("button", { name: "Seal now" }).click();
  await page.getByLabel("Energy George generates (kWh)").fill("3.5");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  await panel(page, "Open block 2").getByText("1 transaction waiting", { exact: false }).waitFor();
  const hash = await hashOf(page, 1);
  const before = Date.now() - started;
  assert.ok(before < 600, `seal, generate and reload within 0.6 s (took ${before} ms)`);
  await page.reload();
  await block(page, 1).waitFor();
  assert.equal(await hashOf(page, 1), hash);
  const open = panel(page, "Open block 2");
  await open.getByText("1 transaction waiting", { exact: false }).waitFor();
  await open.getByText("George generated 3.5 kWh in market period 2", { exact: false }).waitFor();
  await files(page).getByText("Your run is back: 2 blocks, as kept in this browser.").waitFor();
  problems.assertNone();
});

/**
 * In the page, from its first script on: the store's answers to the background reads
 * of older blocks (100 a request) wait until `window.releaseOlder()`, so that a test
 * sees the page while they are still being read, whatever the machine's speed.
 */
function holdOlderBlocks() {
  const getAll = IDBObjectStore.prototype.getAll;
  let release;
  const released = new Promise((ok) => (release = ok));
  window.releaseOlder = release;
  IDBObjectStore.prototype.getAll = function (query, count) {
    const request = getAll.call(this, query, count);
    if (count === 100) {
      let handler = null;
      Object.defineProperty(request, "onsuccess", { get: () => handler, set: (h) => (handler = h) });
      request.addEventListener("success", (event) => released.then(() => handler?.call(request, event)));
    }
    return request;
  };
}

test("3,000 blocks and a reload: usable at once, older blocks read and the chain verified in the background", async () => {
  const { page, context, problems } = await app.openPaused("?seed=5");
  await page.getByLabel("Generate automatically before each block").check();
  await fastForward(page, 3_000);
  const hash = await hashOf(page, 3_000);
  await context.addInitScript(holdOlderBlocks);
  await page.reload();
  await block(page, 3_000).waitFor({ timeout: 30_000 });
  assert.equal(await hashOf(page, 3_000), hash);
  await files(page).getByText("Your run is back: 3,001 blocks, as kept in this browser.").waitFor();
  // Usable while the older blocks are still being read (held by the test): the tip
  // shown, Seal now enabled; what needs the whole chain waits, and says so.
  const reading = page.locator(".kept-banner").filter({ hasText: "Reading the 2,983 older blocks kept in this browser…" });
  await reading.waitFor();
  assert.ok(await page.getByRole("button", { name: "Seal now" }).isEnabled(), "Seal now is enabled");
  for (const name of ["Export chain", "Export run with keys (private)"]) {
    assert.ok(await files(page).getByRole("button", { name }).isDisabled(), `${name} waits`);
  }
  assert.ok(await panel(page, "Verify the chain").getByRole("button", { name: "Verify chain" }).isDisabled());
  const waits = "This waits for the older blocks kept in this browser, which are still being read";
  await panel(page, "Over time").getByText(waits).waitFor();
  const blocks = panel(page, "Blocks");
  await blocks.getByLabel("Go to block").fill("12");
  await blocks.getByLabel("Go to block").press("Enter");
  const unread = blocks.getByText(waits);
  await unread.waitFor();
  // Paging goes as far as the blocks read; back to the newest, the refusal goes.
  await blocks.getByRole("button", { name: "Older" }).click();
  await block(page, 2_990).waitFor();
  await blocks.getByRole("button", { name: "Newest" }).click();
  await unread.waitFor({ state: "detached" });
  // A seal goes on from block 3,000 meanwhile, and is kept.
  assert.equal(await sealNow(page), 3_001);
  await page.evaluate(() => window.releaseOlder());
  await reading.waitFor({ state: "detached", timeout: 60_000 });
  await files(page)
    .getByText(/^The chain kept in this browser \(3,002 blocks\) was verified in the background in [\d.,]+ (ms|s): every hash, signature and balance\.$/)
    .waitFor({ timeout: 60_000 });
  assert.ok(await files(page).getByRole("button", { name: "Export chain" }).isEnabled());
  await panel(page, "Over time").getByText(waits).waitFor({ state: "detached" });
  assert.equal(await page.getByRole("alert").count(), 0);
  problems.assertNone();
});

test("a reload at once after 1,000 blocks were sealed keeps all of them", async () => {
  const { page, problems } = await app.openPaused("?seed=6");
  await sealNow(page);
  await fastForward(page, 1_000);
  const hash = await hashOf(page, 1_001);
  // At once, as a person presses reload: the write of 1,000 blocks is asked to
  // commit as it is issued, so the browser finishes it (without that, Chromium drops
  // a transaction still open when a reload comes from the browser).
  await page.reload();
  await files(page).getByText("Your run is back: 1,002 blocks, as kept in this browser.").waitFor();
  assert.equal(await hashOf(page, 1_001), hash);
  assert.equal(await page.getByRole("alert").count(), 0);
  problems.assertNone();
});

test("two tabs: one keeps the run, the other follows it with a banner and takes over when it closes", async () => {
  const { page: first, context, problems } = await app.openPaused();
  const second = await context.newPage();
  const secondProblems = watchProblems(second);
  await second.goto(app.url);
  const banner = second.locator(".kept-banner").filter({ hasText: FOLLOWING });
  await banner.waitFor();
  assert.equal(await banner.getAttribute("role"), "status");
  // The follower changes nothing: its controls are disabled, and the Next
  // block panel says why sealing waits.
  for (const name of ["Seal now", "Generate", "Apply shares", "Reset: start afresh"]) {
    assert.ok(await second.getByRole("button", { name, exact: true }).isDisabled(), `${name} is disabled`);
  }
  await panel(second, "Next block").getByRole("status").filter({ hasText: `Sealing waits. ${FOLLOWING}` }).waitFor();
  assert.equal(await first.getByText(FOLLOWING).count(), 0, "the first tab keeps the run");

  // Work in the first tab shows in the second.
  await first.getByRole("button", { name: "Generate", exact: true }).click();
  await sealNow(first);
  const members = panel(first, "Members");
  await members.getByLabel("New name for Bob").fill("Robert");
  await members.getByRole("button", { name: "Rename" }).nth(2).click();
  await first.getByLabel("Anne's share (%)").fill("60");
  await first.getByLabel("Carla's share (%)").fill("10");
  await first.getByRole("button", { name: "Apply shares" }).click();
  await sealNow(first);
  await block(second, 2).getByText(/is now called Robert/).waitFor();
  await until(async () => (await second.getByLabel("Anne's share (%)").inputValue()) === "60");
  assert.equal(await hashOf(second, 2), await hashOf(first, 2));

  // The first tab closes: the second takes over, and its own work is kept.
  await first.close();
  await banner.waitFor({ state: "detached" });
  await files(second).getByText("this tab keeps it now", { exact: false }).waitFor();
  await second.getByRole("button", { name: "Generate", exact: true }).click();
  assert.equal(await sealNow(second), 3);
  await second.reload();
  await block(second, 3).waitFor();
  await block(second, 2).getByText(/is now called Robert/).waitFor();
  await block(second, 3).getByText("Generation", { exact: false }).first().waitFor();
  problems.assertNone();
  secondProblems.assertNone();
});

test("a run exported with its keys is imported in another browser and goes on sealing", async () => {
  const { page, problems } = await app.openPaused();
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  await sealNow(page);
  await sealNow(page);
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    files(page).getByRole("button", { name: "Export run with keys (private)" }).click(),
  ]);
  assert.match(download.suggestedFilename(), /PRIVATE/);
  const path = join(mkdtempSync(join(tmpdir(), "ecloud-")), download.suggestedFilename());
  await download.saveAs(path);
  const run = JSON.parse(readFileSync(path, "utf8"));
  assert.equal(run.format, "e-cloud-run");
  assert.match(run.private, /^PRIVATE: this file holds the secret keys of every member/);
  assert.equal(run.chain.blocks.length, 3);
  const tip = await hashOf(page, 2);

  // Another day, another browser: nothing kept there but its own fresh run.
  const other = await app.openPaused();
  await other.page.locator("#import-file").setInputFiles(path);
  await files(other.page)
    .getByText(/imported and verified: the run with its keys, 3 blocks\. It goes on here: the next block is block 3\./)
    .waitFor();
  assert.equal(await hashOf(other.page, 2), tip);
  await panel(other.page, "Open block 3").getByText("1 transaction waiting", { exact: false }).waitFor();
  assert.equal(await sealNow(other.page), 3);
  assert.equal(await other.page.getByText(/keys this page does not hold/).count(), 0);
  await panel(other.page, "Verify the chain").getByRole("button", { name: "Verify chain" }).click();
  await panel(other.page, "Verify the chain").getByText(/✔ Valid\. 4 blocks checked/).waitFor();
  // And it is kept there: a reload brings back block 3.
  await other.page.reload();
  await block(other.page, 3).waitFor();
  problems.assertNone();
  other.problems.assertNone();
  rmSync(path);
});

test("reset asks first, and Undo reset brings the run back, even after a reload", async () => {
  const { page, problems } = await app.openPaused();
  for (let i = 0; i < 3; i++) await sealNow(page);
  const tip = await hashOf(page, 3);
  const reset = files(page).getByRole("button", { name: "Reset: start afresh" });
  const dialog = page.getByRole("dialog", { name: "Start a fresh run?" });

  // Asked; Escape (or Cancel) changes nothing.
  await reset.click();
  await dialog.waitFor();
  await dialog.getByText("The run in use (4 blocks) is put aside, and “Undo reset” brings it back until the next reset.").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Cancel", "the safe answer has the focus");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Reset: start afresh", "the focus is back");
  await block(page, 3).waitFor();

  await reset.click();
  await dialog.getByRole("button", { name: "Start a fresh run" }).click();
  await dialog.waitFor({ state: "hidden" });
  await files(page).getByText("A fresh run with new random keys started.").waitFor();
  assert.equal(await block(page, 1).count(), 0);
  const undo = files(page).getByRole("button", { name: "Undo reset" });
  await undo.waitFor();
  await files(page).getByText("Brings back the run put aside (4 blocks); the run in use now is then dropped.").waitFor();
  await sealNow(page);

  // Still offered after a reload.
  await page.reload();
  await block(page, 1).waitFor();
  await undo.click();
  await files(page).getByText("The run of 4 blocks is back, as it was kept; the run that replaced it is dropped.").waitFor();
  assert.equal(await hashOf(page, 3), tip);
  assert.equal(await undo.count(), 0);
  assert.equal(await sealNow(page), 4);
  await page.reload();
  await block(page, 4).waitFor();
  assert.equal(await hashOf(page, 3), tip);
  problems.assertNone();
});

test("a chain changed inside the browser's storage is found by the background verification and said", async () => {
  const { page, problems } = await app.openPaused("?seed=9");
  await fastForward(page, 100);
  await editKeptBlock(page, 5, ["body", "ledger", "members", 1, "balance"], 1000);
  await page.reload();
  // Opened at once (only the newest blocks are checked first), then found.
  await block(page, 100).waitFor();
  const alert = page.getByRole("alert").filter({ hasText: "The chain kept in this browser fails verification at block 5" });
  await alert.waitFor({ timeout: 30_000 });
  await alert.getByText("it was changed outside this page. No block is sealed on it.", { exact: false }).waitFor();
  await panel(page, "Verify the chain").getByText("Broken at block 5.", { exact: false }).waitFor();
  // Sealing waits, and the Next block panel says why.
  const seal = page.getByRole("button", { name: "Seal now" });
  await panel(page, "Next block").getByRole("status").filter({ hasText: /^Sealing waits\. The chain kept in this browser fails verification at block 5/ }).waitFor();
  assert.ok(await seal.isDisabled(), "Seal now is disabled");
  await page.waitForTimeout(1_500);
  assert.equal(await openHeight(page), 101, "nothing sealed on it");
  problems.assertNone();
});

test("an older block that does not link, changed inside the browser's storage, is found when read and said", async () => {
  const { page, problems } = await app.openPaused("?seed=10");
  await fastForward(page, 100);
  // Block 40's record names another hash: block 41 no longer links to it.
  await page.evaluate(async () => {
    const ask = (request) => new Promise((ok) => (request.onsuccess = () => ok(request.result)));
    const db = await ask(indexedDB.open("e-cloud"));
    const slots = await ask(db.transaction("meta").objectStore("meta").get("slots"));
    const slot = Number(slots.match(/current=(\d+)/)[1]);
    const blocks = db.transaction("blocks", "readwrite").objectStore("blocks");
    const record = JSON.parse(await ask(blocks.get([slot, 40])));
    record.hash = "ab".repeat(32);
    await ask(blocks.put(JSON.stringify(record), [slot, 40]));
    db.close();
  });
  await page.reload();
  await block(page, 100).waitFor();
  const alert = page.getByRole("alert").filter({ hasText: "The chain kept in this browser is broken (block 41 does not name block 40 as its parent)" });
  await alert.waitFor({ timeout: 30_000 });
  await alert.getByText("it was changed outside this page. No block is sealed on it.", { exact: false }).waitFor();
  assert.ok(await page.getByRole("button", { name: "Seal now" }).isDisabled(), "Seal now is disabled");
  assert.equal(await openHeight(page), 101, "nothing sealed on it");
  problems.assertNone();
});

test("storage that is full is said, and a reload does not pass off the shorter run as the whole", async () => {
  const { page, context, problems } = await app.openPaused("?seed=11");
  await refuseWhenFull(context);
  await page.reload();
  await page.getByRole("button", { name: "Resume" }).waitFor();
  await page.getByLabel("Generate automatically before each block").check();
  await sealNow(page);
  await page.evaluate(() => (window.storageFull = true));
  await fastForward(page, 1_000);
  const refused = files(page).getByRole("alert").filter({ hasText: "This browser did not keep blocks 2 to 1001 (QuotaExceededError: The quota has been exceeded.)" });
  await refused.waitFor({ timeout: 30_000 });
  await refused.getByText("a reload would bring it back only up to block 1. Export the run with its keys to keep all of it", { exact: false }).waitFor();
  await page.reload();
  await block(page, 1).waitFor();
  const held = page.getByRole("alert").filter({ hasText: "This is the run as this browser kept it, up to block 1" });
  await held.waitFor();
  await held.getByText("the run had reached block 1001", { exact: false }).waitFor();
  assert.equal(await block(page, 2).count(), 0);
  // Nothing is sealed on it until the class chooses.
  await panel(page, "Next block").getByRole("status").filter({ hasText: /^Sealing waits\. This is the run as this browser kept it/ }).waitFor();
  assert.ok(await page.getByRole("button", { name: "Seal now" }).isDisabled(), "Seal now is disabled");
  assert.equal(await openHeight(page), 2);
  await held.getByRole("button", { name: "Go on from block 1" }).click();
  await held.waitFor({ state: "detached" });
  assert.equal(await sealNow(page), 2);
  await page.reload();
  await block(page, 2).waitFor();
  assert.equal(await page.getByRole("alert").count(), 0, "going on was the class's choice: not said again");
  problems.assertNone();
});

test("a browser that keeps nothing for the page: said, with what to do, and a reset says what it loses", async () => {
  const context = await app.browser.newContext();
  try {
    await context.addInitScript(() => Object.defineProperty(window, "indexedDB", { value: undefined }));
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(app.url);
    await files(page)
      .getByRole("alert")
      .getByText("This browser keeps no storage for this page (this browser has no IndexedDB): the run will not survive a reload. Export the run with its keys to keep it.")
      .waitFor();
    await files(page).getByText("This browser keeps nothing for this page.").waitFor();
    await page.getByRole("button", { name: "Pause" }).click();
    await sealNow(page);
    await files(page).getByRole("button", { name: "Reset: start afresh" }).click();
    await page
      .getByRole("dialog", { name: "Start a fresh run?" })
      .getByText("This browser keeps no storage for this page: the run in use (2 blocks) will be gone. Export it with its keys first to keep it.")
      .waitFor();
    await page.keyboard.press("Escape");
    await block(page, 1).waitFor();
    problems.assertNone();
  } finally {
    await context.close();
  }
});

test("?seed=42 gives the same hashes for blocks 0-5 in two fresh browser profiles", async () => {
  const hashesIn = async () => {
    const profile = mkdtempSync(join(tmpdir(), "ecloud-profile-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      headless: !process.env.HEADED,
      chromiumSandbox: false,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const problems = watchProblems(page);
      await page.goto(new URL("?seed=42", app.url).href);
      await page.getByRole("button", { name: "Pause" }).click();
      for (let i = 0; i < 5; i++) {
        await page.getByLabel("Energy George generates (kWh)").fill("10");
        await page.getByRole("button", { name: "Generate", exact: true }).click();
        await sealNow(page);
      }
      const hashes = [];
      for (let h = 0; h <= 5; h++) hashes.push(await hashOf(page, h));
      problems.assertNone();
      return hashes;
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  };
  const first = await hashesIn();
  const second = await hashesIn();
  for (const hash of first) assert.match(hash, /^[0-9a-f]{64}$/);
  assert.equal(new Set(first).size, 6);
  assert.deepEqual(second, first);
});

test("a run kept by the pages before IndexedDB is moved there once", async () => {
  // A run file is a saved run with its keys: what those pages kept in localStorage.
  const { page } = await app.openPaused("?seed=3");
  await sealNow(page);
  await sealNow(page);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    files(page).getByRole("button", { name: "Export run with keys (private)" }).click(),
  ]);
  const text = readFileSync(await download.path(), "utf8");
  const tip = await hashOf(page, 2);

  const context = await app.browser.newContext();
  try {
    await context.addInitScript((text) => {
      if (!sessionStorage.getItem("planted")) {
        sessionStorage.setItem("planted", "1");
        localStorage.setItem("e-cloud-run", text);
      }
    }, text);
    const older = await context.newPage();
    const problems = watchProblems(older);
    await older.goto(app.url);
    await files(older).getByText("Your run is back: 3 blocks, as kept in this browser.").waitFor();
    assert.equal(await hashOf(older, 2), tip);
    await older.waitForFunction(() => localStorage.getItem("e-cloud-run") === null);
    await older.reload();
    await files(older).getByText("Your run is back: 3 blocks, as kept in this browser.").waitFor();
    assert.equal(await hashOf(older, 2), tip);
    problems.assertNone();
  } finally {
    await context.close();
  }
});
