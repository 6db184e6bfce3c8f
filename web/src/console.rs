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
use ecloud_core::chain::{FILE_FORMAT, FILE_VERSION};
use ecloud_core::crypto::sha256;
use ecloud_core::verify::verify_chain;
use ecloud_core::{Block, Chain, ImportError};
use serde::{Deserialize, Serialize};
use serde_wasm_bindgen::Serializer;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// The export file's shape.
#[derive(Serialize)]
struct ChainFile<'a> {
    format: &'a str,
    version: u32,
    blocks: &'a [Block],
}

/// What says a value is a chain file, read before its blocks.
#[derive(Deserialize)]
struct FileHeader {
    format: Option<String>,
    version: Option<u64>,
}

#[derive(Deserialize)]
struct FileBlocks {
    blocks: Vec<Block>,
}

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
        let file = ChainFile {
            format: FILE_FORMAT,
            version: FILE_VERSION,
            blocks: sim.chain().blocks(),
        };
        Ok(file.serialize(&Serializer::json_compatible())?)
    }

    /// Verifies a chain (a plain object, or a file's text) and gives the
    /// report as a plain object.
    pub fn verify(&self, chain: JsValue) -> Result<JsValue, JsError> {
        let report = match chain.as_string() {
            Some(text) => Chain::parse_json(&text).map_err(import_error)?.verify(),
            None => verify_chain(&blocks_of(chain)?),
        };
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

/// The blocks of a chain file given as an object, refused as `Chain::parse_json`
/// refuses a file's text.
fn blocks_of(file: JsValue) -> Result<Vec<Block>, JsError> {
    let malformed =
        |e: serde_wasm_bindgen::Error| import_error(ImportError::Malformed(e.to_string()));
    let header: FileHeader = serde_wasm_bindgen::from_value(file.clone()).map_err(malformed)?;
    if header.format.as_deref() != Some(FILE_FORMAT) {
        return Err(import_error(ImportError::NotAChainFile));
    }
    match header.version {
        Some(v) if v == u64::from(FILE_VERSION) => {}
        Some(v) => {
            let v = u32::try_from(v).unwrap_or(u32::MAX);
            return Err(import_error(ImportError::UnsupportedVersion(v)));
        }
        None => return Err(import_error(ImportError::NotAChainFile)),
    }
    let FileBlocks { blocks } = serde_wasm_bindgen::from_value(file).map_err(malformed)?;
    if blocks.is_empty() {
        return Err(import_error(ImportError::NoBlocks));
    }
    Ok(blocks)
}

fn import_error(e: ImportError) -> JsError {
    JsError::new(&e.to_string())
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
