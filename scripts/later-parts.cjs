// The parts of a release build that are not the page's first load: each fetched only
// when used, counted apart against a budget of its own by scripts/size-budget, and left
// out of the service worker's precache by scripts/finish-page.mjs (which keeps a copy of
// an `offline` part once it is used). One list for both.
// (CommonJS, so the CommonJS size-budget can require it and the ES module import it.)
"use strict";

module.exports = [
  {
    // A Web Worker's wasm, its glue and loader shim: started when a page joins a classroom.
    title: "browser node (worker, not in the first load)",
    what: "the browser node",
    pattern: /^ecloud-browser-node[._]/,
    budgetKB: Number(process.env.WORKER_BUDGET_KB ?? 600),
  },
  {
    // network.html and its files: the community as nodes on a simulated network.
    title: "Network page (network.html, not in the first load)",
    what: "the Network page",
    pattern: /^(ecloud-netsim[._]|network\.)/,
    budgetKB: Number(process.env.NETWORK_BUDGET_KB ?? 350),
    // Kept by the service worker once opened, so it opens again offline (the others
    // need the teacher's node, online by nature).
    offline: true,
  },
  {
    // classroom.html and its files: where a student joins the teacher's classroom (the
    // browser's node it starts is counted above).
    title: "classroom page (classroom.html, not in the first load)",
    what: "the classroom page",
    pattern: /^(ecloud-classroom[._]|classroom\.)/,
    budgetKB: Number(process.env.CLASSROOM_BUDGET_KB ?? 350),
  },
];
