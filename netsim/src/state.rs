//! The Network page's one state: the community's nodes on a simulated
//! network (the core's [`Network`], the same [`Node`]s the real network
//! runs), and what the page shows of them. Every change is an [`Action`].
//!
//! [`Node`]: ecloud_core::node::Node

use ecloud_core::chain::genesis::GEORGE;
use ecloud_core::model::block::MARKET_PERIOD_MS;
use ecloud_core::node::{Byzantine, Command, Event, PeerId};
use ecloud_core::simulation::network::Network;
use ecloud_core::simulation::profile::{period_of_day, Profile};
use ecloud_core::{CommunitySpec, Wh};
use std::cell::{Ref, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use yew::prelude::*;

/// Chain time of the genesis block: 10:00 on the seed's day (11 June 2018).
pub const START_MS: u64 = 1_528_711_200_000;

/// What the page keeps of the nodes' events: the newest, for the log.
pub const LOG_LEN: usize = 300;

/// The most slots one fast forward runs: the page does nothing else meanwhile.
pub const MAX_FAST_FORWARD: u64 = 1_000;

/// The longest delay a class can set: an hour of chain time, four slots.
pub const MAX_DELAY_S: u64 = 3_600;

/// George's peak production per market period: a small wind turbine
/// (1 kWh in 15 minutes at full wind), so his 1,000 kWh last a long lesson.
const PEAK: Wh = Wh(1_000);

/// How fast chain time runs: real seconds per market period (a slot).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Speed(pub u32);

impl Speed {
    pub const CHOICES: [Speed; 5] = [Speed(2), Speed(5), Speed(15), Speed(60), Speed(900)];

    /// Chain milliseconds per real millisecond.
    fn factor(self) -> f64 {
        MARKET_PERIOD_MS as f64 / (f64::from(self.0) * 1_000.0)
    }

    pub fn label(self) -> String {
        match self.0 {
            900 => "real time: a block every 15 min".into(),
            s => format!("a block every {s} s"),
        }
    }
}

/// One thing a node said, when (chain time) and which node.
#[derive(Clone, Debug, PartialEq)]
pub struct Said {
    pub at_ms: u64,
    pub node: PeerId,
    pub event: Event,
}

/// The community as nodes on a network, as the page shows it.
#[derive(Clone)]
pub struct State {
    /// Mutated only by [`State::reduce`]; `revision` says it changed.
    network: Rc<RefCell<Network>>,
    revision: u64,
    /// Member names, node by node (node i speaks for member i).
    pub names: Rc<[String]>,
    /// The node whose view the blocks and the log show.
    pub selected: PeerId,
    pub speed: Speed,
    pub paused: bool,
    /// The side each node takes when the network is split.
    pub sides: Vec<u32>,
    /// How each node behaves (the page set it; honest at first).
    pub behaviours: Vec<Byzantine>,
    pub split: bool,
    /// The nodes' newest events, oldest first.
    pub log: Rc<VecDeque<Said>>,
    /// Runs are reproducible from it (`?seed=` in the address).
    pub seed: u64,
    /// A command a node refused (George's reading past his capacity, say).
    pub notice: Option<String>,
    /// Safety, as last checked: no two nodes hold different final blocks
    /// ([`Network::check_safety`], run again whenever a block became final,
    /// the only time its answer can change).
    pub safety: Result<(), String>,
}

impl PartialEq for State {
    fn eq(&self, other: &State) -> bool {
        Rc::ptr_eq(&self.network, &other.network)
            && self.revision == other.revision
            && self.selected == other.selected
            && self.speed == other.speed
            && self.paused == other.paused
            && self.sides == other.sides
            && self.behaviours == other.behaviours
            && self.split == other.split
            && self.notice == other.notice
            && self.safety == other.safety
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Real time passed: chain time runs on by `real_ms` at the page's speed.
    Advance {
        real_ms: f64,
    },
    SetPaused(bool),
    /// Chain time runs on to the end of the slot after the current one: the
    /// next block sealed, sent and taken (a paused class's step).
    NextBlock,
    /// Chain time runs on by this many slots at once (a long run, quickly).
    FastForward(u64),
    SetSpeed(Speed),
    /// Show this node's view.
    Select(PeerId),
    /// Cut the network in two along `sides`.
    Split,
    Heal,
    /// Put a node on side 0 or 1 (the split follows at once when split).
    SetSide(PeerId, u32),
    SetOnline(PeerId, bool),
    /// The node crashes: it keeps only what it saved.
    Crash(PeerId),
    /// A crashed node starts again from what it saved.
    Restart(PeerId),
    /// The node departs from the protocol, or comes back to it.
    SetBehaviour(PeerId, Byzantine),
    /// Every message takes this long, plus up to as much again (seconds of
    /// chain time).
    SetDelay(u64),
    /// Messages lost, in percent.
    SetLoss(u32),
}

impl State {
    /// The seed's community (George, Anne, Bob, Carla), one node each, on a
    /// network drawn from `seed`.
    pub fn new(seed: u64) -> State {
        let spec = CommunitySpec::default();
        let network = Network::community(&spec, seed, START_MS)
            .expect("the seed's community makes a genesis block");
        let names: Rc<[String]> = spec.members.iter().map(|m| m.name.clone()).collect();
        // Two against two: neither side holds more than two thirds.
        let sides = (0..names.len())
            .map(|i| u32::from(i >= names.len() / 2))
            .collect();
        let behaviours = vec![Byzantine::Honest; names.len()];
        State {
            network: Rc::new(RefCell::new(network)),
            revision: 0,
            names,
            selected: 0,
            speed: Speed(5),
            paused: false,
            behaviours,
            sides,
            split: false,
            log: Rc::new(VecDeque::new()),
            seed,
            notice: None,
            safety: Ok(()),
        }
    }

    /// The network, to read.
    pub fn network(&self) -> Ref<'_, Network> {
        self.network.borrow()
    }

    pub fn name(&self, node: PeerId) -> &str {
        self.names.get(node as usize).map_or("?", String::as_str)
    }

    /// Runs chain time on to `until_ms`. George's node reads his production
    /// half-way through each slot, as his meter would.
    fn run_until(&mut self, until_ms: u64) {
        let mut network = self.network.borrow_mut();
        loop {
            let now = network.now_ms();
            let slot = (now - START_MS) / MARKET_PERIOD_MS;
            let reading_at = START_MS + slot * MARKET_PERIOD_MS + MARKET_PERIOD_MS / 2;
            let next = if reading_at > now {
                reading_at
            } else {
                reading_at + MARKET_PERIOD_MS
            };
            if next > until_ms {
                network.run_until(until_ms);
                break;
            }
            network.run_until(next);
            let height = network
                .peer_of(GEORGE)
                .map(|p| network.node(p).tip().height());
            let energy = Profile::Wind.energy(period_of_day(height.unwrap_or(0) + 1), PEAK);
            // Refused while his node is offline (nobody reads the meter) or
            // once his capacity is spent: the page says so.
            self.notice = network
                .command(GEORGE, Command::Generate(energy))
                .err()
                .map(|e| format!("George's reading was not made: {e}"));
        }
        let mut log = (*self.log).clone();
        let mut finalised = false;
        for (at_ms, node, event) in network.take_events() {
            finalised |= matches!(event, Event::Final { .. });
            log.push_back(Said { at_ms, node, event });
        }
        if finalised {
            self.safety = network.check_safety().map_err(|e| e.to_string());
        }
        let excess = log.len().saturating_sub(LOG_LEN);
        log.drain(..excess);
        self.log = Rc::new(log);
    }

    fn repartition(&mut self) {
        let mut network = self.network.borrow_mut();
        if self.split {
            network.partition(&self.sides);
        } else {
            network.heal();
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Advance { real_ms } => {
                if next.paused {
                    return self;
                }
                // At most one slot per step: a tab that slept does not make
                // the page catch up on hours at once.
                let ms = (real_ms.max(0.0) * next.speed.factor()).min(MARKET_PERIOD_MS as f64);
                let until = next.network().now_ms() + ms as u64;
                next.run_until(until);
            }
            Action::SetPaused(paused) => next.paused = paused,
            Action::NextBlock => {
                let now = next.network().now_ms();
                let slot_end =
                    START_MS + ((now - START_MS) / MARKET_PERIOD_MS + 1) * MARKET_PERIOD_MS;
                next.run_until(slot_end);
            }
            Action::FastForward(slots) => {
                let until =
                    next.network().now_ms() + slots.min(MAX_FAST_FORWARD) * MARKET_PERIOD_MS;
                next.run_until(until);
            }
            Action::SetSpeed(speed) => next.speed = speed,
            Action::Select(node) => next.selected = node,
            Action::Split => {
                next.split = true;
                next.repartition();
            }
            Action::Heal => {
                next.split = false;
                next.repartition();
            }
            Action::SetSide(node, side) => {
                if let Some(s) = next.sides.get_mut(node as usize) {
                    *s = side;
                }
                next.repartition();
            }
            Action::SetOnline(node, online) => next.network.borrow_mut().set_online(node, online),
            Action::Crash(node) => next.network.borrow_mut().crash(node),
            Action::Restart(node) => {
                let restarted = next.network.borrow_mut().restart(node);
                next.notice = restarted
                    .err()
                    .map(|e| format!("{} could not restart: {e}", next.name(node)));
            }
            Action::SetBehaviour(node, behaviour) => {
                if let Some(b) = next.behaviours.get_mut(node as usize) {
                    *b = behaviour;
                    next.network.borrow_mut().set_byzantine(node, behaviour);
                }
            }
            Action::SetDelay(seconds) => {
                let ms = seconds.min(MAX_DELAY_S) * 1_000;
                let mut network = next.network.borrow_mut();
                network.conditions.delay_ms = ms;
                network.conditions.jitter_ms = ms;
            }
            Action::SetLoss(percent) => {
                next.network.borrow_mut().conditions.loss_permille = percent.min(100) * 10;
            }
        }
        next.revision += 1;
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(mut state: Rc<State>, actions: impl IntoIterator<Item = Action>) -> Rc<State> {
        for action in actions {
            state = state.reduce(action);
        }
        state
    }

    /// A slot's worth of real time at the page's speed, `n` times.
    fn slots(n: usize) -> impl Iterator<Item = Action> {
        std::iter::repeat_n(Action::Advance { real_ms: 5_000.0 }, n)
    }

    #[test]
    fn the_nodes_seal_blocks_as_chain_time_runs_and_george_reads_his_meter() {
        let state = run(Rc::new(State::new(1)), slots(12));
        let network = state.network();
        let tip = network.node(0).tip().clone();
        assert!(tip.height() >= 10, "{} blocks in 12 slots", tip.height());
        assert!(network.agree());
        let generations = network
            .node(0)
            .chain()
            .iter()
            .flat_map(|b| b.body.transactions.clone())
            .filter(|tx| matches!(tx.body, ecloud_core::TxBody::Generation(_)))
            .count();
        assert!(generations >= 9, "{generations} readings");
        assert!(state
            .log
            .iter()
            .any(|s| matches!(s.event, Event::Final { .. })));
    }

    #[test]
    fn a_split_makes_two_chains_and_the_heal_makes_one_again() {
        let state = run(Rc::new(State::new(2)), slots(4));
        let state = run(state, [Action::Split].into_iter().chain(slots(8)));
        {
            let network = state.network();
            assert_ne!(network.node(0).tip().hash, network.node(3).tip().hash);
            assert!(!network.reachable(0, 3));
            assert!(network.reachable(0, 1));
        }
        let state = run(state, [Action::Heal].into_iter().chain(slots(8)));
        let network = state.network();
        assert!(network.agree(), "one tip after the heal");
        assert!(network.check_safety().is_ok());
        assert_eq!(state.safety, Ok(()), "as the page last checked it");
        assert!(state
            .log
            .iter()
            .any(|s| matches!(s.event, Event::Reorganised { dropped, .. } if dropped > 0)));
    }

    #[test]
    fn a_paused_page_runs_nothing_and_the_log_keeps_only_the_newest() {
        let state = run(
            Rc::new(State::new(3)),
            [Action::SetPaused(true)].into_iter().chain(slots(3)),
        );
        assert_eq!(state.network().now_ms(), START_MS);
        let state = run(
            state,
            [Action::SetPaused(false)].into_iter().chain(slots(80)),
        );
        assert_eq!(state.log.len(), LOG_LEN);
        assert!(state.network().node(0).tip().height() > 60);
    }

    #[test]
    fn an_offline_node_falls_behind_and_catches_up_when_back() {
        let state = run(
            Rc::new(State::new(4)),
            [Action::SetOnline(2, false)].into_iter().chain(slots(6)),
        );
        assert!(!state.network().is_online(2));
        assert!(
            state.network().node(2).tip().height() + 4 < state.network().node(0).tip().height()
        );
        let state = run(
            state,
            [Action::SetOnline(2, true)].into_iter().chain(slots(4)),
        );
        assert!(state.network().agree());
    }

    #[test]
    fn a_paused_class_steps_one_block_at_a_time_or_fast_forwards() {
        let state = run(Rc::new(State::new(6)), [Action::SetPaused(true)]);
        let state = run(state, std::iter::repeat_n(Action::NextBlock, 5));
        let height = state.network().node(0).tip().height();
        assert!((4..=5).contains(&height), "{height} blocks in 5 steps");
        assert_eq!(state.network().now_ms(), START_MS + 5 * MARKET_PERIOD_MS);
        let state = run(state, [Action::FastForward(40)]);
        let network = state.network();
        assert!(network.node(0).tip().height() >= height + 38);
        assert!(network.agree());
        assert!(network.node(0).finalized().height() > height + 30);
    }

    #[test]
    fn a_crashed_node_restarts_from_what_it_saved_and_catches_up() {
        let state = run(
            Rc::new(State::new(7)),
            slots(3).chain([Action::Crash(1)]).chain(slots(5)),
        );
        assert!(state.network().is_crashed(1));
        assert!(!state.network().is_online(1));
        let state = run(state, [Action::Restart(1)].into_iter().chain(slots(5)));
        assert!(!state.network().is_crashed(1));
        assert_eq!(state.notice, None);
        assert!(state.network().agree());
    }

    #[test]
    fn a_sealer_that_seals_two_blocks_a_slot_is_caught_and_every_node_keeps_one() {
        let state = run(
            Rc::new(State::new(8)),
            [Action::SetBehaviour(0, Byzantine::Equivocates)]
                .into_iter()
                .chain(slots(12)),
        );
        assert_eq!(state.behaviours[0], Byzantine::Equivocates);
        assert!(state
            .log
            .iter()
            .any(|s| matches!(s.event, Event::Equivocation { .. })));
        let state = run(state, slots(4));
        assert!(state.network().agree());
        assert_eq!(state.safety, Ok(()));
    }

    #[test]
    fn delay_and_loss_reach_the_network() {
        let state = run(
            Rc::new(State::new(5)),
            [Action::SetDelay(30), Action::SetLoss(250)],
        );
        let conditions = state.network().conditions;
        assert_eq!(conditions.delay_ms, 30_000);
        assert_eq!(conditions.jitter_ms, 30_000);
        assert_eq!(conditions.loss_permille, 1_000, "at most 100 %");
        let state = run(state, [Action::SetDelay(u64::MAX)]);
        assert_eq!(state.network().conditions.delay_ms, MAX_DELAY_S * 1_000);
    }
}
