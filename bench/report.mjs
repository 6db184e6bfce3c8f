#!/usr/bin/env node
// bench/report.mjs DIR: the performance table, from what scripts/bench left in DIR
// (default target/bench): native-N.json (chain shapes, from core/benches/verify.rs),
// the criterion estimates under target/criterion/, wasm.json (bench/run.mjs) and
// dist/ (the release page). Prints Markdown; with --update-docs it also replaces the
// part of docs/PERFORMANCE.md between the "bench:begin" and "bench:end" markers.

import { execSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const dir = resolve(args.find((a) => !a.startsWith("--")) ?? join(ROOT, "target", "bench"));
const target = resolve(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"));
const readJson = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, "utf8")) : null);
const sh = (cmd) => {
  try {
    return execSync(cmd, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
};

// ---- inputs --------------------------------------------------------------------
const sizes = readdirSync(dir)
  .map((f) => /^native-(\d+)\.json$/.exec(f)?.[1])
  .filter(Boolean)
  .map(Number)
  .sort((a, b) => a - b);
const shape = Object.fromEntries(sizes.map((n) => [n, readJson(join(dir, `native-${n}.json`))]));
/** Criterion's median for blocks-N/NAME, in ms (null if not run). */
const native = (n, name) => {
  const e = readJson(join(target, "criterion", `blocks-${n}`, name, "new", "estimates.json"));
  return e ? e.median.point_estimate / 1e6 : null;
};
/** The fastest single run of blocks-N/NAME, in ms: robust to load from elsewhere. */
const nativeMin = (n, name) => {
  const s = readJson(join(target, "criterion", `blocks-${n}`, name, "new", "sample.json"));
  return s ? Math.min(...s.times.map((t, i) => t / s.iters[i])) / 1e6 : null;
};
const wasmReport = readJson(join(dir, "wasm.json"));
const wasm = Object.fromEntries((wasmReport?.results ?? []).map((r) => [r.blocks, r]));
const variants = readJson(join(dir, "wasm-variants.json"));

// ---- formatting ----------------------------------------------------------------
const num = (x) => x.toLocaleString("en-US");
const ms = (x) => (x == null ? "-" : x >= 100 ? `${num(Math.round(x))} ms` : `${x.toFixed(1)} ms`);
const ratio = (a, b) => (a == null || b == null ? "-" : `${(a / b).toFixed(2)}x`);
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const lines = [];
/** A paired measurement: the ratio of the medians, then of the fastest runs. */
const pairedCell = (p, limit = "limit", bold = "**") =>
  p[`${limit}_ms`] == null
    ? "-"
    : `${bold}${ratio(p.full_ms, p[`${limit}_ms`])}${bold} (${ms(p.full_ms)} / ${ms(p[`${limit}_ms`])}); ` +
      `fastest runs ${ratio(p.full_min_ms, p[`${limit}_min_ms`])}`;
const row = (cells) => lines.push(`| ${cells.join(" | ")} |`);
const header = (cells) => {
  row(cells);
  row(cells.map(() => "---"));
};

// ---- machine -------------------------------------------------------------------
const model = sh("lscpu | sed -n 's/^Model name: *//p'") || "unknown CPU";
const cores = sh("nproc") || "?";
const mem = sh("free -g | awk '/^Mem:/ {print $2}'");
const os = sh(". /etc/os-release && echo $PRETTY_NAME");
const rustc = sh("rustc --version");
const commit = sh("git rev-parse --short HEAD");
const dirty = sh("git status --porcelain -- core bench Cargo.toml Cargo.lock") ? " + uncommitted changes" : "";
lines.push(
  `Measured ${new Date().toISOString().slice(0, 10)} at commit ${commit}${dirty} on: ${model}, ` +
    `${cores} cores, ${mem} GiB, ${os}; ${rustc}` +
    (wasmReport ? `; Chromium ${wasmReport.browser} (headless)` : "") +
    `. The machine is shared (other builds run on it), so figures move by 10-20 % ` +
    `from run to run; ratios measured in one run move less.`,
  "",
);

// ---- verification --------------------------------------------------------------
const cols = sizes.map((n) => `${num(n)} blocks`);
header(["figure", ...cols, "reproduce"]);
const bench = (filter, n = "N") =>
  `\`ECLOUD_BENCH_SIZES=${n} cargo bench -p ecloud-core --bench verify${filter ? ` -- ${filter}` : ""}\``;
row([
  "chain: transactions / signatures / bytes hashed",
  ...sizes.map((n) => `${num(shape[n].transactions)} / ${num(shape[n].signatures)} / ${(shape[n].hashed_bytes / 1e6).toFixed(1)} MB`),
  "(printed by the benchmark)",
]);
row(["native: build the chain (one run)", ...sizes.map((n) => ms(shape[n].build_ms)), bench()]);
const fig = (label, name, note) =>
  row([label, ...sizes.map((n) => ms(native(n, name))), note ?? bench(`blocks-N/${name}`)]);
fig("**native: full verification** (`verify_chain`)", "full");
fig("native: structural checks only", "structure");
fig("native: signature checks only", "signatures");
fig("limit: Ed25519 batch verification (ed25519-dalek)", "limit-ed25519");
fig("merged limit: the batch equation `verify_chain` uses, alone (`verify_batch_merged`)", "limit-merged");
fig("limit: SHA-256 of the same bytes", "limit-sha256");
const limit = (n, sig = "limit-ed25519") => {
  const a = native(n, sig);
  const b = native(n, "limit-sha256");
  return a == null || b == null ? null : a + b;
};
row(["limit: signatures + hashes", ...sizes.map((n) => ms(limit(n))), "the two limit rows above"]);
row([
  "merged limit: signatures + hashes",
  ...sizes.map((n) => ms(limit(n, "limit-merged"))),
  "the merged limit and SHA-256 rows",
]);
row([
  "full / limit: paired, medians; fastest runs (below 1: full verification beats ed25519-dalek's batch)",
  ...sizes.map((n) => {
    const p = readJson(join(dir, `paired-${n}.json`));
    return p ? pairedCell(p, "limit", "") : "-";
  }),
  "`ECLOUD_BENCH_SIZES=N cargo bench -p ecloud-core --bench verify -- '^$'` (its last line)",
]);
row([
  "**full / merged limit** (target: at most 1.25x): paired, medians; fastest runs",
  ...sizes.map((n) => {
    const p = readJson(join(dir, `paired-${n}.json`));
    return p ? pairedCell(p, "limit_merged") : "-";
  }),
  'the same (its line "merged limit")',
]);
row([
  "full / limit; full / merged limit: from the medians above",
  ...sizes.map(
    (n) => `${ratio(native(n, "full"), limit(n))}; ${ratio(native(n, "full"), limit(n, "limit-merged"))}`,
  ),
  "",
]);
row([
  "Ed25519 one by one / batched by ed25519-dalek / merged equation (per signature)",
  ...sizes.map((n) => {
    const one = native(n, "limit-ed25519-single");
    const batch = native(n, "limit-ed25519");
    const merged = native(n, "limit-merged");
    const sigs = shape[n].signatures;
    const us = (x) => (x == null ? "-" : `${((x / sigs) * 1000).toFixed(1)} µs`);
    return one == null ? "-" : `${us(one)} / ${us(batch)} / ${us(merged)}`;
  }),
  bench("blocks-1000/limit", 1000),
]);
if (wasmReport) {
  const w = (n, k) => wasm[n]?.[`${k}_ms`];
  const wrow = (label, k) =>
    row([label, ...sizes.map((n) => ms(w(n, k))), `\`node bench/run.mjs --sizes N\``]);
  wrow("wasm: build the chain (one run)", "build");
  wrow("**wasm: full verification**", "full");
  wrow("wasm: structural checks only", "structure");
  wrow("wasm: signature checks only", "signatures");
  wrow("wasm limit: Ed25519 batch verification", "limit-ed25519");
  wrow("wasm merged limit: the batch equation alone", "limit-merged");
  wrow("wasm limit: SHA-256 of the same bytes", "limit-sha256");
  row([
    "wasm full / wasm limit: paired, medians; fastest runs",
    ...sizes.map((n) => {
      const p = wasm[n]?.paired;
      return p ? pairedCell(p, "limit", "") : "-";
    }),
    "`node bench/run.mjs --sizes N`",
  ]);
  row([
    "**wasm full / wasm merged limit**: paired, medians; fastest runs",
    ...sizes.map((n) => {
      const p = wasm[n]?.paired;
      return p ? pairedCell(p, "limit_merged") : "-";
    }),
    "`node bench/run.mjs --sizes N`",
  ]);
  const wmin = (n, k) => (wasm[n]?.[`${k}_runs`] ? Math.min(...wasm[n][`${k}_runs`]) : null);
  row([
    "**wasm / native, full verification** (target: at most 2x): medians; fastest runs",
    ...sizes.map((n) =>
      w(n, "full") == null
        ? "-"
        : `**${ratio(w(n, "full"), native(n, "full"))}**; ${ratio(wmin(n, "full"), nativeMin(n, "full"))}`,
    ),
    "",
  ]);
  for (const [label, k] of [["Ed25519 batch alone (ed25519-dalek)", "limit-ed25519"], ["merged equation alone", "limit-merged"], ["SHA-256 alone", "limit-sha256"], ["structural checks", "structure"]]) {
    row([
      `wasm / native, ${label}: medians; fastest runs`,
      ...sizes.map((n) =>
        w(n, k) == null ? "-" : `${ratio(w(n, k), native(n, k))}; ${ratio(wmin(n, k), nativeMin(n, k))}`,
      ),
      "",
    ]);
  }
  const mismatch = sizes.filter((n) => wasm[n] && wasm[n].tip !== shape[n].tip);
  if (mismatch.length) lines.push("", `**Not the same chain** in wasm at ${mismatch.join(", ")} blocks!`);
}
lines.push(
  "",
  "Native figures are criterion medians (10 samples at 1,000 and 10,000 blocks; " +
    "at 100,000 blocks one run, with criterion's `--quick`: add it after `--`). " +
    "\"Paired\" ratios time the two sides alternately in one process (9 rounds at 1,000 " +
    "blocks, 5 at 10,000, 1 at 100,000 natively; as many as the medians in wasm), so load " +
    "from elsewhere hits both alike; ratios of medians taken minutes apart do not. Wasm figures are the median of 5 runs at 1,000 " +
    "blocks and 3 at 10,000 (after a warm-up run), 1 above, timed with `performance.now()`; " +
    "the wasm chain is built from the same seed and its tip hash matches the native one.",
  "",
);

// ---- optimisation levels in wasm ----------------------------------------------------
if (variants) {
  const names = {
    "page-profile": "page profile: \"z\", the cryptography at 3",
    "everything-at-z": "everything at \"z\"",
    "everything-at-3": "everything at 3",
  };
  header([
    `wasm build, ${num(variants.blocks)} blocks (median / min of ${variants.rounds})`,
    "full",
    "structure",
    "Ed25519 batch",
    "SHA-256",
    "bench wasm (raw)",
  ]);
  for (const v of variants.variants) {
    const c = (k) => `${ms(v.median_ms[k])} / ${ms(v.min_ms[k])}`;
    row([
      names[v.name] ?? v.name,
      c("full"),
      c("structure"),
      c("limit-ed25519"),
      c("limit-sha256"),
      kb(v.wasm_bytes),
    ]);
  }
  lines.push(
    "",
    "The three builds run in one page, alternately call by call. Reproduce: " +
      "`scripts/bench --variants` (the page profile is the root Cargo.toml's " +
      "`[profile.release]`; the others override it with `cargo --config`).",
    "",
  );
}

// ---- size ----------------------------------------------------------------------
const dist = join(dir, "dist");
if (existsSync(dist)) {
  const walk = (d) =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)],
    );
  const files = walk(dist).filter((f) => /\.(wasm|js|css)$/.test(f)).sort();
  header(["release page (`trunk build --release`)", "raw", "gzipped (level 9)"]);
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const r = statSync(f).size;
    const g = gzipSync(readFileSync(f), { level: 9 }).length;
    raw += r;
    gz += g;
    row([relative(dist, f).replace(/-[0-9a-f]{16}(_bg)?\./, "$1."), kb(r), kb(g)]);
  }
  // The issue's target, and the gate scripts/size-budget (run by scripts/test) enforces.
  const goal = 250;
  const gate = Number(
    process.env.SIZE_BUDGET_KB ??
      /SIZE_BUDGET_KB \?\? (\d+(?:\.\d+)?)/.exec(readFileSync(join(ROOT, "scripts", "size-budget"), "utf8"))?.[1] ??
      goal,
  );
  const verdict = (kbLimit) => (gz <= kbLimit * 1000 ? "within" : "over");
  row([
    `**total** (target ${goal} KB gzipped; scripts/size-budget's gate ${gate} KB)`,
    kb(raw),
    `**${kb(gz)}**: ${verdict(goal)} the target, ${verdict(gate)} the gate`,
  ]);
  lines.push(
    "",
    "Reproduce: `trunk build --release && node scripts/size-budget dist` " +
      "(scripts/test runs the same check).",
    "",
  );
}

const table = lines.join("\n");
console.log(table);
writeFileSync(join(dir, "table.md"), table + "\n");
if (args.includes("--update-docs")) {
  const doc = join(ROOT, "docs", "PERFORMANCE.md");
  const text = readFileSync(doc, "utf8");
  const begin = "<!-- bench:begin -->";
  const end = "<!-- bench:end -->";
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${doc}: no ${begin} ... ${end} markers`);
  writeFileSync(doc, `${text.slice(0, a + begin.length)}\n${table}\n${text.slice(b)}`);
  console.error(`updated ${relative(ROOT, doc)}`);
}
