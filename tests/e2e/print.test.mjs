// The page on paper and in a browser's tab: printing gives a handout of the
// ledger and the block(s) opened, in black on white without the controls,
// in a few pages; and the page has an icon, /favicon.ico included.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useApp, panel, block, sealNow, ARTIFACTS_DIR } from "./harness.mjs";

const app = useApp();

/** WCAG's contrast ratio of two CSS colours "rgb(r, g, b)". */
function contrast(a, b) {
  const lum = (css) => {
    const [r, g, b] = css.match(/\d+(\.\d+)?/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** PDF pages, counted from the file's page objects. */
const pages = (pdf) => (pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) ?? []).length;

test("printing gives a handout: the title, the ledger and the opened block, no controls, a few pages", async () => {
  const { page, problems } = await app.openPaused();
  await page.getByLabel("Energy George generates (kWh)").fill("10");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  for (let i = 0; i < 3; i++) await sealNow(page);
  await block(page, 2).getByRole("button", { name: "Show block 2's header and ledger" }).click();
  // What printing the page as it is on screen would give (the 14 pages).
  await page.emulateMedia({ media: "screen" });
  const onScreen = pages(await page.pdf({ format: "A4" }));

  await page.emulateMedia({ media: "print" });
  const title = page.getByRole("heading", { level: 1, name: "E-Cloud" });
  const ink = await title.evaluate((h) => getComputedStyle(h).color);
  assert.ok(contrast(ink, "rgb(255, 255, 255)") >= 7, `the title (${ink}) reads on white paper`);

  // What is printed: the ledger and block 2, with its header, preimage and ledger.
  for (const name of ["Balances", "Blocks"]) assert.ok(await panel(page, name).isVisible(), `${name} printed`);
  for (const name of ["Next block", "Generate energy", "Shares", "Members", "Over time", "Verify the chain", "Election"]) {
    assert.equal(await panel(page, name).isVisible(), false, `${name} left out`);
  }
  assert.ok(await block(page, 2).isVisible());
  await block(page, 2).getByRole("heading", { name: "Hash preimage" }).waitFor();
  for (const h of [0, 1, 3]) assert.equal(await block(page, h).isVisible(), false, `block ${h} left out`);
  // No controls: only a hash's short form, which is text on paper.
  const controls = await page.locator("button:not(.hex), input, select, textarea, progress").evaluateAll((els) =>
    els.filter((e) => e.getClientRects().length > 0).map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(controls, []);
  assert.equal(await page.locator("button.hex").first().evaluate((b) => getComputedStyle(b, "::before").content), "none");

  const pdf = await page.pdf({ format: "A4" });
  const printed = pages(pdf);
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  writeFileSync(join(ARTIFACTS_DIR, "handout.pdf"), pdf);
  assert.ok(printed <= 3, `the handout is ${printed} pages (the screen's page ${onScreen})`);
  assert.ok(printed < onScreen, "fewer pages than the screen would print");

  // With no block opened, the listed blocks are the handout.
  await page.emulateMedia({ media: "screen" });
  await block(page, 2).getByRole("button", { name: "Hide block 2's header and ledger" }).click();
  await page.emulateMedia({ media: "print" });
  for (const h of [0, 1, 2, 3]) assert.ok(await block(page, h).isVisible(), `block ${h} printed`);
  problems.assertNone();
});

test("the page has an icon, and /favicon.ico is there for whatever asks for it", async () => {
  const { page, problems } = await app.open("", { waitFor: "h1" });
  const href = await page.locator('link[rel="icon"]').getAttribute("href");
  const svg = await page.request.get(new URL(href, app.url).href);
  assert.equal(svg.status(), 200);
  assert.match(await svg.text(), /^<svg [^>]*viewBox="0 0 64 64"/);
  const ico = await page.request.get(new URL("/favicon.ico", app.url).href);
  assert.equal(ico.status(), 200, "not the harness's stand-in (204)");
  const bytes = await ico.body();
  assert.deepEqual([...bytes.subarray(0, 4)], [0, 0, 1, 0], "an ICO file");
  assert.equal(bytes.readUInt16LE(4), 3, "three sizes");
  problems.assertNone();
});
