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

test("a member is renamed, a shareholder may not leave until its share is gone", async () => {
  const { page, problems } = await app.openPaused();
  const members = panel(page, "Members");
  await members.getByLabel("New name for Bob").fill("Robert");
  await members.getByRole("button", { name: "Rename" }).nth(2).click();
  await members.getByText("Bob is now Robert; the rename waits in block 1.").waitFor();
  await members.getByText("was Bob until block 1 is sealed").waitFor();

  await members.getByRole("button", { name: "Carla leaves" }).click();
  await members.getByText(/Carla still holds a share of George's output: change those shares first\. Carla is still a member\./).waitFor();

  // Give Carla's 20 % to Anne; once that is in force, Carla can leave.
  await page.getByLabel("Anne's share (%)").fill("70");
  await page.getByLabel("Carla's share (%)").fill("0");
  await page.getByRole("button", { name: "Apply shares" }).click();
  await sealNow(page);
  await members.getByRole("button", { name: "Carla leaves" }).click();
  await members.getByText(/Carla leaves the community in block 2/).waitFor();
  const height = await sealNow(page);
  await block(page, height).getByText(/Carla leaves/).waitFor();
  await members.getByText("has left").waitFor();
  assert.equal(await members.getByRole("button", { name: "Carla leaves" }).count(), 0);
  assert.equal(await page.getByLabel("Carla's share (%)").count(), 0, "no share row for a member who left");
  problems.assertNone();
});
