// Balances: reputation and blocks sealed are two columns, each for what it
// is, as the election panel and the chart count them: a penalty lowers the
// one, never the other.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, panel, sealNow } from "./harness.mjs";

const app = useApp();

/** "Next miner: Anne, who won ..." -> "Anne". */
async function nextMiner(page) {
  const text = await panel(page, "Next block").getByText(/^Next miner:/).innerText();
  return text.match(/^Next miner: (\S+?),?(\s|$)/)[1];
}

/** The Balances table as { name: { Reputation, "Blocks sealed", ... } }. */
async function balances(page) {
  const table = panel(page, "Balances").getByRole("table");
  const heads = await table.locator("thead th").allInnerTexts();
  const out = {};
  for (const row of await table.locator("tbody tr").all()) {
    const name = (await row.locator("th").innerText()).split("\n")[0].trim();
    const cells = await row.locator("td").allInnerTexts();
    out[name] = Object.fromEntries(heads.slice(1).map((h, i) => [h, cells[i]]));
  }
  return { heads, rows: out };
}

/** Each bar of "Blocks sealed per member": name -> count. */
async function bars(page) {
  const out = {};
  for (const g of await page.locator("#sealed-history g.sealed").all()) {
    const [name, count] = await g.locator("text").allTextContents();
    out[name] = count;
  }
  return out;
}

test("Balances shows reputation and blocks sealed apart: a penalty lowers reputation, not the blocks sealed", async () => {
  const { page, problems } = await app.openPaused("?seed=5");
  // Seal until George, who has sealed blocks, is elected; then he misses his slot.
  await sealNow(page);
  for (let i = 0; i < 30 && (await nextMiner(page)) !== "George"; i++) await sealNow(page);
  assert.equal(await nextMiner(page), "George", "George is elected within 30 blocks of seed 5");
  const before = (await balances(page)).rows.George;
  assert.equal(before.Reputation, before["Blocks sealed"], "no penalty yet");
  await page.getByLabel("George online").uncheck();
  await sealNow(page);
  await page.getByLabel("George online").check();

  const { heads, rows } = await balances(page);
  assert.deepEqual(heads, ["Member", "Energy", "Tokens", "Frozen", "Reputation", "Blocks sealed"]);
  assert.equal(rows.George["Blocks sealed"], before["Blocks sealed"], "missing a slot seals nothing");
  assert.equal(Number(rows.George.Reputation), Number(before.Reputation) - 1, "and costs one reputation");
  // Blocks sealed is what the chart counts, member by member.
  const chart = await bars(page);
  for (const name of Object.keys(rows)) assert.equal(rows[name]["Blocks sealed"], chart[name], name);
  await panel(page, "Balances")
    .getByText("Reputation is what the elections weigh: one for each block sealed, less one for each slot missed while elected.", { exact: false })
    .waitFor();
  // The election panel weighs the same reputation.
  await panel(page, "Election").getByText("their reputation, one for each block they sealed less one for each slot they missed", { exact: false }).waitFor();
  problems.assertNone();
});
