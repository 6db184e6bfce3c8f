//! Shared set-up for the core's integration tests.
#![allow(dead_code)]

// Each integration test binary also runs in headless Chromium.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use ecloud_core::chain::genesis::{ANNE, BOB, CARLA, GEORGE};
use ecloud_core::{
    BasisPoints, CommunitySpec, Keyring, MemberId, Share, ShareTable, Simulation, Wh,
};

pub const T0: u64 = 1_700_000_000_000;
pub const PERIOD_MS: u64 = 15_000;

/// The seed's community in a reproducible run.
pub fn seeded(seed: u64) -> Simulation {
    Simulation::start(
        &CommunitySpec::default(),
        Keyring::from_seed_number(seed),
        T0,
    )
    .unwrap()
}

pub fn table(anne: u32, bob: u32, carla: u32) -> ShareTable {
    ShareTable::new(vec![
        Share {
            member: ANNE,
            share: BasisPoints(anne),
        },
        Share {
            member: BOB,
            share: BasisPoints(bob),
        },
        Share {
            member: CARLA,
            share: BasisPoints(carla),
        },
    ])
    .unwrap()
}

/// A small history: generations, a share change, more generations.
pub fn sample_run(seed: u64, blocks: u64) -> Simulation {
    let mut sim = seeded(seed);
    for b in 1..=blocks {
        sim.generate(GEORGE, Wh(1_000 + 7 * b)).unwrap();
        if b % 3 == 0 {
            let x = (100 * b as u32) % 2_000;
            sim.update_shares(GEORGE, table(4_000 + x, 3_000, 3_000 - x))
                .unwrap();
        }
        sim.generate(GEORGE, Wh(333)).unwrap();
        sim.seal().unwrap();
    }
    sim
}

/// Every member stakes nothing, so token balances move only by minting.
pub fn no_bets(sim: &mut Simulation) {
    let ids: Vec<MemberId> = sim.ledger().members.iter().map(|m| m.id).collect();
    for id in ids {
        sim.set_strategy(id, ecloud_core::Strategy::FixedPercent { percent: 0 });
    }
}

pub fn balance(sim: &Simulation, m: MemberId) -> Wh {
    sim.ledger().member(m).unwrap().balance
}

/// Re-signs a transaction after its body was changed, as a forger holding
/// the member's key would.
pub fn resign(tx: &mut ecloud_core::model::tx::Transaction, keys: &Keyring) {
    *tx = ecloud_core::model::tx::Transaction::sign(tx.body.clone(), &keys.key(tx.body.signer()))
        .unwrap();
}

/// Recomputes a block's Merkle root, ledger hash, hash and seal after its
/// contents were changed, as a forger holding the sealer's key would.
pub fn reseal(block: &mut ecloud_core::Block, keys: &Keyring) {
    let ids: Vec<_> = block.body.transactions.iter().map(|t| t.id).collect();
    block.header.merkle_root = ecloud_core::crypto::merkle::merkle_root(&ids);
    block.header.ledger_hash = block.body.ledger.hash().unwrap();
    block.hash = block.header.hash().unwrap();
    block.seal = keys.key(block.header.sealed_by).sign(&block.hash);
}

/// The codes of the findings at `height`.
pub fn codes_at(report: &ecloud_core::Report, height: u64) -> Vec<&'static str> {
    report.findings_at(height).map(|f| f.check.code()).collect()
}

/// Asserts that `height` is the first broken block, that it breaks `code`,
/// and that every later block of a chain of `len` blocks is marked as a
/// descendant of a broken block.
pub fn assert_breaks_at(report: &ecloud_core::Report, height: u64, code: &str, len: u64) {
    assert_eq!(
        report.first_broken(),
        Some(height),
        "{:#?}",
        report.findings
    );
    let codes = codes_at(report, height);
    assert!(
        codes.contains(&code),
        "block {height} broke {codes:?}, not {code}"
    );
    for later in height + 1..len {
        assert!(
            codes_at(report, later).contains(&"descendant-of-broken"),
            "block {later} not marked as a descendant: {:?}",
            codes_at(report, later)
        );
    }
}
