// The README's picture: the main view after a few blocks, with a share
// change, generation by hand and by the solar profile, and a verification.
// Writes docs/screenshot.png (desktop), docs/screenshot-phone.png (the
// top of the page on a phone) and docs/screenshot-charts.png (the charts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, screenshot, sealNow } from "./harness.mjs";

const app = useApp();

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
  const path = await screenshot(page, "screenshot");
  assert.match(path, /docs\/screenshot\.png$/);
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
  await screenshot(page, "screenshot-phone");
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
  const path = await screenshot(page, "screenshot-charts", { locator: charts });
  assert.match(path, /docs\/screenshot-charts\.png$/);
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
  const pointer = "/body/transactions/0/body/allocation/0/energy";
  await one.getByLabel(pointer, { exact: true }).fill("9000");
  await one.getByRole("button", { name: `Set ${pointer}` }).click();
  const blocks = page.getByRole("region", { name: "Blocks", exact: true });
  await page.getByRole("region", { name: "Verify the chain", exact: true }).getByText("Broken at block 1.").waitFor();
  await one.getByRole("button", { name: "Hide block 1's header and ledger" }).click();
  await page.evaluate(() => document.activeElement?.blur());
  const path = await screenshot(page, "screenshot-tamper", {
    locator: blocks,
  });
  assert.match(path, /docs\/screenshot-tamper\.png$/);
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
  await screenshot(page, "screenshot-members", { locator: members });
  await screenshot(page, "screenshot-election", {
    locator: page.getByRole("region", { name: "Election", exact: true }),
  });
  problems.assertNone();
});
