//! Transactions (SPEC section 4): each has an id, the SHA-256 of its
//! canonical body, and its signer's Ed25519 signature over that id.

use crate::crypto::canonical_sha256;
use crate::crypto::vrf::{VrfProof, VrfPublicKey};
use crate::crypto::{Hash, PublicKey, SecretKey, Signature};
use crate::encoding::canonical::CanonicalError;
use crate::encoding::units::{MilliTokens, Wh};
use crate::model::election::{Candidate, ElectionRecord};
use crate::model::member::MemberId;
use crate::model::member::Role;
use crate::model::shares::ShareTable;
use crate::model::{required, MissingField};
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
    /// Version 1: the voter's sequence number. Version 2: 0, a vote being
    /// outside its voter's sequence (one per voter and election, naming the
    /// block it builds on, it cannot be replayed).
    pub seq: u64,
    /// The height of the block the election picks a miner for.
    pub election: u64,
    pub bet: MilliTokens,
    /// Chains of version 2: the block the voter builds on (the parent of
    /// the block holding the vote), so a vote counts for one fork only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builds_on: Option<Hash>,
    /// Chains of version 2: the proof of the voter's draw, its VRF output
    /// on the election's input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<VrfProof>,
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
#[serde(tag = "change", rename_all = "snake_case", try_from = "ChangeFields")]
pub enum MembershipChange {
    /// A new member, with the next free id and its own key. A generator
    /// brings its capacity (its starting balance) and a share table.
    Join {
        member: MemberId,
        name: String,
        role: Role,
        public_key: PublicKey,
        capacity: Wh,
        /// Chains of version 2: the member's VRF key.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vrf_key: Option<VrfPublicKey>,
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
#[serde(tag = "type", rename_all = "snake_case", try_from = "TxFields")]
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

/// A transaction body as it is read: every field of every kind, so that
/// the object is read in one pass whatever the order of its keys (the tag
/// may come last, as in canonical JSON), and a key no kind has is skipped
/// unread. serde's derive for an internally tagged enum would instead keep
/// a copy of every entry, unknown ones included, until it meets the tag:
/// 39 bytes of memory per byte of a field packed with numbers
/// (`core/tests/memory.rs`). Adding a field to a kind: add it here too, and
/// the compiler points at the line of `try_from` that must fill it.
#[derive(Deserialize)]
struct TxFields {
    #[serde(rename = "type")]
    kind: TxKind,
    generator: Option<MemberId>,
    period: Option<u64>,
    seq: Option<u64>,
    energy: Option<Wh>,
    allocation: Option<Vec<Allocation>>,
    minted: Option<Vec<Mint>>,
    shares: Option<ShareTable>,
    voter: Option<MemberId>,
    election: Option<u64>,
    bet: Option<MilliTokens>,
    height: Option<u64>,
    miner: Option<MemberId>,
    candidates: Option<Vec<Candidate>>,
    winner: Option<MemberId>,
    runner_up: Option<MemberId>,
    pot: Option<MilliTokens>,
    missed: Option<MemberId>,
    sealed_by: Option<MemberId>,
    reputation_lost: Option<u64>,
    registrar: Option<MemberId>,
    change: Option<MembershipChange>,
    builds_on: Option<Hash>,
    proof: Option<VrfProof>,
    seed: Option<Hash>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum TxKind {
    Generation,
    ShareUpdate,
    Vote,
    Election,
    Penalty,
    Membership,
}

impl TryFrom<TxFields> for TxBody {
    type Error = MissingField;
    fn try_from(f: TxFields) -> Result<TxBody, MissingField> {
        Ok(match f.kind {
            TxKind::Generation => TxBody::Generation(Generation {
                generator: required(f.generator, "generator")?,
                period: required(f.period, "period")?,
                seq: required(f.seq, "seq")?,
                energy: required(f.energy, "energy")?,
                allocation: required(f.allocation, "allocation")?,
                minted: required(f.minted, "minted")?,
            }),
            TxKind::ShareUpdate => TxBody::ShareUpdate(ShareUpdate {
                generator: required(f.generator, "generator")?,
                seq: required(f.seq, "seq")?,
                shares: required(f.shares, "shares")?,
            }),
            TxKind::Vote => TxBody::Vote(Vote {
                voter: required(f.voter, "voter")?,
                seq: required(f.seq, "seq")?,
                election: required(f.election, "election")?,
                bet: required(f.bet, "bet")?,
                builds_on: f.builds_on,
                proof: f.proof,
            }),
            TxKind::Election => TxBody::Election(ElectionRecord {
                height: required(f.height, "height")?,
                miner: required(f.miner, "miner")?,
                candidates: required(f.candidates, "candidates")?,
                winner: required(f.winner, "winner")?,
                runner_up: f.runner_up,
                pot: required(f.pot, "pot")?,
                seed: f.seed,
            }),
            TxKind::Penalty => TxBody::Penalty(Penalty {
                height: required(f.height, "height")?,
                missed: required(f.missed, "missed")?,
                sealed_by: required(f.sealed_by, "sealed_by")?,
                reputation_lost: required(f.reputation_lost, "reputation_lost")?,
                pot: required(f.pot, "pot")?,
            }),
            TxKind::Membership => TxBody::Membership(Membership {
                registrar: required(f.registrar, "registrar")?,
                seq: required(f.seq, "seq")?,
                change: required(f.change, "change")?,
            }),
        })
    }
}

/// A membership change as it is read (see [`TxFields`]).
#[derive(Deserialize)]
struct ChangeFields {
    change: ChangeKind,
    member: Option<MemberId>,
    name: Option<String>,
    role: Option<Role>,
    public_key: Option<PublicKey>,
    capacity: Option<Wh>,
    vrf_key: Option<VrfPublicKey>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ChangeKind {
    Join,
    Rename,
    Leave,
}

impl TryFrom<ChangeFields> for MembershipChange {
    type Error = MissingField;
    fn try_from(f: ChangeFields) -> Result<MembershipChange, MissingField> {
        Ok(match f.change {
            ChangeKind::Join => MembershipChange::Join {
                member: required(f.member, "member")?,
                name: required(f.name, "name")?,
                role: required(f.role, "role")?,
                public_key: required(f.public_key, "public_key")?,
                capacity: required(f.capacity, "capacity")?,
                vrf_key: f.vrf_key,
            },
            ChangeKind::Rename => MembershipChange::Rename {
                member: required(f.member, "member")?,
                name: required(f.name, "name")?,
            },
            ChangeKind::Leave => MembershipChange::Leave {
                member: required(f.member, "member")?,
            },
        })
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

#[cfg(test)]
mod tests {
    //! The readers of the internally tagged enums against serde's derive on
    //! mirror types: the same values on every well-formed input, whatever
    //! the order of the keys, and serde's messages for a missing field or
    //! an unknown kind.
    use super::*;
    use serde::de::DeserializeOwned;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[derive(Serialize, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum DerivedTxBody {
        Generation(Generation),
        ShareUpdate(ShareUpdate),
        Vote(Vote),
        Election(ElectionRecord),
        Penalty(Penalty),
        Membership(DerivedMembership),
    }

    #[derive(Serialize, Deserialize)]
    struct DerivedMembership {
        registrar: MemberId,
        seq: u64,
        change: DerivedChange,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(tag = "change", rename_all = "snake_case")]
    enum DerivedChange {
        Join {
            member: MemberId,
            name: String,
            role: DerivedRole,
            public_key: PublicKey,
            capacity: Wh,
        },
        Rename {
            member: MemberId,
            name: String,
        },
        Leave {
            member: MemberId,
        },
    }

    #[derive(Serialize, Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum DerivedRole {
        Generator { shares: ShareTable },
        Customer,
    }

    /// The value read, written back, or the error without its position.
    fn read<T: DeserializeOwned + Serialize>(json: &str) -> Result<String, String> {
        serde_json::from_str::<T>(json)
            .map(|v| serde_json::to_string(&v).unwrap())
            .map_err(|e| {
                let e = e.to_string();
                e[..e.rfind(" at line ").unwrap_or(e.len())].to_string()
            })
    }

    const KEY: &str = "\"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a\"";

    #[test]
    fn bodies_read_as_the_derive_reads_them() {
        let join = format!(
            r#"{{"type":"membership","registrar":0,"seq":1,"change":{{"change":"join","member":4,"name":"Dana","role":{{"kind":"generator","shares":[{{"member":1,"share":10000}}]}},"public_key":{KEY},"capacity":9}}}}"#
        );
        let sorted_join = format!(
            r#"{{"change":{{"capacity":0,"change":"join","member":4,"name":"Dana","public_key":{KEY},"role":{{"kind":"customer"}}}},"registrar":0,"seq":1,"type":"membership"}}"#
        );
        let cases = [
            // Every kind, the tag first (as written) and last (as sorted).
            r#"{"type":"generation","generator":1,"period":3,"seq":2,"energy":500,"allocation":[{"member":2,"energy":500}],"minted":[{"member":1,"tokens":7}]}"#,
            r#"{"allocation":[],"energy":0,"generator":1,"minted":[],"period":3,"seq":2,"type":"generation"}"#,
            r#"{"type":"share_update","generator":1,"seq":4,"shares":[{"member":2,"share":10000}]}"#,
            r#"{"type":"vote","voter":2,"seq":1,"election":5,"bet":1000}"#,
            r#"{"bet":1000,"election":5,"seq":1,"type":"vote","voter":2}"#,
            r#"{"type":"election","height":5,"miner":1,"candidates":[{"member":2,"bet":1,"age":2,"reputation":0,"wealth":9,"draw":77,"score":"1.000"}],"winner":2,"runner_up":null,"pot":1}"#,
            r#"{"type":"election","height":5,"miner":1,"candidates":[],"winner":2,"runner_up":3,"pot":1}"#,
            r#"{"type":"election","height":5,"miner":1,"candidates":[],"winner":2,"pot":1}"#,
            r#"{"type":"penalty","height":5,"missed":2,"sealed_by":3,"reputation_lost":1,"pot":10}"#,
            &join,
            &sorted_join,
            r#"{"type":"membership","registrar":0,"seq":2,"change":{"change":"rename","member":4,"name":"Dee"}}"#,
            r#"{"type":"membership","registrar":0,"seq":2,"change":{"member":4,"change":"leave"}}"#,
            // Unknown fields are skipped, before or after the tag.
            r#"{"extra":[1,{"a":null}],"type":"vote","voter":2,"seq":1,"election":5,"bet":1000}"#,
            r#"{"type":"vote","voter":2,"seq":1,"election":5,"bet":1000,"extra":"x"}"#,
            // Refused alike: no tag, an unknown tag, a tag of another type,
            // a missing field, a field of the wrong type, not an object.
            r#"{"voter":2,"seq":1,"election":5,"bet":1000}"#,
            r#"{"type":"ballot","voter":2}"#,
            r#"{"type":7,"voter":2}"#,
            r#"{"type":"vote","voter":2,"seq":1,"bet":1000}"#,
            r#"{"type":"penalty","height":5,"missed":2,"sealed_by":3,"pot":10}"#,
            r#"{"type":"membership","registrar":0,"seq":2,"change":{"change":"leave"}}"#,
            r#"{"type":"membership","registrar":0,"seq":2,"change":{"change":"quit","member":4}}"#,
            r#"{"type":"vote","voter":-2,"seq":1,"election":5,"bet":1000}"#,
            r#""vote""#,
            r#"null"#,
        ];
        for json in cases {
            let ours = read::<TxBody>(json);
            let derived = read::<DerivedTxBody>(json);
            match (&ours, &derived) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "on {json}"),
                (Err(_), Err(_)) => {}
                _ => panic!("on {json}: ours {ours:?}, derived {derived:?}"),
            }
        }
        // The messages a student sees on a bad import.
        assert_eq!(
            read::<TxBody>(r#"{"voter":2}"#),
            Err("missing field `type`".into())
        );
        assert_eq!(
            read::<TxBody>(r#"{"type":"vote","voter":2,"seq":1,"bet":1000}"#),
            Err("missing field `election`".into())
        );
        assert_eq!(
            read::<TxBody>(r#"{"type":"ballot"}"#),
            Err("unknown variant `ballot`, expected one of `generation`, `share_update`, `vote`, `election`, `penalty`, `membership`".into())
        );
        assert_eq!(
            read::<Role>(r#"{"kind":"generator"}"#),
            Err("missing field `shares`".into())
        );
    }
}
