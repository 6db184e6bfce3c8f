// The "Over time" charts, as a student reads them: three charts, the
// members named beside the lines, and bars that count the blocks the page
// lists, growing with each new block.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, panel, sealNow } from "./harness.mjs";

const app = useApp();


/** Blocks in the chain, as the block list says: "Blocks 0–3 of 4, …". */
async function blocksShown(page) {
  const text = await panel(page, "Blocks").getByText(/^Blocks? [\d–]+ of [\d,]+/).innerText();
  return Number(text.match(/of ([\d,]+)/)[1].replaceAll(",", ""));
}

/** Each bar's name and count, from the text beside the bars. */
async function bars(page) {
  const groups = panel(page, "Over time").locator("#sealed-history g.sealed");
  const out = {};
  for (const g of await groups.all()) {
    const [name, count] = await g.locator("text").allTextContents();
    out[name] = Number(count);
  }
  return out;
}

/** How many listed blocks each member sealed, from the block cards. */
async function sealersListed(page) {
  const lines = await panel(page, "Blocks").getByText(/sealed by \w+, period/).allInnerTexts();
  const out = {};
  for (const line of lines) {
    const who = line.match(/sealed by (\w+),/)[1];
    out[who] = (out[who] ?? 0) + 1;
  }
  return out;
}

const sum = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
const nonZero = (counts) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));

test("three charts follow the chain: named lines, and bars that count the sealed blocks", async () => {
  const { page, problems } = await app.open("", { waitFor: "h1" });
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("button", { name: "Resume" }).waitFor();
  await page.getByLabel("Energy George generates (kWh)").fill("10");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  for (let i = 0; i < 3; i++) await sealNow(page);

  const charts = panel(page, "Over time");
  assert.ok((await charts.locator(".why").innerText()).length > 40);
  assert.equal(await charts.getByRole("img").count(), 3);
  const energy = charts.getByRole("img", { name: /^Energy balance of each member/ });
  await energy.waitFor();
  assert.match(await energy.locator("title").textContent(), /to block 3$/);
  // George gave 10 kWh: 5 to Anne, 3 to Bob, 2 to Carla.
  assert.match(await energy.locator("desc").textContent(), /George 990, Anne 5, Bob 3, Carla 2\./);
  const legend = await charts.locator("#energy-history .legend li").allInnerTexts();
  assert.deepEqual(legend.map((t) => t.trim()), ["George", "Anne", "Bob", "Carla"]);
  const tokenLegend = await charts.locator("#tokens-history .legend li").allInnerTexts();
  assert.deepEqual(tokenLegend.map((t) => t.trim()), ["George", "Anne", "Bob", "Carla", "Frozen (all)"]);
  await charts.getByRole("img", { name: /^Free voting tokens/ }).waitFor();

  const before = await bars(page);
  assert.deepEqual(Object.keys(before), ["George", "Anne", "Bob", "Carla"]);
  assert.equal(sum(before), await blocksShown(page));
  assert.equal(sum(before), 4);
  assert.deepEqual(nonZero(before), await sealersListed(page));
  await charts.getByRole("img", { name: "Blocks sealed by each member, 4 blocks in all" }).waitFor();

  const height = await sealNow(page);
  assert.equal(height, 4);
  await charts.getByRole("img", { name: "Blocks sealed by each member, 5 blocks in all" }).waitFor();
  const after = await bars(page);
  assert.equal(sum(after), await blocksShown(page));
  assert.equal(sum(after), 5);
  assert.deepEqual(nonZero(after), await sealersListed(page));
  const grown = Object.keys(after).filter((name) => after[name] !== before[name]);
  assert.equal(grown.length, 1, "exactly the new block's sealer gained a block");
  assert.equal(after[grown[0]], before[grown[0]] + 1);
  assert.match(await energy.locator("title").textContent(), /to block 4$/);
  problems.assertNone();
});

test("tampered history charts as it is: a name is shown as text, a huge balance breaks nothing", async () => {
  const { page, problems } = await app.open("", { waitFor: "h1" });
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("button", { name: "Resume" }).waitFor();
  await sealNow(page);
  await sealNow(page);

  const tip = page.getByRole("article", { name: "Block 2", exact: true });
  await tip.getByRole("button", { name: "Show block 2's header and ledger" }).click();
  await tip.getByRole("button", { name: "Edit values of block 2" }).click();
  const edit = async (pointer, value) => {
    await tip.getByLabel(pointer, { exact: true }).fill(value);
    await tip.getByRole("button", { name: `Set ${pointer}` }).click();
    await tip.getByText(`Block 2: ${pointer} is now “${value}”.`).waitFor();
  };
  const evil = `<img src=x onerror="window.pwned=1">Anne`;
  await edit("/body/ledger/members/1/name", evil);
  await edit("/body/ledger/members/2/balance", "18446744073709551615");

  const charts = panel(page, "Over time");
  const legend = charts.locator("#energy-history .legend li");
  await legend.filter({ hasText: "onerror" }).waitFor();
  assert.deepEqual((await legend.allInnerTexts()).map((t) => t.trim()), ["George", evil, "Bob", "Carla"]);
  assert.equal(await charts.locator("img").count(), 0, "the name is text, not an element");
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  const energy = charts.getByRole("img", { name: /^Energy balance of each member/ });
  assert.match(await energy.locator("desc").textContent(), /Bob 18,446,744,073,709,551\.615/);
  problems.assertNone();
});
