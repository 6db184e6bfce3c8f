//! Every answer compared with curve25519-dalek's. These run natively (two
//! integer lanes) and in headless Chromium (SIMD128 lanes; scripts/test).

use super::*;
use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use curve25519_dalek::Scalar;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// splitmix64: the same inputs on every run and every target.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn bytes(&mut self) -> [u8; 32] {
        let mut out = [0; 32];
        for chunk in out.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        out
    }

    fn scalar(&mut self) -> Scalar {
        Scalar::from_bytes_mod_order(self.bytes())
    }

    /// A point of the whole group: a multiple of B plus a small-order part.
    fn point(&mut self) -> EdwardsPoint {
        ED25519_BASEPOINT_POINT * self.scalar() + EIGHT_TORSION[(self.next() % 8) as usize]
    }
}

/// p = 2^255 - 19, little-endian.
const P: [u8; 32] = {
    let mut p = [0xff; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    p
};

/// Encodings that stress the decoder: non-canonical y (y + p for small y),
/// y = 1 and y = p - 1 (x = 0) with and without the sign bit, all ones,
/// zero, the small-order points.
fn edge_encodings() -> Vec<[u8; 32]> {
    let mut out = vec![[0; 32], [0xff; 32], P];
    for small in 0u8..=18 {
        let mut y = P;
        y[0] = y[0].wrapping_add(small);
        out.push(y);
        y[31] |= 0x80;
        out.push(y);
        let mut y = [0; 32];
        y[0] = small;
        out.push(y);
        y[31] = 0x80;
        out.push(y);
    }
    let mut minus_one = P;
    minus_one[0] = 0xec;
    out.push(minus_one);
    minus_one[31] |= 0x80;
    out.push(minus_one);
    for t in EIGHT_TORSION {
        let bytes = t.compress().0;
        out.push(bytes);
        let mut flipped = bytes;
        flipped[31] ^= 0x80;
        out.push(flipped);
    }
    out
}

/// y with x's parity as the top bit.
fn encode(x: &Fe, y: &Fe) -> [u8; 32] {
    let mut bytes = y.to_bytes();
    bytes[31] |= u8::from(x.is_negative()) << 7;
    bytes
}

#[test]
fn points_decode_as_dalek_decodes_them() {
    let mut rng = Rng(1);
    let mut inputs = edge_encodings();
    for _ in 0..200 {
        inputs.push(rng.bytes());
        inputs.push(rng.point().compress().0);
    }
    let mut decoded = 0;
    for pair in inputs.chunks(2) {
        let (a, b) = both(pair);
        let ours = decode::decode_pair(a, b);
        for (bytes, ours) in pair.iter().zip(ours) {
            let theirs = CompressedEdwardsY(*bytes).decompress();
            assert_eq!(
                ours.map(|(x, y)| encode(&x, &y)),
                theirs.map(|p| p.compress().0),
                "{bytes:02x?}"
            );
            decoded += usize::from(ours.is_some());
        }
    }
    // Both outcomes were exercised.
    assert!(
        decoded > 250 && decoded < inputs.len(),
        "{decoded} of {}",
        inputs.len()
    );
}

#[test]
fn field_bytes_round_trip_and_reduce_mod_p() {
    let mut rng = Rng(2);
    for _ in 0..100 {
        let mut bytes = rng.bytes();
        bytes[31] &= 0x7f;
        let canonical = Fe::from_bytes(&bytes).to_bytes();
        // Below p (all but a 2^-250 fraction of random values) it round-trips.
        assert_eq!(canonical, bytes);
    }
    for small in 0u8..19 {
        let mut y = P;
        y[0] = y[0].wrapping_add(small);
        let mut expected = [0; 32];
        expected[0] = small;
        assert_eq!(Fe::from_bytes(&y).to_bytes(), expected, "p + {small}");
    }
}

#[test]
fn field_arithmetic_obeys_the_field_laws() {
    let mut rng = Rng(3);
    let fe = |rng: &mut Rng| {
        let mut bytes = rng.bytes();
        bytes[31] &= 0x7f;
        Fe::from_bytes(&bytes)
    };
    let one = Field2::splat(&Fe::ONE);
    for _ in 0..50 {
        let a = Field2::new(&fe(&mut rng), &fe(&mut rng));
        let b = Field2::new(&fe(&mut rng), &fe(&mut rng));
        let c = Field2::new(&fe(&mut rng), &fe(&mut rng));
        let same = |x: Field2, y: Field2| {
            assert_eq!(
                x.lanes().map(|f| f.to_bytes()),
                y.lanes().map(|f| f.to_bytes())
            );
        };
        same(a * b, b * a);
        same((a + b) * c, a * c + b * c);
        same((a - b) * c, a * c - b * c);
        same(a.square(), a * a);
        same(a.square2(), a * a + a * a);
        let copy = a;
        same(a - copy, Field2::splat(&Fe::ZERO));
        same(-a + copy, Field2::splat(&Fe::ZERO));
        same(a * a.invert(), one);
        same(Field2::splat(&Fe::SQRT_M1).square(), -one);
    }
}

/// Terms from points and scalars, with dalek's verdict on their sum.
fn terms_and_verdict(points: &[EdwardsPoint], scalars: &[Scalar]) -> (Vec<Term>, bool) {
    let terms = points
        .iter()
        .zip(scalars)
        .map(|(p, s)| Term {
            point: p.compress().0,
            scalar: s.to_bytes(),
        })
        .collect();
    let sum = EdwardsPoint::vartime_multiscalar_mul(scalars, points);
    (terms, sum.is_identity())
}

/// Each sum, and the same sum with its negation added (the identity), as
/// dalek judges them: whether it is the identity, and whether it is of
/// small order; then the closed sum plus a point of order 8, 4 and 2, of
/// small order but not the identity.
fn check_sums(points: &[EdwardsPoint], scalars: &[Scalar]) {
    let (terms, verdict) = terms_and_verdict(points, scalars);
    assert_eq!(
        sum_is_identity(&terms),
        Ok(verdict),
        "{} terms",
        terms.len()
    );
    let sum = EdwardsPoint::vartime_multiscalar_mul(scalars, points);
    assert_eq!(
        sum_is_small_order(&terms),
        Ok(sum.is_small_order()),
        "{} terms, small order",
        terms.len()
    );

    let mut closed = terms.clone();
    closed.push(Term {
        point: (-sum).compress().0,
        scalar: Scalar::ONE.to_bytes(),
    });
    assert_eq!(
        sum_is_identity(&closed),
        Ok(true),
        "{} terms, closed",
        closed.len()
    );
    assert_eq!(sum_is_small_order(&closed), Ok(true));
    for t in [1, 2, 4] {
        let mut torsion = closed.clone();
        torsion.push(Term {
            point: EIGHT_TORSION[t].compress().0,
            scalar: Scalar::ONE.to_bytes(),
        });
        assert_eq!(sum_is_identity(&torsion), Ok(false), "plus T{t}");
        assert_eq!(sum_is_small_order(&torsion), Ok(true), "plus T{t}");
    }
}

#[test]
fn sums_with_short_scalars_match_dalek() {
    let mut rng = Rng(4);
    for n in [1, 2, 3, 7, 64, 301] {
        let points: Vec<EdwardsPoint> = (0..n).map(|_| rng.point()).collect();
        let scalars: Vec<Scalar> = (0..n)
            .map(|_| Scalar::from(u128::from(rng.next()) << 64 | u128::from(rng.next())))
            .collect();
        check_sums(&points, &scalars);
    }
}

#[test]
fn sums_with_full_scalars_and_small_order_points_match_dalek() {
    let mut rng = Rng(5);
    for n in [1, 2, 5, 40] {
        let points: Vec<EdwardsPoint> = (0..n).map(|_| rng.point()).collect();
        let mut scalars: Vec<Scalar> = (0..n).map(|_| rng.scalar()).collect();
        scalars[0] = -Scalar::ONE;
        check_sums(&points, &scalars);
        // Small-order points alone, with scalars that do and do not kill them.
        let torsion: Vec<EdwardsPoint> = (0..n).map(|i| EIGHT_TORSION[i % 8]).collect();
        let eights: Vec<Scalar> = (0..n).map(|i| Scalar::from(8 * (i as u64 + 1))).collect();
        check_sums(&torsion, &eights);
        check_sums(&torsion, &scalars);
    }
}

#[test]
fn a_batch_equation_holds_and_a_forged_term_breaks_it() {
    // Σ z_i (s_i B - R_i - h_i A) = 0 for honest R_i = r_i B and
    // s_i = r_i + h_i a, the shape of ecloud-core's batch equation.
    let mut rng = Rng(6);
    let a = rng.scalar();
    let key = ED25519_BASEPOINT_POINT * a;
    let mut points = vec![ED25519_BASEPOINT_POINT, key];
    let mut scalars = vec![Scalar::ZERO, Scalar::ZERO];
    for _ in 0..100 {
        let (r, h) = (rng.scalar(), rng.scalar());
        let z = Scalar::from(u128::from(rng.next()) << 64 | u128::from(rng.next()));
        scalars[0] += z * (r + h * a);
        scalars[1] -= z * h;
        points.push(ED25519_BASEPOINT_POINT * r);
        scalars.push(-z);
    }
    let (terms, verdict) = terms_and_verdict(&points, &scalars);
    assert!(verdict);
    assert_eq!(sum_is_identity(&terms), Ok(true));
    let mut forged = terms;
    forged[0].scalar = (scalars[0] + Scalar::ONE).to_bytes();
    assert_eq!(sum_is_identity(&forged), Ok(false));
}

#[test]
fn bytes_that_are_no_point_are_named() {
    let mut rng = Rng(7);
    let good = rng.point().compress().0;
    let bad = (0..)
        .map(|_| rng.bytes())
        .find(|b| CompressedEdwardsY(*b).decompress().is_none())
        .expect("half of all byte strings are no point");
    let term = |point| Term {
        point,
        scalar: Scalar::ONE.to_bytes(),
    };
    assert_eq!(sum_is_identity(&[]), Ok(true));
    assert_eq!(sum_is_identity(&[term(bad)]), Err(NotAPoint(0)));
    assert_eq!(
        sum_is_identity(&[term(good), term(good), term(good), term(bad)]),
        Err(NotAPoint(3))
    );
}

/// The non-canonical encodings of points, in the order of the ZIP 215 test
/// vectors' generator (ed25519-consensus, tests/util/mod.rs,
/// `non_canonical_point_encodings`): y = 1 and y = p - 1 with the sign bit
/// set (x = 0, which has no sign), then y + p for each y below 19 that is a
/// point's, without and with the sign bit. The first six are of small order.
/// There are 26 (2 + 2 x 12 such y); the generator's comment says 25, but
/// it builds the same 26.
fn non_canonical_point_encodings() -> Vec<[u8; 32]> {
    let mut y1_signed = [0; 32];
    y1_signed[0] = 1;
    y1_signed[31] = 0x80;
    let mut minus_one_signed = [0xff; 32];
    minus_one_signed[0] = 0xec;
    let mut out = vec![y1_signed, minus_one_signed];
    for small in 0u8..19 {
        let mut y = P;
        y[0] += small;
        for sign in [0, 0x80] {
            y[31] = 0x7f | sign;
            if CompressedEdwardsY(y).decompress().is_some() {
                out.push(y);
            }
        }
    }
    out
}

#[test]
fn non_canonical_encodings_decode_as_zip_215_reads_them() {
    // ZIP 215: A and R may be any encoding of a point, y unreduced mod p;
    // its test vectors accept x = 0 with the sign bit set too, as dalek's
    // `decompress` does. Each encoding decodes, here and in dalek, to the
    // point its y mod p and sign give, which is not these bytes again.
    let encodings = non_canonical_point_encodings();
    assert_eq!(encodings.len(), 26);
    for pair in encodings.chunks(2) {
        let (a, b) = both(pair);
        for (bytes, ours) in pair.iter().zip(decode::decode_pair(a, b)) {
            let theirs = CompressedEdwardsY(*bytes).decompress().expect("a point");
            let ours = ours.expect("a point here too");
            assert_eq!(encode(&ours.0, &ours.1), theirs.compress().0);
            assert_ne!(theirs.compress().0, *bytes, "{bytes:02x?} is non-canonical");
        }
    }
    // Alone, with scalar 1: of small order exactly for the first six, and
    // the identity only for y = 1 (first, and y = p + 1 twice).
    let one = |point| {
        [Term {
            point,
            scalar: Scalar::ONE.to_bytes(),
        }]
    };
    let small: Vec<bool> = encodings
        .iter()
        .map(|&e| sum_is_small_order(&one(e)).unwrap())
        .collect();
    assert_eq!(small.iter().filter(|&&s| s).count(), 6);
    assert!(small[..6].iter().all(|&s| s));
    for &e in &encodings {
        let point = CompressedEdwardsY(e).decompress().unwrap();
        assert_eq!(
            sum_is_identity(&one(e)),
            Ok(point.is_identity()),
            "{e:02x?}"
        );
        assert_eq!(sum_is_small_order(&one(e)), Ok(point.is_small_order()));
    }
    // The eight points of small order, canonically encoded.
    for t in EIGHT_TORSION {
        assert_eq!(sum_is_small_order(&one(t.compress().0)), Ok(true));
        assert_eq!(sum_is_identity(&one(t.compress().0)), Ok(t.is_identity()));
    }
}

#[test]
fn a_small_order_part_of_any_term_leaves_the_cofactored_verdict_alone() {
    // A batch-shaped sum that holds, with T added to one R_i (written
    // non-canonically where it can be): of small order still, not the
    // identity; and with a real error, neither.
    let mut rng = Rng(8);
    let n = 9;
    let points: Vec<EdwardsPoint> = (0..n)
        .map(|_| ED25519_BASEPOINT_POINT * rng.scalar())
        .collect();
    let scalars: Vec<Scalar> = (0..n)
        .map(|_| Scalar::from(u128::from(rng.next())))
        .collect();
    let sum = EdwardsPoint::vartime_multiscalar_mul(&scalars, &points);
    let mut terms: Vec<Term> = points
        .iter()
        .zip(&scalars)
        .map(|(p, s)| Term {
            point: p.compress().0,
            scalar: s.to_bytes(),
        })
        .collect();
    terms.push(Term {
        point: (-sum).compress().0,
        scalar: Scalar::ONE.to_bytes(),
    });
    for (i, t) in non_canonical_point_encodings()[..6].iter().enumerate() {
        let mut with_t = terms.clone();
        with_t.push(Term {
            point: *t,
            scalar: Scalar::from(u128::from(rng.next())).to_bytes(),
        });
        assert_eq!(sum_is_small_order(&with_t), Ok(true), "T {i}");
        let mut broken = with_t.clone();
        broken[0].scalar = (scalars[0] + Scalar::ONE).to_bytes();
        assert_eq!(sum_is_small_order(&broken), Ok(false), "T {i}, broken");
        assert_eq!(sum_is_identity(&broken), Ok(false), "T {i}, broken");
    }
}
