//! A network that fails, simulated: every node of a community in one
//! process, on virtual time, every run reproducible from its seed (as
//! FoundationDB's simulation and TigerBeetle's VOPR test whole systems).
//!
//! Messages between nodes are delayed (a base delay and a random jitter, so
//! they also arrive out of order), lost or duplicated at the rates the
//! [`Conditions`] say; the network can be split into groups that cannot hear
//! each other and healed; a node can be taken offline (it hears nothing and
//! does nothing) or crash and restart from what it saved. The nodes are the
//! same [`Node`]s the page and the real network run.

use crate::chain::genesis::{CommunitySpec, SetupError};
use crate::crypto::vrf::VrfPublicKey;
use crate::crypto::{Hash, PublicKey, Signature};
use crate::model::block::{Block, BlockBody, BlockHeader};
use crate::model::ledger::Ledger;
use crate::model::member::MemberId;
use crate::node::message::{Event, Message, Output, PeerId, To};
use crate::node::{Applicant, Byzantine, Command, Node, NodeError, NodeKeys, RestoreError};
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::sync::Arc;

/// How the network treats messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conditions {
    /// Every message takes at least this long (ms of chain time).
    pub delay_ms: u64,
    /// And up to this much more, at random: messages overtake each other.
    pub jitter_ms: u64,
    /// Messages lost, per thousand.
    pub loss_permille: u32,
    /// Messages delivered twice, per thousand.
    pub duplicate_permille: u32,
}

impl Default for Conditions {
    /// A school's network: a tenth of a second, give or take, nothing lost.
    fn default() -> Conditions {
        Conditions {
            delay_ms: 100,
            jitter_ms: 100,
            loss_permille: 0,
            duplicate_permille: 0,
        }
    }
}

/// One node of the network and what the network knows of it.
struct Slot {
    node: Node,
    keys: Option<NodeKeys>,
    /// Seeds the node's bets, again after a restart.
    seed: u64,
    online: bool,
    /// The group it belongs to while the network is split.
    group: u32,
    /// What it saved when it crashed, until it restarts.
    crashed: Option<String>,
    /// The newcomer it asks for, kept on its device as its keys are.
    applicant: Option<Applicant>,
}

/// Something due at a time: a message arriving, or a node's clock ticking.
#[derive(Clone, Debug, PartialEq)]
enum Due {
    /// One message, shared by the copies sent to each peer.
    Deliver {
        from: PeerId,
        to: PeerId,
        message: Arc<Message>,
    },
    Tick(PeerId),
}

/// Ordered by time, then by the order they were scheduled in: the same
/// seed gives the same run.
struct Scheduled {
    at: u64,
    order: u64,
    due: Due,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Scheduled) -> bool {
        (self.at, self.order) == (other.at, other.order)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Scheduled) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, other: &Scheduled) -> std::cmp::Ordering {
        (self.at, self.order).cmp(&(other.at, other.order))
    }
}

/// Counts of what the network did with messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Traffic {
    pub sent: u64,
    pub delivered: u64,
    pub lost: u64,
    pub duplicated: u64,
    /// Not delivered: the receiver was offline, crashed or on the other side
    /// of a split.
    pub unreachable: u64,
}

impl Slot {
    /// Running and reachable: not taken offline, not crashed.
    fn running(&self) -> bool {
        self.online && self.crashed.is_none()
    }
}

/// A simulated network of nodes.
pub struct Network {
    slots: Vec<Slot>,
    queue: BinaryHeap<Reverse<Scheduled>>,
    order: u64,
    now_ms: u64,
    rng: ChaCha20Rng,
    pub conditions: Conditions,
    /// How often each node's clock ticks.
    tick_ms: u64,
    traffic: Traffic,
    /// Everything the nodes said, in order: (time, node, event).
    events: Vec<(u64, PeerId, Event)>,
}

/// The keys member `member`'s node makes for itself in a run drawn from
/// `seed` (a simulation's stand-in for a device's own random keys).
pub fn node_keys(seed: u64, member: u32) -> NodeKeys {
    let bytes = crate::crypto::sha256(
        &[
            b"e-cloud simulated node".as_slice(),
            &seed.to_le_bytes(),
            &member.to_le_bytes(),
        ]
        .concat(),
    );
    NodeKeys::from_seed(MemberId(member), bytes.0)
}

/// `spec`'s genesis block of version 2 at `start_ms`, each member's keys
/// made from `seed` ([`node_keys`]) and the first member sealing it; and
/// those keys, member by member. Every node started from the same spec,
/// seed and start holds the same genesis block.
pub fn community_genesis(
    spec: &CommunitySpec,
    seed: u64,
    start_ms: u64,
) -> Result<(Block, Vec<NodeKeys>), SetupError> {
    if spec.members.is_empty() {
        return Err(SetupError::NoMembers);
    }
    let keys: Vec<NodeKeys> = (0..spec.members.len() as u32)
        .map(|i| node_keys(seed, i))
        .collect();
    let genesis = spec.genesis_block_v2(
        |id| {
            let k = &keys[id.0 as usize];
            (k.public_key(), k.vrf_key())
        },
        keys[0].signing(),
        start_ms,
    )?;
    Ok((genesis, keys))
}

/// The genesis block of a class whose registrar (the genesis sealer,
/// member 0) made its own keys (`registrar`), which only it holds; the
/// other members' keys are made from `seed` as in [`community_genesis`].
pub fn classroom_genesis(
    spec: &CommunitySpec,
    seed: u64,
    start_ms: u64,
    registrar: &NodeKeys,
) -> Result<Block, SetupError> {
    let keys = (registrar.public_key(), registrar.vrf_key());
    let unsealed = UnsealedGenesis::classroom(spec, seed, start_ms, keys)?;
    let seal = registrar.signing().sign(&unsealed.hash);
    Ok(unsealed.sealed(seal))
}

/// A class's genesis block before its registrar seals it: what the node
/// that serves the class makes from the registrar's public keys, so that
/// the teacher's browser, which holds the registrar's secret key, only
/// signs its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsealedGenesis {
    pub header: BlockHeader,
    /// The hash the registrar signs.
    pub hash: Hash,
    pub ledger: Ledger,
}

impl UnsealedGenesis {
    /// [`classroom_genesis`] of `spec`, `seed` and `start_ms` for the
    /// registrar of `keys` (signing, VRF), not yet sealed.
    pub fn classroom(
        spec: &CommunitySpec,
        seed: u64,
        start_ms: u64,
        registrar: (PublicKey, VrfPublicKey),
    ) -> Result<UnsealedGenesis, SetupError> {
        let keys = |id: MemberId| match id {
            MemberId(0) => registrar,
            MemberId(m) => {
                let k = node_keys(seed, m);
                (k.public_key(), k.vrf_key())
            }
        };
        let (header, ledger) = spec.unsealed_genesis_v2(keys, start_ms)?;
        let hash = header.hash().map_err(SetupError::Encoding)?;
        Ok(UnsealedGenesis {
            header,
            hash,
            ledger,
        })
    }

    /// The genesis block with the registrar's `seal` (unchecked: see
    /// [`check_classroom_genesis`]).
    pub fn sealed(self, seal: Signature) -> Block {
        Block {
            header: self.header,
            hash: self.hash,
            seal,
            body: BlockBody {
                transactions: Vec::new(),
                ledger: self.ledger,
            },
        }
    }
}

/// Why a genesis block is not the one a class expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GenesisMismatch {
    /// It names no registrar (member 0) with a signing and a VRF key.
    NoRegistrar,
    /// The class's spec cannot start (it is the node's own configuration).
    Setup(SetupError),
    /// Its header, ledger or transactions differ from the class's: another
    /// seed, start, slot, membership or keys.
    NotTheClass,
    /// Its hash is not its header's, or its seal is not the registrar's.
    BadSeal,
}

impl fmt::Display for GenesisMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenesisMismatch::NoRegistrar => write!(f, "it names no registrar with its keys"),
            GenesisMismatch::Setup(e) => write!(f, "the class cannot start: {e}"),
            GenesisMismatch::NotTheClass => write!(
                f,
                "it is not this class's genesis block (another seed, start, slot, membership or keys)"
            ),
            GenesisMismatch::BadSeal => write!(f, "its seal is not the registrar's"),
        }
    }
}

impl std::error::Error for GenesisMismatch {}

/// Whether `genesis` is [`classroom_genesis`] of `spec`, `seed` and
/// `start_ms` for the registrar it names: what a node that holds no
/// registrar key checks before it serves a class the teacher's browser
/// started.
pub fn check_classroom_genesis(
    spec: &CommunitySpec,
    seed: u64,
    start_ms: u64,
    genesis: &Block,
) -> Result<(), GenesisMismatch> {
    let registrar = genesis
        .ledger()
        .member(MemberId(0))
        .and_then(|m| Some((m.public_key, m.vrf_key?)))
        .ok_or(GenesisMismatch::NoRegistrar)?;
    let expected = UnsealedGenesis::classroom(spec, seed, start_ms, registrar)
        .map_err(GenesisMismatch::Setup)?;
    if genesis.header != expected.header
        || genesis.body.ledger != expected.ledger
        || !genesis.body.transactions.is_empty()
    {
        return Err(GenesisMismatch::NotTheClass);
    }
    if genesis.hash != expected.hash || !registrar.0.verifies(&expected.hash, &genesis.seal) {
        return Err(GenesisMismatch::BadSeal);
    }
    Ok(())
}

impl Network {
    /// `spec`'s community started at `start_ms` as a chain of version 2
    /// ([`community_genesis`]), one node per member holding only its own
    /// keys; reproducible from `seed`.
    pub fn community(
        spec: &CommunitySpec,
        seed: u64,
        start_ms: u64,
    ) -> Result<Network, SetupError> {
        let (genesis, keys) = community_genesis(spec, seed, start_ms)?;
        Ok(Network::new(
            Arc::new(genesis),
            keys.into_iter().map(Some).collect(),
            seed,
        ))
    }

    /// A network of one node per entry of `keys` (None: an observer), all
    /// started on `genesis` at its time, reproducible from `seed`.
    pub fn new(genesis: Arc<Block>, keys: Vec<Option<NodeKeys>>, seed: u64) -> Network {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let start = genesis.header.period_start_ms;
        let slot_ms = genesis
            .ledger()
            .rules
            .slot_ms
            .unwrap_or(crate::model::block::MARKET_PERIOD_MS);
        let slots = keys
            .into_iter()
            .map(|keys| {
                let seed = rng.next_u64();
                Slot {
                    node: Node::new(genesis.clone(), keys.clone(), seed),
                    keys,
                    seed,
                    online: true,
                    group: 0,
                    crashed: None,
                    applicant: None,
                }
            })
            .collect();
        let mut network = Network {
            slots,
            queue: BinaryHeap::new(),
            order: 0,
            now_ms: start,
            rng,
            conditions: Conditions::default(),
            tick_ms: (slot_ms / 16).max(1),
            traffic: Traffic::default(),
            events: Vec::new(),
        };
        for peer in 0..network.slots.len() as PeerId {
            // Spread the first ticks over one tick, so nodes do not move in
            // lockstep.
            let offset = network.rng.next_u64() % network.tick_ms;
            network.schedule(start + offset, Due::Tick(peer));
        }
        network
    }

    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn node(&self, peer: PeerId) -> &Node {
        &self.slots[peer as usize].node
    }

    /// The nodes, with whether each is online (running and reachable).
    pub fn nodes(&self) -> impl Iterator<Item = (&Node, bool)> {
        self.slots.iter().map(|s| (&s.node, s.running()))
    }

    pub fn traffic(&self) -> Traffic {
        self.traffic
    }

    /// Messages sent and not yet delivered.
    pub fn in_flight(&self) -> usize {
        self.queue
            .iter()
            .filter(|s| matches!(s.0.due, Due::Deliver { .. }))
            .count()
    }

    pub fn events(&self) -> &[(u64, PeerId, Event)] {
        &self.events
    }

    /// Everything the nodes said since the last call, taken out of the log:
    /// a long run (a page's) keeps only what its caller keeps.
    pub fn take_events(&mut self) -> Vec<(u64, PeerId, Event)> {
        std::mem::take(&mut self.events)
    }

    /// Whether node `peer` is running and reachable (not offline, not
    /// crashed).
    pub fn is_online(&self, peer: PeerId) -> bool {
        self.slots[peer as usize].running()
    }

    /// The node that speaks for `member`.
    pub fn peer_of(&self, member: MemberId) -> Option<PeerId> {
        self.slots
            .iter()
            .position(|s| s.node.member() == Some(member))
            .map(|i| i as PeerId)
    }

    fn schedule(&mut self, at: u64, due: Due) {
        self.order += 1;
        self.queue.push(Reverse(Scheduled {
            at,
            order: self.order,
            due,
        }));
    }

    /// Whether node `peer` crashed and has not restarted.
    pub fn is_crashed(&self, peer: PeerId) -> bool {
        self.slots[peer as usize].crashed.is_some()
    }

    /// Whether a message from `from` would reach `to` now: `to` is online and
    /// on the same side of a split.
    pub fn reachable(&self, from: PeerId, to: PeerId) -> bool {
        let (a, b) = (&self.slots[from as usize], &self.slots[to as usize]);
        b.running() && a.group == b.group
    }

    /// Puts a node's output on the wire and in the log.
    fn dispatch(&mut self, from: PeerId, output: Output) {
        for event in output.events {
            self.events.push((self.now_ms, from, event));
        }
        for send in output.sends {
            let message = Arc::new(send.message);
            let receivers: Vec<PeerId> = match send.to {
                To::All => (0..self.slots.len() as PeerId)
                    .filter(|p| *p != from)
                    .collect(),
                To::Peer(p) => vec![p],
            };
            for to in receivers {
                self.traffic.sent += 1;
                if self.rng.next_u32() % 1_000 < self.conditions.loss_permille {
                    self.traffic.lost += 1;
                    continue;
                }
                let copies = if self.rng.next_u32() % 1_000 < self.conditions.duplicate_permille {
                    self.traffic.duplicated += 1;
                    2
                } else {
                    1
                };
                for _ in 0..copies {
                    let jitter = match self.conditions.jitter_ms {
                        0 => 0,
                        j => self.rng.next_u64() % (j + 1),
                    };
                    let at = self.now_ms + self.conditions.delay_ms + jitter;
                    self.schedule(
                        at,
                        Due::Deliver {
                            from,
                            to,
                            message: message.clone(),
                        },
                    );
                }
            }
        }
    }

    /// When the next thing is due (a node's tick or a delivery).
    pub fn next_at(&self) -> Option<u64> {
        self.queue.peek().map(|Reverse(next)| next.at)
    }

    /// Runs the next thing due; false when nothing is.
    pub fn step(&mut self) -> bool {
        let Some(Reverse(next)) = self.queue.pop() else {
            return false;
        };
        self.now_ms = self.now_ms.max(next.at);
        match next.due {
            Due::Tick(peer) => {
                let at = self.now_ms + self.tick_ms;
                self.schedule(at, Due::Tick(peer));
                let slot = &mut self.slots[peer as usize];
                if slot.running() {
                    let output = slot.node.tick(self.now_ms);
                    self.dispatch(peer, output);
                }
            }
            Due::Deliver { from, to, message } => {
                if !self.reachable(from, to) {
                    self.traffic.unreachable += 1;
                } else {
                    self.traffic.delivered += 1;
                    let message = Arc::unwrap_or_clone(message);
                    let output = self.slots[to as usize]
                        .node
                        .handle(from, message, self.now_ms);
                    self.dispatch(to, output);
                }
            }
        }
        true
    }

    /// Runs until the virtual clock reaches `until_ms`.
    pub fn run_until(&mut self, until_ms: u64) {
        while self
            .queue
            .peek()
            .is_some_and(|Reverse(next)| next.at <= until_ms)
        {
            self.step();
        }
        self.now_ms = self.now_ms.max(until_ms);
    }

    /// A command to the node of `member`, now: refused while that node is
    /// offline or crashed.
    pub fn command(&mut self, member: MemberId, command: Command) -> Result<(), NodeError> {
        let peer = self.peer_of(member).ok_or(NodeError::Rule(
            crate::rules::transition::Violation::UnknownMember(member),
        ))?;
        let slot = &self.slots[peer as usize];
        if !slot.running() {
            return Err(NodeError::Stopped);
        }
        let now = self.now_ms;
        let output = self.slots[peer as usize].node.command(command, now)?;
        self.dispatch(peer, output);
        Ok(())
    }

    /// Splits the network: node i joins group `groups[i]`; nodes of
    /// different groups no longer hear each other.
    pub fn partition(&mut self, groups: &[u32]) {
        for (slot, group) in self.slots.iter_mut().zip(groups) {
            slot.group = *group;
        }
    }

    /// Every node hears every other again.
    pub fn heal(&mut self) {
        for slot in &mut self.slots {
            slot.group = 0;
        }
    }

    /// Takes a node offline (it hears nothing and does nothing, keeping its
    /// state) or back online.
    pub fn set_online(&mut self, peer: PeerId, online: bool) {
        self.slots[peer as usize].online = online;
    }

    /// The node crashes: it keeps only what it saved.
    pub fn crash(&mut self, peer: PeerId) {
        let slot = &mut self.slots[peer as usize];
        if slot.crashed.is_none() {
            slot.crashed = Some(slot.node.save());
        }
    }

    /// A crashed node restarts from what it saved.
    pub fn restart(&mut self, peer: PeerId) -> Result<(), RestoreError> {
        let slot = &mut self.slots[peer as usize];
        if let Some(saved) = slot.crashed.take() {
            slot.node = Node::restore(&saved, slot.keys.clone(), slot.seed)?;
            if let Some(applicant) = slot.applicant.clone() {
                // It made its keys itself: they come back from its device.
                let output = slot.node.ask_to_join(applicant, self.now_ms);
                self.dispatch(peer, output);
            }
        }
        Ok(())
    }

    /// Node `peer` (an observer) asks, for the newcomer `applicant`, to be
    /// admitted by the registrar.
    pub fn ask_to_join(&mut self, peer: PeerId, applicant: Applicant) {
        let now = self.now_ms;
        let slot = &mut self.slots[peer as usize];
        slot.applicant = Some(applicant.clone());
        let output = slot.node.ask_to_join(applicant, now);
        self.dispatch(peer, output);
    }

    /// Makes a node depart from the protocol (the Byzantine schedules).
    pub fn set_byzantine(&mut self, peer: PeerId, byzantine: Byzantine) {
        self.slots[peer as usize].node.set_byzantine(byzantine);
    }
}

/// What went wrong in a network: a broken invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violated(pub String);

impl std::fmt::Display for Violated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Network {
    /// Safety, after any step and under any partition: no two nodes hold
    /// different final blocks at one height.
    ///
    /// Of two nodes, the one whose final block is higher must hold the
    /// other's final block on its final chain: the blocks below it then
    /// agree too, each naming its parent by hash. That takes a few steps
    /// down a chain for each pair, not a walk of every chain (`scripts/simulate`
    /// checks after every step, the Network page after every final block).
    pub fn check_safety(&self) -> Result<(), Violated> {
        let finals: Vec<(&crate::node::BlockTree, &Arc<Block>)> = self
            .slots
            .iter()
            .map(|s| (s.node.tree(), s.node.tree().finalized()))
            .collect();
        for (a, (tree_a, final_a)) in finals.iter().enumerate() {
            for (tree_b, final_b) in &finals[a + 1..] {
                let (low, high, high_tree) = if final_a.height() <= final_b.height() {
                    (final_a, final_b, tree_b)
                } else {
                    (final_b, final_a, tree_a)
                };
                if high_tree.ancestor_at(&high.hash, low.height()) != Some(low.hash) {
                    return self.first_different_final_blocks();
                }
            }
        }
        Ok(())
    }

    /// Where two nodes' final chains first differ, found by comparing them
    /// whole (once [`Network::check_safety`] knows they do).
    fn first_different_final_blocks(&self) -> Result<(), Violated> {
        let finals: Vec<Vec<crate::crypto::Hash>> = self
            .slots
            .iter()
            .map(|s| {
                let tree = s.node.tree();
                tree.chain_to(&tree.finalized().hash)
                    .iter()
                    .map(|b| b.hash)
                    .collect()
            })
            .collect();
        for (a, fa) in finals.iter().enumerate() {
            for (b, fb) in finals.iter().enumerate().skip(a + 1) {
                if let Some(height) = fa.iter().zip(fb).position(|(x, y)| x != y) {
                    return Err(Violated(format!(
                        "nodes {a} and {b} hold different final blocks at height {height}"
                    )));
                }
            }
        }
        Err(Violated(
            "a node's final chain does not hold another's final block".into(),
        ))
    }

    /// Every node's chain verifies as a whole (which checks conservation of
    /// energy and tokens at every block too).
    pub fn check_chains(&self) -> Result<(), Violated> {
        for (i, s) in self.slots.iter().enumerate() {
            let chain: Vec<Block> = s.node.chain_blocks();
            let report = crate::chain::verify::verify_chain(&chain);
            if let Some(f) = report.first_failure() {
                return Err(Violated(format!(
                    "node {i}'s chain fails verification at block {}: {} ({})",
                    f.height,
                    f.message,
                    f.check.code()
                )));
            }
        }
        Ok(())
    }

    /// Whether every online node follows the same tip.
    pub fn agree(&self) -> bool {
        self.tips_followed().len() <= 1
    }

    /// The tips the online nodes follow, each once.
    pub fn tips_followed(&self) -> Vec<crate::crypto::Hash> {
        let mut tips = Vec::new();
        for (node, _) in self.nodes().filter(|(_, online)| *online) {
            if !tips.contains(&node.tip().hash) {
                tips.push(node.tip().hash);
            }
        }
        tips
    }
}
