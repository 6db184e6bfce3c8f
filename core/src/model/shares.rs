//! A generator's share table: which customer owns how much of its output.

use crate::encoding::split::{largest_remainder, proportional};
use crate::encoding::units::{BasisPoints, Wh};
use crate::model::member::MemberId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One customer's share of a generator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub member: MemberId,
    pub share: BasisPoints,
}

/// Shares of one generator's output, in member order, summing to 100 %.
///
/// The only constructor checks the sum, so a `ShareTable` that came through
/// [`ShareTable::new`] always splits exactly. A table read from a file is
/// re-checked by verification ([`ShareTable::check`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ShareTable(Vec<Share>);

/// Why a share table was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    /// The shares do not add up to 100 %.
    WrongTotal { total: BasisPoints },
    /// A member appears twice.
    Duplicate(MemberId),
    /// The table names no customer.
    Empty,
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareError::WrongTotal { total } => write!(
                f,
                "the shares add up to {total}, not 100 %; nothing was changed"
            ),
            ShareError::Duplicate(m) => write!(f, "member {m} appears twice in the share table"),
            ShareError::Empty => write!(f, "a share table needs at least one customer"),
        }
    }
}

impl std::error::Error for ShareError {}

impl ShareTable {
    /// A table from (member, share) pairs; sorted into member order.
    pub fn new(shares: Vec<Share>) -> Result<ShareTable, ShareError> {
        let table = ShareTable(crate::encoding::order::sorted_by(&shares, &|a, b| {
            a.member.cmp(&b.member)
        }));
        table.check()?;
        Ok(table)
    }

    /// Re-checks the rules a table must keep: members in strictly increasing
    /// order (so no duplicates) and a total of exactly 100 %.
    pub fn check(&self) -> Result<(), ShareError> {
        if self.0.is_empty() {
            return Err(ShareError::Empty);
        }
        for pair in self.0.windows(2) {
            if pair[0].member >= pair[1].member {
                return Err(ShareError::Duplicate(pair[1].member));
            }
        }
        let total: u64 = self.0.iter().map(|s| u64::from(s.share.0)).sum();
        if total != u64::from(BasisPoints::WHOLE.0) {
            return Err(ShareError::WrongTotal {
                total: BasisPoints(u32::try_from(total).unwrap_or(u32::MAX)),
            });
        }
        Ok(())
    }

    /// Equal shares for `customers`, as a new generator's opening table:
    /// the basis points left over go one each to the earliest members, so
    /// three customers get 33.34 %, 33.33 % and 33.33 % and the table still
    /// sums to exactly 100 %.
    pub fn equal(customers: &[MemberId]) -> Result<ShareTable, ShareError> {
        let whole = BasisPoints::WHOLE.0;
        let count = u32::try_from(customers.len()).unwrap_or(u32::MAX).max(1);
        let (base, extra) = (whole / count, whole % count);
        ShareTable::new(
            customers
                .iter()
                .enumerate()
                .map(|(i, &member)| Share {
                    member,
                    share: BasisPoints(base + u32::from(i < extra as usize)),
                })
                .collect(),
        )
    }

    /// The table without `member`, its share spread over the others in
    /// proportion to theirs (largest remainder): what is left when a
    /// customer leaves. Refused when no one else is left.
    pub fn without(&self, member: MemberId) -> Result<ShareTable, ShareError> {
        let others: Vec<&Share> = self.0.iter().filter(|s| s.member != member).collect();
        let weights: Vec<u64> = others.iter().map(|s| u64::from(s.share.0)).collect();
        let whole = u64::from(BasisPoints::WHOLE.0);
        // No one else holds anything: the whole in equal parts.
        let shares = match weights.iter().any(|&w| w > 0) {
            true => proportional(whole, &weights),
            false => proportional(whole, &vec![1; weights.len()]),
        };
        ShareTable::new(
            others
                .iter()
                .zip(shares)
                .map(|(s, bp)| Share {
                    member: s.member,
                    share: BasisPoints(bp as u32),
                })
                .collect(),
        )
    }

    pub fn shares(&self) -> &[Share] {
        &self.0
    }

    pub fn share_of(&self, member: MemberId) -> Option<BasisPoints> {
        // In member order (checked on construction and by verification);
        // an unordered table from a file finds what a search finds.
        self.0
            .binary_search_by_key(&member, |s| s.member)
            .ok()
            .map(|i| self.0[i].share)
    }

    pub fn members(&self) -> impl Iterator<Item = MemberId> + '_ {
        self.0.iter().map(|s| s.member)
    }

    /// Splits `amount` by this table with the largest-remainder method.
    pub fn split(&self, amount: u64) -> Vec<(MemberId, u64)> {
        let weights: Vec<BasisPoints> = self.0.iter().map(|s| s.share).collect();
        self.members()
            .zip(largest_remainder(amount, &weights))
            .collect()
    }

    /// Splits energy by this table.
    pub fn split_energy(&self, energy: Wh) -> Vec<(MemberId, Wh)> {
        self.split(energy.0)
            .into_iter()
            .map(|(m, wh)| (m, Wh(wh)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn share(member: u32, bp: u32) -> Share {
        Share {
            member: MemberId(member),
            share: BasisPoints(bp),
        }
    }

    #[test]
    fn a_table_must_sum_to_exactly_100_percent() {
        assert!(ShareTable::new(vec![share(1, 5000), share(2, 3000), share(3, 2000)]).is_ok());
        assert_eq!(
            ShareTable::new(vec![share(1, 5000), share(2, 3000), share(3, 1999)]),
            Err(ShareError::WrongTotal {
                total: BasisPoints(9999)
            })
        );
        assert_eq!(
            ShareTable::new(vec![share(1, 6000), share(2, 5000)]),
            Err(ShareError::WrongTotal {
                total: BasisPoints(11000)
            })
        );
        assert_eq!(ShareTable::new(vec![]), Err(ShareError::Empty));
    }

    #[test]
    fn equal_shares_sum_to_100_percent_and_favour_the_earliest() {
        let t = ShareTable::equal(&[MemberId(1), MemberId(2), MemberId(3)]).unwrap();
        assert_eq!(t.shares(), [share(1, 3334), share(2, 3333), share(3, 3333)]);
        let seven: Vec<MemberId> = (1..=7).map(MemberId).collect();
        let t = ShareTable::equal(&seven).unwrap();
        assert_eq!(t.shares().iter().map(|s| s.share.0).sum::<u32>(), 10_000);
        assert_eq!(t.share_of(MemberId(1)), Some(BasisPoints(1429)));
        assert_eq!(t.share_of(MemberId(7)), Some(BasisPoints(1428)));
        assert_eq!(ShareTable::equal(&[]), Err(ShareError::Empty));
        assert_eq!(
            ShareTable::equal(&[MemberId(2), MemberId(2)]),
            Err(ShareError::Duplicate(MemberId(2)))
        );
    }

    #[test]
    fn a_member_cannot_appear_twice() {
        assert_eq!(
            ShareTable::new(vec![share(1, 5000), share(1, 5000)]),
            Err(ShareError::Duplicate(MemberId(1)))
        );
    }

    #[test]
    fn tables_are_kept_in_member_order() {
        let t = ShareTable::new(vec![share(3, 2000), share(1, 5000), share(2, 3000)]).unwrap();
        assert_eq!(
            t.members().collect::<Vec<_>>(),
            [MemberId(1), MemberId(2), MemberId(3)]
        );
        assert_eq!(
            t.split_energy(Wh(7)),
            [
                (MemberId(1), Wh(4)),
                (MemberId(2), Wh(2)),
                (MemberId(3), Wh(1))
            ]
        );
    }

    #[test]
    fn a_table_read_from_a_file_is_rechecked() {
        let t: ShareTable =
            serde_json::from_str(r#"[{"member":1,"share":7000},{"member":2,"share":2000}]"#)
                .unwrap();
        assert_eq!(
            t.check(),
            Err(ShareError::WrongTotal {
                total: BasisPoints(9000)
            })
        );
    }
}
