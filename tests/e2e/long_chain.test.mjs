// For everyone in the room: a chain of 10,000 blocks, grown with the page's own
// fast-forward button, stays usable: the block list renders one page of blocks,
// going to any block works, the page scrolls, a seal still shows at once, and the
// whole run is kept in the browser: a reload brings it back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, panel, block } from "./harness.mjs";

const app = useApp();

test("10,000 blocks: one page of blocks is rendered, any block can be shown, the page scrolls", async () => {
  const { page, problems } = await app.open("?seed=7", { waitFor: "h1" });
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByLabel("Generate automatically before each block").check();
  for (let done = 0; done < 10_000; done += 1_000) {
    await page.getByRole("button", { name: "Seal 1,000 blocks" }).click();
    await panel(page, "Next block")
      .getByText(`(blocks ${done + 1} to ${done + 1_000}).`, { exact: false })
      .waitFor({ timeout: 60_000 });
  }
  const blocks = panel(page, "Blocks");
  await blocks.getByText("Blocks 9991–10000 of 10,001, newest first, following new blocks.").waitFor();
  await block(page, 10_000).waitFor();
  assert.equal(await page.getByRole("article").count(), 10, "only one page of blocks is in the page");


  // Any block is one step away.
  await blocks.getByLabel("Go to block").fill("5000");
  await blocks.getByRole("button", { name: "Show", exact: true }).click();
  await block(page, 5_000).getByRole("button", { name: "Hide block 5000's header and ledger" }).waitFor();
  await blocks.getByText("Blocks 4991–5000 of 10,001, newest first.").waitFor();
  await blocks.getByRole("button", { name: "Older" }).click();
  await block(page, 4_990).waitFor();
  assert.equal(await page.getByRole("article").count(), 10);

  // The page scrolls from top to bottom and back.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.mouse.wheel(0, height);
  await page.waitForFunction(() => window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2);
  await page.mouse.wheel(0, -height);
  await page.waitForFunction(() => window.scrollY === 0);

  // Sealing on top of 10,000 blocks still shows at once.
  await blocks.getByRole("button", { name: "Newest" }).click();
  await page.getByRole("button", { name: "Seal now" }).click();
  await block(page, 10_001).waitFor();
  await panel(page, "Next block").getByText("Block 10002", { exact: false }).waitFor();

  // The whole run is kept in the browser, one record per block: a reload brings it
  // back, usable before its older blocks are read and the chain verified in the
  // background (which verifies the chain as it is once they are read: with the
  // block sealed here, if it came first).
  const hash = await block(page, 10_001).locator("button.hex").first().getAttribute("title");
  await page.reload();
  await block(page, 10_001).waitFor({ timeout: 30_000 });
  assert.equal(await block(page, 10_001).locator("button.hex").first().getAttribute("title"), hash);
  await page.getByRole("button", { name: "Seal now" }).click();
  await block(page, 10_002).waitFor();
  await panel(page, "Save, share, start again")
    .getByText(/^The chain kept in this browser \(10,00[23] blocks\) was verified in the background in /)
    .waitFor({ timeout: 120_000 });
  problems.assertNone();
});
