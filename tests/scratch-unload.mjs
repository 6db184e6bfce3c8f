import { startServer, launchBrowser } from "./e2e/harness.mjs";
const server = await startServer({ root: "/tmp/idbbench" });
const browser = await launchBrowser();
const ctx = await browser.newContext();
const page = await ctx.newPage();
await page.goto(server.url);
for (const [n, how] of [[1000, "cdp"], [1, "cdp"], [3000, "cdp"]]) {
  await page.evaluate(() => window.useCommit = true);
  const name = "u" + n + how;
  await page.evaluate(async ([name, n]) => {
    const open = () => new Promise((ok) => { const r = indexedDB.open(name, 1); r.onupgradeneeded = () => r.result.createObjectStore("s"); r.onsuccess = () => ok(r.result); });
    const db = await open();
    const tx = db.transaction("s", "readwrite");
    const st = tx.objectStore("s");
    for (let i = 0; i < n; i++) { let s = ""; for (let k = 0; k < 400; k++) s += Math.random().toString(36).slice(2, 12); st.put(s, i); }
    if (window.useCommit) tx.commit();
    window.done = new Promise((ok) => tx.oncomplete = ok);
  }, [name, n]);
  if (how === "cdp") await page.reload();
  if (how === "cdp-wait20") { await page.waitForTimeout(20); await page.reload(); }
  if (how === "location") { await page.evaluate(() => setTimeout(() => location.reload(), 0)); await page.waitForTimeout(300); await page.waitForLoadState("load"); }
  if (how === "close") { const p2 = await ctx.newPage(); await page.close(); await p2.goto(server.url); await p2.waitForTimeout(1000); 
     const c = await p2.evaluate(async (name) => { const db = await new Promise((ok) => { const r = indexedDB.open(name, 1); r.onupgradeneeded = () => r.result.createObjectStore("s"); r.onsuccess = () => ok(r.result); }); return await new Promise((ok) => { const r = db.transaction("s").objectStore("s").count(); r.onsuccess = () => ok(r.result); }); }, name); console.log(n, how, c); break; }
  await page.waitForTimeout(1000);
  const count = await page.evaluate(async (name) => {
    const db = await new Promise((ok) => { const r = indexedDB.open(name, 1); r.onupgradeneeded = () => r.result.createObjectStore("s"); r.onsuccess = () => ok(r.result); });
    return await new Promise((ok) => { const r = db.transaction("s").objectStore("s").count(); r.onsuccess = () => ok(r.result); });
  }, name);
  console.log(n, how, count);
}
await browser.close(); await server.close();
