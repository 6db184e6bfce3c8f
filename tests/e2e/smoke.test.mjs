// Smoke test: the built page loads, the wasm app starts and renders its title,
// and nothing went wrong on the way (no page error, no panic, no console error,
// no failed request). Leaves a picture of the page in tests/artifacts/smoke.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, screenshot, ARTIFACTS_DIR } from "./harness.mjs";

const app = useApp();

test("the page loads and shows the E-Cloud heading", async () => {
  const { page, problems } = await app.open("", { waitFor: "h1" });
  const heading = page.getByRole("heading", { level: 1 });
  await heading.waitFor({ state: "visible" });
  assert.match(await heading.innerText(), /E-Cloud/);
  assert.match(await page.title(), /E-Cloud/);
  await screenshot(page, "smoke", { dir: ARTIFACTS_DIR });
  problems.assertNone();
  assert.deepEqual(app.server.notFound, [], "the page asked for files dist/ does not have");
});
