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
    out[name] = Number(count.replaceAll(",", ""));
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
  const edit = async (label, value, said) => {
    await tip.getByLabel(label, { exact: true }).fill(value);
    await tip.getByRole("button", { name: `Set ${label}` }).click();
    await tip.getByText(`Block 2: ${said}.`, { exact: false }).waitFor();
  };
  const evil = `<img src=x onerror="window.pwned=1">Anne`;
  await edit("Anne's name", evil, `Anne's name is now “${evil}”`);
  // The largest balance a block can hold: 2^64 - 1 Wh.
  await edit("Bob's energy balance (kWh)", "18446744073709551.615", "Bob's energy balance is now 18,446,744,073,709,551.615 kWh");

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

/** Every text of the "Over time" charts: where it is, against its chart, and how big it is drawn. */
async function chartTexts(page) {
  return page.locator("#charts svg.history-chart").evaluateAll((svgs) =>
    svgs.flatMap((svg) => {
      const box = svg.getBoundingClientRect();
      const scale = box.width / svg.viewBox.baseVal.width;
      return [...svg.querySelectorAll("text")].map((t) => {
        const r = t.getBoundingClientRect();
        return {
          chart: svg.closest("figure").id,
          text: t.textContent,
          endLabel: t.classList.contains("end-label"),
          px: parseFloat(getComputedStyle(t).fontSize) * scale,
          inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5,
          r: { left: r.left, right: r.right, top: r.top, bottom: r.bottom },
        };
      });
    }),
  );
}

const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

function assertReadable(texts, where) {
  assert.ok(texts.length > 20, where);
  for (const t of texts) {
    assert.ok(t.inside, `${where}: “${t.text}” in ${t.chart} is drawn inside its chart`);
    assert.ok(t.px >= 12, `${where}: “${t.text}” in ${t.chart} is ${t.px.toFixed(1)} px, at least 12`);
  }
  for (const chart of new Set(texts.map((t) => t.chart))) {
    const labels = texts.filter((t) => t.chart === chart && t.endLabel);
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        assert.ok(!overlap(labels[i].r, labels[j].r), `${where}: “${labels[i].text}” and “${labels[j].text}” overlap in ${chart}`);
      }
    }
  }
}

for (const [where, viewport] of [
  ["a projector, 1280 x 720", { width: 1280, height: 720 }],
  ["a phone, 390 x 844", { width: 390, height: 844 }],
]) {
  test(`on ${where} the charts fit the screen, their text is legible and no label is clipped or piled up`, async () => {
    const { page, problems } = await app.openPaused("", { viewport });
    const charts = panel(page, "Over time");

    // Block 0: lines that end on the same value share one label.
    let texts = await chartTexts(page);
    assertReadable(texts, `${where}, block 0`);
    const labels = (chart) => texts.filter((t) => t.chart === chart && t.endLabel).map((t) => t.text);
    assert.deepEqual(labels("tokens-history").sort(), ["Frozen (all)", "George, Anne, Bob, Carla"]);
    assert.deepEqual(labels("energy-history").sort(), ["Anne, Bob, Carla", "George"]);

    // A member with a long name, and a few blocks.
    const members = panel(page, "Members");
    await members.getByLabel("Name", { exact: true }).fill("Maximilian Rosenkrantz-Oberhauser");
    await members.getByRole("button", { name: "Join" }).click();
    await page.getByLabel("Generate automatically before each block").check();
    for (let i = 0; i < 4; i++) await sealNow(page);
    await charts.getByRole("img", { name: /to block 4\b/ }).first().waitFor();
    texts = await chartTexts(page);
    assertReadable(texts, `${where}, block 4`);
    assert.ok(labels("tokens-history").includes("Frozen (all)"), "the frozen line's label whole");
    assert.ok(
      texts.some((t) => t.chart === "sealed-history" && /^Maximilian/.test(t.text)),
      "a long name is cut to fit, not clipped",
    );

    // Each chart, with its heading, fits the screen: seen whole without scrolling.
    for (const id of ["energy-history", "tokens-history", "sealed-history"]) {
      const figure = page.locator(`#${id}`);
      const { height } = await figure.boundingBox();
      const svg = await figure.locator("svg.history-chart").boundingBox();
      if (viewport.width >= 1280) {
        assert.ok(height <= viewport.height, `${id} is ${height} px tall, the screen ${viewport.height}`);
      } else {
        assert.ok(svg.height <= viewport.height, `${id}'s chart is ${svg.height} px tall`);
      }
    }
    problems.assertNone();
  });
}
