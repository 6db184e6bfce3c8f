//! Blocks (SPEC section 6): a header that the hash covers, the seal (the
//! sealer's signature over the hash), and a body of transactions and the
//! ledger they result in.

use crate::crypto::{canonical_sha256, Hash, Signature};
use crate::encoding::canonical::{to_canonical, CanonicalError};
use crate::model::election::ElectionRecord;
use crate::model::ledger::Ledger;
use crate::model::member::MemberId;
use crate::model::tx::{Penalty, Transaction, TxBody};
use serde::{Deserialize, Serialize};

/// The block format this code writes and checks.
pub const BLOCK_VERSION: u32 = 1;

/// Blocks of a community of nodes (SPEC section 10): draws proved by each
/// candidate's VRF, sealing by rank in a slot, votes that name the block
/// they build on.
pub const BLOCK_VERSION_2: u32 = 2;

/// Version 2: a slot is shared out in this many turns: the candidate of
/// rank r may seal from its slot's start plus r turns (a quarter of a slot
/// each), so the winner has a quarter of a slot before the runner-up may.
pub const RANK_TURNS: u64 = 4;

/// A block closes one market period of 15 minutes (SPEC section 1): block
/// h's period begins h periods after the genesis block's.
pub const MARKET_PERIOD_MS: u64 = 15 * 60 * 1_000;

/// When a run from a seed number begins: 11 June 2018, 10:00 UTC, the
/// morning PSCC 2018 opened.
pub const SEEDED_START_MS: u64 = 1_528_711_200_000;

/// What the block hash covers, parent link included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockHeader {
    pub version: u32,
    pub height: u64,
    pub parent: Hash,
    /// When the market period this block closes began, in ms since the epoch.
    pub period_start_ms: u64,
    pub sealed_by: MemberId,
    /// The member elected to seal the next block.
    pub next_miner: MemberId,
    pub merkle_root: Hash,
    pub ledger_hash: Hash,
    /// Version 2: when the sealer sealed it (ms), at or after its rank's
    /// turn in the block's slot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_at_ms: Option<u64>,
    /// Version 2: the sealer's rank in the election for this block (0 for
    /// the winner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
}

impl BlockHeader {
    /// The exact text that is hashed: a student can paste it into any
    /// SHA-256 tool and get the block hash.
    pub fn preimage(&self) -> Result<String, CanonicalError> {
        to_canonical(self)
    }

    pub fn hash(&self) -> Result<Hash, CanonicalError> {
        canonical_sha256(self)
    }
}

/// The transactions of a block and the ledger after them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockBody {
    pub transactions: Vec<Transaction>,
    pub ledger: Ledger,
}

/// A sealed block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub header: BlockHeader,
    /// SHA-256 of the header's canonical encoding, as recorded.
    pub hash: Hash,
    /// The sealer's signature over `hash`.
    pub seal: Signature,
    pub body: BlockBody,
}

impl Block {
    pub fn height(&self) -> u64 {
        self.header.height
    }

    pub fn ledger(&self) -> &Ledger {
        &self.body.ledger
    }

    /// The election this block holds (for the miner of the next block).
    pub fn election(&self) -> Option<&ElectionRecord> {
        self.body.transactions.iter().find_map(|t| match &t.body {
            TxBody::Election(e) => Some(e),
            _ => None,
        })
    }

    /// The penalty this block records, if its elected miner missed its slot.
    pub fn penalty(&self) -> Option<&Penalty> {
        self.body.transactions.iter().find_map(|t| match &t.body {
            TxBody::Penalty(p) => Some(p),
            _ => None,
        })
    }
}
