//! SHA-256 digests and Ed25519 keys and signatures, as the chain writes them:
//! lowercase hex strings in JSON, fixed-size byte arrays in memory.

use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;

/// A SHA-256 digest: a transaction id, a block hash, a Merkle or ledger root.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hash(pub [u8; 32]);

/// An Ed25519 public key (a member's cryptometer or wallet).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(pub [u8; 32]);

/// An Ed25519 signature.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature(pub [u8; 64]);

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> Hash {
    Hash(Sha256::digest(bytes).into())
}

impl Hash {
    pub const ZERO: Hash = Hash([0; 32]);
}

/// SHA-256 over several pieces without joining them first.
pub struct Sha256Stream(Sha256);

impl Sha256Stream {
    pub fn new() -> Sha256Stream {
        Sha256Stream(Sha256::new())
    }

    pub fn chain(mut self, bytes: &[u8]) -> Sha256Stream {
        self.0.update(bytes);
        self
    }

    pub fn finish(self) -> Hash {
        Hash(self.0.finalize().into())
    }
}

impl Default for Sha256Stream {
    fn default() -> Self {
        Sha256Stream::new()
    }
}

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

/// How many signatures are checked together in a batch. ed25519-dalek's batch
/// check gains little past about a thousand (its Pippenger window stops
/// growing), and a failed batch is re-checked one by one, so not more.
pub const BATCH_SIZE: usize = 1024;

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
    keys: Vec<(PublicKey, Option<VerifyingKey>)>,
}

impl KeyCache {
    pub fn new() -> KeyCache {
        KeyCache::default()
    }

    /// The decoded key, or None for bytes that are not a curve point.
    pub fn get(&mut self, key: &PublicKey) -> Option<&VerifyingKey> {
        let at = match self.keys.iter().position(|(k, _)| k == key) {
            Some(at) => at,
            None => {
                self.keys
                    .push((*key, VerifyingKey::from_bytes(&key.0).ok()));
                self.keys.len() - 1
            }
        };
        self.keys[at].1.as_ref()
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

// ---- hex text ----------------------------------------------------------

const HEX: &[u8; 16] = b"0123456789abcdef";

pub fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0xf)] as char);
    }
    out
}

/// Writes `bytes` as lowercase hex into `buf` (twice as long) and returns it.
fn hex_into<'b>(bytes: &[u8], buf: &'b mut [u8]) -> &'b str {
    for (pair, b) in buf.chunks_exact_mut(2).zip(bytes) {
        pair[0] = HEX[usize::from(b >> 4)];
        pair[1] = HEX[usize::from(b & 0xf)];
    }
    std::str::from_utf8(buf).expect("hex digits are ASCII")
}

/// Decodes exactly `N` bytes of lowercase or uppercase hex.
pub fn from_hex<const N: usize>(text: &str) -> Result<[u8; N], String> {
    let bytes = text.as_bytes();
    if bytes.len() != 2 * N {
        return Err(format!(
            "expected {} hex digits, found {}",
            2 * N,
            bytes.len()
        ));
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(format!("\u{201c}{}\u{201d} is not a hex digit", c as char)),
    };
    let mut out = [0u8; N];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Ok(out)
}

macro_rules! hex_newtype {
    ($name:ident, $len:expr) => {
        impl $name {
            pub fn to_hex(&self) -> String {
                to_hex(&self.0)
            }
            pub fn from_hex(text: &str) -> Result<Self, String> {
                from_hex::<$len>(text).map($name)
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.to_hex())
            }
        }
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                // Hex on the stack: no allocation per digest, key or signature.
                let mut buf = [0u8; 2 * $len];
                s.serialize_str(hex_into(&self.0, &mut buf))
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                $name::from_hex(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

hex_newtype!(Hash, 32);
hex_newtype!(PublicKey, 32);
hex_newtype!(Signature, 64);

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn sha256_matches_the_standard_vector() {
        assert_eq!(
            sha256(b"abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hex_round_trips_and_refuses_garbage() {
        let h = sha256(b"x");
        assert_eq!(Hash::from_hex(&h.to_hex()), Ok(h));
        assert!(Hash::from_hex("00").is_err());
        assert!(Hash::from_hex(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn a_signature_verifies_only_for_its_key_and_digest() {
        let alice = SecretKey::from_bytes([1; 32]);
        let bob = SecretKey::from_bytes([2; 32]);
        let digest = sha256(b"reading");
        let sig = alice.sign(&digest);
        assert!(alice.public_key().verifies(&digest, &sig));
        assert!(!bob.public_key().verifies(&digest, &sig));
        assert!(!alice.public_key().verifies(&sha256(b"other"), &sig));
        let mut forged = sig;
        forged.0[10] ^= 1;
        assert!(!alice.public_key().verifies(&digest, &forged));
    }
}
