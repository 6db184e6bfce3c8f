//! Verifying the chain a slice at a time. At 10,000 blocks a verification
//! takes seconds; run in one go it would freeze the page (no repaint, no
//! click, the block timer stalled). The core's `Verifier` stops between
//! blocks, so the page walks a few milliseconds' worth of blocks per
//! action (`VerificationAction::Slice`, sent by the Verify panel in a task
//! of its own) and answers clicks in between. Both this and the store's
//! background verification of a reopened run (`keeping`) are a
//! `SlicedVerification`.

use super::{Action, AppState, Notice};
use crate::clock;
use ecloud_core::chain::verify::{Progress, Verifier};
use ecloud_core::{Block, Report};
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// Main-thread time one slice aims at: well under the 50 ms after which a
/// click feels ignored, and short enough that a repaint due every 16 ms is
/// late by at most about half a frame.
const SLICE_BUDGET_MS: f64 = 8.0;

/// Signatures per batch in the page, instead of the core's 1,024. A batch
/// is checked in one step that cannot be cut, and 1,024 signatures take
/// about 60 ms in wasm (docs/PERFORMANCE.md): 64 take about 4 ms, so a
/// slice stays near its budget.
const PAGE_BATCH: usize = 64;

/// Blocks in the first slice, before anything is known of their cost.
const FIRST_SLICE_BLOCKS: usize = 4;

/// The outcome of pressing "Verify chain".
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    pub report: Rc<Report>,
    /// Main-thread time spent verifying (the slices' sum).
    pub millis: f64,
    /// From the click to the verdict, when it took more than one slice.
    pub elapsed_ms: Option<f64>,
    /// The tip when it ran, so the page can say the chain has grown since.
    pub tip_height: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Verification {
    NotRun,
    /// Under way, a slice at a time, up to the tip at the click.
    Running {
        sliced: SlicedVerification,
        tip_height: u64,
    },
    Done(Verified),
}

#[derive(Clone, Debug, PartialEq)]
pub enum VerificationAction {
    /// The Verify button: starts verifying the chain as it is now.
    Request,
    /// Verifies the next few milliseconds' worth of blocks.
    Slice,
}

impl From<VerificationAction> for Action {
    fn from(action: VerificationAction) -> Action {
        Action::Verification(action)
    }
}

/// A verification walked a slice at a time: the Verify panel's, and the
/// store's background check of a reopened run (`StoreCheck::Running`).
#[derive(Clone)]
pub struct SlicedVerification {
    /// Shared, not copied per action, like the community. `None` until a
    /// deferred one's first slice makes it, and once finished (finishing
    /// consumes it).
    verifier: Rc<RefCell<Option<Verifier>>>,
    /// How far it has got; `None` until its verifier is made.
    pub progress: Option<Progress>,
    /// Main-thread time spent verifying so far: the sum of the slices.
    pub millis: f64,
    /// When it began (`clock::precise_ms`), for the time from the start.
    started_ms: f64,
    /// Slices run so far: what a panel waits on before asking for the next.
    pub slices: u64,
    /// Blocks the next slice walks, fitted to the time budget.
    slice_blocks: usize,
}

impl PartialEq for SlicedVerification {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.verifier, &other.verifier)
            && self.slices == other.slices
            && self.progress == other.progress
    }
}

impl fmt::Debug for SlicedVerification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlicedVerification")
            .field("progress", &self.progress)
            .field("slices", &self.slices)
            .finish_non_exhaustive()
    }
}

/// What one slice of a [`SlicedVerification`] came to.
pub(super) enum Step {
    /// More blocks are left for the next slice.
    Walked,
    /// The last block was walked: the verdict.
    Finished(Report),
}

impl SlicedVerification {
    /// A verification of `blocks` as they are now.
    fn of(blocks: &[Block]) -> SlicedVerification {
        SlicedVerification::starting(Some(page_verifier(blocks)))
    }

    /// A verification of the chain as it is at the first slice.
    pub(super) fn deferred() -> SlicedVerification {
        SlicedVerification::starting(None)
    }

    fn starting(verifier: Option<Verifier>) -> SlicedVerification {
        SlicedVerification {
            progress: verifier.as_ref().map(Verifier::progress),
            verifier: Rc::new(RefCell::new(verifier)),
            millis: 0.0,
            started_ms: clock::precise_ms(),
            slices: 0,
            slice_blocks: FIRST_SLICE_BLOCKS,
        }
    }

    /// Walks the next slice of `blocks` (the chain it verifies, with any
    /// blocks sealed since) and fits the one after to the time it took.
    /// `None`, changing nothing, if it is finished already.
    pub(super) fn step(&mut self, blocks: &[Block]) -> Option<Step> {
        let Ok(mut slot) = self.verifier.try_borrow_mut() else {
            return None;
        };
        if slot.is_none() && self.progress.is_none() {
            *slot = Some(page_verifier(blocks));
        }
        let verifier = slot.as_mut()?;
        let start = clock::precise_ms();
        let progress = verifier.advance(blocks, self.slice_blocks);
        let report = if progress.is_done() {
            slot.take().map(|v| v.finish(blocks))
        } else {
            None
        };
        let took = clock::precise_ms() - start;
        drop(slot);
        self.millis += took;
        self.slices += 1;
        self.progress = Some(progress);
        self.slice_blocks = next_slice(self.slice_blocks, took);
        Some(report.map_or(Step::Walked, Step::Finished))
    }

    /// Blocks checked and to check; before the first slice of a deferred
    /// one, none of `blocks`, the chain's length now.
    pub fn progress_of(&self, blocks: u64) -> Progress {
        self.progress.unwrap_or(Progress {
            done: 0,
            total: blocks,
        })
    }

    /// The newest block it verifies: the tip when its verifier was made
    /// (`None` before that). Blocks sealed since are left for the next one.
    pub fn last_height(&self) -> Option<u64> {
        self.progress.map(|p| p.total.saturating_sub(1))
    }

    /// From the start to now.
    pub(super) fn elapsed_ms(&self) -> f64 {
        clock::precise_ms() - self.started_ms
    }
}

/// The page's verifier: batches short enough for a slice.
fn page_verifier(blocks: &[Block]) -> Verifier {
    Verifier::new(blocks).with_batch_size(PAGE_BATCH)
}

/// Said in the Verify panel when a verification under way could not go on.
pub const RESTARTED: &str =
    "History changed during verification, so it started again from block 0.";
pub const CANCELLED_BY_IMPORT: &str =
    "Verification cancelled: an imported chain replaced the one it was checking (the import verified it).";
pub const CANCELLED_BY_RESET: &str =
    "Verification cancelled: a fresh run replaced the chain it was checking.";
pub const CANCELLED_BY_RELOAD: &str =
    "Verification cancelled: a run read from this browser's storage replaced the chain it was checking.";

impl AppState {
    pub(super) fn apply_verification(&mut self, action: VerificationAction) {
        match action {
            VerificationAction::Request => self.request_verify(),
            VerificationAction::Slice => self.verify_slice(),
        }
    }

    pub fn is_verifying(&self) -> bool {
        matches!(self.verification, Verification::Running { .. })
    }

    /// Starts verifying the chain as it is now; blocks sealed meanwhile are
    /// left for the next verification. A verification under way is left
    /// alone: the button that asks for one is disabled while it runs.
    fn request_verify(&mut self) {
        if self.is_verifying() || !self.community.read().chain().is_whole() {
            return;
        }
        self.notices.verify = None;
        self.start_verifying();
    }

    /// History changed: verify again from the start, saying so if a
    /// verification was under way.
    pub(super) fn verify_again(&mut self) {
        if self.is_verifying() {
            self.notices.verify = Notice::done(RESTARTED);
        }
        self.start_verifying();
    }

    fn start_verifying(&mut self) {
        let sim = self.community.read();
        let running = Verification::Running {
            sliced: SlicedVerification::of(sim.chain().blocks()),
            tip_height: sim.chain().tip().height(),
        };
        drop(sim);
        self.verification = running;
    }

    /// Walks the next slice of blocks, and gives the verdict after the last.
    fn verify_slice(&mut self) {
        let Verification::Running { sliced, tip_height } = &self.verification else {
            return;
        };
        let (mut sliced, tip_height) = (sliced.clone(), *tip_height);
        let step = sliced.step(self.community.read().chain().blocks());
        self.verification = match step {
            None => return,
            Some(Step::Walked) => Verification::Running { sliced, tip_height },
            Some(Step::Finished(report)) => Verification::Done(Verified {
                report: Rc::new(report),
                millis: sliced.millis,
                elapsed_ms: Some(sliced.elapsed_ms()).filter(|_| sliced.slices > 1),
                tip_height,
            }),
        };
    }
}

/// The blocks the next slice should walk, from how long `blocks` took:
/// aimed at the budget, growing at most fourfold a slice (a slice that
/// checked no batch of signatures is cheaper than one that did), never
/// fewer than one.
fn next_slice(blocks: usize, took_ms: f64) -> usize {
    let per_block = took_ms.max(0.001) / blocks.max(1) as f64;
    let fits = (SLICE_BUDGET_MS / per_block) as usize;
    fits.clamp(1, blocks.saturating_mul(4).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::{run, state, verified, T0};
    use crate::state::{ExploreAction, FieldKind, TimerAction};

    const REQUEST: Action = Action::Verification(VerificationAction::Request);
    const SLICE: Action = Action::Verification(VerificationAction::Slice);

    fn seal_at(now_ms: f64) -> Action {
        TimerAction::SealNow { now_ms }.into()
    }

    /// The seed's community with `blocks` sealed.
    fn sealed(blocks: u32) -> AppState {
        run(state(), (1..=blocks).map(|i| seal_at(T0 + f64::from(i))))
    }

    fn running(s: &AppState) -> &SlicedVerification {
        match &s.verification {
            Verification::Running { sliced, .. } => sliced,
            other => panic!("not verifying: {other:?}"),
        }
    }

    /// How far the verification under way has got (known from the click).
    fn progress(s: &AppState) -> Progress {
        running(s).progress.expect("made at the click")
    }

    fn done(s: &AppState) -> &Verified {
        match &s.verification {
            Verification::Done(v) => v,
            other => panic!("no verdict: {other:?}"),
        }
    }

    #[test]
    fn slices_walk_the_chain_to_the_core_verdict() {
        let s = run(sealed(30), [REQUEST]);
        assert_eq!(progress(&s), Progress { done: 0, total: 31 });
        let s = run(s, [SLICE]);
        assert_eq!(progress(&s).done, FIRST_SLICE_BLOCKS as u64);
        assert_eq!(running(&s).slices, 1);
        let s = verified(s);
        let v = done(&s);
        assert_eq!(*v.report, s.community.read().verify());
        assert_eq!(v.tip_height, 30);
        assert!(v.millis > 0.0);
        assert!(v.elapsed_ms.is_some(), "more than one slice");
        // A slice with nothing under way does nothing.
        assert_eq!(run(s.clone(), [SLICE]).verification, s.verification);
    }

    #[test]
    fn blocks_sealed_meanwhile_are_left_for_the_next_verification() {
        let s = run(
            sealed(20),
            [
                REQUEST,
                SLICE,
                seal_at(T0 + 100.0),
                SLICE,
                seal_at(T0 + 101.0),
            ],
        );
        assert_eq!(progress(&s).total, 21, "the chain as it was at the click");
        let s = verified(s);
        assert_eq!(s.tip_height(), 22);
        let v = done(&s);
        assert!(v.report.is_valid());
        assert_eq!(v.report.blocks_checked, 21);
        assert_eq!(v.tip_height, 20);
        assert_eq!(s.notices.verify, None);
    }

    #[test]
    fn asking_again_while_it_runs_changes_nothing() {
        let s = run(sealed(20), [REQUEST, SLICE]);
        let again = run(s.clone(), [REQUEST]);
        assert_eq!(again.verification, s.verification);
    }

    #[test]
    fn changed_history_restarts_it_and_says_so() {
        let tamper: Action = ExploreAction::Tamper {
            height: 3,
            pointer: "/body/ledger/members/1/balance".into(),
            text: "99999".into(),
            kind: FieldKind::Number,
        }
        .into();
        let s = run(sealed(20), [REQUEST, SLICE, SLICE]);
        assert!(progress(&s).done > 3);
        let s = run(s, [tamper.clone()]);
        assert_eq!(progress(&s).done, 0, "from block 0 again");
        assert_eq!(
            s.notices.verify.as_ref().map(|n| n.text.as_str()),
            Some(RESTARTED)
        );
        let s = verified(s);
        assert_eq!(done(&s).report.first_broken(), Some(3));
        assert_eq!(*done(&s).report, s.community.read().verify());
        // Tampering with nothing under way verifies without a word about it.
        let s = verified(run(sealed(5), [tamper]));
        assert_eq!(done(&s).report.first_broken(), Some(3));
        assert_eq!(s.notices.verify, None);
        // The next click clears the answer.
        let s = run(s, [REQUEST]);
        assert_eq!(s.notices.verify, None);
    }

    #[test]
    fn an_import_or_a_fresh_run_cancels_it_and_says_so() {
        let s = sealed(20);
        let file = s.community.read().chain().to_json();
        let s = run(s, [REQUEST, SLICE]);
        let imported = run(
            s.clone(),
            [ExploreAction::Import {
                name: "chain.json".into(),
                text: file,
                now_ms: T0 + 100.0,
            }
            .into()],
        );
        assert!(done(&imported).report.is_valid(), "verified as it was read");
        assert_eq!(
            imported.notices.verify.as_ref().map(|n| n.text.as_str()),
            Some(CANCELLED_BY_IMPORT)
        );
        let fresh = run(
            s.clone(),
            [ExploreAction::Reset {
                seed: Some(3),
                now_ms: T0 + 100.0,
            }
            .into()],
        );
        assert_eq!(fresh.verification, Verification::NotRun);
        assert_eq!(
            fresh.notices.verify.as_ref().map(|n| n.text.as_str()),
            Some(CANCELLED_BY_RESET)
        );
        // A file that is refused leaves the chain, and the verification, alone.
        let refused = run(
            s.clone(),
            [ExploreAction::Import {
                name: "bad.json".into(),
                text: "{}".into(),
                now_ms: T0 + 100.0,
            }
            .into()],
        );
        assert_eq!(refused.verification, s.verification);
    }

    #[test]
    fn verification_reports_every_block() {
        let s = verified(run(state(), [seal_at(T0 + 1.0), REQUEST]));
        let v = done(&s);
        assert!(v.report.is_valid());
        assert_eq!(v.report.blocks_checked, 2);
        assert_eq!(v.tip_height, 1);
    }

    #[test]
    fn verification_names_the_first_broken_block() {
        let s = run(
            state(),
            [
                crate::state::GenerationAction::Generate {
                    generator: ecloud_core::chain::genesis::GEORGE,
                }
                .into(),
                seal_at(T0 + 1.0),
                seal_at(T0 + 2.0),
            ],
        );
        s.community
            .borrow_mut()
            .tamper(&ecloud_core::simulation::tamper::Edit {
                height: 1,
                pointer: "/body/ledger/members/1/balance".into(),
                value: serde_json::Value::from(99_999u64),
            })
            .expect("block 1 has Anne's balance");
        let s = verified(run(s, [REQUEST]));
        let first = done(&s).report.first_failure().expect("a failure");
        assert_eq!(first.height, 1);
        assert!(!first.check.code().is_empty());
    }

    #[test]
    fn a_slice_aims_at_the_budget_and_grows_gently() {
        assert_eq!(next_slice(10, 16.0), 5, "too slow: halved");
        assert_eq!(next_slice(10, 4.0), 20, "fast: doubled");
        assert_eq!(
            next_slice(10, 0.0),
            40,
            "no time measured: at most fourfold"
        );
        assert_eq!(next_slice(1, 1000.0), 1, "never below one block");
    }
}
