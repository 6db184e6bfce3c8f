//! IndexedDB through web-sys's typed bindings, as futures: a request's
//! answer, a transaction's end, the database opened with its stores.
//!
//! Each wait sets one JavaScript function as both the success and the
//! failure handler (a request fires one of them once, a transaction
//! `complete` or `abort` once), so the function frees itself when called.

use js_sys::{Array, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, Event, IdbDatabase, IdbKeyRange, IdbObjectStore, IdbOpenDbRequest, IdbRequest,
    IdbTransaction, IdbTransactionMode,
};

/// The database of runs kept in this browser.
const NAME: &str = "e-cloud";
const VERSION: u32 = 1;
/// One record per block, keyed `[slot, height]`: the block's compact JSON.
pub const BLOCKS: &str = "blocks";
/// One record per run, keyed by its slot: the run's rest record.
pub const RUNS: &str = "runs";
/// A few named records: which slot holds the run, the page's settings.
pub const META: &str = "meta";

/// What went wrong, as a person can read it: "QuotaExceededError: ...".
pub fn describe(error: Option<DomException>) -> String {
    match error {
        Some(e) if e.message().is_empty() => e.name(),
        Some(e) => format!("{}: {}", e.name(), e.message()),
        None => "the browser gave no reason".into(),
    }
}

/// Calls `then` with the event that ends the wait, once.
fn on_either(then: impl FnOnce(Event) + 'static) -> JsValue {
    Closure::once_into_js(then)
}

/// A request's result once it succeeds, or why it failed.
pub async fn answer(request: &IdbRequest) -> Result<JsValue, String> {
    let ended = Promise::new(&mut |resolve, _| {
        let handler = on_either(move |event: Event| {
            let _ = resolve.call1(&JsValue::NULL, &event);
        });
        request.set_onsuccess(Some(handler.unchecked_ref()));
        request.set_onerror(Some(handler.unchecked_ref()));
    });
    let event: Event = JsFuture::from(ended)
        .await
        .map_err(|_| "the request was dropped".to_string())?
        .unchecked_into();
    if event.type_() == "success" {
        request.result().map_err(|_| "no result".into())
    } else {
        Err(describe(request.error().ok().flatten()))
    }
}

/// Calls `then` once the transaction has committed (`Ok`) or aborted
/// (`Err`, with the reason: a refused write, a full disk).
pub fn when_done(tx: &IdbTransaction, then: impl FnOnce(Result<(), String>) + 'static) {
    let handler = {
        let tx = tx.clone();
        on_either(move |event: Event| {
            then(if event.type_() == "complete" {
                Ok(())
            } else {
                Err(describe(tx.error()))
            })
        })
    };
    tx.set_oncomplete(Some(handler.unchecked_ref()));
    tx.set_onabort(Some(handler.unchecked_ref()));
}

/// Waits for a transaction to commit or abort.
pub async fn done(tx: &IdbTransaction) -> Result<(), String> {
    let ended = Promise::new(&mut |resolve, _| {
        when_done(tx, move |result| {
            let _ = resolve.call1(
                &JsValue::NULL,
                &match result {
                    Ok(()) => JsValue::NULL,
                    Err(why) => JsValue::from_str(&why),
                },
            );
        });
    });
    match JsFuture::from(ended).await {
        Ok(v) if v.is_null() => Ok(()),
        Ok(why) => Err(why.as_string().unwrap_or_default()),
        Err(_) => Err("the transaction was dropped".into()),
    }
}

/// Opens the database, creating its stores the first time.
pub async fn open() -> Result<IdbDatabase, String> {
    let factory = web_sys::window()
        .ok_or("no window")?
        .indexed_db()
        .map_err(|_| "IndexedDB is switched off".to_string())?
        .ok_or("this browser has no IndexedDB")?;
    let request: IdbOpenDbRequest = factory
        .open_with_u32(NAME, VERSION)
        .map_err(|_| "IndexedDB refused to open".to_string())?;
    let upgrade = {
        let request = request.clone();
        Closure::once_into_js(move |_: Event| {
            if let Ok(db) = request.result() {
                let db: IdbDatabase = db.unchecked_into();
                for name in [BLOCKS, RUNS, META] {
                    let _ = db.create_object_store(name);
                }
            }
        })
    };
    request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    Ok(answer(&request).await?.unchecked_into())
}

/// Asks the store to commit now, instead of once the page's task has
/// ended: a transaction whose commit was asked for is finished by the
/// browser even if the page is reloaded or closed the next moment (without
/// it, Chromium drops one still open when the person presses reload).
pub fn commit(tx: &IdbTransaction) {
    // `IDBTransaction.commit()` is in the IndexedDB standard (3.0) and in
    // every browser that runs the page's WebAssembly (Chrome 76, Firefox 74,
    // Safari 15); web-sys marks it deprecated all the same.
    #[allow(deprecated)]
    let _ = tx.commit();
}

/// A transaction over `stores`.
pub fn transaction(
    db: &IdbDatabase,
    stores: &[&str],
    mode: IdbTransactionMode,
) -> Result<IdbTransaction, String> {
    let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
    db.transaction_with_str_sequence_and_mode(&names, mode)
        .map_err(|e| describe(e.dyn_into().ok()))
}

/// One store of a transaction.
pub fn store(tx: &IdbTransaction, name: &str) -> Result<IdbObjectStore, String> {
    tx.object_store(name)
        .map_err(|e| describe(e.dyn_into().ok()))
}

/// The key of block `height` of the run in `slot`.
pub fn block_key(slot: u32, height: f64) -> JsValue {
    Array::of2(&JsValue::from(slot), &JsValue::from_f64(height)).into()
}

/// The keys of the run in `slot` from block `from` on.
pub fn blocks_from(slot: u32, from: u64) -> Result<IdbKeyRange, String> {
    IdbKeyRange::bound(
        &block_key(slot, from as f64),
        &block_key(slot, f64::INFINITY),
    )
    .map_err(|e| describe(e.dyn_into().ok()))
}
