//! The election's part of the page state: which block's election is shown,
//! the betting strategies being typed, the online switches and the
//! 1,000-election simulation. The rules (bets, wealth, draws, who seals)
//! are the core's; this only turns clicks into core calls and answers.

use super::blocks::block_height;
use super::{Action, AppState, Notice};
use crate::clock;
use crate::format::{decimal_mark, field_text};
use ecloud_core::encoding::units::parse_decimal;
use ecloud_core::rules::election::{age, candidates_after, wealth};
use ecloud_core::simulation::strategy::{expected_win_shares, simulate_wins, DrawSource};
use ecloud_core::Strategy;
use ecloud_core::{MemberId, MilliTokens, RunSeed};
use std::rc::Rc;

/// Elections per simulation: the seed's author tallied 1,000 in a spreadsheet.
pub const SIMULATED_ROUNDS: u32 = 1_000;

/// The expected bet of the seed's random rule, 1 to 100 % uniformly:
/// 50.5 %, in tenths of a percent.
const RANDOM_MEAN_PERMILLE: u64 = 505;

/// Seeded draws for simulations come from heights no chain reaches, so they
/// never repeat the draws of a real election.
const SIMULATION_STREAM: u64 = 1 << 63;

/// The three ways a member can bet (SPEC section 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrategyKind {
    Random,
    Fixed,
    Manual,
}

impl StrategyKind {
    pub const ALL: [StrategyKind; 3] = [
        StrategyKind::Random,
        StrategyKind::Fixed,
        StrategyKind::Manual,
    ];

    /// The value of the page's `<select>` option.
    pub fn value(self) -> &'static str {
        match self {
            StrategyKind::Random => "random",
            StrategyKind::Fixed => "fixed",
            StrategyKind::Manual => "manual",
        }
    }

    pub fn from_value(value: &str) -> Option<StrategyKind> {
        StrategyKind::ALL.into_iter().find(|k| k.value() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            StrategyKind::Random => "Random 1\u{2013}100 %",
            StrategyKind::Fixed => "Fixed %",
            StrategyKind::Manual => "Manual amount",
        }
    }
}

/// One member's strategy as being typed: the kind and the text of each value.
#[derive(Clone, Debug, PartialEq)]
pub struct StrategyDraft {
    pub kind: StrategyKind,
    pub percent: String,
    pub amount: String,
}

impl StrategyDraft {
    /// The draft that shows `strategy` as it is in force.
    pub fn of(strategy: Strategy) -> StrategyDraft {
        let mut draft = StrategyDraft {
            kind: StrategyKind::Random,
            percent: "50".into(),
            amount: "10".into(),
        };
        match strategy {
            Strategy::RandomPercent => {}
            Strategy::FixedPercent { percent } => {
                draft.kind = StrategyKind::Fixed;
                draft.percent = percent.to_string();
            }
            Strategy::Manual { amount } => {
                draft.kind = StrategyKind::Manual;
                draft.amount = field_text(amount.0, 3);
            }
        }
        draft
    }

    /// The strategy the draft describes, or why it does not describe one.
    pub fn strategy(&self) -> Result<Strategy, String> {
        match self.kind {
            StrategyKind::Random => Ok(Strategy::RandomPercent),
            StrategyKind::Fixed => {
                let text = self.percent.trim().trim_end_matches('%');
                match parse_decimal(text, 0, decimal_mark()).map(u8::try_from) {
                    Ok(Ok(percent)) if percent <= 100 => Ok(Strategy::FixedPercent { percent }),
                    Ok(_) => Err(format!(
                        "\u{201c}{}\u{201d} is more than 100 %: choose a whole percentage \
                         from 0 to 100",
                        self.percent.trim()
                    )),
                    Err(e) => Err(format!("{e}: choose a whole percentage from 0 to 100")),
                }
            }
            StrategyKind::Manual => MilliTokens::parse_tokens(&self.amount, decimal_mark())
                .map(|amount| Strategy::Manual { amount })
                .map_err(|e| format!("tokens to bet: {e}")),
        }
    }
}

/// How a strategy reads in a sentence: "bets 10 % of their free tokens".
pub fn strategy_text(strategy: Strategy) -> String {
    match strategy {
        Strategy::RandomPercent => {
            "bets a random 1\u{2013}100 % of their free tokens (the seed's rule)".into()
        }
        Strategy::FixedPercent { percent } => format!("bets {percent} % of their free tokens"),
        Strategy::Manual { amount } => format!("bets {amount} (at most their free tokens)"),
    }
}

/// What the class asks of the election's panels.
#[derive(Clone, Debug, PartialEq)]
pub enum ElectionAction {
    ChooseStrategy {
        member: MemberId,
        kind: StrategyKind,
    },
    EditStrategy {
        member: MemberId,
        text: String,
    },
    ApplyStrategy {
        member: MemberId,
    },
    SetOnline {
        member: MemberId,
        online: bool,
    },
    /// Show the election held in this block; `None` follows the newest.
    ShowElection(Option<u64>),
    /// The same, typed as text.
    ShowElectionAt {
        text: String,
    },
    /// Asked for; runs once the page has painted "Simulating".
    RequestSimulation,
    Simulate,
}

impl From<ElectionAction> for Action {
    fn from(action: ElectionAction) -> Action {
        Action::Election(action)
    }
}

/// One candidate's line in a simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct SimulatedCandidate {
    pub member: MemberId,
    pub name: String,
    pub bet: MilliTokens,
    /// In millionths of a token.
    pub wealth: u64,
    pub wins: u32,
    /// The probability of winning one election.
    pub expected: f64,
}

/// The outcome of "Simulate 1,000 elections".
#[derive(Clone, Debug, PartialEq)]
pub struct SimulatedWins {
    pub candidates: Vec<SimulatedCandidate>,
    pub rounds: u32,
    pub millis: f64,
    /// The tip when it ran.
    pub after_block: u64,
    /// Whether the draws came from the run's seed (the same every time).
    pub seeded: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub enum WinSimulation {
    #[default]
    NotRun,
    Running,
    Done(Rc<SimulatedWins>),
}

/// The election panels' state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ElectionUi {
    /// The block whose election is shown; `None` follows the newest block.
    pub shown: Option<u64>,
    /// Strategies being typed; a member without one shows its strategy in force.
    /// A short list: one entry per member at most.
    pub drafts: Vec<(MemberId, StrategyDraft)>,
    /// Answers to the strategy and online controls.
    pub members_notice: Option<Notice>,
    /// Answers to the election panel's block selector.
    pub election_notice: Option<Notice>,
    pub simulation: WinSimulation,
}

impl ElectionUi {
    /// The draft for `member`, or its strategy in force.
    pub fn draft(&self, member: MemberId, in_force: Strategy) -> StrategyDraft {
        self.drafts
            .iter()
            .find(|(m, _)| *m == member)
            .map_or_else(|| StrategyDraft::of(in_force), |(_, d)| d.clone())
    }

    fn keep_draft(&mut self, member: MemberId, draft: StrategyDraft) {
        self.drafts.retain(|(m, _)| *m != member);
        self.drafts.push((member, draft));
    }

    /// The block whose election is shown.
    pub fn shown_height(&self, tip: u64) -> u64 {
        self.shown.map_or(tip, |h| h.min(tip))
    }
}

impl AppState {
    pub(super) fn apply_election(&mut self, action: ElectionAction) {
        match action {
            ElectionAction::ChooseStrategy { member, kind } => {
                let mut draft = self.strategy_draft(member);
                draft.kind = kind;
                self.election.keep_draft(member, draft);
                self.apply_strategy(member);
            }
            ElectionAction::EditStrategy { member, text } => {
                let mut draft = self.strategy_draft(member);
                match draft.kind {
                    StrategyKind::Fixed => draft.percent = text,
                    StrategyKind::Manual => draft.amount = text,
                    StrategyKind::Random => {}
                }
                self.election.keep_draft(member, draft);
            }
            ElectionAction::ApplyStrategy { member } => self.apply_strategy(member),
            ElectionAction::SetOnline { member, online } => self.set_online(member, online),
            ElectionAction::ShowElection(height) => {
                let tip = self.tip_height();
                self.election.shown = height.filter(|&h| h < tip);
                self.election.election_notice = None;
            }
            ElectionAction::ShowElectionAt { text } => self.show_election_at(&text),
            ElectionAction::RequestSimulation => {
                self.election.simulation = WinSimulation::Running;
            }
            ElectionAction::Simulate => self.simulate(),
        }
    }

    fn strategy_draft(&self, member: MemberId) -> StrategyDraft {
        let in_force = self.community.read().strategy(member);
        self.election.draft(member, in_force)
    }

    fn apply_strategy(&mut self, member: MemberId) {
        let draft = self.strategy_draft(member);
        let who = self.name_of(member);
        let strategy = match draft.strategy() {
            Ok(strategy) => strategy,
            Err(why) => {
                let in_force = strategy_text(self.community.read().strategy(member));
                self.election.members_notice = Notice::refused(format!(
                    "{who}'s bet: {why}. Nothing changed: {who} still {in_force}."
                ));
                return;
            }
        };
        let Some(mut sim) = self.community.write() else {
            self.election.members_notice = Notice::busy();
            return;
        };
        sim.set_strategy(member, strategy);
        let height = sim.open_height();
        drop(sim);
        self.election.drafts.retain(|(m, _)| *m != member);
        self.election.members_notice = Notice::done(format!(
            "{who} {} in the election held when block {height} is sealed.",
            strategy_text(strategy)
        ));
    }

    fn set_online(&mut self, member: MemberId, online: bool) {
        let who = self.name_of(member);
        let Some(mut sim) = self.community.write() else {
            self.election.members_notice = Notice::busy();
            return;
        };
        sim.set_online(member, online);
        drop(sim);
        self.election.members_notice = Notice::done(if online {
            format!("{who} is back online: {who} bets and seals again.")
        } else {
            format!("{who} is offline: {who} neither bets nor seals until back online.")
        });
    }

    fn show_election_at(&mut self, text: &str) {
        let tip = self.tip_height();
        match block_height(text, self.community.read().chain()) {
            Ok(height) => {
                self.election.shown = (height < tip).then_some(height);
                self.election.election_notice = None;
            }
            Err(why) => self.election.election_notice = Notice::refused(why),
        }
    }

    /// 1,000 elections among the current candidates with their current
    /// wealth and fresh draws, and the win shares the formula expects.
    fn simulate(&mut self) {
        let sim = self.community.read();
        let tip = sim.chain().tip();
        let after_block = tip.height();
        let ledger = sim.open_ledger();
        let candidates: Vec<SimulatedCandidate> = candidates_after(ledger, tip.header.sealed_by)
            .into_iter()
            .filter_map(|id| ledger.member(id))
            .map(|m| {
                // An offline member signs no vote, so it stands with no bet.
                let bet = if !sim.is_online(m.id) {
                    MilliTokens(0)
                } else {
                    match sim.strategy(m.id) {
                        Strategy::RandomPercent => MilliTokens(
                            u64::try_from(
                                u128::from(m.tokens.0) * u128::from(RANDOM_MEAN_PERMILLE) / 1_000,
                            )
                            .unwrap_or(u64::MAX),
                        ),
                        other => other.bet(m.tokens, 0),
                    }
                };
                SimulatedCandidate {
                    member: m.id,
                    name: m.name.clone(),
                    bet,
                    wealth: wealth(
                        &ledger.rules,
                        bet,
                        age(m.last_sealed, after_block),
                        m.reputation,
                    ),
                    wins: 0,
                    expected: 0.0,
                }
            })
            .collect();
        let seeded = matches!(sim.keys().seed(), RunSeed::Number(_));
        let mut draws = if seeded {
            DrawSource::Seeded(sim.keys().master()).for_height(SIMULATION_STREAM | after_block)
        } else {
            DrawSource::Os.for_height(0)
        };
        drop(sim);
        let wealths: Vec<u64> = candidates.iter().map(|c| c.wealth).collect();
        let start = clock::precise_ms();
        let wins = simulate_wins(&wealths, SIMULATED_ROUNDS, &mut draws);
        let expected = expected_win_shares(&wealths);
        let millis = clock::precise_ms() - start;
        let candidates = candidates
            .into_iter()
            .zip(wins.into_iter().zip(expected))
            .map(|(c, (wins, expected))| SimulatedCandidate {
                wins,
                expected,
                ..c
            })
            .collect();
        self.election.simulation = WinSimulation::Done(Rc::new(SimulatedWins {
            candidates,
            rounds: SIMULATED_ROUNDS,
            millis,
            after_block,
            seeded,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::{run, state, T0};
    use crate::state::{TimerAction, Tone};
    use ecloud_core::chain::genesis::{ANNE, BOB, CARLA};

    fn e(action: ElectionAction) -> Action {
        action.into()
    }

    fn seal(i: u32) -> Action {
        TimerAction::SealNow {
            now_ms: T0 + f64::from(i),
        }
        .into()
    }

    #[test]
    fn a_fixed_strategy_sets_the_bets_of_the_next_election() {
        let s = run(
            state(),
            [
                seal(1),
                e(ElectionAction::ChooseStrategy {
                    member: ANNE,
                    kind: StrategyKind::Fixed,
                }),
                e(ElectionAction::EditStrategy {
                    member: ANNE,
                    text: "10".into(),
                }),
                e(ElectionAction::ApplyStrategy { member: ANNE }),
                e(ElectionAction::ChooseStrategy {
                    member: BOB,
                    kind: StrategyKind::Manual,
                }),
                e(ElectionAction::EditStrategy {
                    member: BOB,
                    text: "7.5".into(),
                }),
                e(ElectionAction::ApplyStrategy { member: BOB }),
            ],
        );
        assert_eq!(
            s.community.read().strategy(ANNE),
            Strategy::FixedPercent { percent: 10 }
        );
        let free = |s: &AppState, id| {
            s.community
                .read()
                .open_ledger()
                .member(id)
                .map(|m| m.tokens)
                .unwrap_or_default()
        };
        let (anne, sealer) = (free(&s, ANNE), s.community.read().due_sealer());
        let s = run(s, [seal(2)]);
        let sim = s.community.read();
        let record = sim.last_election().expect("an election");
        let bet = |id| {
            record
                .candidates
                .iter()
                .find(|c| c.member == id)
                .map(|c| c.bet)
        };
        if sealer != Ok(ANNE) {
            assert_eq!(bet(ANNE), Some(MilliTokens(anne.0 / 10)));
        }
        if sealer != Ok(BOB) {
            assert_eq!(bet(BOB), Some(MilliTokens(7_500)));
        }
    }

    #[test]
    fn a_bad_percentage_is_refused_and_the_strategy_stays() {
        let s = run(
            state(),
            [
                e(ElectionAction::ChooseStrategy {
                    member: CARLA,
                    kind: StrategyKind::Fixed,
                }),
                e(ElectionAction::EditStrategy {
                    member: CARLA,
                    text: "101".into(),
                }),
                e(ElectionAction::ApplyStrategy { member: CARLA }),
            ],
        );
        let notice = s.election.members_notice.clone().expect("a message");
        assert_eq!(notice.tone, Tone::Refused);
        assert!(notice.text.contains("from 0 to 100"), "{}", notice.text);
        // Choosing Fixed applied the default 50 %; the refused 101 changed nothing.
        assert_eq!(
            s.community.read().strategy(CARLA),
            Strategy::FixedPercent { percent: 50 }
        );
        let s = run(
            s,
            [
                e(ElectionAction::ChooseStrategy {
                    member: CARLA,
                    kind: StrategyKind::Manual,
                }),
                e(ElectionAction::EditStrategy {
                    member: CARLA,
                    text: "ten".into(),
                }),
                e(ElectionAction::ApplyStrategy { member: CARLA }),
            ],
        );
        let notice = s.election.members_notice.clone().expect("a message");
        assert_eq!(notice.tone, Tone::Refused);
        assert!(notice.text.contains("is not a number"), "{}", notice.text);
    }

    #[test]
    fn an_offline_winner_is_replaced_by_the_runner_up_with_a_penalty() {
        let s = run(state(), [seal(1)]);
        let (elected, runner_up) = {
            let sim = s.community.read();
            let record = sim.last_election().expect("an election");
            (record.winner, record.runner_up.expect("a runner-up"))
        };
        let s = run(
            s,
            [
                e(ElectionAction::SetOnline {
                    member: elected,
                    online: false,
                }),
                seal(2),
            ],
        );
        let sim = s.community.read();
        let tip = sim.chain().tip();
        assert_eq!(tip.header.sealed_by, runner_up);
        assert_eq!(tip.penalty().map(|p| p.missed), Some(elected));
    }

    #[test]
    fn a_simulation_counts_every_election_and_expects_shares_summing_to_one() {
        let s = run(
            state(),
            [
                seal(1),
                e(ElectionAction::RequestSimulation),
                e(ElectionAction::Simulate),
            ],
        );
        let WinSimulation::Done(done) = &s.election.simulation else {
            panic!("simulated");
        };
        assert_eq!(done.candidates.len(), 3);
        assert!(done.seeded);
        let wins: u32 = done.candidates.iter().map(|c| c.wins).sum();
        assert_eq!(wins, SIMULATED_ROUNDS);
        let expected: f64 = done.candidates.iter().map(|c| c.expected).sum();
        assert!((expected - 1.0).abs() < 1e-3, "{expected}");
        let sealer = s.community.read().chain().tip().header.sealed_by;
        assert!(done.candidates.iter().all(|c| c.member != sealer));
    }

    #[test]
    fn the_shown_election_follows_the_tip_unless_one_is_chosen() {
        let s = run(state(), [seal(1), seal(2), seal(3)]);
        assert_eq!(s.election.shown_height(s.tip_height()), 3);
        let s = run(s, [e(ElectionAction::ShowElectionAt { text: "2".into() })]);
        assert_eq!(s.election.shown, Some(2));
        let s = run(s, [seal(4)]);
        assert_eq!(s.election.shown_height(s.tip_height()), 2);
        let s = run(s, [e(ElectionAction::ShowElectionAt { text: "9".into() })]);
        assert_eq!(
            s.election.election_notice.as_ref().map(|n| n.tone),
            Some(Tone::Refused)
        );
        let s = run(s, [e(ElectionAction::ShowElection(None))]);
        assert_eq!(s.election.shown, None);
    }

    #[test]
    fn with_nobody_to_seal_the_timer_waits_and_says_why() {
        let s = run(state(), [seal(1)]);
        let (elected, runner_up) = {
            let sim = s.community.read();
            let record = sim.last_election().expect("an election");
            (record.winner, record.runner_up.expect("a runner-up"))
        };
        let offline = |member| {
            e(ElectionAction::SetOnline {
                member,
                online: false,
            })
        };
        let period = s.clock.period_ms();
        let ticks = (1..=3).map(|i| {
            TimerAction::Tick {
                now_ms: T0 + f64::from(i) * period + 10.0,
            }
            .into()
        });
        let s = run(
            s,
            [offline(elected), offline(runner_up)]
                .into_iter()
                .chain(ticks),
        );
        assert_eq!(s.tip_height(), 1);
        let notice = s.notices.sealing.clone().expect("a message");
        assert_eq!(notice.tone, Tone::Refused);
        assert!(notice.text.contains("both are offline"), "{}", notice.text);
        let s = run(
            s,
            [
                e(ElectionAction::SetOnline {
                    member: runner_up,
                    online: true,
                }),
                seal(9),
            ],
        );
        assert_eq!(s.tip_height(), 2);
        assert_eq!(s.notices.sealing, None);
    }
}
