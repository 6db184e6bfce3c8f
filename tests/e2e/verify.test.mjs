// Verifying a long chain a slice at a time: the Verify panel says how far it has
// got, and the page goes on answering clicks until the verdict comes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, panel, block } from "./harness.mjs";

const app = useApp();

test("a long verification shows its progress, answers a click before the verdict, and starts again if history changes", async () => {
  const { page, problems } = await app.openPaused("?seed=7");
  const next = panel(page, "Next block");
  for (const [from, to] of [["1", "1000"], ["1001", "2000"]]) {
    await page.getByRole("button", { name: "Seal 1,000 blocks" }).click();
    await next.getByText(`(blocks ${from} to ${to}).`, { exact: false }).waitFor({ timeout: 60_000 });
  }
  const verify = panel(page, "Verify the chain");
  const button = verify.getByRole("button", { name: "Verify chain" });

  // What the page shows at the moment block 2,001 appears, recorded in the page
  // itself: the seal is asked for while the chain is being verified.
  await page.evaluate(() => {
    window.shownWhenSealed = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (document.getElementById("block-2001-title")) {
          observer.disconnect();
          resolve(document.getElementById("verify").innerText);
        }
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
  });

  await button.click();
  await verify.getByText(/^Verifying… [\d,]+ of 2,001 blocks$/).waitFor();
  const progress = verify.getByRole("progressbar", { name: "Blocks verified" });
  // The bar and the button as they are at one moment of the run: a loaded
  // machine's next look could come after the verdict.
  const running = await page.waitForFunction(() => {
    const panel = document.getElementById("verify");
    const bar = panel.querySelector('progress[aria-label="Blocks verified"]');
    return bar && { max: bar.getAttribute("max"), disabled: panel.querySelector("button.primary").disabled };
  });
  const { max, disabled } = await running.jsonValue();
  assert.equal(max, "2001");
  assert.ok(disabled, "one verification at a time");

  await page.getByRole("button", { name: "Seal now" }).click();
  await block(page, 2_001).waitFor();
  const shown = await page.evaluate(() => window.shownWhenSealed);
  assert.match(shown, /Verifying… [\d,]+ of 2,001 blocks/, "the seal was shown before the verdict");
  assert.doesNotMatch(shown, /Valid|Broken/);

  // The verdict is on the chain as it was at the click; the block sealed since is said.
  const verdict = verify.getByRole("paragraph").filter({ hasText: /Valid\./ });
  await verdict.waitFor({ timeout: 60_000 });
  assert.match(
    await verdict.innerText(),
    /^✔ Valid\. 2,001 blocks checked \([\d,]+ transactions, [\d,]+ signatures\) in \d+(\.\d+)? ms \(\d+(\.\d+)? ms from the click\)\.$/,
  );
  await verify.getByText("1 block was sealed since; verify again to include them.").waitFor();
  assert.equal(await progress.count(), 0);
  assert.ok(await button.isEnabled());

  // Changing history while it runs starts it again, and the panel says so. The
  // change is typed beforehand, so it is set while the chain is being verified.
  const card = block(page, 2_001);
  await card.getByRole("button", { name: "Show block 2001's header and ledger" }).click();
  await card.getByRole("button", { name: "Edit values of block 2001" }).click();
  const balance = "Anne's energy balance (kWh)";
  await card.getByLabel(balance, { exact: true }).fill("1");
  await button.click();
  await verify.getByText(/^Verifying… [\d,]+ of 2,002 blocks$/).waitFor();
  await card.getByRole("button", { name: `Set ${balance}` }).click();
  await verify
    .getByText("History changed during verification, so it started again from block 0.")
    .waitFor();
  await verify.getByText("Broken at block 2001.").waitFor({ timeout: 60_000 });
  problems.assertNone();
});
