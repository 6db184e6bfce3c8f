//! Ed25519 keys and signatures, as the chain writes them: lowercase hex
//! strings in JSON, fixed-size byte arrays in memory; the one rule that
//! judges a signature ([`verify`], ZIP 215's), and the check a key must
//! pass to enter the chain ([`PublicKey::check`]).
//!
//! Signing is ed25519-dalek's (RFC 8032); verification is written here on
//! curve25519-dalek, because ed25519-dalek's `verify` is not ZIP 215's rule
//! (it omits the cofactor and re-encodes R), and batch verification
//! (`batch.rs`) must judge every signature exactly as this one does.

use crate::crypto::hash::Hash;
use crate::encoding::hex::hex_newtype;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::Scalar;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use sha2::{Digest as _, Sha512};
use std::collections::HashMap;
use std::fmt;

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
    /// Whether `signature` is this key's signature over `digest`, by the
    /// chain's one rule ([`verify`]). A key that is not a curve point
    /// verifies nothing.
    pub fn verifies(&self, digest: &Hash, signature: &Signature) -> bool {
        VerifyingKey::from_bytes(&self.0).is_ok_and(|key| verify(&key, &digest.0, signature))
    }

    /// Whether this key may enter the chain (a genesis member's key, a
    /// joining member's key): it must be a curve point, and not one of the
    /// eight points of small order. For those, a signature that verifies on
    /// any message takes no secret to make (for the identity, R = B and
    /// s = 1), so anyone could sign as that member.
    pub fn check(&self) -> Result<(), KeyError> {
        let key = VerifyingKey::from_bytes(&self.0).map_err(|_| KeyError::NotAPoint)?;
        if key.to_edwards().is_small_order() {
            return Err(KeyError::SmallOrder);
        }
        Ok(())
    }
}

/// Why a public key may not enter the chain ([`PublicKey::check`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyError {
    /// The 32 bytes do not encode a point of the curve.
    NotAPoint,
    /// A point of small order (1, 2, 4 or 8): the identity and seven others.
    SmallOrder,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyError::NotAPoint => {
                "it is not a point of the curve, so no signature can be checked against it"
            }
            KeyError::SmallOrder => {
                "it is a point of small order, for which anyone can make a signature that verifies"
            }
        })
    }
}

impl std::error::Error for KeyError {}

/// The chain's one rule for an Ed25519 signature, ZIP 215's (as Zcash and
/// the `ed25519-consensus` crate apply it), the same for one signature and
/// in a batch ([`verify_batch_merged`](crate::crypto::verify_batch_merged)):
///
/// - A (the key) and R (the signature's first half) are any 32 bytes that
///   decode to a curve point, as curve25519-dalek's `decompress` decodes
///   them: a y of p or more is taken mod p, and x = 0 with the sign bit set
///   is read as x = 0, so each of the 26 non-canonical encodings of a point
///   is accepted (RFC 8032 would refuse them);
/// - s (the second half) must be canonical, below the group order l;
/// - k = SHA-512(R || A || M) mod l, with R's and A's bytes as given;
/// - the cofactored equation holds: [8]([s]B - R - [k]A) is the identity.
///
/// Multiplying by the cofactor 8 ignores any part of small order, so a
/// small-order point added to R or A changes nothing: that is what makes one
/// signature and a batch of them judge alike. The keys themselves are held
/// to more when they enter the chain ([`PublicKey::check`]).
pub fn verify(key: &VerifyingKey, message: &[u8], signature: &Signature) -> bool {
    let (r_bytes, s_bytes) = signature.0.split_at(32);
    let s: [u8; 32] = s_bytes.try_into().expect("32 bytes");
    let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(s)) else {
        return false;
    };
    let r: [u8; 32] = r_bytes.try_into().expect("32 bytes");
    let Some(r) = CompressedEdwardsY(r).decompress() else {
        return false;
    };
    let k = challenge(r_bytes, key.as_bytes(), message);
    // [s]B - [k]A in one double-scalar multiplication, then - R.
    let sb_minus_ka = EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &-key.to_edwards(), &s);
    (sb_minus_ka - r).is_small_order()
}

/// k = SHA-512(R || A || M) reduced mod l, R and A the bytes as given (never
/// re-encoded).
pub(crate) fn challenge(r: &[u8], a: &[u8; 32], message: &[u8]) -> Scalar {
    Scalar::from_bytes_mod_order_wide(&challenge_hash(r, a, message))
}

/// SHA-512(R || A || M), before it is reduced mod l.
pub(crate) fn challenge_hash(r: &[u8], a: &[u8; 32], message: &[u8]) -> [u8; 64] {
    Sha512::new()
        .chain_update(r)
        .chain_update(a)
        .chain_update(message)
        .finalize()
        .into()
}

/// A signature over a digest, with the key it claims: one Ed25519 check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SignedDigest {
    pub key: PublicKey,
    pub digest: Hash,
    pub signature: Signature,
}

/// Public keys decoded once: decoding a key (a square root in the field)
/// costs about a tenth of a verification. A key is found by its bytes in a
/// hash map, so a chain of many members costs the same per signature as a
/// chain of few.
#[derive(Default)]
pub struct KeyCache {
    /// Each key seen, with its index in `decoded` (None: not a curve point).
    keys: HashMap<PublicKey, Option<usize>>,
    pub(crate) decoded: Vec<VerifyingKey>,
}

impl KeyCache {
    pub fn new() -> KeyCache {
        KeyCache::default()
    }

    /// The key's index in `decoded`, or None for bytes that are not a point.
    pub(crate) fn index(&mut self, key: &PublicKey) -> Option<usize> {
        if let Some(&index) = self.keys.get(key) {
            return index;
        }
        let index = VerifyingKey::from_bytes(&key.0).ok().map(|decoded| {
            self.decoded.push(decoded);
            self.decoded.len() - 1
        });
        self.keys.insert(*key, index);
        index
    }

    /// The decoded key, or None for bytes that are not a curve point.
    pub fn get(&mut self, key: &PublicKey) -> Option<VerifyingKey> {
        self.index(key).map(|i| self.decoded[i])
    }

    /// Exactly [`PublicKey::verifies`], with the key decoded once.
    pub fn verifies(&mut self, key: &PublicKey, digest: &Hash, signature: &Signature) -> bool {
        self.get(key)
            .is_some_and(|key| verify(&key, &digest.0, signature))
    }
}

/// Whether every signature in `items` verifies, checked one by one.
pub fn verify_each(items: &[SignedDigest]) -> bool {
    let mut keys = KeyCache::new();
    items
        .iter()
        .all(|s| keys.verifies(&s.key, &s.digest, &s.signature))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::hash::sha256;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_key_cache_decodes_each_key_once_and_finds_it_again() {
        let keys: Vec<PublicKey> = (0..500u32)
            .map(|i| SecretKey::from_bytes(sha256(&i.to_le_bytes()).0).public_key())
            .collect();
        let mut not_a_point = [0xff; 32];
        while VerifyingKey::from_bytes(&not_a_point).is_ok() {
            not_a_point[0] -= 1;
        }
        let mut cache = KeyCache::new();
        for round in 0..3 {
            for (i, key) in keys.iter().enumerate() {
                assert_eq!(cache.index(key), Some(i), "round {round}");
                assert_eq!(cache.get(key).map(|k| k.to_bytes()), Some(key.0));
            }
            assert_eq!(cache.index(&PublicKey(not_a_point)), None);
        }
        assert_eq!(cache.decoded.len(), keys.len());
    }
}
