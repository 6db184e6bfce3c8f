//! `window.ecloud`: a small API for the curious in the browser's console.
//!
//! - `ecloud.chain()`: the chain as a plain object, the export file's shape;
//! - `ecloud.verify(chain)`: verifies a chain object (or a file's text) and
//!   returns the report the page shows, as a plain object;
//! - `ecloud.sha256(text)`: the SHA-256 of a text's UTF-8 bytes, in hex.
//!
//! Objects cross with serde-wasm-bindgen, JSON-compatible: plain objects
//! (not `Map`s) and numbers (not `BigInt`s). Every number the chain carries
//! is an integer below 2^53, so each is exact as a JavaScript number.

use crate::state::Community;
use ecloud_core::crypto::sha256;
use ecloud_core::{Chain, ImportError};
use serde::Serialize;
use serde_wasm_bindgen::Serializer;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// `window.ecloud`. Shares the running community with the page.
#[wasm_bindgen]
pub struct Console {
    community: Rc<RefCell<Option<Community>>>,
}

#[wasm_bindgen]
impl Console {
    /// The chain as a plain object, the export file's shape.
    pub fn chain(&self) -> Result<JsValue, JsError> {
        let community = self.community.borrow();
        let community = community
            .as_ref()
            .ok_or_else(|| JsError::new("the page has not started"))?;
        let sim = community.read();
        Ok(sim
            .chain()
            .file()
            .serialize(&Serializer::json_compatible())?)
    }

    /// Verifies a chain (a plain object, or a file's text) and gives the
    /// report as a plain object.
    pub fn verify(&self, chain: JsValue) -> Result<JsValue, JsError> {
        let chain = match chain.as_string() {
            Some(text) => Chain::parse_json(&text),
            None => chain_of(chain),
        };
        let report = chain.map_err(|e| JsError::new(&e.to_string()))?.verify();
        Ok(report.serialize(&Serializer::json_compatible())?)
    }

    /// The SHA-256 of a text's UTF-8 bytes, in lowercase hex.
    pub fn sha256(&self, text: JsValue) -> Result<String, JsError> {
        let text = text
            .as_string()
            .ok_or_else(|| JsError::new("sha256 takes a string"))?;
        Ok(sha256(text.as_bytes()).to_hex())
    }
}

/// A chain file given as an object, read and refused as `Chain::parse_json`
/// reads and refuses a file's text: the object becomes a `serde_json::Value`
/// (serde-wasm-bindgen; integers stay integers), whose text the core reads.
/// Reading the blocks from the object itself would compile the block types'
/// readers a second time, for serde-wasm-bindgen (20 KB more of the page).
fn chain_of(file: JsValue) -> Result<Chain, ImportError> {
    let value: serde_json::Value =
        serde_wasm_bindgen::from_value(file).map_err(|e| ImportError::Malformed(e.to_string()))?;
    Chain::parse_json(&value.to_string())
}

/// Puts `window.ecloud` in place once and points it at the running chain.
#[hook]
pub fn use_console(community: Community) {
    let latest = use_mut_ref(|| None);
    {
        let latest = latest.clone();
        use_effect_with((), move |_| {
            let console = Console { community: latest };
            // Without it the page works the same; nothing to tell the class.
            let _ = js_sys::Reflect::set(&gloo_utils::window(), &"ecloud".into(), &console.into());
        });
    }
    use_effect_with(community, move |community| {
        *latest.borrow_mut() = Some(community.clone());
    });
}
