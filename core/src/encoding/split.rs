//! The largest-remainder split (SPEC section 3): the one way E-Cloud divides
//! an integer amount by a share table, so the parts always sum to the whole.

use crate::encoding::units::BasisPoints;

/// Splits `total` by `weights` (basis points summing to 10,000): each part is
/// floor(total x weight / 10,000); the units left over go one each to the
/// largest remainders, ties to the earlier entry. The parts sum to `total`.
///
/// Weights that do not sum to 10,000 are the caller's bug, not user input:
/// share tables are validated on construction.
pub fn largest_remainder(total: u64, weights: &[BasisPoints]) -> Vec<u64> {
    let weights: Vec<u64> = weights.iter().map(|w| u64::from(w.0)).collect();
    split(total, &weights, u64::from(BasisPoints::WHOLE.0))
}

/// Splits `total` in proportion to `weights`, out of their sum, by the same
/// largest-remainder method; all zeros when the weights are.
pub fn proportional(total: u64, weights: &[u64]) -> Vec<u64> {
    let whole = weights.iter().fold(0u64, |sum, w| sum.saturating_add(*w));
    if whole == 0 {
        return vec![0; weights.len()];
    }
    split(total, weights, whole)
}

fn split(total: u64, weights: &[u64], whole: u64) -> Vec<u64> {
    let whole = u128::from(whole);
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for &w in weights {
        let exact = u128::from(total) * u128::from(w);
        parts.push((exact / whole) as u64);
        remainders.push(exact % whole);
    }
    let handed_out: u64 = parts.iter().sum();
    let left_over = total.saturating_sub(handed_out) as usize;
    // Largest remainder first; on equal remainders the earlier entry first.
    let order = crate::encoding::order::sorted_indices(remainders.len(), &|a, b| {
        remainders[b].cmp(&remainders[a])
    });
    for &i in order.iter().take(left_over) {
        parts[i] += 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn bp(v: &[u32]) -> Vec<BasisPoints> {
        v.iter().copied().map(BasisPoints).collect()
    }

    #[test]
    fn seed_shares_split_exactly() {
        assert_eq!(largest_remainder(10, &bp(&[5000, 3000, 2000])), [5, 3, 2]);
        // 1 Wh: remainders 0.5, 0.3, 0.2: the largest takes it.
        assert_eq!(largest_remainder(1, &bp(&[5000, 3000, 2000])), [1, 0, 0]);
        // 7 Wh: 3.5, 2.1, 1.4 -> floors 3, 2, 1; one left for the 0.5.
        assert_eq!(largest_remainder(7, &bp(&[5000, 3000, 2000])), [4, 2, 1]);
    }

    #[test]
    fn a_split_in_proportion_to_any_weights_sums_to_the_whole() {
        // A member's 30 % spread over shares of 50 and 20: 10,000 bp by 5:2.
        assert_eq!(proportional(10_000, &[5_000, 2_000]), [7_143, 2_857]);
        assert_eq!(proportional(7, &[1, 1, 1]), [3, 2, 2]);
        assert_eq!(proportional(5, &[0, 0]), [0, 0]);
    }

    #[test]
    fn ties_go_to_the_earlier_member() {
        // Thirds: 3334 / 3333 / 3333 of 2 Wh -> 0.6668, 0.6666, 0.6666.
        assert_eq!(largest_remainder(2, &bp(&[3334, 3333, 3333])), [1, 1, 0]);
        // Equal halves of an odd amount: the first gets the extra unit.
        assert_eq!(largest_remainder(3, &bp(&[5000, 5000])), [2, 1]);
        assert_eq!(largest_remainder(1, &bp(&[0, 5000, 5000])), [0, 1, 0]);
    }

    #[test]
    fn huge_amounts_do_not_overflow() {
        let parts = largest_remainder(u64::MAX, &bp(&[5000, 3000, 2000]));
        assert_eq!(
            parts.iter().map(|&p| u128::from(p)).sum::<u128>(),
            u128::from(u64::MAX)
        );
    }
}
