#!/usr/bin/env node
// scripts/finish-page.mjs: trunk's post_build hook (Trunk.toml). For a release build it
//
//  0. gives the wasm's imports, and the exports the glue calls, short names in the wasm
//     and in wasm-bindgen's JavaScript glue alike, minifies the glue with terser (trunk's
//     minifier cannot parse it), and puts both files' new hashes in index.html's
//     integrity attributes;
//  1. writes sw.js, a service worker that keeps every file of this build (but the parts
//     fetched only when used, scripts/later-parts.cjs: the browser node's worker, the
//     Network page and the classroom page) in the
//     browser's cache, so the page works offline once it has been loaded; the cache's
//     name is a hash of the files, so a new build replaces the old cache;
//  2. adds the few lines that register it to index.html;
//  3. adds a Content-Security-Policy to index.html: scripts only from this site (and
//     the inline start-up scripts, allowed by their SHA-256 hashes), WebAssembly
//     compiled from them ('wasm-unsafe-eval'), styles, images, fetches and workers
//     only from this site, no plugins, no <base>, no form posts anywhere.
//
// A debug build (trunk serve) is left alone: trunk's live reload is an inline script
// the policy would block, and a service worker would serve stale files while editing.
// Reads and writes $TRUNK_STAGING_DIR (trunk sets it); exits non-zero on any surprise.

import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import later from "./later-parts.cjs";

const fail = (why) => {
  console.error(`finish-page: ${why}`);
  process.exit(1);
};

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) fail("TRUNK_STAGING_DIR is not set: run through trunk (see Trunk.toml)");
if (process.env.TRUNK_PROFILE !== "release") process.exit(0);

// Saves 5.9 KB gzipped: wasm-bindgen names each import after what it calls plus a
// 16-digit hash, in both files, and gzip cannot shrink the hashes.
// The wasm with short names for its imports ("w" for the module; "a", ..., "Z",
// "aa", ...) and for the exports the glue calls, and the glue with the same names:
// the keys of its one import object (`const import0 = { __proto__: null, NAME:
// function ..., }`) and its module key, and every `wasm.NAME`. An import's name must
// stand exactly once in the glue, as a key at the start of a line (after its
// indentation), and the wasm may import functions only; anything else fails the
// build rather than guess. Exports the glue does not call keep their names. Only the
// import and export sections change; the code is not touched.
function shortNames(wasm, glue) {
  const moduleName = "./ecloud-web_bg.js";
  const moduleKey = `"${moduleName}": import0,`;
  const u32 = (bytes, at) => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return [value, at];
    }
  };
  const leb = (n) => {
    const out = [];
    do {
      const low = n % 128;
      n = Math.floor(n / 128);
      out.push(n > 0 ? low | 0x80 : low);
    } while (n > 0);
    return out;
  };
  const name = (at) => {
    const [length, start] = u32(wasm, at);
    return [wasm.toString("utf8", start, start + length), start + length];
  };
  const text = (s) => [...leb(Buffer.byteLength(s)), ...Buffer.from(s, "utf8")];
  const shortName = (i) => {
    const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let short = letters[i % 52];
    for (i = Math.floor(i / 52); i > 0; i = Math.floor(i / 52)) short = letters[(i - 1) % 52] + short;
    return short;
  };
  const literal = (s) => s.replace(/[$]/g, "\\$&");
  const imports = (body, end) => {
    let [count, p] = u32(wasm, body);
    const out = [...leb(count)];
    for (let i = 0; i < count; i++) {
      const [module, n] = name(p);
      const [field, desc] = name(n);
      if (module !== moduleName) fail(`import ${field} comes from ${module}, not ${moduleName}`);
      if (wasm[desc] !== 0) fail(`import ${field} is not a function`);
      const [, after] = u32(wasm, desc + 1);
      const key = new RegExp(`^([ \\t]*)${literal(field)}: `, "m");
      if (glue.split(field).length !== 2 || !key.test(glue)) fail(`the glue does not name ${field} once, as a key`);
      const short = shortName(i);
      glue = glue.replace(key, `$1${short}: `);
      out.push(...text("w"), ...text(short), ...wasm.subarray(desc, after));
      p = after;
    }
    if (p !== end) fail("the wasm's import section has bytes after its imports");
    glue = glue.replace(moduleKey, `"w": import0,`);
    return out;
  };
  const exports = (body, end) => {
    let [count, p] = u32(wasm, body);
    const out = [...leb(count)];
    let shortened = 0;
    for (let i = 0; i < count; i++) {
      let [field, desc] = name(p);
      const [, after] = u32(wasm, desc + 1);
      const call = new RegExp(`\\bwasm\\.${literal(field)}\\b`, "g");
      if (glue.search(call) !== -1) {
        const short = shortName(shortened++);
        if (new RegExp(`\\bwasm\\.${short}\\b`).test(glue)) fail(`the glue already calls wasm.${short}`);
        glue = glue.replace(call, `wasm.${short}`);
        field = short;
      }
      out.push(...text(field), ...wasm.subarray(desc, after));
      p = after;
    }
    if (p !== end) fail("the wasm's export section has bytes after its exports");
    return out;
  };

  if (wasm.readUInt32LE(0) !== 0x6d736100 || wasm.readUInt32LE(4) !== 1) fail("the wasm has no wasm 1 header");
  if (glue.split(moduleKey).length !== 2) fail(`the glue names the module ${moduleName} other than once`);
  const parts = [wasm.subarray(0, 8)];
  const seen = new Set();
  for (let at = 8; at < wasm.length; ) {
    const id = wasm[at];
    const [size, body] = u32(wasm, at + 1);
    const end = body + size;
    const rewrite = { 2: imports, 7: exports }[id];
    if (rewrite) {
      const out = rewrite(body, end);
      parts.push(Buffer.from([id, ...leb(out.length), ...out]));
      seen.add(id);
    } else {
      parts.push(wasm.subarray(at, end));
    }
    at = end;
  }
  if (!seen.has(2) || !seen.has(7)) fail("the wasm has no import or no export section");
  return { wasm: Buffer.concat(parts), glue };
}

const indexPath = join(staging, "index.html");
let html = readFileSync(indexPath, "utf8");

// The glue minified by terser: 2.3 KB gzipped less than as wasm-bindgen writes it.
// terser parses it, so it changes no meaning. terser is pinned in tests/package.json;
// scripts/setup installs it with the tests' tools. Loaded here, so a debug build
// (which ends above) never needs it.
const minified = async (name, source) => {
  const { minify } = createRequire(new URL("../tests/package.json", import.meta.url))("terser");
  try {
    const { code } = await minify(source, { module: true, ecma: 2020 });
    return `${code}\n`;
  } catch (e) {
    return fail(`${name}: terser could not minify it: ${e.message}`);
  }
};

// 0. Short import and export names, then the glue minified.
const one = (pattern, what) => {
  const names = readdirSync(staging).filter((n) => pattern.test(n));
  if (names.length !== 1) fail(`expected one ${what}, found ${names.length}`);
  return names[0];
};
const glueName = one(/^ecloud-web-[0-9a-f]+\.js$/, "ecloud-web-*.js glue file");
const wasmName = one(/^ecloud-web-[0-9a-f]+_bg\.wasm$/, "ecloud-web-*_bg.wasm file");
const renamed = shortNames(readFileSync(join(staging, wasmName)), readFileSync(join(staging, glueName), "utf8"));
const rewritten = [
  [glueName, Buffer.from(await minified(glueName, renamed.glue), "utf8")],
  [wasmName, renamed.wasm],
];
for (const [name, bytes] of rewritten) {
  writeFileSync(join(staging, name), bytes);
  const tag = html.match(new RegExp(`<link[^>]*${name.replace(".", "\\.")}[^>]*>`));
  if (!tag || !/sha384-[A-Za-z0-9+/=]+/.test(tag[0])) fail(`no integrity hash for ${name} in index.html`);
  const sri = `sha384-${createHash("sha384").update(bytes).digest("base64")}`;
  html = html.replace(tag[0], tag[0].replace(/sha384-[A-Za-z0-9+/=]+/, sri));
}

// 1. The service worker: every file of the build but the parts loaded later, addressed
// relative to sw.js.
const files = readdirSync(staging, { withFileTypes: true })
  .filter((e) => e.isFile() && e.name !== "sw.js")
  // The browser's node (a worker of its own, ~0.6 MB gzipped) is fetched when the page
  // joins a classroom, online by nature; the Network page (~0.25 MB) and the classroom
  // page when someone opens them: precaching them would download them on every first
  // visit (the Network page is kept once opened: KEPT below).
  .filter((e) => !later.some((part) => part.pattern.test(e.name)))
  .map((e) => e.name)
  .sort();
const digest = createHash("sha256");
for (const name of files) digest.update(name).update(readFileSync(join(staging, name)));
const version = digest.digest("hex").slice(0, 16);
const precache = ["./", ...files.map((f) => `./${f}`)];
// The later parts the service worker keeps a copy of once they are used, as one pattern.
const keptWhenUsed = later
  .filter((part) => part.offline)
  .map((part) => `(?:${part.pattern.source})`)
  .join("|");
// Written without its comment lines (they stay here): the service worker is part of the
// first load, and they were 0.2 KB of it gzipped.
const uncommented = (code) =>
  code
    .split("\n")
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n");
writeFileSync(
  join(staging, "sw.js"),
  uncommented(`// E-Cloud's service worker, written by scripts/finish-page.mjs for one build.
// It keeps this build's files in the cache, so the page opens without a network.
"use strict";
const CACHE = "e-cloud-${version}";
const FILES = ${JSON.stringify(precache)};
const KEPT = /${keptWhenUsed}/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith("e-cloud-") && k !== CACHE).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  // The page, and the parts kept once used (the Network page): the network first, so a
  // new build shows at once; the kept copy when offline, whatever the query (?seed=42).
  const kept = KEPT.test(url.pathname.split("/").pop());
  if (kept || request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (kept && response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
          }
          return response;
        })
        .catch(() => caches.match(kept ? url.pathname : "./", { ignoreSearch: true })),
    );
    return;
  }
  // Every other file's name carries its hash: the kept copy is always right.
  event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
});
`),
);

// 2. Registration, once the page has loaded (it never delays the start).
const register = `
if ("serviceWorker" in navigator) {
  addEventListener("load", () => {
    navigator.serviceWorker.register("./sw.js").catch((e) => console.warn("E-Cloud works online only:", e));
  });
}
`;
if (!html.includes("</body>")) fail("index.html has no </body>");
html = html.replace("</body>", `<script>${register}</script>\n  </body>`);

// 3. The policy, with a hash for each inline script.
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
  (m) => `'sha256-${createHash("sha256").update(m[1], "utf8").digest("base64")}'`,
);
if (hashes.length === 0) fail("no inline start-up script found in index.html");
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(" ")}`,
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");
// Trunk may have minified the page: <meta charset=utf-8>.
const charset = html.match(/<meta charset=["']?utf-8["']?\s*\/?>/i);
if (!charset) fail("index.html has no <meta charset=utf-8>");
html = html.replace(
  charset[0],
  `${charset[0]}\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`,
);
writeFileSync(indexPath, html);
console.log(`finish-page: sw.js caches ${precache.length} files (e-cloud-${version}); CSP with ${hashes.length} script hashes`);
