// Export, import, the run kept in this browser, reproducible runs from a seed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useApp, panel, block, sealNow } from "./harness.mjs";

const app = useApp();

const files = (page) => panel(page, "Save, share, start again");

/** Puts `text` as the record `key` of `store` in this browser's IndexedDB ("current"
 * as `key` stands for the slot of the run in use). */
function putKept(page, store, key, text) {
  return page.evaluate(
    async ([store, key, text]) => {
      const ask = (request) =>
        new Promise((ok, fail) => {
          request.onsuccess = () => ok(request.result);
          request.onerror = () => fail(request.error);
        });
      const db = await ask(indexedDB.open("e-cloud"));
      if (key === "current") {
        const slots = await ask(db.transaction("meta").objectStore("meta").get("slots"));
        key = Number(slots.match(/current=(\d+)/)[1]);
      }
      await ask(db.transaction(store, "readwrite").objectStore(store).put(text, key));
      db.close();
    },
    [store, key, text],
  );
}

async function exportChain(page) {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    files(page).getByRole("button", { name: /^Export chain/ }).click(),
  ]);
  const path = join(mkdtempSync(join(tmpdir(), "ecloud-")), download.suggestedFilename());
  await download.saveAs(path);
  return path;
}

test("export then import gives the identical chain; a tampered file is refused and nothing changes", async () => {
  const { page, problems } = await app.openPaused();
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  assert.equal(await sealNow(page), 1);
  assert.equal(await sealNow(page), 2);
  const file = await exportChain(page);
  const text = readFileSync(file, "utf8");
  const exported = JSON.parse(text);
  assert.equal(exported.format, "e-cloud-chain");
  assert.equal(exported.blocks.length, 3);

  // A tampered copy: one allocation changed.
  const bad = JSON.parse(text);
  bad.blocks[1].body.transactions[0].body.allocation[0].energy += 1000;
  const badFile = join(tmpdir(), `tampered-${process.pid}.json`);
  writeFileSync(badFile, JSON.stringify(bad));
  assert.equal(await sealNow(page), 3);
  await page.locator("#import-file").setInputFiles(badFile);
  const refusal = files(page).getByRole("alert");
  await refusal.getByText(/was not imported: the chain fails verification: block 1: .*\(tx-id-mismatch\)\. The chain in use is unchanged\./).waitFor();
  await block(page, 3).waitFor();

  // The good file replaces the chain (block 3 is gone) and verifies.
  await page.locator("#import-file").setInputFiles(file);
  await files(page).getByText(/imported and verified: 3 blocks/).waitFor();
  assert.equal(await block(page, 3).count(), 0);
  await panel(page, "Verify the chain").getByText(/Valid\./).waitFor();
  const again = readFileSync(await exportChain(page), "utf8");
  assert.equal(again, text);
  // It is this run's chain: sealing goes on.
  assert.equal(await sealNow(page), 3);
  problems.assertNone();
});

test("a chain file dropped anywhere on the page is imported", async () => {
  const { page, problems } = await app.openPaused();
  assert.equal(await sealNow(page), 1);
  const text = readFileSync(await exportChain(page), "utf8");
  assert.equal(await sealNow(page), 2);
  // A drop as the browser makes it: dragover (whose default is cancelled, or no
  // drop follows), then drop with the file in its DataTransfer.
  const cancelled = await page.evaluate((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], "dropped.json", { type: "application/json" }));
    const target = document.querySelector("h1");
    const over = new DragEvent("dragover", { bubbles: true, cancelable: true, dataTransfer: transfer });
    target.dispatchEvent(over);
    const drop = new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: transfer });
    target.dispatchEvent(drop);
    return [over.defaultPrevented, drop.defaultPrevented];
  }, text);
  assert.deepEqual(cancelled, [true, true], "the page takes the drop, the browser does not open the file");
  await files(page).getByText("\u201cdropped.json\u201d imported and verified: 2 blocks.", { exact: false }).waitFor();
  assert.equal(await block(page, 2).count(), 0, "the dropped chain replaced the one with block 2");
  problems.assertNone();
});

test("a reload keeps the chain; garbage in storage gives a message and a fresh start", async () => {
  const { page, problems } = await app.openPaused();
  assert.equal(await sealNow(page), 1);
  assert.equal(await sealNow(page), 2);
  const hash = await block(page, 2).locator("button.hex").first().getAttribute("title");
  // Kept as it is made: no wait before the reload.
  await page.reload();
  await page.getByRole("heading", { level: 1 }).waitFor();
  await files(page).getByText("Your run is back: 3 blocks, as kept in this browser.").waitFor();
  assert.equal(await block(page, 2).locator("button.hex").first().getAttribute("title"), hash);

  await putKept(page, "runs", "current", "{not a run");
  await page.reload();
  await page.getByRole("heading", { level: 1 }).waitFor();
  await files(page).getByRole("alert").getByText(/could not be reopened: .*A fresh run started; the kept records stay in this browser until the next reset\./).waitFor();
  await block(page, 0).waitFor();
  assert.equal(await block(page, 1).count(), 0);
  problems.assertNone();
});

test("a reload keeps the settings: timer, pause and auto-generation; damaged settings give the defaults", async () => {
  const { page, problems } = await app.openPaused();
  const seconds = page.getByLabel("Seconds per block");
  await seconds.fill("7");
  await seconds.press("Enter");
  await page.getByText("paused, 7 s left").waitFor();
  await page.getByLabel("Generate automatically before each block").check();
  await page.getByLabel("Production profile").selectOption({ label: "Wind turbine" });
  await page.getByLabel("Peak output per market period (kWh)").fill("2.5");
  await page.reload();
  await page.getByRole("heading", { level: 1 }).waitFor();
  assert.equal(await page.getByLabel("Seconds per block").inputValue(), "7");
  await page.getByRole("button", { name: "Resume" }).waitFor();
  assert.equal(await page.getByLabel("Generate automatically before each block").isChecked(), true);
  assert.equal(await page.getByLabel("Peak output per market period (kWh)").inputValue(), "2.5");
  assert.equal(
    await page.getByLabel("Production profile").evaluate((s) => s.options[s.selectedIndex].text),
    "Wind turbine",
  );

  await putKept(page, "meta", "settings", "block_secs=banana");
  await page.reload();
  await page.getByRole("heading", { level: 1 }).waitFor();
  await page.getByText(/The settings kept in this browser were damaged \(block_secs cannot be “banana”\); the defaults are back\./).waitFor();
  assert.equal(await page.getByLabel("Seconds per block").inputValue(), "15");
  await page.getByRole("button", { name: "Pause" }).waitFor();
  problems.assertNone();
});

test("the same seed gives the same genesis block and keys in two page loads", async () => {
  const read = async () => {
    const { page } = await app.openPaused("?seed=42");
    const genesis = block(page, 0);
    const hash = await genesis.locator("button.hex").first().getAttribute("title");
    await files(page).getByText("This run is reproducible from seed 42").waitFor();
    const link = await files(page).getByRole("link").getAttribute("href");
    await genesis.getByRole("button", { name: "Show block 0's header and ledger" }).click();
    const preimage = await page.getByLabel("hash preimage of block 0").innerText();
    return { hash, link, preimage };
  };
  const a = await read();
  const b = await read();
  assert.match(a.hash, /^[0-9a-f]{64}$/);
  assert.deepEqual(a, b);
  assert.match(a.link, /\?seed=42$/);
  // The members' public keys are in the genesis ledger, hence in its hash.
  const { page, problems } = await app.openPaused("?seed=43");
  assert.notEqual(await block(page, 0).locator("button.hex").first().getAttribute("title"), a.hash);
  await page.getByLabel("New run from seed").fill("forty");
  await page.getByRole("button", { name: "Start", exact: true }).click();
  await files(page).getByRole("alert").getByText(/is not a seed number/).waitFor();
  await page.getByLabel("New run from seed").fill("42");
  await page.getByRole("button", { name: "Start", exact: true }).click();
  await page.waitForURL(/\?seed=42$/);
  await files(page).getByText("This run is reproducible from seed 42").waitFor();
  assert.equal(await block(page, 0).locator("button.hex").first().getAttribute("title"), a.hash);
  await page.getByRole("button", { name: "Reset: start afresh" }).click();
  await page.getByRole("dialog", { name: "Start a fresh run?" }).getByRole("button", { name: "Start a fresh run" }).click();
  await files(page).getByText("A fresh run from seed 42 started.").waitFor();
  await files(page).getByRole("button", { name: "Undo reset" }).waitFor();
  problems.assertNone();
});
