//! Four 32-bit words, one per message. In the page a wasm SIMD128 register,
//! so one instruction does a step of SHA-256 for four messages at once;
//! elsewhere (native tests) an array, so the same rounds run, and are
//! checked against sha2, natively.

/// Word `i` of four messages' states or schedules, one message per lane.
#[derive(Clone, Copy)]
pub struct Word4(imp::V);

impl Word4 {
    #[inline(always)]
    pub fn splat(x: u32) -> Word4 {
        Word4(imp::splat(x))
    }

    #[inline(always)]
    pub fn add(self, other: Word4) -> Word4 {
        Word4(imp::add(self.0, other.0))
    }

    #[inline(always)]
    pub fn xor(self, other: Word4) -> Word4 {
        Word4(imp::xor(self.0, other.0))
    }

    #[inline(always)]
    pub fn shr(self, bits: u32) -> Word4 {
        Word4(imp::shr(self.0, bits))
    }

    /// Rotated right by `bits` (1 to 31): wasm has no vector rotation, so
    /// two shifts and an or.
    #[inline(always)]
    pub fn rotr(self, bits: u32) -> Word4 {
        Word4(imp::or(imp::shr(self.0, bits), imp::shl(self.0, 32 - bits)))
    }

    /// `if_set` where `mask` has a 1 bit, `if_clear` where it has a 0.
    #[inline(always)]
    pub fn select(mask: Word4, if_set: Word4, if_clear: Word4) -> Word4 {
        Word4(imp::bitselect(if_set.0, if_clear.0, mask.0))
    }

    /// The four lanes' words.
    #[inline(always)]
    pub fn lanes(self) -> [u32; 4] {
        imp::lanes(self.0)
    }

    /// The sixteen big-endian words of four 64-byte blocks, word `i` of
    /// block `l` in lane `l` of the `i`-th result.
    #[inline(always)]
    pub fn gather(blocks: [&[u8; 64]; 4]) -> [Word4; 16] {
        imp::gather(blocks).map(Word4)
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;

    pub type V = v128;

    #[inline(always)]
    pub fn splat(x: u32) -> V {
        u32x4_splat(x)
    }
    #[inline(always)]
    pub fn add(x: V, y: V) -> V {
        u32x4_add(x, y)
    }
    #[inline(always)]
    pub fn xor(x: V, y: V) -> V {
        v128_xor(x, y)
    }
    #[inline(always)]
    pub fn or(x: V, y: V) -> V {
        v128_or(x, y)
    }
    #[inline(always)]
    pub fn shr(x: V, bits: u32) -> V {
        u32x4_shr(x, bits)
    }
    #[inline(always)]
    pub fn shl(x: V, bits: u32) -> V {
        u32x4_shl(x, bits)
    }
    #[inline(always)]
    pub fn bitselect(if_set: V, if_clear: V, mask: V) -> V {
        v128_bitselect(if_set, if_clear, mask)
    }
    #[inline(always)]
    pub fn lanes(x: V) -> [u32; 4] {
        let mut out = [0; 4];
        // SAFETY: 16 writable bytes; wasm stores need no alignment.
        unsafe { v128_store(out.as_mut_ptr().cast(), x) };
        out
    }

    /// Each block's words byte-swapped, then each 4 x 4 square of words
    /// (four words of the four blocks) transposed.
    #[inline(always)]
    pub fn gather(blocks: [&[u8; 64]; 4]) -> [V; 16] {
        let mut w = [u32x4_splat(0); 16];
        for quarter in 0..4 {
            let rows = blocks.map(|block| {
                // SAFETY: 16 bytes at 16 * quarter of a 64-byte block; wasm
                // loads need no alignment.
                let row = unsafe { v128_load(block.as_ptr().add(16 * quarter).cast()) };
                i8x16_shuffle::<3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12>(row, row)
            });
            let low01 = i32x4_shuffle::<0, 4, 1, 5>(rows[0], rows[1]);
            let high01 = i32x4_shuffle::<2, 6, 3, 7>(rows[0], rows[1]);
            let low23 = i32x4_shuffle::<0, 4, 1, 5>(rows[2], rows[3]);
            let high23 = i32x4_shuffle::<2, 6, 3, 7>(rows[2], rows[3]);
            w[4 * quarter] = i32x4_shuffle::<0, 1, 4, 5>(low01, low23);
            w[4 * quarter + 1] = i32x4_shuffle::<2, 3, 6, 7>(low01, low23);
            w[4 * quarter + 2] = i32x4_shuffle::<0, 1, 4, 5>(high01, high23);
            w[4 * quarter + 3] = i32x4_shuffle::<2, 3, 6, 7>(high01, high23);
        }
        w
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod imp {
    pub type V = [u32; 4];

    #[inline(always)]
    fn both(x: V, y: V, f: impl Fn(u32, u32) -> u32) -> V {
        [f(x[0], y[0]), f(x[1], y[1]), f(x[2], y[2]), f(x[3], y[3])]
    }

    #[inline(always)]
    pub fn splat(x: u32) -> V {
        [x; 4]
    }
    #[inline(always)]
    pub fn add(x: V, y: V) -> V {
        both(x, y, u32::wrapping_add)
    }
    #[inline(always)]
    pub fn xor(x: V, y: V) -> V {
        both(x, y, |a, b| a ^ b)
    }
    #[inline(always)]
    pub fn or(x: V, y: V) -> V {
        both(x, y, |a, b| a | b)
    }
    #[inline(always)]
    pub fn shr(x: V, bits: u32) -> V {
        x.map(|a| a >> bits)
    }
    #[inline(always)]
    pub fn shl(x: V, bits: u32) -> V {
        x.map(|a| a << bits)
    }
    #[inline(always)]
    pub fn bitselect(if_set: V, if_clear: V, mask: V) -> V {
        let set = both(if_set, mask, |a, m| a & m);
        let clear = both(if_clear, mask, |a, m| a & !m);
        or(set, clear)
    }
    #[inline(always)]
    pub fn lanes(x: V) -> [u32; 4] {
        x
    }
    #[inline(always)]
    pub fn gather(blocks: [&[u8; 64]; 4]) -> [V; 16] {
        core::array::from_fn(|i| {
            blocks.map(|block| {
                u32::from_be_bytes([
                    block[4 * i],
                    block[4 * i + 1],
                    block[4 * i + 2],
                    block[4 * i + 3],
                ])
            })
        })
    }
}
