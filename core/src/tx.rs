//! Transactions (SPEC section 4): each has an id, the SHA-256 of its
//! canonical body, and its signer's Ed25519 signature over that id.

use crate::canonical::{canonical_sha256, CanonicalError};
use crate::crypto::{Hash, PublicKey, SecretKey, Signature};
use crate::election::ElectionRecord;
use crate::member::MemberId;
use crate::member::Role;
use crate::shares::ShareTable;
use crate::tagged::{
    fill, fill_seq, fill_tag, named, next_field, read_struct, read_tagged, req, skip,
};
use crate::units::{MilliTokens, Wh};
use serde::Serialize;

/// Energy given to one customer by a generation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Allocation {
    pub member: MemberId,
    pub energy: Wh,
}

read_struct!(Allocation {
    member: MemberId,
    energy: Wh
});

/// Voting tokens minted to one member by a generation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mint {
    pub member: MemberId,
    pub tokens: MilliTokens,
}

read_struct!(Mint {
    member: MemberId,
    tokens: MilliTokens
});

/// A cryptometer's signed statement: this generator produced `energy` in
/// market period `period`, allocated to its customers by the share table in
/// force, minting voting tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Generation {
    pub generator: MemberId,
    /// The market period, which is the height of the block that closes it.
    pub period: u64,
    pub seq: u64,
    pub energy: Wh,
    pub allocation: Vec<Allocation>,
    pub minted: Vec<Mint>,
}

read_struct!(alone Generation { generator: MemberId, period: u64, seq: u64, energy: Wh, allocation: Vec<Allocation>, minted: Vec<Mint> });

/// A generator's new share table, in force from the next block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShareUpdate {
    pub generator: MemberId,
    pub seq: u64,
    pub shares: ShareTable,
}

read_struct!(alone ShareUpdate {
    generator: MemberId,
    seq: u64,
    shares: ShareTable
});

/// A member's stake of voting tokens in the election held by this block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Vote {
    pub voter: MemberId,
    pub seq: u64,
    /// The height of the block the election picks a miner for.
    pub election: u64,
    pub bet: MilliTokens,
}

read_struct!(alone Vote {
    voter: MemberId,
    seq: u64,
    election: u64,
    bet: MilliTokens
});

/// The elected miner missed its slot: the runner-up sealed instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

read_struct!(alone Penalty {
    height: u64,
    missed: MemberId,
    sealed_by: MemberId,
    reputation_lost: u64,
    pot: MilliTokens
});

/// A change to who is in the community, signed by its registrar (the
/// member who sealed the genesis block).
/// `Deserialize` is written out below (see `crate::tagged`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub registrar: MemberId,
    pub seq: u64,
    pub change: MembershipChange,
}

read_struct!(alone Membership {
    registrar: MemberId,
    seq: u64,
    change: MembershipChange
});

/// What a transaction says; its canonical encoding is what the id hashes.
/// `Deserialize` is written out below (see `crate::tagged`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Transaction {
    pub id: Hash,
    pub body: TxBody,
    pub signature: Signature,
}

read_struct!(Transaction {
    id: Hash,
    body: TxBody,
    signature: Signature
});

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

named!(
    /// `MembershipChange`'s tag values, in declaration order.
    enum ChangeKind {
        Join = "join",
        Rename = "rename",
        Leave = "leave",
    }
);

named!(
    /// Every field name of every `MembershipChange` variant, and its tag.
    enum ChangeField {
        Change = "change",
        Member = "member",
        Name = "name",
        Role = "role",
        PublicKey = "public_key",
        Capacity = "capacity";
        other Other
    }
);

impl ChangeKind {
    fn has(self, field: ChangeField) -> bool {
        use ChangeField::*;
        match self {
            ChangeKind::Join => field != Other,
            ChangeKind::Rename => matches!(field, Member | Name),
            ChangeKind::Leave => field == Member,
        }
    }
}

read_tagged!(MembershipChange, |map| {
    let mut kind: Option<ChangeKind> = None;
    let (mut member, mut name, mut role, mut public_key, mut capacity) =
        (None, None, None, None, None);
    while let Some(field) = next_field(&mut map, ChangeField::Other)? {
        if field != ChangeField::Change && kind.is_some_and(|k| !k.has(field)) {
            skip(&mut map)?;
            continue;
        }
        match field {
            ChangeField::Change => fill_tag(&mut map, &mut kind, "change")?,
            ChangeField::Member => fill(&mut map, &mut member, "member")?,
            ChangeField::Name => fill(&mut map, &mut name, "name")?,
            ChangeField::Role => fill(&mut map, &mut role, "role")?,
            ChangeField::PublicKey => fill(&mut map, &mut public_key, "public_key")?,
            ChangeField::Capacity => fill(&mut map, &mut capacity, "capacity")?,
            ChangeField::Other => skip(&mut map)?,
        }
    }
    Ok(match req(kind, "change")? {
        ChangeKind::Join => MembershipChange::Join {
            member: req(member, "member")?,
            name: req(name, "name")?,
            role: req(role, "role")?,
            public_key: req(public_key, "public_key")?,
            capacity: req(capacity, "capacity")?,
        },
        ChangeKind::Rename => MembershipChange::Rename {
            member: req(member, "member")?,
            name: req(name, "name")?,
        },
        ChangeKind::Leave => MembershipChange::Leave {
            member: req(member, "member")?,
        },
    })
});

named!(
    /// `TxBody`'s tag values, in declaration order.
    enum TxKind {
        Generation = "generation",
        ShareUpdate = "share_update",
        Vote = "vote",
        Election = "election",
        Penalty = "penalty",
        Membership = "membership",
    }
);

named!(
    /// Every field name of every `TxBody` variant, and its tag.
    enum TxField {
        Type = "type",
        Generator = "generator",
        Period = "period",
        Seq = "seq",
        Energy = "energy",
        Allocation = "allocation",
        Minted = "minted",
        Shares = "shares",
        Voter = "voter",
        Election = "election",
        Bet = "bet",
        Height = "height",
        Miner = "miner",
        Candidates = "candidates",
        Winner = "winner",
        RunnerUp = "runner_up",
        Pot = "pot",
        Missed = "missed",
        SealedBy = "sealed_by",
        ReputationLost = "reputation_lost",
        Registrar = "registrar",
        Change = "change";
        other Other
    }
);

impl TxKind {
    fn has(self, field: TxField) -> bool {
        use TxField::*;
        match self {
            TxKind::Generation => {
                matches!(
                    field,
                    Generator | Period | Seq | Energy | Allocation | Minted
                )
            }
            TxKind::ShareUpdate => matches!(field, Generator | Seq | Shares),
            TxKind::Vote => matches!(field, Voter | Seq | Election | Bet),
            TxKind::Election => {
                matches!(field, Height | Miner | Candidates | Winner | RunnerUp | Pot)
            }
            TxKind::Penalty => {
                matches!(field, Height | Missed | SealedBy | ReputationLost | Pot)
            }
            TxKind::Membership => matches!(field, Registrar | Seq | Change),
        }
    }
}

read_tagged!(TxBody, |map| {
    let mut kind: Option<TxKind> = None;
    let (mut generator, mut period, mut seq, mut energy) = (None, None, None, None);
    let (mut allocation, mut minted, mut shares) = (None, None, None);
    let (mut voter, mut election, mut bet) = (None, None, None);
    let (mut height, mut miner, mut candidates, mut winner) = (None, None, None, None);
    let mut runner_up: Option<Option<MemberId>> = None;
    let (mut pot, mut missed, mut sealed_by, mut reputation_lost) = (None, None, None, None);
    let (mut registrar, mut change) = (None, None);
    while let Some(field) = next_field(&mut map, TxField::Other)? {
        if field != TxField::Type && kind.is_some_and(|k| !k.has(field)) {
            skip(&mut map)?;
            continue;
        }
        match field {
            TxField::Type => fill_tag(&mut map, &mut kind, "type")?,
            TxField::Generator => fill(&mut map, &mut generator, "generator")?,
            TxField::Period => fill(&mut map, &mut period, "period")?,
            TxField::Seq => fill(&mut map, &mut seq, "seq")?,
            TxField::Energy => fill(&mut map, &mut energy, "energy")?,
            TxField::Allocation => fill_seq(&mut map, &mut allocation, "allocation")?,
            TxField::Minted => fill_seq(&mut map, &mut minted, "minted")?,
            TxField::Shares => fill(&mut map, &mut shares, "shares")?,
            TxField::Voter => fill(&mut map, &mut voter, "voter")?,
            TxField::Election => fill(&mut map, &mut election, "election")?,
            TxField::Bet => fill(&mut map, &mut bet, "bet")?,
            TxField::Height => fill(&mut map, &mut height, "height")?,
            TxField::Miner => fill(&mut map, &mut miner, "miner")?,
            TxField::Candidates => fill_seq(&mut map, &mut candidates, "candidates")?,
            TxField::Winner => fill(&mut map, &mut winner, "winner")?,
            TxField::RunnerUp => fill(&mut map, &mut runner_up, "runner_up")?,
            TxField::Pot => fill(&mut map, &mut pot, "pot")?,
            TxField::Missed => fill(&mut map, &mut missed, "missed")?,
            TxField::SealedBy => fill(&mut map, &mut sealed_by, "sealed_by")?,
            TxField::ReputationLost => fill(&mut map, &mut reputation_lost, "reputation_lost")?,
            TxField::Registrar => fill(&mut map, &mut registrar, "registrar")?,
            TxField::Change => fill(&mut map, &mut change, "change")?,
            TxField::Other => skip(&mut map)?,
        }
    }
    Ok(match req(kind, "type")? {
        TxKind::Generation => TxBody::Generation(Generation {
            generator: req(generator, "generator")?,
            period: req(period, "period")?,
            seq: req(seq, "seq")?,
            energy: req(energy, "energy")?,
            allocation: req(allocation, "allocation")?,
            minted: req(minted, "minted")?,
        }),
        TxKind::ShareUpdate => TxBody::ShareUpdate(ShareUpdate {
            generator: req(generator, "generator")?,
            seq: req(seq, "seq")?,
            shares: req(shares, "shares")?,
        }),
        TxKind::Vote => TxBody::Vote(Vote {
            voter: req(voter, "voter")?,
            seq: req(seq, "seq")?,
            election: req(election, "election")?,
            bet: req(bet, "bet")?,
        }),
        TxKind::Election => TxBody::Election(ElectionRecord {
            height: req(height, "height")?,
            miner: req(miner, "miner")?,
            candidates: req(candidates, "candidates")?,
            winner: req(winner, "winner")?,
            // Optional, as the derive has it: absent is `None`.
            runner_up: runner_up.flatten(),
            pot: req(pot, "pot")?,
        }),
        TxKind::Penalty => TxBody::Penalty(Penalty {
            height: req(height, "height")?,
            missed: req(missed, "missed")?,
            sealed_by: req(sealed_by, "sealed_by")?,
            reputation_lost: req(reputation_lost, "reputation_lost")?,
            pot: req(pot, "pot")?,
        }),
        TxKind::Membership => TxBody::Membership(Membership {
            registrar: req(registrar, "registrar")?,
            seq: req(seq, "seq")?,
            change: req(change, "change")?,
        }),
    })
});
