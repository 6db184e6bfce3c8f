// Tampering with history: change a past allocation, watch verification point
// at the exact block and rule, re-hash as a forger, undo. The editor names
// each value as a person reads it ("Anne's allocation", in kWh), the timer
// waits while history is changed, and every finding can be opened.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, panel, block, sealNow } from "./harness.mjs";

const app = useApp();

/** Block `height`'s editor, opened. */
async function editor(page, height) {
  const card = block(page, height);
  await card.getByRole("button", { name: `Show block ${height}'s header and ledger` }).click();
  await card.getByRole("button", { name: `Edit values of block ${height}` }).click();
  return card;
}

test("a tampered allocation breaks its block; re-hashing moves the finding to the signature; undo heals", async () => {
  const { page, problems } = await app.openPaused();
  await page.getByLabel("Energy George generates (kWh)").fill("10");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  assert.equal(await sealNow(page), 1);
  assert.equal(await sealNow(page), 2);
  assert.equal(await sealNow(page), 3);

  // Readable names and units: Anne's 50 % of 10 kWh is 5 kWh, stored as 5000 Wh.
  const one = await editor(page, 1);
  const reading = one.getByRole("group", { name: "Transaction 0: a generation signed by George" });
  const field = reading.getByLabel("Anne's allocation (kWh)", { exact: true });
  assert.equal(await field.inputValue(), "5");
  await reading.getByText("/body/transactions/0/body/allocation/0/energy", { exact: true }).waitFor();
  const ledger = one.getByRole("group", { name: "Ledger: George" });
  assert.equal(await ledger.getByLabel("George's capacity left (kWh)", { exact: true }).inputValue(), "990");
  assert.equal(
    await one.getByRole("group", { name: "Ledger: Anne" }).getByLabel("Anne's free tokens (tokens)", { exact: true }).count(),
    1,
  );
  await field.fill("9");
  await reading.getByRole("button", { name: "Set Anne's allocation (kWh)" }).click();
  await one
    .getByText("Block 1, transaction 0 (a generation signed by George): Anne's allocation is now 9 kWh.", { exact: false })
    .waitFor();
  // The same value, exactly: 9 kWh is 9000 Wh in the block.
  const stored = await page.evaluate(() => window.ecloud.chain().blocks[1].body.transactions[0].body.allocation[0].energy);
  assert.equal(stored, 9000);

  // Verification runs by itself and marks the exact block and rule.
  const verify = panel(page, "Verify the chain");
  await verify.getByText("Broken at block 1.").waitFor();
  await one.getByText("broken", { exact: false }).first().waitFor();
  const broken = one.getByRole("group", { name: "what breaks in block 1" });
  await broken.getByText("tx-id-mismatch").waitFor();
  for (const h of [2, 3]) await block(page, h).getByText("descendant", { exact: true }).waitFor();
  await block(page, 0).getByText("✔ ok").waitFor();

  // Every finding, grouped by block, behind one button.
  const show = verify.getByRole("button", { name: /^Show all \d+ findings$/ });
  const total = Number((await show.innerText()).match(/\d+/)[0]);
  assert.ok(total >= 3, `${total} findings`);
  assert.equal(await show.getAttribute("aria-expanded"), "false");
  await show.click();
  const all = verify.getByRole("list", { name: "every finding, by block" });
  const groups = all.locator(":scope > li");
  assert.match(await groups.first().innerText(), /^Block 1\n/);
  const listed = await all.locator("li li").count();
  const descendants = await groups.last().innerText();
  assert.match(descendants, /^Blocks 2–3 \(2 findings\), each:\ndescendant-of-broken: /);
  assert.equal(listed - 1 + 2, total, "each of block 1's findings, and one line for blocks 2–3");
  await all.getByText("tx-id-mismatch", { exact: false }).first().waitFor();
  await verify.getByRole("button", { name: "Hide the findings" }).click();
  assert.equal(await all.count(), 0);

  // A change inside a transaction: re-hashing recomputes its id, so the finding
  // moves to the signature, which only George's key could make.
  await one.getByRole("button", { name: "Re-hash this block" }).click();
  await one.getByText(/Block 1 re-hashed, as a forger without keys would: its transaction ids/).waitFor();
  await broken.getByText("tx-signature-invalid").waitFor();
  assert.equal(await broken.getByText("tx-id-mismatch").count(), 0);
  await broken.getByText("seal-invalid").waitFor();
  await block(page, 2).getByRole("group", { name: "what breaks in block 2" }).getByText("parent-mismatch").waitFor();
  const tamper = panel(page, "Tamper with history");
  await tamper.getByRole("button", { name: "Undo last change" }).click();
  await tamper.getByText("The last change is undone; other changes remain.").waitFor();
  await tamper.getByRole("button", { name: "Undo last change" }).click();
  await verify.getByText(/Valid\./).waitFor();

  // A balance in the ledger: the ledger hash breaks. Re-hash fixes the block's
  // own hashes, but its seal and the child's link still fail.
  const balance = one.getByRole("group", { name: "Ledger: Anne" }).getByLabel("Anne's energy balance (kWh)", { exact: true });
  await balance.fill("123.456");
  await balance.press("Enter");
  await one.getByText("Block 1: Anne's energy balance is now 123.456 kWh.", { exact: false }).waitFor();
  await broken.getByText("ledger-hash-mismatch").waitFor();
  await one.getByRole("button", { name: "Re-hash this block" }).click();
  await one.getByText(/Block 1 re-hashed, as a forger without keys would/).waitFor();
  await broken.getByText("seal-invalid").waitFor();
  assert.equal(await broken.getByText("ledger-hash-mismatch").count(), 0);
  assert.equal(await broken.getByText("hash-mismatch", { exact: true }).count(), 0);
  await block(page, 2).getByRole("group", { name: "what breaks in block 2" }).getByText("parent-mismatch").waitFor();

  // Undo all: valid again, sealing resumes.
  await tamper.getByRole("button", { name: "Undo all" }).click();
  await tamper.getByText("History is back as it was sealed").waitFor();
  await verify.getByText(/Valid\./).waitFor();
  assert.equal(await sealNow(page), 4);
  problems.assertNone();
});

test("while history is tampered the timer holds, says why, and Seal now waits for undo", async () => {
  const { page, problems } = await app.openPaused();
  await sealNow(page);
  const next = panel(page, "Next block");
  await next.getByLabel("Seconds per block").fill("1");
  await next.getByLabel("Seconds per block").press("Enter");
  const one = await editor(page, 1);
  const start = one.getByRole("group", { name: "Header" }).getByLabel("period start (ms since 1970)", { exact: true });
  await start.fill("1");
  await start.press("Enter");
  await panel(page, "Tamper with history").getByText("History is tampered: undo to continue.").waitFor();

  // With the timer running at a block a second, nothing is sealed and nothing counts down.
  await next.getByRole("button", { name: "Resume" }).click();
  const countdown = next.locator("#countdown");
  await next.getByText("on hold", { exact: true }).waitFor();
  const reason = next.getByRole("status").filter({ hasText: "Sealing waits." });
  assert.match(await reason.innerText(), /^Sealing waits\. History is tampered: undo to continue\./);
  const sealNowButton = next.getByRole("button", { name: "Seal now" });
  assert.ok(await sealNowButton.isDisabled(), "Seal now waits for undo");
  assert.equal(await sealNowButton.getAttribute("aria-describedby"), "sealing-held");
  assert.ok(await next.getByRole("button", { name: "Seal 100 blocks" }).isDisabled());
  assert.equal(await next.getByRole("progressbar").count(), 0, "no countdown bar");
  await page.waitForTimeout(2_500);
  assert.equal(await countdown.innerText(), "on hold");
  assert.equal(await block(page, 2).count(), 0, "no block sealed on a changed history");
  assert.equal(await next.getByRole("alert").count(), 0, "a hold, not a refusal");

  // Undo: the countdown is back and the timer seals again.
  await panel(page, "Tamper with history").getByRole("button", { name: "Undo all" }).click();
  await block(page, 2).waitFor({ timeout: 5_000 });
  assert.match(await countdown.innerText(), /^in \d+ s$/);
  assert.ok(await sealNowButton.isEnabled());
  assert.equal(await reason.count(), 0);
  problems.assertNone();
});

test("a value that does not fit its unit is refused beside it and nothing changes", async () => {
  const { page, problems } = await app.openPaused();
  const zero = await editor(page, 0);
  await zero.getByLabel("Find a field").fill("balance");
  const anne = zero.getByRole("group", { name: "Ledger: Anne" });
  const field = anne.getByLabel("Anne's energy balance (kWh)", { exact: true });
  assert.equal(await zero.getByRole("group", { name: /^Transaction/ }).count(), 0, "the filter keeps the balances");
  for (const [typed, why] of [
    ["lots", "Not changed: “lots” is not a number (in kWh)."],
    ["-5", "Not changed: “-5” must not be negative (in kWh)."],
    ["0.0001", "Not changed: use at most 3 decimals (in kWh)."],
  ]) {
    await field.fill(typed);
    await field.press("Enter");
    await anne.getByRole("alert").getByText(why, { exact: true }).waitFor();
    assert.equal(await field.getAttribute("aria-invalid"), "true");
  }
  await panel(page, "Tamper with history").getByText("History is as it was sealed.").waitFor();
  // Text where a number goes in a field stored as text is the core's to refuse.
  const key = zero.getByLabel("Find a field");
  await key.fill("height");
  const height = zero.getByRole("group", { name: "Header" }).getByLabel("height", { exact: true });
  await height.fill("one");
  await height.press("Enter");
  await zero.getByRole("alert").getByText(/Not changed: .*not a whole number/).waitFor();
  await panel(page, "Tamper with history").getByText("History is as it was sealed.").waitFor();
  problems.assertNone();
});
