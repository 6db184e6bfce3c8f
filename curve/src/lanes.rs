//! Two lanes of field-element limbs. In the page each value is one wasm
//! SIMD128 register, and one `extmul` multiplies both lanes' limbs at once;
//! elsewhere (native tests, benchmarks) it is a pair of integers, so the same
//! arithmetic above this module runs, and is checked against
//! curve25519-dalek, natively.

/// `limbs`, read so the compiler cannot narrow the loads. Multiplication
/// reads its operands through this: from a plain load LLVM makes a
/// zero-extending 64-bit load and an `i64x2.mul`, which V8 expands to about
/// ten instructions, where `extmul` is three; a multiplication took 3x as long.
#[inline(always)]
pub fn opaque(limbs: &[Limbs; 10]) -> [Limbs; 10] {
    // SAFETY: a plain read of a valid, aligned reference.
    unsafe { std::ptr::read_volatile(limbs) }
}

/// Two 32-bit limbs, one per lane.
#[derive(Clone, Copy)]
pub struct Limbs(imp::Limbs);

/// Two 64-bit sums of limb products, one per lane.
#[derive(Clone, Copy)]
pub struct Wide(imp::Wide);

impl Limbs {
    #[inline(always)]
    pub fn new(a: u32, b: u32) -> Limbs {
        Limbs(imp::limbs(a, b))
    }

    #[inline(always)]
    pub fn lanes(self) -> [u32; 2] {
        imp::limb_lanes(self.0)
    }

    /// Lane-wise sum; limbs keep headroom, so nothing carries.
    #[inline(always)]
    pub fn add(self, other: Limbs) -> Limbs {
        Limbs(imp::add32(self.0, other.0))
    }

    /// Lane-wise difference; callers add a multiple of p first.
    #[inline(always)]
    pub fn sub(self, other: Limbs) -> Limbs {
        Limbs(imp::sub32(self.0, other.0))
    }

    #[inline(always)]
    pub fn double(self) -> Limbs {
        Limbs(imp::shl32(self.0, 1))
    }

    #[inline(always)]
    pub fn times19(self) -> Limbs {
        Limbs(imp::times19_32(self.0))
    }

    /// The two lanes' 64-bit products.
    #[inline(always)]
    pub fn mul(self, other: Limbs) -> Wide {
        Wide(imp::mul(self.0, other.0))
    }

    #[inline(always)]
    pub fn widen(self) -> Wide {
        Wide(imp::widen(self.0))
    }
}

impl Wide {
    #[inline(always)]
    pub fn add(self, other: Wide) -> Wide {
        Wide(imp::add64(self.0, other.0))
    }

    #[inline(always)]
    pub fn double(self) -> Wide {
        Wide(imp::add64(self.0, self.0))
    }

    #[inline(always)]
    pub fn shr(self, bits: u32) -> Wide {
        Wide(imp::shr64(self.0, bits))
    }

    #[inline(always)]
    pub fn low_bits(self, bits: u32) -> Wide {
        Wide(imp::and64(self.0, (1 << bits) - 1))
    }

    /// 19 times each lane, from shifts and adds (LLVM turns them into one
    /// `i64x2.mul`, once per reduction, which is cheap there).
    #[inline(always)]
    pub fn times19(self) -> Wide {
        let x = self.0;
        Wide(imp::add64(
            imp::add64(x, imp::shl64(x, 1)),
            imp::shl64(x, 4),
        ))
    }

    /// The low 32 bits of each lane (callers have carried them below 2^32).
    #[inline(always)]
    pub fn narrow(self) -> Limbs {
        Limbs(imp::narrow(self.0))
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;

    /// Lanes 0 and 1 of an i32x4 (2 and 3 unused): where `extmul_low` reads.
    pub type Limbs = v128;
    /// An i64x2.
    pub type Wide = v128;

    #[inline(always)]
    pub fn limbs(a: u32, b: u32) -> Limbs {
        u32x4(a, b, 0, 0)
    }
    #[inline(always)]
    pub fn limb_lanes(x: Limbs) -> [u32; 2] {
        [u32x4_extract_lane::<0>(x), u32x4_extract_lane::<1>(x)]
    }
    #[inline(always)]
    pub fn add32(x: Limbs, y: Limbs) -> Limbs {
        u32x4_add(x, y)
    }
    #[inline(always)]
    pub fn sub32(x: Limbs, y: Limbs) -> Limbs {
        u32x4_sub(x, y)
    }
    #[inline(always)]
    pub fn shl32(x: Limbs, bits: u32) -> Limbs {
        u32x4_shl(x, bits)
    }
    #[inline(always)]
    pub fn times19_32(x: Limbs) -> Limbs {
        u32x4_mul(x, u32x4_splat(19))
    }
    #[inline(always)]
    pub fn mul(x: Limbs, y: Limbs) -> Wide {
        u64x2_extmul_low_u32x4(x, y)
    }
    #[inline(always)]
    pub fn widen(x: Limbs) -> Wide {
        u64x2_extend_low_u32x4(x)
    }
    #[inline(always)]
    pub fn add64(x: Wide, y: Wide) -> Wide {
        u64x2_add(x, y)
    }
    #[inline(always)]
    pub fn shl64(x: Wide, bits: u32) -> Wide {
        u64x2_shl(x, bits)
    }
    #[inline(always)]
    pub fn shr64(x: Wide, bits: u32) -> Wide {
        u64x2_shr(x, bits)
    }
    #[inline(always)]
    pub fn and64(x: Wide, mask: u64) -> Wide {
        v128_and(x, u64x2_splat(mask))
    }
    #[inline(always)]
    pub fn narrow(x: Wide) -> Limbs {
        i32x4_shuffle::<0, 2, 0, 2>(x, x)
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod imp {
    pub type Limbs = [u32; 2];
    pub type Wide = [u64; 2];

    #[inline(always)]
    fn each<T: Copy, U>(x: [T; 2], f: impl Fn(T) -> U) -> [U; 2] {
        [f(x[0]), f(x[1])]
    }
    #[inline(always)]
    fn both<T: Copy, U>(x: [T; 2], y: [T; 2], f: impl Fn(T, T) -> U) -> [U; 2] {
        [f(x[0], y[0]), f(x[1], y[1])]
    }

    #[inline(always)]
    pub fn limbs(a: u32, b: u32) -> Limbs {
        [a, b]
    }
    #[inline(always)]
    pub fn limb_lanes(x: Limbs) -> [u32; 2] {
        x
    }
    #[inline(always)]
    pub fn add32(x: Limbs, y: Limbs) -> Limbs {
        both(x, y, u32::wrapping_add)
    }
    #[inline(always)]
    pub fn sub32(x: Limbs, y: Limbs) -> Limbs {
        both(x, y, u32::wrapping_sub)
    }
    #[inline(always)]
    pub fn shl32(x: Limbs, bits: u32) -> Limbs {
        each(x, |a| a << bits)
    }
    #[inline(always)]
    pub fn times19_32(x: Limbs) -> Limbs {
        each(x, |a| a.wrapping_mul(19))
    }
    #[inline(always)]
    pub fn mul(x: Limbs, y: Limbs) -> Wide {
        both(x, y, |a, b| u64::from(a) * u64::from(b))
    }
    #[inline(always)]
    pub fn widen(x: Limbs) -> Wide {
        each(x, u64::from)
    }
    #[inline(always)]
    pub fn add64(x: Wide, y: Wide) -> Wide {
        both(x, y, u64::wrapping_add)
    }
    #[inline(always)]
    pub fn shl64(x: Wide, bits: u32) -> Wide {
        each(x, |a| a << bits)
    }
    #[inline(always)]
    pub fn shr64(x: Wide, bits: u32) -> Wide {
        each(x, |a| a >> bits)
    }
    #[inline(always)]
    pub fn and64(x: Wide, mask: u64) -> Wide {
        each(x, |a| a & mask)
    }
    #[inline(always)]
    pub fn narrow(x: Wide) -> Limbs {
        each(x, |a| a as u32)
    }
}
