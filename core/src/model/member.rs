//! Members of a community and their state on the ledger.

use crate::crypto::vrf::VrfPublicKey;
use crate::crypto::PublicKey;
use crate::encoding::units::{MilliTokens, Wh};
use crate::model::shares::ShareTable;
use crate::model::{required, MissingField};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A member's stable number. Member order (for ties in splits and
/// elections) is the order of these ids; names can change, ids never do.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct MemberId(pub u32);

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// What a member does in the community.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "RoleFields")]
pub enum Role {
    /// Owns a generator; its energy balance is the capacity it has left, and
    /// its share table says how its output is divided among customers.
    Generator { shares: ShareTable },
    /// Receives energy from generators by its shares.
    Customer,
}

/// A role as it is read (see `tx::TxFields` for why not serde's derive).
#[derive(Deserialize)]
struct RoleFields {
    kind: RoleKind,
    shares: Option<ShareTable>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RoleKind {
    Generator,
    Customer,
}

impl TryFrom<RoleFields> for Role {
    type Error = MissingField;
    fn try_from(f: RoleFields) -> Result<Role, MissingField> {
        Ok(match f.kind {
            RoleKind::Generator => Role::Generator {
                shares: required(f.shares, "shares")?,
            },
            RoleKind::Customer => Role::Customer,
        })
    }
}

/// Voting tokens won in an election, locked until `unlocks_at` (a height).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrozenLot {
    pub amount: MilliTokens,
    pub unlocks_at: u64,
}

/// One member's entry in the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: MemberId,
    pub name: String,
    pub role: Role,
    pub public_key: PublicKey,
    /// Energy held; for a generator, the capacity it has left to produce.
    pub balance: Wh,
    /// Voting tokens free to bet.
    pub tokens: MilliTokens,
    /// Voting tokens won and not yet unlocked.
    pub frozen: Vec<FrozenLot>,
    /// Number of blocks this member has sealed.
    pub reputation: u64,
    /// Height of the last block this member sealed.
    pub last_sealed: Option<u64>,
    /// The last sequence number this member signed with; the next must be larger.
    pub seq: u64,
    /// False once the member has left. A member who left keeps its balances
    /// (energy is conserved) but no longer signs, stands or holds shares.
    /// Written only when false, so the encoding of a community where nobody
    /// has left is the same as before members could leave.
    #[serde(default = "active_by_default", skip_serializing_if = "is_active")]
    pub active: bool,
    /// The key its election draws are proved with (chains of version 2),
    /// separate from its signing key. Written only when there is one, so a
    /// version-1 chain's encoding is unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vrf_key: Option<VrfPublicKey>,
}

fn active_by_default() -> bool {
    true
}

fn is_active(active: &bool) -> bool {
    *active
}

impl Member {
    pub fn is_generator(&self) -> bool {
        matches!(self.role, Role::Generator { .. })
    }

    pub fn share_table(&self) -> Option<&ShareTable> {
        match &self.role {
            Role::Generator { shares } => Some(shares),
            Role::Customer => None,
        }
    }

    pub fn frozen_total(&self) -> MilliTokens {
        MilliTokens(
            self.frozen
                .iter()
                .fold(0u64, |sum, lot| sum.saturating_add(lot.amount.0)),
        )
    }
}
