//! Compressed points decoded two at a time, exactly as curve25519-dalek's
//! `CompressedEdwardsY::decompress` decodes them: y from the low 255 bits
//! (a y of p or more is taken mod p), x the square root of
//! (y^2 - 1) / (d y^2 + 1) whose parity is the top bit (so a zero x with
//! the top bit set is accepted as zero). Nothing here is secret, so nothing
//! needs constant time.

use crate::field::{Fe, Field2};

/// The affine coordinates of two points, or None where the bytes are not a
/// point (no square root).
#[inline(never)]
pub fn decode_pair(a: &[u8; 32], b: &[u8; 32]) -> [Option<(Fe, Fe)>; 2] {
    let y = Field2::new(&Fe::from_bytes(a), &Fe::from_bytes(b));
    let one = Field2::splat(&Fe::ONE);
    let yy = y.square();
    let u = yy - one;
    let v = yy * Field2::splat(&Fe::D) + one;
    let (is_square, x) = sqrt_ratio_i(u, v);
    let negate = [a[31] >> 7 == 1, b[31] >> 7 == 1];
    let x = x.pick(&-x, negate);
    let [x0, x1] = x.lanes();
    let [y0, y1] = y.lanes();
    [
        is_square[0].then_some((x0, y0)),
        is_square[1].then_some((x1, y1)),
    ]
}

/// Per lane, (whether u/v is a square, its non-negative square root); when
/// it is not a square, the root of i*u/v, as curve25519-dalek returns it.
fn sqrt_ratio_i(u: Field2, v: Field2) -> ([bool; 2], Field2) {
    let v3 = v.square() * v;
    let v7 = v3.square() * v;
    let r = (u * v3) * (u * v7).pow_p58();
    let check = (v * r.square()).lanes().map(|c| c.to_bytes());
    let u_bytes = u.lanes().map(|u| u.to_bytes());
    let minus_u = (-u).lanes().map(|u| u.to_bytes());
    let minus_u_i = (-u * Field2::splat(&Fe::SQRT_M1))
        .lanes()
        .map(|u| u.to_bytes());
    let correct = [0, 1].map(|lane| check[lane] == u_bytes[lane]);
    let flipped = [0, 1].map(|lane| check[lane] == minus_u[lane]);
    let flipped_i = [0, 1].map(|lane| check[lane] == minus_u_i[lane]);
    let r = r.pick(
        &(r * Field2::splat(&Fe::SQRT_M1)),
        [0, 1].map(|lane| flipped[lane] || flipped_i[lane]),
    );
    let r = r.pick(&-r, r.lanes().map(|r| r.is_negative()));
    let was_square = [0, 1].map(|lane| correct[lane] || flipped[lane]);
    (was_square, r)
}
