// The README's picture: the main view after a few blocks, with a share
// change, generation by hand and by the solar profile, and a verification.
// Writes docs/screenshot.png (desktop), docs/screenshot-phone.png (the
// top of the page on a phone) and docs/screenshot-charts.png (the charts).
// Each picture is checked once written: the file this test names, written by it
// (an old one is removed first), a PNG of the size of what was shot.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { useApp, screenshot, sealNow, DOCS_DIR } from "./harness.mjs";

const app = useApp();

/**
 * Saves docs/<name>.png of the page's viewport, or of `locator`, and asserts that
 * it is there: at the path built from `name`, new, a PNG exactly as wide and as high
 * (in CSS pixels, at a device scale of 1) as the viewport or the element.
 */
async function shoot(page, name, { locator } = {}) {
  const expected = join(DOCS_DIR, `${name}.png`);
  rmSync(expected, { force: true });
  const path = await screenshot(page, name, { locator });
  // The element as it was shot (scrolled into view), to whole pixels outwards as
  // Playwright clips it; or the viewport.
  let size = page.viewportSize();
  if (locator) {
    const { x, y, width, height } = await locator.boundingBox();
    const outwards = (start, length) => Math.ceil(start + length - 1e-3) - Math.floor(start + 1e-3);
    size = { width: outwards(x, width), height: outwards(y, height) };
  }
  assert.equal(path, expected);
  assert.ok(existsSync(path), `${path} was written`);
  const png = readFileSync(path);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${path} is a PNG`);
  assert.equal(png.toString("latin1", 12, 16), "IHDR");
  const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  assert.deepEqual(
    { width, height },
    size,
    `${path} is ${width} x ${height}, what was shot ${size.width} x ${size.height}`,
  );
}

async function playAFewBlocks(page) {
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByLabel("Energy George generates (kWh)").fill("10");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  await sealNow(page);
  await page.getByLabel("Anne's share (%)").fill("60");
  await page.getByLabel("Bob's share (%)").fill("25");
  await page.getByLabel("Carla's share (%)").fill("15");
  await page.getByRole("button", { name: "Apply shares" }).click();
  await sealNow(page);
  await page.getByLabel("Generate automatically before each block").check();
  await sealNow(page);
  await sealNow(page);
  await page.getByLabel("Energy George generates (kWh)").fill("12.5");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  await page.getByRole("button", { name: "Verify chain" }).click();
  await page.getByText(/Valid\./).waitFor();
  await page.getByRole("button", { name: "Resume" }).click();
  // The picture starts at the top, with no focus ring in it.
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.scrollTo(0, 0);
  });
}

test("README screenshot: the main view after a few blocks", async () => {
  const { page, problems } = await app.open("", {
    waitFor: "h1",
    viewport: { width: 1600, height: 1300 },
  });
  await playAFewBlocks(page);
  await shoot(page, "screenshot");
  problems.assertNone();
});

test("phone screenshot: the same view in one column", async () => {
  const { page, problems } = await app.open("", {
    waitFor: "h1",
    viewport: { width: 390, height: 844 },
  });
  await playAFewBlocks(page);
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= 390, `the page fits a phone's width (${scrollWidth}px)`);
  await shoot(page, "screenshot-phone");
  problems.assertNone();
});

test("charts screenshot: the \"Over time\" panel after a dozen blocks", async () => {
  const { page, problems } = await app.open("", {
    waitFor: "h1",
    viewport: { width: 1400, height: 1000 },
  });
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByLabel("Generate automatically before each block").check();
  for (let i = 0; i < 12; i++) await sealNow(page);
  const charts = page.getByRole("region", { name: "Over time", exact: true });
  await charts.getByRole("img", { name: /from block 0 to block 12\b/ }).first().waitFor();
  await page.evaluate(() => document.activeElement?.blur());
  await shoot(page, "screenshot-charts", { locator: charts });
  problems.assertNone();
});

test("tamper screenshot: a changed allocation, the broken block and its descendants", async () => {
  const { page, problems } = await app.open("", {
    waitFor: "h1",
    viewport: { width: 1400, height: 1000 },
  });
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByLabel("Energy George generates (kWh)").fill("10");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  for (let i = 0; i < 3; i++) await sealNow(page);
  const one = page.getByRole("article", { name: "Block 1", exact: true });
  await one.getByRole("button", { name: "Show block 1's header and ledger" }).click();
  await one.getByRole("button", { name: "Edit values of block 1" }).click();
  await one.getByLabel("Anne's allocation (kWh)", { exact: true }).fill("9");
  await one.getByRole("button", { name: "Set Anne's allocation (kWh)" }).click();
  const blocks = page.getByRole("region", { name: "Blocks", exact: true });
  await page.getByRole("region", { name: "Verify the chain", exact: true }).getByText("Broken at block 1.").waitFor();
  await one.getByRole("button", { name: "Hide block 1's header and ledger" }).click();
  await page.evaluate(() => document.activeElement?.blur());
  await shoot(page, "screenshot-tamper", { locator: blocks });
  problems.assertNone();
});

test("members screenshot: a generator and a customer joined, a miner election", async () => {
  const { page, problems } = await app.open("", {
    waitFor: "h1",
    viewport: { width: 1400, height: 1000 },
  });
  await page.getByRole("button", { name: "Pause" }).click();
  const members = page.getByRole("region", { name: "Members", exact: true });
  await members.getByLabel("Name", { exact: true }).fill("Dora");
  await members.getByRole("button", { name: "Join" }).click();
  await members.getByLabel("Name", { exact: true }).fill("Wind park");
  await members.getByRole("radio", { name: "generator" }).check();
  await members.getByLabel("Capacity (kWh)").fill("200");
  await members.getByRole("button", { name: "Join" }).click();
  await members.getByText("signed Wind park's joining", { exact: false }).waitFor();
  for (let i = 0; i < 4; i++) await sealNow(page);
  await page.evaluate(() => document.activeElement?.blur());
  await shoot(page, "screenshot-members", { locator: members });
  await shoot(page, "screenshot-election", {
    locator: page.getByRole("region", { name: "Election", exact: true }),
  });
  problems.assertNone();
});
