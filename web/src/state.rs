//! The page's one state: the running community plus what the class has
//! typed and chosen. Every click becomes an [`Action`]; every rule stays in
//! the core, which either does what was asked or says why not.

use crate::clock;
use ecloud_core::profile::{Profile, PERIODS_PER_DAY};
use ecloud_core::{ActionError, BasisPoints, MemberId, Report, Share, ShareTable, Simulation, Wh};
use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;
use yew::Reducible;

mod explore;
pub use explore::{seed_of, start_page, ExploreAction, Explorer, FieldKind, FOREIGN};

mod settings;
pub use settings::Settings;

mod verification;
pub use verification::Verifying;

mod membership;
pub use membership::{MembershipAction, MembershipUi, RoleKind};

mod election;
pub use election::{
    strategy_text, ElectionAction, ElectionUi, SimulatedWins, StrategyKind, WinSimulation,
};

/// The stand-in for the 15-minute market period (SPEC section 8).
pub const DEFAULT_BLOCK_SECS: u64 = 15;
pub const MIN_BLOCK_SECS: u64 = 1;
pub const MAX_BLOCK_SECS: u64 = 60;

/// Blocks per page of the block list: the chain may hold thousands, and
/// only a window of them is ever rendered.
pub const BLOCKS_PER_PAGE: u64 = 10;

/// What a generator's energy field holds until the class types: 10 kWh.
const DEFAULT_ENERGY_TEXT: &str = "10";

/// The market period (of the day) that block 1 closes under auto-generation:
/// 10:00, so a class starts in daylight rather than at a dark midnight.
pub const FIRST_PERIOD: u64 = 40;

/// The market period of the day a block closes, for the production profile.
pub fn period_of_day(height: u64) -> u64 {
    (FIRST_PERIOD + height.saturating_sub(1)) % PERIODS_PER_DAY
}

/// The running simulation, shared (not copied) between the state and the
/// panels. Two views are equal when they show the same revision, so a panel
/// re-renders only when the chain or the open block changed.
///
/// The `RefCell` is borrowed mutably only inside the reducer and immutably
/// only while rendering; no code dispatches an action while holding a borrow.
#[derive(Clone)]
pub struct Community {
    sim: Rc<RefCell<Simulation>>,
    revision: u64,
}

impl PartialEq for Community {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision && Rc::ptr_eq(&self.sim, &other.sim)
    }
}

impl Community {
    pub fn new(sim: Simulation) -> Community {
        Community {
            sim: Rc::new(RefCell::new(sim)),
            revision: 0,
        }
    }

    pub fn read(&self) -> Ref<'_, Simulation> {
        self.sim.borrow()
    }

    /// Counts changes: a panel that keeps its own view of the simulation can
    /// tell whether it is still current.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    fn write(&mut self) -> Option<RefMut<'_, Simulation>> {
        self.revision += 1;
        self.sim.try_borrow_mut().ok()
    }
}

/// When the next block is sealed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Countdown {
    Running { seal_at_ms: f64 },
    Paused { left_ms: f64 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct BlockClock {
    pub block_secs: u64,
    pub countdown: Countdown,
}

impl BlockClock {
    pub fn period_ms(&self) -> f64 {
        (self.block_secs * 1000) as f64
    }

    /// Milliseconds to the next seal (frozen while paused).
    pub fn left_ms(&self, now_ms: f64) -> f64 {
        match self.countdown {
            Countdown::Running { seal_at_ms } => (seal_at_ms - now_ms).max(0.0),
            Countdown::Paused { left_ms } => left_ms,
        }
    }

    pub fn is_paused(&self) -> bool {
        matches!(self.countdown, Countdown::Paused { .. })
    }

    fn restart(&mut self, now_ms: f64) {
        let period = self.period_ms();
        self.countdown = match self.countdown {
            Countdown::Running { .. } => Countdown::Running {
                seal_at_ms: now_ms + period,
            },
            Countdown::Paused { .. } => Countdown::Paused { left_ms: period },
        };
    }
}

/// Generation that happens on its own before each block.
#[derive(Clone, Debug, PartialEq)]
pub struct AutoGeneration {
    pub on: bool,
    pub profile: Profile,
    /// Output per market period at the profile's 100 %.
    pub peak: Wh,
    pub peak_text: String,
}

/// What the class typed for one customer's share, before it is applied.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareRow {
    pub member: MemberId,
    pub text: String,
}

/// A generator's share table as being edited.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareDraft {
    pub generator: MemberId,
    pub rows: Vec<ShareRow>,
}

impl ShareDraft {
    /// The running total, or the first row that is not a percentage.
    pub fn total(&self) -> Result<BasisPoints, MemberId> {
        let mut total: u64 = 0;
        for row in &self.rows {
            let bp = BasisPoints::parse_percent(&row.text).map_err(|_| row.member)?;
            total = total.saturating_add(u64::from(bp.0));
        }
        Ok(BasisPoints(u32::try_from(total).unwrap_or(u32::MAX)))
    }
}

/// Basis points as plain percent text an input accepts back: `33.33`.
pub fn percent_text(bp: BasisPoints) -> String {
    ecloud_core::units::fixed_point(u64::from(bp.0), 2).replace(',', "")
}

/// What a generator's cryptometer will report when Generate is pressed.
#[derive(Clone, Debug, PartialEq)]
pub struct EnergyDraft {
    pub generator: MemberId,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Done as asked.
    Done,
    /// Refused: nothing changed.
    Refused,
}

/// The answer to the last action in one panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub tone: Tone,
    pub text: String,
}

impl Notice {
    fn done(text: impl Into<String>) -> Option<Notice> {
        Some(Notice {
            tone: Tone::Done,
            text: text.into(),
        })
    }

    fn refused(text: impl Into<String>) -> Option<Notice> {
        Some(Notice {
            tone: Tone::Refused,
            text: text.into(),
        })
    }

    /// Puts a notice in `slot`: one call at each of the reducer's many
    /// answers instead of the old answer's drop and the new one's moves
    /// written out at every one (docs/PERFORMANCE.md, "Size").
    #[inline(never)]
    fn put(slot: &mut Option<Notice>, tone: Tone, text: String) {
        *slot = Some(Notice { tone, text });
    }

    fn done_in(slot: &mut Option<Notice>, text: impl Into<String>) {
        Notice::put(slot, Tone::Done, text.into());
    }

    fn refused_in(slot: &mut Option<Notice>, text: impl Into<String>) {
        Notice::put(slot, Tone::Refused, text.into());
    }

    fn busy_in(slot: &mut Option<Notice>) {
        Notice::refused_in(slot, BUSY);
    }
}

/// Said when the simulation is borrowed by another action.
const BUSY: &str = "The page was busy with another action; nothing changed. Try again.";

/// Each panel answers beside its own buttons.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Notices {
    /// Answers to the timer's controls.
    pub clock: Option<Notice>,
    /// Why the last seal failed; cleared by the next seal that works.
    pub sealing: Option<Notice>,
    pub shares: Option<Notice>,
    pub generation: Option<Notice>,
    pub blocks: Option<Notice>,
    /// Why a verification under way started again or was cancelled.
    pub verify: Option<Notice>,
}

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
    /// Under way, a slice at a time.
    Running(Verifying),
    Done(Verified),
}

/// Which blocks the block list shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BlockWindow {
    /// The newest block shown; `None` follows the tip as blocks are sealed.
    pub newest: Option<u64>,
    /// Blocks opened to show their header, preimage, signatures and ledger,
    /// lowest first. A sorted vector rather than a `BTreeSet`: a few heights,
    /// and the B-tree code for `u64` keys would be in the page for them alone.
    pub expanded: Vec<u64>,
}

impl BlockWindow {
    /// Heights shown, newest first.
    pub fn heights(&self, tip: u64) -> impl Iterator<Item = u64> {
        let newest = self.newest.unwrap_or(tip).min(tip);
        let oldest = newest.saturating_sub(BLOCKS_PER_PAGE - 1);
        (oldest..=newest).rev()
    }

    pub fn expand(&mut self, height: u64) {
        if let Err(i) = self.expanded.binary_search(&height) {
            self.expanded.insert(i, height);
        }
    }

    fn toggle(&mut self, height: u64) {
        match self.expanded.binary_search(&height) {
            Ok(i) => {
                self.expanded.remove(i);
            }
            Err(i) => self.expanded.insert(i, height),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The block timer fired: seal if the countdown is over.
    Tick {
        now_ms: f64,
    },
    SealNow {
        now_ms: f64,
    },
    /// Asked for; the blocks are sealed once the page has painted "Sealing".
    RequestFastForward(u64),
    /// Seals this many blocks in a row, as the timer would, without waiting.
    FastForward {
        blocks: u64,
        now_ms: f64,
    },
    Pause {
        now_ms: f64,
    },
    Resume {
        now_ms: f64,
    },
    SetBlockSecs {
        text: String,
        now_ms: f64,
    },
    EditShare {
        generator: MemberId,
        member: MemberId,
        text: String,
    },
    ApplyShares {
        generator: MemberId,
    },
    ResetShares {
        generator: MemberId,
    },
    EditEnergy {
        generator: MemberId,
        text: String,
    },
    Generate {
        generator: MemberId,
    },
    SetAuto(bool),
    SetAutoProfile(Profile),
    EditAutoPeak(String),
    /// The Verify button: starts verifying the chain as it is now.
    RequestVerify,
    /// Verifies the next few milliseconds' worth of blocks.
    VerifySlice,
    ShowNewestBlocks,
    ShowOlderBlocks,
    ShowNewerBlocks,
    ShowBlock {
        text: String,
    },
    ToggleBlock(u64),
    /// Block explorer, tampering, files and storage (state/explore.rs).
    Explore(ExploreAction),
    /// Strategies, online switches, the election shown, the simulation (state/election.rs).
    Election(ElectionAction),
    /// Joining, renaming and leaving (state/membership.rs).
    Membership(MembershipAction),
}

impl Action {
    /// This action carrying `typed` as its text: what a text field sends
    /// as the class types (one closure for every field: see
    /// `components::on_text`).
    pub fn with_text(&self, typed: String) -> Action {
        let mut action = self.clone();
        match &mut action {
            Action::EditShare { text, .. }
            | Action::EditEnergy { text, .. }
            | Action::EditAutoPeak(text)
            | Action::ShowBlock { text }
            | Action::Election(
                ElectionAction::EditStrategy { text, .. } | ElectionAction::ShowElectionAt { text },
            )
            | Action::Membership(
                MembershipAction::EditName(text)
                | MembershipAction::EditCapacity(text)
                | MembershipAction::EditRename { text, .. },
            ) => *text = typed,
            _ => {}
        }
        action
    }
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
}

impl AppState {
    /// The page around an already running simulation.
    pub fn around(sim: Simulation, now_ms: f64) -> AppState {
        let clock = BlockClock {
            block_secs: DEFAULT_BLOCK_SECS,
            countdown: Countdown::Running {
                seal_at_ms: now_ms + (DEFAULT_BLOCK_SECS * 1000) as f64,
            },
        };
        let mut state = AppState {
            community: Community::new(sim),
            now_ms,
            clock,
            fast_forward: None,
            auto: AutoGeneration {
                on: false,
                profile: Profile::Solar,
                peak: Wh(4_000),
                peak_text: "4".into(),
            },
            share_drafts: Vec::new(),
            energy_drafts: Vec::new(),
            notices: Notices::default(),
            verification: Verification::NotRun,
            blocks: BlockWindow::default(),
            explorer: Explorer::default(),
            election: ElectionUi::default(),
            membership: MembershipUi::default(),
        };
        state.follow_members();
        state
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
        match action {
            Action::Tick { now_ms } => {
                self.now_ms = now_ms;
                if let Countdown::Running { seal_at_ms } = self.clock.countdown {
                    if now_ms >= seal_at_ms {
                        self.seal(now_ms);
                        self.clock.countdown = Countdown::Running {
                            seal_at_ms: now_ms + self.clock.period_ms(),
                        };
                    }
                }
            }
            Action::SealNow { now_ms } => {
                self.now_ms = now_ms;
                self.seal(now_ms);
                self.clock.restart(now_ms);
            }
            Action::RequestFastForward(blocks) => self.fast_forward = Some(blocks),
            Action::FastForward { blocks, now_ms } => {
                self.now_ms = now_ms;
                self.fast_forward = None;
                self.seal_many(blocks, now_ms);
                self.clock.restart(now_ms);
            }
            Action::Pause { now_ms } => {
                self.now_ms = now_ms;
                if let Countdown::Running { .. } = self.clock.countdown {
                    self.clock.countdown = Countdown::Paused {
                        left_ms: self.clock.left_ms(now_ms),
                    };
                }
                Notice::done_in(
                    &mut self.notices.clock,
                    "Paused: no block is sealed until you resume.",
                );
            }
            Action::Resume { now_ms } => {
                self.now_ms = now_ms;
                if let Countdown::Paused { left_ms } = self.clock.countdown {
                    self.clock.countdown = Countdown::Running {
                        seal_at_ms: now_ms + left_ms,
                    };
                }
                self.notices.clock = None;
            }
            Action::SetBlockSecs { text, now_ms } => {
                self.now_ms = now_ms;
                self.set_block_secs(&text, now_ms);
            }
            Action::EditShare {
                generator,
                member,
                text,
            } => {
                let row = self
                    .share_drafts
                    .iter_mut()
                    .filter(|d| d.generator == generator)
                    .flat_map(|d| d.rows.iter_mut())
                    .find(|r| r.member == member);
                if let Some(row) = row {
                    row.text = text;
                }
            }
            Action::ApplyShares { generator } => self.apply_shares(generator),
            Action::ResetShares { generator } => self.reset_shares(generator),
            Action::EditEnergy { generator, text } => {
                if let Some(d) = self
                    .energy_drafts
                    .iter_mut()
                    .find(|d| d.generator == generator)
                {
                    d.text = text;
                }
            }
            Action::Generate { generator } => self.generate(generator),
            Action::SetAuto(on) => {
                self.auto.on = on;
                self.notices.generation = if on {
                    Notice::done(format!(
                        "Auto-generation is on: before each block the {} profile adds its output.",
                        profile_name(self.auto.profile)
                    ))
                } else {
                    Notice::done("Auto-generation is off.")
                };
            }
            Action::SetAutoProfile(profile) => self.auto.profile = profile,
            Action::EditAutoPeak(text) => {
                match Wh::parse_kwh(&text) {
                    Ok(peak) if peak > Wh(0) => {
                        self.auto.peak = peak;
                        self.notices.generation = None;
                    }
                    Ok(_) => Notice::refused_in(
                        &mut self.notices.generation,
                        "The peak must be more than 0 kWh; it stays as it was.",
                    ),
                    Err(e) => Notice::refused_in(
                        &mut self.notices.generation,
                        format!("Peak output: {e}; it stays as it was."),
                    ),
                }
                self.auto.peak_text = text;
            }
            Action::RequestVerify => self.request_verify(),
            Action::VerifySlice => self.verify_slice(),
            Action::ShowNewestBlocks => {
                self.blocks.newest = None;
                self.notices.blocks = None;
            }
            Action::ShowOlderBlocks => {
                let tip = self.tip_height();
                let oldest_shown = self.blocks.heights(tip).last().unwrap_or(0);
                if oldest_shown > 0 {
                    self.blocks.newest = Some(oldest_shown - 1);
                }
            }
            Action::ShowNewerBlocks => {
                let tip = self.tip_height();
                let newest = self
                    .blocks
                    .newest
                    .unwrap_or(tip)
                    .saturating_add(BLOCKS_PER_PAGE);
                self.blocks.newest = (newest < tip).then_some(newest);
            }
            Action::ShowBlock { text } => self.show_block(&text),
            Action::ToggleBlock(height) => {
                self.blocks.toggle(height);
            }
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
        }
    }

    pub fn tip_height(&self) -> u64 {
        self.community.read().chain().tip().height()
    }

    /// Auto-generation (if on), then the block is sealed and the next opens.
    /// Leaves the timer's own answers alone: with 1-second blocks they would
    /// vanish before anyone could read them. Says whether a block was sealed.
    fn seal(&mut self, now_ms: f64) -> bool {
        if let Some(why) = self.why_not_sealing() {
            Notice::refused_in(&mut self.notices.sealing, why);
            return false;
        }
        self.generate_automatically();
        let Some(mut sim) = self.community.write() else {
            Notice::busy_in(&mut self.notices.sealing);
            return false;
        };
        let sealed = match sim.seal(now_ms as u64) {
            Ok(_) => Ok(()),
            Err(e) => Err(sim.explain(&e)),
        };
        drop(sim);
        match sealed {
            Ok(_) => {
                self.notices.sealing = None;
                // "Waits for block N" is no longer true once N is sealed.
                for notice in [&mut self.notices.shares, &mut self.notices.generation] {
                    if notice.as_ref().is_some_and(|n| n.tone == Tone::Done) {
                        *notice = None;
                    }
                }
                true
            }
            Err(e) => {
                Notice::refused_in(
                    &mut self.notices.sealing,
                    format!("The block could not be sealed: {e}"),
                );
                false
            }
        }
    }

    /// Seals `blocks` blocks one after another, each with what the timer
    /// would add (auto-generation, votes, the election), and stops at the
    /// first block that cannot be sealed.
    fn seal_many(&mut self, blocks: u64, now_ms: f64) {
        let started = clock::precise_ms();
        let first = self.community.read().open_height();
        let mut sealed = 0;
        while sealed < blocks && self.seal(now_ms) {
            sealed += 1;
        }
        let took = crate::format::millis(clock::precise_ms() - started);
        self.notices.clock = match sealed {
            0 => None,
            _ => Notice::done(format!(
                "Fast forward: {} sealed in {took} (blocks {} to {}).",
                crate::format::count(sealed, "block", "blocks"),
                crate::format::thousands(first),
                crate::format::thousands(first + sealed - 1)
            )),
        };
    }

    fn generate_automatically(&mut self) {
        if !self.auto.on {
            return;
        }
        let generators: Vec<(MemberId, String)> = self
            .community
            .read()
            .open_ledger()
            .members
            .iter()
            .filter(|m| m.is_generator())
            .map(|m| (m.id, m.name.clone()))
            .collect();
        let profile = self.auto.profile;
        let peak = self.auto.peak;
        let Some(mut sim) = self.community.write() else {
            Notice::busy_in(&mut self.notices.generation);
            return;
        };
        let energy = profile.energy(period_of_day(sim.open_height()), peak);
        if energy == Wh(0) {
            // Night for a solar park: nothing to report this period.
            return;
        }
        for (generator, name) in generators {
            if let Err(e) = sim.generate(generator, energy) {
                let why = sim.explain(&e);
                self.auto.on = false;
                Notice::refused_in(
                    &mut self.notices.generation,
                    format!("{name}: {why}. Auto-generation is now off."),
                );
                return;
            }
        }
    }

    fn set_block_secs(&mut self, text: &str, now_ms: f64) {
        let secs = match text.trim().parse::<u64>() {
            Ok(secs) => secs,
            Err(_) => {
                Notice::refused_in(
                    &mut self.notices.clock,
                    format!(
                    "\u{201c}{}\u{201d} is not a whole number of seconds; the timer is unchanged.",
                    text.trim()
                ),
                );
                return;
            }
        };
        if !(MIN_BLOCK_SECS..=MAX_BLOCK_SECS).contains(&secs) {
            Notice::refused_in(&mut self.notices.clock, format!(
                "A block every {secs} s is out of range: choose {MIN_BLOCK_SECS} to {MAX_BLOCK_SECS} s; the timer is unchanged."
            ));
            return;
        }
        self.clock.block_secs = secs;
        self.clock.restart(now_ms);
        self.notices.clock = None;
    }

    fn apply_shares(&mut self, generator: MemberId) {
        let Some(draft) = self
            .share_drafts
            .iter()
            .find(|d| d.generator == generator)
            .cloned()
        else {
            return;
        };
        let mut shares = Vec::with_capacity(draft.rows.len());
        for row in &draft.rows {
            match BasisPoints::parse_percent(&row.text) {
                Ok(share) => shares.push(Share {
                    member: row.member,
                    share,
                }),
                Err(e) => {
                    let who = self.name_of(row.member);
                    Notice::refused_in(
                        &mut self.notices.shares,
                        format!("{who}'s share: {e}. Nothing was changed."),
                    );
                    return;
                }
            }
        }
        // A customer with 0 % is left out of the table, so it is free to
        // leave the community once the new table is in force.
        if shares.iter().any(|s| s.share.0 > 0) {
            shares.retain(|s| s.share.0 > 0);
        }
        let table = match ShareTable::new(shares) {
            Ok(table) => table,
            Err(e) => {
                Notice::refused_in(&mut self.notices.shares, format!("Refused: {e}."));
                return;
            }
        };
        let name = self.name_of(generator);
        let Some((height, result)) =
            self.sign(|sim| sim.update_shares(generator, table).map(|_| ()))
        else {
            Notice::busy_in(&mut self.notices.shares);
            return;
        };
        self.notices.shares = match result {
            Ok(()) => Notice::done(format!(
                "{name} signed the new shares. The share update waits in block {height} and is in force from block {}.",
                height + 1
            )),
            Err(e) => Notice::refused(format!("Refused: {e}. Nothing was changed.")),
        };
    }

    /// Back to the table that will be in force after the open block.
    fn reset_shares(&mut self, generator: MemberId) {
        let sim = self.community.read();
        let table = sim.upcoming_shares(generator);
        if let Some(draft) = self
            .share_drafts
            .iter_mut()
            .find(|d| d.generator == generator)
        {
            for row in &mut draft.rows {
                row.text = membership::share_text(table, row.member);
            }
        }
        drop(sim);
        self.notices.shares = None;
    }

    fn generate(&mut self, generator: MemberId) {
        let text = self
            .energy_drafts
            .iter()
            .find(|d| d.generator == generator)
            .map(|d| d.text.clone())
            .unwrap_or_default();
        let energy = match Wh::parse_kwh(&text) {
            Ok(energy) => energy,
            Err(e) => {
                Notice::refused_in(
                    &mut self.notices.generation,
                    format!("Energy in kWh: {e}. Nothing was generated."),
                );
                return;
            }
        };
        let name = self.name_of(generator);
        let Some((height, result)) = self.sign(|sim| sim.generate(generator, energy).map(|_| ()))
        else {
            Notice::busy_in(&mut self.notices.generation);
            return;
        };
        self.notices.generation = match result {
            Ok(()) => Notice::done(format!(
                "{name}'s cryptometer signed a reading of {energy}; it waits for block {height}."
            )),
            Err(e) => Notice::refused(format!("Refused: {e}. Nothing changed.")),
        };
    }

    fn show_block(&mut self, text: &str) {
        let tip = self.tip_height();
        match block_height(text, tip) {
            Ok(height) => {
                self.blocks.newest = (height < tip).then_some(height);
                self.blocks.expand(height);
                self.notices.blocks = None;
            }
            Err(why) => Notice::refused_in(&mut self.notices.blocks, why),
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

/// The block a class typed (`12` or `#12`), or why it is not one of the
/// chain's: what "go to block" says in the block list and the election panel.
fn block_height(text: &str, tip: u64) -> Result<u64, String> {
    match text.trim().trim_start_matches('#').parse::<u64>() {
        Ok(height) if height <= tip => Ok(height),
        Ok(height) => Err(format!(
            "There is no block {height} yet: the newest is block {tip}."
        )),
        Err(_) => Err(format!(
            "\u{201c}{}\u{201d} is not a block height: type a whole number from 0 to {tip}.",
            text.trim()
        )),
    }
}

pub fn profile_name(profile: Profile) -> &'static str {
    match profile {
        Profile::Solar => "solar",
        Profile::Wind => "wind",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ecloud_core::community::{CommunitySpec, ANNE, BOB, CARLA, GEORGE};
    use ecloud_core::tx::TxBody;
    use ecloud_core::Keyring;

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
            s = run(s, [Action::VerifySlice]);
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

    fn set_share(member: MemberId, text: &str) -> Action {
        Action::EditShare {
            generator: GEORGE,
            member,
            text: text.into(),
        }
    }

    #[test]
    fn a_fast_forward_seals_blocks_in_a_row_with_auto_generation() {
        let s = run(
            state(),
            [Action::SetAuto(true), Action::RequestFastForward(50)],
        );
        assert_eq!(s.fast_forward, Some(50), "asked for, not yet run");
        assert_eq!(s.tip_height(), 0);
        let s = run(
            s,
            [Action::FastForward {
                blocks: 50,
                now_ms: T0 + 1.0,
            }],
        );
        assert_eq!(s.fast_forward, None);
        assert_eq!(s.tip_height(), 50);
        let text = s
            .notices
            .clock
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_default();
        assert!(
            text.starts_with("Fast forward: 50 blocks sealed in "),
            "{text}"
        );
        assert!(text.ends_with("(blocks 1 to 50)."), "{text}");
        // The solar profile produced by day: energy left George.
        assert!(balance(&s, GEORGE) < Wh(1_000_000));
        assert!(s.community.read().verify().is_valid());
    }

    #[test]
    fn a_fast_forward_stops_at_the_first_block_it_cannot_seal() {
        let s = run(
            state(),
            [
                Action::Election(ElectionAction::SetOnline {
                    member: GEORGE,
                    online: false,
                }),
                Action::FastForward {
                    blocks: 5,
                    now_ms: T0 + 1.0,
                },
            ],
        );
        assert_eq!(
            s.tip_height(),
            0,
            "George, the only possible sealer, is offline"
        );
        assert_eq!(s.notices.clock, None);
        assert_eq!(
            s.notices.sealing.as_ref().map(|n| n.tone),
            Some(Tone::Refused)
        );
    }

    fn balance(s: &AppState, id: MemberId) -> Wh {
        s.community
            .read()
            .ledger()
            .member(id)
            .map(|m| m.balance)
            .unwrap_or_default()
    }

    #[test]
    fn applied_shares_govern_the_block_after_the_update() {
        let s = run(
            state(),
            [
                set_share(ANNE, "60"),
                set_share(BOB, "25"),
                set_share(CARLA, "15"),
                Action::ApplyShares { generator: GEORGE },
                Action::SealNow { now_ms: T0 + 1.0 },
                Action::EditEnergy {
                    generator: GEORGE,
                    text: "10".into(),
                },
                Action::Generate { generator: GEORGE },
                Action::SealNow { now_ms: T0 + 2.0 },
            ],
        );
        assert_eq!(s.tip_height(), 2);
        assert_eq!(balance(&s, ANNE), Wh(6_000));
        assert_eq!(balance(&s, BOB), Wh(2_500));
        assert_eq!(balance(&s, CARLA), Wh(1_500));
        assert_eq!(balance(&s, GEORGE), Wh(990_000));
        let sim = s.community.read();
        let kinds: Vec<_> = sim.chain().blocks()[1]
            .body
            .transactions
            .iter()
            .map(|t| t.body.kind())
            .collect();
        assert_eq!(kinds.first(), Some(&"share update"));
        assert!(!kinds.contains(&"generation"));
    }

    #[test]
    fn a_table_off_100_percent_is_refused_and_changes_nothing() {
        let before = state();
        let revision = before.community.revision();
        let s = run(
            before,
            [
                set_share(ANNE, "60"),
                Action::ApplyShares { generator: GEORGE },
            ],
        );
        let notice = s.notices.shares.clone().expect("a message");
        assert_eq!(notice.tone, Tone::Refused);
        assert!(notice.text.contains("110 %"), "{}", notice.text);
        assert_eq!(s.community.read().pending().len(), 0);
        assert_eq!(s.community.revision(), revision);
        assert_eq!(s.share_drafts[0].total(), Ok(BasisPoints(11_000)));
    }

    #[test]
    fn a_share_that_is_not_a_number_names_the_member() {
        let s = run(
            state(),
            [
                set_share(BOB, "abc"),
                Action::ApplyShares { generator: GEORGE },
            ],
        );
        let notice = s.notices.shares.expect("a message");
        assert!(notice.text.starts_with("Bob's share"), "{}", notice.text);
        assert_eq!(s.share_drafts[0].total(), Err(BOB));
    }

    #[test]
    fn generation_above_capacity_is_refused_with_the_core_message() {
        let s = run(
            state(),
            [
                Action::EditEnergy {
                    generator: GEORGE,
                    text: "1000.001".into(),
                },
                Action::Generate { generator: GEORGE },
            ],
        );
        let notice = s.notices.generation.clone().expect("a message");
        assert_eq!(notice.tone, Tone::Refused);
        assert!(notice.text.contains("cannot produce"), "{}", notice.text);
        assert!(s.community.read().pending().is_empty());
        assert_eq!(balance(&s, GEORGE), Wh(1_000_000));
    }

    #[test]
    fn unreadable_energy_is_refused() {
        let s = run(
            state(),
            [
                Action::EditEnergy {
                    generator: GEORGE,
                    text: "ten".into(),
                },
                Action::Generate { generator: GEORGE },
            ],
        );
        assert_eq!(s.notices.generation.map(|n| n.tone), Some(Tone::Refused));
    }

    #[test]
    fn the_timer_seals_when_the_countdown_ends_and_not_while_paused() {
        let period = (DEFAULT_BLOCK_SECS * 1000) as f64;
        let s = run(
            state(),
            [Action::Tick {
                now_ms: T0 + period - 1.0,
            }],
        );
        assert_eq!(s.tip_height(), 0);
        let s = run(
            s,
            [Action::Tick {
                now_ms: T0 + period,
            }],
        );
        assert_eq!(s.tip_height(), 1);
        let s = run(
            s,
            [
                Action::Pause {
                    now_ms: T0 + period + 1_000.0,
                },
                Action::Tick {
                    now_ms: T0 + 10.0 * period,
                },
            ],
        );
        assert_eq!(s.tip_height(), 1);
        assert_eq!(s.clock.left_ms(T0 + 10.0 * period), period - 1_000.0);
        let s = run(
            s,
            [
                Action::SealNow {
                    now_ms: T0 + 10.0 * period,
                },
                Action::Resume {
                    now_ms: T0 + 11.0 * period,
                },
                Action::Tick {
                    now_ms: T0 + 12.0 * period,
                },
            ],
        );
        assert_eq!(s.tip_height(), 3);
    }

    #[test]
    fn the_block_period_stays_between_1_and_60_seconds() {
        let s = run(
            state(),
            [Action::SetBlockSecs {
                text: "2".into(),
                now_ms: T0,
            }],
        );
        assert_eq!(s.clock.block_secs, 2);
        for bad in ["0", "61", "x", ""] {
            let s = run(
                s.clone(),
                [Action::SetBlockSecs {
                    text: bad.into(),
                    now_ms: T0,
                }],
            );
            assert_eq!(s.clock.block_secs, 2, "{bad}");
            assert_eq!(s.notices.clock.clone().map(|n| n.tone), Some(Tone::Refused));
            // Still there after the next block: a 1-second timer must not hide it.
            let s = run(s, [Action::SealNow { now_ms: T0 + 1.0 }]);
            assert_eq!(s.notices.clock.map(|n| n.tone), Some(Tone::Refused));
        }
    }

    #[test]
    fn auto_generation_follows_the_profile_and_stops_when_capacity_runs_out() {
        let s = run(
            state(),
            [
                Action::SetAuto(true),
                Action::EditAutoPeak("600".into()),
                Action::SealNow { now_ms: T0 + 1.0 },
            ],
        );
        let expected = Profile::Solar.energy(period_of_day(1), Wh(600_000));
        assert!(expected > Wh(0));
        assert_eq!(balance(&s, GEORGE), Wh(1_000_000 - expected.0));
        let s = run(
            s,
            [
                Action::SealNow { now_ms: T0 + 2.0 },
                Action::SealNow { now_ms: T0 + 3.0 },
            ],
        );
        assert!(!s.auto.on);
        let notice = s.notices.generation.clone().expect("a message");
        assert!(notice.text.contains("cannot produce"), "{}", notice.text);
        assert_eq!(s.tip_height(), 3);
    }

    #[test]
    fn verification_reports_every_block() {
        let s = run(
            state(),
            [Action::SealNow { now_ms: T0 + 1.0 }, Action::RequestVerify],
        );
        let s = verified(s);
        let Verification::Done(v) = &s.verification else {
            panic!("verified");
        };
        assert!(v.report.is_valid());
        assert_eq!(v.report.blocks_checked, 2);
        assert_eq!(v.tip_height, 1);
    }

    #[test]
    #[ignore = "timing, run by hand: cargo test -p ecloud-web --release -- --ignored --nocapture"]
    fn ten_thousand_blocks_stay_cheap_per_action() {
        let mut s = Rc::new(state());
        let start = std::time::Instant::now();
        for i in 0..10_000u32 {
            s = s.reduce(Action::SealNow {
                now_ms: T0 + f64::from(i),
            });
        }
        let sealing = start.elapsed();
        let start = std::time::Instant::now();
        for _ in 0..100 {
            s = s.reduce(Action::ToggleBlock(5));
        }
        let per_action = start.elapsed() / 100;
        let start = std::time::Instant::now();
        s = s.reduce(Action::RequestVerify);
        while s.is_verifying() {
            s = s.reduce(Action::VerifySlice);
        }
        println!(
            "10,000 seals: {sealing:?}; a UI action: {per_action:?}; verify: {:?}",
            start.elapsed()
        );
        assert_eq!(s.tip_height(), 10_000);
    }

    #[test]
    fn verification_names_the_first_broken_block() {
        let s = run(
            state(),
            [
                Action::Generate { generator: GEORGE },
                Action::SealNow { now_ms: T0 + 1.0 },
                Action::SealNow { now_ms: T0 + 2.0 },
            ],
        );
        s.community
            .sim
            .borrow_mut()
            .tamper(&ecloud_core::tamper::Edit {
                height: 1,
                pointer: "/body/ledger/members/1/balance".into(),
                value: ecloud_core::json::Json::UInt(99_999),
            })
            .expect("block 1 has Anne's balance");
        let s = verified(run(s, [Action::RequestVerify]));
        let Verification::Done(v) = &s.verification else {
            panic!("verified");
        };
        let first = v.report.first_failure().expect("a failure");
        assert_eq!(first.height, 1);
        assert!(!first.check.code().is_empty());
    }

    #[test]
    fn the_block_window_pages_through_a_long_chain() {
        let seals = (1..=25).map(|i| Action::SealNow {
            now_ms: T0 + f64::from(i),
        });
        let s = run(state(), seals);
        let shown = |s: &AppState| s.blocks.heights(s.tip_height()).collect::<Vec<_>>();
        assert_eq!(shown(&s), (16..=25).rev().collect::<Vec<_>>());
        let s = run(s, [Action::ShowOlderBlocks, Action::ShowOlderBlocks]);
        assert_eq!(shown(&s), (0..=5).rev().collect::<Vec<_>>());
        let s = run(s, [Action::ShowOlderBlocks, Action::ShowNewerBlocks]);
        assert_eq!(shown(&s), (6..=15).rev().collect::<Vec<_>>());
        let s = run(s, [Action::ShowNewerBlocks]);
        assert_eq!(s.blocks.newest, None);
        let s = run(s, [Action::ShowBlock { text: "#3".into() }]);
        assert_eq!(shown(&s)[0], 3);
        assert!(s.blocks.expanded.contains(&3));
        let s = run(s, [Action::ShowBlock { text: "99".into() }]);
        assert_eq!(s.notices.blocks.map(|n| n.tone), Some(Tone::Refused));
    }

    /// Every text field's action carries what was typed; others are sent as they are.
    #[test]
    fn a_field_s_action_carries_the_text_typed() {
        let typed = |a: Action| a.with_text("12".into());
        assert_eq!(
            typed(Action::EditEnergy {
                generator: GEORGE,
                text: String::new()
            }),
            Action::EditEnergy {
                generator: GEORGE,
                text: "12".into()
            }
        );
        assert_eq!(
            typed(Action::Membership(MembershipAction::EditRename {
                member: BOB,
                text: String::new()
            })),
            Action::Membership(MembershipAction::EditRename {
                member: BOB,
                text: "12".into()
            })
        );
        assert_eq!(
            typed(Action::Election(ElectionAction::ShowElectionAt {
                text: String::new()
            })),
            Action::Election(ElectionAction::ShowElectionAt { text: "12".into() })
        );
        assert_eq!(typed(Action::RequestVerify), Action::RequestVerify);
    }

    #[test]
    fn reset_brings_back_the_upcoming_table() {
        let s = run(
            state(),
            [
                set_share(ANNE, "60"),
                set_share(BOB, "25"),
                set_share(CARLA, "15"),
                Action::ApplyShares { generator: GEORGE },
                set_share(ANNE, "1"),
                Action::ResetShares { generator: GEORGE },
            ],
        );
        let texts: Vec<_> = s.share_drafts[0]
            .rows
            .iter()
            .map(|r| r.text.as_str())
            .collect();
        assert_eq!(texts, ["60", "25", "15"]);
        let sim = s.community.read();
        assert!(matches!(sim.pending()[0].body, TxBody::ShareUpdate(_)));
    }
}
