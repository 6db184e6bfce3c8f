//! E-Cloud's page: mounts the app; everything else lives in the modules.

mod clock;
mod components;
mod console;
mod field_names;
mod format;
mod hooks;
mod state;
mod store;

use components::app::App;

/// Talc instead of the standard library's dlmalloc in the page: a smaller
/// general-purpose allocator (it frees and reuses memory) for single-threaded
/// WebAssembly. See docs/PERFORMANCE.md, "Size".
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    yew::Renderer::<App>::new().render();
}
