// Starts the Network page's wasm (wasm-bindgen's no-modules glue, ecloud-netsim.js, defines
// `wasm_bindgen`). Like the main page, it needs WebAssembly with SIMD: where there is none,
// say so instead of a blank page.
"use strict";
const simd = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
if (typeof WebAssembly === "object" && WebAssembly.validate(simd)) {
  wasm_bindgen({ module_or_path: "./ecloud-netsim_bg.wasm" })
    // The wasm's memory, for bench/network.mjs to read how much the nodes hold.
    .then((wasm) => (window.ecloudNetwork = { memory: wasm.memory }))
    .catch((e) => {
      const notice = document.createElement("p");
      notice.textContent = `The network could not start: ${e}`;
      document.body.append(notice);
    });
} else {
  const notice = document.createElement("p");
  notice.textContent = "E-Cloud needs a browser whose WebAssembly has SIMD: Chrome or Edge 91, Firefox 89, Safari 16.4 or later.";
  document.body.append(notice);
}
