//! Ed25519 keys and signatures, as the chain writes them: lowercase hex
//! strings in JSON, fixed-size byte arrays in memory.

use crate::crypto::hash::Hash;
use crate::encoding::hex::hex_newtype;
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};

/// An Ed25519 public key (a member's cryptometer or wallet).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(pub [u8; 32]);

/// An Ed25519 signature.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature(pub [u8; 64]);

hex_newtype!(PublicKey, 32);
hex_newtype!(Signature, 64);

/// A member's secret key. It never enters the chain or an export.
#[derive(Clone)]
pub struct SecretKey(SigningKey);

impl SecretKey {
    pub fn from_bytes(bytes: [u8; 32]) -> SecretKey {
        SecretKey(SigningKey::from_bytes(&bytes))
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key().to_bytes())
    }

    /// Signs a digest (a transaction id or a block hash).
    pub fn sign(&self, digest: &Hash) -> Signature {
        Signature(self.0.sign(&digest.0).to_bytes())
    }
}

impl PublicKey {
    /// Whether `signature` is this key's signature over `digest`. A key that
    /// is not a valid curve point verifies nothing.
    pub fn verifies(&self, digest: &Hash, signature: &Signature) -> bool {
        let Ok(key) = VerifyingKey::from_bytes(&self.0) else {
            return false;
        };
        let signature = ed25519_dalek::Signature::from_bytes(&signature.0);
        key.verify(&digest.0, &signature).is_ok()
    }
}
/// A signature over a digest, with the key it claims: one Ed25519 check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedDigest {
    pub key: PublicKey,
    pub digest: Hash,
    pub signature: Signature,
}

/// Public keys decoded once: decoding a key (a square root in the field)
/// costs about a tenth of a verification, and a chain has few signers.
#[derive(Default)]
pub struct KeyCache {
    /// Each key seen, with its index in `decoded` (None: not a curve point).
    keys: Vec<(PublicKey, Option<usize>)>,
    pub(crate) decoded: Vec<VerifyingKey>,
    /// No small-order component: batch verification judges this key's
    /// signatures as one-by-one verification does. Parallel to `decoded`.
    pub(crate) torsion_free: Vec<bool>,
}

impl KeyCache {
    pub fn new() -> KeyCache {
        KeyCache::default()
    }

    /// The key's index in `decoded`, or None for bytes that are not a point.
    pub(crate) fn index(&mut self, key: &PublicKey) -> Option<usize> {
        if let Some((_, i)) = self.keys.iter().find(|(k, _)| k == key) {
            return *i;
        }
        let index = VerifyingKey::from_bytes(&key.0).ok().map(|decoded| {
            self.torsion_free
                .push(decoded.to_edwards().is_torsion_free());
            self.decoded.push(decoded);
            self.decoded.len() - 1
        });
        self.keys.push((*key, index));
        index
    }

    /// The decoded key, or None for bytes that are not a curve point.
    pub fn get(&mut self, key: &PublicKey) -> Option<VerifyingKey> {
        self.index(key).map(|i| self.decoded[i])
    }

    /// Exactly [`PublicKey::verifies`], with the key decoded once.
    pub fn verifies(&mut self, key: &PublicKey, digest: &Hash, signature: &Signature) -> bool {
        let Some(key) = self.get(key) else {
            return false;
        };
        let signature = ed25519_dalek::Signature::from_bytes(&signature.0);
        key.verify(&digest.0, &signature).is_ok()
    }
}

/// Whether every signature in `items` verifies, checked one by one.
pub fn verify_each(items: &[SignedDigest]) -> bool {
    let mut keys = KeyCache::new();
    items
        .iter()
        .all(|s| keys.verifies(&s.key, &s.digest, &s.signature))
}
