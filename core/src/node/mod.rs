//! Layer 6, nodes (SPEC section 10): one member's view of the community.
//!
//! A [`Node`] is a state machine with no I/O of its own, in the manner of
//! quinn-proto and rustls: messages and the time go in, messages to send
//! and events to show come out. The page's simulated network, tabs of a
//! browser and rust-libp2p are transports around it, never second
//! implementations. A node holds its own tree of blocks (forks happen), its
//! pending transactions and the keys of its own member only (an observer
//! node holds none); nodes never share mutable state.
//!
//! The protocol (chains of version 2, checked by `chain::verify`):
//!
//! - Block h's slot begins at the genesis time plus h slots (`rules.slot_ms`).
//!   The election held in block h - 1 ranks its candidates; the candidate of
//!   rank r may seal block h from the slot's start plus r turns (a quarter of
//!   a slot each), recording a penalty for every candidate ranked above it.
//!   After the candidates come the fallback turns (`rules::election::turns_after`):
//!   the parent's sealer, then every other active member by number, so a
//!   slot whose candidates are all gone still gets its block.
//! - Late in block h - 1's slot (its last third, `VOTE_LEAD`), every
//!   member's node votes once for the election of block h + 1: its bet, the
//!   block it builds on (block h - 1) and the proof of its draw, its VRF
//!   output on the election's input (the genesis hash, the height and a seed
//!   chained from the last winner's output). Voting late gives a sealer's
//!   second block for the same slot time to arrive, so votes name the block
//!   every node keeps. The sealer of block h puts every vote it has into it
//!   but its own.
//! - A block is endorsed by the blocks built on it: their sealers and the
//!   voters in them, whose votes name it. A member endorses one block per
//!   height, never signs below a height it has signed, and never signs on a
//!   chain that leaves its lock (the highest block endorsed by a quorum on
//!   a chain it signed) unless that chain holds a higher such block.
//! - A block is final once 6 blocks in a row from it up are each endorsed
//!   by more than two thirds of the members: two conflicting final blocks
//!   would need more than a third of the members to endorse two blocks at
//!   one height.
//! - A sealer who seals two blocks for one slot is caught: every node keeps
//!   the block with the lower hash (unless the other is already final in
//!   its view), drops the other and what was built on it, and passes both
//!   on as evidence.
//! - A newcomer's node makes its own keys and asks to join
//!   (`join::JoinRequest`, signed with the key it asks to register, passed
//!   on by every node, asked again with each announcement of its tip). The
//!   registrar's node keeps it for its page; the registrar admits it with a
//!   membership change it signs (`Command::Admit`), and once the newcomer's
//!   node holds that `Join` on its best chain it signs as that member. Or
//!   it declines it (`Command::Decline`): a `join::JoinDecline` it signs,
//!   passed on by every node that checked the signature, tells the
//!   newcomer's node to ask no more (and again if it asks again).
//! - Fork choice (`tree::BlockTree::prefer`): the chain with the later final
//!   block; then the later block endorsed by a quorum; then more blocks
//!   sealed by their rank-0 winner; then the longer; then the better rank
//!   where the two first differ; then the lower hash. A node never leaves a
//!   block that is final in its view.

pub mod join;
pub mod keys;
pub mod machine;
pub mod message;
pub mod strategy;
pub mod tree;
pub mod wire;

pub use join::{Applicant, JoinDecline, JoinRefused, JoinRequest};
pub use keys::NodeKeys;
pub use machine::{Byzantine, Command, Node, NodeError, RestoreError};
pub use message::{Event, Message, Output, PeerId, Send, To};
pub use tree::{BlockTree, Decided};
pub use wire::WireError;
