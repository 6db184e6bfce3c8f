//! A sum of points times 128-bit scalars, by Pippenger's bucket method, two windows at once: lane 0 of every addition
//! works on one window's buckets, lane 1 on the next window's, so both
//! halves of each SIMD register do useful work, no two lanes ever touch one
//! bucket, and one pass of running sums serves two windows.

use crate::point::{Affine, Affine2, Point, Point2};

/// Σ scalars[i] · points[i], in both lanes.
#[inline(never)]
pub fn sum(points: &[Affine], scalars: &[u128]) -> Point2 {
    assert_eq!(points.len(), scalars.len(), "one scalar per point");
    let w = window(points.len());
    let count = digit_count(w);
    let digits: Vec<i16> = scalars.iter().flat_map(|&s| digits(s, w, count)).collect();
    let negated: Vec<Affine> = points
        .chunks(2)
        .flat_map(|pair| {
            let (a, b) = crate::both(pair);
            Affine2::new(a, b).neg().lanes()
        })
        .collect();

    let buckets = 1usize << (w - 1);
    // Each set has one more bucket than digits need: where a lane whose
    // digit is zero adds the identity.
    let mut low_set = vec![Point::IDENTITY; buckets + 1];
    let mut high_set = vec![Point::IDENTITY; buckets + 1];
    let term = |i: usize, window: usize| match digits[i * count + window] {
        0 => (buckets, &Affine::IDENTITY),
        d if d > 0 => (d as usize - 1, &points[i]),
        d => (d.unsigned_abs() as usize - 1, &negated[i]),
    };
    let mut total: Option<Point2> = None;
    // Windows `low` and `low + 1` (just `low` for an odd one out at the
    // bottom), from the top down.
    let mut high = count;
    while high > 0 {
        let low = high.saturating_sub(2);
        let two = high - low == 2;
        low_set.fill(Point::IDENTITY);
        high_set.fill(Point::IDENTITY);
        for i in 0..points.len() {
            let upper = if two {
                term(i, low + 1)
            } else {
                (buckets, &Affine::IDENTITY)
            };
            add_pair(&mut low_set, &mut high_set, term(i, low), upper);
        }

        // Σ_j (j + 1) · bucket[j], for both windows at once, by running sums.
        let mut running = Point2::new(&Point::IDENTITY, &Point::IDENTITY);
        let mut sum = running;
        for j in (0..buckets).rev() {
            running = running.add(&Point2::new(&low_set[j], &high_set[j]));
            sum = sum.add(&running);
        }
        // The high window first: each window's sum is doubled w times by
        // every window below it.
        let [low_sum, high_sum] = sum.lanes();
        let window_sums = [high_sum, low_sum];
        for window_sum in &window_sums[usize::from(!two)..] {
            let window_sum = Point2::new(window_sum, window_sum);
            total = Some(match total {
                None => window_sum,
                Some(mut total) => {
                    for _ in 0..w {
                        total = total.double();
                    }
                    total.add(&window_sum)
                }
            });
        }
        high = low;
    }
    total.unwrap_or(Point2::new(&Point::IDENTITY, &Point::IDENTITY))
}

/// Adds `a.1` into bucket `a.0` of the low window's set and `b.1` into
/// bucket `b.0` of the high window's, in one two-lane addition.
fn add_pair(set_a: &mut [Point], set_b: &mut [Point], a: (usize, &Affine), b: (usize, &Affine)) {
    let sum = Point2::new(&set_a[a.0], &set_b[b.0]).add_affine(&Affine2::new(a.1, b.1));
    [set_a[a.0], set_b[b.0]] = sum.lanes();
}

/// The window (bits per digit) with the fewest multiplications for `n`
/// points: each pair of windows costs n two-lane additions of 7
/// multiplications, and 2 · 2^(w-1) of 9 to sum its buckets.
fn window(n: usize) -> u32 {
    (4..=12)
        .min_by_key(|&w| digit_count(w) * (7 * n + (18 << (w - 1))))
        .unwrap_or(4)
}

/// Digits in base 2^w for 128 bits: one more bit than 128 leaves the top
/// digit room for the last carry.
fn digit_count(w: u32) -> usize {
    129_usize.div_ceil(w as usize)
}

/// `x` in signed base 2^w: digits in [-2^(w-1), 2^(w-1)], lowest first.
fn digits(x: u128, w: u32, count: usize) -> impl Iterator<Item = i16> {
    let half = 1i32 << (w - 1);
    let mut carry = 0;
    (0..count).map(move |k| {
        let shift = w * k as u32;
        let bits = x
            .checked_shr(shift)
            .map_or(0, |v| (v & ((1 << w) - 1)) as i32);
        let value = bits + carry;
        if k + 1 == count {
            return value as i16;
        }
        carry = (value + half) >> w;
        (value - (carry << w)) as i16
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn digits_add_up_to_the_scalar_and_stay_in_range() {
        let samples = [
            0u128,
            1,
            u128::MAX,
            u128::MAX >> 1,
            1 << 127,
            0x8080_8080 << 90,
        ];
        for w in 4..=12 {
            let count = digit_count(w);
            let half = 1i64 << (w - 1);
            let mut x = 0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835_u128;
            for s in samples.into_iter().chain((0..200).map(|_| {
                x = x.wrapping_mul(0x2545_f491_4f6c_dd1d).rotate_left(17) ^ 0x5bd1_e995;
                x
            })) {
                let ds: Vec<i16> = digits(s, w, count).collect();
                assert!(
                    ds.iter().all(|&d| i64::from(d).abs() <= half),
                    "{s:x} w={w}"
                );
                // Σ d_k 2^(wk), in 256-bit arithmetic as (high, low) halves.
                let mut sum = (0i128, 0u128);
                for &d in ds.iter().rev() {
                    for _ in 0..w {
                        sum = (sum.0 << 1 | (sum.1 >> 127) as i128, sum.1 << 1);
                    }
                    let (low, over) = sum.1.overflowing_add_signed(i128::from(d));
                    sum = (sum.0 + i128::from(over) * if d < 0 { -1 } else { 1 }, low);
                }
                assert_eq!(sum, (0, s), "{s:x} w={w}");
            }
        }
    }
}
