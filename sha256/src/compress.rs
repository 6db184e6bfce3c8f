//! SHA-256's compression function (FIPS 180-4, section 6.2.2) on four
//! blocks of four messages at once.

use crate::lanes::Word4;

/// The round constants: the first 32 bits of the fractional parts of the
/// cube roots of the first 64 primes.
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// The initial state: the first 32 bits of the fractional parts of the
/// square roots of the first 8 primes.
pub const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// Compresses one block per lane into `state`; `w` holds the blocks'
/// words (and is used up as the message schedule). Not inlined: one copy,
/// which V8 compiles as one function of straight-line vector code.
#[inline(never)]
pub fn compress4(state: &mut [Word4; 8], w: &mut [Word4; 16]) {
    let mut v = *state;
    // One copy of eight rounds, eight times: the next sixteen schedule
    // words are due every other time.
    for eighth in 0..8 {
        if eighth >= 2 && eighth % 2 == 0 {
            schedule(w);
        }
        eight_rounds(&mut v, w, 8 * eighth);
    }
    for (s, x) in state.iter_mut().zip(v) {
        *s = s.add(x);
    }
}

/// The next sixteen words of the schedule, in place: W[t] from W[t-16],
/// W[t-15], W[t-7] and W[t-2], all within the last sixteen.
#[inline(always)]
fn schedule(w: &mut [Word4; 16]) {
    for t in 0..16 {
        let w15 = w[(t + 1) % 16];
        let w2 = w[(t + 14) % 16];
        let s0 = w15.rotr(7).xor(w15.rotr(18)).xor(w15.shr(3));
        let s1 = w2.rotr(17).xor(w2.rotr(19)).xor(w2.shr(10));
        w[t] = w[t].add(s0).add(w[(t + 9) % 16]).add(s1);
    }
}

/// Rounds `from` to `from + 7`, with schedule words `from % 16` onwards.
/// Each round's new `a` and `e` are written where `h` and `d` were, and the
/// names move round by round, so after eight rounds every variable holds
/// its letter again.
#[inline(always)]
fn eight_rounds(v: &mut [Word4; 8], w: &[Word4; 16], from: usize) {
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *v;
    macro_rules! round {
        ($a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $g:ident, $h:ident, $i:expr) => {
            let t = from + $i;
            let s1 = $e.rotr(6).xor($e.rotr(11)).xor($e.rotr(25));
            let ch = Word4::select($e, $f, $g);
            let t1 = $h.add(s1).add(ch).add(w[t % 16].add(Word4::splat(K[t])));
            let s0 = $a.rotr(2).xor($a.rotr(13)).xor($a.rotr(22));
            // Where a and b agree, the majority is theirs; elsewhere c's.
            let maj = Word4::select($a.xor($b), $c, $a);
            $d = $d.add(t1);
            $h = t1.add(s0.add(maj));
        };
    }
    round!(a, b, c, d, e, f, g, h, 0);
    round!(h, a, b, c, d, e, f, g, 1);
    round!(g, h, a, b, c, d, e, f, 2);
    round!(f, g, h, a, b, c, d, e, 3);
    round!(e, f, g, h, a, b, c, d, 4);
    round!(d, e, f, g, h, a, b, c, 5);
    round!(c, d, e, f, g, h, a, b, 6);
    round!(b, c, d, e, f, g, h, a, 7);
    *v = [a, b, c, d, e, f, g, h];
}
