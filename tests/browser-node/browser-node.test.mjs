// The browser's node (browser/, a Web Worker of its own wasm) against a native node, in
// headless Chromium: it joins, catches up with the native node's chain, keeps it in
// IndexedDB, and after a reload resumes from there (telling its restored height before
// it dials) and catches up again.
//
// Needs target/native/ecloud-node (cargo build --profile native -p ecloud-node) and a
// release build in dist/ with the worker (trunk build --release); scripts/test's
// `browser-node` step makes both. Run alone: node --test tests/browser-node/
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import { ROOT, DIST_DIR, launchBrowser, screenshot } from "../e2e/harness.mjs";

const binary = join(ROOT, "target/native/ecloud-node");
const SLOT_MS = 1000;

/** A native node serving dist/ on 127.0.0.1, its chain starting `backMs` ago. */
function startNode(dir, backMs, extra = []) {
  // The registrar's node signs for member 0, unless the teacher's browser is the registrar.
  const member = extra.includes("--teacher") ? [] : ["--member", "0"];
  const args = [
    ...extra, ...member,
    "--data", join(dir, "native"), "--listen", "/ip4/127.0.0.1/tcp/0",
    "--class-seed", "11", "--members", "4",
    "--start-ms", String(Date.now() - backMs), "--slot-ms", String(SLOT_MS),
    "--http", "127.0.0.1:0", "--page", DIST_DIR,
  ];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "inherit"] });
  const node = { child, page: null, height: 0, lines: [] };
  createInterface({ input: child.stdout }).on("line", (line) => {
    const v = JSON.parse(line);
    node.lines.push(v);
    if (v.page) node.page = v.page;
    if (v.status) node.height = v.status.height;
  });
  return node;
}

async function until(what, ms, check) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out (${ms} ms): ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** The WCAG 2.1 A and AA violations axe finds in `page` (its context must bypass the CSP). */
async function violations(page) {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () =>
    (
      await window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        resultTypes: ["violations"],
      })
    ).violations.map((v) => `${v.id} (${v.impact}): ${v.help}; e.g. ${v.nodes[0].target.join(" ")}`),
  );
}

/** Starts the worker in `page`; its reports gather in window.__reports. */
async function startWorker(page) {
  await page.evaluate(() => {
    window.__reports = [];
    const worker = new Worker("./ecloud-browser-node_loader.js");
    worker.onmessage = (e) => window.__reports.push(JSON.parse(e.data));
    worker.onerror = (e) => window.__reports.push({ worker_error: String(e.message) });
    window.__worker = worker;
  });
}
const reports = (page) => page.evaluate(() => window.__reports);
const latest = (list, key) => list.filter((r) => r[key]).at(-1)?.[key];

const dir = mkdtempSync(join(tmpdir(), "ecloud-browser-node-"));
let node;
let registrar;
let browser;
after(async () => {
  await browser?.close();
  node?.child.kill("SIGTERM");
  registrar?.child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

test("a browser's node catches up with a native node, keeps the chain in IndexedDB and resumes from it after a reload", { timeout: 120_000 }, async () => {
  assert.ok(existsSync(binary), `${binary}: cargo build --profile native -p ecloud-node`);
  assert.ok(existsSync(join(DIST_DIR, "ecloud-browser-node_loader.js")), "dist/ has no worker: trunk build --release");
  // 40 slots in the past: the native node seals them at once, so there is a chain to catch up on.
  node = startNode(dir, 40 * SLOT_MS);
  await until("the native node serves its page", 20_000, () => node.page);
  await until("the native node has a chain", 30_000, () => node.height >= 20);

  browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  const asked = [];
  context.on("request", (r) => asked.push(r.url()));
  await page.goto(node.page);
  // The page alone never fetches the worker, nor does its service worker keep it.
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(500);
  assert.deepEqual(asked.filter((u) => u.includes("ecloud-browser-node")), [], "the first load fetched the worker");
  assert.ok(!(await page.evaluate(() => fetch("/sw.js").then((r) => r.text()))).includes("ecloud-browser-node"));
  const about = await page.evaluate(() => fetch("/node.json").then((r) => r.json()));
  assert.match(about.ws, /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/12D3/);
  assert.equal(typeof about.genesis.hash, "string");

  await startWorker(page);
  await until("the worker is ready", 20_000, async () => (await reports(page)).some((r) => r.ready));
  // A malformed message from the page is an error report, not a dead worker.
  await page.evaluate(() => window.__worker.postMessage("{not json"));
  await until("a malformed message is told", 5_000, async () =>
    (await reports(page)).some((r) => r.error?.what === "message from the page"));
  await page.evaluate(() => window.__worker.postMessage(JSON.stringify({ join: {} })));
  const target = node.height;
  const began = Date.now();
  await until(`the browser's node reaches height ${target}`, 30_000, async () =>
    (latest(await reports(page), "status")?.height ?? 0) >= target);
  const first = await reports(page);
  console.log(`# caught up on ${target} blocks in ${Date.now() - began} ms`);
  assert.equal(first.find((r) => r.restored)?.restored.height, 0, "a fresh node starts at the genesis");
  assert.ok(first.some((r) => r.peer?.connected), "it says when it connects");
  assert.ok(first.some((r) => r.event?.accepted !== undefined), "it tells each accepted block");
  assert.ok(!first.some((r) => r.worker_error), JSON.stringify(first.filter((r) => r.worker_error)));
  const kept = latest(first, "status").height;

  // Reload: the new worker restores what IndexedDB kept before it dials, then catches up again.
  await page.reload();
  await startWorker(page);
  await until("the worker is ready again", 20_000, async () => (await reports(page)).some((r) => r.ready));
  await page.evaluate(() => window.__worker.postMessage(JSON.stringify({ join: {} })));
  await until("it restores", 20_000, async () => (await reports(page)).some((r) => r.restored));
  const second = await reports(page);
  const restoredAt = second.findIndex((r) => r.restored);
  const diallingAt = second.findIndex((r) => r.dialling);
  assert.ok(second[restoredAt].restored.height >= kept - 1, `restored ${second[restoredAt].restored.height}, kept ${kept}`);
  assert.ok(diallingAt === -1 || restoredAt < diallingAt, "restored before dialling");
  console.log(`# after the reload: restored height ${second[restoredAt].restored.height} from IndexedDB (${kept} before)`);
  const again = node.height;
  await until(`the browser's node reaches height ${again} again`, 30_000, async () =>
    (latest(await reports(page), "status")?.height ?? 0) >= again);
  const all = await reports(page);
  assert.ok(!all.some((r) => r.error && r.error.what !== "dial"), JSON.stringify(all.filter((r) => r.error)));
});

test("a browser's node asks to join, the registrar's node admits it, and after a reload it is the same member", { timeout: 120_000 }, async () => {
  // The registrar's node (member 0) admits every newcomer who asks (--admit).
  registrar = startNode(join(dir, "join"), 5 * SLOT_MS, ["--admit"]);
  await until("the registrar's node serves its page", 20_000, () => registrar.page);
  browser ??= await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(registrar.page);
  await startWorker(page);
  await until("the worker is ready", 20_000, async () => (await reports(page)).some((r) => r.ready));
  await page.evaluate(() => window.__worker.postMessage(JSON.stringify({ join: { name: "Zoé" } })));
  const admitted = async () => (await reports(page)).find((r) => r.event?.admitted !== undefined)?.event.admitted;
  const member = await until("the registrar admits the browser's newcomer", 30_000, admitted);
  assert.equal(member, 4, "the community's fifth member");
  await until("it votes with its own keys", 20_000, async () =>
    (await reports(page)).some((r) => r.event?.voted !== undefined));

  // Reloaded, the same ask finds the same member from the keys IndexedDB kept.
  await page.reload();
  await startWorker(page);
  await until("the worker is ready again", 20_000, async () => (await reports(page)).some((r) => r.ready));
  await page.evaluate(() => window.__worker.postMessage(JSON.stringify({ join: { name: "Zoé" } })));
  assert.equal(await until("it is admitted again", 20_000, admitted), 4);
  const all = await reports(page);
  assert.ok(!all.some((r) => r.error && r.error.what !== "dial"), JSON.stringify(all.filter((r) => r.error)));
});

test("a student opens classroom.html, joins with a name, is admitted, is seen on the projector's view of the network, after a reload is the same member, and a second tab runs no second node", { timeout: 120_000 }, async () => {
  assert.ok(existsSync(join(DIST_DIR, "classroom.html")), "dist/ has no classroom page: trunk build --release");
  const teacher = startNode(join(dir, "classroom"), 5 * SLOT_MS, ["--admit"]);
  try {
    await until("the teacher's node serves its pages", 20_000, () => teacher.page);
    browser ??= await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    await page.goto(new URL("classroom.html", teacher.page).href);
    await page.getByRole("heading", { name: "E-Cloud: join the classroom" }).waitFor();
    await page.getByLabel("Your name").fill("Zoé");
    await page.getByRole("button", { name: "Join as a member" }).click();
    const status = page.getByRole("status");
    await status.getByText("You are member 4: your node votes and seals for you.").waitFor({ timeout: 30_000 });
    await page.getByText("connected", { exact: true }).waitFor();
    await page.getByText(/^You voted in the election of block \d+\.$/).first().waitFor({ timeout: 20_000 });
    await screenshot(page, "classroom");
    // The projector: the same page in another browser profile, joining nothing, shows the
    // class as the teacher's node sees it: Zoé's node a browser linked to it, with the
    // round trip of its pings and its chain, and George's the teacher's node itself.
    const projector = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })).newPage();
    projector.on("pageerror", (e) => problems.push(String(e)));
    await projector.goto(new URL("classroom.html#network", teacher.page).href);
    const members = projector.getByRole("table", { name: "Members" });
    const zoe = members.getByRole("row").filter({ has: projector.getByRole("rowheader", { name: "Zoé" }) });
    await zoe.getByText(/^browser at 127\.0\.0\.1, \d+ ms there and back$/).waitFor({ timeout: 20_000 });
    await zoe.getByText(/^block \d+, final \d+$/).waitFor();
    await zoe.getByText(/^block \d+$/).waitFor();
    const george = members.getByRole("row").filter({ has: projector.getByRole("rowheader", { name: "George (generator)" }) });
    await george.getByText("the teacher's node").waitFor();
    // The page itself is no member: this projector's own browser runs no node.
    assert.equal(await projector.getByRole("status").count(), 0);
    await screenshot(projector, "classroom-network", { locator: projector.locator("#network") });
    assert.deepEqual(await violations(projector), [], "the projector's view: no WCAG 2.1 A or AA violation");
    await projector.context().close();
    // Reloaded: the page joins again with the name it kept, and the node finds the same
    // member from the keys IndexedDB kept.
    await page.reload();
    await status.getByText("You are member 4: your node votes and seals for you.").waitFor({ timeout: 30_000 });
    assert.equal(await page.getByRole("alert").count(), 0, "no problem shown");
    // A second tab of the same browser runs no second node (it would sign as member 4
    // twice): it says so, and the first goes on.
    const second = await context.newPage();
    await second.goto(new URL("classroom.html", teacher.page).href);
    await second.getByRole("alert").getByText(/already runs in another tab/).waitFor({ timeout: 20_000 });
    assert.equal(await page.getByRole("alert").count(), 0, "the first tab goes on");
    await second.close();
    assert.deepEqual(problems, []);
  } finally {
    teacher.child.kill("SIGTERM");
  }
});

test("the teacher's browser starts the class as its registrar, with keys the node never holds, admits a student with a click and declines another, and cuts and heals the student's link", { timeout: 120_000 }, async () => {
  const teacherNode = startNode(join(dir, "teacher"), 0, ["--teacher"]);
  try {
    await until("the node waits for the teacher", 20_000, () => teacherNode.lines.find((l) => l.waiting_for_teacher));
    browser ??= await launchBrowser();
    const problems = [];
    const open = async (path) => {
      const page = await (await browser.newContext({ bypassCSP: true })).newPage();
      page.on("pageerror", (e) => problems.push(String(e)));
      await page.goto(new URL(path, teacherNode.page).href);
      const title = path.includes("?teacher") ? "E-Cloud: the teacher's classroom" : "E-Cloud: join the classroom";
      await page.getByRole("heading", { name: title }).waitFor();
      return page;
    };
    // A student who comes before the class started is told so.
    const early = await open("classroom.html");
    await early.getByLabel("Your name").fill("Early");
    await early.getByRole("button", { name: "Join as a member" }).click();
    await early.getByRole("alert").getByText(/the teacher has not started the class yet/).waitFor({ timeout: 20_000 });
    await early.context().close();

    const teacher = await open("classroom.html?teacher");
    await teacher.getByRole("button", { name: "Start the class as its registrar" }).click();
    await teacher.getByRole("status").getByText(/^You are the registrar, member 0 \(George\)/).waitFor({ timeout: 30_000 });
    assert.ok(teacherNode.lines.some((l) => l.class_started), "the node took the class the browser sealed");
    await teacher.getByText(/^You sealed block \d+: you won its election\.$/).first().waitFor({ timeout: 20_000 });

    const student = await open("classroom.html");
    await student.getByLabel("Your name").fill("Zoé");
    await student.getByRole("button", { name: "Join as a member" }).click();
    const admit = teacher.getByRole("button", { name: "Admit Zoé" });
    await admit.waitFor({ timeout: 30_000 });
    assert.equal(await student.getByText(/^You are member/).count(), 0, "nobody admitted before the teacher's click");
    await screenshot(teacher, "classroom-teacher");
    assert.deepEqual(await violations(teacher), [], "the teacher's page: no WCAG 2.1 A or AA violation");
    await admit.click();
    await student.getByRole("status").getByText("You are member 4: your node votes and seals for you.").waitFor({ timeout: 30_000 });
    await teacher.getByText("Nobody is asking.", { exact: false }).waitFor();

    // A partition with real peers: the teacher cuts Zoé's browser off, its node is cut
    // off from the class until the heal, then links again.
    const members = teacher.getByRole("table", { name: "Members" });
    const zoe = members.getByRole("row").filter({ has: teacher.getByRole("rowheader", { name: "Zoé" }) });
    await zoe.getByRole("button", { name: "Cut Zoé off" }).click();
    await zoe.getByText("cut off by the teacher: a partition").waitFor({ timeout: 10_000 });
    await student.getByText("Cut off from the teacher's node: trying again every 2 s.").waitFor({ timeout: 10_000 });
    await student.getByText("not connected", { exact: true }).waitFor();
    await teacher.getByRole("button", { name: "Heal: let every cut peer link again" }).click();
    await zoe.getByText(/^browser at 127\.0\.0\.1/).waitFor({ timeout: 20_000 });
    await student.getByText("connected", { exact: true }).waitFor({ timeout: 10_000 });
    assert.ok(teacherNode.lines.some((l) => l.teacher?.cut), "the node says it cut the link");

    // The teacher declines another student: that node is told at once and asks no more.
    const yann = await open("classroom.html");
    await yann.getByLabel("Your name").fill("Yann");
    await yann.getByRole("button", { name: "Join as a member" }).click();
    await teacher.getByRole("button", { name: "Decline Yann" }).click({ timeout: 30_000 });
    await yann.getByRole("status").getByText(/^The teacher did not admit you as Yann\./).waitFor({ timeout: 20_000 });
    await teacher.getByText("Nobody is asking.", { exact: false }).waitFor();
    await yann.context().close();

    // Reloaded, the teacher's browser is the registrar again, from the keys it kept.
    await teacher.reload();
    await teacher.getByRole("status").getByText(/^You are the registrar, member 0/).waitFor({ timeout: 30_000 });
    // Another browser cannot be the registrar: the keys are the first browser's alone.
    const other = await open("classroom.html?teacher");
    await other.getByRole("button", { name: "Start the class as its registrar" }).click();
    await other.getByRole("alert").getByText(/another browser started this class/).waitFor({ timeout: 20_000 });
    // Nor may any computer but the node's own start a class: the node takes the genesis
    // block from loopback only, and only while it waits (it runs a class now).
    const late = await fetch(new URL("genesis", teacherNode.page), { method: "POST", body: "{}" });
    assert.notEqual(late.status, 200);
    assert.deepEqual(problems, []);
  } finally {
    teacherNode.child.kill("SIGTERM");
  }
});
