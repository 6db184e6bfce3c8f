import { startServer, launchBrowser, newPage, gotoApp, panel, block, openHeight } from "./e2e/harness.mjs";
const server = await startServer();
const browser = await launchBrowser();
const { page, problems, context } = await newPage(browser);
await context.addInitScript(() => { window.__puts = []; const put = IDBObjectStore.prototype.put; IDBObjectStore.prototype.put = function (v, k) { window.__puts.push([performance.now(), this.name, JSON.stringify(k)]); return put.call(this, v, k); }; });
await gotoApp(page, server.url, "?seed=5", { waitFor: "h1" });
await page.getByRole("button", { name: "Pause" }).click();
await page.getByLabel("Generate automatically before each block").check();
for (let i = 0; i < 3; i++) {
  const from = await openHeight(page);
  const t = Date.now();
  await page.getByRole("button", { name: "Seal 1,000 blocks" }).click();
  await panel(page, "Next block").getByText(`(blocks ${(from).toLocaleString("en-US")} to`, { exact: false }).waitFor({ timeout: 90000 });
  console.log("ff", i, Date.now() - t, "ms");
}
console.log("puts", await page.evaluate(() => [window.__puts.length, window.__puts.slice(-3), performance.now()]));
await page.waitForTimeout(500);
console.log("puts later", await page.evaluate(() => [window.__puts.length, window.__puts.slice(-3), performance.now()]));
const h = await block(page, 3000).locator("button.hex").first().getAttribute("title");
const t = Date.now();
await page.reload();
await page.waitForTimeout(8000); console.log(await page.evaluate(async () => { const ask = (r) => new Promise((ok, no) => { r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); }); const db = await ask(indexedDB.open("e-cloud")); const m = await ask(db.transaction("meta").objectStore("meta").get("slots")); const c = await ask(db.transaction("blocks").objectStore("blocks").count()); return [m, c]; }));
console.log("after reload", Date.now() - t);
console.log((await page.locator("body").innerText()).slice(0, 1500));
console.log(problems.list());
await page.screenshot({ path: "/tmp/scratch/r3000.png" });
await browser.close(); await server.close();
