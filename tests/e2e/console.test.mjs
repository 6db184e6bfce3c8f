// window.ecloud: the chain, verification and SHA-256 from the browser's console.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { useApp, panel, block } from "./harness.mjs";

const app = useApp();

/** What kinds of value `ecloud.chain()` holds, all the way down. */
const kindsOfValues = () => {
  const kinds = new Set();
  const walk = (v) => {
    if (v === null) kinds.add("null");
    else if (Array.isArray(v)) {
      kinds.add("array");
      v.forEach(walk);
    } else if (typeof v === "object") {
      kinds.add(Object.getPrototypeOf(v) === Object.prototype ? "plain object" : `object ${v.constructor?.name}`);
      Object.values(v).forEach(walk);
    } else if (typeof v === "number") kinds.add(Number.isSafeInteger(v) ? "safe integer" : "other number");
    else kinds.add(typeof v);
  };
  walk(window.ecloud.chain());
  return [...kinds].sort();
};

test("ecloud.verify on the exported chain gives the page's report, tampered or not; ecloud.sha256 matches", async () => {
  const { page, problems } = await app.open("", { waitFor: "h1" });
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  for (const h of [1, 2]) {
    await page.getByRole("button", { name: "Seal now" }).click();
    await block(page, h).waitFor();
  }
  const chain = await page.evaluate(() => window.ecloud.chain());
  assert.equal(chain.format, "e-cloud-chain");
  assert.equal(chain.blocks.length, 3);
  // Plain JSON values all the way down: objects, not Maps; numbers, not BigInts.
  const kinds = await page.evaluate(kindsOfValues);
  for (const kind of kinds) {
    assert.ok(["array", "boolean", "null", "plain object", "safe integer", "string"].includes(kind), kind);
  }
  assert.ok(kinds.includes("plain object") && kinds.includes("safe integer"), kinds.join(", "));
  // The same object as the export file, and the numbers the page shows.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: /^Export chain/ }).click(),
  ]);
  const exported = await readFile(await download.path(), "utf8");
  assert.deepEqual(chain, JSON.parse(exported));
  const anne = chain.blocks[2].body.ledger.members.find((m) => m.name === "Anne");
  assert.equal(typeof anne.balance, "number");
  const row = await panel(page, "Balances").getByRole("row", { name: /^Anne/ }).innerText();
  const kwh = Number(row.match(/([\d.,]+) kWh/)[1].replace(/,/g, ""));
  assert.equal(anne.balance, Math.round(kwh * 1000), `Anne's balance in Wh, as the page shows it: ${row}`);
  assert.ok(anne.balance > 0);
  const report = await page.evaluate(() => window.ecloud.verify(window.ecloud.chain()));
  assert.equal(report.blocks_checked, 3);
  assert.deepEqual(report.findings, []);
  assert.deepEqual(await page.evaluate((text) => window.ecloud.verify(text), exported), report, "a file's text too");
  await page.getByRole("button", { name: "Verify chain" }).click();
  await panel(page, "Verify the chain").getByText(
    `✔ Valid. 3 blocks checked (${report.transactions_checked} transactions, ${report.signatures_checked} signatures)`,
  ).waitFor();

  // Tamper in the page: the console's report names the same block and rule.
  const one = block(page, 1);
  await one.getByRole("button", { name: "Show block 1's header and ledger" }).click();
  await one.getByRole("button", { name: "Edit values of block 1" }).click();
  await one.getByLabel("Anne's energy balance (kWh)", { exact: true }).fill("1");
  await one.getByLabel("Anne's energy balance (kWh)", { exact: true }).press("Enter");
  await panel(page, "Verify the chain").getByText("Broken at block 1.").waitFor();
  const broken = await page.evaluate(() => window.ecloud.verify(window.ecloud.chain()));
  const first = broken.findings[0];
  assert.equal(first.height, 1);
  await panel(page, "Verify the chain").getByText(`First failure: rule ${first.check}: ${first.message}`).waitFor();
  const findings = await panel(page, "Verify the chain").getByText(/\d+ findings? in all\./).innerText();
  assert.equal(Number(findings.match(/\d+/)[0]), broken.findings.length);

  // sha256 of block 0's preimage is its hash, as Node computes it too.
  const zero = chain.blocks[0];
  await block(page, 0).getByRole("button", { name: "Show block 0's header and ledger" }).click();
  const preimage = await page.getByLabel("hash preimage of block 0").innerText();
  const hex = await page.evaluate((t) => window.ecloud.sha256(t), preimage);
  assert.equal(hex, zero.hash);
  assert.equal(hex, createHash("sha256").update(preimage, "utf8").digest("hex"));
  const thrown = await page.evaluate(() => {
    try {
      window.ecloud.verify({ format: "something else" });
      return null;
    } catch (e) {
      return String(e.message);
    }
  });
  assert.match(thrown, /not an E-Cloud chain export/);
  problems.assertNone();
});
