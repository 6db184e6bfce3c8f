//! Where members' secret keys come from.
//!
//! A run has one 32-byte master seed. Member k's key is the first 32 bytes
//! of ChaCha20 keyed by the master seed on stream k, so a member added later
//! gets a key without disturbing anyone else's. A run started from a seed
//! number takes its master seed from that number, so the same number gives
//! the same keys on any machine; otherwise the master seed comes from the
//! operating system's CSPRNG (the browser's `crypto.getRandomValues`).

use crate::crypto::SecretKey;
use crate::member::MemberId;
use rand_core::SeedableRng;
use std::cell::RefCell;

/// The ChaCha stream reserved for election draws in a seeded run; member
/// keys use streams 0 to 2^32 - 1.
pub const DRAW_STREAM: u64 = u64::MAX;

/// How a run was started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunSeed {
    /// Reproducible: the same number gives the same run.
    Number(u64),
    /// Fresh randomness from the OS.
    Random,
}

/// The secret keys of every member, derived from one master seed. Held by
/// the page (which plays every member); never written to the chain.
#[derive(Clone)]
pub struct Keyring {
    master: [u8; 32],
    seed: RunSeed,
    /// Keys already derived. Deriving one computes its public key, a
    /// scalar multiplication as costly as a signature (more so in the page,
    /// which has no precomputed tables), and every signature needs its key.
    derived: RefCell<Vec<(MemberId, SecretKey)>>,
}

/// The OS random source failed (no `crypto.getRandomValues`, for example).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntropyError(pub String);

impl std::fmt::Display for EntropyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no secure random source: {}", self.0)
    }
}

impl std::error::Error for EntropyError {}

/// 32 bytes from the OS CSPRNG.
pub fn os_random_bytes() -> Result<[u8; 32], EntropyError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| EntropyError(e.to_string()))?;
    Ok(bytes)
}

/// ChaCha20 (20 rounds, a 64-bit block counter from 0 and a 64-bit stream
/// number, as Bernstein's original): its keystream read word by word, which
/// is what rand_chacha's `ChaCha20Rng` gives (`next_u64` two words, low
/// first; `fill_bytes` words in little-endian order). Tests compare the two.
/// Written out here because rand_chacha computes four blocks at a time with
/// every round unrolled: about 4 KB of the WebAssembly page for a few keys
/// and draws.
#[derive(Clone, Debug)]
pub struct ChaCha20 {
    /// The constants, the key, the counter and the stream: words 0 to 15.
    state: [u32; 16],
    block: [u32; 16],
    /// Words of `block` already given; 16 means a new block is due.
    used: usize,
}

impl ChaCha20 {
    /// The keystream of `key` on `stream`, from its start.
    pub fn new(key: [u8; 32], stream: u64) -> ChaCha20 {
        let mut state = [0u32; 16];
        state[..4].copy_from_slice(&[0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574]);
        for (word, bytes) in state[4..12].iter_mut().zip(key.chunks_exact(4)) {
            *word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        state[14] = stream as u32;
        state[15] = (stream >> 32) as u32;
        ChaCha20 {
            state,
            block: [0; 16],
            used: 16,
        }
    }

    pub fn next_u32(&mut self) -> u32 {
        if self.used == 16 {
            self.next_block();
        }
        self.used += 1;
        self.block[self.used - 1]
    }

    pub fn next_u64(&mut self) -> u64 {
        let low = self.next_u32();
        u64::from(low) | u64::from(self.next_u32()) << 32
    }

    /// The next bytes of the keystream; a word left part-used is dropped,
    /// as rand_core's `fill_bytes` drops it.
    pub fn fill_bytes(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(4) {
            chunk.copy_from_slice(&self.next_u32().to_le_bytes()[..chunk.len()]);
        }
    }

    fn next_block(&mut self) {
        let mut x = self.state;
        for _ in 0..10 {
            for [a, b, c, d] in [
                [0, 4, 8, 12],
                [1, 5, 9, 13],
                [2, 6, 10, 14],
                [3, 7, 11, 15],
                [0, 5, 10, 15],
                [1, 6, 11, 12],
                [2, 7, 8, 13],
                [3, 4, 9, 14],
            ] {
                x[a] = x[a].wrapping_add(x[b]);
                x[d] = (x[d] ^ x[a]).rotate_left(16);
                x[c] = x[c].wrapping_add(x[d]);
                x[b] = (x[b] ^ x[c]).rotate_left(12);
                x[a] = x[a].wrapping_add(x[b]);
                x[d] = (x[d] ^ x[a]).rotate_left(8);
                x[c] = x[c].wrapping_add(x[d]);
                x[b] = (x[b] ^ x[c]).rotate_left(7);
            }
        }
        for (out, (mixed, start)) in self.block.iter_mut().zip(x.iter().zip(&self.state)) {
            *out = mixed.wrapping_add(*start);
        }
        let counter = (u64::from(self.state[12]) | u64::from(self.state[13]) << 32).wrapping_add(1);
        self.state[12] = counter as u32;
        self.state[13] = (counter >> 32) as u32;
        self.used = 0;
    }
}

/// Only for `seed_from_u64`: rand_core's expansion of a number into a seed
/// (PCG32), which a seed number's master seed has always come from.
struct MasterSeed([u8; 32]);

impl SeedableRng for MasterSeed {
    type Seed = [u8; 32];
    fn from_seed(seed: [u8; 32]) -> MasterSeed {
        MasterSeed(seed)
    }
}

impl Keyring {
    /// Keys for a reproducible run.
    pub fn from_seed_number(seed: u64) -> Keyring {
        Keyring::from_master(MasterSeed::seed_from_u64(seed).0, RunSeed::Number(seed))
    }

    /// Keys from the OS CSPRNG.
    pub fn random() -> Result<Keyring, EntropyError> {
        Ok(Keyring::from_master(os_random_bytes()?, RunSeed::Random))
    }

    /// Keys from a master seed kept from an earlier run (a reload).
    pub fn from_master(master: [u8; 32], seed: RunSeed) -> Keyring {
        Keyring {
            master,
            seed,
            derived: RefCell::default(),
        }
    }

    pub fn master(&self) -> [u8; 32] {
        self.master
    }

    pub fn seed(&self) -> RunSeed {
        self.seed
    }

    /// Member `id`'s secret key.
    pub fn key(&self, id: MemberId) -> SecretKey {
        if let Some((_, key)) = self.derived.borrow().iter().find(|(m, _)| *m == id) {
            return key.clone();
        }
        let key = self.derive(id);
        self.derived.borrow_mut().push((id, key.clone()));
        key
    }

    fn derive(&self, id: MemberId) -> SecretKey {
        let mut bytes = [0u8; 32];
        ChaCha20::new(self.master, u64::from(id.0)).fill_bytes(&mut bytes);
        SecretKey::from_bytes(bytes)
    }

    /// The generator of a seeded run's election draws.
    pub fn draw_rng(&self) -> ChaCha20 {
        ChaCha20::new(self.master, DRAW_STREAM)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_same_seed_number_gives_the_same_keys() {
        let a = Keyring::from_seed_number(42);
        let b = Keyring::from_seed_number(42);
        let c = Keyring::from_seed_number(43);
        assert_eq!(
            a.key(MemberId(1)).public_key(),
            b.key(MemberId(1)).public_key()
        );
        assert_ne!(
            a.key(MemberId(1)).public_key(),
            c.key(MemberId(1)).public_key()
        );
        assert_ne!(
            a.key(MemberId(1)).public_key(),
            a.key(MemberId(2)).public_key()
        );
    }

    #[test]
    fn a_kept_key_is_the_key_derived_afresh() {
        let ring = Keyring::from_seed_number(7);
        let ids = [
            MemberId(3),
            MemberId(0),
            MemberId(3),
            MemberId(9),
            MemberId(0),
        ];
        for id in ids {
            let kept = ring.key(id);
            let fresh = ring.derive(id);
            assert_eq!(kept.public_key(), fresh.public_key());
            let digest = crate::crypto::sha256(&[id.0 as u8]);
            assert_eq!(kept.sign(&digest), fresh.sign(&digest));
        }
        // A clone keeps answering with the same keys.
        assert_eq!(
            ring.clone().key(MemberId(9)).public_key(),
            ring.derive(MemberId(9)).public_key()
        );
    }

    /// The keystream is rand_chacha's `ChaCha20Rng`'s, read the ways the
    /// crate reads it, on many keys, streams and lengths.
    #[test]
    fn chacha20_gives_rand_chachas_stream() {
        use rand_chacha::ChaCha20Rng;
        use rand_core::RngCore;
        for (k, stream) in [0, 1, 2, 7, 255, 1 << 32, DRAW_STREAM - 1, DRAW_STREAM]
            .into_iter()
            .enumerate()
        {
            let key: [u8; 32] = std::array::from_fn(|i| (i * 31 + k * 7) as u8);
            let mut theirs = ChaCha20Rng::from_seed(key);
            theirs.set_stream(stream);
            let mut ours = ChaCha20::new(key, stream);
            let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
            theirs.fill_bytes(&mut a);
            ours.fill_bytes(&mut b);
            assert_eq!(a, b, "stream {stream}");
            // Across block and four-block boundaries, words mixed in.
            for i in 0..300 {
                if i % 37 == 5 {
                    assert_eq!(ours.next_u32(), theirs.next_u32());
                }
                assert_eq!(
                    ours.next_u64(),
                    theirs.next_u64(),
                    "stream {stream}, draw {i}"
                );
            }
        }
        // A seed number's master seed, as it was made.
        for n in [0, 1, 42, 2018, u64::MAX] {
            assert_eq!(
                Keyring::from_seed_number(n).master(),
                ChaCha20Rng::seed_from_u64(n).get_seed()
            );
        }
    }

    #[test]
    fn random_keyrings_differ() {
        let a = Keyring::random().unwrap();
        let b = Keyring::random().unwrap();
        assert_ne!(a.master(), b.master());
        assert_eq!(a.seed(), RunSeed::Random);
    }
}
