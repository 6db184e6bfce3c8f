//! GF(2^255 - 19) in ten limbs of 26 and 25 bits (radix 2^25.5), the
//! representation of curve25519-dalek's 32-bit backend, whose formulas and
//! limb bounds this follows line for line. [`Fe`] is one element at rest;
//! [`Field2`] is two elements in lanes, where all the arithmetic happens.

use crate::lanes::{Limbs, Wide};
use std::ops::{Add, Mul, Neg, Sub};

/// `[f(0), f(1), ..., f(9)]`, written out: `std::array::from_fn` is a loop
/// the compiler may leave rolled, and a loop over SIMD values keeps them in
/// memory.
macro_rules! limbwise {
    (|$i:ident| $e:expr) => {
        [
            {
                let $i = 0;
                $e
            },
            {
                let $i = 1;
                $e
            },
            {
                let $i = 2;
                $e
            },
            {
                let $i = 3;
                $e
            },
            {
                let $i = 4;
                $e
            },
            {
                let $i = 5;
                $e
            },
            {
                let $i = 6;
                $e
            },
            {
                let $i = 7;
                $e
            },
            {
                let $i = 8;
                $e
            },
            {
                let $i = 9;
                $e
            },
        ]
    };
}

/// One field element's limbs, as stored between operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fe(pub [u32; 10]);

/// Two field elements, one per lane.
#[derive(Clone, Copy)]
pub struct Field2([Limbs; 10]);

const LOW_25: u32 = (1 << 25) - 1;
const LOW_26: u32 = (1 << 26) - 1;

/// 16p, limb by limb: added before a subtraction so no limb goes negative.
const SIXTEEN_P: [u32; 10] = {
    let mut p = [0x3ffffff << 4; 10];
    let mut i = 1;
    while i < 10 {
        p[i] = 0x1ffffff << 4;
        i += 2;
    }
    p[0] = 0x3ffffed << 4;
    p
};

impl Fe {
    pub const ZERO: Fe = Fe([0; 10]);
    pub const ONE: Fe = Fe([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    /// The curve's d = -121665/121666.
    pub const D: Fe = Fe([
        56195235, 13857412, 51736253, 6949390, 114729, 24766616, 60832955, 30306712, 48412415,
        21499315,
    ]);
    /// 2d.
    pub const D2: Fe = Fe([
        45281625, 27714825, 36363642, 13898781, 229458, 15978800, 54557047, 27058993, 29715967,
        9444199,
    ]);
    /// A square root of -1.
    pub const SQRT_M1: Fe = Fe([
        34513072, 25610706, 9377949, 3500415, 12389472, 33281959, 41962654, 31548777, 326685,
        11406482,
    ]);

    /// The low 255 bits of `bytes`, little-endian; the top bit is ignored
    /// and a value of p or more is taken mod p, as curve25519-dalek does.
    pub fn from_bytes(bytes: &[u8; 32]) -> Fe {
        let load =
            |at: usize, n: usize| (0..n).fold(0u64, |v, k| v | u64::from(bytes[at + k]) << (8 * k));
        let h = [
            load(0, 4),
            load(4, 3) << 6,
            load(7, 3) << 5,
            load(10, 3) << 3,
            load(13, 3) << 2,
            load(16, 4),
            load(20, 3) << 7,
            load(23, 3) << 5,
            load(26, 3) << 4,
            (load(29, 3) & ((1 << 23) - 1)) << 2,
        ];
        let mut z = [0u64; 10];
        z.copy_from_slice(&h);
        Fe(reduce_scalar(z))
    }

    /// The canonical encoding: the value reduced below p, little-endian.
    pub fn to_bytes(self) -> [u8; 32] {
        let mut h = reduce_scalar(self.0.map(u64::from));
        // h < 2p; q = 1 exactly when h >= p, that is when h + 19 >= 2^255.
        let mut q = (h[0] + 19) >> 26;
        for (i, &limb) in h.iter().enumerate().skip(1) {
            q = (limb + q) >> if i.is_multiple_of(2) { 26 } else { 25 };
        }
        h[0] += 19 * q;
        for i in 0..9_usize {
            let (bits, mask) = if i.is_multiple_of(2) {
                (26, LOW_26)
            } else {
                (25, LOW_25)
            };
            h[i + 1] += h[i] >> bits;
            h[i] &= mask;
        }
        // Dropping the carry out of the top limb subtracts q * 2^255.
        h[9] &= LOW_25;
        let mut bytes = [0u8; 32];
        let mut acc = 0u64;
        let mut filled = 0;
        let mut out = 0;
        for (i, &limb) in h.iter().enumerate() {
            acc |= u64::from(limb) << filled;
            filled += if i.is_multiple_of(2) { 26 } else { 25 };
            while filled >= 8 {
                bytes[out] = acc as u8;
                out += 1;
                acc >>= 8;
                filled -= 8;
            }
        }
        bytes[out] = acc as u8;
        bytes
    }

    /// Whether the canonical value is odd: the "sign" of an x coordinate.
    pub fn is_negative(&self) -> bool {
        self.to_bytes()[0] & 1 == 1
    }

    pub fn is_zero(&self) -> bool {
        self.to_bytes() == [0; 32]
    }
}

/// Carries arbitrary 64-bit limbs into limbs of 26 and 25 bits (plus a
/// little), folding the carry out of the top limb back in times 19.
fn reduce_scalar(mut z: [u64; 10]) -> [u32; 10] {
    fn carry(z: &mut [u64; 10], i: usize) {
        let bits = if i.is_multiple_of(2) { 26 } else { 25 };
        z[i + 1] += z[i] >> bits;
        z[i] &= (1 << bits) - 1;
    }
    for i in [0, 4, 1, 5, 2, 6, 3, 7, 4, 8] {
        carry(&mut z, i);
    }
    z[0] += 19 * (z[9] >> 25);
    z[9] &= u64::from(LOW_25);
    carry(&mut z, 0);
    z.map(|limb| limb as u32)
}

impl Field2 {
    #[inline(never)]
    pub fn new(a: &Fe, b: &Fe) -> Field2 {
        Field2::join(a, b)
    }

    /// [`Field2::new`], inlined: for the points' gathers, which are hot.
    #[inline(always)]
    pub fn join(a: &Fe, b: &Fe) -> Field2 {
        Field2(limbwise!(|i| Limbs::new(a.0[i], b.0[i])))
    }

    #[inline(never)]
    pub fn splat(a: &Fe) -> Field2 {
        Field2::new(a, a)
    }

    #[inline(never)]
    pub fn lanes(&self) -> [Fe; 2] {
        self.split()
    }

    /// [`Field2::lanes`], inlined: for the points' scatters, which are hot.
    #[inline(always)]
    pub fn split(&self) -> [Fe; 2] {
        let limbs: [[u32; 2]; 10] = limbwise!(|i| self.0[i].lanes());
        [
            Fe(limbwise!(|i| limbs[i][0])),
            Fe(limbwise!(|i| limbs[i][1])),
        ]
    }

    /// Lane by lane, `other` where `take` is set, else `self`.
    #[inline(never)]
    pub fn pick(&self, other: &Field2, take: [bool; 2]) -> Field2 {
        let [a0, a1] = self.lanes();
        let [b0, b1] = other.lanes();
        Field2::new(
            if take[0] { &b0 } else { &a0 },
            if take[1] { &b1 } else { &a1 },
        )
    }

    /// The same carry chain as [`reduce_scalar`], in both lanes.
    #[inline(always)]
    fn reduce(mut z: [Wide; 10]) -> Field2 {
        #[inline(always)]
        fn carry(z: &mut [Wide; 10], i: usize) {
            let bits = if i.is_multiple_of(2) { 26 } else { 25 };
            z[i + 1] = z[i + 1].add(z[i].shr(bits));
            z[i] = z[i].low_bits(bits);
        }
        carry(&mut z, 0);
        carry(&mut z, 4);
        carry(&mut z, 1);
        carry(&mut z, 5);
        carry(&mut z, 2);
        carry(&mut z, 6);
        carry(&mut z, 3);
        carry(&mut z, 7);
        carry(&mut z, 4);
        carry(&mut z, 8);
        z[0] = z[0].add(z[9].shr(25).times19());
        z[9] = z[9].low_bits(25);
        carry(&mut z, 0);
        Field2(limbwise!(|i| z[i].narrow()))
    }

    /// The square's limb sums before reduction (curve25519-dalek's
    /// `square_inner`): 55 products instead of 100.
    #[inline(always)]
    fn square_inner(&self) -> [Wide; 10] {
        let x = &self.0;
        let [x0_2, x1_2, x2_2, x3_2, x4_2, x5_2, x6_2, x7_2] = [
            x[0].double(),
            x[1].double(),
            x[2].double(),
            x[3].double(),
            x[4].double(),
            x[5].double(),
            x[6].double(),
            x[7].double(),
        ];
        let x5_19 = x[5].times19();
        let x6_19 = x[6].times19();
        let x7_19 = x[7].times19();
        let x8_19 = x[8].times19();
        let x9_19 = x[9].times19();
        let m = |a: Limbs, b: Limbs| a.mul(b);
        // Terms that need 38 = 2 * 19 are doubled after the product: 38
        // times a limb would not fit in 32 bits.
        [
            m(x[0], x[0]).add(m(x2_2, x8_19)).add(m(x4_2, x6_19)).add(
                m(x1_2, x9_19)
                    .add(m(x3_2, x7_19))
                    .add(m(x[5], x5_19))
                    .double(),
            ),
            m(x0_2, x[1])
                .add(m(x3_2, x8_19))
                .add(m(x5_2, x6_19))
                .add(m(x[2], x9_19).add(m(x[4], x7_19)).double()),
            m(x0_2, x[2])
                .add(m(x1_2, x[1]))
                .add(m(x4_2, x8_19))
                .add(m(x[6], x6_19))
                .add(m(x3_2, x9_19).add(m(x5_2, x7_19)).double()),
            m(x0_2, x[3])
                .add(m(x1_2, x[2]))
                .add(m(x5_2, x8_19))
                .add(m(x[4], x9_19).add(m(x[6], x7_19)).double()),
            m(x0_2, x[4])
                .add(m(x1_2, x3_2))
                .add(m(x[2], x[2]))
                .add(m(x6_2, x8_19))
                .add(m(x5_2, x9_19).add(m(x[7], x7_19)).double()),
            m(x0_2, x[5])
                .add(m(x1_2, x[4]))
                .add(m(x2_2, x[3]))
                .add(m(x7_2, x8_19))
                .add(m(x[6], x9_19).double()),
            m(x0_2, x[6])
                .add(m(x1_2, x5_2))
                .add(m(x2_2, x[4]))
                .add(m(x3_2, x[3]))
                .add(m(x[8], x8_19))
                .add(m(x7_2, x9_19).double()),
            m(x0_2, x[7])
                .add(m(x1_2, x[6]))
                .add(m(x2_2, x[5]))
                .add(m(x3_2, x[4]))
                .add(m(x[8], x9_19).double()),
            m(x0_2, x[8])
                .add(m(x1_2, x7_2))
                .add(m(x2_2, x[6]))
                .add(m(x3_2, x5_2))
                .add(m(x[4], x[4]))
                .add(m(x[9], x9_19).double()),
            m(x0_2, x[9])
                .add(m(x1_2, x[8]))
                .add(m(x2_2, x[7]))
                .add(m(x3_2, x[6]))
                .add(m(x4_2, x[5])),
        ]
    }

    #[inline(never)]
    pub fn square(&self) -> Field2 {
        Field2::reduce(self.square_inner())
    }

    /// 2 * self^2.
    #[inline(never)]
    pub fn square2(&self) -> Field2 {
        let z = self.square_inner();
        Field2::reduce(limbwise!(|i| z[i].double()))
    }

    /// self^(2^k), k >= 1. Not inlined: a small function with squaring
    /// inlined in its loop is what V8 compiles best.
    #[inline(never)]
    pub fn pow2k(&self, k: u32) -> Field2 {
        let mut z = *self;
        for _ in 0..k {
            z = Field2::reduce(z.square_inner());
        }
        z
    }

    /// (self^(2^250 - 1), self^11): the common start of inversion and of
    /// the square root's exponent (curve25519-dalek's `pow22501`).
    #[inline(never)]
    fn pow22501(&self) -> (Field2, Field2) {
        let t0 = self.pow2k(1);
        let t1 = t0.pow2k(2);
        let t2 = *self * t1;
        let t3 = t0 * t2;
        let t4 = t3.pow2k(1);
        let t5 = t2 * t4;
        let t6 = t5.pow2k(5);
        let t7 = t6 * t5;
        let t8 = t7.pow2k(10);
        let t9 = t8 * t7;
        let t10 = t9.pow2k(20);
        let t11 = t10 * t9;
        let t12 = t11.pow2k(10);
        let t13 = t12 * t7;
        let t14 = t13.pow2k(50);
        let t15 = t14 * t13;
        let t16 = t15.pow2k(100);
        let t17 = t16 * t15;
        let t18 = t17.pow2k(50);
        let t19 = t18 * t13;
        (t19, t3)
    }

    /// self^((p - 5) / 8), the square root's exponent.
    pub fn pow_p58(&self) -> Field2 {
        let (t19, _) = self.pow22501();
        *self * t19.pow2k(2)
    }

    /// self^(p - 2): the inverse (zero stays zero).
    pub fn invert(&self) -> Field2 {
        let (t19, t3) = self.pow22501();
        t19.pow2k(5) * t3
    }
}

impl Add for Field2 {
    type Output = Field2;
    /// Limb by limb, without carrying: the result has one more bit of
    /// headroom, which multiplication and squaring accept.
    #[inline(never)]
    fn add(self, other: Field2) -> Field2 {
        Field2(limbwise!(|i| self.0[i].add(other.0[i])))
    }
}

impl Sub for Field2 {
    type Output = Field2;
    /// (self + 16p) - other, reduced.
    #[inline(never)]
    fn sub(self, other: Field2) -> Field2 {
        Field2::reduce(limbwise!(|i| {
            let p = Limbs::new(SIXTEEN_P[i], SIXTEEN_P[i]);
            self.0[i].add(p).sub(other.0[i]).widen()
        }))
    }
}

impl Neg for Field2 {
    type Output = Field2;
    #[inline(never)]
    fn neg(self) -> Field2 {
        Field2::reduce(limbwise!(|i| {
            Limbs::new(SIXTEEN_P[i], SIXTEEN_P[i])
                .sub(self.0[i])
                .widen()
        }))
    }
}

impl Mul for Field2 {
    type Output = Field2;
    /// Schoolbook, with 2^255 = 19 folded in as it goes: odd limbs times odd
    /// limbs count twice (the radix is 2^25.5), and limbs past the top come
    /// back times 19 (curve25519-dalek's `mul`, with its bounds).
    #[inline(never)]
    fn mul(self, other: Field2) -> Field2 {
        let x = &crate::lanes::opaque(&self.0);
        let y = &crate::lanes::opaque(&other.0);
        let y19: [Limbs; 10] = limbwise!(|i| y[i].times19());
        let x2: [Limbs; 10] = limbwise!(|i| x[i].double());
        let m = |a: Limbs, b: Limbs| a.mul(b);
        // z[k] = sum over i + j = k (mod 10) of x[i] y[j], with y[j] times
        // 19 where i + j >= 10, and x[i] doubled where i and j are odd.
        // Written out: as a loop it is not unrolled, and ten times slower.
        Field2::reduce([
            m(x[0], y[0])
                .add(m(x2[1], y19[9]))
                .add(m(x[2], y19[8]))
                .add(m(x2[3], y19[7]))
                .add(m(x[4], y19[6]))
                .add(m(x2[5], y19[5]))
                .add(m(x[6], y19[4]))
                .add(m(x2[7], y19[3]))
                .add(m(x[8], y19[2]))
                .add(m(x2[9], y19[1])),
            m(x[0], y[1])
                .add(m(x[1], y[0]))
                .add(m(x[2], y19[9]))
                .add(m(x[3], y19[8]))
                .add(m(x[4], y19[7]))
                .add(m(x[5], y19[6]))
                .add(m(x[6], y19[5]))
                .add(m(x[7], y19[4]))
                .add(m(x[8], y19[3]))
                .add(m(x[9], y19[2])),
            m(x[0], y[2])
                .add(m(x2[1], y[1]))
                .add(m(x[2], y[0]))
                .add(m(x2[3], y19[9]))
                .add(m(x[4], y19[8]))
                .add(m(x2[5], y19[7]))
                .add(m(x[6], y19[6]))
                .add(m(x2[7], y19[5]))
                .add(m(x[8], y19[4]))
                .add(m(x2[9], y19[3])),
            m(x[0], y[3])
                .add(m(x[1], y[2]))
                .add(m(x[2], y[1]))
                .add(m(x[3], y[0]))
                .add(m(x[4], y19[9]))
                .add(m(x[5], y19[8]))
                .add(m(x[6], y19[7]))
                .add(m(x[7], y19[6]))
                .add(m(x[8], y19[5]))
                .add(m(x[9], y19[4])),
            m(x[0], y[4])
                .add(m(x2[1], y[3]))
                .add(m(x[2], y[2]))
                .add(m(x2[3], y[1]))
                .add(m(x[4], y[0]))
                .add(m(x2[5], y19[9]))
                .add(m(x[6], y19[8]))
                .add(m(x2[7], y19[7]))
                .add(m(x[8], y19[6]))
                .add(m(x2[9], y19[5])),
            m(x[0], y[5])
                .add(m(x[1], y[4]))
                .add(m(x[2], y[3]))
                .add(m(x[3], y[2]))
                .add(m(x[4], y[1]))
                .add(m(x[5], y[0]))
                .add(m(x[6], y19[9]))
                .add(m(x[7], y19[8]))
                .add(m(x[8], y19[7]))
                .add(m(x[9], y19[6])),
            m(x[0], y[6])
                .add(m(x2[1], y[5]))
                .add(m(x[2], y[4]))
                .add(m(x2[3], y[3]))
                .add(m(x[4], y[2]))
                .add(m(x2[5], y[1]))
                .add(m(x[6], y[0]))
                .add(m(x2[7], y19[9]))
                .add(m(x[8], y19[8]))
                .add(m(x2[9], y19[7])),
            m(x[0], y[7])
                .add(m(x[1], y[6]))
                .add(m(x[2], y[5]))
                .add(m(x[3], y[4]))
                .add(m(x[4], y[3]))
                .add(m(x[5], y[2]))
                .add(m(x[6], y[1]))
                .add(m(x[7], y[0]))
                .add(m(x[8], y19[9]))
                .add(m(x[9], y19[8])),
            m(x[0], y[8])
                .add(m(x2[1], y[7]))
                .add(m(x[2], y[6]))
                .add(m(x2[3], y[5]))
                .add(m(x[4], y[4]))
                .add(m(x2[5], y[3]))
                .add(m(x[6], y[2]))
                .add(m(x2[7], y[1]))
                .add(m(x[8], y[0]))
                .add(m(x2[9], y19[9])),
            m(x[0], y[9])
                .add(m(x[1], y[8]))
                .add(m(x[2], y[7]))
                .add(m(x[3], y[6]))
                .add(m(x[4], y[5]))
                .add(m(x[5], y[4]))
                .add(m(x[6], y[3]))
                .add(m(x[7], y[2]))
                .add(m(x[8], y[1]))
                .add(m(x[9], y[0])),
        ])
    }
}
