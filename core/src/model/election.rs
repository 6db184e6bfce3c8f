//! The record of a miner election (SPEC section 5): every candidate's inputs,
//! draw and score, and the winner. The rules that compute it are in
//! `rules::election`; how the page's members bet and draw, in
//! `simulation::strategy`.

use crate::crypto::Hash;
use crate::encoding::units::{Decimal, MilliTokens};
use crate::model::member::MemberId;
use serde::{Deserialize, Serialize};

/// Draws lie in 0 .. 2^53.
pub const DRAW_RANGE: u64 = 1 << 53;

/// One candidate's line in an election record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub member: MemberId,
    /// Voting tokens staked.
    pub bet: MilliTokens,
    /// Blocks since the candidate last sealed, plus one.
    pub age: u64,
    /// Blocks the candidate has sealed.
    pub reputation: u64,
    /// alpha x bet + beta x age + gamma x reputation, in millionths of a token.
    pub wealth: u64,
    /// The random draw d, below 2^53; u = (d + 1) / 2^53, so u lies in
    /// (0, 1]. 53 bits keep it an integer every JSON reader agrees on.
    pub draw: u64,
    /// W / u in tokens with three decimals, rounded down: for reading only.
    pub score: String,
}

/// The full record of one election: the "mining winner" transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionRecord {
    /// The height of the block this election picks a miner for.
    pub height: u64,
    /// The miner who held the election (the sealer of the block before).
    pub miner: MemberId,
    /// In member order.
    pub candidates: Vec<Candidate>,
    pub winner: MemberId,
    /// Seals instead if the winner misses its slot.
    #[serde(default)]
    pub runner_up: Option<MemberId>,
    /// All bets, paid frozen to whoever seals block `height`.
    pub pot: MilliTokens,
    /// Chains of version 2: the election seed, chained from earlier
    /// winners' VRF outputs, that is part of every candidate's VRF input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<Hash>,
}

impl Candidate {
    /// u as a number between 0 and 1, for display (`{:.4}`).
    pub fn u(&self) -> Decimal {
        Decimal((self.draw as f64 + 1.0) / DRAW_RANGE as f64)
    }
}
