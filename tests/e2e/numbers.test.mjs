// Numbers as a class types them: a decimal comma or point as the reader
// writes it, a minus sign called negative, an out-of-range timer refused in
// place (never silently put back), a refusal gone once the panel's next
// button works, and share sliders that step by whole percents.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, panel, sealNow } from "./harness.mjs";

const app = useApp();

async function generate(page, text) {
  await page.getByLabel("Energy George generates (kWh)").fill(text);
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  return panel(page, "Generate energy").locator(".notice").innerText();
}

async function joinGenerator(page, name, capacity) {
  const members = panel(page, "Members");
  await members.getByLabel("Name", { exact: true }).fill(name);
  await members.getByRole("radio", { name: "generator" }).check();
  await members.getByLabel("Capacity (kWh)").fill(capacity);
  await members.getByRole("button", { name: "Join" }).click();
  return members.locator(".notice").innerText();
}

test("seconds per block out of range or not whole are refused in place, and the refusal goes once Seal now works", async () => {
  const { page, problems } = await app.openPaused();
  const next = panel(page, "Next block");
  const secs = next.getByLabel("Seconds per block");
  const refusal = next.getByRole("alert");
  for (const [typed, said] of [
    ["0", "A block every 0 s is out of range: choose 1 to 60 s; the timer is unchanged."],
    ["100", "A block every 100 s is out of range: choose 1 to 60 s; the timer is unchanged."],
    ["-3", "Seconds per block: “-3” must not be negative; choose 1 to 60 s. The timer is unchanged."],
    ["10,5", "Seconds per block: “10,5” is not a whole number of seconds; choose 1 to 60 s. The timer is unchanged."],
    ["ten", "Seconds per block: “ten” is not a number; choose 1 to 60 s. The timer is unchanged."],
  ]) {
    await secs.fill(typed);
    await secs.press("Enter");
    assert.equal(await refusal.innerText(), said);
    // What was typed stays beside its refusal; the timer keeps its 15 s.
    await page.waitForTimeout(600);
    assert.equal(await secs.inputValue(), typed);
    assert.equal(await secs.getAttribute("aria-invalid"), "true");
    assert.equal(await next.locator("#countdown").innerText(), "paused, 15 s left");
  }
  // The panel's next button works: the refusal is old news, the field shows the timer.
  await sealNow(page);
  assert.equal(await refusal.count(), 0);
  assert.equal(await secs.inputValue(), "15");
  assert.equal(await secs.getAttribute("aria-invalid"), null);
  await secs.fill("20");
  await secs.press("Enter");
  await next.getByText("paused, 20 s left", { exact: true }).waitFor();
  assert.equal(await refusal.count(), 0);
  problems.assertNone();
});

test("a decimal comma is read, a minus sign is called negative, thousands are grouped", async () => {
  const { page, problems } = await app.openPaused();
  assert.equal(await generate(page, "2,5"), "George's cryptometer signed a reading of 2.5 kWh; it waits for block 1.");
  assert.equal(await generate(page, "-5"), "Energy in kWh: “-5” must not be negative. Nothing was generated.");
  assert.equal(await generate(page, "1e3"), "Energy in kWh: “1e3” is not a number. Nothing was generated.");
  // One comma before three digits groups thousands where a point is the decimal mark.
  assert.match(await joinGenerator(page, "Plant", "1,000"), /Plant brings 1,000 kWh/);

  // A share typed with a comma counts to the total like one typed with a point.
  // George's editor; Plant, who just joined, has one of its own.
  await page.getByLabel("Anne's share (%)").first().fill("49,5");
  await page.getByLabel("Bob's share (%)").first().fill("30.5");
  await panel(page, "Shares").getByText("Total: 100 % — ready to apply").first().waitFor();
  await page.getByLabel("Anne's share (%)").first().fill("-1");
  await panel(page, "Shares").getByText("? (Anne's share is not a percentage) — must be exactly 100 %").first().waitFor();
  await page.getByRole("button", { name: "Apply shares" }).first().click();
  await panel(page, "Shares").getByRole("alert").getByText("Anne's share: “-1” must not be negative. Nothing was changed.").waitFor();
  problems.assertNone();
});

test("in a French browser a comma is the decimal mark, even before three digits", async () => {
  const { page, problems } = await app.openPaused("", { locale: "fr-FR" });
  assert.equal(await generate(page, "10,5"), "George's cryptometer signed a reading of 10.5 kWh; it waits for block 1.");
  assert.match(await joinGenerator(page, "Plant", "1,000"), /Plant brings 1 kWh/);
  // A bet typed the reader's way, and the page's own text for it read back the same.
  await page.getByLabel("Carla's strategy").selectOption({ label: "Manual amount" });
  const amount = page.getByLabel("Carla bets (tokens)");
  await amount.fill("1,125");
  await page.getByRole("button", { name: "Set Carla's bet" }).click();
  await panel(page, "Voting tokens").getByText("Carla bets 1.125 tokens (at most their free tokens) in the election", { exact: false }).waitFor();
  problems.assertNone();
});

test("a share slider moves a whole percent per arrow key; a typed share keeps its hundredths", async () => {
  const { page, problems } = await app.openPaused();
  const slider = page.getByRole("slider", { name: "Anne's share slider" });
  const text = page.getByLabel("Anne's share (%)");
  assert.equal(await slider.getAttribute("step"), "1");
  await slider.focus();
  await page.keyboard.press("ArrowRight");
  assert.equal(await text.inputValue(), "51");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await text.inputValue(), "49");
  await text.fill("33.33");
  assert.equal(await slider.inputValue(), "33");
  await page.getByLabel("Bob's share (%)").fill("46.67");
  await panel(page, "Shares").getByText("Total: 100 % — ready to apply").first().waitFor();
  await page.getByRole("button", { name: "Apply shares" }).first().click();
  await panel(page, "Shares").getByText("George signed the new shares.", { exact: false }).waitFor();
  await sealNow(page);
  await panel(page, "Shares").getByText("In force for block 2: Anne 33.33 % · Bob 46.67 % · Carla 20 %").waitFor();
  problems.assertNone();
});
