// The wide tables on a phone and on a projector: on a 390 x 844 phone a
// table too wide scrolls sideways with a hint, keeping the names, the
// election's score and the blocks sealed in view; on a 1280 x 720 projector
// they fit, and no hint is shown.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, panel, sealNow } from "./harness.mjs";

const app = useApp();

const PHONE = { width: 390, height: 844 };

/** Where a table's cell is, against the box it scrolls in. */
async function inView(wrap, cell) {
  const [w, c] = [await wrap.boundingBox(), await cell.boundingBox()];
  return c.x >= w.x - 1 && c.x + c.width <= w.x + w.width + 1;
}

test("on a phone the wide tables scroll sideways with a hint and keep the deciding columns in view", async () => {
  const { page, problems } = await app.openPaused("?seed=5", { viewport: PHONE });
  for (let i = 0; i < 3; i++) await sealNow(page);

  const election = panel(page, "Election");
  const wrap = election.locator(".table-wrap");
  const table = election.getByRole("table");
  const scrolls = await wrap.evaluate((w) => w.scrollWidth > w.clientWidth);
  assert.ok(scrolls, "the election's table is wider than a phone");
  const hint = election.getByText("Scroll the table sideways to see every column");
  assert.ok(await hint.isVisible(), "a hint says so");
  const hintBox = await hint.boundingBox();
  assert.ok(hintBox.y < (await table.boundingBox()).y, "above the table");
  const firstRow = table.locator("tbody tr").first();
  const name = firstRow.locator("th");
  const score = firstRow.locator("td").last();
  assert.equal(await table.locator("thead th").last().innerText(), "Score W ÷ u");
  for (const end of [0, 1e6]) {
    await wrap.evaluate((w, left) => (w.scrollLeft = left), end);
    assert.ok(await inView(wrap, name), `the candidate's name in view (scrolled to ${end})`);
    assert.ok(await inView(wrap, score), `the score in view (scrolled to ${end})`);
    assert.ok(await hint.isVisible(), "the hint stays in view");
  }
  // The columns between scroll under them; all of them can be reached.
  const bet = firstRow.locator("td").first();
  await wrap.evaluate((w) => (w.scrollLeft = 0));
  assert.ok(await inView(wrap, bet));

  // Balances: the blocks sealed stay in view beside the names.
  const ledgerWrap = panel(page, "Balances").locator(".table-wrap");
  const ledger = panel(page, "Balances").getByRole("table");
  const sealed = ledger.locator("thead th").last();
  assert.equal(await sealed.innerText(), "Blocks sealed");
  for (const end of [0, 1e6]) {
    await ledgerWrap.evaluate((w, left) => (w.scrollLeft = left), end);
    assert.ok(await inView(ledgerWrap, sealed), `blocks sealed in view (scrolled to ${end})`);
    assert.ok(await inView(ledgerWrap, ledger.locator("tbody th").first()), "names in view");
  }
  const ledgerScrolls = await ledgerWrap.evaluate((w) => w.scrollWidth > w.clientWidth);
  assert.equal(
    await panel(page, "Balances").getByText("Scroll the table sideways to see every column").isVisible(),
    ledgerScrolls,
    "the hint shows exactly when the table does not fit",
  );
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `the page itself does not scroll sideways (${width} px)`);
  problems.assertNone();
});

test("on a projector the tables fit, and no hint is shown", async () => {
  const { page, problems } = await app.openPaused("?seed=5", { viewport: { width: 1280, height: 720 } });
  await sealNow(page);
  for (const name of ["Election", "Balances"]) {
    const wrap = panel(page, name).locator(".table-wrap");
    assert.equal(await wrap.evaluate((w) => w.scrollWidth > w.clientWidth), false, `${name} fits`);
    assert.equal(await panel(page, name).getByText("Scroll the table sideways").isVisible(), false);
  }
  problems.assertNone();
});
