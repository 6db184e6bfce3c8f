//! `window.ecloud`: a small API for the curious in the browser's console.
//!
//! - `ecloud.chain()`: the chain as a plain object, the export file's shape;
//! - `ecloud.verify(chain)`: verifies a chain object (or a file's text) and
//!   returns the report the page shows, as a plain object;
//! - `ecloud.sha256(text)`: the SHA-256 of a text's UTF-8 bytes, in hex.
//!
//! Objects cross as JSON text, through the browser's `JSON`: plain objects
//! (not `Map`s) and numbers (not `BigInt`s). Every number the chain carries
//! is an integer below 2^53, so each is exact as a JavaScript number.
//! (Not serde-wasm-bindgen: it compiled every block type's serializer and
//! reader a second time, for its own serializer: 7.4 KB gzipped more.)

use crate::state::Community;
use ecloud_core::crypto::sha256;
use ecloud_core::{Chain, ImportError};
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
        if !sim.chain().is_whole() {
            return Err(JsError::new(crate::state::OLDER_UNREAD));
        }
        object(&serde_json::to_string(&sim.chain().file())?)
    }

    /// Verifies a chain (a plain object, or a file's text) and gives the
    /// report as a plain object.
    pub fn verify(&self, chain: JsValue) -> Result<JsValue, JsError> {
        let chain = match chain.as_string() {
            Some(text) => Chain::parse_json(&text),
            None => chain_of(chain),
        };
        let report = chain.map_err(|e| JsError::new(&e.to_string()))?.verify();
        object(&serde_json::to_string(&report)?)
    }

    /// The SHA-256 of a text's UTF-8 bytes, in lowercase hex.
    pub fn sha256(&self, text: JsValue) -> Result<String, JsError> {
        let text = text
            .as_string()
            .ok_or_else(|| JsError::new("sha256 takes a string"))?;
        Ok(sha256(text.as_bytes()).to_hex())
    }
}

/// JSON text as a plain object.
fn object(json: &str) -> Result<JsValue, JsError> {
    js_sys::JSON::parse(json).map_err(|_| JsError::new("the page wrote JSON it cannot read"))
}

/// A chain file given as an object, read and refused as `Chain::parse_json`
/// reads and refuses a file's text: the object's JSON text (integers stay
/// integers), which the core reads.
fn chain_of(file: JsValue) -> Result<Chain, ImportError> {
    let text = js_sys::JSON::stringify(&file)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| ImportError::Malformed("the object is not JSON".into()))?;
    Chain::parse_json(&text)
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
