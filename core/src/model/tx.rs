//! Transactions (SPEC section 4): each has an id, the SHA-256 of its
//! canonical body, and its signer's Ed25519 signature over that id.

use crate::crypto::canonical_sha256;
use crate::crypto::{Hash, PublicKey, SecretKey, Signature};
use crate::encoding::canonical::CanonicalError;
use crate::encoding::units::{MilliTokens, Wh};
use crate::model::election::ElectionRecord;
use crate::model::member::MemberId;
use crate::model::member::Role;
use crate::model::shares::ShareTable;
use serde::{Deserialize, Serialize};

/// Energy given to one customer by a generation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub member: MemberId,
    pub energy: Wh,
}

/// Voting tokens minted to one member by a generation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mint {
    pub member: MemberId,
    pub tokens: MilliTokens,
}

/// A cryptometer's signed statement: this generator produced `energy` in
/// market period `period`, allocated to its customers by the share table in
/// force, minting voting tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generation {
    pub generator: MemberId,
    /// The market period, which is the height of the block that closes it.
    pub period: u64,
    pub seq: u64,
    pub energy: Wh,
    pub allocation: Vec<Allocation>,
    pub minted: Vec<Mint>,
}

/// A generator's new share table, in force from the next block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareUpdate {
    pub generator: MemberId,
    pub seq: u64,
    pub shares: ShareTable,
}

/// A member's stake of voting tokens in the election held by this block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    pub voter: MemberId,
    pub seq: u64,
    /// The height of the block the election picks a miner for.
    pub election: u64,
    pub bet: MilliTokens,
}

/// The elected miner missed its slot: the runner-up sealed instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Penalty {
    /// The block whose slot was missed (the block holding this record).
    pub height: u64,
    pub missed: MemberId,
    pub sealed_by: MemberId,
    /// Reputation the missed miner loses: 1, or 0 if it had none.
    pub reputation_lost: u64,
    /// The pot the missed miner would have won, paid to the sealer instead.
    pub pot: MilliTokens,
}

/// A change to who is in the community, signed by its registrar (the
/// member who sealed the genesis block).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum MembershipChange {
    /// A new member, with the next free id and its own key. A generator
    /// brings its capacity (its starting balance) and a share table.
    Join {
        member: MemberId,
        name: String,
        role: Role,
        public_key: PublicKey,
        capacity: Wh,
    },
    Rename {
        member: MemberId,
        name: String,
    },
    /// The member leaves: it keeps its balances but no longer signs,
    /// stands in elections or holds shares.
    Leave {
        member: MemberId,
    },
}

/// A membership change and the registrar's sequence number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub registrar: MemberId,
    pub seq: u64,
    pub change: MembershipChange,
}

/// What a transaction says; its canonical encoding is what the id hashes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TxBody {
    Generation(Generation),
    ShareUpdate(ShareUpdate),
    Vote(Vote),
    /// The "mining winner" record, written by the block's miner.
    Election(ElectionRecord),
    Penalty(Penalty),
    Membership(Membership),
}

impl TxBody {
    /// The member whose key must sign this transaction.
    pub fn signer(&self) -> MemberId {
        match self {
            TxBody::Generation(g) => g.generator,
            TxBody::ShareUpdate(u) => u.generator,
            TxBody::Vote(v) => v.voter,
            TxBody::Election(e) => e.miner,
            TxBody::Penalty(p) => p.sealed_by,
            TxBody::Membership(m) => m.registrar,
        }
    }

    /// The signer's sequence number, when the kind carries one. Election and
    /// penalty records are tied to their block's height instead.
    pub fn seq(&self) -> Option<u64> {
        match self {
            TxBody::Generation(g) => Some(g.seq),
            TxBody::ShareUpdate(u) => Some(u.seq),
            TxBody::Vote(v) => Some(v.seq),
            TxBody::Membership(m) => Some(m.seq),
            TxBody::Election(_) | TxBody::Penalty(_) => None,
        }
    }

    /// A short name for the kind, as the page shows it.
    pub fn kind(&self) -> &'static str {
        match self {
            TxBody::Generation(_) => "generation",
            TxBody::ShareUpdate(_) => "share update",
            TxBody::Vote(_) => "vote",
            TxBody::Election(_) => "election",
            TxBody::Penalty(_) => "penalty",
            TxBody::Membership(_) => "membership",
        }
    }

    /// SHA-256 of the canonical body: the transaction id.
    pub fn id(&self) -> Result<Hash, CanonicalError> {
        canonical_sha256(self)
    }
}

/// A signed transaction as it sits in a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    pub id: Hash,
    pub body: TxBody,
    pub signature: Signature,
}

impl Transaction {
    /// Computes the id of `body` and signs it with `key`.
    pub fn sign(body: TxBody, key: &SecretKey) -> Result<Transaction, CanonicalError> {
        let id = body.id()?;
        Ok(Transaction {
            id,
            signature: key.sign(&id),
            body,
        })
    }

    pub fn signer(&self) -> MemberId {
        self.body.signer()
    }
}
