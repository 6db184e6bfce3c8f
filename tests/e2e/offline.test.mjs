// For everyone in the room: the built page loads nothing from other sites, runs under
// a Content-Security-Policy that refuses injected scripts, and opens with no network
// once it has been loaded (its service worker keeps the files).
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, block } from "./harness.mjs";

const app = useApp();


test("the policy lets the page work and refuses an injected script; nothing comes from elsewhere", async () => {
  // Chromium reports every refusal of the policy as a console error, which
  // problems.assertNone() below would list.
  const { page, problems } = await app.open("", { waitFor: false });
  await page.getByRole("heading", { level: 1, name: "E-Cloud" }).waitFor();
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.match(policy, /object-src 'none'/);

  // A class's ordinary use breaks no rule of the policy.
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("button", { name: "Seal now" }).click();
  await block(page, 1).waitFor();
  await page.getByRole("button", { name: "Verify chain" }).click();
  await page.getByText(/✔ Valid\./).waitFor();
  problems.assertNone();

  // A script slipped into the page does not run.
  const ran = await page.evaluate(async () => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.effectiveDirective));
    const s = document.createElement("script");
    s.textContent = "window.__injected = true;";
    document.body.append(s);
    await new Promise((r) => setTimeout(r, 50));
    return window.__injected === true;
  });
  assert.equal(ran, false, "an inline script outside the policy must not run");
  assert.deepEqual(await page.evaluate(() => window.__violations), ["script-src-elem"]);
  const origins = await page.evaluate(() => [
    ...new Set(performance.getEntriesByType("resource").map((e) => new URL(e.name).origin)),
  ]);
  assert.deepEqual(origins, [new URL(app.url).origin], "every file comes from the page's own site");
  problems.assertNone({ allow: [/Content Security Policy/] });
});

/** Whether the service worker took over `page` within 10 s. */
function controlled(page) {
  return page.evaluate(() => {
    const taken = (async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", r, { once: true }));
      }
      return true;
    })();
    return Promise.race([taken, new Promise((r) => setTimeout(() => r(false), 10_000))]);
  });
}

test("once loaded, the page opens and seals blocks with no network", async () => {
  const { page, context, problems } = await app.open("", { waitFor: "h1" });
  // The service worker takes over this page once installed.
  assert.ok(await controlled(page), "no service worker took over the page within 10 s");
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("button", { name: "Seal now" }).click();
  await block(page, 1).waitFor();
  // Storage keeps the run at most a second later.
  await page.waitForTimeout(1500);

  await context.setOffline(true);
  await page.reload();
  await page.getByRole("heading", { level: 1, name: "E-Cloud" }).waitFor();
  await block(page, 1).waitFor();
  await page.getByRole("button", { name: "Seal now" }).click();
  await block(page, 2).waitFor();
  await context.setOffline(false);
  problems.assertNoCrash();
});

test("the Network page, once opened, opens again and runs with no network", async () => {
  const { page, context, problems } = await app.open("", { waitFor: "h1" });
  assert.ok(await controlled(page), "no service worker took over the page within 10 s");
  await page.goto(`${app.url}network.html?seed=3`);
  await page.getByRole("heading", { name: "E-Cloud: the network" }).waitFor();
  await page.getByRole("button", { name: "Pause" }).click();
  // The copies are kept as the files arrive; a moment for the last one.
  await page.waitForTimeout(1000);

  await context.setOffline(true);
  await page.reload();
  await page.getByRole("heading", { name: "E-Cloud: the network" }).waitFor();
  await page.getByRole("button", { name: "Pause" }).click();
  // The nodes seal offline: the first blocks come within a few slots.
  const tip = page.locator("#nodes tbody tr").first().locator("td.tip");
  for (let i = 0; i < 4; i++) await page.getByRole("button", { name: "Next block" }).click();
  assert.notEqual((await tip.innerText()).split(/\s+/)[0], "#0", "the nodes sealed offline");
  await context.setOffline(false);
  problems.assertNoCrash();
});
