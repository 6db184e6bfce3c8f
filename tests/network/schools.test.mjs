// Two schools on a real, failing network, with browsers as members: each school a
// network namespace (ip netns) with two native nodes, the link between them a veth
// pair that loses packets (nftables) and a proxy that delays them; four headless
// Chromium pages, two in each school (Chromium runs inside the school's namespace),
// each running the browser's node (the worker of dist/) as a newcomer the registrar
// admits, which then votes and seals as a member. The link is cut while both sides
// seal, a school's node (the one its browsers dial) is killed with kill -9 and
// restarted on its store, and the link is mended. Then every node, native and
// browser, holds one chain: the same block at the final height they all reached,
// every block any node ever called final (no two different at one height), and each
// chain verifies and conserves energy and voting tokens.
//
// Needs root, iproute2 and nftables (the namespaces; without them the test is skipped,
// but not in CI), target/native/ecloud-node and dist/ with the worker (scripts/test's
// `network` step runs after `build`). Run alone: node --test tests/network/ (with
// ECLOUD_KEEP=1 its temporary folder stays: each native node's store and output lines).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ROOT, DIST_DIR, launchBrowser } from "../e2e/harness.mjs";

const binary = join(ROOT, "target/native/ecloud-node");
const SLOT_MS = 1000;
/** Percent of the packets each school receives over the link that are dropped. */
const LOSS = 5;
const tag = process.pid;
const schools = [
  { name: "A", ns: `ecs-a-${tag}`, veth: `esa${tag}`, ip: "10.78.0.1" },
  { name: "B", ns: `ecs-b-${tag}`, veth: `esb${tag}`, ip: "10.78.0.2" },
];
const dir = mkdtempSync(join(tmpdir(), "ecloud-schools-"));
const started = []; // every process this test started, to stop whatever happens
const browsers = [];

// --- the network --------------------------------------------------------------------
function run(cmd, args, input) {
  const r = spawnSync(cmd, args, { input, encoding: "utf8" });
  return { ok: r.status === 0, why: `${cmd} ${args.join(" ")}: ${r.error ?? ""}${r.stderr ?? ""}` };
}
const inSchool = (school, cmd, args, input) => run("ip", ["netns", "exec", school.ns, cmd, ...args], input);
function must(r) {
  assert.ok(r.ok, r.why);
}

/** The two namespaces and the veth pair between them; false when this machine cannot. */
function makeSchools() {
  if (!run("ip", ["netns", "add", schools[0].ns]).ok) return false;
  must(run("ip", ["netns", "add", schools[1].ns]));
  must(run("ip", ["link", "add", schools[0].veth, "netns", schools[0].ns, "type", "veth",
    "peer", "name", schools[1].veth, "netns", schools[1].ns]));
  for (const s of schools) {
    must(inSchool(s, "ip", ["link", "set", "lo", "up"]));
    must(inSchool(s, "ip", ["addr", "add", `${s.ip}/24`, "dev", s.veth]));
    must(inSchool(s, "ip", ["link", "set", s.veth, "up"]));
  }
  return true;
}

/** An nftables table in each school dropping what arrives over the link: `drop` is
 * "numgen random mod 100 < N drop" (loss) or "drop" (the link cut). */
function dropOnLink(table, drop) {
  for (const s of schools) {
    must(inSchool(s, "nft", ["-f", "-"],
      `table inet ${table} {\n  chain input {\n    type filter hook input priority 0;\n` +
      `    iifname "${s.veth}" ${drop}\n  }\n}\n`));
  }
}
const cut = () => dropOnLink("ecpartition", "drop");
const mend = () => schools.forEach((s) => must(inSchool(s, "nft", ["delete", "table", "inet", "ecpartition"])));

function cleanUp() {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const s of schools) run("ip", ["netns", "del", s.ns]);
  if (!process.env.ECLOUD_KEEP) rmSync(dir, { recursive: true, force: true });
}
process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    cleanUp();
    process.exit(1);
  });
}
after(async () => {
  await Promise.all(browsers.map((b) => b.close().catch(() => {})));
  cleanUp();
});

// --- native nodes -------------------------------------------------------------------
const startMs = Date.now() + 2000;
/** Every (height, hash) any node called final, and who did. */
const finals = new Map();
function sawFinal(who, height, hash) {
  if (!finals.has(height)) finals.set(height, new Map());
  const at = finals.get(height);
  if (!at.has(hash)) at.set(hash, who);
}

/** A native node of `school` signing for `member`, its chain in dir/name. */
function startNative(school, name, member, extra) {
  const args = [
    "netns", "exec", school.ns, binary,
    "--data", join(dir, name), "--class-seed", "7", "--members", "4", "--member", String(member),
    "--start-ms", String(startMs), "--slot-ms", String(SLOT_MS), ...extra,
  ];
  return spawnNative({ name, school, args, stderr: [] });
}
/** Starts `node`'s process (again, on its store, after a kill): `status` is the
 * last status line, `first` the first this process printed. */
function spawnNative(node) {
  // ip netns exec execs the node: the child's pid is the node's.
  const child = spawn("ip", node.args, { stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  Object.assign(node, { child, status: null, first: null, page: null });
  const log = createWriteStream(join(dir, `${node.name}.log`), { flags: "a" });
  createInterface({ input: child.stdout }).on("line", (line) => {
    log.write(`${line}\n`);
    let v;
    try {
      v = JSON.parse(line);
    } catch {
      return;
    }
    if (v.page) node.page = v.page;
    if (v.status) {
      node.status = v.status;
      node.first ??= v.status;
      sawFinal(node.name, v.status.final_height, v.status.final);
    }
    if (v.event?.final !== undefined) sawFinal(node.name, v.event.final, v.event.hash);
  });
  createInterface({ input: child.stderr }).on("line", (line) => node.stderr.push(line));
  return node;
}

// --- browser members ----------------------------------------------------------------
/** A wrapper that runs Chromium inside `school`'s namespace: playwright starts it and
 * talks to it over a pipe, and the page's connections leave from the school. */
function chromiumIn(school) {
  const path = join(dir, `chromium-${school.name}`);
  const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
  writeFileSync(path, `#!/bin/sh\nexec ip netns exec ${school.ns} ${chromium} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A browser member: a fresh profile (its own IndexedDB) on `school`'s node, its worker
 * asked to join as `name`. What the worker reports gathers in window.__seen. */
async function startMember(browser, school, name) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Any page of the node's origin will do: the worker is what runs the node.
  await page.goto(`http://${school.ip}:8080/node.json`);
  await page.evaluate((name) => {
    const seen = { status: null, admitted: null, voted: 0, sealed: 0, connected: 0, finals: [], errors: [] };
    window.__seen = seen;
    const worker = new Worker("/ecloud-browser-node_loader.js");
    worker.onmessage = (e) => {
      const r = JSON.parse(e.data);
      if (r.ready) worker.postMessage(JSON.stringify({ join: { name } }));
      if (r.status) seen.status = r.status;
      if (r.peer?.connected) seen.connected += 1;
      if (r.error) seen.errors.push(r.error);
      const ev = r.event ?? {};
      if (ev.admitted !== undefined) seen.admitted = ev.admitted;
      if (ev.voted !== undefined) seen.voted += 1;
      if (ev.sealed !== undefined) seen.sealed += 1;
      if (ev.final !== undefined) seen.finals.push([ev.final, ev.hash]);
    };
    worker.onerror = (e) => seen.errors.push({ what: "worker", why: String(e.message) });
    window.__worker = worker;
  }, name);
  return { name, school, page, status: null, admitted: null, voted: 0, sealed: 0, connected: 0, errors: [] };
}

/** What each member's worker said since the last look. */
async function look(members) {
  await Promise.all(members.map(async (m) => {
    const seen = await m.page.evaluate(() => {
      const s = window.__seen;
      const finals = s.finals;
      s.finals = [];
      return { ...s, finals };
    });
    Object.assign(m, seen);
    if (seen.status) sawFinal(m.name, seen.status.final_height, seen.status.final);
    for (const [height, hash] of seen.finals) sawFinal(m.name, height, hash);
  }));
}

async function until(what, ms, check, describe) {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out (${ms} ms): ${what}\n${describe()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// --- chains -------------------------------------------------------------------------
/** The chain in `file` as the native verifier judges it. */
function verify(file) {
  const r = spawnSync(binary, ["verify", file], { encoding: "utf8" });
  assert.ok(r.stdout, `ecloud-node verify ${file}: ${r.stderr}`);
  return { ...JSON.parse(r.stdout), status: r.status };
}

/** Energy and tokens counted from a block's ledger, beside what conservation asks. */
function conservation(genesis, block) {
  const sum = (l, f) => l.members.reduce((t, m) => t + f(m), 0);
  const energy = (l) => sum(l, (m) => m.balance);
  const tokens = (l) => sum(l, (m) => m.tokens + m.frozen.reduce((t, lot) => t + lot.amount, 0)) + l.pot;
  const g = genesis.body.ledger;
  const l = block.body.ledger;
  return {
    energy: [energy(l), energy(g) + (l.joined_energy ?? 0)],
    tokens: [tokens(l), tokens(g) + l.minted],
  };
}

test("two schools, browsers among their members: a lossy, slow link cut and mended, a node killed and restarted, and every node on one chain", { timeout: 300_000 }, async (t) => {
  if (!makeSchools()) {
    assert.ok(!process.env.CI, "CI must run the schools test: it needs root and iproute2 (ip netns)");
    t.skip("making network namespaces needs root and iproute2");
    return;
  }
  assert.ok(existsSync(binary), `${binary}: cargo build --profile native -p ecloud-node`);
  assert.ok(existsSync(join(DIST_DIR, "ecloud-browser-node_loader.js")), "dist/ has no worker: trunk build --release");
  const began = Date.now();
  const phase = (what) => console.log(`# ${((Date.now() - began) / 1000).toFixed(1)} s: ${what}`);
  dropOnLink("ecloss", `numgen random mod 100 < ${LOSS} drop`);

  // School B reaches school A through a proxy in B that delays each chunk 30-80 ms each
  // way; the packets still cross the lossy link.
  const proxy = spawn("ip", ["netns", "exec", schools[1].ns, process.execPath,
    join(ROOT, "tests/network/delay.mjs"), "127.0.0.1:4100", `${schools[0].ip}:4001`, "30", "80"],
  { stdio: ["ignore", "pipe", "inherit"] });
  started.push(proxy);
  await new Promise((ok) => createInterface({ input: proxy.stdout }).once("line", ok));

  // Each school: its hub (the node its browsers open, on the school's address) and a
  // second member's node on the school's loopback. Member 0, the registrar, admits
  // every newcomer who asks.
  const page = (s) => ["--http", `${s.ip}:8080`, "--page", DIST_DIR];
  const hubA = startNative(schools[0], "a0", 0,
    ["--admit", "--listen", `/ip4/${schools[0].ip}/tcp/4001`, "--listen", "/ip4/127.0.0.1/tcp/4002", ...page(schools[0])]);
  const a1 = startNative(schools[0], "a1", 1, ["--listen", "/ip4/127.0.0.1/tcp/0", "--peer", "/ip4/127.0.0.1/tcp/4002"]);
  const hubB = startNative(schools[1], "b2", 2,
    ["--listen", "/ip4/127.0.0.1/tcp/4002", "--peer", "/ip4/127.0.0.1/tcp/4100", ...page(schools[1])]);
  const b3 = startNative(schools[1], "b3", 3, ["--listen", "/ip4/127.0.0.1/tcp/0", "--peer", "/ip4/127.0.0.1/tcp/4002"]);
  const natives = [hubA, a1, hubB, b3];
  const members = [];
  const everyone = () => [...natives, ...members];
  const describe = () => everyone().map((n) =>
    `${n.name} (${n.school.name}): ${JSON.stringify(n.status)}${n.admitted !== undefined ? ` member ${n.admitted}, voted ${n.voted}, sealed ${n.sealed}, errors ${JSON.stringify(n.errors?.slice(-3))}` : ""}` +
    (n.stderr?.length ? `\n  stderr: ${n.stderr.slice(-3).join(" | ")}` : "")).join("\n");
  const wait = async (what, ms, check) => until(what, ms, async () => {
    await look(members);
    return check();
  }, describe);
  const height = (n) => n.status?.height ?? 0;
  const finalHeight = (n) => n.status?.final_height ?? 0;

  // Each hub talks to its school's other node and to the other school's hub.
  await wait("the schools' nodes link and seal", 30_000, () =>
    hubA.status?.peers >= 2 && hubB.status?.peers >= 2 && a1.status?.peers >= 1 && b3.status?.peers >= 1 &&
    hubA.page && hubB.page && height(hubB) >= 2);
  phase("four native nodes in two schools");

  // Two browsers, one in each school's namespace, each with two members (the schools'
  // addresses exist only inside the namespaces: a page that loads is inside one).
  browsers.push(...await Promise.all(schools.map((s) => launchBrowser({ executablePath: chromiumIn(s) }))));
  const names = [["Ada", "Ben"], ["Cleo", "Dan"]];
  for (const [i, s] of schools.entries()) {
    for (const name of names[i]) members.push(await startMember(browsers[i], s, name));
  }
  await wait("the registrar admits the four browsers' newcomers", 60_000, () => members.every((m) => m.admitted !== null));
  const ids = members.map((m) => m.admitted);
  assert.deepEqual([...ids].sort(), [4, 5, 6, 7], "four new members");
  const admittedAt = Math.max(...natives.map(height));
  phase(`browser members admitted: ${members.map((m) => `${m.name} (${m.school.name}) is member ${m.admitted}`).join(", ")}`);

  // Eight members: a block is final only when six of them signed on each of the six
  // blocks after it, so with four native nodes every new final block holds browser
  // members' signatures.
  await wait("blocks after the admissions become final everywhere", 90_000, () =>
    everyone().every((n) => finalHeight(n) >= admittedAt + 1));
  assert.ok(members.every((m) => m.voted > 0), "every browser member votes");
  phase(`final at ${Math.min(...everyone().map(finalHeight))} everywhere`);

  // The link cut: each side has four of eight members, no quorum; both seal on.
  const finalBefore = Math.max(...everyone().map(finalHeight));
  cut();
  const splitAt = [height(hubA), height(hubB)];
  phase(`link cut at heights ${splitAt}`);
  await wait("both sides seal while apart", 60_000, () => height(hubA) >= splitAt[0] + 4 && height(hubB) >= splitAt[1] + 4);

  // School B's hub killed while cut off, then restarted on its store (with a new peer
  // id): its browsers and its other node dial it again by its address, and B seals on.
  const killed = { ...hubB.status };
  const connectedBefore = members.filter((m) => m.school === schools[1]).map((m) => m.connected);
  hubB.child.kill("SIGKILL");
  await new Promise((r) => hubB.child.once("exit", r));
  phase(`${hubB.name} killed (kill -9) at height ${killed.height}, final ${killed.final_height}`);
  spawnNative(hubB);
  await wait("the restarted node says where it stands", 20_000, () => hubB.first !== null);
  assert.ok(hubB.first.final_height >= killed.final_height,
    `restarted from its store: final ${hubB.first.final_height}, ${killed.final_height} before the kill`);
  const bMembers = members.filter((m) => m.school === schools[1]);
  await wait("school B's browsers reach the restarted node again", 30_000, () =>
    bMembers.every((m, i) => m.connected > connectedBefore[i] && m.status?.peers >= 1));
  const restartedAt = height(hubB);
  await wait("school B seals on after the restart", 30_000, () => height(hubB) >= restartedAt + 2 && height(hubA) >= splitAt[0] + 6);
  for (const n of everyone()) {
    assert.ok(finalHeight(n) <= finalBefore + 1, `${n.name} finalised without a quorum: ${JSON.stringify(n.status)}`);
  }
  phase(`apart: A at ${height(hubA)}, B at ${height(hubB)}; nothing new final`);

  // The link mended: one chain again, final beyond everything either side sealed apart.
  mend();
  const target = Math.max(height(hubA), height(hubB)) + 1;
  await wait(`every node final at ${target} or beyond`, 120_000, () => everyone().every((n) => finalHeight(n) >= target));
  phase(`link mended: final at ${Math.min(...everyone().map(finalHeight))} everywhere`);

  // Stop everything, then read every node's chain: the natives' stores, the browsers'
  // IndexedDB (walked back from the tip each last reported).
  await look(members);
  const lastStatus = new Map(everyone().map((n) => [n.name, { ...n.status }]));
  await Promise.all(members.map((m) => m.page.evaluate(() => window.__worker.terminate())));
  for (const n of natives) n.child.kill("SIGTERM");
  await Promise.all(natives.map((n) => n.child.exitCode === null ? new Promise((r) => n.child.once("exit", r)) : null));
  const chains = new Map();
  for (const n of natives) {
    const r = spawnSync(binary, ["export", "--data", join(dir, n.name)], { encoding: "utf8", maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, r.stderr);
    chains.set(n.name, JSON.parse(r.stdout).blocks);
  }
  for (const m of members) {
    const kept = await m.page.evaluate(() => new Promise((ok, fail) => {
      const open = indexedDB.open("e-cloud-node");
      open.onerror = () => fail(String(open.error));
      open.onsuccess = () => {
        const get = open.result.transaction("blocks").objectStore("blocks").getAll();
        get.onerror = () => fail(String(get.error));
        get.onsuccess = () => ok(get.result);
      };
    }));
    const byHash = new Map(kept.map((text) => JSON.parse(text)).map((b) => [b.hash, b]));
    const blocks = [];
    for (let b = byHash.get(lastStatus.get(m.name).tip); b; b = byHash.get(b.header.parent)) blocks.unshift(b);
    assert.equal(blocks[0]?.header.height, 0, `${m.name}'s kept chain reaches back to the genesis`);
    chains.set(m.name, blocks);
  }

  // One chain: the same block at the final height every node reached.
  const common = Math.min(...[...lastStatus.values()].map((s) => s.final_height));
  assert.ok(common >= target);
  const agreed = chains.get(hubA.name)[common].hash;
  for (const [name, blocks] of chains) {
    assert.equal(blocks[common]?.hash, agreed, `${name} holds the agreed block at height ${common}`);
  }
  // No final block lost, and never two final blocks at one height.
  for (const [h, hashes] of finals) {
    assert.equal(hashes.size, 1, `two final blocks at height ${h}: ${JSON.stringify([...hashes])}`);
    if (h > common) continue;
    const [hash, who] = [...hashes][0];
    for (const [name, blocks] of chains) {
      assert.equal(blocks[h].hash, hash, `${name} keeps block ${h}, final on ${who}`);
    }
  }
  // Every chain verifies and conserves energy and tokens at every block; a tampered
  // copy does not verify, so the verdicts mean something.
  for (const [name, blocks] of chains) {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ format: "e-cloud-chain", version: 2, blocks }));
    const verdict = verify(file);
    assert.ok(verdict.verified && verdict.status === 0, `${name}'s chain verifies: ${JSON.stringify(verdict.findings)}`);
    assert.equal(verdict.blocks, blocks.length);
    assert.equal(verdict.energy_wh.held, verdict.energy_wh.conserved, `${name}: energy`);
    assert.equal(verdict.tokens_milli.held, verdict.tokens_milli.conserved, `${name}: tokens`);
    for (const b of blocks) {
      const { energy, tokens } = conservation(blocks[0], b);
      assert.equal(energy[0], energy[1], `${name}, block ${b.header.height}: energy conserved`);
      assert.equal(tokens[0], tokens[1], `${name}, block ${b.header.height}: tokens conserved`);
    }
  }
  const tampered = JSON.parse(readFileSync(join(dir, `${hubA.name}.json`), "utf8"));
  tampered.blocks[common].body.ledger.members[1].balance += 1000;
  writeFileSync(join(dir, "tampered.json"), JSON.stringify(tampered));
  assert.equal(verify(join(dir, "tampered.json")).verified, false, "a tampered chain does not verify");

  // The browsers are members of the agreed chain and signed in it: their votes (and
  // the blocks they sealed) are there.
  const agreedChain = chains.get(hubA.name).slice(0, common + 1);
  const ledger = agreedChain[common].body.ledger;
  for (const m of members) {
    assert.equal(ledger.members.find((x) => x.id === m.admitted)?.name, m.name, `${m.name} is member ${m.admitted}`);
    const votes = agreedChain.flatMap((b) => b.body.transactions).filter((tx) => tx.body.type === "vote" && tx.body.voter === m.admitted);
    assert.ok(votes.length > 0, `${m.name}'s votes are in the agreed chain`);
    m.votesKept = votes.length;
    m.sealedKept = agreedChain.filter((b) => b.header.sealed_by === m.admitted).length;
  }
  for (const m of members) assert.deepEqual(m.errors.filter((e) => !["dial", "request"].includes(e.what)), [], `${m.name}'s worker errors`);
  phase(`one chain at ${common} on ${chains.size} nodes; ${[...finals.keys()].length} final heights seen, none lost; ` +
    members.map((m) => `${m.name}: ${m.votesKept} votes, ${m.sealedKept} blocks sealed`).join(", "));
});
