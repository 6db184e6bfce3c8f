//! One node per browser: the worker holds a Web Lock while its node runs,
//! so a second tab of the same browser (the same IndexedDB, the same
//! member's keys) runs no second node, which would sign every vote and
//! seal twice. web-sys has the Web Locks API only behind
//! `web_sys_unstable_apis`, so its one call is bound here, as in
//! `web/src/store/tabs.rs`.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks`.
    type LockManager;

    /// `navigator.locks.request(name, options, callback)`.
    #[wasm_bindgen(method, js_name = request)]
    fn request(this: &LockManager, name: &str, options: &Object, callback: &Function) -> Promise;
}

/// The lock the tab whose worker runs this browser's node holds.
const LOCK: &str = "e-cloud-node";

/// Takes the node's lock for as long as this worker lives, or says why
/// not: another tab's worker holds it. A browser without Web Locks runs
/// the node unguarded.
pub async fn hold() -> Result<(), String> {
    let global = js_sys::global();
    let locks = Reflect::get(&global, &"navigator".into())
        .and_then(|navigator| Reflect::get(&navigator, &"locks".into()))
        .ok()
        .filter(|l| !l.is_undefined() && !l.is_null());
    let Some(locks) = locks else {
        return Ok(());
    };
    let locks: LockManager = locks.unchecked_into();
    let options = Object::new();
    let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let got = Promise::new(&mut |resolve, _| {
        let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
            let ours = !lock.is_null();
            let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(ours));
            // A promise that never settles holds the lock until the worker goes.
            if ours {
                Promise::new(&mut |_, _| {}).into()
            } else {
                JsValue::UNDEFINED
            }
        });
        let _ = locks.request(LOCK, &options, callback.unchecked_ref());
    });
    match JsFuture::from(got).await {
        Ok(ours) if ours.is_truthy() => Ok(()),
        _ => Err(
            "this browser's node already runs in another tab: use that tab, \
                  or close it and reload this one"
                .into(),
        ),
    }
}
