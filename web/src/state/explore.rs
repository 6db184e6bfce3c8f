//! The block explorer's part of the state: tampering with history and
//! undoing it. Every change is a core call; this module only keeps what the
//! class is doing and the page's answers.

use super::{AppState, Notice, Verification};
use ecloud_core::tamper::Edit;
use serde_json::Value;

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
            Value::Number(_) => FieldKind::Number,
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
}

/// Shown while history is changed: the timer waits instead of failing.
pub const TAMPERED: &str =
    "History is tampered: undo to continue. No block is sealed on top of a changed history.";

impl AppState {
    /// Why the timer must not seal now, if it must not: said once, not
    /// failed every tick.
    pub(super) fn why_not_sealing(&self) -> Option<String> {
        let sim = self.community.read();
        sim.is_tampered().then(|| TAMPERED.to_string())
    }

    pub(super) fn explore(&mut self, action: ExploreAction) {
        match action {
            ExploreAction::EditValues(height) => {
                self.explorer.editing = if self.explorer.editing == Some(height) {
                    None
                } else {
                    self.blocks.expanded.insert(height);
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
            ExploreAction::Rehash(height) => {
                let Some(mut sim) = self.community.write() else {
                    self.explorer.edit_notice = Self::busy();
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
                drop(sim);
                self.explorer.edit_notice = match result {
                    Ok(()) if !changed => Notice::done(format!(
                        "Re-hashing block {height} changed nothing: its header already matches its \
                         contents. A change inside a transaction breaks that transaction's id, which \
                         is the hash of its contents and is signed: only the signer's key could make \
                         a new one."
                    )),
                    Ok(()) => {
                        self.verification = Verification::Running;
                        Notice::done(format!(
                            "Block {height} re-hashed, as a forger without keys would: its Merkle root, \
                             ledger hash and hash now match its contents. But its seal still signs the old \
                             hash, and block {} still names the old hash as its parent: verification says so.",
                            height + 1
                        ))
                    }
                    Err(e) => Notice::refused(format!("Not re-hashed: {e}. Nothing changed.")),
                };
            }
            ExploreAction::UndoLast | ExploreAction::UndoAll => {
                let Some(mut sim) = self.community.write() else {
                    self.explorer.notice = Self::busy();
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
                    self.verification = Verification::Running;
                }
            }
        }
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
            self.explorer.edit_notice = Self::busy();
            return;
        };
        let result = sim.tamper(&edit);
        drop(sim);
        self.explorer.notice = None;
        self.explorer.edit_notice = match result {
            Ok(()) => {
                self.verification = Verification::Running;
                Notice::done(format!(
                    "Block {height}: {} is now \u{201c}{}\u{201d}. Verification runs again to find what broke.",
                    edit.pointer,
                    text.trim()
                ))
            }
            Err(e) => Notice::refused(format!("Not changed: {e}.")),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Action, Tone};
    use ecloud_core::community::{CommunitySpec, GEORGE};
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

    fn explore(a: ExploreAction) -> Action {
        Action::Explore(a)
    }

    #[test]
    fn a_tampered_history_stops_the_timer_until_undone() {
        let s = run([
            Action::Generate { generator: GEORGE },
            Action::SealNow { now_ms: T0 + 1.0 },
            Action::SealNow { now_ms: T0 + 2.0 },
            explore(ExploreAction::Tamper {
                height: 1,
                pointer: "/body/transactions/0/body/allocation/0/energy".into(),
                text: "1".into(),
                kind: FieldKind::Number,
            }),
            Action::SealNow { now_ms: T0 + 3.0 },
        ]);
        assert_eq!(s.tip_height(), 2);
        assert_eq!(s.verification, Verification::Running);
        assert_eq!(
            s.notices.sealing.as_ref().map(|n| n.text.as_str()),
            Some(TAMPERED)
        );
        let s = run([
            Action::Generate { generator: GEORGE },
            Action::SealNow { now_ms: T0 + 1.0 },
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
            Action::SealNow { now_ms: T0 + 1.0 },
            explore(ExploreAction::Rehash(1)),
            Action::SealNow { now_ms: T0 + 2.0 },
            explore(ExploreAction::UndoAll),
            Action::SealNow { now_ms: T0 + 3.0 },
        ]);
        assert_eq!(s.tip_height(), 2);
        assert_eq!(s.notices.sealing, None);
        let s = run([explore(ExploreAction::UndoLast)]);
        assert_eq!(s.explorer.notice.map(|n| n.tone), Some(Tone::Refused));
    }
}
