#!/usr/bin/env node
// bench/catch-up.mjs: how long a fresh native node takes to catch up on a long chain,
// against verifying that chain locally (the goal: at most 1.5 times as long).
//
//   node bench/catch-up.mjs                    # 2,000 blocks
//   node bench/catch-up.mjs --blocks 10000
//   node bench/catch-up.mjs --binary /tmp/ecloud-node-before   # the same chain, another build
//
// It builds target/native/ecloud-node and the chain_store example (cargo build --profile
// native), which runs a four-member seeded classroom on the core's simulated network for
// --blocks slots of 1 s ending now and writes node 0's chain into a store, timing
// verify_chain on it (the fastest of 3). Then it starts an observer node on that store
// and a fresh observer node dialling it, and times the fresh node from its start until it
// reports the whole chain's tip as its own (it asks for 64 blocks at a time and checks
// each block against its parent, as from any peer). Prints both times, their ratio and
// both nodes' CPU time.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { option } from "./cli.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const blocks = Number(option("--blocks") ?? 2000);

execFileSync("cargo", ["build", "--profile", "native", "-q", "-p", "ecloud-node", "--bins", "--examples"], {
  cwd: root,
  stdio: "inherit",
});
// --binary: another build of the node (a before/after comparison); the chain comes from this one.
const binary = resolve(option("--binary") ?? join(root, "target/native/ecloud-node"));
const dir = mkdtempSync(join(tmpdir(), "ecloud-catch-up-"));
const classArgs = ["--class-seed", "7", "--members", "4", "--slot-ms", "1000"];
const made = JSON.parse(
  execFileSync(join(root, "target/native/examples/chain_store"), [
    "--data", join(dir, "full"), "--blocks", String(blocks), ...classArgs,
  ]).toString(),
);
const common = [...classArgs, "--start-ms", String(made.start_ms), "--listen", "/ip4/127.0.0.1/tcp/0"];

function start(data, extra) {
  const child = spawn(binary, ["--data", join(dir, data), ...common, ...extra], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const node = { child, address: null, height: 0 };
  createInterface({ input: child.stdout }).on("line", (line) => {
    const v = JSON.parse(line);
    if (v.listening) node.address ??= v.listening;
    // Each new tip as it happens (the status line comes only once a second).
    if (v.event?.tip !== undefined) node.height = Math.max(node.height, v.event.tip);
    if (v.status) node.height = Math.max(node.height, v.status.height);
  });
  return node;
}

const full = start("full", []);
while (!full.address) await new Promise((r) => setTimeout(r, 20));
const began = Date.now();
const fresh = start("fresh", ["--peer", full.address]);
while (fresh.height < made.blocks) await new Promise((r) => setTimeout(r, 20));
const caughtUp = Date.now() - began;
const stat = (pid) => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
const cpuMs = (pid) => ((Number(stat(pid)[11]) + Number(stat(pid)[12])) * 1000) / 100;
const freshCpu = cpuMs(fresh.child.pid);
const fullCpu = cpuMs(full.child.pid);
for (const n of [full, fresh]) n.child.kill("SIGTERM");
await Promise.all([full, fresh].map((n) => new Promise((r) => n.child.on("exit", r))));
rmSync(dir, { recursive: true, force: true });
console.log(
  `${made.blocks} blocks: a fresh node caught up in ${(caughtUp / 1000).toFixed(2)} s; ` +
    `verify_chain here takes ${(made.verify_ms / 1000).toFixed(2)} s; ` +
    `ratio ${(caughtUp / made.verify_ms).toFixed(2)} (goal at most 1.5); CPU: the fresh node ` +
    `${(freshCpu / 1000).toFixed(2)} s, the node it caught up from ${(fullCpu / 1000).toFixed(2)} s ` +
    `(its start included: it checks its store's blocks)`,
);
