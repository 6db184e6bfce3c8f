//! What nodes say to each other, and what a node tells the page.

use crate::chain::verify::Finding;
use crate::crypto::Hash;
use crate::model::block::Block;
use crate::model::member::MemberId;
use crate::model::tx::Transaction;
use crate::node::join::{JoinDecline, JoinRequest};
use std::sync::Arc;

/// A transport's name for a node it talks to.
pub type PeerId = u32;

/// How many blocks one answer carries.
pub const BLOCKS_PER_ANSWER: usize = 64;

/// How many answers of blocks a catching-up node asks for past the one it
/// checks. A browser's node took 2,000 blocks in 3.25-3.58 s with 4, 3.98 s
/// with 2 and 4.1-6.2 s with 8 (bench/browser-catch-up.mjs): each request
/// and answer needs the busy node's attention to pass (a stream opened, a
/// window of yamux acknowledged), so more ahead keep its peer sending, and
/// too many arrive out of order.
pub const ANSWERS_AHEAD: u64 = 4;

/// A message between nodes. Blocks are shared, never copied: nodes in one
/// page hold the same immutable blocks.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// A signed transaction, for the block being filled.
    Transaction(Transaction),
    /// A sealed block.
    Block(Arc<Block>),
    /// Please send the blocks of the chain that ends at `tip` (your own
    /// chain when None) from this height on, at most [`BLOCKS_PER_ANSWER`].
    GetBlocks { from_height: u64, tip: Option<Hash> },
    /// Blocks in answer, in height order, with the request's `tip`.
    Blocks {
        blocks: Vec<Arc<Block>>,
        tip: Option<Hash>,
    },
    /// The sender's tip, now and then, so a node that missed blocks asks
    /// for them.
    Tip {
        hash: Hash,
        height: u64,
        final_height: u64,
    },
    /// A newcomer asks the registrar to admit it (passed on by every node).
    JoinRequest(JoinRequest),
    /// The registrar does not admit a newcomer (passed on by every node).
    JoinDeclined(JoinDecline),
}

/// Where a message goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum To {
    /// Every peer (gossip).
    All,
    Peer(PeerId),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Send {
    pub to: To,
    pub message: Message,
}

/// What a node tells the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A block joined the node's tree.
    Accepted { hash: Hash, height: u64 },
    /// A block or transaction from a peer was refused, with the findings
    /// verification gives it (or why it could not be checked).
    Refused {
        from: Option<PeerId>,
        what: String,
        findings: Vec<Finding>,
    },
    /// The node's chain now ends at another block.
    NewTip { hash: Hash, height: u64 },
    /// The node left blocks of its old chain for another fork: how many,
    /// and their transactions not in the new chain went back to pending
    /// when still valid.
    Reorganised { dropped: u64, returned: usize },
    /// A block became final in the node's view.
    Final { hash: Hash, height: u64 },
    /// A sealer sealed two blocks for one slot, the evidence: every node
    /// keeps the one with the lower hash, whichever came first, and refuses
    /// the other (and the blocks built on it).
    Equivocation {
        sealer: MemberId,
        height: u64,
        kept: Hash,
        refused: Hash,
    },
    /// The node sealed a block.
    Sealed { hash: Hash, height: u64, rank: u32 },
    /// The node voted in the election of block `election`.
    Voted { election: u64 },
    /// A newcomer asks to join (told by the registrar's node only, which
    /// keeps the request until it admits the newcomer or the page lets it go).
    JoinRequested(JoinRequest),
    /// The registrar admitted this node's newcomer: it signs as `member` now.
    Admitted { member: MemberId },
    /// The registrar declined this node's newcomer, who asked as `name`: it
    /// asks no more.
    Declined { name: String },
}

/// What one step of a node produces.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Output {
    pub sends: Vec<Send>,
    pub events: Vec<Event>,
}

impl Output {
    pub(crate) fn send(&mut self, to: To, message: Message) {
        self.sends.push(Send { to, message });
    }

    pub(crate) fn event(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Another step's output after this one's.
    pub fn extend(&mut self, other: Output) {
        self.sends.extend(other.sends);
        self.events.extend(other.events);
    }
}
