// Editable communities: members join, are renamed and leave through the
// Members panel; every change is a signed transaction in the next block, and
// a second generator gets its own editors and splits its own output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, panel, block, sealNow } from "./harness.mjs";

const app = useApp();


async function join(page, name, { generator = false, capacity } = {}) {
  const members = panel(page, "Members");
  await members.getByLabel("Name", { exact: true }).fill(name);
  await members.getByRole("radio", { name: generator ? "generator" : "customer" }).check();
  if (capacity !== undefined) await members.getByLabel("Capacity (kWh)").fill(capacity);
  await members.getByRole("button", { name: "Join" }).click();
  await members.getByText(`signed ${name}'s joining`).waitFor();
}

test("a generator and a customer join, appear in the next block and trade", async () => {
  const { page, problems } = await app.openPaused();
  await join(page, "Dora");
  await join(page, "Wind park", { generator: true, capacity: "200" });
  // Editors for the newcomers appear at once, before the block is sealed.
  assert.equal(await page.getByLabel("Dora's share (%)").first().inputValue(), "0");
  await page.getByLabel("Energy Wind park generates (kWh)").waitFor();

  const height = await sealNow(page);
  const sealed = block(page, height);
  await sealed.getByText("Dora joins as customer #4.").waitFor();
  await sealed.getByText("Wind park joins as generator #5 with 200 kWh of capacity.").waitFor();
  const ledger = panel(page, "Balances").getByRole("table");
  await ledger.getByRole("rowheader", { name: /Dora/ }).waitFor();
  await panel(page, "Balances").getByText("Wind park's remaining capacity: 200 kWh").waitFor();

  // The wind park splits its own output equally among the four customers.
  await page.getByLabel("Energy Wind park generates (kWh)").fill("4");
  await page.getByRole("button", { name: "Generate", exact: true }).nth(1).click();
  await panel(page, "Generate energy").getByText(/Wind park's cryptometer signed a reading of 4 kWh/).waitFor();
  const next = await sealNow(page);
  const items = await block(page, next).getByRole("list", { name: "allocation" }).first().getByRole("listitem").allInnerTexts();
  assert.deepEqual(
    items.map((t) => t.replace(/\s+/g, " ").trim()),
    ["Anne 1 kWh", "Bob 1 kWh", "Carla 1 kWh", "Dora 1 kWh"],
  );

  // The chain with its new members verifies.
  const verify = panel(page, "Verify the chain");
  await verify.getByRole("button", { name: "Verify chain" }).click();
  await verify.getByText(/✔ Valid\./).waitFor();
  problems.assertNone();
});

test("a member is renamed; a shareholder leaves in one block, their share spread over the others", async () => {
  const { page, problems } = await app.openPaused();
  const members = panel(page, "Members");
  await members.getByLabel("New name for Bob").fill("Robert");
  await members.getByRole("button", { name: "Rename" }).nth(2).click();
  await members.getByText("Bob is now Robert; the rename waits in block 1.").waitFor();
  await members.getByText("was Bob until block 1 is sealed").waitFor();
  await members.getByText("A member leaves in one block: any share they hold is spread over the other customers").waitFor();

  // Carla holds 20 % of George's output: it goes to Anne (50 %) and Robert
  // (30 %) as 5 to 3, in the same block as her leaving.
  await members.getByRole("button", { name: "Carla leaves" }).click();
  await members.getByText(/Carla leaves the community in block 1: any share Carla held goes to the other customers/).waitFor();
  await members.getByText("leaves when block 1 is sealed").waitFor();
  assert.equal(await page.getByLabel("Carla's share (%)").count(), 0, "no share row for a member leaving");
  assert.equal(await page.getByLabel("Anne's share (%)").inputValue(), "62.5");
  assert.equal(await page.getByLabel("Robert's share (%)").inputValue(), "37.5");
  const height = await sealNow(page);
  assert.equal(height, 1);
  await block(page, height).getByText(/Carla leaves the community; the balances stay in the ledger\./).waitFor();
  await members.getByText("has left").waitFor();
  assert.equal(await members.getByRole("button", { name: "Carla leaves" }).count(), 0);

  // The next reading is split between the two who stay.
  await page.getByLabel("Energy George generates (kWh)").fill("8");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  const next = await sealNow(page);
  const items = await block(page, next).getByRole("list", { name: "allocation" }).first().getByRole("listitem").allInnerTexts();
  assert.deepEqual(items.map((t) => t.replace(/\s+/g, " ").trim()), ["Anne 5 kWh", "Robert 3 kWh"]);
  problems.assertNone();
});
