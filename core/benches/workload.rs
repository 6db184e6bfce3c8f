//! The benchmark workload, shared by the native benchmarks (`core/benches/verify.rs`)
//! and the browser harness (`bench/`, which includes this file), so both time the
//! very same chain: the seed's community, run from seed number 2018, with 5
//! generations of 1 Wh per block (plus the votes and the election that every seal
//! holds). Nothing here is timed.

use ecloud_core::canonical::to_canonical;
use ecloud_core::community::GEORGE;
use ecloud_core::{Block, CommunitySpec, Keyring, Simulation, Wh};

/// The seed number of the benchmark run.
pub const SEED: u64 = 2018;
/// Generations per block.
pub const GENERATIONS: usize = 5;
/// When the run starts (ms since the epoch) and how long a market period lasts.
pub const T0: u64 = 1_700_000_000_000;
pub const PERIOD_MS: u64 = 15_000;

/// A chain of `blocks` blocks after genesis (so `blocks + 1` in all).
pub fn build_chain(blocks: u64) -> Vec<Block> {
    let mut sim = Simulation::start(
        &CommunitySpec::default(),
        Keyring::from_seed_number(SEED),
        T0,
    )
    .expect("the default community starts");
    for b in 1..=blocks {
        for _ in 0..GENERATIONS {
            // 1 Wh each: George's 1,000 kWh last for 200,000 blocks.
            sim.generate(GEORGE, Wh(1)).expect("a generation");
        }
        sim.seal(T0 + b * PERIOD_MS).expect("a seal");
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
