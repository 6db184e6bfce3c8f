//! Layer 1, cryptography: SHA-256, Ed25519 keys and signatures (one by one
//! and in batches, by one rule: ZIP 215's), and Merkle roots. Depends only
//! on `encoding`.

pub mod batch;
pub mod ed25519;
pub mod hash;
pub mod merkle;
#[cfg(test)]
mod vectors;
pub mod vrf;

pub use batch::{verify_batch_merged, verify_batched, SignatureBatch, BATCH_SIZE};
pub use ed25519::{verify_each, KeyCache, KeyError, PublicKey, SecretKey, Signature, SignedDigest};
pub use hash::{canonical_sha256, sha256, sha256_each, Hash};
pub use merkle::{merkle_root, merkle_roots};
