//! The largest numbers a community may hold, so that every number a block
//! carries stays an integer the canonical form can write (at most 2^53,
//! about 9.007 x 10^15) and no sum of them overflows.
//!
//! Inputs that would pass a limit are refused when they are made (a join,
//! a reading, a genesis), never later when a block could no longer be
//! encoded. The one derived number that comes closest is an election
//! wealth: alpha x bet + beta x age x 1,000 + gamma x reputation x 1,000
//! (millionths of a token) is at most 3 x 10^15 with every limit below at
//! its top.

use crate::encoding::canonical::MAX_SAFE;
use crate::encoding::units::{MilliTokens, Wh};
use crate::model::ledger::{Ledger, Rules};
use crate::model::member::MemberId;
use crate::rules::transition::Violation;

/// All balances together, generators' capacity included: 1,000,000,000 kWh.
pub const MAX_ENERGY: Wh = Wh(1_000_000_000_000);
/// All voting tokens together, free, frozen and staked: 1,000,000,000 tokens.
pub const MAX_TOKENS: MilliTokens = MilliTokens(1_000_000_000_000);
/// Block heights, and so ages and reputations: a billion blocks (31 years
/// at one block a second).
pub const MAX_HEIGHT: u64 = 1_000_000_000;
/// Members ever registered: numbers 0 to 999,999.
pub const MAX_MEMBERS: u32 = 1_000_000;
/// alpha, beta and gamma, in thousandths: at most 1.
pub const MAX_WEIGHT_PERMILLE: u64 = 1_000;
/// Voting tokens minted per Wh, in thousandths: at most 1 token per Wh.
pub const MAX_MILLI_TOKENS_PER_WH: u64 = 1_000;
/// Blocks a pot stays frozen.
pub const MAX_FREEZE_BLOCKS: u64 = 1_000;
/// Version 2: the longest slot, a day of chain time.
pub const MAX_SLOT_MS: u64 = 24 * 60 * 60 * 1_000;

// Each limit is itself a number the canonical form can carry.
const _: () = assert!(MAX_ENERGY.0 < MAX_SAFE && MAX_TOKENS.0 < MAX_SAFE);
const _: () = assert!(MAX_HEIGHT + MAX_FREEZE_BLOCKS < MAX_SAFE);

/// The community's rules are within their limits.
pub fn check_rules(rules: &Rules) -> Result<(), Violation> {
    let weights = [
        ("alpha", rules.alpha_permille),
        ("beta", rules.beta_permille),
        ("gamma", rules.gamma_permille),
    ];
    for (name, value) in weights {
        if value > MAX_WEIGHT_PERMILLE {
            return Err(beyond(format!(
                "{name} is {value} thousandths, more than the {MAX_WEIGHT_PERMILLE} allowed"
            )));
        }
    }
    if rules.milli_tokens_per_wh > MAX_MILLI_TOKENS_PER_WH {
        return Err(beyond(format!(
            "{} milli-tokens are minted per Wh, more than the {MAX_MILLI_TOKENS_PER_WH} allowed",
            rules.milli_tokens_per_wh
        )));
    }
    if rules.generator_mint_share > crate::encoding::units::BasisPoints::WHOLE {
        return Err(beyond(format!(
            "the generator keeps {} of what it mints, more than all of it",
            rules.generator_mint_share
        )));
    }
    if rules.freeze_blocks > MAX_FREEZE_BLOCKS {
        return Err(beyond(format!(
            "pots stay frozen {} blocks, more than the {MAX_FREEZE_BLOCKS} allowed",
            rules.freeze_blocks
        )));
    }
    Ok(())
}

/// The ledger's energy and tokens are within their limits.
pub fn check_supply(ledger: &Ledger) -> Result<(), Violation> {
    let energy = ledger.total_energy();
    if energy > u128::from(MAX_ENERGY.0) {
        return Err(beyond(format!(
            "the balances would add up to {}, more than the {} the chain can carry",
            Wh(u64::try_from(energy).unwrap_or(u64::MAX)),
            MAX_ENERGY
        )));
    }
    let tokens = ledger.total_tokens();
    if tokens > u128::from(MAX_TOKENS.0) {
        return Err(beyond(format!(
            "the voting tokens would add up to {}, more than the {} the chain can carry",
            MilliTokens(u64::try_from(tokens).unwrap_or(u64::MAX)),
            MAX_TOKENS
        )));
    }
    Ok(())
}

/// A new member's number is below [`MAX_MEMBERS`].
pub fn check_member_number(member: MemberId) -> Result<(), Violation> {
    if member.0 >= MAX_MEMBERS {
        return Err(beyond(format!(
            "the community already has the most members the chain can register ({MAX_MEMBERS})"
        )));
    }
    Ok(())
}

/// A block height within [`MAX_HEIGHT`].
pub fn check_height(height: u64) -> Result<(), Violation> {
    if height > MAX_HEIGHT {
        return Err(beyond(format!(
            "block {height} is past the last block a chain may have ({MAX_HEIGHT})"
        )));
    }
    Ok(())
}

fn beyond(why: String) -> Violation {
    Violation::BeyondLimit(why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::election::wealth;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Every number derived from values within the limits can be encoded.
    #[test]
    fn the_largest_wealth_within_the_limits_is_an_encodable_integer() {
        let rules = Rules {
            alpha_permille: MAX_WEIGHT_PERMILLE,
            beta_permille: MAX_WEIGHT_PERMILLE,
            gamma_permille: MAX_WEIGHT_PERMILLE,
            ..Rules::default()
        };
        let w = wealth(&rules, MAX_TOKENS, MAX_HEIGHT + 1, MAX_HEIGHT);
        assert!(w < MAX_SAFE / 2, "{w}");
    }

    #[test]
    fn the_default_rules_are_within_the_limits() {
        assert_eq!(check_rules(&Rules::default()), Ok(()));
        let greedy = Rules {
            milli_tokens_per_wh: MAX_MILLI_TOKENS_PER_WH + 1,
            ..Rules::default()
        };
        assert!(matches!(
            check_rules(&greedy),
            Err(Violation::BeyondLimit(_))
        ));
    }
}
