//! Where members' secret keys come from.
//!
//! A run has one 32-byte master seed. Member k's key is the first 32 bytes
//! of ChaCha20 keyed by the master seed on stream k, so a member added later
//! gets a key without disturbing anyone else's. A run started from a seed
//! number takes its master seed from that number, so the same number gives
//! the same keys on any machine; otherwise the master seed comes from the
//! operating system's CSPRNG (the browser's `crypto.getRandomValues`).

use crate::crypto::SecretKey;
use crate::model::member::MemberId;
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
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

impl Keyring {
    /// Keys for a reproducible run.
    pub fn from_seed_number(seed: u64) -> Keyring {
        Keyring::from_master(
            ChaCha20Rng::seed_from_u64(seed).get_seed(),
            RunSeed::Number(seed),
        )
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
        let mut rng = ChaCha20Rng::from_seed(self.master);
        rng.set_stream(u64::from(id.0));
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        SecretKey::from_bytes(bytes)
    }

    /// The generator of a seeded run's election draws.
    pub fn draw_rng(&self) -> ChaCha20Rng {
        let mut rng = ChaCha20Rng::from_seed(self.master);
        rng.set_stream(DRAW_STREAM);
        rng
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

    #[test]
    fn random_keyrings_differ() {
        let a = Keyring::random().unwrap();
        let b = Keyring::random().unwrap();
        assert_ne!(a.master(), b.master());
        assert_eq!(a.seed(), RunSeed::Random);
    }
}
