//! Keeping the run in this browser, the page's side: which tab writes it,
//! which run of the store the page shows (so the store knows whether to
//! write a change into it or keep a new run beside the old one), the run a
//! reset or an import replaced (which "Undo" brings back), the older blocks
//! of a run reopened from its newest ones, put in front once read in the
//! background, then the full verification of the run, run in the background
//! a slice at a time, and why nothing may be sealed on a kept chain that
//! turned out bad (a block that fails, older blocks that do not link) or
//! incomplete.
//!
//! The store itself (IndexedDB, the tabs' lock and channel) is in
//! `crate::store`; it answers with these actions.

use super::verification::{self, SlicedVerification, Step};
use super::{
    Action, AppState, BlocksAction, ElectionAction, ExploreAction, Notice, TimerAction,
    Verification, Verified,
};
use crate::format::count;
use ecloud_core::{Block, Report, Simulation};
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// What this tab is to the run kept in the browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// It keeps the run: every change is written at once.
    Writer,
    /// Another tab keeps it; this one shows it and changes nothing.
    Follower,
    /// The browser keeps nothing for this page.
    Alone,
}

/// Why the store's run was replaced by another; the replaced run is kept
/// beside it until the next replacement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replaced {
    /// Nothing was kept yet: the first run of this browser.
    Fresh,
    /// Moved from the small storage where pages before this one kept it.
    Moved,
    /// "Reset: start afresh".
    Reset,
    /// A run file or this run's own chain, imported.
    Import,
    /// A run from the seed number in the address.
    Seed,
    /// The kept run could not be reopened.
    Damaged,
}

impl Replaced {
    pub const ALL: [Replaced; 6] = [
        Replaced::Fresh,
        Replaced::Moved,
        Replaced::Reset,
        Replaced::Import,
        Replaced::Seed,
        Replaced::Damaged,
    ];

    /// Its name in the store's index.
    pub fn name(self) -> &'static str {
        match self {
            Replaced::Fresh => "fresh",
            Replaced::Moved => "moved",
            Replaced::Reset => "reset",
            Replaced::Import => "import",
            Replaced::Seed => "seed",
            Replaced::Damaged => "damaged",
        }
    }

    pub fn named(name: &str) -> Option<Replaced> {
        Replaced::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Whether "Undo" is offered for it: a choice the class made.
    pub fn undoable(self) -> bool {
        matches!(self, Replaced::Reset | Replaced::Import | Replaced::Seed)
    }

    /// "Undo reset", "Undo import", ...
    pub fn undo_label(self) -> &'static str {
        match self {
            Replaced::Import => "Undo import",
            Replaced::Seed => "Undo new run from seed",
            _ => "Undo reset",
        }
    }
}

/// Where the page's run is, to the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Read from the store's `slot`, which holds it as the page shows it.
    Kept { slot: u32 },
    /// A run the store does not hold yet, replacing the one it holds.
    New(Replaced),
    /// Shown but not kept: a chain imported with another run's keys.
    Unkept,
}

/// The page's run as the store sees it. `epoch` changes whenever the run is
/// replaced, so a change is written into the run it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunMark {
    pub epoch: u64,
    pub origin: Origin,
}

/// The run the last reset, import or new seeded run replaced, kept in the
/// store until the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PreviousRun {
    pub blocks: u64,
    pub why: Replaced,
}

/// The full verification of a run reopened from the store.
#[derive(Clone, Debug, PartialEq)]
pub enum StoreCheck {
    /// Nothing to check: a fresh run, or one verified whole as it was read.
    NotNeeded,
    /// The `total` older blocks are being read, in the background. The
    /// chain is verified once they are all read.
    Reading {
        total: u64,
    },
    /// Under way in the background, a slice at a time.
    Running(SlicedVerification),
    Passed {
        blocks: u64,
        /// From the first slice to the verdict.
        elapsed_ms: f64,
    },
    Failed,
}

/// The page's part in keeping the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Keeping {
    pub role: Role,
    pub run: RunMark,
    /// What "Undo" brings back, if anything.
    pub previous: Option<PreviousRun>,
    /// An undo is reading the previous run.
    pub undoing: bool,
    pub check: StoreCheck,
    /// Why nothing may be sealed on the kept chain, if so: it failed
    /// verification, or it is an older part of the run than the class
    /// reached (a run storage could not keep whole).
    pub held: Option<String>,
    /// A held run that is only incomplete: the class may choose to go on
    /// from its last block (what the button says).
    pub go_on_from: Option<u64>,
    /// The follower could not follow the last change: it reads the run
    /// again (counts the times it had to).
    pub reread: u64,
}

impl Keeping {
    pub fn new(role: Role, origin: Origin) -> Keeping {
        Keeping {
            role,
            run: RunMark { epoch: 0, origin },
            previous: None,
            undoing: false,
            check: StoreCheck::NotNeeded,
            held: None,
            go_on_from: None,
            reread: 0,
        }
    }

    pub fn following(&self) -> bool {
        self.role == Role::Follower
    }

    /// The page's run was replaced: the store keeps it apart from the last.
    pub(super) fn replaced(&mut self, origin: Origin) {
        self.run = RunMark {
            epoch: self.run.epoch + 1,
            origin,
        };
        self.check = StoreCheck::NotNeeded;
        self.held = None;
        self.go_on_from = None;
    }

    /// Whether the store holds a run that a replacement would keep aside
    /// (and "Undo" bring back).
    pub fn keeps_a_run(&self) -> bool {
        self.role != Role::Alone
    }
}

/// Why what needs the whole chain waits, while a reopened run's older
/// blocks are read.
pub const OLDER_UNREAD: &str = "This waits for the older blocks kept in this browser, which are \
     still being read (the note at the top says so).";

/// Said in a tab that follows another.
pub const FOLLOWING: &str =
    "This run is open in another tab, which keeps it; this tab follows it. \
     Close the other tab to change the run here.";

/// A run from the store, handed to the reducer (a `Simulation` is neither
/// `Clone` nor `PartialEq`, which an action must be).
#[derive(Clone)]
pub struct Handoff(Rc<RefCell<Option<Simulation>>>);

impl Handoff {
    pub fn new(sim: Simulation) -> Handoff {
        Handoff(Rc::new(RefCell::new(Some(sim))))
    }

    fn take(&self) -> Option<Simulation> {
        self.0.borrow_mut().take()
    }
}

impl PartialEq for Handoff {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for Handoff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Handoff(..)")
    }
}

/// Why a run was read from the store again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reopening {
    /// "Undo reset" (or import): the run kept aside is back.
    Undo,
    /// The writing tab replaced the run; this tab follows the new one.
    Follow,
}

#[derive(Clone, Debug, PartialEq)]
pub enum KeepingAction {
    /// A write failed: blocks from `from` on (and the latest waiting work)
    /// are not kept.
    SaveFailed {
        from: u64,
        reached: u64,
        why: String,
    },
    /// Writing works again after a failure.
    SavedAgain,
    /// The store kept the replaced run aside (or kept nothing).
    PreviousKept(Option<PreviousRun>),
    /// A run read from the store's `slot` replaces the page's run.
    Reopened {
        run: Handoff,
        slot: u32,
        report: Rc<Report>,
        previous: Option<PreviousRun>,
        why: Reopening,
    },
    /// The writing tab's blocks since this tab's tip, and its rest record
    /// and settings.
    Followed {
        blocks: Rc<Vec<Block>>,
        rest: String,
        settings: Option<String>,
    },
    /// The writing tab closed: this one writes now.
    BecomeWriter,
    /// "Undo": the previous run is being read, or could not be.
    Undoing,
    UndoFailed(String),
    /// The older blocks of the run of mark `epoch`, read in the background
    /// (or why they could not be).
    OlderBlocks {
        epoch: u64,
        read: Result<Rc<Vec<Block>>, String>,
    },
    /// The next slice of the background verification.
    CheckSlice,
    /// A run storage could not keep whole: go on from its last block.
    GoOn,
}

impl From<KeepingAction> for Action {
    fn from(action: KeepingAction) -> Action {
        Action::Keeping(action)
    }
}

/// What a following tab may still do: look, verify, simulate; nothing that
/// changes the run.
pub(super) fn follower_may(action: &Action) -> bool {
    matches!(
        action,
        Action::Timer(TimerAction::Tick { .. })
            | Action::Verification(_)
            | Action::Blocks(
                BlocksAction::ShowNewest
                    | BlocksAction::ShowOlder
                    | BlocksAction::ShowNewer
                    | BlocksAction::Show { .. }
                    | BlocksAction::Toggle(_)
            )
            | Action::Election(
                ElectionAction::ShowElection(_)
                    | ElectionAction::ShowElectionAt { .. }
                    | ElectionAction::RequestSimulation
                    | ElectionAction::Simulate
            )
            | Action::Explore(ExploreAction::StorageProblem(_) | ExploreAction::FilesProblem(_))
            | Action::Keeping(_)
    )
}

/// What a held chain's message says when verification found it bad.
fn bad_chain(report: &Report) -> String {
    let first = report.first_failure().map_or_else(
        || "a block".to_string(),
        |f| format!("block {} ({}: {})", f.height, f.check.code(), f.message),
    );
    format!(
        "The chain kept in this browser fails verification at {first}: {CHANGED} Export it to \
         look at it, {GO_ON}"
    )
}

/// Why a kept chain is held.
const CHANGED: &str = "it was changed outside this page. No block is sealed on it.";
/// What the class may do then.
const GO_ON: &str =
    "import a run file to go on, or reset to start afresh (the kept run stays until the next reset).";

impl AppState {
    pub(super) fn apply_keeping(&mut self, action: KeepingAction) {
        match action {
            KeepingAction::SaveFailed { from, reached, why } => {
                let lost = if from > reached {
                    "the latest waiting work".to_string()
                } else if from == reached {
                    format!("block {from}")
                } else {
                    format!("blocks {from} to {reached}")
                };
                self.explorer.storage_notice = Notice::refused(format!(
                    "This browser did not keep {lost} ({why}). The run goes on in this tab, but a \
                     reload would bring it back only up to block {}. Export the run with its keys \
                     to keep all of it; the page tries again with every change.",
                    from.saturating_sub(1)
                ));
            }
            KeepingAction::SavedAgain => {
                self.explorer.storage_notice =
                    Notice::done("The whole run is kept in this browser again.");
            }
            KeepingAction::PreviousKept(previous) => {
                self.keeping.previous = previous.filter(|p| p.why.undoable());
            }
            KeepingAction::Undoing => {
                self.keeping.undoing = true;
                self.explorer.files_notice = None;
            }
            KeepingAction::UndoFailed(why) => {
                self.keeping.undoing = false;
                self.explorer.files_notice = Notice::refused(format!(
                    "The previous run could not be brought back: {why}. The run in use is unchanged."
                ));
            }
            KeepingAction::Reopened {
                run,
                slot,
                report,
                previous,
                why,
            } => {
                let Some(sim) = run.take() else {
                    return;
                };
                self.reopened(sim, slot, &report, previous, why);
            }
            KeepingAction::Followed {
                blocks,
                rest,
                settings,
            } => self.followed(&blocks, &rest, settings.as_deref()),
            KeepingAction::BecomeWriter => {
                self.keeping.role = Role::Writer;
                self.notices.clear_sealing_if(FOLLOWING);
                self.explorer.storage_notice = Notice::done(
                    "The tab that kept this run was closed: this tab keeps it now, and its controls work again.",
                );
            }
            KeepingAction::OlderBlocks { epoch, read } => {
                if epoch == self.keeping.run.epoch {
                    // The only holder of the blocks: taken, not copied.
                    self.older_blocks(read.map(Rc::unwrap_or_clone));
                }
            }
            KeepingAction::CheckSlice => self.check_slice(),
            KeepingAction::GoOn => {
                self.keeping.held = None;
                self.keeping.go_on_from = None;
                self.notices.sealing = None;
            }
        }
    }

    /// A run read from the store replaces the page's: the timer's pace and
    /// the page's settings stay.
    fn reopened(
        &mut self,
        sim: Simulation,
        slot: u32,
        report: &Report,
        previous: Option<PreviousRun>,
        why: Reopening,
    ) {
        let blocks = sim.chain().len() as u64;
        let mut next = AppState::around(sim, self.now_ms);
        next.clock = self.clock.clone();
        next.auto = self.auto.clone();
        next.keeping = self.keeping.clone();
        next.keeping.undoing = false;
        next.keeping.replaced(Origin::Kept { slot });
        next.keeping.previous = previous.filter(|p| p.why.undoable());
        next.start_store_check(report);
        next.explorer.storage_notice = self.explorer.storage_notice.clone();
        if self.is_verifying() {
            next.notices.verify = Notice::done(verification::CANCELLED_BY_RELOAD);
        }
        next.explorer.files_notice = Notice::done(match why {
            Reopening::Undo => format!(
                "The run of {} is back, as it was kept; the run that replaced it is dropped.",
                count(blocks, "block", "blocks")
            ),
            Reopening::Follow => format!(
                "The other tab replaced the run: this tab now follows the new one ({}).",
                count(blocks, "block", "blocks")
            ),
        });
        *self = next;
        self.follow_members();
    }

    /// After a run was read from the store trusting all but its newest
    /// blocks (`report`): hold it if those fail, else read its older blocks
    /// if they are still to come, then verify the whole chain in the
    /// background.
    pub(crate) fn start_store_check(&mut self, report: &Report) {
        if report.is_valid() {
            let checked = report.blocks_checked;
            let chain = self.community.read().chain().base();
            let blocks = self.community.read().chain().len() as u64;
            self.keeping.check = if chain > 0 {
                StoreCheck::Reading { total: chain - 1 }
            } else if checked >= blocks {
                StoreCheck::Passed {
                    blocks,
                    elapsed_ms: 0.0,
                }
            } else {
                StoreCheck::Running(SlicedVerification::deferred())
            };
        } else {
            self.keeping.check = StoreCheck::Failed;
            self.keeping.held = Some(bad_chain(report));
        }
    }

    /// The writing tab's latest, taken as this tab's run; if it does not
    /// follow from this tab's run, the whole run is read again.
    fn followed(&mut self, blocks: &[Block], rest: &str, settings: Option<&str>) {
        let Some(mut sim) = self.community.write() else {
            self.keeping.reread += 1;
            return;
        };
        let result = sim.follow(blocks.to_vec(), rest);
        drop(sim);
        if result.is_err() {
            self.keeping.reread += 1;
            return;
        }
        if let Some(text) = settings {
            if super::Settings::parse(text).is_ok_and(|s| s != self.settings()) {
                let now_ms = self.now_ms;
                *self = self.clone().with_settings(Some(text), now_ms);
            }
        }
        // Nothing is typed in a following tab: its share editors show the
        // tables the writing tab set.
        self.share_drafts.clear();
        self.follow_members();
    }

    /// The older blocks, read: put in front of the newest, then verified in
    /// the background. Blocks that do not link, or could not be read, hold
    /// the run as a chain that fails verification does.
    fn older_blocks(&mut self, read: Result<Vec<Block>, String>) {
        let Some(mut sim) = self.community.write() else {
            return;
        };
        let put = read.and_then(|older| sim.prepend(older).map_err(|e| e.to_string()));
        drop(sim);
        match (put, &self.keeping.check) {
            (Err(why), _) => {
                self.keeping.check = StoreCheck::Failed;
                self.keeping.held = Some(format!(
                    "The chain kept in this browser is broken ({why}): {CHANGED} You may {GO_ON}"
                ));
            }
            (Ok(()), StoreCheck::Reading { .. }) => {
                self.keeping.check = StoreCheck::Running(SlicedVerification::deferred());
            }
            (Ok(()), _) => {}
        }
    }

    /// Walks the next slice of the background verification; at its end,
    /// holds the run if it failed and hands the findings to the Verify panel.
    fn check_slice(&mut self) {
        let StoreCheck::Running(running) = &self.keeping.check else {
            return;
        };
        let mut running = running.clone();
        let sim = self.community.read();
        // A class tampering meanwhile would be taken for the store's damage:
        // the check waits until history is as sealed again.
        if sim.is_tampered() {
            return;
        }
        let step = running.step(sim.chain().blocks());
        drop(sim);
        let report = match step {
            None => return,
            Some(Step::Walked) => {
                self.keeping.check = StoreCheck::Running(running);
                return;
            }
            Some(Step::Finished(report)) => report,
        };
        let elapsed_ms = running.elapsed_ms();
        if report.is_valid() {
            self.keeping.check = StoreCheck::Passed {
                blocks: report.blocks_checked,
                elapsed_ms,
            };
            return;
        }
        self.keeping.check = StoreCheck::Failed;
        self.keeping.held = Some(bad_chain(&report));
        if !self.is_verifying() {
            // The chain as the check found it, so the Verify panel says how
            // many blocks were sealed after it began.
            let tip_height = running.last_height().unwrap_or_default();
            self.verification = Verification::Done(Verified {
                report: Rc::new(report),
                millis: elapsed_ms,
                elapsed_ms: Some(elapsed_ms),
                tip_height,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::{run, state, T0};
    use crate::state::{GenerationAction, TimerAction, Tone};
    use ecloud_core::chain::genesis::GEORGE;
    use ecloud_core::chain::verify::Progress;
    use ecloud_core::Chain;

    fn seal(now_ms: f64) -> Action {
        TimerAction::SealNow { now_ms }.into()
    }

    /// The state `s`'s run would be after a reload: reopened from its rest
    /// record and blocks, `edit` applied to the blocks as kept.
    fn reloaded(s: &AppState, edit: impl FnOnce(&mut Vec<Block>)) -> AppState {
        let sim = s.community.read();
        let mut blocks = sim.chain().blocks().to_vec();
        edit(&mut blocks);
        let chain = Chain::from_blocks_unchecked(blocks).expect("blocks");
        let (back, report) = Simulation::reopen(&sim.rest_record(), chain, 16).expect("reopens");
        let mut state = AppState::around(back, T0);
        state.keeping = Keeping::new(Role::Writer, Origin::Kept { slot: 1 });
        state.start_store_check(&report);
        state
    }

    fn checked(mut s: AppState) -> AppState {
        while matches!(s.keeping.check, StoreCheck::Running(_)) {
            s = run(s, [KeepingAction::CheckSlice.into()]);
        }
        s
    }

    #[test]
    fn a_kept_run_is_verified_in_the_background() {
        let s = run(state(), (1..=40).map(|i| seal(T0 + f64::from(i))));
        let back = reloaded(&s, |_| {});
        let StoreCheck::Running(c) = &back.keeping.check else {
            panic!("checking in the background");
        };
        assert_eq!(c.progress, None, "its verifier is made at the first slice");
        assert_eq!(c.progress_of(41), Progress { done: 0, total: 41 });
        assert_eq!(back.why_not_sealing(), None, "usable before the check ends");
        let back = checked(back);
        assert!(matches!(
            back.keeping.check,
            StoreCheck::Passed { blocks: 41, .. }
        ));
        assert_eq!(back.keeping.held, None);
        assert_eq!(back.verification, Verification::NotRun);
    }

    /// The state `s`'s run would be after a reload that read only its
    /// genesis and newest 17 blocks, with the older blocks as kept (after
    /// `edit`) to hand to it.
    fn resumed(s: &AppState, edit: impl FnOnce(&mut Vec<Block>)) -> (AppState, Vec<Block>) {
        let sim = s.community.read();
        let mut blocks = sim.chain().blocks().to_vec();
        edit(&mut blocks);
        let base = blocks.len() - 17;
        let newest = blocks.split_off(base);
        let chain = Chain::resumed(blocks[0].clone(), newest).expect("links");
        let (back, report) = Simulation::reopen(&sim.rest_record(), chain, 16).expect("reopens");
        let mut state = AppState::around(back, T0);
        state.keeping = Keeping::new(Role::Writer, Origin::Kept { slot: 1 });
        state.start_store_check(&report);
        blocks.remove(0);
        (state, blocks)
    }

    fn older(state: &AppState, blocks: Vec<Block>) -> Action {
        KeepingAction::OlderBlocks {
            epoch: state.keeping.run.epoch,
            read: Ok(Rc::new(blocks)),
        }
        .into()
    }

    #[test]
    fn a_run_is_usable_before_its_older_blocks_are_read_then_verified() {
        let s = run(state(), (1..=40).map(|i| seal(T0 + f64::from(i))));
        let (back, older_blocks) = resumed(&s, |_| {});
        assert_eq!(back.keeping.check, StoreCheck::Reading { total: 23 });
        assert_eq!(back.why_not_sealing(), None, "usable at once");
        let epoch = back.keeping.run.epoch;
        let back = run(back, [seal(T0 + 100.0)]);
        assert_eq!(
            back.tip_height(),
            41,
            "sealed while the older blocks are read"
        );
        assert_eq!(back.keeping.check, StoreCheck::Reading { total: 23 });
        // Nothing needs the whole chain meanwhile: verification waits.
        let back = run(back, [crate::state::VerificationAction::Request.into()]);
        assert_eq!(back.verification, Verification::NotRun);
        // A stale answer (another run's) is left alone.
        let stale = KeepingAction::OlderBlocks {
            epoch: epoch + 1,
            read: Ok(Rc::new(older_blocks.clone())),
        };
        let back = run(back, [stale.into()]);
        assert!(!back.community.read().chain().is_whole());
        let action = older(&back, older_blocks);
        let back = run(back, [action]);
        assert!(back.community.read().chain().is_whole());
        assert!(matches!(back.keeping.check, StoreCheck::Running(_)));
        let back = checked(back);
        assert!(matches!(
            back.keeping.check,
            StoreCheck::Passed { blocks: 42, .. }
        ));
        assert_eq!(back.keeping.held, None);
    }

    #[test]
    fn older_blocks_that_do_not_link_hold_the_run() {
        let s = run(state(), (1..=40).map(|i| seal(T0 + f64::from(i))));
        let (back, mut older_blocks) = resumed(&s, |_| {});
        // Block 6 changed in the store: its hash is not block 7's parent.
        older_blocks[5].hash = older_blocks[4].hash;
        let action = older(&back, older_blocks);
        let back = run(back, [action]);
        assert_eq!(back.keeping.check, StoreCheck::Failed);
        let held = back.keeping.held.clone().expect("held");
        assert!(
            held.starts_with(
                "The chain kept in this browser is broken (block 7 does not name block 6 as its \
                 parent)"
            ),
            "{held}"
        );
        let back = run(back, [seal(T0 + 200.0)]);
        assert_eq!(back.tip_height(), 40, "nothing sealed on it");
        // A record that could not be read holds it too.
        let (back, _) = resumed(&s, |_| {});
        let failed = KeepingAction::OlderBlocks {
            epoch: back.keeping.run.epoch,
            read: Err("a block record is damaged".into()),
        };
        let back = run(back, [failed.into()]);
        assert_eq!(back.keeping.check, StoreCheck::Failed);
        assert!(back.why_not_sealing().is_some());
    }

    #[test]
    fn a_chain_changed_in_the_store_is_found_and_nothing_is_sealed_on_it() {
        let s = run(state(), (1..=40).map(|i| seal(T0 + f64::from(i))));
        let back = reloaded(&s, |blocks| {
            blocks[5].body.ledger.members[1].balance = ecloud_core::Wh(12_345);
        });
        let back = checked(run(back, [seal(T0 + 100.0)]));
        assert_eq!(back.tip_height(), 41, "sealed before the check found it");
        assert_eq!(back.keeping.check, StoreCheck::Failed);
        let held = back.keeping.held.clone().expect("held");
        assert!(
            held.starts_with("The chain kept in this browser fails verification at block 5"),
            "{held}"
        );
        let Verification::Done(v) = &back.verification else {
            panic!("the Verify panel shows it");
        };
        assert_eq!(v.report.first_broken(), Some(5));
        assert_eq!(v.tip_height, 41, "the chain it checked");
        let back = run(back, [seal(T0 + 200.0)]);
        assert_eq!(back.tip_height(), 41);
        assert_eq!(back.notices.sealing.map(|n| n.tone), Some(Tone::Refused));
        // Among the newest blocks: held at once.
        let back = reloaded(&s, |blocks| {
            blocks[38].body.ledger.members[1].balance = ecloud_core::Wh(12_345);
        });
        assert_eq!(back.keeping.check, StoreCheck::Failed);
        assert!(back.why_not_sealing().is_some());
    }

    #[test]
    fn a_failed_check_names_the_tip_it_checked_not_blocks_sealed_since() {
        let s = run(state(), (1..=40).map(|i| seal(T0 + f64::from(i))));
        let back = reloaded(&s, |blocks| {
            blocks[5].body.ledger.members[1].balance = ecloud_core::Wh(12_345);
        });
        // The first slice makes the verifier (40 is the tip), then a block
        // is sealed before the check reaches block 5.
        let back = run(back, [KeepingAction::CheckSlice.into(), seal(T0 + 100.0)]);
        assert_eq!(back.tip_height(), 41);
        let back = checked(back);
        assert_eq!(back.keeping.check, StoreCheck::Failed);
        let Verification::Done(v) = &back.verification else {
            panic!("the Verify panel shows it");
        };
        assert_eq!(v.report.blocks_checked, 41);
        assert_eq!(v.tip_height, 40, "block 41 came after the check began");
    }

    #[test]
    fn the_check_waits_while_history_is_tampered() {
        let s = run(state(), (1..=30).map(|i| seal(T0 + f64::from(i))));
        let back = reloaded(&s, |_| {});
        let tamper: Action = ExploreAction::Tamper {
            height: 2,
            pointer: "/body/ledger/members/1/balance".into(),
            text: "5".into(),
            kind: crate::state::FieldKind::Number,
        }
        .into();
        let back = run(back, [tamper, KeepingAction::CheckSlice.into()]);
        let StoreCheck::Running(c) = &back.keeping.check else {
            panic!("still running");
        };
        assert_eq!(c.slices, 0, "no slice while tampered");
        let back = checked(run(back, [ExploreAction::UndoAll.into()]));
        assert!(matches!(back.keeping.check, StoreCheck::Passed { .. }));
    }

    #[test]
    fn a_follower_changes_nothing_and_takes_the_writers_blocks() {
        let writer = run(state(), [seal(T0 + 1.0)]);
        let mut follower = reloaded(&writer, |_| {});
        follower.keeping.role = Role::Follower;
        let follower = run(
            follower,
            [
                GenerationAction::Generate { generator: GEORGE }.into(),
                seal(T0 + 2.0),
                TimerAction::Tick {
                    now_ms: T0 + 60_000.0,
                }
                .into(),
            ],
        );
        assert_eq!(follower.tip_height(), 1);
        assert!(follower.community.read().pending().is_empty());
        // The Next block panel says why, as for any held sealing.
        assert_eq!(follower.sealing_held().as_deref(), Some(FOLLOWING));
        assert_eq!(
            follower.notices.sealing, None,
            "the panel says it, not a refusal"
        );
        let writer = run(
            writer,
            [
                GenerationAction::Generate { generator: GEORGE }.into(),
                seal(T0 + 2.0),
                GenerationAction::Generate { generator: GEORGE }.into(),
            ],
        );
        let sim = writer.community.read();
        let follower = run(
            follower,
            [KeepingAction::Followed {
                blocks: Rc::new(sim.chain().blocks()[2..].to_vec()),
                rest: sim.rest_record(),
                settings: None,
            }
            .into()],
        );
        assert_eq!(follower.tip_height(), 2);
        assert_eq!(follower.community.read().pending().len(), 1);
        assert_eq!(follower.keeping.reread, 0);
        // Something that does not follow on: read the whole run again.
        let follower = run(
            follower,
            [KeepingAction::Followed {
                blocks: Rc::new(Vec::new()),
                rest: "{}".into(),
                settings: None,
            }
            .into()],
        );
        assert_eq!(follower.keeping.reread, 1);
        // The writer closed: this tab seals.
        let follower = run(
            follower,
            [KeepingAction::BecomeWriter.into(), seal(T0 + 3.0)],
        );
        assert_eq!(follower.tip_height(), 3);
        assert_eq!(follower.notices.sealing, None);
    }
}
