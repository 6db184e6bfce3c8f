//! E-Cloud's browser node: the core's node state machine on rust-libp2p,
//! in a Web Worker built as its own wasm module (loaded only when the page
//! asks for it), its chain kept in IndexedDB. The page and the worker
//! speak [`protocol`]'s messages.

// Natively only the protocol builds: the worker that uses it is wasm32's.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod protocol;

#[cfg(target_arch = "wasm32")]
mod idb;
#[cfg(target_arch = "wasm32")]
mod lock;
#[cfg(target_arch = "wasm32")]
mod worker;

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

/// Natively there is no worker: only the protocol builds (and is tested).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let _ = protocol::read_ask;
    eprintln!("ecloud-browser-node runs in a browser's Web Worker (wasm32) only");
}
