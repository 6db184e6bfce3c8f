//! `window.ecloud`: a small API for the curious in the browser's console.
//!
//! - `ecloud.chain()`: the chain as a plain object, the export file's shape;
//! - `ecloud.verify(chain)`: verifies a chain object (or a file's text) and
//!   returns the report the page shows;
//! - `ecloud.sha256(text)`: the SHA-256 of a text's UTF-8 bytes, in hex.
//!
//! Objects cross as JSON text (`JSON.parse`/`JSON.stringify`), which keeps
//! the build small: the core already reads and writes that text.

use crate::state::Community;
use ecloud_core::crypto::sha256;
use ecloud_core::Chain;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use yew::prelude::*;

type Latest = Rc<RefCell<Option<Community>>>;

fn error(text: String) -> JsValue {
    js_sys::Error::new(&text).into()
}

fn parse(text: &str) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(text)
}

fn install(latest: Latest) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or_else(|| error("no window".into()))?;
    let api = js_sys::Object::new();
    // Takes (and ignores) an argument, so that the three functions are
    // closures of one type: each type is glue of its own in the page.
    let chain = Closure::<dyn Fn(JsValue) -> Result<JsValue, JsValue>>::new(move |_: JsValue| {
        let latest = latest.borrow();
        let community = latest
            .as_ref()
            .ok_or_else(|| error("the page has not started".into()))?;
        let text = community.read().chain().to_json();
        parse(&text)
    });
    let verify = Closure::<dyn Fn(JsValue) -> Result<JsValue, JsValue>>::new(|chain: JsValue| {
        let text = match chain.as_string() {
            Some(text) => text,
            None => js_sys::JSON::stringify(&chain)?
                .as_string()
                .unwrap_or_default(),
        };
        let chain = Chain::parse_json(&text).map_err(|e| error(e.to_string()))?;
        let report =
            ecloud_core::canonical::to_json(&chain.verify()).map_err(|e| error(e.to_string()))?;
        parse(&report)
    });
    let hash = Closure::<dyn Fn(JsValue) -> Result<JsValue, JsValue>>::new(|text: JsValue| {
        let text = text
            .as_string()
            .ok_or_else(|| error("sha256 takes a string".into()))?;
        Ok(JsValue::from_str(&sha256(text.as_bytes()).to_hex()))
    });
    js_sys::Reflect::set(&api, &"chain".into(), chain.as_ref())?;
    js_sys::Reflect::set(&api, &"verify".into(), verify.as_ref())?;
    js_sys::Reflect::set(&api, &"sha256".into(), hash.as_ref())?;
    js_sys::Reflect::set(&window, &"ecloud".into(), &api)?;
    // They live as long as the page.
    chain.forget();
    verify.forget();
    hash.forget();
    Ok(())
}

/// Puts `window.ecloud` in place once and points it at the running chain.
#[hook]
pub fn use_console(community: Community) {
    let latest: Latest = use_mut_ref(|| None);
    {
        let latest = latest.clone();
        use_effect_with((), move |_| {
            // Without it the page works the same; nothing to tell the class.
            let _ = install(latest);
            || ()
        });
    }
    use_effect_with(community, move |community| {
        *latest.borrow_mut() = Some(community.clone());
        || ()
    });
}
