//! The run kept in this browser: IndexedDB, one record per block.
//!
//! Three object stores (`idb.rs`): `blocks`, one record per block keyed
//! `[slot, height]`; `runs`, one rest record per run keyed by its slot (the
//! run without its chain: keys' master seed, strategies, who is offline,
//! the waiting work and the tip it goes on from,
//! `Simulation::rest_record`); and `meta`, which slot holds the page's run
//! and which the run a reset or an import replaced (kept for "Undo" until
//! the next replacement), and the page's settings.
//!
//! A block record is the block's compact JSON as the core writes it,
//! ledger included (about 3.9 KB, 1.3 KB of it the ledger): reopening a
//! run is then a parse of its genesis block and its newest blocks alone,
//! the newest checked against the ledger the block before them records
//! (`Chain::resumed`); the older blocks are read afterwards, in the
//! background, a short chunk per task ([`Store::older`]). Kept without
//! ledgers (2.6 KB), every ledger would have to be recomputed by replaying every transaction
//! since genesis, which costs as much as verifying the chain: the very
//! work a start that trusts its own store leaves for later.
//!
//! One tab writes (`tabs.rs` elects it); every change is written at once,
//! in one transaction with the rest record (so the store always holds a
//! run as it was after some action, never half of one). Each transaction
//! holds every block since the last one known to have committed, so a
//! refused write never leaves a gap that a later one would step over.

mod idb;
pub mod open;
pub mod tabs;

use crate::state::{Action, Community, KeepingAction, Origin, PreviousRun, Replaced, RunMark};
use ecloud_core::simulation::saved::rest_outline;
use ecloud_core::{Block, Chain, Report, Simulation};
use std::cell::RefCell;
use std::ops::RangeInclusive;
use std::rc::Rc;
use tabs::{Channel, Said};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbDatabase, IdbTransaction, IdbTransactionMode};
use yew::Callback;

/// Blocks verified before a reopened run is usable; the rest of the chain
/// is verified in the background (Bitcoin Core's `-checkblocks` keeps 6).
pub const NEWEST_CHECKED: usize = 16;
/// Blocks read in one request when a following tab catches up.
const CHUNK: u32 = 1_000;
/// Older blocks read in one request, in the background: parsed in a task of
/// their own, about 8 ms of work, as a slice of verification is.
const OLDER_CHUNK: u32 = 100;

/// The key under which pages before this one kept the run, in localStorage.
pub const LOCAL_RUN: &str = "e-cloud-run";
/// Their settings, in localStorage too.
pub const LOCAL_SETTINGS: &str = "e-cloud-settings";
/// Noted in localStorage before every write: `slot tip`, how far the run
/// has got. localStorage is written at once and has a quota of its own, so
/// the note is there after a reload even when the store holds less (it
/// refused a write, or the page was closed while a long one was under way):
/// the shorter run is then not passed off as the whole.
const REACHED: &str = "e-cloud-reached";

/// Which slot holds what, in `meta`: a few `name=value` lines, as the
/// settings are kept.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Slots {
    /// The page's run.
    pub current: Option<u32>,
    /// The run the last replacement put aside.
    pub previous: Option<Aside>,
    /// The next free slot.
    pub next: u32,
}

/// A run kept aside.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Aside {
    pub slot: u32,
    pub run: PreviousRun,
}

impl Slots {
    fn to_text(&self) -> String {
        let mut text = format!("next={}\n", self.next);
        if let Some(current) = self.current {
            text += &format!("current={current}\n");
        }
        if let Some(p) = self.previous {
            text += &format!(
                "previous={} {} {}\n",
                p.slot,
                p.run.blocks,
                p.run.why.name()
            );
        }
        text
    }

    /// Reads what [`Slots::to_text`] wrote; anything else is refused whole.
    fn parse(text: &str) -> Result<Slots, String> {
        let mut slots = Slots::default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let bad = || format!("\u{201c}{line}\u{201d} is not part of it");
            let (name, value) = line.split_once('=').ok_or_else(bad)?;
            match name {
                "next" => slots.next = value.parse().map_err(|_| bad())?,
                "current" => slots.current = Some(value.parse().map_err(|_| bad())?),
                "previous" => {
                    let mut words = value.split(' ');
                    let mut word = || words.next().ok_or_else(bad);
                    let slot = word()?.parse().map_err(|_| bad())?;
                    let blocks = word()?.parse().map_err(|_| bad())?;
                    let why = Replaced::named(word()?).ok_or_else(bad)?;
                    slots.previous = Some(Aside {
                        slot,
                        run: PreviousRun { blocks, why },
                    });
                }
                _ => return Err(bad()),
            }
        }
        Ok(slots)
    }
}

/// What the writer has written.
#[derive(Default)]
struct Writer {
    /// The run mark last written: a new one means another run.
    epoch: Option<u64>,
    /// Where the page's run is written; `None` while it is not kept.
    slot: Option<u32>,
    /// The tip of the run in `Slots::current`, as committed. Each write
    /// holds everything since, so writes issued one after another (the
    /// store runs them in order) never leave a gap, whichever of them fails.
    kept_tip: Option<u64>,
    /// Writes are failing: the first block not kept.
    failing: Option<u64>,
    /// Runs marked before this epoch are no longer written (an undo
    /// replaced them).
    floor: u64,
    /// Where the store's answers go.
    tell: Option<Callback<Action>>,
}

/// A run read from the store.
pub struct Reopened {
    pub sim: Simulation,
    pub report: Report,
}

pub struct Store {
    db: IdbDatabase,
    slots: RefCell<Slots>,
    writer: RefCell<Writer>,
    channel: Option<Channel>,
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The run a page before this one kept in localStorage, if any.
pub fn local_run() -> Option<String> {
    local_storage()?.get_item(LOCAL_RUN).ok().flatten()
}

fn parse_block(text: Option<String>) -> Result<Block, String> {
    let text = text.ok_or("a block record is not text")?;
    serde_json::from_str(&text).map_err(|e| format!("a block record is damaged ({e})"))
}

/// Why the browser refused a request, as a person can read it.
fn refused(error: JsValue) -> String {
    idb::describe(error.dyn_into().ok())
}

/// Puts blocks `heights` of the page's run into `slot`, then its rest
/// record.
fn put_run(
    tx: &IdbTransaction,
    sim: &Simulation,
    slot: u32,
    heights: RangeInclusive<u64>,
) -> Result<(), String> {
    let blocks = idb::store(tx, idb::BLOCKS)?;
    for height in heights {
        let block = sim.sealed_block(height).ok_or("a block is missing")?;
        let text = serde_json::to_string(block).map_err(|e| e.to_string())?;
        blocks
            .put_with_key(
                &JsValue::from_str(&text),
                &idb::block_key(slot, height as f64),
            )
            .map_err(refused)?;
    }
    idb::store(tx, idb::RUNS)?
        .put_with_key(&JsValue::from_str(&sim.rest_record()), &JsValue::from(slot))
        .map_err(refused)?;
    Ok(())
}

/// Deletes the run of `slot`: its blocks and its rest record.
fn delete_run(tx: &IdbTransaction, slot: u32) -> Result<(), String> {
    let range = idb::blocks_from(slot, 0)?;
    idb::store(tx, idb::BLOCKS)?
        .delete(&range)
        .map_err(refused)?;
    idb::store(tx, idb::RUNS)?
        .delete(&JsValue::from(slot))
        .map_err(refused)?;
    Ok(())
}

/// Puts `text` as the `meta` record `name` ("slots", "settings").
fn put_meta(tx: &IdbTransaction, name: &str, text: &str) -> Result<(), String> {
    idb::store(tx, idb::META)?
        .put_with_key(&JsValue::from_str(text), &JsValue::from_str(name))
        .map_err(refused)?;
    Ok(())
}

impl Store {
    /// Opens the store; `Err` says why this browser keeps nothing.
    pub async fn open() -> Result<Store, String> {
        let db = idb::open().await?;
        let store = Store {
            db,
            slots: RefCell::default(),
            writer: RefCell::default(),
            channel: Channel::open(),
        };
        store.read_slots().await?;
        Ok(store)
    }

    pub fn slots(&self) -> Slots {
        self.slots.borrow().clone()
    }

    /// The record of `key` in `store`, if there is one.
    async fn get(&self, store: &str, key: &JsValue) -> Result<Option<String>, String> {
        let tx = idb::transaction(&self.db, &[store], IdbTransactionMode::Readonly)?;
        let request = idb::store(&tx, store)?
            .get(key)
            .map_err(|_| "the store could not be read")?;
        Ok(idb::answer(&request).await?.as_string())
    }

    /// Reads which slot holds what (another tab may have changed it).
    pub async fn read_slots(&self) -> Result<Slots, String> {
        let slots = match self.get(idb::META, &JsValue::from_str("slots")).await? {
            Some(text) => {
                Slots::parse(&text).map_err(|e| format!("the store's index is damaged ({e})"))?
            }
            None => Slots::default(),
        };
        *self.slots.borrow_mut() = slots.clone();
        Ok(slots)
    }

    /// The page's settings as kept, if any.
    pub async fn read_settings(&self) -> Option<String> {
        self.get(idb::META, &JsValue::from_str("settings"))
            .await
            .ok()
            .flatten()
    }

    /// Keeps the page's settings (the writer only).
    pub fn save_settings(&self, text: &str) {
        // A refusal here is said by the run's own writing, which fails too.
        let Ok(tx) = self.write(&[idb::META], |tx| put_meta(tx, "settings", text)) else {
            return;
        };
        idb::when_done(&tx, |result| {
            if result.is_ok() {
                if let Some(local) = local_storage() {
                    let _ = local.remove_item(LOCAL_SETTINGS);
                }
            }
        });
    }

    /// A run's rest record, if its slot holds one.
    async fn rest(&self, slot: u32) -> Result<Option<String>, String> {
        self.get(idb::RUNS, &JsValue::from(slot)).await
    }

    /// What the rest record of `slot` says: the seed number and the tip.
    pub async fn outline(&self, slot: u32) -> Result<Option<(Option<u64>, u64)>, String> {
        match self.rest(slot).await? {
            Some(rest) => rest_outline(&rest).map(Some).map_err(|e| e.to_string()),
            None => Ok(None),
        }
    }

    /// Blocks `from` to `to` of `slot`'s run, read `chunk` per request, each
    /// parsed in the task its answer comes in; reading stops, with the
    /// blocks read so far, once `go_on` answers false.
    async fn blocks(
        &self,
        slot: u32,
        (from, to): (u64, u64),
        chunk: u32,
        go_on: &dyn Fn() -> bool,
    ) -> Result<Vec<Block>, String> {
        let mut blocks = Vec::with_capacity((to + 1).saturating_sub(from) as usize);
        let mut next = from;
        let mut request = (next <= to)
            .then(|| self.chunk(slot, next, to, chunk))
            .transpose()?;
        while let Some(asked) = request {
            let records: js_sys::Array = idb::answer(&asked).await?.unchecked_into();
            if records.length() == 0 {
                break;
            }
            next += u64::from(records.length());
            // The store reads the next chunk while this one is parsed: 8.2 ->
            // 7.5 s to open 100,000 blocks (medians of six reloads each,
            // alternating builds, one browser profile).
            request = (next <= to)
                .then(|| self.chunk(slot, next, to, chunk))
                .transpose()?;
            for record in records.iter() {
                blocks.push(parse_block(record.as_string())?);
            }
            if !go_on() {
                break;
            }
        }
        Ok(blocks)
    }

    /// Asks for the next `count` blocks from `from` to `to` of `slot`'s run,
    /// in a transaction of its own: one stays open only until the browser
    /// has run the handler of its last request.
    fn chunk(
        &self,
        slot: u32,
        from: u64,
        to: u64,
        count: u32,
    ) -> Result<web_sys::IdbRequest, String> {
        let tx = idb::transaction(&self.db, &[idb::BLOCKS], IdbTransactionMode::Readonly)?;
        let range = web_sys::IdbKeyRange::bound(
            &idb::block_key(slot, from as f64),
            &idb::block_key(slot, to as f64),
        )
        .map_err(|_| "no such range")?;
        idb::store(&tx, idb::BLOCKS)?
            .get_all_with_key_and_limit(&range, count)
            .map_err(|_| "the store could not be read".into())
    }

    /// Reopens the run of `slot`: its rest record, its genesis block and
    /// the newest blocks up to the tip it names, checked as
    /// `Simulation::reopen` checks them (the older blocks are left for
    /// [`Store::older`]). `None` for an empty slot.
    pub async fn reopen(&self, slot: u32) -> Result<Option<Reopened>, String> {
        let Some(rest) = self.rest(slot).await? else {
            return Ok(None);
        };
        let (_, tip) = rest_outline(&rest).map_err(|e| e.to_string())?;
        // The newest checked and the block before them, whose ledger is
        // trusted.
        let from = tip.saturating_sub(NEWEST_CHECKED as u64).max(1);
        let genesis = self.get(idb::BLOCKS, &idb::block_key(slot, 0.0)).await?;
        let genesis = parse_block(Some(genesis.ok_or("no block is kept")?))?;
        let newest = self.blocks(slot, (from, tip), CHUNK, &|| true).await?;
        let chain = Chain::resumed(genesis, newest).map_err(|e| e.to_string())?;
        let (sim, report) =
            Simulation::reopen(&rest, chain, NEWEST_CHECKED).map_err(|e| e.to_string())?;
        Ok(Some(Reopened { sim, report }))
    }

    /// The blocks of `slot`'s run below block `base`, genesis left out, a
    /// short chunk per task; reading stops once `go_on` answers false.
    pub async fn older(
        &self,
        slot: u32,
        base: u64,
        go_on: &dyn Fn() -> bool,
    ) -> Result<Vec<Block>, String> {
        self.blocks(slot, (1, base.saturating_sub(1)), OLDER_CHUNK, go_on)
            .await
    }

    /// The blocks of `slot`'s run after `after` and its rest record: what a
    /// following tab needs to catch up.
    pub async fn since(&self, slot: u32, after: u64) -> Result<(Vec<Block>, String), String> {
        let rest = self.rest(slot).await?.ok_or("the run's record is gone")?;
        let (_, tip) = rest_outline(&rest).map_err(|e| e.to_string())?;
        let blocks = self.blocks(slot, (after + 1, tip), CHUNK, &|| true).await?;
        Ok((blocks, rest))
    }

    /// The class chose to go on from the part of the run the store kept:
    /// the note of what it had reached is dropped.
    pub fn forget_unkept() {
        if let Some(local) = local_storage() {
            let _ = local.remove_item(REACHED);
        }
    }

    /// How far the run of `slot` had got when the page was last closed, as
    /// noted before its last write.
    fn note_reached(slot: u32, tip: u64) {
        // A run only grows within its slot: a note of more is kept (a run
        // held as incomplete must stay so until the class chooses).
        if Store::unkept_reached(slot).is_some_and(|reached| reached > tip) {
            return;
        }
        if let Some(local) = local_storage() {
            let _ = local.set_item(REACHED, &format!("{slot} {tip}"));
        }
    }

    /// The tip the run of `slot` had reached, as noted before its last
    /// write (the store may hold less).
    pub fn unkept_reached(slot: u32) -> Option<u64> {
        let note = local_storage()?.get_item(REACHED).ok().flatten()?;
        let (s, reached) = note.split_once(' ')?;
        (s.parse::<u32>().ok()? == slot).then_some(())?;
        reached.parse().ok()
    }

    /// The page's run after a change: written at once. The write is issued
    /// in this task, so it is kept even if the page is closed right after
    /// (the browser finishes a transaction it was handed).
    pub fn keep(self: &Rc<Self>, community: &Community, mark: RunMark, tell: Callback<Action>) {
        self.writer.borrow_mut().tell = Some(tell);
        if mark.epoch < self.writer.borrow().floor {
            return;
        }
        let new_run = self.writer.borrow().epoch != Some(mark.epoch);
        let written = match (new_run, mark.origin) {
            (true, Origin::Kept { slot }) => {
                let tip = community.read().chain().tip().height();
                self.kept_at(slot, mark.epoch, tip);
                self.write_changes(community)
            }
            (true, Origin::Unkept) => {
                let mut writer = self.writer.borrow_mut();
                writer.epoch = Some(mark.epoch);
                writer.slot = None;
                Ok(())
            }
            (true, Origin::New(why)) => self.write_new_run(community, mark.epoch, why),
            (false, _) => self.write_changes(community),
        };
        if let Err(why) = written {
            self.tell(KeepingAction::SaveFailed {
                from: self.writer.borrow().kept_tip.map_or(0, |t| t + 1),
                reached: community.read().chain().tip().height(),
                why,
            });
        }
    }

    /// This tab reopened the run of `slot` (at start, after an undo, when
    /// it takes over from another tab): that is where changes go.
    pub fn kept_at(&self, slot: u32, epoch: u64, tip: u64) {
        let mut writer = self.writer.borrow_mut();
        writer.epoch = Some(epoch);
        writer.slot = Some(slot);
        writer.kept_tip = Some(tip);
    }

    fn tell(&self, action: KeepingAction) {
        let tell = self.writer.borrow().tell.clone();
        if let Some(tell) = tell {
            tell.emit(action.into());
        }
    }

    /// A read-write transaction over `stores` holding the requests `issue`
    /// makes, asked to commit at once. If the browser refuses one, the
    /// transaction is aborted (half a write is no write) and `Err` says
    /// why. The caller hears how it ended through `idb::when_done` or
    /// `idb::done`, set in this task: the browser ends a transaction only
    /// in a later one.
    fn write(
        &self,
        stores: &[&str],
        issue: impl FnOnce(&IdbTransaction) -> Result<(), String>,
    ) -> Result<IdbTransaction, String> {
        let tx = idb::transaction(&self.db, stores, IdbTransactionMode::Readwrite)?;
        if let Err(why) = issue(&tx) {
            let _ = tx.abort();
            return Err(why);
        }
        idb::commit(&tx);
        Ok(tx)
    }

    /// The blocks sealed since the last write and the rest record.
    fn write_changes(self: &Rc<Self>, community: &Community) -> Result<(), String> {
        let Some(slot) = self.writer.borrow().slot else {
            return Ok(());
        };
        let from = self.writer.borrow().kept_tip.map_or(0, |t| t + 1);
        let sim = community.read();
        let tip = sim.chain().tip().height();
        Store::note_reached(slot, tip);
        let tx = self.write(&[idb::BLOCKS, idb::RUNS], |tx| {
            put_run(tx, &sim, slot, from..=tip)
        })?;
        drop(sim);
        let store = self.clone();
        idb::when_done(&tx, move |result| {
            let failed_before = {
                let mut writer = store.writer.borrow_mut();
                if writer.slot != Some(slot) {
                    // Another run replaced this one meanwhile.
                    return;
                }
                let failed_before = writer.failing.is_some();
                match &result {
                    Ok(()) => {
                        writer.kept_tip = writer.kept_tip.max(Some(tip));
                        writer.failing = None;
                    }
                    Err(_) => writer.failing = Some(from),
                }
                failed_before
            };
            match result {
                Ok(()) => {
                    if let Some(channel) = &store.channel {
                        channel.say(&Said::Saved { slot, tip });
                    }
                    if failed_before {
                        store.tell(KeepingAction::SavedAgain);
                    }
                }
                Err(why) => {
                    store.tell(KeepingAction::SaveFailed {
                        from,
                        reached: tip,
                        why,
                    });
                }
            }
        });
        Ok(())
    }

    /// Another run replaces the page's: written whole into a new slot, the
    /// replaced run kept aside, the run kept aside before it deleted.
    fn write_new_run(
        self: &Rc<Self>,
        community: &Community,
        epoch: u64,
        why: Replaced,
    ) -> Result<(), String> {
        let before = self.slots();
        let kept_tip = self.writer.borrow().kept_tip;
        let slot = before.next.max(before.current.map_or(0, |c| c + 1));
        let after = Slots {
            current: Some(slot),
            previous: before.current.map(|current| Aside {
                slot: current,
                run: PreviousRun {
                    blocks: kept_tip.map_or(0, |t| t + 1),
                    why,
                },
            }),
            next: slot + 1,
        };
        let sim = community.read();
        let tip = sim.chain().tip().height();
        Store::note_reached(slot, tip);
        let tx = self.write(&[idb::BLOCKS, idb::RUNS, idb::META], |tx| {
            // The run kept aside before: no slot names it any more.
            if let Some(old) = before.previous.map(|p| p.slot) {
                delete_run(tx, old)?;
            }
            put_run(tx, &sim, slot, 0..=tip)?;
            put_meta(tx, "slots", &after.to_text())
        })?;
        drop(sim);
        {
            // Until it has committed, a change writes the new run whole.
            let mut writer = self.writer.borrow_mut();
            writer.epoch = Some(epoch);
            writer.slot = Some(slot);
            writer.kept_tip = None;
        }
        *self.slots.borrow_mut() = after.clone();
        let store = self.clone();
        idb::when_done(&tx, move |result| {
            if store.writer.borrow().slot != Some(slot) {
                return;
            }
            match result {
                Ok(()) => {
                    let mut writer = store.writer.borrow_mut();
                    writer.kept_tip = writer.kept_tip.max(Some(tip));
                    drop(writer);
                    if let Some(channel) = &store.channel {
                        channel.say(&Said::Replaced { slot });
                    }
                    if why == Replaced::Moved {
                        // Kept here now: the old key would come back as a
                        // stale copy.
                        if let Some(local) = local_storage() {
                            let _ = local.remove_item(LOCAL_RUN);
                        }
                    }
                    store.tell(KeepingAction::PreviousKept(after.previous.map(|p| p.run)));
                }
                Err(why_not) => {
                    // Nothing of it was written: the next change tries again.
                    *store.slots.borrow_mut() = before;
                    {
                        let mut writer = store.writer.borrow_mut();
                        writer.epoch = None;
                        writer.slot = None;
                        writer.kept_tip = kept_tip;
                    }
                    store.tell(KeepingAction::SaveFailed {
                        from: 0,
                        reached: tip,
                        why: why_not,
                    });
                }
            }
        });
        Ok(())
    }

    /// The tip of the run the store holds as the page's, as found at start
    /// (a replacement keeps that run aside with its length).
    pub fn found_kept(&self, tip: Option<u64>) {
        self.writer.borrow_mut().kept_tip = tip;
    }

    /// "Undo": the run kept aside becomes the page's run again; the run
    /// that replaced it (the page's, of run mark `epoch`) is deleted, and
    /// its changes are no longer written.
    pub async fn undo(&self, epoch: u64) -> Result<(u32, Reopened), String> {
        let slots = self.slots();
        let aside = slots.previous.ok_or("no run is kept aside")?;
        let reopened = self
            .reopen(aside.slot)
            .await?
            .ok_or("the run kept aside is gone")?;
        let (slot_before, epoch_before) = {
            let mut writer = self.writer.borrow_mut();
            let before = (writer.slot, writer.epoch);
            writer.slot = None;
            writer.epoch = None;
            writer.floor = epoch + 1;
            before
        };
        let after = Slots {
            current: Some(aside.slot),
            previous: None,
            next: slots.next,
        };
        let switched = self.switch_to(&slots, &after).await;
        if let Err(why) = switched {
            // Nothing changed in the store: the page's run is written again.
            let mut writer = self.writer.borrow_mut();
            (writer.slot, writer.epoch) = (slot_before, epoch_before);
            writer.floor = 0;
            return Err(why);
        }
        *self.slots.borrow_mut() = after;
        if let Some(channel) = &self.channel {
            channel.say(&Said::Replaced { slot: aside.slot });
        }
        Ok((aside.slot, reopened))
    }

    /// Deletes the current run of `before` and writes `after` as the index.
    async fn switch_to(&self, before: &Slots, after: &Slots) -> Result<(), String> {
        let tx = self.write(&[idb::BLOCKS, idb::RUNS, idb::META], |tx| {
            if let Some(current) = before.current {
                delete_run(tx, current)?;
            }
            put_meta(tx, "slots", &after.to_text())
        })?;
        idb::done(&tx).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_survives_the_round_trip_and_damage_is_refused() {
        let slots = Slots {
            current: Some(4),
            previous: Some(Aside {
                slot: 3,
                run: PreviousRun {
                    blocks: 1_234,
                    why: Replaced::Reset,
                },
            }),
            next: 5,
        };
        assert_eq!(Slots::parse(&slots.to_text()), Ok(slots));
        assert_eq!(Slots::parse(""), Ok(Slots::default()));
        for bad in [
            "next=x",
            "current=",
            "previous=3 12",
            "previous=3 12 lost",
            "other=1",
            "next",
        ] {
            assert!(Slots::parse(bad).is_err(), "{bad}");
        }
        for why in Replaced::ALL {
            assert_eq!(Replaced::named(why.name()), Some(why));
        }
    }
}
