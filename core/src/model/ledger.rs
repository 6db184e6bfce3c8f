//! The ledger: the whole state of the community after a block. Every block
//! carries the ledger it results in, and the header commits to its hash.

use crate::crypto::canonical_sha256;
use crate::crypto::{Hash, PublicKey};
use crate::encoding::canonical::CanonicalError;
use crate::encoding::units::{BasisPoints, MilliTokens, Wh};
use crate::model::member::{Member, MemberId};
use serde::{Deserialize, Serialize};

/// The community's constants, fixed at genesis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// Wealth weight of the bet, in thousandths (the seed's 0.6).
    pub alpha_permille: u64,
    /// Wealth weight of the age, in thousandths (the seed's 0.8).
    pub beta_permille: u64,
    /// Wealth weight of the reputation, in thousandths (the seed's 0.3).
    pub gamma_permille: u64,
    /// Blocks after sealing before won tokens unlock (the seed's 6).
    pub freeze_blocks: u64,
    /// Voting tokens minted per Wh generated, in milli-tokens (1).
    pub milli_tokens_per_wh: u64,
    /// The generator's part of what it mints (the seed's 20 %).
    pub generator_mint_share: BasisPoints,
    /// Chains of version 2: the length of a slot, one block's turn, in ms
    /// of chain time (a market period). Written only when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot_ms: Option<u64>,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            alpha_permille: 600,
            beta_permille: 800,
            gamma_permille: 300,
            freeze_blocks: 6,
            milli_tokens_per_wh: 1,
            generator_mint_share: BasisPoints(2_000),
            slot_ms: None,
        }
    }
}

/// The state after a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    /// Every member, in member order.
    pub members: Vec<Member>,
    pub rules: Rules,
    /// All voting tokens minted since genesis.
    pub minted: MilliTokens,
    /// Bets staked on the coming election, paid to whoever seals next.
    pub pot: MilliTokens,
    /// Capacity brought in by generators that joined after genesis: the
    /// total energy is the genesis total plus this. Written only when not 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub joined_energy: Wh,
}

fn is_zero(w: &Wh) -> bool {
    w.0 == 0
}

impl Ledger {
    pub fn member(&self, id: MemberId) -> Option<&Member> {
        self.members
            .binary_search_by_key(&id, |m| m.id)
            .ok()
            .map(|i| &self.members[i])
    }

    /// The member registered with `key`, if any (a linear search: keys
    /// are looked up when someone asks to join, not per transaction).
    pub fn member_with_key(&self, key: &PublicKey) -> Option<&Member> {
        self.members.iter().find(|m| m.public_key == *key)
    }

    pub fn member_mut(&mut self, id: MemberId) -> Option<&mut Member> {
        self.members
            .binary_search_by_key(&id, |m| m.id)
            .ok()
            .map(move |i| &mut self.members[i])
    }

    /// SHA-256 of the canonical encoding: what the block header commits to.
    pub fn hash(&self) -> Result<Hash, CanonicalError> {
        canonical_sha256(self)
    }

    /// Members who have not left, in member order.
    pub fn active_members(&self) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(|m| m.active)
    }

    /// The id the next member to join gets.
    pub fn next_member_id(&self) -> Option<MemberId> {
        match self.members.last() {
            Some(m) => m.id.0.checked_add(1).map(MemberId),
            None => Some(MemberId(0)),
        }
    }

    /// Sum of all energy balances (conserved by every block).
    pub fn total_energy(&self) -> u128 {
        self.members.iter().map(|m| u128::from(m.balance.0)).sum()
    }

    /// The energy this ledger must hold (SPEC: energy is conserved) when
    /// its chain's genesis ledger held `genesis` Wh: that, plus the capacity
    /// generators brought when they joined.
    pub fn energy_due(&self, genesis: u128) -> u128 {
        genesis + u128::from(self.joined_energy.0)
    }

    /// The voting tokens this ledger must hold when its chain's genesis
    /// supply was `genesis` milli-tokens: that, plus all minted since.
    pub fn tokens_due(&self, genesis: u128) -> u128 {
        genesis + u128::from(self.minted.0)
    }

    /// All voting tokens held: free, frozen and in the pot.
    pub fn total_tokens(&self) -> u128 {
        let held: u128 = self
            .members
            .iter()
            .map(|m| {
                u128::from(m.tokens.0)
                    + m.frozen
                        .iter()
                        .map(|l| u128::from(l.amount.0))
                        .sum::<u128>()
            })
            .sum();
        held + u128::from(self.pot.0)
    }

    /// Total energy as `Wh`, when it fits.
    pub fn energy(&self) -> Option<Wh> {
        u64::try_from(self.total_energy()).ok().map(Wh)
    }
}
