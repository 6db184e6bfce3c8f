//! Curve25519 arithmetic for one question, fast in the page: is a sum of
//! points, each times a scalar, of small order, [8] times it the identity?
//! That is the whole of Ed25519 batch verification by ZIP 215's cofactored
//! rule once the scalars are known (ecloud-core's `verify_batch_merged`).
//! (Whether the sum is the identity itself, the cofactorless question, is
//! answered too.)
//!
//! curve25519-dalek answers it natively with its AVX2 backend; compiled to
//! wasm it has only 32-bit scalar code, and the answer took 2.3x as long as
//! natively. Here the same field arithmetic (dalek's 32-bit backend: ten
//! limbs, the same formulas and bounds) runs two field elements per wasm
//! SIMD128 register, and the work is arranged so both lanes are always
//! busy: points decoded in pairs, and a Pippenger multiscalar
//! multiplication that works on two windows at once, one per lane.
//!
//! Verification only: everything here is public, so nothing is constant
//! time. Off wasm (tests, benchmarks) the lanes are plain integer pairs, and
//! the tests compare every result with curve25519-dalek's.

mod decode;
mod field;
mod lanes;
mod msm;
mod point;

use field::{Fe, Field2};
use point::{Affine, Affine2, Point2};

/// A term of the sum: a compressed Edwards point and its scalar, both 32
/// bytes little-endian (the scalar taken as an integer, not reduced).
#[derive(Clone, Copy, Debug)]
pub struct Term {
    pub point: [u8; 32],
    pub scalar: [u8; 32],
}

/// The term whose point bytes are not a curve point (as curve25519-dalek's
/// `decompress` judges them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotAPoint(pub usize);

/// Whether Σ scalar · point over `terms` is the identity (true for none).
pub fn sum_is_identity(terms: &[Term]) -> Result<bool, NotAPoint> {
    Ok(sum(terms)?.is_identity()[0])
}

/// Whether Σ scalar · point over `terms` is of small order (true for none):
/// whether [8] times it, three doublings, is the identity. This is the
/// batch equation of ZIP 215, which multiplies by the cofactor so that a
/// small-order part of any point changes nothing.
pub fn sum_is_small_order(terms: &[Term]) -> Result<bool, NotAPoint> {
    let total = sum(terms)?;
    Ok(total.double().double().double().is_identity()[0])
}

/// Σ scalar · point over `terms` (in both lanes), or the first term whose
/// bytes are not a point.
fn sum(terms: &[Term]) -> Result<Point2, NotAPoint> {
    let mut points = Vec::with_capacity(terms.len() + 8);
    let mut scalars = Vec::with_capacity(terms.len() + 8);
    // Points whose scalar is wider than 128 bits: s = low + 2^128 high, so
    // the term becomes two, P times low and 2^128 P times high.
    let mut wide = Vec::new();
    for (first, pair) in terms.chunks(2).enumerate() {
        let (a, b) = both(pair);
        let decoded = decode::decode_pair(&a.point, &b.point);
        let mut xy = [(Fe::ZERO, Fe::ZERO); 2];
        for lane in 0..pair.len() {
            xy[lane] = decoded[lane].ok_or(NotAPoint(2 * first + lane))?;
        }
        let affine = Affine2::from_xy(
            Field2::new(&xy[0].0, &xy[1].0),
            Field2::new(&xy[0].1, &xy[1].1),
        )
        .lanes();
        for (lane, term) in pair.iter().enumerate() {
            let (low, high) = halves(&term.scalar);
            points.push(affine[lane]);
            scalars.push(low);
            if high != 0 {
                wide.push((xy[lane], high));
            }
        }
    }
    for pair in wide.chunks(2) {
        let (a, b) = both(pair);
        let mut p = Point2::from_xy(Field2::new(&a.0 .0, &b.0 .0), Field2::new(&a.0 .1, &b.0 .1));
        for _ in 0..128 {
            p = p.double();
        }
        let shifted: [Affine; 2] = p.affine().lanes();
        for (lane, &(_, high)) in pair.iter().enumerate() {
            points.push(shifted[lane]);
            scalars.push(high);
        }
    }
    Ok(msm::sum(&points, &scalars))
}

/// The two items of a `chunks(2)` chunk, the one of a last odd chunk twice:
/// its second lane then does the same work, and the caller drops it.
fn both<T>(pair: &[T]) -> (&T, &T) {
    (&pair[0], pair.get(1).unwrap_or(&pair[0]))
}

fn halves(scalar: &[u8; 32]) -> (u128, u128) {
    let (low, high) = scalar.split_at(16);
    let half = |bytes: &[u8]| {
        bytes
            .iter()
            .rev()
            .fold(0u128, |v, &b| v << 8 | u128::from(b))
    };
    (half(low), half(high))
}

#[cfg(test)]
mod tests;
