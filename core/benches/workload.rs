//! The benchmark workload, shared by the native benchmarks (`core/benches/verify.rs`)
//! and the browser harness (`bench/`, which includes this file), so both time the
//! very same chain: the seed's community, run from seed number 2018, with 5
//! generations of 1 Wh per block (plus the votes and the election that every seal
//! holds). Nothing here is timed.

use ecloud_core::chain::genesis::GEORGE;
use ecloud_core::encoding::canonical::to_canonical;
use ecloud_core::{Block, CommunitySpec, Keyring, Simulation, Wh};

/// The seed number of the benchmark run.
pub const SEED: u64 = 2018;
/// Generations per block.
pub const GENERATIONS: usize = 5;
/// When the run starts (ms since the epoch; a seeded run starts at a fixed
/// time of its own whatever this says).
pub const T0: u64 = 1_700_000_000_000;

/// A chain of `blocks` blocks after genesis (so `blocks + 1` in all).
pub fn build_chain(blocks: u64) -> Vec<Block> {
    let mut sim = Simulation::start(
        &CommunitySpec::default(),
        Keyring::from_seed_number(SEED),
        T0,
    )
    .expect("the default community starts");
    for _ in 1..=blocks {
        for _ in 0..GENERATIONS {
            // 1 Wh each: George's 1,000 kWh last for 200,000 blocks.
            sim.generate(GEORGE, Wh(1)).expect("a generation");
        }
        sim.seal().expect("a seal");
    }
    sim.chain().blocks().to_vec()
}

/// Everything a verification feeds to SHA-256, one message per call: each
/// block's header preimage and ledger, each transaction body, and the Merkle
/// tree's leaves (0x00 + id: 33 bytes) and inner nodes (0x01 + two hashes: 65
/// bytes; n leaves have n - 1 of them).
pub fn hashed_messages(blocks: &[Block]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for block in blocks {
        out.push(
            block
                .header
                .preimage()
                .expect("a header encodes")
                .into_bytes(),
        );
        out.push(
            to_canonical(block.ledger())
                .expect("a ledger encodes")
                .into_bytes(),
        );
        let txs = &block.body.transactions;
        for tx in txs {
            out.push(
                to_canonical(&tx.body)
                    .expect("a transaction encodes")
                    .into_bytes(),
            );
        }
        out.extend(txs.iter().map(|_| vec![0u8; 33]));
        out.extend(txs.iter().skip(1).map(|_| vec![1u8; 65]));
    }
    out
}

/// The limit's signature inputs, keys decoded once: what ed25519-dalek's batch
/// verification needs and nothing else, and the same for the merged batch
/// equation (`ecloud_core::crypto::verify_batch_merged`): the raw signatures, the
/// distinct keys and each signature's key among them.
#[derive(Default)]
pub struct Limit {
    digests: Vec<[u8; 32]>,
    signatures: Vec<ed25519_dalek::Signature>,
    keys: Vec<ed25519_dalek::VerifyingKey>,
    hashes: Vec<ecloud_core::crypto::Hash>,
    raw: Vec<ecloud_core::crypto::Signature>,
    signers: Vec<usize>,
    distinct: Vec<ed25519_dalek::VerifyingKey>,
}

impl Limit {
    pub fn new(items: &[ecloud_core::crypto::SignedDigest]) -> Limit {
        Limit {
            digests: items.iter().map(|s| s.digest.0).collect(),
            signatures: items
                .iter()
                .map(|s| ed25519_dalek::Signature::from_bytes(&s.signature.0))
                .collect(),
            keys: items
                .iter()
                .map(|s| ed25519_dalek::VerifyingKey::from_bytes(&s.key.0).expect("a member's key"))
                .collect(),
            hashes: items.iter().map(|s| s.digest).collect(),
            raw: items.iter().map(|s| s.signature).collect(),
            signers: Vec::new(),
            distinct: Vec::new(),
        }
        .with_signers(items)
    }

    fn with_signers(mut self, items: &[ecloud_core::crypto::SignedDigest]) -> Limit {
        let mut seen: Vec<ecloud_core::crypto::PublicKey> = Vec::new();
        for (s, key) in items.iter().zip(&self.keys) {
            let i = seen.iter().position(|k| *k == s.key).unwrap_or_else(|| {
                seen.push(s.key);
                self.distinct.push(*key);
                seen.len() - 1
            });
            self.signers.push(i);
        }
        self
    }

    /// The merged batch equation alone (each signer's key terms gathered), in
    /// batches of `BATCH_SIZE`: what `verify_chain`'s signature checks cost without
    /// the pre-filter and the key look-ups.
    pub fn verify_merged(&self) -> bool {
        use ecloud_core::crypto::{verify_batch_merged, BATCH_SIZE};
        self.hashes
            .chunks(BATCH_SIZE)
            .zip(self.raw.chunks(BATCH_SIZE))
            .zip(self.signers.chunks(BATCH_SIZE))
            .all(|((m, s), k)| verify_batch_merged(m, s, k, &self.distinct))
    }

    /// Batch verification in batches of `BATCH_SIZE`, as the verifier batches.
    pub fn verify_batched(&self) -> bool {
        use ecloud_core::crypto::BATCH_SIZE;
        let messages: Vec<&[u8]> = self.digests.iter().map(|d| &d[..]).collect();
        messages
            .chunks(BATCH_SIZE)
            .zip(self.signatures.chunks(BATCH_SIZE))
            .zip(self.keys.chunks(BATCH_SIZE))
            .all(|((m, s), k)| ed25519_dalek::verify_batch(m, s, k).is_ok())
    }

    /// One signature at a time (`Verifier::verify`, as the one-by-one check).
    pub fn verify_single(&self) -> bool {
        use ed25519_dalek::Verifier;
        self.digests
            .iter()
            .zip(&self.signatures)
            .zip(&self.keys)
            .all(|((d, s), k)| k.verify(d, s).is_ok())
    }
}

/// SHA-256 of every message, handed over at once as verification hands them
/// (natively one sha2 call each; in the page four at a time); returns a byte
/// of the digests so that none can be optimised away.
pub fn sha256_all(messages: &[Vec<u8>]) -> u8 {
    let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    ecloud_core::crypto::sha256_each(&refs)
        .iter()
        .fold(0u8, |acc, h| acc ^ h.0[0])
}
