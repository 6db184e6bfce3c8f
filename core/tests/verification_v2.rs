//! SPEC sections 7 and 10: the rules of a chain of version 2, a tamper test
//! for each of its verification codes. Each forges one thing in one block
//! of a chain sealed by four nodes, re-signing and resealing with the keys
//! of the members concerned (as a forger holding them would), so only the
//! rule itself can catch it.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests and benchmarks are not in the page"
)]

mod common;
use common::assert_breaks_at;
use ecloud_core::chain::genesis::GEORGE;
use ecloud_core::crypto::merkle::merkle_root;
use ecloud_core::model::block::MARKET_PERIOD_MS;
use ecloud_core::model::tx::{Transaction, TxBody};
use ecloud_core::node::{Command, NodeKeys};
use ecloud_core::simulation::network::{node_keys, Network};
use ecloud_core::{verify_chain, Block, CommunitySpec, Hash, Wh};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const T0: u64 = 1_528_711_200_000;
const SLOTS: u64 = 10;

const SEED: u64 = 5;

/// A chain of version 2 as node 0 holds it after ten slots of four honest
/// nodes, and the members' keys.
fn chain() -> (Vec<Block>, Vec<NodeKeys>) {
    let mut network = Network::community(&CommunitySpec::default(), SEED, T0).unwrap();
    for slot in 1..=SLOTS {
        network.run_until(T0 + slot * MARKET_PERIOD_MS + MARKET_PERIOD_MS / 2);
        let _ = network.command(GEORGE, Command::Generate(Wh(1_000)));
        network.run_until(T0 + (slot + 1) * MARKET_PERIOD_MS);
    }
    let chain: Vec<Block> = network
        .node(0)
        .chain()
        .iter()
        .map(|b| (**b).clone())
        .collect();
    assert!(chain.len() > 6, "the nodes sealed blocks");
    (chain, (0..4).map(|i| node_keys(SEED, i)).collect())
}

fn resign(tx: &mut Transaction, keys: &[NodeKeys]) {
    *tx = Transaction::sign(tx.body.clone(), keys[tx.body.signer().0 as usize].signing()).unwrap();
}

fn reseal(block: &mut Block, keys: &[NodeKeys]) {
    let ids: Vec<Hash> = block.body.transactions.iter().map(|t| t.id).collect();
    block.header.merkle_root = merkle_root(&ids);
    block.header.ledger_hash = block.body.ledger.hash().unwrap();
    block.hash = block.header.hash().unwrap();
    block.seal = keys[block.header.sealed_by.0 as usize]
        .signing()
        .sign(&block.hash);
}

/// The first block from height 2 on holding a vote, and the vote's index.
fn block_with_vote(chain: &[Block]) -> (usize, usize) {
    chain
        .iter()
        .enumerate()
        .skip(2)
        .find_map(|(k, b)| {
            b.body
                .transactions
                .iter()
                .position(|t| matches!(t.body, TxBody::Vote(_)))
                .map(|i| (k, i))
        })
        .expect("a block with a vote")
}

/// Tampers with block `k` through `edit` and reseals it with its sealer's
/// key: the blocks after it are then descendants of a broken block.
fn forge(chain: &mut [Block], k: usize, keys: &[NodeKeys], edit: impl FnOnce(&mut Block)) {
    edit(&mut chain[k]);
    reseal(&mut chain[k], keys);
}

#[test]
fn an_untouched_chain_of_version_2_verifies() {
    let (chain, _) = chain();
    let report = verify_chain(&chain);
    assert!(report.is_valid(), "{:#?}", report.findings);
}

#[test]
fn vote_wrong_parent() {
    let (mut chain, keys) = chain();
    let (k, i) = block_with_vote(&chain);
    let elsewhere = chain[k - 2].hash;
    forge(&mut chain, k, &keys, |b| {
        let tx = &mut b.body.transactions[i];
        if let TxBody::Vote(v) = &mut tx.body {
            v.builds_on = Some(elsewhere);
        }
        resign(tx, &keys);
    });
    assert_breaks_at(
        &verify_chain(&chain),
        k as u64,
        "vote-wrong-parent",
        chain.len() as u64,
    );
}

#[test]
fn draw_unproved() {
    let (mut chain, keys) = chain();
    let (k, i) = block_with_vote(&chain);
    forge(&mut chain, k, &keys, |b| {
        let tx = &mut b.body.transactions[i];
        if let TxBody::Vote(v) = &mut tx.body {
            // The voter's proof for another election: a real proof, of the
            // wrong input.
            let input = ecloud_core::crypto::sha256(b"another election");
            v.proof = Some(keys[v.voter.0 as usize].vrf().prove(&input.0).0);
        }
        resign(tx, &keys);
    });
    assert_breaks_at(
        &verify_chain(&chain),
        k as u64,
        "draw-unproved",
        chain.len() as u64,
    );
}

#[test]
fn seed_mismatch() {
    let (mut chain, keys) = chain();
    let k = (2..chain.len())
        .find(|&k| chain[k].election().is_some())
        .expect("a block holding an election");
    forge(&mut chain, k, &keys, |b| {
        let tx = b
            .body
            .transactions
            .iter_mut()
            .find(|t| matches!(t.body, TxBody::Election(_)))
            .unwrap();
        if let TxBody::Election(record) = &mut tx.body {
            record.seed = Some(ecloud_core::crypto::sha256(
                b"a seed of the sealer's choosing",
            ));
        }
        resign(tx, &keys);
    });
    assert_breaks_at(
        &verify_chain(&chain),
        k as u64,
        "seed-mismatch",
        chain.len() as u64,
    );
}

#[test]
fn slot_mismatch() {
    let (mut chain, keys) = chain();
    let k = 3;
    forge(&mut chain, k, &keys, |b| {
        b.header.period_start_ms += MARKET_PERIOD_MS
    });
    assert_breaks_at(
        &verify_chain(&chain),
        k as u64,
        "slot-mismatch",
        chain.len() as u64,
    );
}

#[test]
fn sealed_out_of_turn_before_the_turn_comes() {
    let (mut chain, keys) = chain();
    let k = 3;
    forge(&mut chain, k, &keys, |b| {
        b.header.sealed_at_ms = Some(b.header.period_start_ms - 1);
    });
    assert_breaks_at(
        &verify_chain(&chain),
        k as u64,
        "sealed-out-of-turn",
        chain.len() as u64,
    );
}

#[test]
fn sealed_out_of_turn_claiming_another_rank() {
    let (mut chain, keys) = chain();
    let k = 3;
    forge(&mut chain, k, &keys, |b| {
        b.header.rank = Some(b.header.rank.unwrap_or(0) + 1);
    });
    assert_breaks_at(
        &verify_chain(&chain),
        k as u64,
        "sealed-out-of-turn",
        chain.len() as u64,
    );
}

#[test]
fn sealed_out_of_turn_without_rank_or_time() {
    let (mut chain, keys) = chain();
    let k = 3;
    forge(&mut chain, k, &keys, |b| b.header.sealed_at_ms = None);
    assert_breaks_at(
        &verify_chain(&chain),
        k as u64,
        "sealed-out-of-turn",
        chain.len() as u64,
    );
}

#[test]
fn sequence_gap() {
    let (mut chain, keys) = chain();
    let (k, i) = chain
        .iter()
        .enumerate()
        .skip(2)
        .find_map(|(k, b)| {
            b.body
                .transactions
                .iter()
                .position(|t| matches!(t.body, TxBody::Generation(_)))
                .map(|i| (k, i))
        })
        .expect("a block with a reading");
    forge(&mut chain, k, &keys, |b| {
        let tx = &mut b.body.transactions[i];
        if let TxBody::Generation(g) = &mut tx.body {
            g.seq += 1;
        }
        resign(tx, &keys);
    });
    assert_breaks_at(
        &verify_chain(&chain),
        k as u64,
        "sequence-gap",
        chain.len() as u64,
    );
}

#[test]
fn a_chain_of_version_2_exports_as_a_file_of_version_2_and_imports_again() {
    use ecloud_core::chain::export::ImportError;
    use ecloud_core::Chain;
    let (blocks, _) = chain();
    let chain = Chain::from_blocks_unchecked(blocks.clone()).unwrap();
    let text = chain.to_json();
    assert!(text.contains("\"version\": 2,"), "{}", &text[..80]);
    let (again, report) = Chain::import_json(&text).expect("it imports");
    assert!(report.is_valid());
    assert_eq!(again.blocks(), &blocks[..]);
    // The same blocks in a file that says version 1 are refused as such.
    let relabelled = text.replacen("\"version\": 2,", "\"version\": 1,", 1);
    assert_eq!(
        Chain::import_json(&relabelled).unwrap_err(),
        ImportError::VersionMismatch { file: 1, blocks: 2 }
    );
}
