//! The chain over time, for the page's charts: each member's energy
//! balance and free voting tokens, the tokens frozen, and the blocks each
//! member sealed.
//!
//! A chart can show a few hundred points at most, and the chain may hold
//! tens of thousands of blocks, so the series read the ledgers of at most
//! [`MAX_POINTS`] evenly spaced blocks, the first and the last always among
//! them: building a history costs that many ledgers plus one pass over the
//! block headers, whatever the chain's length. Every value is read as the
//! chain holds it, tampered blocks included, with saturating sums, so odd
//! numbers give odd charts and never a panic.

use crate::model::block::Block;
use crate::model::ledger::Ledger;
use crate::model::member::MemberId;

/// The most blocks a history samples.
pub const MAX_POINTS: usize = 200;

/// A member as the charts name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Who {
    pub id: MemberId,
    /// The name in the latest ledger that lists the member.
    pub name: String,
    /// False once the member has left (or, for a sealer no ledger lists,
    /// when it was never a member).
    pub active: bool,
    /// Owns a generator, so its energy balance is the capacity it has left:
    /// a different scale from what customers receive.
    pub generator: bool,
}

/// One value per sampled block; `None` where that block's ledger does not
/// list the member (before it joined).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Series {
    pub values: Vec<Option<u64>>,
}

impl Series {
    /// The largest value, 0 for an empty series.
    pub fn max(&self) -> u64 {
        self.values.iter().flatten().copied().max().unwrap_or(0)
    }

    /// The value at the last sampled block, the chain's tip.
    pub fn last(&self) -> Option<u64> {
        self.values.last().copied().flatten()
    }
}

/// The chain's history, sampled for charts.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct History {
    /// Every member some sampled ledger lists or some block names as its
    /// sealer, in member order. The charts give member `i` the same colour
    /// and line pattern everywhere.
    pub members: Vec<Who>,
    /// The sampled blocks' positions in the chain (their heights, unless
    /// someone tampered with a height), increasing, from 0 to the tip.
    pub heights: Vec<u64>,
    /// Energy balance in Wh, one series per entry of `members`.
    pub energy: Vec<Series>,
    /// Free voting tokens in milli-tokens, one series per entry of `members`.
    pub free: Vec<Series>,
    /// Voting tokens frozen after winning, all members together.
    pub frozen: Series,
    /// Blocks sealed, one count per entry of `members`; genesis counts for
    /// its sealer, as the ledger's reputation does. They sum to `blocks`.
    pub sealed: Vec<u64>,
    /// Blocks in the chain, genesis included.
    pub blocks: u64,
}

/// At most `max` positions in `0..len`, evenly spaced, always including the
/// first and the last.
pub fn sample_positions(len: usize, max: usize) -> Vec<usize> {
    let max = max.max(2);
    if len <= max {
        return (0..len).collect();
    }
    // u128: `i * (len - 1)` must not overflow on a 32-bit target.
    let last = (len - 1) as u128;
    let steps = (max - 1) as u128;
    (0..max)
        .map(|i| (i as u128 * last / steps) as usize)
        .collect()
}

/// A "nice" axis for values up to `max`: a step of 1, 2 or 5 times a power
/// of ten (at least `min_step`) giving at most `ticks` intervals, and the
/// axis top, the first multiple of the step at or above `max`. Returns
/// `(step, top)`; `top` is at least one step.
pub fn axis(max: u64, ticks: u64, min_step: u64) -> (u64, u64) {
    let ticks = ticks.max(1);
    let mut magnitude = min_step.max(1);
    loop {
        for factor in [1u64, 2, 5] {
            let Some(step) = magnitude.checked_mul(factor) else {
                return (magnitude, u64::MAX);
            };
            if step < min_step {
                continue;
            }
            let intervals = max.div_ceil(step).max(1);
            if intervals <= ticks {
                return (step, intervals.saturating_mul(step));
            }
        }
        match magnitude.checked_mul(10) {
            Some(m) => magnitude = m,
            None => return (magnitude, u64::MAX),
        }
    }
}

impl History {
    /// The history of `blocks`, sampled at no more than `max_points` blocks.
    pub fn of(blocks: &[Block], max_points: usize) -> History {
        let positions = sample_positions(blocks.len(), max_points);
        let ledgers: Vec<&Ledger> = positions.iter().map(|&p| blocks[p].ledger()).collect();

        // Later ledgers overwrite earlier ones, so names are the latest.
        // Sorted vectors rather than maps: the page's download stays smaller.
        let mut members: Vec<Who> = Vec::new();
        for ledger in &ledgers {
            for m in &ledger.members {
                let who = Who {
                    id: m.id,
                    name: m.name.clone(),
                    active: m.active,
                    generator: m.is_generator(),
                };
                match members.binary_search_by_key(&m.id, |w| w.id) {
                    Ok(i) => members[i] = who,
                    Err(i) => members.insert(i, who),
                }
            }
        }
        let mut sealed: Vec<u64> = vec![0; members.len()];
        for block in blocks {
            let id = block.header.sealed_by;
            let i = match members.binary_search_by_key(&id, |w| w.id) {
                Ok(i) => i,
                Err(i) => {
                    members.insert(
                        i,
                        Who {
                            id,
                            name: format!("member {id}"),
                            active: false,
                            generator: false,
                        },
                    );
                    sealed.insert(i, 0);
                    i
                }
            };
            sealed[i] = sealed[i].saturating_add(1);
        }

        let series = |value: &dyn Fn(&Ledger, MemberId) -> Option<u64>| -> Vec<Series> {
            members
                .iter()
                .map(|who| Series {
                    values: ledgers.iter().map(|l| value(l, who.id)).collect(),
                })
                .collect()
        };
        let energy = series(&|l, id| l.member(id).map(|m| m.balance.0));
        let free = series(&|l, id| l.member(id).map(|m| m.tokens.0));
        let frozen = Series {
            values: ledgers
                .iter()
                .map(|l| {
                    Some(
                        l.members
                            .iter()
                            .flat_map(|m| &m.frozen)
                            .fold(0u64, |sum, lot| sum.saturating_add(lot.amount.0)),
                    )
                })
                .collect(),
        };
        History {
            heights: positions.iter().map(|&p| p as u64).collect(),
            energy,
            free,
            frozen,
            sealed,
            blocks: blocks.len() as u64,
            members,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn sampling_keeps_the_ends_and_bounds_the_count() {
        assert_eq!(sample_positions(0, 200), Vec::<usize>::new());
        assert_eq!(sample_positions(1, 200), vec![0]);
        assert_eq!(sample_positions(5, 200), vec![0, 1, 2, 3, 4]);
        assert_eq!(sample_positions(5, 3), vec![0, 2, 4]);
        // A bound below 2 still keeps both ends.
        assert_eq!(sample_positions(5, 0), vec![0, 4]);
        for len in [201, 202, 999, 10_000, 100_001] {
            let p = sample_positions(len, 200);
            assert_eq!(p.len(), 200, "{len}");
            assert_eq!((p[0], p[199]), (0, len - 1));
            assert!(p.windows(2).all(|w| w[0] < w[1]), "{len}");
            // Evenly spaced: gaps differ by at most one block.
            let gaps: Vec<usize> = p.windows(2).map(|w| w[1] - w[0]).collect();
            let (lo, hi) = (gaps.iter().min().unwrap(), gaps.iter().max().unwrap());
            assert!(hi - lo <= 1, "{len}: {lo}..{hi}");
        }
    }

    #[test]
    fn axes_use_round_steps_and_cover_the_maximum() {
        assert_eq!(axis(0, 5, 1_000), (1_000, 1_000));
        assert_eq!(axis(1_000_000, 5, 1_000), (200_000, 1_000_000));
        assert_eq!(axis(1_000_001, 5, 1_000), (500_000, 1_500_000));
        assert_eq!(axis(137_500, 5, 1_000), (50_000, 150_000));
        assert_eq!(axis(7, 5, 1), (2, 8));
        assert_eq!(axis(10_000, 4, 1), (5_000, 10_000));
        let (step, top) = axis(u64::MAX, 5, 1_000);
        assert!(step > 0 && top == u64::MAX);
        for max in [1, 3, 99, 12_345, 987_654_321] {
            let (step, top) = axis(max, 5, 1);
            assert!(top >= max && top / step <= 5, "{max}: {step} {top}");
        }
    }
}
