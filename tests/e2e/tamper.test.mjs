// Tampering with history: change a past allocation, watch verification point
// at the exact block and rule, re-hash as a forger, undo.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, panel, block, sealNow } from "./harness.mjs";

const app = useApp();


test("a tampered allocation breaks its block; re-hashing leaves the seal and the next link broken; undo heals", async () => {
  const { page, problems } = await app.open("", { waitFor: "h1" });
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("button", { name: "Resume" }).waitFor();
  await page.getByLabel("Energy George generates (kWh)").fill("10");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  assert.equal(await sealNow(page), 1);
  assert.equal(await sealNow(page), 2);
  assert.equal(await sealNow(page), 3);

  const one = block(page, 1);
  await one.getByRole("button", { name: "Show block 1's header and ledger" }).click();
  await one.getByRole("button", { name: "Edit values of block 1" }).click();
  const pointer = "/body/transactions/0/body/allocation/0/energy";
  const field = one.getByLabel(pointer, { exact: true });
  assert.equal(await field.inputValue(), "5000");
  await field.fill("9000");
  await one.getByRole("button", { name: `Set ${pointer}` }).click();
  await one.getByText(`Block 1: ${pointer} is now “9000”.`).waitFor();

  // Verification runs by itself and marks the exact block and rule.
  await panel(page, "Verify the chain").getByText("Broken at block 1.").waitFor();
  await one.getByText("broken", { exact: false }).first().waitFor();
  await one.getByRole("group", { name: "what breaks in block 1" }).getByText("tx-id-mismatch").waitFor();
  for (const h of [2, 3]) await block(page, h).getByText("descendant", { exact: true }).waitFor();
  await block(page, 0).getByText("✔ ok").waitFor();

  // The timer waits instead of failing.
  await panel(page, "Tamper with history").getByText("History is tampered: undo to continue.").waitFor();
  await page.getByRole("button", { name: "Seal now" }).click();
  await panel(page, "Next block").getByText(/History is tampered: undo to continue/).waitFor();
  assert.equal(await block(page, 4).count(), 0);

  // A change inside a signed transaction cannot be re-hashed away.
  await one.getByRole("button", { name: "Re-hash this block" }).click();
  await one.getByText(/Re-hashing block 1 changed nothing/).waitFor();
  await panel(page, "Tamper with history").getByRole("button", { name: "Undo last change" }).click();
  await panel(page, "Tamper with history").getByText("The last change is undone; other changes remain.").waitFor();
  await panel(page, "Tamper with history").getByRole("button", { name: "Undo last change" }).click();
  await panel(page, "Verify the chain").getByText(/Valid\./).waitFor();

  // A balance in the ledger: the ledger hash breaks. Re-hash fixes the block's
  // own hashes, but its seal and the child's link still fail.
  const balance = "/body/ledger/members/1/balance";
  await one.getByLabel(balance, { exact: true }).fill("123456");
  await one.getByLabel(balance, { exact: true }).press("Enter");
  const broken = one.getByRole("group", { name: "what breaks in block 1" });
  await broken.getByText("ledger-hash-mismatch").waitFor();
  await one.getByRole("button", { name: "Re-hash this block" }).click();
  await one.getByText(/Block 1 re-hashed, as a forger without keys would/).waitFor();
  await broken.getByText("seal-invalid").waitFor();
  assert.equal(await broken.getByText("ledger-hash-mismatch").count(), 0);
  assert.equal(await broken.getByText("hash-mismatch", { exact: true }).count(), 0);
  await block(page, 2).getByRole("group", { name: "what breaks in block 2" }).getByText("parent-mismatch").waitFor();

  // Undo all: valid again, sealing resumes.
  await panel(page, "Tamper with history").getByRole("button", { name: "Undo all" }).click();
  await panel(page, "Tamper with history").getByText("History is back as it was sealed").waitFor();
  await panel(page, "Verify the chain").getByText(/Valid\./).waitFor();
  assert.equal(await sealNow(page), 4);
  problems.assertNone();
});

test("a value that does not fit is refused and nothing changes", async () => {
  const { page, problems } = await app.open("", { waitFor: "h1" });
  await page.getByRole("button", { name: "Pause" }).click();
  const zero = block(page, 0);
  await zero.getByRole("button", { name: "Show block 0's header and ledger" }).click();
  await zero.getByRole("button", { name: "Edit values of block 0" }).click();
  await zero.getByLabel("Find a field").fill("balance");
  const pointer = "/body/ledger/members/1/balance";
  await zero.getByLabel(pointer, { exact: true }).fill("lots");
  await zero.getByLabel(pointer, { exact: true }).press("Enter");
  await zero.getByRole("alert").getByText(/Not changed: .*not a whole number/).waitFor();
  await panel(page, "Tamper with history").getByText("History is as it was sealed.").waitFor();
  problems.assertNone();
});
