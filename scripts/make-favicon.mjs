#!/usr/bin/env node
// scripts/make-favicon.mjs: writes web/favicon.ico (16, 32 and 48 px, each a PNG inside
// the ICO, as every current browser reads them) from web/favicon.svg, drawn by Debian's
// Chromium. The page links the SVG; /favicon.ico is for what asks for that address
// anyway (bookmarks, older tools). Run by hand after changing the SVG:
//   node scripts/make-favicon.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launchBrowser, ROOT } from "../tests/e2e/harness.mjs";

const svg = readFileSync(join(ROOT, "web", "favicon.svg"), "utf8");
const browser = await launchBrowser();
const sizes = [16, 32, 48];
const pngs = [];
for (const size of sizes) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(
    `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
  );
  pngs.push(await page.screenshot({ omitBackground: true }));
  await page.close();
}
await browser.close();

// ICONDIR (6 bytes), one ICONDIRENTRY (16 bytes) per image, then the images.
const header = Buffer.alloc(6 + 16 * sizes.length);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2);
header.writeUInt16LE(sizes.length, 4);
let offset = header.length;
sizes.forEach((size, i) => {
  const entry = 6 + 16 * i;
  header.writeUInt8(size, entry);
  header.writeUInt8(size, entry + 1);
  header.writeUInt16LE(1, entry + 4); // colour planes
  header.writeUInt16LE(32, entry + 6); // bits per pixel
  header.writeUInt32LE(pngs[i].length, entry + 8);
  header.writeUInt32LE(offset, entry + 12);
  offset += pngs[i].length;
});
const ico = Buffer.concat([header, ...pngs]);
writeFileSync(join(ROOT, "web", "favicon.ico"), ico);
console.log(`make-favicon: web/favicon.ico, ${sizes.join(", ")} px, ${ico.length} bytes`);
