//! How a member decides its bet in each election.

use crate::encoding::units::MilliTokens;
use crate::model::{required, MissingField};
use serde::{Deserialize, Serialize};

/// How a member decides its bet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "StrategyFields")]
pub enum Strategy {
    /// A fixed percentage (1 to 100) of its free tokens.
    FixedPercent { percent: u8 },
    /// A uniformly random 1 to 100 % of its free tokens (the seed's rule).
    #[default]
    RandomPercent,
    /// A set amount, capped at its free tokens.
    Manual { amount: MilliTokens },
}

impl Strategy {
    /// The bet from `free` tokens; `random` is a fresh random number.
    pub fn bet(self, free: MilliTokens, random: u64) -> MilliTokens {
        let percent = match self {
            Strategy::FixedPercent { percent } => u64::from(percent.min(100)),
            Strategy::RandomPercent => 1 + random % 100,
            Strategy::Manual { amount } => return amount.min(free),
        };
        MilliTokens((u128::from(free.0) * u128::from(percent) / 100) as u64)
    }
}

/// A strategy as it is read (see `model::tx::TxFields` for why not
/// serde's derive).
#[derive(Deserialize)]
struct StrategyFields {
    kind: StrategyKind,
    percent: Option<u8>,
    amount: Option<MilliTokens>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum StrategyKind {
    FixedPercent,
    RandomPercent,
    Manual,
}

impl TryFrom<StrategyFields> for Strategy {
    type Error = MissingField;
    fn try_from(f: StrategyFields) -> Result<Strategy, MissingField> {
        Ok(match f.kind {
            StrategyKind::FixedPercent => Strategy::FixedPercent {
                percent: required(f.percent, "percent")?,
            },
            StrategyKind::RandomPercent => Strategy::RandomPercent,
            StrategyKind::Manual => Strategy::Manual {
                amount: required(f.amount, "amount")?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn strategies_bet_from_free_tokens() {
        let free = MilliTokens(50_000);
        assert_eq!(
            Strategy::FixedPercent { percent: 10 }.bet(free, 0),
            MilliTokens(5_000)
        );
        assert_eq!(Strategy::FixedPercent { percent: 200 }.bet(free, 0), free);
        assert_eq!(Strategy::RandomPercent.bet(free, 0), MilliTokens(500));
        assert_eq!(Strategy::RandomPercent.bet(free, 99), free);
        assert_eq!(
            Strategy::Manual {
                amount: MilliTokens(70_000)
            }
            .bet(free, 0),
            free
        );
        assert_eq!(
            Strategy::Manual {
                amount: MilliTokens(7)
            }
            .bet(free, 0),
            MilliTokens(7)
        );
    }
}
