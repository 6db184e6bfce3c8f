#!/usr/bin/env node
// bench/propagation.mjs: how long a sealed block takes to reach the other native nodes.
//
//   node bench/propagation.mjs                         # 8 nodes, 60 s, 1 s slots
//   node bench/propagation.mjs --nodes 30 --seconds 120 --slot-ms 5000 --warmup 20
//
// It builds target/native/ecloud-node (cargo build --profile native -p ecloud-node), starts
// --nodes nodes on 127.0.0.1, each a member of one seeded classroom, every node but the
// first dialling the first (a classroom around the teacher's node), lets them seal for
// --seconds, then stops them. For every block a node sealed after the first --warmup
// seconds (default 10: until then late starters catch up) and every other node that
// accepted it, the delay is the accepting node's `at_ms` minus the sealer's (one machine,
// one clock). Prints the count, p50, p99 and maximum in ms, the CPU time the nodes used
// (from /proc, user + system, summed), and the hub's CPU time and peak memory (VmHWM).

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { option } from "./cli.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const nodes = Number(option("--nodes", 8));
const seconds = Number(option("--seconds", 60));
const slotMs = Number(option("--slot-ms", 1000));
// Blocks sealed before every node is connected arrive by catching up, not by gossip.
const warmup = Number(option("--warmup", 10));

execFileSync("cargo", ["build", "--profile", "native", "-q", "-p", "ecloud-node"], { cwd: root, stdio: "inherit" });
const binary = join(root, "target/native/ecloud-node");
const dir = mkdtempSync(join(tmpdir(), "ecloud-propagation-"));
const start = Date.now() + 1000;

function startNode(member, peer) {
  const argv = [
    "--data", join(dir, String(member)), "--listen", "/ip4/127.0.0.1/tcp/0",
    "--class-seed", "7", "--members", String(nodes), "--start-ms", String(start),
    "--slot-ms", String(slotMs), "--member", String(member),
  ];
  if (peer) argv.push("--peer", peer);
  const child = spawn(binary, argv, { stdio: ["ignore", "pipe", "inherit"] });
  const node = { child, sealed: new Map(), accepted: new Map(), address: null };
  createInterface({ input: child.stdout }).on("line", (line) => {
    const v = JSON.parse(line);
    if (v.listening) node.address ??= v.listening;
    const e = v.event;
    if (e?.sealed !== undefined) node.sealed.set(e.hash, v.at_ms);
    if (e?.accepted !== undefined) node.accepted.set(e.hash, v.at_ms);
  });
  return node;
}

const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, 100 Hz
};

const hub = startNode(0);
while (!hub.address) await new Promise((r) => setTimeout(r, 50));
const all = [hub];
for (let m = 1; m < nodes; m++) all.push(startNode(m, hub.address));
await new Promise((r) => setTimeout(r, seconds * 1000));
const cpu = all.reduce((sum, n) => sum + cpuMs(n.child.pid), 0);
const hubCpu = cpuMs(hub.child.pid);
const hubPeakKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${hub.child.pid}/status`, "utf8"))[1]);
for (const n of all) n.child.kill("SIGTERM");
await Promise.all(all.map((n) => new Promise((r) => n.child.on("exit", r))));
rmSync(dir, { recursive: true, force: true });

const delays = [];
for (const sealer of all) {
  for (const [hash, sealedAt] of sealer.sealed) {
    if (sealedAt < start + warmup * 1000) continue;
    for (const other of all) {
      if (other !== sealer && other.accepted.has(hash)) delays.push(other.accepted.get(hash) - sealedAt);
    }
  }
}
delays.sort((a, b) => a - b);
const at = (q) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))];
const blocks = all.reduce((sum, n) => sum + n.sealed.size, 0);
const heights = all.map((n) => n.height);
console.log(
  `${nodes} nodes, ${blocks} blocks sealed, ${delays.length} arrivals: ` +
    `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${delays[delays.length - 1]} ms; ` +
    `CPU ${(cpu / 1000).toFixed(1)} s over ${seconds} s (all nodes); ` +
    `the hub: CPU ${(hubCpu / 1000).toFixed(1)} s, peak memory ${(hubPeakKb / 1024).toFixed(1)} MB`,
);
