// The Network page (network.html): the seed's community as four nodes, one per member,
// on a simulated network. A class splits it two against two, both sides go on sealing
// but neither can make a block final, the heal brings one chain back, and the block list
// shows the fork that lost and why. Leaves docs/network.png for the README.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { useApp, panel, screenshot, watchProblems } from "./harness.mjs";

const app = useApp();
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/// A node's row in the Nodes table: its tip ("#7", hash) and final height.
async function nodeState(page, name) {
  const row = panel(page, "Nodes").getByRole("row", { name: new RegExp(`^${name}`) });
  const [height, hash] = (await row.locator("td.tip").innerText()).trim().split(/\s+/);
  const final = await row.locator("td.final").innerText();
  return { height: Number(height.slice(1)), hash, final: Number(final.trim().slice(1)) };
}

async function until(what, check, timeout = 60_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("split in two, both sides seal and neither finalises; healed, one chain and the lost fork shown", async () => {
  const { page, problems } = await app.open("network.html?seed=7", { waitFor: "h1" });
  await page.getByRole("heading", { name: "E-Cloud: the network" }).waitFor();
  await page.getByLabel("Speed").selectOption("2");
  await until("the nodes have sealed three blocks", async () => (await nodeState(page, "George")).height >= 3);
  const status = page.getByRole("status");
  assert.match(await status.innerText(), /Every online node follows the same chain/);

  await page.getByRole("button", { name: "Split the network in two" }).click();
  const atSplit = await nodeState(page, "George");
  // Both sides seal on: George and Anne on side A, Bob and Carla on side B.
  await until("both sides sealed three blocks of their own", async () => {
    const [a, b] = [await nodeState(page, "George"), await nodeState(page, "Carla")];
    return a.hash !== b.hash && a.height >= atSplit.height + 3 && b.height >= atSplit.height + 3;
  });
  await status.getByText("The online nodes follow 2 different chains.").waitFor();
  // Two against two: neither side holds more than two thirds, so nothing sealed since the
  // split becomes final.
  for (const name of ["George", "Anne", "Bob", "Carla"]) {
    const node = await nodeState(page, name);
    assert.ok(node.final <= atSplit.height, `${name}'s final block #${node.final} after the split at #${atSplit.height}`);
  }

  await page.getByRole("button", { name: "Heal the network" }).click();
  await status.getByText("Every online node follows the same chain.").waitFor({ timeout: 60_000 });
  await page.getByRole("button", { name: "Pause" }).click();
  const tips = await Promise.all(["George", "Anne", "Bob", "Carla"].map((n) => nodeState(page, n)));
  assert.equal(new Set(tips.map((t) => t.hash)).size, 1, JSON.stringify(tips));
  await page.getByText("No two nodes hold different final blocks.").waitFor();

  // One side left its blocks for the other's: its node says so, and its block list shows
  // the fork it gave up, not followed, and why.
  const blocks = panel(page, "Blocks, as one node sees them");
  let loser = null;
  for (const name of ["George", "Anne", "Bob", "Carla"]) {
    await blocks.getByLabel("The view of").selectOption({ label: name });
    const log = panel(page, `What ${name}'s node did`);
    if (await log.getByText(/left \d+ blocks? of its chain for another fork/).count()) {
      loser = name;
      break;
    }
  }
  assert.ok(loser, "a node reorganised after the heal");
  await blocks.locator("li.height.forked").first().waitFor();
  assert.ok((await blocks.locator("li.block.fork").count()) >= 1, "the lost fork's blocks are shown");
  await blocks.getByText(/A fork ending at #\d+ .*not followed: the chain it follows wins: /).first().waitFor();
  await screenshot(page, "network", { fullPage: true });
  problems.assertNone();
  assert.deepEqual(app.server.notFound, [], "the page asked for files dist/ does not have");
});

test("a node taken offline falls behind and catches up when it comes back", async () => {
  const { page, problems } = await app.open("network.html?seed=3", { waitFor: "h1" });
  await page.getByLabel("Speed").selectOption("2");
  await until("a first block", async () => (await nodeState(page, "Bob")).height >= 1);
  const bob = panel(page, "Nodes").getByRole("row", { name: /^Bob/ });
  await bob.getByRole("button", { name: "Online: take offline" }).click();
  const left = await nodeState(page, "Bob");
  await until("the others sealed three more", async () => (await nodeState(page, "George")).height >= left.height + 3);
  assert.equal((await nodeState(page, "Bob")).height, left.height, "an offline node hears nothing");
  await bob.getByRole("button", { name: "Offline: bring online" }).click();
  await until("Bob caught up", async () => {
    const [b, g] = [await nodeState(page, "Bob"), await nodeState(page, "George")];
    return b.hash === g.hash;
  });
  problems.assertNone();
});

test("a node's chain, downloaded from the Network page, is imported on the main page and verified there", async () => {
  const { page, problems } = await app.open("network.html?seed=4", { waitFor: "h1" });
  await page.getByRole("button", { name: "Pause" }).click();
  for (let i = 0; i < 4; i++) await page.getByRole("button", { name: "Next block" }).click();
  await panel(page, "Blocks, as one node sees them").getByRole("combobox").selectOption({ label: "Carla" });
  const carla = await nodeState(page, "Carla");
  assert.ok(carla.height >= 3, `Carla's node at #${carla.height}`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download Carla's chain" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "e-cloud-carla-chain.json");
  const file = await download.path();
  const chain = JSON.parse(readFileSync(file, "utf8"));
  assert.equal(chain.blocks.at(-1).hash.slice(0, 8), carla.hash, "the tip Carla's row shows");
  problems.assertNone();

  const main = await app.openPaused();
  await main.page.locator("#import-file").setInputFiles(file);
  await panel(main.page, "Save, share, start again").getByText(`imported and verified: ${carla.height + 1} blocks`, { exact: false }).waitFor();
  await panel(main.page, "Verify the chain").getByText(/Valid\./).waitFor();
  main.problems.assertNone();
});

for (const [name, viewport] of [
  ["a projector, 1280 x 720", { width: 1280, height: 720 }],
  ["a phone, 390 x 844", { width: 390, height: 844 }],
]) {
  test(`the Network page, split: no WCAG 2.1 A or AA violation on ${name}, nothing wider than the screen`, async () => {
    // A context that lets the test inject axe past the page's CSP.
    const context = await app.browser.newContext({ viewport, bypassCSP: true });
    try {
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(`${app.url}network.html?seed=5`);
      await page.getByLabel("Speed").selectOption("2");
      await until("a first block", async () => (await nodeState(page, "Anne")).height >= 2);
      await page.getByRole("button", { name: "Split the network in two" }).click();
      await until("a fork", async () => (await nodeState(page, "Anne")).hash !== (await nodeState(page, "Bob")).hash);
      await page.getByRole("button", { name: "Pause" }).click();
      await page.addScriptTag({ path: axePath });
      const violations = await page.evaluate(async () =>
        (
          await window.axe.run(document, {
            runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
            resultTypes: ["violations"],
          })
        ).violations.map((v) => `${v.id} (${v.impact}): ${v.help}; e.g. ${v.nodes[0].target.join(" ")}`),
      );
      assert.deepEqual(violations, []);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= viewport.width, `nothing wider than the screen (${width} px)`);
      problems.assertNone();
    } finally {
      await context.close();
    }
  });
}

test("a node that seals two blocks a turn is caught, and a crashed node restarts from what it saved", async () => {
  const { page, problems } = await app.open("network.html?seed=11", { waitFor: "h1" });
  await page.getByLabel("Speed").selectOption("2");
  await page.getByLabel("How George's node behaves").selectOption("equivocates");
  await page.getByLabel("The view of").selectOption({ label: "Anne" });
  // George's turn comes; both his blocks reach Anne's node, signed by him.
  await panel(page, "What Anne's node did")
    .getByText(/George sealed two blocks for #\d+: kept \w+, refused \w+/)
    .first()
    .waitFor({ timeout: 60_000 });
  await page.getByLabel("How George's node behaves").selectOption("honest");

  const carla = panel(page, "Nodes").getByRole("row", { name: /^Carla/ });
  await carla.getByRole("button", { name: "Crash" }).click();
  const crashed = await nodeState(page, "Carla");
  await until("the others sealed two more", async () => (await nodeState(page, "George")).height >= crashed.height + 2);
  await carla.getByRole("button", { name: "Crashed: restart" }).click();
  await until("Carla caught up", async () => (await nodeState(page, "Carla")).hash === (await nodeState(page, "George")).hash);
  await page.getByText("No two nodes hold different final blocks.").waitFor();
  problems.assertNone();
});
