//! Layer 1, cryptography: SHA-256, Ed25519 keys and signatures (one by one
//! and in batches), and Merkle roots. Depends only on `encoding`.

pub mod batch;
pub mod ed25519;
pub mod hash;
pub mod merkle;

pub use batch::{verify_batch_merged, verify_batched, SignatureBatch, BATCH_SIZE};
pub use ed25519::{verify_each, KeyCache, PublicKey, SecretKey, Signature, SignedDigest};
pub use hash::{canonical_sha256, sha256, sha256_each, Hash};
pub use merkle::{merkle_root, merkle_roots};
