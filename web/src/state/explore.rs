//! The block explorer's part of the state: tampering with history and
//! undoing it. Every change is a core call; this module only keeps what the
//! class is doing and the page's answers.

use super::{verification, Action, AppState, Countdown, Notice, Verification, Verified};
use crate::clock;
use ecloud_core::chain::genesis::CommunitySpec;
use ecloud_core::simulation::tamper::Edit;
use ecloud_core::{Chain, Keyring, RunSeed, Simulation};
use serde_json::Value;
use std::rc::Rc;

/// What sort of value a field holds, so typed text becomes the right JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A hex hash, a signature, a name: the text as typed.
    Text,
    /// A whole number: the core reads the text and says if it is not one.
    Number,
    /// true, false, null: read as JSON.
    Other,
}

impl FieldKind {
    pub fn of(value: &Value) -> FieldKind {
        match value {
            Value::String(_) => FieldKind::Text,
            v if v.is_number() => FieldKind::Number,
            _ => FieldKind::Other,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExploreAction {
    /// Opens or closes a block's "Edit values" list.
    EditValues(u64),
    Tamper {
        height: u64,
        pointer: String,
        text: String,
        kind: FieldKind,
    },
    Rehash(u64),
    UndoLast,
    UndoAll,
    /// A chain file's text, read from a file picker or a drop.
    Import {
        name: String,
        text: String,
        now_ms: f64,
    },
    /// A fresh run: from the seed number if given, else with random keys.
    Reset {
        seed: Option<u64>,
        now_ms: f64,
    },
    /// Browser storage refused to keep the run, or the like.
    StorageProblem(String),
    /// The page's own answer about files (a download that failed).
    FilesProblem(String),
}

impl From<ExploreAction> for Action {
    fn from(action: ExploreAction) -> Action {
        Action::Explore(action)
    }
}

/// The explorer's answers and modes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Explorer {
    /// The block whose values are listed for editing.
    pub editing: Option<u64>,
    /// The answer to the last edit or re-hash, shown beside the block.
    pub edit_notice: Option<Notice>,
    /// The answer to undo, shown in the tampering panel.
    pub notice: Option<Notice>,
    /// Export and import answers.
    pub files_notice: Option<Notice>,
    /// What happened to the run kept in this browser.
    pub storage_notice: Option<Notice>,
    /// The chain was imported with keys this page does not hold: it can be
    /// viewed and verified, not extended (and is not kept across reloads).
    pub foreign_keys: bool,
}

/// Said while an imported chain's keys are not this page's.
pub const FOREIGN: &str =
    "This chain was imported with keys this page does not hold: it can be viewed \
     and verified, but no block can be sealed on it. Reset to start a run of your own.";

/// A fresh run. A seeded run's genesis is dated 0 (1970): its time is the
/// only thing a run draws from the clock, so the same seed then gives the
/// same genesis block, keys and hash on every machine.
pub fn fresh_run(seed: Option<u64>, now_ms: f64) -> Result<Simulation, String> {
    let keys = match seed {
        Some(n) => Keyring::from_seed_number(n),
        None => Keyring::random().map_err(|e| e.to_string())?,
    };
    Simulation::start(&CommunitySpec::default(), keys, now_ms as u64).map_err(|e| e.to_string())
}

/// The seed number of a run, if it was started from one.
pub fn seed_of(sim: &Simulation) -> Option<u64> {
    match sim.keys().seed() {
        RunSeed::Number(n) => Some(n),
        RunSeed::Random => None,
    }
}

/// The page at start: the run kept in this browser if there is one (and it
/// matches the seed asked for in the address), else a fresh run. `saved` is
/// what storage held, or why storage could not be read.
pub fn start_page(
    seed: Option<u64>,
    saved: Result<Option<String>, String>,
    now_ms: f64,
) -> Result<AppState, String> {
    let (restored, notice) = match saved {
        Ok(None) => (None, None),
        Ok(Some(text)) => match Simulation::restore(&text) {
            Ok(sim) if seed.is_some() && seed_of(&sim) != seed => (
                None,
                Notice::done(format!(
                    "A new run from seed {} replaces the run this browser kept.",
                    seed.unwrap_or_default()
                )),
            ),
            Ok(sim) => {
                let blocks = sim.chain().len();
                (
                    Some(sim),
                    Notice::done(format!(
                        "Your run is back: {blocks} blocks, as kept in this browser."
                    )),
                )
            }
            Err(e) => (
                None,
                Notice::refused(format!(
                    "The run kept in this browser could not be restored: {e}. A fresh run started."
                )),
            ),
        },
        Err(why) => (
            None,
            Notice::refused(format!(
                "This browser keeps no storage for this page ({why}): the run will not survive a reload."
            )),
        ),
    };
    let sim = match restored {
        Some(sim) => sim,
        None => fresh_run(seed, now_ms)?,
    };
    let mut state = AppState::around(sim, now_ms);
    state.explorer.storage_notice = notice;
    Ok(state)
}

/// Shown while history is changed: the timer waits instead of failing.
pub const TAMPERED: &str =
    "History is tampered: undo to continue. No block is sealed on top of a changed history.";

impl AppState {
    /// Why the timer must not seal now, if it must not: said once, not
    /// failed every tick.
    pub(super) fn why_not_sealing(&self) -> Option<String> {
        if self.explorer.foreign_keys {
            return Some(FOREIGN.to_string());
        }
        let sim = self.community.read();
        sim.is_tampered().then(|| TAMPERED.to_string())
    }

    pub(super) fn explore(&mut self, action: ExploreAction) {
        match action {
            ExploreAction::EditValues(height) => {
                self.explorer.editing = if self.explorer.editing == Some(height) {
                    None
                } else {
                    self.blocks.expand(height);
                    Some(height)
                };
                self.explorer.edit_notice = None;
            }
            ExploreAction::Tamper {
                height,
                pointer,
                text,
                kind,
            } => self.tamper(height, pointer, text, kind),
            ExploreAction::Import { name, text, now_ms } => self.import(&name, &text, now_ms),
            ExploreAction::Reset { seed, now_ms } => match fresh_run(seed, now_ms) {
                Ok(sim) => {
                    let block_secs = self.clock.block_secs;
                    let was_verifying = self.is_verifying();
                    *self = AppState::around(sim, now_ms);
                    self.clock.block_secs = block_secs;
                    if was_verifying {
                        self.notices.verify = Notice::done(verification::CANCELLED_BY_RESET);
                    }
                    self.explorer.files_notice = Notice::done(match seed {
                        Some(n) => {
                            format!("A fresh run from seed {n} started; the old run is gone.")
                        }
                        None => {
                            "A fresh run with new random keys started; the old run is gone.".into()
                        }
                    });
                }
                Err(e) => {
                    self.explorer.files_notice =
                        Notice::refused(format!("No fresh run could start: {e}. Nothing changed."))
                }
            },
            ExploreAction::StorageProblem(text) => {
                self.explorer.storage_notice = Notice::refused(text)
            }
            ExploreAction::FilesProblem(text) => self.explorer.files_notice = Notice::refused(text),
            ExploreAction::Rehash(height) => {
                let Some(mut sim) = self.community.write() else {
                    self.explorer.edit_notice = Notice::busy();
                    return;
                };
                let hash_of = |sim: &ecloud_core::Simulation| {
                    usize::try_from(height)
                        .ok()
                        .and_then(|i| sim.chain().blocks().get(i))
                        .map(|b| b.hash)
                };
                let before = hash_of(&sim);
                let result = sim.rehash(height);
                let changed = hash_of(&sim) != before;
                let child = if height < sim.chain().tip().height() {
                    format!(
                        ", and block {} still names the old hash as its parent",
                        height + 1
                    )
                } else {
                    String::new()
                };
                drop(sim);
                self.explorer.edit_notice = match result {
                    Ok(()) if !changed => Notice::done(format!(
                        "Re-hashing block {height} changed nothing: its ids and hashes already match \
                         its contents."
                    )),
                    Ok(()) => {
                        self.verify_again();
                        Notice::done(format!(
                            "Block {height} re-hashed, as a forger without keys would: its transaction \
                             ids, Merkle root, ledger hash and hash now match its contents, for anyone \
                             can recompute a hash. A signature needs its signer's key, though: a changed \
                             transaction's signature still signs its old id, the seal still signs the \
                             old hash{child}. Verification says so."
                        ))
                    }
                    Err(e) => Notice::refused(format!("Not re-hashed: {e}. Nothing changed.")),
                };
            }
            ExploreAction::UndoLast | ExploreAction::UndoAll => {
                let Some(mut sim) = self.community.write() else {
                    self.explorer.notice = Notice::busy();
                    return;
                };
                let all = action == ExploreAction::UndoAll;
                let undone = if all {
                    let was = sim.is_tampered();
                    sim.undo_all_tampering();
                    was
                } else {
                    sim.undo_tamper()
                };
                let still = sim.is_tampered();
                drop(sim);
                self.explorer.edit_notice = None;
                self.explorer.notice = if !undone {
                    Notice::refused("There is no change to undo: history is as it was sealed.")
                } else if still {
                    Notice::done("The last change is undone; other changes remain.")
                } else {
                    if self
                        .notices
                        .sealing
                        .as_ref()
                        .is_some_and(|n| n.text == TAMPERED)
                    {
                        self.notices.sealing = None;
                    }
                    Notice::done("History is back as it was sealed: blocks are sealed again.")
                };
                if undone {
                    self.verify_again();
                }
            }
        }
    }

    fn import(&mut self, name: &str, text: &str, now_ms: f64) {
        let start = clock::precise_ms();
        let (chain, report) = match Chain::import_json(text) {
            Ok(imported) => imported,
            Err(e) => {
                self.explorer.files_notice = Notice::refused(format!(
                    "\u{201c}{name}\u{201d} was not imported: {e}. The chain in use is unchanged."
                ));
                return;
            }
        };
        let millis = clock::precise_ms() - start;
        let keys = self.community.read().keys().clone();
        let sim = Simulation::resume(chain, keys);
        let ours = sim.holds_keys();
        let blocks = sim.chain().len();
        let tip_height = sim.chain().tip().height();
        let explorer = Explorer {
            storage_notice: self.explorer.storage_notice.clone(),
            foreign_keys: !ours,
            files_notice: Notice::done(if ours {
                format!("\u{201c}{name}\u{201d} imported and verified: {blocks} blocks. It is this run's chain, so sealing goes on.")
            } else {
                format!("\u{201c}{name}\u{201d} imported and verified: {blocks} blocks. {FOREIGN}")
            }),
            ..Explorer::default()
        };
        let block_secs = self.clock.block_secs;
        let was_verifying = self.is_verifying();
        *self = AppState::around(sim, now_ms);
        self.clock.block_secs = block_secs;
        if was_verifying {
            self.notices.verify = Notice::done(verification::CANCELLED_BY_IMPORT);
        }
        self.clock.countdown = Countdown::Paused {
            left_ms: self.clock.period_ms(),
        };
        self.explorer = explorer;
        self.verification = Verification::Done(Verified {
            report: Rc::new(report),
            millis,
            elapsed_ms: None,
            tip_height,
        });
    }

    fn tamper(&mut self, height: u64, pointer: String, text: String, kind: FieldKind) {
        let value = match kind {
            FieldKind::Text | FieldKind::Number => Value::String(text.clone()),
            FieldKind::Other => {
                serde_json::from_str(text.trim()).unwrap_or_else(|_| Value::String(text.clone()))
            }
        };
        let edit = Edit {
            height,
            pointer,
            value,
        };
        let Some(mut sim) = self.community.write() else {
            self.explorer.edit_notice = Notice::busy();
            return;
        };
        // Named as the editor names it: "Block 1: Anne's energy balance is now 5 kWh".
        let now = crate::field_names::said_now(&sim, &edit.pointer, height, text.trim());
        let result = sim.tamper(&edit);
        drop(sim);
        self.explorer.notice = None;
        self.explorer.edit_notice = match result {
            Ok(()) => {
                self.verify_again();
                Notice::done(format!(
                    "Block {height}{now}. Verification runs again to find what broke."
                ))
            }
            Err(e) => Notice::refused(format!("Not changed: {e}.")),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{GenerationAction, TimerAction, Tone};
    use ecloud_core::chain::genesis::{CommunitySpec, GEORGE};
    use ecloud_core::{Keyring, Simulation};
    use std::rc::Rc;
    use yew::Reducible;

    const T0: f64 = 1_700_000_000_000.0;

    fn run(actions: impl IntoIterator<Item = Action>) -> AppState {
        let sim = Simulation::start(
            &CommunitySpec::default(),
            Keyring::from_seed_number(9),
            T0 as u64,
        )
        .expect("starts");
        actions
            .into_iter()
            .fold(Rc::new(AppState::around(sim, T0)), |s, a| s.reduce(a))
            .as_ref()
            .clone()
    }

    fn run_on(s: AppState, actions: impl IntoIterator<Item = Action>) -> AppState {
        actions
            .into_iter()
            .fold(Rc::new(s), |s, a| s.reduce(a))
            .as_ref()
            .clone()
    }

    fn explore(a: ExploreAction) -> Action {
        a.into()
    }

    fn seal(now_ms: f64) -> Action {
        TimerAction::SealNow { now_ms }.into()
    }

    #[test]
    fn import_verifies_first_and_a_foreign_chain_is_view_only() {
        let s = run([seal(T0 + 1.0)]);
        let text = s.community.read().chain().to_json();
        let before = s.community.read().chain().tip().hash;
        let bad = text.replacen("\"balance\": 1000000", "\"balance\": 1000001", 1);
        assert_ne!(bad, text);
        let s = run_on(
            s,
            [explore(ExploreAction::Import {
                name: "bad.json".into(),
                text: bad,
                now_ms: T0 + 2.0,
            })],
        );
        let n = s.explorer.files_notice.clone().expect("an answer");
        assert_eq!(n.tone, Tone::Refused);
        assert!(n.text.contains("block 0"), "{}", n.text);
        assert_eq!(s.community.read().chain().tip().hash, before);
        // Our own export comes back and can be extended.
        let s = run_on(
            s,
            [
                explore(ExploreAction::Import {
                    name: "ok.json".into(),
                    text: text.clone(),
                    now_ms: T0 + 2.0,
                }),
                seal(T0 + 3.0),
            ],
        );
        assert!(!s.explorer.foreign_keys);
        assert_eq!(s.tip_height(), 2);
        // Another run's chain: viewable, not extendable.
        let other = run([explore(ExploreAction::Reset {
            seed: Some(5),
            now_ms: T0,
        })]);
        let s = run_on(
            other,
            [
                explore(ExploreAction::Import {
                    name: "theirs.json".into(),
                    text,
                    now_ms: T0 + 4.0,
                }),
                seal(T0 + 5.0),
            ],
        );
        assert!(s.explorer.foreign_keys);
        assert_eq!(s.tip_height(), 1);
        assert_eq!(s.notices.sealing.map(|n| n.text), Some(FOREIGN.to_string()));
    }

    #[test]
    fn the_same_seed_gives_the_same_genesis_and_a_saved_run_comes_back() {
        let a = start_page(Some(42), Ok(None), T0).expect("starts");
        let b = start_page(Some(42), Ok(None), T0 + 12_345.0).expect("starts");
        assert_eq!(
            a.community.read().chain().genesis().hash,
            b.community.read().chain().genesis().hash
        );
        let a = run_on(a, [seal(T0 + 1.0)]);
        let saved = a.community.read().save();
        let back = start_page(Some(42), Ok(Some(saved.clone())), T0 + 2.0).expect("starts");
        assert_eq!(back.tip_height(), 1);
        let other_seed = start_page(Some(43), Ok(Some(saved)), T0 + 2.0).expect("starts");
        assert_eq!(other_seed.tip_height(), 0);
        let corrupt = start_page(None, Ok(Some("garbage".into())), T0).expect("starts");
        assert_eq!(
            corrupt.explorer.storage_notice.clone().map(|n| n.tone),
            Some(Tone::Refused)
        );
        assert_eq!(corrupt.tip_height(), 0);
        let none = start_page(None, Err("blocked".into()), T0).expect("starts");
        assert_eq!(
            none.explorer.storage_notice.map(|n| n.tone),
            Some(Tone::Refused)
        );
    }

    #[test]
    fn a_tampered_history_stops_the_timer_until_undone() {
        let s = run([
            GenerationAction::Generate { generator: GEORGE }.into(),
            seal(T0 + 1.0),
            seal(T0 + 2.0),
            explore(ExploreAction::Tamper {
                height: 1,
                pointer: "/body/transactions/0/body/allocation/0/energy".into(),
                text: "1".into(),
                kind: FieldKind::Number,
            }),
            seal(T0 + 3.0),
        ]);
        assert_eq!(s.tip_height(), 2);
        assert!(s.is_verifying());
        assert_eq!(
            s.notices.sealing.as_ref().map(|n| n.text.as_str()),
            Some(TAMPERED)
        );
        let s = run([
            GenerationAction::Generate { generator: GEORGE }.into(),
            seal(T0 + 1.0),
            explore(ExploreAction::Tamper {
                height: 1,
                pointer: "/body/transactions/0/body/allocation/0/energy".into(),
                text: "ten".into(),
                kind: FieldKind::Number,
            }),
        ]);
        assert_eq!(
            s.explorer.edit_notice.as_ref().map(|n| n.tone),
            Some(Tone::Refused)
        );
        assert!(!s.community.read().is_tampered());
        let s = run([
            seal(T0 + 1.0),
            explore(ExploreAction::Rehash(1)),
            seal(T0 + 2.0),
            explore(ExploreAction::UndoAll),
            seal(T0 + 3.0),
        ]);
        assert_eq!(s.tip_height(), 2);
        assert_eq!(s.notices.sealing, None);
        let s = run([explore(ExploreAction::UndoLast)]);
        assert_eq!(s.explorer.notice.map(|n| n.tone), Some(Tone::Refused));
    }
}
