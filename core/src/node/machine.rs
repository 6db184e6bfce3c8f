//! The node: a state machine that turns messages and the time into messages
//! to send and events to show (see the module's documentation, `node`).

use crate::chain::blocks::Chain;
use crate::chain::verify::{
    block_signatures, verify_extension_after, verify_signatures, Check, Finding, PassedSignatures,
};
use crate::crypto::merkle_root;
use crate::crypto::vrf::{ProofMemo, VrfPublicKey};
use crate::crypto::Hash;
use crate::crypto::{PublicKey, SignedDigest};
use crate::encoding::canonical::CanonicalError;
use crate::encoding::units::{MilliTokens, Wh};
use crate::model::block::{Block, BlockBody, BlockHeader, BLOCK_VERSION_2, RANK_TURNS};
use crate::model::ledger::Ledger;
use crate::model::member::{MemberId, Role};
use crate::model::shares::ShareTable;
use crate::model::tx::{
    Membership, MembershipChange, Penalty, ShareUpdate, Transaction, TxBody, Vote,
};
use crate::node::join::{Applicant, JoinDecline, JoinRequest};
use crate::node::keys::NodeKeys;
use crate::node::message::{Event, Message, Output, PeerId, To, ANSWERS_AHEAD, BLOCKS_PER_ANSWER};
use crate::node::strategy::Strategy;
use crate::node::tree::BlockTree;
use crate::rules::election::{
    election_input, election_seed_after, hold_election_among, turns_after, Turns,
};
use crate::rules::transition::{expected_generation, OpenBlock, Violation};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

/// How far ahead of a node's clock a block may say it was sealed: a block
/// from further in the future waits until then.
pub const CLOCK_SKEW_MS: u64 = 2_000;

/// A node votes this fraction of a slot before the slot of the block its
/// vote goes in begins (a third: late enough for a second block of one
/// sealer to have come, early enough for the vote to reach the sealer).
pub const VOTE_LEAD: u64 = 3;

/// How many transactions may wait for their turn.
pub const MAX_PARKED: usize = 1_024;

/// How many requests to join the registrar's node keeps waiting.
pub const MAX_REQUESTS: usize = 64;

/// How many transaction signatures a node remembers having checked: those
/// in flight (the open block's and the next), with room.
const MAX_CHECKED: usize = 512;

/// How many blocks a restart checks the signatures of in one batch.
const RESTORE_BATCH_BLOCKS: usize = 1_024;

/// How many blocks may wait for their parent or for their time: more from
/// a peer are dropped (and fetched again when their turn comes). Room for
/// the answers asked ahead to come out of order.
pub const MAX_ORPHANS: usize = ANSWERS_AHEAD as usize * BLOCKS_PER_ANSWER;

/// What a node's own member asks of it.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// A generator's cryptometer reads `energy` for the open period.
    Generate(Wh),
    /// A generator sets a new share table, in force from the next block.
    UpdateShares(ShareTable),
    /// The registrar admits a member who made its own keys.
    Join {
        name: String,
        role: Role,
        capacity: Wh,
        public_key: PublicKey,
        vrf_key: VrfPublicKey,
    },
    /// The registrar admits the newcomer whose request (heard by its node)
    /// asks to register `public_key`.
    Admit { public_key: PublicKey },
    /// The registrar declines the newcomer whose request asks to register
    /// `public_key`: its node is told, and asks no more.
    Decline { public_key: PublicKey },
    /// The registrar renames a member.
    Rename { member: MemberId, name: String },
    /// The registrar records a member's departure.
    Leave { member: MemberId },
    /// How this node's member bets from now on.
    SetStrategy(Strategy),
}

/// Why a command was refused: the node changed nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeError {
    Rule(Violation),
    Encoding(CanonicalError),
    /// An observer node holds no key to sign with.
    NoKeys,
    /// The member's node is not running (offline, or crashed).
    Stopped,
    /// A chain of version 1 is sealed by one page playing every member,
    /// never by nodes.
    Version1,
    /// No request to join with this key has reached the registrar's node.
    NoSuchRequest,
    /// Only the registrar's node declines a request.
    NotRegistrar,
}

impl fmt::Display for NodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeError::Rule(v) => write!(f, "{v}"),
            NodeError::Encoding(e) => write!(f, "{e}"),
            NodeError::NoKeys => write!(f, "this node holds no member's keys"),
            NodeError::Stopped => write!(f, "this member's node is not running"),
            NodeError::Version1 => write!(f, "nodes do not seal a chain of version 1"),
            NodeError::NoSuchRequest => write!(f, "no newcomer has asked to join with this key"),
            NodeError::NotRegistrar => write!(f, "only the registrar's node declines a request"),
        }
    }
}

impl std::error::Error for NodeError {}

/// Why a node's saved state was refused: nothing of it is used.
#[derive(Clone, Debug, PartialEq)]
pub enum RestoreError {
    /// Not JSON, or not the shape of a node's saved state.
    Malformed(String),
    /// JSON of something else.
    NotANodeState,
    /// No blocks, or a first block that is not a genesis block of a chain of
    /// version 2.
    NoGenesis,
    /// A block whose parent is not among the blocks before it.
    BlockBeforeParent { height: u64 },
    /// A block that fails verification against its parent.
    BadBlock { height: u64, findings: Vec<String> },
}

impl fmt::Display for RestoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RestoreError::Malformed(e) => write!(f, "the node's saved state is not readable: {e}"),
            RestoreError::NotANodeState => write!(f, "the text is not a node's saved state"),
            RestoreError::NoGenesis => {
                write!(
                    f,
                    "the saved state does not begin with a genesis block of version 2"
                )
            }
            RestoreError::BlockBeforeParent { height } => {
                write!(f, "the saved block {height} comes before its parent")
            }
            RestoreError::BadBlock { height, findings } => write!(
                f,
                "the saved block {height} fails verification: {}",
                findings.join("; ")
            ),
        }
    }
}

impl std::error::Error for RestoreError {}

impl From<Violation> for NodeError {
    fn from(v: Violation) -> NodeError {
        NodeError::Rule(v)
    }
}

impl From<CanonicalError> for NodeError {
    fn from(e: CanonicalError) -> NodeError {
        NodeError::Encoding(e)
    }
}

/// One member's node (or an observer's, with no keys).
#[derive(Clone, Debug)]
pub struct Node {
    keys: Option<NodeKeys>,
    tree: BlockTree,
    /// The tip of the chain the node follows.
    best: Hash,
    now_ms: u64,
    /// The block being filled on `best`, with `pending` applied.
    open: OpenBlock,
    /// Signed transactions waiting for a block, valid on `best`, in the
    /// order they came.
    pending: Vec<Transaction>,
    /// Transactions already seen, not to be gossiped again (those of final
    /// blocks forgotten: a copy of one is refused as a replay).
    seen: HashSet<Hash>,
    /// Transaction signatures this node checked as it admitted them: the
    /// open block rebuilt on a new tip, and the block that holds them, take
    /// them as good instead of checking each again. Forgotten all at once
    /// past [`MAX_CHECKED`] (a miss only costs a check).
    checked: PassedSignatures,
    /// VRF proofs this node verified: a vote's is checked once, as the
    /// vote is admitted, not again in its block (nor when this node seals).
    proofs: ProofMemo,
    /// Transactions that came before their signer's previous one: they wait
    /// for it (sequence numbers run without gaps).
    parked: Vec<Transaction>,
    /// Blocks whose parent has not come yet, by parent.
    orphans: HashMap<Hash, Vec<Arc<Block>>>,
    /// Blocks from a peer whose clock runs ahead: they wait for their time.
    early: Vec<Arc<Block>>,
    /// Blocks refused once, not checked again.
    refused: HashSet<Hash>,
    /// Blocks this node lacks and asked a peer for, and when.
    requested: HashMap<Hash, u64>,
    /// Answers of blocks asked for while catching up, by the chain's tip
    /// and the first height, and when (asked again after a slot).
    windows: HashMap<(Option<Hash>, u64), u64>,
    /// The heights at which this node's member voted, with the block its
    /// vote built on: once each.
    voted: HashMap<u64, Hash>,
    /// The heights at which it sealed, with the parent sealed on.
    sealed: HashMap<u64, Hash>,
    /// The highest quorum block on the chains this node's member signed on
    /// (its lock): it signs a conflicting chain only when that chain holds a
    /// higher quorum block. With signing once per height, in rising heights,
    /// this keeps two conflicting blocks from both becoming final unless
    /// more than a third of the members sign on both sides.
    lock: (u64, Hash),
    /// The first block each sealer sealed at each height: a second is
    /// equivocation.
    slots: HashMap<(u64, MemberId), Hash>,
    strategy: Strategy,
    /// For bets of the seed's rule (a random 1 to 100 %), seeded per node.
    bets: rand_chacha::ChaCha20Rng,
    /// When the node last told its peers its tip.
    announced_ms: Option<u64>,
    /// How the node departs from the protocol: never, but in the
    /// simulation's Byzantine schedules.
    byzantine: Byzantine,
    /// A newcomer's node, until the registrar admits it: what it asks.
    applicant: Option<Applicant>,
    /// The registrar's node: requests to join it heard, not yet admitted,
    /// in the order they came (at most [`MAX_REQUESTS`]).
    requests: Vec<JoinRequest>,
    /// Requests to join passed on lately, by digest, and when: a newcomer
    /// asks again and again, and each time is passed on once a slot at most.
    relayed_requests: HashMap<Hash, u64>,
    /// The registrar's node: the requests it declined, said again to a
    /// newcomer that asks again (at most [`MAX_REQUESTS`], the newest).
    declined: Vec<JoinDecline>,
}

/// How a block reached the node.
#[derive(Clone, Copy)]
enum Came<'a> {
    /// Announced by a peer (or sealed here, or let in once its time came):
    /// passed on to the peers once accepted, as gossip does.
    Announced,
    /// In an answer to this node's request (catching up): its peers hold it
    /// already, so it is not passed on (the node tells them its new tip);
    /// its signatures that `PassedSignatures` holds were checked in a batch.
    InAnswer(&'a PassedSignatures),
}

/// What a dishonest node does, for the simulation's Byzantine schedules
/// (the checks must hold against them). An honest node is `Honest`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Byzantine {
    #[default]
    Honest,
    /// Seals two different blocks for each of its slots.
    Equivocates,
    /// Never votes, so never stands (and signs no block but its own).
    WithholdsVote,
    /// Leaves this member's votes out of the blocks it seals.
    LeavesOut(MemberId),
}

/// What a node keeps across a restart (see [`Node::save`]).
/// What a node's saved state says it is.
const NODE_STATE_FORMAT: &str = "e-cloud-node";

#[derive(Serialize, Deserialize)]
struct Saved {
    format: String,
    blocks: Vec<Block>,
    #[serde(flatten)]
    memo: Memo,
}

/// What a node remembers besides its blocks: what waits, where it voted
/// and sealed, its lock, how it bets. A store that keeps blocks one by one
/// keeps this beside them ([`Node::memo`], [`Node::restore_parts`]).
#[derive(Serialize, Deserialize)]
struct Memo {
    pending: Vec<Transaction>,
    voted: Vec<(u64, Hash)>,
    sealed: Vec<(u64, Hash)>,
    lock: (u64, Hash),
    strategy: Strategy,
}

impl Node {
    /// A node of the community that `genesis` began, speaking for the member
    /// whose `keys` it holds (an observer with none). `seed` seeds its bets.
    pub fn new(genesis: Arc<Block>, keys: Option<NodeKeys>, seed: u64) -> Node {
        use rand_core::SeedableRng;
        let best = genesis.hash;
        let tree = BlockTree::new(genesis);
        let open = open_block(&tree, &best);
        Node {
            keys,
            best,
            now_ms: 0,
            open,
            tree,
            pending: Vec::new(),
            seen: HashSet::new(),
            checked: PassedSignatures::new(),
            proofs: ProofMemo::default(),
            parked: Vec::new(),
            orphans: HashMap::new(),
            early: Vec::new(),
            refused: HashSet::new(),
            requested: HashMap::new(),
            windows: HashMap::new(),
            voted: HashMap::new(),
            sealed: HashMap::new(),
            lock: (0, best),
            slots: HashMap::new(),
            strategy: Strategy::default(),
            bets: rand_chacha::ChaCha20Rng::seed_from_u64(seed),
            announced_ms: None,
            byzantine: Byzantine::Honest,
            applicant: None,
            requests: Vec::new(),
            relayed_requests: HashMap::new(),
            declined: Vec::new(),
        }
    }

    /// Makes this node depart from the protocol (simulation only).
    pub fn set_byzantine(&mut self, byzantine: Byzantine) {
        self.byzantine = byzantine;
    }

    /// The member this node speaks for, if any.
    pub fn member(&self) -> Option<MemberId> {
        self.keys.as_ref().map(|k| k.member)
    }

    pub fn tree(&self) -> &BlockTree {
        &self.tree
    }

    /// The tip of the chain this node follows.
    pub fn tip(&self) -> &Arc<Block> {
        self.tree
            .block(&self.best)
            .expect("the best tip is in the tree")
    }

    /// The chain this node follows, from genesis to its tip.
    pub fn chain(&self) -> Vec<Arc<Block>> {
        self.tree.chain_to(&self.best)
    }

    /// [`Node::chain`] as blocks of its own: for `verify_chain` or a chain
    /// file.
    pub fn chain_blocks(&self) -> Vec<Block> {
        self.chain().iter().map(|b| (**b).clone()).collect()
    }

    /// [`Node::chain`] as a chain file (`chain::export`): what a page
    /// downloads, and any verifier (the main page, `ecloud-node verify`)
    /// reads.
    pub fn chain_file(&self) -> String {
        // The chain holds its genesis block at least, so it is never empty.
        Chain::from_blocks_unchecked(self.chain_blocks())
            .map(|chain| chain.to_json())
            .unwrap_or_default()
    }

    /// The highest block final in this node's view.
    pub fn finalized(&self) -> &Arc<Block> {
        self.tree.finalized()
    }

    pub fn pending(&self) -> &[Transaction] {
        &self.pending
    }

    /// The block being filled, with the pending transactions applied.
    pub fn open_block(&self) -> &OpenBlock {
        &self.open
    }

    pub fn strategy(&self) -> Strategy {
        self.strategy
    }

    /// The latest time the node was told.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    fn genesis(&self) -> &Arc<Block> {
        self.tree.genesis()
    }

    /// When the slot of block `height` begins.
    pub fn slot_start(&self, height: u64) -> u64 {
        let genesis = self.genesis();
        genesis
            .header
            .period_start_ms
            .saturating_add(height.saturating_mul(self.slot_ms()))
    }

    fn slot_ms(&self) -> u64 {
        self.genesis()
            .ledger()
            .rules
            .slot_ms
            .unwrap_or(crate::model::block::MARKET_PERIOD_MS)
    }

    /// Who may seal the block after the tip, in turn order, and from when
    /// each may (see `rules::election::turns_after`).
    pub fn turns(&self) -> (Turns, Vec<u64>) {
        let tip = self.tip();
        let turns = turns_after(tip);
        let start = self.slot_start(tip.height() + 1);
        let turn = self.slot_ms() / RANK_TURNS;
        let from = (0..turns.order.len() as u64)
            .map(|rank| start.saturating_add(rank.saturating_mul(turn)))
            .collect();
        (turns, from)
    }

    /// A message from peer `from` at `now_ms`.
    pub fn handle(&mut self, from: PeerId, message: Message, now_ms: u64) -> Output {
        self.now_ms = self.now_ms.max(now_ms);
        let mut out = Output::default();
        match message {
            Message::Transaction(tx) => self.receive_transaction(Some(from), tx, &mut out),
            Message::Block(block) => {
                self.receive_block(Some(from), block, Came::Announced, &mut out)
            }
            Message::Blocks { blocks, tip } => {
                if let Some(first) = blocks.first() {
                    self.windows.remove(&(tip, first.height()));
                }
                // An answer of blocks it holds already (another request
                // went ahead) leads no further: one stream of answers.
                let new = blocks.iter().any(|b| !self.tree.contains(&b.hash));
                if let (true, true, Some(last)) = (
                    new,
                    blocks.len() >= BLOCKS_PER_ANSWER,
                    blocks.last().map(|b| b.height()),
                ) {
                    // The next answers: while this node checks one, its
                    // peer is sending it the next ones.
                    let next = last.saturating_add(1);
                    for ahead in 0..ANSWERS_AHEAD {
                        let from_height = next.saturating_add(ahead * BLOCKS_PER_ANSWER as u64);
                        self.ask_window(from, tip, from_height, &mut out);
                    }
                }
                let before = self.best;
                let unknown = blocks.iter().filter(|b| !self.tree.contains(&b.hash));
                let passed = batch_check(unknown.map(|b| &**b), |hash| {
                    self.tree.block(hash).map(|b| &**b)
                });
                for block in blocks {
                    self.receive_block(Some(from), block, Came::InAnswer(&passed), &mut out);
                }
                if self.best != before {
                    // Its peers hear of the blocks it took as its new tip.
                    out.send(To::All, self.tip_message());
                }
            }
            Message::GetBlocks { from_height, tip } => {
                let blocks =
                    self.tree
                        .chain_from(&tip.unwrap_or(self.best), from_height, BLOCKS_PER_ANSWER);
                if !blocks.is_empty() {
                    out.send(To::Peer(from), Message::Blocks { blocks, tip });
                }
            }
            // A tip this node lacks may be on a chain it would prefer
            // (even a shorter one, with a later final block): it asks.
            Message::Tip { hash, height, .. } => self.ask_for(from, hash, height, &mut out),
            Message::JoinRequest(request) => {
                self.receive_join_request(Some(from), request, &mut out)
            }
            Message::JoinDeclined(decline) => {
                self.receive_join_decline(Some(from), decline, &mut out)
            }
        }
        self.settle(&mut out);
        out
    }

    /// The time passes: the node votes, seals when it is its turn, lets in
    /// blocks that waited for their time, and tells its peers its tip now and
    /// then.
    pub fn tick(&mut self, now_ms: u64) -> Output {
        self.now_ms = self.now_ms.max(now_ms);
        let mut out = Output::default();
        let due: Vec<Arc<Block>> = {
            let now = self.now_ms;
            let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.early)
                .into_iter()
                .partition(|b| !from_the_future(b, now));
            self.early = later;
            due
        };
        for block in due {
            self.receive_block(None, block, Came::Announced, &mut out);
        }
        self.settle(&mut out);
        let every = self.slot_ms() / 2;
        if self.announced_ms.is_none_or(|t| self.now_ms >= t + every) {
            self.announced_ms = Some(self.now_ms);
            out.send(To::All, self.tip_message());
            // A newcomer asks again with each announcement: a request is
            // lost with a registrar that was offline or cut off.
            if let Some(applicant) = &self.applicant {
                out.send(
                    To::All,
                    Message::JoinRequest(applicant.request_at(self.now_ms)),
                );
            }
        }
        out
    }

    /// A peer just connected: it hears this node's tip at once, so it asks
    /// for what it lacks without waiting for the next announcement.
    pub fn greet(&mut self, peer: PeerId, now_ms: u64) -> Output {
        self.now_ms = self.now_ms.max(now_ms);
        let mut out = Output::default();
        out.send(To::Peer(peer), self.tip_message());
        if let Some(applicant) = &self.applicant {
            out.send(
                To::Peer(peer),
                Message::JoinRequest(applicant.request_at(self.now_ms)),
            );
        }
        out
    }

    /// Makes this observer node a newcomer's: it asks that the registrar
    /// admit it (now, and with each announcement of its tip), and signs as
    /// its member once its chain holds the newcomer's `Join`. A newcomer the
    /// chain holds already (after a restart) is that member at once. A node
    /// that holds a member's keys already changes nothing.
    pub fn ask_to_join(&mut self, applicant: Applicant, now_ms: u64) -> Output {
        self.now_ms = self.now_ms.max(now_ms);
        let mut out = Output::default();
        if self.keys.is_some() {
            return out;
        }
        self.applicant = Some(applicant);
        self.see_admission(&mut out);
        if let Some(applicant) = &self.applicant {
            out.send(
                To::All,
                Message::JoinRequest(applicant.request_at(self.now_ms)),
            );
        }
        out
    }

    /// The newcomer this node asks for, until it is admitted.
    pub fn applicant(&self) -> Option<&Applicant> {
        self.applicant.as_ref()
    }

    /// The requests to join the registrar's node has heard and not admitted.
    pub fn join_requests(&self) -> &[JoinRequest] {
        &self.requests
    }

    /// A request to join from a peer: checked, passed on, and kept by the
    /// registrar's node for its page to admit.
    fn receive_join_request(
        &mut self,
        from: Option<PeerId>,
        request: JoinRequest,
        out: &mut Output,
    ) {
        let digest = request.digest();
        if self.relayed_lately(&digest) {
            return;
        }
        if let Err(why) = request.check(&self.genesis().hash) {
            out.event(Event::Refused {
                from,
                what: format!("a request to join: {why}"),
                findings: Vec::new(),
            });
            return;
        }
        if self
            .tip()
            .ledger()
            .member_with_key(&request.public_key)
            .is_some()
        {
            return;
        }
        self.relayed(digest);
        let registrar = self.genesis().header.sealed_by;
        let is_registrar = self.keys.as_ref().is_some_and(|k| k.member == registrar);
        if let Some(decline) = self
            .declined
            .iter()
            .find(|d| is_registrar && d.public_key == request.public_key)
        {
            // Asked again after a decline it missed: told again.
            out.send(To::All, Message::JoinDeclined(decline.clone()));
            return;
        }
        out.send(To::All, Message::JoinRequest(request.clone()));
        let known = self
            .requests
            .iter()
            .any(|r| r.public_key == request.public_key);
        if is_registrar && !known && self.requests.len() < MAX_REQUESTS {
            self.requests.push(request.clone());
            out.event(Event::JoinRequested(request));
        }
    }

    /// Whether a request or decline of `digest` was passed on within the
    /// last slot (then it is not again).
    fn relayed_lately(&self, digest: &Hash) -> bool {
        let (now, slot) = (self.now_ms, self.slot_ms());
        self.relayed_requests
            .get(digest)
            .is_some_and(|&at| now < at.saturating_add(slot))
    }

    /// Notes a request or decline of `digest` passed on now, and forgets
    /// those older than a slot.
    fn relayed(&mut self, digest: Hash) {
        let (now, slot) = (self.now_ms, self.slot_ms());
        self.relayed_requests
            .retain(|_, at| now < at.saturating_add(slot));
        self.relayed_requests.insert(digest, now);
    }

    /// The registrar declined a request: checked against the registrar's
    /// key, passed on once a slot, and, for this node's newcomer, the end of
    /// its asking. A decline the registrar did not sign is refused.
    fn receive_join_decline(
        &mut self,
        from: Option<PeerId>,
        decline: JoinDecline,
        out: &mut Output,
    ) {
        let digest = decline.digest();
        if self.relayed_lately(&digest) {
            return;
        }
        let genesis = self.genesis();
        let registrar = genesis
            .ledger()
            .member(genesis.header.sealed_by)
            .map(|m| m.public_key);
        if !registrar.is_some_and(|key| decline.check(&genesis.hash, &key)) {
            out.event(Event::Refused {
                from,
                what: "a declined request to join not signed by the registrar".into(),
                findings: Vec::new(),
            });
            return;
        }
        self.relayed(digest);
        out.send(To::All, Message::JoinDeclined(decline.clone()));
        if self
            .applicant
            .as_ref()
            .is_some_and(|a| a.request().public_key == decline.public_key)
        {
            self.applicant = None;
            out.event(Event::Declined { name: decline.name });
        }
    }

    /// After the best chain changed: a newcomer whose `Join` it now holds
    /// signs as that member from now on, and the registrar's node lets go
    /// of the requests it has admitted.
    fn see_admission(&mut self, out: &mut Output) {
        if self.requests.is_empty() && self.applicant.is_none() {
            return;
        }
        let Some(tip) = self.tree.block(&self.best) else {
            return;
        };
        let ledger = tip.ledger();
        self.requests
            .retain(|r| ledger.member_with_key(&r.public_key).is_none());
        let admitted = self.applicant.as_ref().and_then(|a| {
            let member = a.admitted_in(ledger)?;
            Some((member, a.keys_as(member)))
        });
        if let Some((member, keys)) = admitted {
            self.keys = Some(keys);
            self.applicant = None;
            out.event(Event::Admitted { member });
        }
    }

    fn tip_message(&self) -> Message {
        let tip = self.tip();
        Message::Tip {
            hash: tip.hash,
            height: tip.height(),
            final_height: self.tree.finalized().height(),
        }
    }

    /// After a step: vote and seal if it is time.
    fn settle(&mut self, out: &mut Output) {
        self.vote(out);
        self.seal(out);
    }

    /// Something this node's member asks, at `now_ms`.
    pub fn command(&mut self, command: Command, now_ms: u64) -> Result<Output, NodeError> {
        self.now_ms = self.now_ms.max(now_ms);
        let keys = self.keys.clone().ok_or(NodeError::NoKeys)?;
        let me = keys.member;
        let seq = || {
            self.open
                .next_seq(me)
                .ok_or(NodeError::Rule(Violation::UnknownMember(me)))
        };
        let body = match command {
            Command::SetStrategy(strategy) => {
                self.strategy = strategy;
                return Ok(Output::default());
            }
            Command::Decline { public_key } => return self.decline(&keys, public_key),
            Command::Generate(energy) => TxBody::Generation(expected_generation(
                self.open.in_force(),
                me,
                self.open.height(),
                seq()?,
                energy,
            )?),
            Command::UpdateShares(shares) => TxBody::ShareUpdate(ShareUpdate {
                generator: me,
                seq: seq()?,
                shares,
            }),
            Command::Join {
                name,
                role,
                capacity,
                public_key,
                vrf_key,
            } => {
                let member =
                    self.open.ledger().next_member_id().ok_or_else(|| {
                        Violation::BeyondLimit("no member numbers are left".into())
                    })?;
                self.membership(
                    seq()?,
                    MembershipChange::Join {
                        member,
                        name: name.trim().to_string(),
                        role,
                        public_key,
                        capacity,
                        vrf_key: Some(vrf_key),
                    },
                )
            }
            Command::Admit { public_key } => {
                let request = self
                    .requests
                    .iter()
                    .find(|r| r.public_key == public_key)
                    .cloned()
                    .ok_or(NodeError::NoSuchRequest)?;
                let join = Command::Join {
                    name: request.name,
                    role: request.role,
                    capacity: request.capacity,
                    public_key: request.public_key,
                    vrf_key: request.vrf_key,
                };
                return self.command(join, now_ms);
            }
            Command::Rename { member, name } => self.membership(
                seq()?,
                MembershipChange::Rename {
                    member,
                    name: name.trim().to_string(),
                },
            ),
            Command::Leave { member } => {
                self.membership(seq()?, MembershipChange::Leave { member })
            }
        };
        let tx = Transaction::sign(body, keys.signing())?;
        self.open.clone().apply(&tx.body)?;
        let mut out = Output::default();
        self.receive_transaction(None, tx, &mut out);
        self.settle(&mut out);
        Ok(out)
    }

    /// The registrar declines the request of `public_key`: it lets go of
    /// it, remembers the decline and tells every node.
    fn decline(&mut self, keys: &NodeKeys, public_key: PublicKey) -> Result<Output, NodeError> {
        if keys.member != self.genesis().header.sealed_by {
            return Err(NodeError::NotRegistrar);
        }
        let at = self
            .requests
            .iter()
            .position(|r| r.public_key == public_key)
            .ok_or(NodeError::NoSuchRequest)?;
        let request = self.requests.remove(at);
        let decline = JoinDecline::new(&request, keys.signing());
        if self.declined.len() >= MAX_REQUESTS {
            self.declined.remove(0);
        }
        self.declined.push(decline.clone());
        let mut out = Output::default();
        out.send(To::All, Message::JoinDeclined(decline));
        Ok(out)
    }

    fn membership(&self, seq: u64, change: MembershipChange) -> TxBody {
        TxBody::Membership(Membership {
            registrar: self.genesis().header.sealed_by,
            seq,
            change,
        })
    }

    /// A transaction from a peer (or this node's own): checked as a block
    /// will check it, kept for the next block and passed on.
    fn receive_transaction(&mut self, from: Option<PeerId>, tx: Transaction, out: &mut Output) {
        if !self.seen.insert(tx.id) {
            return;
        }
        match self.admit(&tx) {
            Ok(()) => {
                self.pending.push(tx.clone());
                out.send(To::All, Message::Transaction(tx));
                self.unpark(out);
            }
            Err(why) if self.waits(&tx, &why) => self.park(tx),
            // Already in the chain (a late copy): nothing to say.
            Err(Violation::SequenceReplayed { .. }) => {}
            Err(why) => {
                // Forget it: it may apply on another fork, or later.
                self.seen.remove(&tx.id);
                if from.is_some() && self.forged(&tx) {
                    out.event(Event::Refused {
                        from,
                        what: format!("a {}", tx.body.kind()),
                        findings: vec![Finding {
                            height: self.open.height(),
                            check: crate::chain::verify::Check::from(&why),
                            tx: None,
                            message: why.to_string(),
                        }],
                    });
                }
            }
        }
    }

    /// Whether `tx` is not what its signer signed, as this node's chain
    /// knows the signer (an id that is not its body's, a signature that does
    /// not verify): what no honest node passes on. Every other refusal
    /// depends on the chain it is checked against (the signer's membership,
    /// tokens and sequence, the election) and may not hold on another fork,
    /// or once this node has caught up: a vote from across a healed
    /// partition, or by a member whose Join this node has not yet received.
    fn forged(&self, tx: &Transaction) -> bool {
        let Some(signer) = self.open.in_force().member(tx.signer()) else {
            return false;
        };
        tx.body.id().ok() != Some(tx.id) || !signer.public_key.verifies(&tx.id, &tx.signature)
    }

    /// Whether `tx`, refused now for `why`, may apply later: it comes
    /// before its signer's previous transaction (sequence numbers run
    /// without gaps), or it is for a block after the open one (a vote or a
    /// reading that overtook the block before it).
    fn waits(&self, tx: &Transaction, why: &Violation) -> bool {
        // Either refusal comes after the signature held (see `admit`).
        let open = self.open.height();
        match (why, &tx.body) {
            (Violation::SequenceGap { .. }, _) => true,
            (Violation::WrongElection { .. }, TxBody::Vote(v)) => {
                v.election > open.saturating_add(1)
            }
            (Violation::WrongPeriod { .. }, TxBody::Generation(g)) => g.period > open,
            _ => false,
        }
    }

    /// Keeps `tx` for later, the oldest going first when too many wait.
    fn park(&mut self, tx: Transaction) {
        if self.parked.len() >= MAX_PARKED {
            let oldest = self.parked.remove(0);
            self.seen.remove(&oldest.id);
        }
        self.parked.push(tx);
    }

    /// Lets in the parked transactions whose turn has come.
    fn unpark(&mut self, out: &mut Output) {
        loop {
            let parked = std::mem::take(&mut self.parked);
            let mut moved = false;
            for tx in parked {
                match self.admit(&tx) {
                    Ok(()) => {
                        moved = true;
                        self.pending.push(tx.clone());
                        out.send(To::All, Message::Transaction(tx));
                    }
                    Err(why) if self.waits(&tx, &why) => self.parked.push(tx),
                    Err(_) => {
                        self.seen.remove(&tx.id);
                    }
                }
            }
            if !moved {
                return;
            }
        }
    }

    /// Applies `tx` to the open block if its id, signature and body hold.
    fn admit(&mut self, tx: &Transaction) -> Result<(), Violation> {
        let id = tx.body.id().map_err(|_| Violation::Overflow)?;
        let signer = self
            .open
            .in_force()
            .member(tx.signer())
            .ok_or(Violation::UnknownMember(tx.signer()))?;
        let signed = SignedDigest {
            key: signer.public_key,
            digest: tx.id,
            signature: tx.signature,
        };
        // An id that is not the body's is refused before any signature check;
        // a signature this node checked before is not checked again.
        if id != tx.id
            || !(self.checked.contains(&signed)
                || signed.key.verifies(&signed.digest, &signed.signature))
        {
            return Err(Violation::Membership(format!(
                "the transaction is not signed by member {}",
                tx.signer()
            )));
        }
        if self.checked.len() >= MAX_CHECKED {
            self.checked.clear();
        }
        self.checked.insert(signed);
        self.open
            .apply_remembering(&tx.body, Some(&mut self.proofs))
    }

    /// A block from a peer (or a block that waited): checked against its
    /// parent as verification checks it, then added to the tree.
    fn receive_block(
        &mut self,
        from: Option<PeerId>,
        block: Arc<Block>,
        came: Came,
        out: &mut Output,
    ) {
        let hash = block.hash;
        let parent_hash = block.header.parent;
        if self.tree.contains(&hash) || self.refused.contains(&hash) {
            return;
        }
        if block.header.version != BLOCK_VERSION_2 {
            self.refuse(
                from,
                &block,
                "a block of another chain version",
                Vec::new(),
                out,
            );
            return;
        }
        if self.refused.contains(&parent_hash) {
            // Built on a refused block: refused with it, quietly.
            self.refused.insert(hash);
            return;
        }
        if block.height() <= self.tree.finalized().height() {
            // A fork that leaves a final block: never to be chosen.
            return;
        }
        if !self.tree.contains(&parent_hash) {
            let parent_height = block.height().saturating_sub(1);
            let held: usize = self.orphans.values().map(Vec::len).sum();
            let waiting = self.orphans.entry(parent_hash).or_default();
            if held < MAX_ORPHANS && !waiting.iter().any(|b| b.hash == hash) {
                waiting.push(block);
            }
            if let Some(peer) = from {
                self.ask_for(peer, parent_hash, parent_height, out);
            }
            return;
        }
        if from_the_future(&block, self.now_ms) {
            if self.early.len() < MAX_ORPHANS && !self.early.iter().any(|b| b.hash == hash) {
                self.early.push(block);
            }
            return;
        }
        let parent = self
            .tree
            .block(&parent_hash)
            .expect("checked above")
            .clone();
        let passed = match came {
            Came::InAnswer(passed) => passed,
            // Those of its transactions this node admitted already.
            Came::Announced => &self.checked,
        };
        let report = verify_extension_after(
            self.tree.genesis(),
            &parent,
            &block,
            passed,
            Some(&mut self.proofs),
        );
        if !report.is_valid() {
            self.refuse(from, &block, "a block", report.findings, out);
            return;
        }
        let mut removed = Vec::new();
        let slot = (block.height(), block.header.sealed_by);
        if let Some(other) = self.slots.get(&slot).copied() {
            let keep_new = self.stands(hash, other);
            let (kept, lost) = if keep_new {
                (hash, other)
            } else {
                (other, hash)
            };
            out.event(Event::Equivocation {
                sealer: slot.1,
                height: slot.0,
                kept,
                refused: lost,
            });
            self.refused.insert(lost);
            if !keep_new {
                // The evidence goes on, so that every peer sees it.
                out.send(To::All, Message::Block(block));
                return;
            }
            removed = self.tree.remove_subtree(&other);
            self.refused.extend(removed.iter().map(|b| b.hash));
        }
        self.slots.insert(slot, hash);
        self.requested.remove(&hash);
        let inserted = self.tree.insert(block.clone());
        out.event(Event::Accepted {
            hash,
            height: block.height(),
        });
        if matches!(came, Came::Announced) {
            out.send(To::All, Message::Block(block));
        }
        removed.extend(inserted.pruned);
        if !inserted.made_final.is_empty() {
            for h in &inserted.made_final {
                let height = self.tree.block(h).map_or(0, |b| b.height());
                out.event(Event::Final { hash: *h, height });
                // Its transactions cannot come in again (a copy is refused as
                // a replay): the set of those seen holds only the newer.
                for tx in self.tree.block(h).iter().flat_map(|b| &b.body.transactions) {
                    self.seen.remove(&tx.id);
                }
            }
            self.forget_below_final();
        }
        // Its children that came first.
        for child in self.orphans.remove(&hash).unwrap_or_default() {
            self.receive_block(from, child, Came::Announced, out);
        }
        self.follow_best(&removed, out);
    }

    /// Of two blocks sealed by one sealer for one slot, both signed by it,
    /// whether `new` stands rather than `held` (in the tree): the lower hash
    /// stands on every node, whichever came first, unless the one held is
    /// final here already.
    fn stands(&self, new: Hash, held: Hash) -> bool {
        new < held && self.tree.get(&held).is_some_and(|e| !e.is_final)
    }

    /// Asks `peer` for the chain that ends at `missing` (at `height`),
    /// unless this node asked for it lately (answers get lost; asking at
    /// every block that needs it would flood the network).
    ///
    /// It asks from where its own chain could meet that one: the height
    /// after its tip when `missing` is higher (it is behind), else a window
    /// below `missing` (a fork); never below its final block. An answer
    /// that does not meet its chain leaves its first block an orphan, whose
    /// parent it then asks for a window lower still. Asking from the final
    /// block every time would, with finality far behind, fetch the same
    /// blocks it holds at every try and never reach the missing ones.
    fn ask_for(&mut self, peer: PeerId, missing: Hash, height: u64, out: &mut Output) {
        if self.tree.contains(&missing) || self.refused.contains(&missing) {
            return;
        }
        let again = self.slot_ms() / RANK_TURNS;
        if self
            .requested
            .get(&missing)
            .is_some_and(|asked| self.now_ms < asked.saturating_add(again))
        {
            return;
        }
        self.requested.insert(missing, self.now_ms);
        let best = self.tip().height();
        let from = if height > best {
            best + 1
        } else {
            height.saturating_sub(BLOCKS_PER_ANSWER as u64 - 1)
        };
        out.send(
            To::Peer(peer),
            Message::GetBlocks {
                from_height: from.max(self.tree.finalized().height() + 1),
                tip: Some(missing),
            },
        );
    }

    /// Asks `peer` for the blocks from `from_height` of the chain that ends
    /// at `tip`, unless it asked within a slot and the answer has not come.
    fn ask_window(&mut self, peer: PeerId, tip: Option<Hash>, from_height: u64, out: &mut Output) {
        let (now, again) = (self.now_ms, self.slot_ms());
        self.windows.retain(|_, at| now < at.saturating_add(again));
        if let std::collections::hash_map::Entry::Vacant(asked) =
            self.windows.entry((tip, from_height))
        {
            asked.insert(now);
            out.send(To::Peer(peer), Message::GetBlocks { from_height, tip });
        }
    }

    /// What the node remembered about heights that are final now: it no
    /// longer needs it.
    fn forget_below_final(&mut self) {
        let height = self.tree.finalized().height();
        let now = self.now_ms;
        let again = self.slot_ms();
        self.slots.retain(|(h, _), _| *h > height);
        self.voted.retain(|h, _| *h > height);
        self.sealed.retain(|h, _| *h > height);
        self.orphans
            .retain(|_, blocks| blocks.iter().any(|b| b.height() > height));
        self.early.retain(|b| b.height() > height);
        self.requested
            .retain(|_, asked| now < asked.saturating_add(again));
    }

    fn refuse(
        &mut self,
        from: Option<PeerId>,
        block: &Block,
        what: &str,
        findings: Vec<Finding>,
        out: &mut Output,
    ) {
        // Remembered only when the block is the one its hash names (its
        // hash, Merkle root, ledger hash, ids and signatures hold): else a
        // forger copying a good block's hash would make the node refuse the
        // good block when it comes.
        let is_itself = !findings.iter().any(|f| {
            matches!(
                f.check,
                Check::HashMismatch
                    | Check::MerkleMismatch
                    | Check::LedgerHashMismatch
                    | Check::TxIdMismatch
                    | Check::TxSignatureInvalid
                    | Check::SealInvalid
            )
        });
        if is_itself {
            self.refused.insert(block.hash);
        }
        out.event(Event::Refused {
            from,
            what: format!("{what} at height {}", block.height()),
            findings,
        });
    }

    /// Moves to the best tip; on a fork, the transactions of the blocks left
    /// behind go back to pending when they still apply.
    /// `removed` holds blocks just taken out of the tree, which the old
    /// chain may pass through.
    fn follow_best(&mut self, removed: &[Arc<Block>], out: &mut Output) {
        let best = self.tree.best();
        if best == self.best {
            return;
        }
        let old = std::mem::replace(&mut self.best, best);
        let mut returned = Vec::new();
        let mut dropped = 0;
        if !self.tree.is_ancestor(&old, &best) {
            // The blocks of the old chain above the fork.
            let mut at = old;
            while !self.tree.is_ancestor(&at, &best) {
                let Some(block) = self
                    .tree
                    .block(&at)
                    .or_else(|| removed.iter().find(|b| b.hash == at))
                    .cloned()
                else {
                    break;
                };
                dropped += 1;
                for tx in block.body.transactions.iter().rev() {
                    if matches!(
                        tx.body,
                        TxBody::Generation(_) | TxBody::ShareUpdate(_) | TxBody::Membership(_)
                    ) {
                        returned.push(tx.clone());
                    }
                }
                at = block.header.parent;
            }
            returned.reverse();
        }
        // The new open block, with what still applies of what waited.
        self.open = open_block(&self.tree, &self.best);
        let waiting: Vec<Transaction> = returned
            .into_iter()
            .chain(std::mem::take(&mut self.pending))
            .collect();
        let mut kept = 0;
        let me = self.keys.as_ref().map(|k| k.member);
        for tx in waiting {
            match self.admit(&tx) {
                Ok(()) => {
                    self.pending.push(tx);
                    kept += 1;
                }
                // This member's own share update or membership change, whose
                // sequence number a dropped reading before it left a gap in:
                // signed again with the next number, and passed on.
                Err(Violation::SequenceGap { .. }) if Some(tx.signer()) == me => {
                    if let Some(again) = self.signed_again(&tx) {
                        if self.admit(&again).is_ok() {
                            self.seen.insert(again.id);
                            self.pending.push(again.clone());
                            out.send(To::All, Message::Transaction(again));
                            kept += 1;
                        }
                    }
                }
                Err(_) => {}
            }
        }
        self.unpark(out);
        if dropped > 0 {
            out.event(Event::Reorganised {
                dropped,
                returned: kept,
            });
        }
        let tip = self.tip();
        out.event(Event::NewTip {
            hash: tip.hash,
            height: tip.height(),
        });
        self.see_admission(out);
    }

    /// `tx`, this node's own, with the next sequence number its member may
    /// sign with (a share update or a membership change; a reading belongs
    /// to its period and a vote to its election, and are not moved).
    fn signed_again(&self, tx: &Transaction) -> Option<Transaction> {
        let keys = self.keys.as_ref()?;
        let seq = self.open.next_seq(keys.member)?;
        let body = match &tx.body {
            TxBody::ShareUpdate(u) => TxBody::ShareUpdate(ShareUpdate { seq, ..u.clone() }),
            TxBody::Membership(m) => TxBody::Membership(Membership { seq, ..m.clone() }),
            _ => return None,
        };
        Transaction::sign(body, keys.signing()).ok()
    }

    /// Votes, once per height, in the election the open block holds (for the
    /// block after it), naming the tip it builds on and proving its draw.
    fn vote(&mut self, out: &mut Output) {
        let Some(keys) = self.keys.clone() else {
            return;
        };
        let height = self.open.height();
        let me = keys.member;
        let Some(member) = self.open.ledger().member(me).filter(|m| m.active) else {
            return;
        };
        if self.voted.contains_key(&height)
            || member.vrf_key.is_none()
            || self.byzantine == Byzantine::WithholdsVote
            || !self.may_sign(height, &self.best)
        {
            return;
        }
        // Late in the slot before the block's: a sealer's second block for
        // the parent's slot has had time to come, so the vote names the
        // parent every node keeps.
        let lead = self.slot_ms() / VOTE_LEAD;
        if self.now_ms < self.slot_start(height).saturating_sub(lead) {
            return;
        }
        let free = member.tokens;
        let election = height + 1;
        // None only on a chain of version 1, where nodes do not vote.
        let Some(seed) = self.open.election_seed() else {
            return;
        };
        let input = election_input(&self.genesis().hash, election, &seed);
        let (proof, _) = keys.vrf().prove(&input);
        let bet = self
            .strategy
            .bet(free, rand_core::RngCore::next_u64(&mut self.bets));
        let body = TxBody::Vote(Vote {
            voter: me,
            // Outside the voter's sequence in a chain of version 2.
            seq: 0,
            election,
            bet,
            builds_on: Some(self.best),
            proof: Some(proof),
        });
        let Ok(tx) = Transaction::sign(body, keys.signing()) else {
            return;
        };
        self.voted.insert(height, self.best);
        self.lock_on(self.best);
        out.event(Event::Voted { election });
        self.receive_transaction(None, tx, out);
    }

    /// Whether this node's member may sign (vote or seal) at `height` on
    /// `parent`: it signed nothing at that height on another parent, nothing
    /// higher, and `parent`'s chain holds its lock or a higher quorum block.
    fn may_sign(&self, height: u64, parent: &Hash) -> bool {
        let same = |signed: &HashMap<u64, Hash>| signed.get(&height).is_none_or(|p| p == parent);
        let higher = self
            .voted
            .keys()
            .chain(self.sealed.keys())
            .any(|h| *h > height);
        same(&self.voted)
            && same(&self.sealed)
            && !higher
            && (self.tree.is_ancestor(&self.lock.1, parent)
                || self.tree.highest_quorum_on(parent).0 > self.lock.0)
    }

    /// After signing on `parent`: the lock moves up to the highest quorum
    /// block of its chain.
    fn lock_on(&mut self, parent: Hash) {
        let quorum = self.tree.highest_quorum_on(&parent);
        if quorum.0 > self.lock.0 {
            self.lock = quorum;
        }
    }

    /// Seals the open block when it is this node's turn: its rank in the
    /// election for the block has come, and it has not sealed this height.
    fn seal(&mut self, out: &mut Output) {
        let Some(keys) = self.keys.clone() else {
            return;
        };
        let me = keys.member;
        let height = self.open.height();
        if self.sealed.contains_key(&height) || !self.may_sign(height, &self.best) {
            return;
        }
        let (turns, from) = self.turns();
        let Some(rank) = turns.order.iter().position(|m| *m == me) else {
            return;
        };
        if self.now_ms < from[rank] {
            return;
        }
        match self.build_block(&keys, rank, &turns) {
            Ok(block) => {
                self.sealed.insert(height, self.best);
                self.lock_on(self.best);
                if self.byzantine == Byzantine::Equivocates {
                    // A second block for the same slot, sealed a moment later.
                    self.now_ms += 1;
                    if let Ok(other) = self.build_block(&keys, rank, &turns) {
                        out.send(To::All, Message::Block(Arc::new(other)));
                    }
                }
                let block = Arc::new(block);
                out.event(Event::Sealed {
                    hash: block.hash,
                    height,
                    rank: rank as u32,
                });
                self.receive_block(None, block, Came::Announced, out);
            }
            Err(_) => {
                // Nothing to seal with (never seen: every step is one the
                // node's own open block has already applied); it tries again
                // at its next step.
            }
        }
    }

    /// The block this node's member seals at rank `rank`: a penalty for each
    /// candidate ranked above it, what waits (but its own vote), the
    /// election of the next block among the voters, and the seal.
    fn build_block(&self, keys: &NodeKeys, rank: usize, turns: &Turns) -> Result<Block, NodeError> {
        let me = keys.member;
        let tip = self.tip().clone();
        let height = tip.height() + 1;
        let mut open = open_block(&self.tree, &self.best);
        // The pending votes' proofs were verified as they came.
        let mut proofs = self.proofs.clone();
        let mut transactions = Vec::new();
        for &missed in &turns.order[..rank.min(turns.candidates)] {
            let lost = open
                .ledger()
                .member(missed)
                .map_or(0, |m| m.reputation.min(1));
            let body = TxBody::Penalty(Penalty {
                height,
                missed,
                sealed_by: me,
                reputation_lost: lost,
                pot: open.payout(),
            });
            let tx = Transaction::sign(body, keys.signing())?;
            open.apply(&tx.body)?;
            transactions.push(tx);
        }
        for tx in &self.pending {
            let left_out = match (&tx.body, self.byzantine) {
                (TxBody::Vote(v), _) if v.voter == me => true,
                (TxBody::Vote(v), Byzantine::LeavesOut(m)) => v.voter == m,
                _ => false,
            };
            if !left_out && open.apply_remembering(&tx.body, Some(&mut proofs)).is_ok() {
                transactions.push(tx.clone());
            }
        }
        let ledger = open.close(me)?;
        let seed = open.election_seed().ok_or(NodeError::Version1)?;
        let draws = open.draws().to_vec();
        let mut candidates: Vec<MemberId> =
            draws.iter().map(|(m, _)| *m).filter(|m| *m != me).collect();
        candidates = crate::encoding::order::sorted_by(&candidates, &|a, b| a.cmp(b));
        candidates.dedup();
        let bets: HashMap<MemberId, MilliTokens> = transactions
            .iter()
            .filter_map(|t| match &t.body {
                TxBody::Vote(v) => Some((v.voter, v.bet)),
                _ => None,
            })
            .collect();
        let election = hold_election_among(
            &ledger,
            height,
            me,
            &candidates,
            |m| bets.get(&m).copied().unwrap_or_default(),
            |m| draws.iter().find(|(v, _)| *v == m).map_or(0, |(_, d)| *d),
        )
        .map(|mut record| {
            record.seed = Some(seed);
            record
        });
        let next_miner = election.as_ref().map_or(me, |e| e.winner);
        if let Some(record) = election {
            let tx = Transaction::sign(TxBody::Election(record), keys.signing())?;
            open.apply(&tx.body)?;
            transactions.push(tx);
        }
        let ids: Vec<Hash> = transactions.iter().map(|t| t.id).collect();
        let header = BlockHeader {
            version: BLOCK_VERSION_2,
            height,
            parent: tip.hash,
            period_start_ms: self.slot_start(height),
            sealed_by: me,
            next_miner,
            merkle_root: merkle_root(&ids),
            ledger_hash: ledger.hash()?,
            sealed_at_ms: Some(self.now_ms),
            rank: Some(rank as u32),
        };
        let hash = header.hash()?;
        Ok(Block {
            seal: keys.signing().sign(&hash),
            hash,
            header,
            body: BlockBody {
                transactions,
                ledger,
            },
        })
    }

    /// The node's state as text, to restart from after a crash: its blocks
    /// (the store a browser or a native node keeps), what waits, where it
    /// voted and sealed, how it bets. Its keys are kept apart.
    pub fn save(&self) -> String {
        let mut blocks: Vec<Block> = self
            .tree
            .leaves()
            .iter()
            .flat_map(|leaf| self.tree.chain_to(leaf))
            .map(|b| (*b).clone())
            .collect();
        blocks = crate::encoding::order::sorted_by(&blocks, &|a, b| {
            a.height().cmp(&b.height()).then(a.hash.cmp(&b.hash))
        });
        blocks.dedup_by_key(|b| b.hash);
        let saved = Saved {
            format: NODE_STATE_FORMAT.into(),
            blocks,
            memo: self.memo_now(),
        };
        serde_json::to_string(&saved).expect("a node's state always serializes")
    }

    /// A node restarted from [`Node::save`]'s text with its `keys`. Each
    /// block is checked against its parent as one from a peer would be (a
    /// store can be damaged or edited), and what waited is taken back only
    /// where it still applies.
    pub fn restore(text: &str, keys: Option<NodeKeys>, seed: u64) -> Result<Node, RestoreError> {
        let saved: Saved =
            serde_json::from_str(text).map_err(|e| RestoreError::Malformed(e.to_string()))?;
        if saved.format != NODE_STATE_FORMAT {
            return Err(RestoreError::NotANodeState);
        }
        Node::restore_blocks(saved.blocks, Some(saved.memo), keys, seed)
    }

    /// What [`Node::save`] keeps besides the blocks, as text.
    pub fn memo(&self) -> String {
        serde_json::to_string(&self.memo_now()).expect("a node's memo always serializes")
    }

    fn memo_now(&self) -> Memo {
        Memo {
            pending: self.pending.clone(),
            voted: self.voted.iter().map(|(h, on)| (*h, *on)).collect(),
            sealed: self.sealed.iter().map(|(h, on)| (*h, *on)).collect(),
            lock: self.lock,
            strategy: self.strategy,
        }
    }

    /// A node restarted from its `blocks` (parents before children, the
    /// genesis block first) and its [`Node::memo`] (none: a node that
    /// remembers nothing else), checked as [`Node::restore`] checks them.
    pub fn restore_parts(
        blocks: Vec<Block>,
        memo: Option<&str>,
        keys: Option<NodeKeys>,
        seed: u64,
    ) -> Result<Node, RestoreError> {
        let memo = memo
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| RestoreError::Malformed(e.to_string()))?;
        Node::restore_blocks(blocks, memo, keys, seed)
    }

    fn restore_blocks(
        blocks: Vec<Block>,
        memo: Option<Memo>,
        keys: Option<NodeKeys>,
        seed: u64,
    ) -> Result<Node, RestoreError> {
        let mut blocks = blocks.into_iter();
        let genesis = blocks
            .next()
            .filter(|g| g.height() == 0 && g.header.version == BLOCK_VERSION_2)
            .ok_or(RestoreError::NoGenesis)?;
        let genesis_report = crate::chain::verify::verify_chain(std::slice::from_ref(&genesis));
        if !genesis_report.is_valid() {
            return Err(RestoreError::NoGenesis);
        }
        let mut node = Node::new(Arc::new(genesis), keys, seed);
        let mut blocks = blocks.peekable();
        while blocks.peek().is_some() {
            // Signatures batched a thousand blocks at a time, so a long
            // store's are not all held at once.
            let chunk: Vec<Block> = blocks.by_ref().take(RESTORE_BATCH_BLOCKS).collect();
            let passed = batch_check(chunk.iter(), |hash| node.tree.block(hash).map(|b| &**b));
            for block in chunk {
                let height = block.height();
                if node.refused.contains(&block.header.parent) {
                    // Built on the block an equivocation left out.
                    node.refused.insert(block.hash);
                    continue;
                }
                let Some(parent) = node.tree.block(&block.header.parent) else {
                    return Err(RestoreError::BlockBeforeParent { height });
                };
                let report =
                    verify_extension_after(node.tree.genesis(), parent, &block, &passed, None);
                if !report.is_valid() || block.header.version != BLOCK_VERSION_2 {
                    return Err(RestoreError::BadBlock {
                        height,
                        findings: report.findings.iter().map(|f| f.message.clone()).collect(),
                    });
                }
                // A store keeps every block the node took, so both blocks of
                // an equivocation when the second replaced the first: the
                // one that stands is chosen again, as when they came.
                let slot = (height, block.header.sealed_by);
                if let Some(held) = node.slots.get(&slot).copied() {
                    if !node.stands(block.hash, held) {
                        node.refused.insert(block.hash);
                        continue;
                    }
                    let removed = node.tree.remove_subtree(&held);
                    node.refused.extend(removed.iter().map(|b| b.hash));
                }
                node.slots.insert(slot, block.hash);
                node.tree.insert(Arc::new(block));
            }
        }
        node.best = node.tree.best();
        node.open = open_block(&node.tree, &node.best);
        let Some(memo) = memo else {
            return Ok(node);
        };
        for tx in memo.pending {
            if node.admit(&tx).is_ok() {
                node.seen.insert(tx.id);
                node.pending.push(tx);
            }
        }
        node.voted = memo.voted.into_iter().collect();
        node.sealed = memo.sealed.into_iter().collect();
        node.lock = memo.lock;
        node.strategy = memo.strategy;
        Ok(node)
    }
}

/// Whether a transaction refused for `why` is only late: for a block
/// already sealed, or a vote on another fork. The network's delays make
/// such; nothing to report.
/// The signatures of `blocks` (parents before children), checked as one
/// batch, about twice as fast as one by one: those that pass. A block's
/// signers are looked up in its parent's ledger, a block before it or one
/// `known` finds (a block whose parent is neither gives none). If the batch
/// fails, none pass, and the blocks are checked signature by signature,
/// which finds the bad one.
fn batch_check<'b>(
    blocks: impl Iterator<Item = &'b Block>,
    known: impl Fn(&Hash) -> Option<&'b Block>,
) -> PassedSignatures {
    let mut seen: HashMap<Hash, &Block> = HashMap::new();
    let mut signatures = Vec::new();
    for block in blocks {
        let parent = &block.header.parent;
        if let Some(parent) = seen.get(parent).copied().or_else(|| known(parent)) {
            signatures.extend(block_signatures(block, parent.ledger()));
        }
        seen.insert(block.hash, block);
    }
    if verify_signatures(&signatures) {
        signatures.into_iter().collect()
    } else {
        PassedSignatures::new()
    }
}

/// A block that says it was sealed further ahead of `now` than clocks may
/// differ.
fn from_the_future(block: &Block, now: u64) -> bool {
    block
        .header
        .sealed_at_ms
        .is_some_and(|at| at > now.saturating_add(CLOCK_SKEW_MS))
}

/// The block being filled on `tip`, under the rules of version 2.
fn open_block(tree: &BlockTree, tip: &Hash) -> OpenBlock {
    let block = tree.block(tip).expect("the tip is in the tree");
    let genesis = tree.genesis();
    let ledger: &Ledger = block.ledger();
    OpenBlock::new(ledger, block.height() + 1)
        .with_registrar(genesis.header.sealed_by)
        .with_version_2(
            block.hash,
            genesis.hash,
            election_seed_after(block, &genesis.hash),
        )
}
