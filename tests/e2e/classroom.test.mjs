// What a class does with the page, through real clicks, real timers and the
// text a student sees: shares, generation, the block timer, the blocks and
// verification. Each test starts from a fresh page with the seed's community.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { useApp, panel, block, openHeight, sealNow } from "./harness.mjs";

const app = useApp();


async function generate(page, kwh) {
  await page.getByLabel("Energy George generates (kWh)").fill(kwh);
  await page.getByRole("button", { name: "Generate", exact: true }).click();
}

async function setShares(page, shares) {
  for (const [who, percent] of Object.entries(shares)) {
    await page.getByLabel(`${who}'s share (%)`).fill(percent);
  }
}

/** "Anne 6 kWh", ... from a block's first generation. */
async function allocation(blockLocator) {
  const items = blockLocator.getByRole("list", { name: "allocation" }).first().getByRole("listitem");
  return (await items.allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim());
}

async function capacityText(page) {
  return (await panel(page, "Balances").getByText(/George's remaining capacity/).innerText()).trim();
}

test("the page opens on the seed's community: George 1,000 kWh, Anne 50 %, Bob 30 %, Carla 20 %", async () => {
  const { page, problems } = await app.open("", { waitFor: "h1" });
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "E-Cloud");
  assert.match(await capacityText(page), /George's remaining capacity: 1,000 kWh/);
  assert.equal(await page.getByLabel("Anne's share (%)").inputValue(), "50");
  assert.equal(await page.getByLabel("Bob's share (%)").inputValue(), "30");
  assert.equal(await page.getByLabel("Carla's share (%)").inputValue(), "20");
  assert.equal(await page.getByLabel("Anne's share slider").inputValue(), "50");
  await page.getByText("Total: 100 %").waitFor();
  const countdown = panel(page, "Next block");
  await countdown.getByText(/Block 1 in \d+ s/).waitFor();
  await countdown.getByText("Next miner: George").waitFor();
  await block(page, 0).getByText(/sealed by George/).waitFor();
  // Every panel tells a student what it shows.
  for (const name of ["Next block", "Balances", "Generate energy", "Shares", "Verify the chain", "Blocks"]) {
    assert.ok((await panel(page, name).locator(".why").innerText()).length > 40, name);
  }
  problems.assertNone();
});

test("new shares go on the chain and split the generation of the block after", async () => {
  const { page, problems } = await app.openPaused();
  await setShares(page, { Anne: "60", Bob: "25", Carla: "15" });
  await page.getByText("Total: 100 % — ready to apply").waitFor();
  await page.getByRole("button", { name: "Apply shares" }).click();
  const shares = panel(page, "Shares");
  await shares.getByText("The share update waits in block 1 and is in force from block 2.").waitFor();
  await shares.getByText("Pending in block 1, in force from block 2: Anne 60 % · Bob 25 % · Carla 15 %").waitFor();
  await panel(page, "Open block 1").getByText("pending", { exact: true }).waitFor();

  assert.equal(await sealNow(page), 1);
  const first = block(page, 1);
  await first.getByText("George sets new shares:").waitFor();
  await first.getByText("In force from block 2.").waitFor();
  await shares.getByText("In force for block 2: Anne 60 % · Bob 25 % · Carla 15 %").waitFor();

  await generate(page, "10");
  await panel(page, "Generate energy").getByText(/signed a reading of 10 kWh; it waits for block 2/).waitFor();
  assert.equal(await sealNow(page), 2);
  assert.deepEqual(await allocation(block(page, 2)), ["Anne 6 kWh", "Bob 2.5 kWh", "Carla 1.5 kWh"]);
  const balances = panel(page, "Balances");
  assert.match(await balances.getByRole("row", { name: /^Anne/ }).innerText(), /6 kWh/);
  assert.match(await balances.getByRole("row", { name: /^Bob/ }).innerText(), /2\.5 kWh/);
  assert.match(await capacityText(page), /990 kWh/);
  problems.assertNone();
});

test("the sliders move the typed shares and the running total follows", async () => {
  const { page, problems } = await app.openPaused();
  await page.getByLabel("Bob's share slider").fill("25");
  assert.equal(await page.getByLabel("Bob's share (%)").inputValue(), "25");
  await page.getByText("Total: 95 % — must be exactly 100 %").waitFor();
  // Keyboard: one step of a slider is a whole percent (the text field takes hundredths).
  await page.getByLabel("Carla's share slider").focus();
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.getByLabel("Carla's share (%)").inputValue(), "21");
  await page.getByText("Total: 96 %").waitFor();
  await page.getByRole("button", { name: "Undo edits" }).click();
  await page.getByText("Total: 100 % — ready to apply").waitFor();
  problems.assertNone();
});

test("a share table that does not add up to 100 % is refused and nothing changes", async () => {
  const { page, problems } = await app.openPaused();
  await page.getByLabel("Anne's share (%)").fill("60");
  await page.getByText("Total: 110 % — must be exactly 100 %").waitFor();
  await page.getByRole("button", { name: "Apply shares" }).click();
  const alert = panel(page, "Shares").getByRole("alert");
  assert.match(await alert.innerText(), /the shares add up to 110 %, not 100 %; nothing was changed/);
  await panel(page, "Shares").getByText("In force for block 1: Anne 50 % · Bob 30 % · Carla 20 %").waitFor();
  await panel(page, "Open block 1").getByText("0 transactions waiting").waitFor();

  await page.getByLabel("Bob's share (%)").fill("thirty");
  await page.getByRole("button", { name: "Apply shares" }).click();
  assert.match(await alert.innerText(), /Bob's share: “thirty” is not a number/);

  // The refused table leaves no trace on the chain: block 1 splits by 50/30/20.
  await page.getByRole("button", { name: "Undo edits" }).click();
  await generate(page, "10");
  await sealNow(page);
  assert.deepEqual(await allocation(block(page, 1)), ["Anne 5 kWh", "Bob 3 kWh", "Carla 2 kWh"]);
  problems.assertNone();
});

test("generation beyond George's remaining capacity is refused and no balance moves", async () => {
  const { page, problems } = await app.openPaused();
  await generate(page, "1000.001");
  const alert = panel(page, "Generate energy").getByRole("alert");
  assert.match(await alert.innerText(), /cannot produce 1,000\.001 kWh: only 1,000 kWh of capacity is left/);
  await panel(page, "Open block 1").getByText("0 transactions waiting").waitFor();
  await sealNow(page);
  assert.match(await capacityText(page), /1,000 kWh/);
  assert.equal(await block(page, 1).getByText("generated").count(), 0);

  await generate(page, "ten");
  assert.match(await alert.innerText(), /“ten” is not a number\. Nothing was generated/);

  // Up to the last Wh is fine; then nothing is left.
  await generate(page, "1000");
  await sealNow(page);
  assert.match(await capacityText(page), /George's remaining capacity: 0 kWh/);
  await generate(page, "0.001");
  assert.match(await alert.innerText(), /cannot produce 0\.001 kWh: only 0 kWh of capacity is left/);
  problems.assertNone();
});

test("Enter in the energy field generates: the page works from the keyboard", async () => {
  const { page, problems } = await app.openPaused();
  await page.getByLabel("Energy George generates (kWh)").fill("2.5");
  await page.getByLabel("Energy George generates (kWh)").press("Enter");
  await panel(page, "Open block 1").getByText("1 transaction waiting").waitFor();
  await page.getByRole("button", { name: "Seal now" }).focus();
  await page.keyboard.press("Enter");
  await block(page, 1).waitFor();
  assert.deepEqual(await allocation(block(page, 1)), ["Anne 1.25 kWh", "Bob 0.75 kWh", "Carla 0.5 kWh"]);
  problems.assertNone();
});

test("auto-generation follows the solar profile and switches off when capacity runs out", async () => {
  const { page, problems } = await app.openPaused();
  await page.getByLabel("Peak output per market period (kWh)").fill("600");
  await page.getByText("Block 1 closes the market period 10:00–10:15: the solar profile gives 378 kWh.").waitFor();
  await page.getByLabel("Generate automatically before each block").check();
  await sealNow(page);
  await block(page, 1).getByText("George generated 378 kWh").waitFor();
  await sealNow(page);
  await sealNow(page);
  const alert = panel(page, "Generate energy").getByRole("alert");
  assert.match(await alert.innerText(), /cannot produce .* kWh of capacity is left\. Auto-generation is now off\./);
  assert.equal(await page.getByLabel("Generate automatically before each block").isChecked(), false);
  problems.assertNone();
});

test("typing the seconds per block slowly is not undone by the ticking countdown", async () => {
  const { page, problems } = await app.open("", { waitFor: "h1" });
  const secs = page.getByLabel("Seconds per block");
  await secs.fill("");
  await secs.pressSequentially("3");
  await page.waitForTimeout(800); // three ticks of the countdown re-render the panel
  assert.equal(await secs.inputValue(), "3");
  await secs.pressSequentially("0");
  await secs.press("Enter");
  await panel(page, "Next block").getByText(/Block 1 in (30|29) s/).waitFor();
  problems.assertNone();
});

test("a block is sealed every period; pause stops the timer, seal now and resume still work", async () => {
  const { page, problems } = await app.open("", { waitFor: "h1" });
  const secs = page.getByLabel("Seconds per block");
  await secs.fill("1");
  await secs.press("Enter");
  await panel(page, "Next block").getByText(/Block 1 in 1 s/).waitFor();
  // Blocks come from the page's own timer. The bounds leave room for a busy
  // machine (a 1 s block can take 2-3 s under load) while still telling a
  // running timer from a stopped one.
  const t0 = Date.now();
  await block(page, 1).waitFor({ timeout: 6000 });
  await block(page, 2).waitFor({ timeout: 6000 });
  assert.ok(Date.now() - t0 < 8000, "two blocks within a few periods");

  await page.getByRole("button", { name: "Pause" }).click();
  await panel(page, "Next block").getByText(/paused, \d+ s left/).waitFor();
  const paused = await openHeight(page);
  await page.waitForTimeout(2500);
  assert.equal(await openHeight(page), paused, "no block while paused");

  assert.equal(await sealNow(page), paused);
  await page.waitForTimeout(1500);
  assert.equal(await openHeight(page), paused + 1, "seal now leaves the timer paused");

  await page.getByRole("button", { name: "Resume" }).click();
  await block(page, paused + 1).waitFor({ timeout: 6000 });

  await secs.fill("90");
  await secs.press("Enter");
  assert.match(
    await panel(page, "Next block").getByRole("alert").innerText(),
    /A block every 90 s is out of range: choose 1 to 60 s/,
  );
  problems.assertNone();
});

test("a block shows its links, signed transactions, ledger and the exact hash preimage", async () => {
  const { page, problems } = await app.openPaused();
  await generate(page, "10");
  // A pending transaction's id, in the open block, discloses the same way.
  const pending = panel(page, "Open block 1").getByRole("listitem").filter({ hasText: "signed by George" });
  await pending.getByRole("button", { name: /^transaction id / }).click();
  const pendingId = (await pending.locator("code.full").innerText()).trim();
  assert.match(pendingId, /^[0-9a-f]{64}$/);
  await sealNow(page);
  const one = block(page, 1);
  await one.getByRole("button", { name: "Show block 1's header and ledger" }).click();
  const preimage = await one.getByLabel("hash preimage of block 1").innerText();
  // Hex values are shown short; a press on one discloses it in full, and only it.
  const fullHash = async (card) => {
    const button = card.getByRole("button", { name: /^block hash [0-9a-f]{10}\u2026$/ });
    assert.equal(await button.getAttribute("aria-expanded"), "false");
    assert.equal(await card.locator("dl.links code.full").count(), 0);
    await button.click();
    assert.equal(await button.getAttribute("aria-expanded"), "true");
    const full = card.locator("dl.links code.full");
    assert.equal(await full.count(), 1, "only the pressed value opens");
    const text = (await full.innerText()).trim();
    assert.equal(text, await button.getAttribute("title"));
    return text;
  };
  const shownHash = await fullHash(one);
  const genesisHash = await fullHash(block(page, 0));
  assert.equal(createHash("sha256").update(preimage, "utf8").digest("hex"), shownHash);
  assert.match(preimage, new RegExp(`"parent":"${genesisHash}"`));
  assert.match(preimage, /^\{"height":1,/);
  const tx = one.getByRole("listitem").filter({ hasText: "signed by George" }).first();
  await tx.getByText("id", { exact: true }).waitFor();
  const signatureButton = tx.getByRole("button", { name: /^signature / });
  await signatureButton.click();
  const signature = (await tx.locator("dl.tx-ids code.full").innerText()).trim();
  assert.match(signature, /^[0-9a-f]{128}$/);
  await signatureButton.click();
  assert.equal(await signatureButton.getAttribute("aria-expanded"), "false");
  assert.equal(await tx.locator("dl.tx-ids code.full").count(), 0, "a second press hides it again");
  const ledger = one.getByRole("table").filter({ hasText: "After block 1" });
  assert.match(await ledger.getByRole("row", { name: /^Anne/ }).innerText(), /5 kWh/);
  assert.match(await ledger.getByRole("row", { name: /^George/ }).innerText(), /990 kWh/);
  // Copy puts the preimage on the clipboard and says so.
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await one.getByRole("button", { name: "Copy preimage" }).click();
  await one.getByText("Copied.", { exact: true }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), preimage);
  await one.getByRole("button", { name: "Hide block 1's header and ledger" }).click();
  assert.equal(await one.getByLabel("hash preimage of block 1").count(), 0);
  problems.assertNone();
});

test("the block list shows one page at a time and can go to any block", async () => {
  const { page, problems } = await app.openPaused();
  for (let i = 0; i < 12; i++) await page.getByRole("button", { name: "Seal now" }).click();
  await block(page, 12).waitFor();
  const blocks = panel(page, "Blocks");
  await blocks.getByText("Blocks 3–12 of 13, newest first, following new blocks.").waitFor();
  assert.equal(await blocks.getByRole("article").count(), 10);
  await blocks.getByRole("button", { name: "Older" }).click();
  await blocks.getByText("Blocks 0–2 of 13, newest first.").waitFor();
  await blocks.getByLabel("Go to block").fill("5");
  await blocks.getByRole("button", { name: "Show", exact: true }).click();
  await block(page, 5).getByLabel("hash preimage of block 5").waitFor();
  await blocks.getByLabel("Go to block").fill("40");
  await blocks.getByRole("button", { name: "Show", exact: true }).click();
  assert.match(await blocks.getByRole("alert").innerText(), /There is no block 40 yet: the newest is block 12/);
  await blocks.getByRole("button", { name: "Newest" }).click();
  await blocks.getByText("Blocks 3–12 of 13, newest first, following new blocks.").waitFor();
  problems.assertNone();
});

test("Verify chain checks every block and says how long it took", async () => {
  const { page, problems } = await app.openPaused();
  await generate(page, "10");
  await sealNow(page);
  await sealNow(page);
  const verify = panel(page, "Verify the chain");
  await verify.getByText("Not verified yet: 3 blocks to check.").waitFor();
  await verify.getByRole("button", { name: "Verify chain" }).click();
  const verdict = verify.getByRole("paragraph").filter({ hasText: /Valid\./ });
  await verdict.waitFor();
  assert.match(
    await verdict.innerText(),
    /✔ Valid\. 3 blocks checked \(\d+ transactions?, \d+ signatures?\) in \d+(\.\d+)? ms\./,
  );
  await sealNow(page);
  await verify.getByText("1 block was sealed since; verify again to include them.").waitFor();
  problems.assertNone();
});
