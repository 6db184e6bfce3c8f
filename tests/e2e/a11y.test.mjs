// For everyone in the room: an accessibility audit of the page with axe-core
// (WCAG 2.1 A and AA: names and labels for screen readers, contrast, roles,
// keyboard reachability), at a projector's 1280 x 720 and on a phone, with
// blocks, an open block card, an election and the charts on the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { useApp, watchProblems, panel, block, sealNow } from "./harness.mjs";

const app = useApp();
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** The page in a context that lets the test inject axe past the page's CSP. */
async function openForAudit(viewport) {
  const context = await app.browser.newContext({ viewport, bypassCSP: true });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(app.url);
  await page.getByRole("heading", { level: 1, name: "E-Cloud" }).waitFor();
  return { context, page, problems };
}

async function audit(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      resultTypes: ["violations"],
    }),
  );
  return result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} element(s), e.g. ${v.nodes[0].target.join(" ")}`,
  );
}

for (const [name, viewport] of [
  ["a projector, 1280 x 720", { width: 1280, height: 720 }],
  ["a phone, 390 x 844", { width: 390, height: 844 }],
]) {
  test(`no WCAG 2.1 A or AA violation on ${name}`, async () => {
    const { context, page, problems } = await openForAudit(viewport);
    try {
      await page.getByRole("button", { name: "Pause" }).click();
      await page.getByLabel("Generate automatically before each block").check();
      for (let i = 0; i < 3; i++) await sealNow(page);
      await block(page, 2).getByRole("button", { name: "Show block 2's header and ledger" }).click();
      await panel(page, "Verify the chain").getByRole("button", { name: "Verify chain" }).click();
      await page.getByText(/✔ Valid\./).waitFor();
      assert.deepEqual(await audit(page), []);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= viewport.width, `nothing wider than the screen (${width} px)`);
      problems.assertNone();
    } finally {
      await context.close();
    }
  });
}

for (const [name, viewport] of [
  ["a projector", { width: 1280, height: 720 }],
  ["a phone", { width: 390, height: 844 }],
]) {
  test(`no violation on ${name} with history tampered: the editor, a refusal beside a field, every finding`, async () => {
    const { context, page, problems } = await openForAudit(viewport);
    try {
      await page.getByRole("button", { name: "Pause" }).click();
      await page.getByLabel("Energy George generates (kWh)").fill("10");
      await page.getByRole("button", { name: "Generate", exact: true }).click();
      for (let i = 0; i < 3; i++) await sealNow(page);
      const one = block(page, 1);
      await one.getByRole("button", { name: "Show block 1's header and ledger" }).click();
      await one.getByRole("button", { name: "Edit values of block 1" }).click();
      await one.getByLabel("Anne's allocation (kWh)", { exact: true }).fill("9");
      await one.getByRole("button", { name: "Set Anne's allocation (kWh)" }).click();
      const verify = panel(page, "Verify the chain");
      await verify.getByText("Broken at block 1.").waitFor();
      const balance = one.getByRole("group", { name: "Ledger: Anne" }).getByLabel("Anne's energy balance (kWh)", { exact: true });
      await balance.fill("-1");
      await balance.press("Enter");
      await one.getByText("Not changed: “-1” must not be negative (in kWh).").waitFor();
      await panel(page, "Next block").getByText("Sealing waits.").waitFor();
      assert.deepEqual(await audit(page), [], "findings closed");
      await verify.getByRole("button", { name: /^Show all \d+ findings$/ }).click();
      assert.deepEqual(await audit(page), [], "findings open");
      problems.assertNone();
    } finally {
      await context.close();
    }
  });
}

test("every control is reachable with Tab and shows where the focus is", async () => {
  const { context, page, problems } = await openForAudit({ width: 1280, height: 720 });
  try {
    await page.getByRole("button", { name: "Pause" }).click();
    await sealNow(page);
    await page.evaluate(() => document.activeElement?.blur());
    const seen = new Set();
    const unmarked = [];
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press("Tab");
      const focus = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const style = getComputedStyle(el);
        const marked = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
        const label = `${el.tagName.toLowerCase()}#${el.id || ""}[${(el.getAttribute("aria-label") || el.textContent || "").trim().slice(0, 30)}]`;
        return { label, marked };
      });
      if (!focus) continue;
      if (!focus.marked) unmarked.push(focus.label);
      seen.add(focus.label);
    }
    for (const control of ["button#[Seal now]", "input#block-secs[]", "input#join-name[]", "button#[Verify chain]"]) {
      assert.ok(seen.has(control), `${control} is reached by Tab (reached: ${seen.size} controls)`);
    }
    assert.deepEqual(unmarked, [], "every focused control shows a focus outline");
    problems.assertNone();
  } finally {
    await context.close();
  }
});
