// The miner election as a class watches it: an offline miner is replaced by
// the runner-up and penalised, strategies set the bets, and 1,000 simulated
// elections are charted against the expectation. Real clicks, the text a
// student reads, a fresh page with the seed's community for each test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useApp, panel, block, openHeight, sealNow } from "./harness.mjs";

const app = useApp();


/** "Next miner: Anne, who won ..." -> "Anne". */
async function nextMiner(page) {
  const text = await panel(page, "Next block").getByText(/^Next miner:/).innerText();
  return text.match(/^Next miner: (\S+?),?(\s|$)/)[1];
}

/** "1,234.5 tokens" -> 1234500 milli-tokens, exactly. */
function milli(text) {
  const [whole, frac = ""] = text.replace(/[^0-9.]/g, "").split(".");
  return Number(whole) * 1000 + Number(frac.padEnd(3, "0"));
}

/** A member's card in the Voting tokens panel. */
function card(page, who) {
  return panel(page, "Voting tokens")
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: who, exact: true }) });
}

/** The cells of a candidate's row in the election panel's table. */
async function electionRow(page, who) {
  const row = panel(page, "Election").getByRole("row", { name: new RegExp(`^${who}\\b`) });
  return row.getByRole("cell").allInnerTexts();
}

test("the next miner switched offline: the runner-up seals and the penalty is shown", async () => {
  const { page, problems } = await app.openPaused();
  await sealNow(page); // block 1 holds the first election
  const missed = await nextMiner(page);
  assert.notEqual(missed, "George", "George sealed block 1, so he cannot be elected for block 2");

  await page.getByLabel(`${missed} online`).uncheck();
  const warning = panel(page, "Next block").getByRole("status");
  const said = await warning.innerText();
  // A miner with no reputation has none to lose (SPEC: not below 0).
  const m = said.match(
    new RegExp(`^${missed} is offline: (\\S+) \\(runner-up\\) will seal and ${missed}(?: loses (1) reputation|, with no reputation, loses none)\\.$`),
  );
  assert.ok(m, said);
  const [runnerUp, lost] = [m[1], m[2] ?? "0"];
  // The election panel agrees on who the runner-up is.
  const runnerRow = panel(page, "Election").getByRole("row", { name: new RegExp(`^${runnerUp}\\b`) });
  await runnerRow.getByText("runner-up").waitFor();
  assert.equal(await card(page, missed).getByText("offline", { exact: true }).count(), 1);

  const height = await sealNow(page);
  const sealed = block(page, height);
  await sealed.getByText(`sealed by ${runnerUp}`).waitFor();
  const penalty = sealed.getByRole("listitem").filter({ hasText: "missed the slot" });
  assert.match(
    await penalty.innerText(),
    new RegExp(`${missed} missed the slot of block ${height}: ${missed} was elected but offline, so ${runnerUp} \\(runner-up\\) sealed; ${missed} lost ${lost} reputation; the pot of [\\d.,]+ tokens? went to ${runnerUp}, frozen\\.`),
  );
  // The election that chose the missed miner says where its pot went.
  const elections = panel(page, "Election");
  await elections.getByRole("button", { name: "Earlier" }).click();
  await elections.getByText(`Held in block ${height - 1}, for the miner of block ${height}.`).waitFor();
  await elections.getByRole("row", { name: new RegExp(`^${missed} ★ winner, missed the slot`) }).waitFor();
  await elections.getByText(new RegExp(`${runnerUp} sealed block ${height} \\(${missed} missed the slot and lost ${lost} reputation\\) and received it frozen: it unlocks at block ${height + 6} \\(6 blocks left\\)\\.`)).waitFor();

  // Back online: the warning goes.
  await page.getByLabel(`${missed} online`).check();
  await panel(page, "Voting tokens").getByText(`${missed} is back online`).waitFor();
  problems.assertNone();
});

test("strategies set the bets: Fixed 10 % of the free tokens, and a manual amount", async () => {
  const { page, problems } = await app.openPaused();
  await page.getByLabel("Energy George generates (kWh)").fill("10");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  await sealNow(page);
  // Candidates in the next election: everyone but whoever seals the open block.
  const sealer = await nextMiner(page);
  const [fixed, manual] = ["George", "Anne", "Bob", "Carla"].filter((who) => who !== sealer);

  const tokens = panel(page, "Voting tokens");
  await page.getByLabel(`${fixed}'s strategy`).selectOption("fixed");
  await page.getByLabel(`${fixed} bets (%)`).fill("10");
  await page.getByLabel(`${fixed} bets (%)`).press("Enter");
  await tokens.getByText(`${fixed} bets 10 % of their free tokens in the election held when block 2 is sealed.`).waitFor();

  await page.getByLabel(`${manual}'s strategy`).selectOption("manual");
  await page.getByLabel(`${manual} bets (tokens)`).fill("ten");
  await page.getByRole("button", { name: `Set ${manual}'s bet` }).click();
  assert.match(
    await tokens.getByRole("alert").innerText(),
    new RegExp(`${manual}'s bet: tokens to bet: “ten” is not a number\\. Nothing changed`),
  );
  await page.getByLabel(`${manual} bets (tokens)`).fill("1.25");
  await page.getByRole("button", { name: `Set ${manual}'s bet` }).click();
  await tokens.getByText(`${manual} bets 1.25 tokens (at most their free tokens) in the election`).waitFor();

  const freeFixed = milli(await card(page, fixed).locator("dd.free").innerText());
  const freeManual = milli(await card(page, manual).locator("dd.free").innerText());
  const height = await sealNow(page);
  await panel(page, "Election").getByText(`Held in block ${height}, the newest, for the miner of block ${height + 1}.`).waitFor();
  const [fixedBet] = await electionRow(page, fixed);
  const [manualBet] = await electionRow(page, manual);
  assert.equal(milli(fixedBet), Math.floor((freeFixed * 10) / 100), `${fixed} bets 10 % of ${freeFixed}`);
  assert.equal(milli(manualBet), Math.min(1250, freeManual));
  // The votes on the chain say the same.
  await block(page, height).getByText(new RegExp(`${fixed} bets ${fixedBet.replace(".", "\\.")} tokens? to be elected`)).waitFor();
  problems.assertNone();
});

test("1,000 simulated elections: a chart of wins per candidate against the expectation", async () => {
  const { page, problems } = await app.openPaused();
  await sealNow(page);
  const sim = panel(page, "1,000 elections");
  await sim.getByRole("button", { name: "Simulate 1,000 elections" }).click();
  const chart = sim.getByRole("img", { name: "Share of 1,000 simulated elections won, against the expectation" });
  await chart.waitFor();
  const verdict = await sim.getByText(/^1,000 elections after block 1 in/).innerText();
  const ms = Number(verdict.match(/in ([\d.]+) ms/)[1]);
  assert.ok(ms < 1000, `well under a second: ${ms} ms`);

  const rows = sim.getByRole("table").getByRole("row");
  const table = (await rows.allInnerTexts()).slice(1).map((r) => r.split("\t"));
  assert.equal(table.length, 3, "everyone but George, who sealed block 1");
  assert.ok(table.every((r) => r[0] !== "George"));
  assert.equal(table.reduce((sum, r) => sum + Number(r[3]), 0), 1000);

  const bars = chart.locator("rect.bar.simulated");
  assert.equal(await bars.count(), 3);
  const wins = await bars.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute("data-wins"))));
  assert.equal(wins.reduce((a, b) => a + b, 0), 1000);
  assert.equal(await chart.locator("rect.bar.expected").count(), 3);
  problems.assertNone();
});
