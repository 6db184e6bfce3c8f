// End-to-end test harness for the E-Cloud page.
//
// Tests run with node:test against the release build in dist/ (scripts/test runs
// `trunk build --release` first; by hand: `trunk build --release && cd tests && npm test`).
// Browser: Debian's /usr/bin/chromium driven by playwright-core (which never downloads one).
//
// The quickest way to write a test file (tests/e2e/<topic>.test.mjs):
//
//   import { test } from "node:test";
//   import assert from "node:assert/strict";
//   import { useApp } from "./harness.mjs";
//
//   const app = useApp();                      // one server + one browser for this file
//
//   test("the title shows", async () => {
//     const { page, problems } = await app.open(); // fresh context, app loaded and rendered
//     await page.getByRole("heading", { name: "E-Cloud" }).waitFor();
//     problems.assertNone();                   // no page error, no panic, no console error
//   });
//
// On a failing test, useApp() saves a screenshot and the browser's console of every
// page the test opened into tests/artifacts/ (git-ignored).
//
// Environment knobs: ECLOUD_DIST (directory to serve, default <repo>/dist),
// CHROMIUM (browser binary, default /usr/bin/chromium), HEADED=1 (show the browser,
// needs a display), E2E_TIMEOUT_MS (default wait for the app to render, 15000).

import { createServer } from "node:http";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { extname, join, normalize, resolve, sep, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

/** Repo root, the built site (dist/), the README's pictures (docs/) and failure artifacts. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DIST_DIR = resolve(process.env.ECLOUD_DIST ?? join(ROOT, "dist"));
export const DOCS_DIR = join(ROOT, "docs");
export const ARTIFACTS_DIR = join(ROOT, "tests", "artifacts");

/** Default time (ms) to wait for the wasm app to start and render. */
export const APP_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 15000);

/** Flags Chromium needs here: as root, headless, on a machine with no outside network. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

/**
 * Serves `root` (default dist/) over HTTP on 127.0.0.1 at an ephemeral port.
 * Paths without an extension fall back to index.html (client-side routes); a missing
 * file with an extension is a 404 and is recorded in `notFound`; /favicon.ico is a
 * silent 204 when there is none, so it never shows as a console error.
 * Resolves to { url, port, notFound: string[], close(): Promise<void> }; `url` ends in "/".
 */
export async function startServer({ root = DIST_DIR, host = "127.0.0.1", port = 0 } = {}) {
  const base = resolve(root);
  try {
    statSync(join(base, "index.html"));
  } catch {
    throw new Error(`no ${join(base, "index.html")}: build the page first (trunk build --release)`);
  }
  if (readFileSync(join(base, "index.html"), "utf8").includes("__trunk_address__")) {
    throw new Error(
      `${base} was written by \`trunk serve\` (it holds the live-reload script): ` +
        "run `trunk build --release` (or `scripts/test build e2e`) before the e2e tests",
    );
  }
  const notFound = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end();
      return;
    }
    let body;
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      body = readFileSync(file);
    } catch {
      if (path === "/favicon.ico") {
        res.writeHead(204).end();
        return;
      }
      if (extname(path) === "") {
        file = join(base, "index.html");
        body = readFileSync(file);
      } else {
        notFound.push(path);
        res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}`);
        return;
      }
    }
    res.writeHead(200, {
      "content-type": MIME[extname(file).toLowerCase()] ?? "application/octet-stream",
      "content-length": body.length,
      "cache-control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, ok);
  });
  const actualPort = server.address().port;
  return {
    url: `http://${host}:${actualPort}/`,
    port: actualPort,
    notFound,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

/**
 * Launches Debian's Chromium through playwright-core, headless (HEADED=1 to watch),
 * with CHROMIUM_ARGS plus `args`. Playwright gives it a fresh temporary profile.
 * `executablePath` runs another binary (tests/network/ gives a wrapper that starts Chromium
 * inside a network namespace; playwright drives it over a pipe all the same).
 * Resolves to a playwright Browser; close it with `await browser.close()`.
 */
export async function launchBrowser({
  args = [],
  headless = !process.env.HEADED,
  executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium",
} = {}) {
  try {
    statSync(executablePath);
  } catch {
    throw new Error(`no browser at ${executablePath}: run scripts/setup (installs Debian's chromium)`);
  }
  return chromium.launch({
    executablePath,
    headless,
    chromiumSandbox: false,
    args: [...CHROMIUM_ARGS, ...args],
  });
}

/**
 * Starts recording what goes wrong on `page`: uncaught page errors (a Rust panic
 * surfaces as one), console messages (all kept; errors and panics flagged), failed
 * requests and HTTP responses >= 400. Returns a `problems` object:
 *   problems.pageErrors      Error[]           uncaught exceptions in the page
 *   problems.console         {type, text}[]    every console message, in order
 *   problems.consoleErrors   string[]          console.error messages
 *   problems.panics          string[]          console messages containing "panicked"
 *   problems.failedRequests  string[]          "METHOD url: reason" / "status url"
 *   problems.list()          string[]          everything above that counts as a problem
 *   problems.assertNone({ allow })  fails the test if list() is non-empty, except
 *                            messages matching one of the RegExps in `allow`
 *   problems.assertNoCrash() fails only on page errors and panics (lenient)
 *   problems.clear()         forget everything recorded so far
 */
export function watchProblems(page) {
  const p = {
    pageErrors: [],
    console: [],
    consoleErrors: [],
    panics: [],
    failedRequests: [],
    list() {
      return [
        ...p.pageErrors.map((e) => `page error: ${e.stack ?? e.message ?? e}`),
        ...p.panics.map((t) => `panic: ${t}`),
        ...p.consoleErrors.filter((t) => !p.panics.includes(t)).map((t) => `console error: ${t}`),
        ...p.failedRequests.map((t) => `request: ${t}`),
      ];
    },
    assertNone({ allow = [] } = {}) {
      const left = p.list().filter((m) => !allow.some((re) => re.test(m)));
      assert.deepEqual(left, [], `the page reported problems:\n  ${left.join("\n  ")}`);
    },
    assertNoCrash() {
      const left = [
        ...p.pageErrors.map((e) => `page error: ${e.stack ?? e.message ?? e}`),
        ...p.panics.map((t) => `panic: ${t}`),
      ];
      assert.deepEqual(left, [], `the page crashed:\n  ${left.join("\n  ")}`);
    },
    clear() {
      for (const k of ["pageErrors", "console", "consoleErrors", "panics", "failedRequests"]) {
        p[k].length = 0;
      }
    },
  };
  page.on("pageerror", (e) => p.pageErrors.push(e));
  page.on("console", (msg) => {
    const text = msg.text();
    p.console.push({ type: msg.type(), text });
    if (msg.type() === "error") p.consoleErrors.push(text);
    if (text.includes("panicked")) p.panics.push(text);
  });
  page.on("requestfailed", (r) =>
    p.failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`),
  );
  page.on("response", (r) => {
    if (r.status() >= 400) p.failedRequests.push(`${r.status()} ${r.url()}`);
  });
  return p;
}

/**
 * Waits until the wasm app has rendered: by default until <body> holds an element
 * other than the <script>/<link> tags Trunk injects. Pass `selector` to wait for
 * something specific instead (any Playwright selector, e.g. "h1", "text=Ledger").
 */
export async function waitForApp(page, { selector, timeout = APP_TIMEOUT_MS } = {}) {
  if (selector) {
    await page.locator(selector).first().waitFor({ state: "visible", timeout });
    return;
  }
  await page.waitForFunction(
    () =>
      [...document.body.children].some(
        (el) => !["SCRIPT", "LINK", "STYLE", "NOSCRIPT"].includes(el.tagName),
      ),
    null,
    { timeout },
  );
}

/**
 * A new page in a new, isolated browser context (own storage and cookies), already
 * watched by watchProblems. Options: viewport (default 1280x800), colorScheme, locale
 * (the browser's language and number format, e.g. "fr-FR").
 * Resolves to { page, context, problems }.
 */
export async function newPage(browser, { viewport = { width: 1280, height: 800 }, colorScheme, locale } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, locale });
  const page = await context.newPage();
  return { page, context, problems: watchProblems(page) };
}

/**
 * Navigates `page` to `path` (relative to `baseUrl`) and waits for the app to render
 * (see waitForApp; `waitFor` is passed to it as `selector`, or `false` not to wait).
 */
export async function gotoApp(page, baseUrl, path = "", { waitFor, timeout } = {}) {
  await page.goto(new URL(path, baseUrl).href, { waitUntil: "load" });
  if (waitFor !== false) await waitForApp(page, { selector: waitFor, timeout });
}

/**
 * newPage() + gotoApp(): opens `path` of the app at `baseUrl` in a fresh context.
 * Options: those of both. Resolves to { page, context, problems }.
 */
export async function openPage(browser, baseUrl, path = "", opts = {}) {
  const opened = await newPage(browser, opts);
  await gotoApp(opened.page, baseUrl, path, opts);
  return opened;
}

/**
 * Saves a PNG of `page` as docs/<name>.png (for the README) and returns its path.
 * Options are Playwright's page.screenshot options (fullPage, clip, ...); add
 * `locator` to shoot one element instead of the page; `dir` to write elsewhere.
 */
export async function screenshot(page, name, { locator, dir = DOCS_DIR, ...opts } = {}) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name.endsWith(".png") ? name : `${name}.png`);
  if (locator) await locator.screenshot({ path, animations: "disabled", ...opts });
  else await page.screenshot({ path, animations: "disabled", ...opts });
  return path;
}

/**
 * node:test fixture: call once at the top of a test file. Registers before/after
 * hooks that start one static server on dist/ and one Chromium for the whole file,
 * and an afterEach hook that closes the pages a test opened (saving a screenshot
 * and the console log into tests/artifacts/ first when the test failed).
 * Returns `app` with:
 *   app.open(path = "", opts)  openPage() against the server: { page, context, problems }
 *   app.openPaused(path, opts) the same, with the block timer paused
 *   app.url                    the server's base URL (after `before` ran)
 *   app.server, app.browser    the underlying server and playwright Browser
 */
export function useApp({ root = DIST_DIR, browserArgs = [] } = {}) {
  const app = { url: null, server: null, browser: null };
  let opened = [];
  before(async () => {
    app.server = await startServer({ root });
    app.url = app.server.url;
    app.browser = await launchBrowser({ args: browserArgs });
  });
  after(async () => {
    await app.browser?.close();
    await app.server?.close();
  });
  afterEach(async (t) => {
    const these = opened;
    opened = [];
    for (const [i, { page, context, problems }] of these.entries()) {
      if (t && t.passed === false) {
        const stem = `${slug(t.fullName ?? t.name)}${these.length > 1 ? `-${i + 1}` : ""}`;
        try {
          await screenshot(page, stem, { dir: ARTIFACTS_DIR, fullPage: true });
        } catch {
          /* the page may be gone */
        }
        mkdirSync(ARTIFACTS_DIR, { recursive: true });
        writeFileSync(
          join(ARTIFACTS_DIR, `${stem}.console.txt`),
          [
            ...problems.console.map((m) => `[${m.type}] ${m.text}`),
            "--- problems ---",
            ...problems.list(),
          ].join("\n") + "\n",
        );
      }
      await context.close().catch(() => {});
    }
  });
  /** A fresh page with the block timer paused, so only the test seals blocks. */
  app.openPaused = async (path = "", opts = {}) => {
    const opened = await app.open(path, { waitFor: "h1", ...opts });
    await opened.page.getByRole("button", { name: "Pause" }).click();
    await opened.page.getByRole("button", { name: "Resume" }).waitFor();
    return opened;
  };
  app.open = async (path = "", opts = {}) => {
    const result = await newPage(app.browser, opts);
    opened.push(result); // tracked before navigating, so a failed load still leaves artifacts
    await gotoApp(result.page, app.url, path, opts);
    return result;
  };
  return app;
}

function slug(s) {
  return String(s).replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 100) || "test";
}

// ---- what the tests read and press on the page --------------------------------

/** A panel, by its heading (each panel is a region named by its h2). */
export const panel = (page, name) => page.getByRole("region", { name, exact: true });

/** A sealed block's card in the block list. */
export const block = (page, height) => page.getByRole("article", { name: `Block ${height}`, exact: true });

/** The height of the block being filled, from the "Open block N" heading. */
export async function openHeight(page) {
  const text = await page.getByRole("heading", { level: 2, name: /^Open block \d+$/ }).innerText();
  return Number(text.match(/\d+/)[0]);
}

/** Presses "Seal now" and waits for the block to show; resolves to its height. */
export async function sealNow(page) {
  const height = await openHeight(page);
  await page.getByRole("button", { name: "Seal now" }).click();
  await block(page, height).waitFor();
  return height;
}
