#!/usr/bin/env node
// scripts/finish-page.mjs: trunk's post_build hook (Trunk.toml). For a release build it
//
//  0. takes the whole-line comments and the indentation out of wasm-bindgen's
//     JavaScript glue (trunk's minifier cannot parse it; about 1 KB gzipped) and
//     puts its new hash in index.html's integrity attribute;
//  1. writes sw.js (as lightly), a service worker that keeps every file of this build
//     in the browser's cache, so the page works offline once it has been loaded; the
//     cache's name is a hash of the files, so a new build replaces the old cache;
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
import { join } from "node:path";

const fail = (why) => {
  console.error(`finish-page: ${why}`);
  process.exit(1);
};

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) fail("TRUNK_STAGING_DIR is not set: run through trunk (see Trunk.toml)");
if (process.env.TRUNK_PROFILE !== "release") process.exit(0);

const indexPath = join(staging, "index.html");
let html = readFileSync(indexPath, "utf8");

// JavaScript without its whole-line `//` comments and each line's leading and
// trailing blanks; the line breaks stay (for ASI). Exact only if no string, template
// literal or comment spans lines, which is checked: then no token changes.
const lighter = (name, source) => {
  const lines = source.split("\n");
  const spans = lines.findIndex(
    (l) => (l.match(/`/g) ?? []).length % 2 === 1 || l.endsWith("\\") || l.includes("/*"),
  );
  if (spans >= 0) fail(`${name}, line ${spans + 1}: may span lines; not stripped`);
  return `${lines.map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("//")).join("\n")}\n`;
};

// 0. The glue, lighter.
const glue = readdirSync(staging).filter((n) => /^ecloud-web-[0-9a-f]+\.js$/.test(n));
if (glue.length !== 1) fail(`expected one ecloud-web-*.js glue file, found ${glue.length}`);
for (const name of glue) {
  const path = join(staging, name);
  const text = lighter(name, readFileSync(path, "utf8"));
  writeFileSync(path, text);
  const tag = html.match(new RegExp(`<link[^>]*${name.replace(".", "\\.")}[^>]*>`));
  if (!tag || !/sha384-[A-Za-z0-9+/=]+/.test(tag[0])) fail(`no integrity hash for ${name} in index.html`);
  const sri = `sha384-${createHash("sha384").update(text, "utf8").digest("base64")}`;
  html = html.replace(tag[0], tag[0].replace(/sha384-[A-Za-z0-9+/=]+/, sri));
}

// 1. The service worker: every file of the build, addressed relative to sw.js.
const files = readdirSync(staging, { withFileTypes: true })
  .filter((e) => e.isFile() && e.name !== "sw.js")
  .map((e) => e.name)
  .sort();
const digest = createHash("sha256");
for (const name of files) digest.update(name).update(readFileSync(join(staging, name)));
const version = digest.digest("hex").slice(0, 16);
const precache = ["./", ...files.map((f) => `./${f}`)];
// Its comments stay here: the file is written lighter (comment lines and indentation
// out), like the glue.
writeFileSync(
  join(staging, "sw.js"),
  lighter(
    "sw.js",
    `// E-Cloud's service worker, written by scripts/finish-page.mjs for one build.
// It keeps this build's files in the cache, so the page opens without a network.
"use strict";
const CACHE = "e-cloud-${version}";
const FILES = ${JSON.stringify(precache)};

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
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // The page itself: the network first, so a new build shows at once; the kept
    // copy when offline, whatever the query (?seed=42).
    event.respondWith(
      fetch(request).catch(() =>
        caches.open(CACHE).then((cache) => cache.match("./", { ignoreSearch: true })),
      ),
    );
    return;
  }
  // Every other file's name carries its hash: the kept copy is always right.
  event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
});
`,
  ),
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
