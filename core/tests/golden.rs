//! A fixed seed number gives a fixed chain, and each block hash is the
//! SHA-256 of the preimage the page shows, computed outside the core.

mod common;
use common::*;
use ecloud_core::chain::genesis::{ANNE, GEORGE};
use ecloud_core::{Simulation, Wh};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// Seed 42: a share change, three readings, three blocks.
fn golden_run() -> Simulation {
    let mut sim = seeded(42);
    sim.generate(GEORGE, Wh(12_345)).unwrap();
    sim.update_shares(GEORGE, table(6_000, 2_500, 1_500))
        .unwrap();
    sim.seal(T0 + PERIOD_MS).unwrap();
    sim.generate(GEORGE, Wh(7)).unwrap();
    sim.generate(GEORGE, Wh(100_000)).unwrap();
    sim.seal(T0 + 2 * PERIOD_MS).unwrap();
    sim.seal(T0 + 3 * PERIOD_MS).unwrap();
    sim
}

const GOLDEN_HASHES: [&str; 4] = [
    "cc53f6c0dfb476568eac77b44e084cf00205b81899d0561426a5c6e5584e81cd",
    "840b0bd4fa7e4dda3d04cf968cc2cc0fe7c784298bf80e5142170977dfd53825",
    "7481a68bb64b85af258962a7b2a2cf74b3a04844374c4708d5dbdff51235c410",
    "c384e1710525c82dc6b7115b47654ed3041de33d80bc14296ac8933fc280c4d9",
];

#[test]
fn seed_42_gives_the_same_chain_on_every_machine() {
    let sim = golden_run();
    let hashes: Vec<String> = sim
        .chain()
        .blocks()
        .iter()
        .map(|b| b.hash.to_hex())
        .collect();
    assert_eq!(hashes, GOLDEN_HASHES);
    assert_eq!(balance(&sim, ANNE), Wh(6_173 + 4 + 60_000));
    assert!(sim.verify().is_valid());
}

#[test]
fn every_block_hash_is_the_sha256_of_its_preimage() {
    for b in golden_run().chain().blocks() {
        let preimage = b.header.preimage().unwrap();
        assert_eq!(ecloud_core::crypto::sha256(preimage.as_bytes()), b.hash);
    }
}

/// The same check with a SHA-256 implementation that is not the core's:
/// coreutils' `sha256sum`, exactly as the page tells a student to run it.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn sha256sum_agrees_with_every_block_hash() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    for b in golden_run().chain().blocks() {
        let preimage = b.header.preimage().unwrap();
        let mut child = Command::new("sha256sum")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("sha256sum (coreutils) is installed");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(preimage.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let digest = String::from_utf8(out.stdout).unwrap();
        assert_eq!(digest.split_whitespace().next().unwrap(), b.hash.to_hex());
    }
}

#[test]
fn the_preimage_is_sorted_compact_json_of_the_header() {
    let sim = golden_run();
    let p = sim.chain().blocks()[1].header.preimage().unwrap();
    assert!(p.starts_with("{\"height\":1,\"ledger_hash\":\""), "{p}");
    assert!(!p.contains(' ') && !p.contains('\n'));
}
