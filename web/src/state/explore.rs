//! The block explorer's part of the state: tampering with history and
//! undoing it. Every change is a core call; this module only keeps what the
//! class is doing and the page's answers.

use super::{
    verification, Action, AppState, Countdown, Keeping, Notice, Origin, PreviousRun, Replaced,
    Role, Verification, Verified, FOLLOWING,
};
use crate::clock;
use crate::format::{count, thousands};
use ecloud_core::chain::genesis::CommunitySpec;
use ecloud_core::simulation::saved::is_run_file;
use ecloud_core::simulation::tamper::Edit;
use ecloud_core::{Chain, Keyring, Report, RunSeed, Simulation};
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

/// What the page found kept in this browser at start.
#[allow(
    clippy::large_enum_variant,
    reason = "made once, at start, and taken apart at once"
)]
pub enum Found {
    /// Nothing: the first visit.
    Nothing,
    /// No storage for this page: why.
    NoStorage(String),
    /// A run kept by the pages before this one, in localStorage: its text.
    Local(String),
    /// The run of the store's `slot`, reopened trusting all but its newest
    /// blocks (`report`); `reached`, if the store kept only part of it, the
    /// tip the run had reached.
    Kept {
        sim: Simulation,
        report: Report,
        slot: u32,
        previous: Option<PreviousRun>,
        reached: Option<u64>,
    },
    /// The store's run could not be reopened: why.
    Damaged(String),
    /// The address asks for a seed the store's run was not started from:
    /// the store's run has this many blocks.
    OtherSeed(u64),
}

/// The page at start, from what was found kept and the seed number asked
/// for in the address: the kept run, or a fresh one (seeded from the
/// address) that the store keeps beside the old one. A tab that follows
/// another always shows the kept run.
pub fn start_page(
    seed: Option<u64>,
    found: Found,
    role: Role,
    now_ms: f64,
) -> Result<AppState, String> {
    let fresh = |origin: Origin, notice: Option<Notice>| -> Result<AppState, String> {
        let mut state = AppState::around(fresh_run(seed, now_ms)?, now_ms);
        state.keeping = Keeping::new(role, origin);
        state.explorer.storage_notice = notice;
        Ok(state)
    };
    match found {
        Found::Nothing => fresh(Origin::New(Replaced::Fresh), None),
        Found::NoStorage(why) => fresh(
            Origin::Unkept,
            Notice::refused(format!(
                "This browser keeps no storage for this page ({why}): the run will not survive a \
                 reload. Export the run with its keys to keep it."
            )),
        ),
        Found::Local(text) => match Simulation::restore(&text) {
            Ok(sim) if seed.is_some() && seed_of(&sim) != seed => fresh(
                Origin::New(Replaced::Fresh),
                Notice::done(format!(
                    "A new run from seed {} replaces the run this browser kept.",
                    seed.unwrap_or_default()
                )),
            ),
            Ok(sim) => {
                let blocks = sim.chain().len() as u64;
                let mut state = AppState::around(sim, now_ms);
                state.keeping = Keeping::new(role, Origin::New(Replaced::Moved));
                state.explorer.storage_notice = Notice::done(format!(
                    "Your run is back: {}, as kept in this browser.",
                    count(blocks, "block", "blocks")
                ));
                Ok(state)
            }
            Err(e) => fresh(
                Origin::New(Replaced::Fresh),
                Notice::refused(format!(
                    "The run kept in this browser could not be restored: {e}. A fresh run started."
                )),
            ),
        },
        Found::Kept {
            sim,
            report,
            slot,
            previous,
            reached,
        } => {
            let blocks = sim.chain().len() as u64;
            let tip = sim.chain().tip().height();
            let mut state = AppState::around(sim, now_ms);
            state.keeping = Keeping::new(role, Origin::Kept { slot });
            state.keeping.previous = previous.filter(|p| p.why.undoable());
            state.start_store_check(&report);
            state.explorer.storage_notice = Notice::done(format!(
                "Your run is back: {}, as kept in this browser.",
                count(blocks, "block", "blocks")
            ));
            if let Some(reached) = reached.filter(|r| *r > tip) {
                if state.keeping.held.is_none() {
                    state.keeping.held = Some(format!(
                        "This is the run as this browser kept it, up to block {}: the run had \
                         reached block {}, but blocks {} to {} were not kept (storage refused \
                         them, or the page was closed while they were being written). Nothing \
                         is sealed on it until you choose: import the run file you exported to \
                         go on from block {}, or go on from block {}.",
                        tip,
                        reached,
                        tip + 1,
                        reached,
                        reached,
                        tip
                    ));
                    state.keeping.go_on_from = Some(tip);
                }
            }
            if role == Role::Follower && seed.is_some() && seed_of(&state.community.read()) != seed
            {
                state.explorer.files_notice = Notice::done(format!(
                    "The address asks for seed {}, but another tab keeps this run: close it to \
                     start the run from seed {}.",
                    seed.unwrap_or_default(),
                    seed.unwrap_or_default()
                ));
            }
            Ok(state)
        }
        Found::Damaged(why) => fresh(
            Origin::New(Replaced::Damaged),
            Notice::refused(format!(
                "The run kept in this browser could not be reopened: {why}. A fresh run started; \
                 the kept records stay in this browser until the next reset."
            )),
        ),
        Found::OtherSeed(blocks) => {
            let mut state = fresh(Origin::New(Replaced::Seed), None)?;
            state.explorer.files_notice = Notice::done(format!(
                "A new run from seed {} replaces the run this browser kept ({}), which is kept \
                 aside until the next reset.",
                seed.unwrap_or_default(),
                count(blocks, "block", "blocks")
            ));
            Ok(state)
        }
    }
}

/// Shown while history is changed: the timer waits instead of failing.
pub const TAMPERED: &str =
    "History is tampered: undo to continue. No block is sealed on top of a changed history.";

impl AppState {
    /// Why the timer must not seal now, if it must not: said once, not
    /// failed every tick.
    pub(super) fn why_not_sealing(&self) -> Option<String> {
        if self.keeping.following() {
            return Some(FOLLOWING.to_string());
        }
        if let Some(why) = &self.keeping.held {
            return Some(why.clone());
        }
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
                    let was_verifying = self.is_verifying();
                    self.replace_run(sim, now_ms, Origin::New(Replaced::Reset));
                    if was_verifying {
                        self.notices.verify = Notice::done(verification::CANCELLED_BY_RESET);
                    }
                    self.explorer.files_notice = Notice::done(match seed {
                        Some(n) => format!("A fresh run from seed {n} started."),
                        None => "A fresh run with new random keys started.".into(),
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
                let hash_of =
                    |sim: &ecloud_core::Simulation| sim.chain().block_at(height).map(|b| b.hash);
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
                    self.notices.clear_sealing_if(TAMPERED);
                    Notice::done("History is back as it was sealed: blocks are sealed again.")
                };
                if undone {
                    self.verify_again();
                }
            }
        }
    }

    /// Another run replaces the page's: the timer's pace and the page's
    /// settings stay, and the store keeps the old run aside (`origin`).
    fn replace_run(&mut self, sim: Simulation, now_ms: f64, origin: Origin) {
        let mut next = AppState::around(sim, now_ms);
        next.clock.block_secs = self.clock.block_secs;
        next.auto = self.auto.clone();
        next.keeping = self.keeping.clone();
        next.keeping.previous = None;
        next.keeping.replaced(origin);
        next.explorer.storage_notice = self.explorer.storage_notice.clone();
        *self = next;
    }

    fn import(&mut self, name: &str, text: &str, now_ms: f64) {
        if is_run_file(text) {
            self.import_run(name, text, now_ms);
            return;
        }
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
        let was_verifying = self.is_verifying();
        let kept = self.keeping.keeps_a_run();
        // Another run's chain is only shown: the store keeps the run it holds.
        self.replace_run(
            sim,
            now_ms,
            if ours {
                Origin::New(Replaced::Import)
            } else {
                Origin::Unkept
            },
        );
        if was_verifying {
            self.notices.verify = Notice::done(verification::CANCELLED_BY_IMPORT);
        }
        self.clock.countdown = Countdown::Paused {
            left_ms: self.clock.period_ms(),
        };
        self.explorer.foreign_keys = !ours;
        self.explorer.files_notice = Notice::done(if ours {
            format!("\u{201c}{name}\u{201d} imported and verified: {blocks} blocks. It is this run's chain, so sealing goes on.")
        } else if kept {
            format!("\u{201c}{name}\u{201d} imported and verified: {blocks} blocks. {FOREIGN} Your own run is still kept in this browser: reload the page to go back to it.")
        } else {
            format!("\u{201c}{name}\u{201d} imported and verified: {blocks} blocks. {FOREIGN}")
        });
        self.verification = Verification::Done(Verified {
            report: Rc::new(report),
            millis,
            elapsed_ms: None,
            tip_height,
        });
    }

    /// A run file, exported with its keys: the run goes on here.
    fn import_run(&mut self, name: &str, text: &str, now_ms: f64) {
        // Restoring verifies the whole chain first.
        let sim = match Simulation::restore(text) {
            Ok(sim) => sim,
            Err(e) => {
                self.explorer.files_notice = Notice::refused(format!(
                    "\u{201c}{name}\u{201d} was not imported: {e}. The run in use is unchanged."
                ));
                return;
            }
        };
        let blocks = sim.chain().len() as u64;
        let was_verifying = self.is_verifying();
        self.replace_run(sim, now_ms, Origin::New(Replaced::Import));
        if was_verifying {
            self.notices.verify = Notice::done(verification::CANCELLED_BY_IMPORT);
        }
        self.clock.countdown = Countdown::Paused {
            left_ms: self.clock.period_ms(),
        };
        self.explorer.files_notice = Notice::done(format!(
            "\u{201c}{name}\u{201d} imported and verified: the run with its keys, {}. It goes on \
             here: the next block is block {}.",
            count(blocks, "block", "blocks"),
            thousands(blocks)
        ));
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
    use crate::state::{GenerationAction, KeepingAction, RunMark, TimerAction, Tone};
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

    fn writer(seed: Option<u64>, found: Found, now_ms: f64) -> AppState {
        start_page(seed, found, Role::Writer, now_ms).expect("starts")
    }

    #[test]
    fn the_same_seed_gives_the_same_genesis_and_a_kept_run_comes_back() {
        let a = writer(Some(42), Found::Nothing, T0);
        let b = writer(Some(42), Found::Nothing, T0 + 12_345.0);
        assert_eq!(
            a.community.read().chain().genesis().hash,
            b.community.read().chain().genesis().hash
        );
        assert_eq!(a.keeping.run.origin, Origin::New(Replaced::Fresh));
        let a = run_on(a, [seal(T0 + 1.0)]);
        // Kept by a page before this one, in localStorage: moved.
        let saved = a.community.read().save();
        let back = writer(Some(42), Found::Local(saved.clone()), T0 + 2.0);
        assert_eq!(back.tip_height(), 1);
        assert_eq!(back.keeping.run.origin, Origin::New(Replaced::Moved));
        let other_seed = writer(Some(43), Found::Local(saved), T0 + 2.0);
        assert_eq!(other_seed.tip_height(), 0);
        let corrupt = writer(None, Found::Local("garbage".into()), T0);
        assert_eq!(
            corrupt.explorer.storage_notice.clone().map(|n| n.tone),
            Some(Tone::Refused)
        );
        assert_eq!(corrupt.tip_height(), 0);
        let none =
            start_page(None, Found::NoStorage("blocked".into()), Role::Alone, T0).expect("starts");
        assert_eq!(
            none.explorer.storage_notice.map(|n| n.tone),
            Some(Tone::Refused)
        );
        assert_eq!(none.keeping.run.origin, Origin::Unkept);
        // From the store: trusted, then verified in the background.
        let sim = a.community.read();
        let (reopened, report) =
            Simulation::reopen(&sim.rest_record(), sim.chain().clone(), 16).expect("reopens");
        drop(sim);
        let kept = writer(
            Some(42),
            Found::Kept {
                sim: reopened,
                report,
                slot: 3,
                previous: Some(PreviousRun {
                    blocks: 9,
                    why: Replaced::Reset,
                }),
                reached: None,
            },
            T0 + 3.0,
        );
        assert_eq!(kept.tip_height(), 1);
        assert_eq!(kept.keeping.run.origin, Origin::Kept { slot: 3 });
        assert_eq!(kept.keeping.previous.map(|p| p.blocks), Some(9));
        assert_eq!(kept.why_not_sealing(), None);
        // The address asks for another seed: a fresh run, the old kept aside.
        let other = writer(Some(43), Found::OtherSeed(2), T0);
        assert_eq!(other.keeping.run.origin, Origin::New(Replaced::Seed));
        let said = other.explorer.files_notice.expect("said").text;
        assert!(
            said.contains("seed 43 replaces the run this browser kept (2 blocks)"),
            "{said}"
        );
    }

    #[test]
    fn a_run_storage_kept_only_in_part_is_held_until_the_class_chooses() {
        let a = run([seal(T0 + 1.0), seal(T0 + 2.0)]);
        let sim = a.community.read();
        let (reopened, report) =
            Simulation::reopen(&sim.rest_record(), sim.chain().clone(), 16).expect("reopens");
        drop(sim);
        let s = writer(
            None,
            Found::Kept {
                sim: reopened,
                report,
                slot: 1,
                previous: None,
                reached: Some(7),
            },
            T0,
        );
        let held = s.why_not_sealing().expect("held");
        assert!(
            held.contains("up to block 2: the run had reached block 7"),
            "{held}"
        );
        assert_eq!(s.keeping.go_on_from, Some(2));
        let s = run_on(s, [seal(T0 + 3.0)]);
        assert_eq!(s.tip_height(), 2);
        let s = run_on(s, [KeepingAction::GoOn.into(), seal(T0 + 4.0)]);
        assert_eq!(s.tip_height(), 3);
    }

    #[test]
    fn a_reset_or_an_import_is_a_new_run_for_the_store_and_a_foreign_chain_is_not_kept() {
        let mut s = run([seal(T0 + 1.0)]);
        s.keeping = Keeping::new(Role::Writer, Origin::Kept { slot: 1 });
        s.clock.block_secs = 7;
        let own = s.community.read().chain().to_json();
        let file = s.community.read().export_with_keys();
        let reset = run_on(
            s.clone(),
            [explore(ExploreAction::Reset {
                seed: None,
                now_ms: T0,
            })],
        );
        assert_eq!(
            reset.keeping.run,
            RunMark {
                epoch: 1,
                origin: Origin::New(Replaced::Reset)
            }
        );
        assert_eq!(reset.keeping.role, Role::Writer);
        assert_eq!(reset.clock.block_secs, 7, "the timer's pace stays");
        assert_eq!(reset.tip_height(), 0);
        // This run's own chain, imported: a new run for the store.
        let back = run_on(
            reset.clone(),
            [explore(ExploreAction::Import {
                name: "own.json".into(),
                text: own,
                now_ms: T0,
            })],
        );
        assert!(back.explorer.foreign_keys, "the reset run has other keys");
        assert_eq!(back.keeping.run.origin, Origin::Unkept);
        // The run file: it goes on here.
        let back = run_on(
            reset,
            [
                explore(ExploreAction::Import {
                    name: "run.json".into(),
                    text: file,
                    now_ms: T0,
                }),
                seal(T0 + 5.0),
            ],
        );
        assert!(!back.explorer.foreign_keys);
        assert_eq!(back.keeping.run.epoch, 2);
        assert_eq!(back.keeping.run.origin, Origin::New(Replaced::Import));
        assert_eq!(back.tip_height(), 2, "sealing goes on");
        let said = back.explorer.files_notice.clone().expect("said").text;
        assert!(said.contains("the run with its keys, 2 blocks"), "{said}");
        // A damaged run file is refused and changes nothing.
        let refused = run_on(
            back.clone(),
            [explore(ExploreAction::Import {
                name: "bad.json".into(),
                text: "{\"format\": \"e-cloud-run\", \"version\": 1}".into(),
                now_ms: T0,
            })],
        );
        assert_eq!(refused.tip_height(), 2);
        assert_eq!(refused.keeping.run, back.keeping.run);
        assert_eq!(
            refused.explorer.files_notice.map(|n| n.tone),
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
