//! The browser node's chain in IndexedDB, as node/src/store.rs keeps the
//! native node's in redb: database `e-cloud-node`, one record per block in
//! `blocks` (keyed by its height, 16 hex digits, then its hash, so reading
//! them back in key order gives parents before children; the value is the
//! block's JSON) and the node's memo in `memo`. A step's blocks and memo are
//! written in one transaction, committed before the step's messages leave.

use js_sys::{Array, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, Event, IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction,
    IdbTransactionMode, WorkerGlobalScope,
};

const NAME: &str = "e-cloud-node";
const VERSION: u32 = 1;
const BLOCKS: &str = "blocks";
const MEMO: &str = "memo";
const MEMO_KEY: &str = "memo";
/// A newcomer's name and secret seed, beside the memo (never sent).
const NEWCOMER_KEY: &str = "newcomer";
/// The registrar's seed, in the memo store: kept when a chain is cleared,
/// since the teacher's browser is the registrar of each class it starts.
const TEACHER_KEY: &str = "teacher";

fn describe(error: Option<DomException>) -> String {
    match error {
        Some(e) if e.message().is_empty() => e.name(),
        Some(e) => format!("{}: {}", e.name(), e.message()),
        None => "the browser gave no reason".into(),
    }
}

fn js_error(e: JsValue) -> String {
    describe(e.dyn_into().ok())
}

/// A request's result once it succeeds, or why it failed.
async fn answer(request: &IdbRequest) -> Result<JsValue, String> {
    let ended = Promise::new(&mut |resolve, _| {
        let handler = Closure::once_into_js(move |event: Event| {
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

/// Waits for a transaction to commit (`Ok`) or abort (`Err`, with why).
async fn done(tx: &IdbTransaction) -> Result<(), String> {
    let ended = Promise::new(&mut |resolve, _| {
        let handler = Closure::once_into_js(move |event: Event| {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str(&event.type_()));
        });
        tx.set_oncomplete(Some(handler.unchecked_ref()));
        tx.set_onabort(Some(handler.unchecked_ref()));
        tx.set_onerror(None);
    });
    match JsFuture::from(ended).await {
        Ok(v) if v.as_string().as_deref() == Some("complete") => Ok(()),
        Ok(_) => Err(describe(tx.error())),
        Err(_) => Err("the transaction was dropped".into()),
    }
}

/// The key of a block: its height (16 hex digits) and hash.
pub fn key(height: u64, hash_hex: &str) -> String {
    format!("{height:016x}{hash_hex}")
}

pub struct Store {
    db: IdbDatabase,
}

impl Store {
    /// Opens the database, creating its stores the first time.
    pub async fn open() -> Result<Store, String> {
        let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
        let factory = scope
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
                    for name in [BLOCKS, MEMO] {
                        let _ = db.create_object_store(name);
                    }
                }
            })
        };
        request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
        Ok(Store {
            db: answer(&request).await?.unchecked_into(),
        })
    }

    fn transaction(&self, mode: IdbTransactionMode) -> Result<IdbTransaction, String> {
        let names: Array = [BLOCKS, MEMO]
            .iter()
            .map(|s| JsValue::from_str(s))
            .collect();
        self.db
            .transaction_with_str_sequence_and_mode(&names, mode)
            .map_err(js_error)
    }

    /// The kept blocks' JSON in key order (parents before children) and the
    /// memo.
    pub async fn load(&self) -> Result<(Vec<String>, Option<String>), String> {
        let tx = self.transaction(IdbTransactionMode::Readonly)?;
        let blocks = tx.object_store(BLOCKS).map_err(js_error)?;
        let all = answer(&blocks.get_all().map_err(js_error)?).await?;
        let memo = tx.object_store(MEMO).map_err(js_error)?;
        let memo = answer(&memo.get(&JsValue::from_str(MEMO_KEY)).map_err(js_error)?).await?;
        let blocks = Array::from(&all)
            .iter()
            .map(|v| v.as_string().ok_or("a kept block is not text".to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((blocks, memo.as_string()))
    }

    /// Keeps `blocks` (key, JSON) and the `memo` in one transaction,
    /// committed when this returns.
    pub async fn write(
        &self,
        blocks: &[(String, String)],
        memo: Option<&str>,
    ) -> Result<(), String> {
        let tx = self.transaction(IdbTransactionMode::Readwrite)?;
        for (key, json) in blocks {
            put(&tx, BLOCKS, key, json)?;
        }
        if let Some(memo) = memo {
            put(&tx, MEMO, MEMO_KEY, memo)?;
        }
        commit(&tx).await
    }

    /// The newcomer's record (its name and seed, JSON), if one was kept.
    pub async fn newcomer(&self) -> Result<Option<String>, String> {
        self.kept(NEWCOMER_KEY).await
    }

    /// Keeps the newcomer's record, committed when this returns.
    pub async fn keep_newcomer(&self, record: &str) -> Result<(), String> {
        self.keep(NEWCOMER_KEY, record).await
    }

    /// The registrar's seed (hex), if this browser made one.
    pub async fn teacher(&self) -> Result<Option<String>, String> {
        self.kept(TEACHER_KEY).await
    }

    /// Keeps the registrar's seed, committed when this returns.
    pub async fn keep_teacher(&self, seed: &str) -> Result<(), String> {
        self.keep(TEACHER_KEY, seed).await
    }

    async fn kept(&self, key: &str) -> Result<Option<String>, String> {
        let tx = self.transaction(IdbTransactionMode::Readonly)?;
        let memo = tx.object_store(MEMO).map_err(js_error)?;
        let kept = memo.get(&JsValue::from_str(key)).map_err(js_error)?;
        Ok(answer(&kept).await?.as_string())
    }

    async fn keep(&self, key: &str, record: &str) -> Result<(), String> {
        let tx = self.transaction(IdbTransactionMode::Readwrite)?;
        put(&tx, MEMO, key, record)?;
        commit(&tx).await
    }

    /// Forgets every block, the memo and a newcomer's keys (another
    /// community's chain); the registrar's seed stays.
    pub async fn clear(&self) -> Result<(), String> {
        let tx = self.transaction(IdbTransactionMode::Readwrite)?;
        tx.object_store(BLOCKS)
            .map_err(js_error)?
            .clear()
            .map_err(js_error)?;
        let memo = tx.object_store(MEMO).map_err(js_error)?;
        for key in [MEMO_KEY, NEWCOMER_KEY] {
            memo.delete(&JsValue::from_str(key)).map_err(js_error)?;
        }
        done(&tx).await
    }
}

/// Puts the text `value` under `key` in `tx`'s object store `store`.
fn put(tx: &IdbTransaction, store: &str, key: &str, value: &str) -> Result<(), String> {
    tx.object_store(store)
        .map_err(js_error)?
        .put_with_key(&JsValue::from_str(value), &JsValue::from_str(key))
        .map_err(js_error)
        .map(drop)
}

/// Commits `tx` now and waits until it is on disk.
async fn commit(tx: &IdbTransaction) -> Result<(), String> {
    #[allow(deprecated)]
    let _ = tx.commit();
    done(tx).await
}
