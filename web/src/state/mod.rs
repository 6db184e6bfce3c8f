//! The page's one state: the running community plus what the class has
//! typed and chosen. Every click becomes an [`Action`]; every rule stays in
//! the core, which either does what was asked or says why not.
//!
//! One file per area of the page, each with its part of the state, its
//! actions (one enum, wrapped by a variant of [`Action`]) and its reducer.

use ecloud_core::{ActionError, MemberId, Simulation};
use std::rc::Rc;
use yew::Reducible;

mod blocks;
mod community;
mod election;
mod explore;
mod generation;
mod keeping;
mod membership;
mod notice;
mod settings;
mod shares;
mod timer;
mod verification;

pub use blocks::{BlockWindow, BlocksAction};
pub use community::Community;
pub use election::{
    strategy_text, ElectionAction, ElectionUi, SimulatedWins, StrategyKind, WinSimulation,
};
pub use explore::{seed_of, start_page, ExploreAction, Explorer, FieldKind, Found, FOREIGN};
pub use generation::{period_of_day, profile_name, AutoGeneration, EnergyDraft, GenerationAction};
pub use keeping::{
    Handoff, Keeping, KeepingAction, Origin, PreviousRun, Reopening, Replaced, Role, RunMark,
    StoreCheck, FOLLOWING, OLDER_UNREAD,
};
pub use membership::{MembershipAction, MembershipUi, RoleKind};
pub use notice::{Notice, Notices, Tone};
pub use settings::Settings;
pub use shares::{ShareDraft, ShareRow, SharesAction};
pub use timer::{BlockClock, Countdown, TimerAction, MAX_BLOCK_SECS, MIN_BLOCK_SECS};
pub use verification::{SlicedVerification, Verification, VerificationAction, Verified};

/// What the class asks of the page, by area.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The block timer, "Seal now", fast forward (state/timer.rs).
    Timer(TimerAction),
    /// Generation by hand and by profile (state/generation.rs).
    Generation(GenerationAction),
    /// Editing and applying share tables (state/shares.rs).
    Shares(SharesAction),
    /// "Verify chain", a slice at a time (state/verification.rs).
    Verification(VerificationAction),
    /// The block list's pages and opened blocks (state/blocks.rs).
    Blocks(BlocksAction),
    /// Block explorer, tampering, files and storage (state/explore.rs).
    Explore(ExploreAction),
    /// Strategies, online switches, the election shown, the simulation (state/election.rs).
    Election(ElectionAction),
    /// Joining, renaming and leaving (state/membership.rs).
    Membership(MembershipAction),
    /// The run kept in this browser: tabs, the store's answers, the
    /// background verification (state/keeping.rs).
    Keeping(KeepingAction),
}

#[derive(Clone, PartialEq)]
pub struct AppState {
    pub community: Community,
    pub now_ms: f64,
    pub clock: BlockClock,
    /// Blocks asked for by a fast forward that has not run yet.
    pub fast_forward: Option<u64>,
    pub auto: AutoGeneration,
    pub share_drafts: Vec<ShareDraft>,
    pub energy_drafts: Vec<EnergyDraft>,
    pub notices: Notices,
    pub verification: Verification,
    pub blocks: BlockWindow,
    pub explorer: Explorer,
    pub election: ElectionUi,
    pub membership: MembershipUi,
    pub keeping: Keeping,
}

impl AppState {
    /// The page around an already running simulation.
    pub fn around(sim: Simulation, now_ms: f64) -> AppState {
        let mut state = AppState {
            community: Community::new(sim),
            now_ms,
            clock: BlockClock::running(timer::DEFAULT_BLOCK_SECS, now_ms),
            fast_forward: None,
            auto: AutoGeneration::default(),
            share_drafts: Vec::new(),
            energy_drafts: Vec::new(),
            notices: Notices::default(),
            verification: Verification::NotRun,
            blocks: BlockWindow::default(),
            explorer: Explorer::default(),
            election: ElectionUi::default(),
            membership: MembershipUi::default(),
            keeping: Keeping::new(Role::Alone, Origin::Unkept),
        };
        state.follow_members();
        state
    }

    pub fn tip_height(&self) -> u64 {
        self.community.read().chain().tip().height()
    }

    fn name_of(&self, id: MemberId) -> String {
        self.community
            .read()
            .open_ledger()
            .member(id)
            .map_or_else(|| id.to_string(), |m| m.name.clone())
    }

    /// Runs one signed action on the simulation. Gives the height of the
    /// open block it went into and what came of it, a refusal worded with
    /// members' names; `None` when the simulation is busy.
    fn sign<T>(
        &mut self,
        act: impl FnOnce(&mut Simulation) -> Result<T, ActionError>,
    ) -> Option<(u64, Result<T, String>)> {
        let mut sim = self.community.write()?;
        let height = sim.open_height();
        let result = act(&mut sim).map_err(|e| sim.explain(&e));
        Some((height, result))
    }

    fn apply(&mut self, action: Action) {
        // A tab that follows another changes nothing of the run.
        if self.keeping.following() && !keeping::follower_may(&action) {
            return;
        }
        match action {
            Action::Timer(action) => self.apply_timer(action),
            Action::Generation(action) => self.apply_generation(action),
            Action::Shares(action) => self.apply_shares(action),
            Action::Verification(action) => self.apply_verification(action),
            Action::Blocks(action) => self.apply_blocks(action),
            // Only these change who is an active member of the open block
            // (an import, a restored or fresh run, tampering, membership).
            Action::Explore(action) => {
                self.explore(action);
                self.follow_members();
            }
            Action::Election(action) => self.apply_election(action),
            Action::Membership(action) => {
                self.apply_membership(action);
                self.follow_members();
            }
            Action::Keeping(action) => self.apply_keeping(action),
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ecloud_core::chain::genesis::CommunitySpec;
    use ecloud_core::{Keyring, Wh};

    pub(crate) const T0: f64 = 1_700_000_000_000.0;

    /// The seed's community in a reproducible run, as the reducer tests start it.
    pub(crate) fn state() -> AppState {
        let sim = Simulation::start(
            &CommunitySpec::default(),
            Keyring::from_seed_number(7),
            T0 as u64,
        )
        .expect("the seed's community starts");
        AppState::around(sim, T0)
    }

    /// The state once the verification under way, if any, has run to its end.
    pub(crate) fn verified(mut s: AppState) -> AppState {
        while s.is_verifying() {
            s = run(s, [VerificationAction::Slice.into()]);
        }
        s
    }

    /// The state after the reducer has taken `actions` in order.
    pub(crate) fn run(state: AppState, actions: impl IntoIterator<Item = Action>) -> AppState {
        actions
            .into_iter()
            .fold(Rc::new(state), |s, a| s.reduce(a))
            .as_ref()
            .clone()
    }

    /// A member's energy balance after the last sealed block.
    pub(crate) fn balance(s: &AppState, id: MemberId) -> Wh {
        s.community
            .read()
            .ledger()
            .member(id)
            .map(|m| m.balance)
            .unwrap_or_default()
    }

    #[test]
    #[ignore = "timing, run by hand: cargo test -p ecloud-web --release -- --ignored --nocapture"]
    fn ten_thousand_blocks_stay_cheap_per_action() {
        let mut s = Rc::new(state());
        let start = std::time::Instant::now();
        for i in 0..10_000u32 {
            s = s.reduce(
                TimerAction::SealNow {
                    now_ms: T0 + f64::from(i),
                }
                .into(),
            );
        }
        let sealing = start.elapsed();
        let start = std::time::Instant::now();
        for _ in 0..100 {
            s = s.reduce(BlocksAction::Toggle(5).into());
        }
        let per_action = start.elapsed() / 100;
        let start = std::time::Instant::now();
        s = s.reduce(VerificationAction::Request.into());
        while s.is_verifying() {
            s = s.reduce(VerificationAction::Slice.into());
        }
        println!(
            "10,000 seals: {sealing:?}; a UI action: {per_action:?}; verify: {:?}",
            start.elapsed()
        );
        assert_eq!(s.tip_height(), 10_000);
    }
}
