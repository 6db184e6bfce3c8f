// Starts the classroom page's wasm (wasm-bindgen's no-modules glue, ecloud-classroom.js,
// defines `wasm_bindgen`).
"use strict";
wasm_bindgen({ module_or_path: "./ecloud-classroom_bg.wasm" }).catch((e) => {
  const notice = document.createElement("p");
  notice.textContent = `The classroom page could not start: ${e}`;
  document.body.append(notice);
});
