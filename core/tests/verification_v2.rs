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
    let chain: Vec<Block> = network.node(0).chain_blocks();
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

/// The first block from height 2 on holding a transaction `wanted`, and
/// the transaction's index.
fn first_holding(chain: &[Block], wanted: fn(&TxBody) -> bool) -> (usize, usize) {
    chain
        .iter()
        .enumerate()
        .skip(2)
        .find_map(|(k, b)| {
            b.body
                .transactions
                .iter()
                .position(|t| wanted(&t.body))
                .map(|i| (k, i))
        })
        .expect("a block holding such a transaction")
}

/// Forges block `k` of the chain through `edit` (given the block, the
/// chain as it was and the keys) and reseals it with its sealer's key;
/// verification must find `code` there and mark every later block a
/// descendant of a broken block.
fn forged_breaks(
    code: &str,
    k: impl FnOnce(&[Block]) -> usize,
    edit: impl FnOnce(&mut Block, &[Block], &[NodeKeys]),
) {
    let (mut chain, keys) = chain();
    let k = k(&chain);
    let before = chain.clone();
    edit(&mut chain[k], &before, &keys);
    reseal(&mut chain[k], &keys);
    assert_breaks_at(&verify_chain(&chain), k as u64, code, chain.len() as u64);
}

/// Edits transaction `i` of `block` as its signer would, and signs it again.
fn edit_tx(block: &mut Block, i: usize, keys: &[NodeKeys], edit: impl FnOnce(&mut TxBody)) {
    let tx = &mut block.body.transactions[i];
    edit(&mut tx.body);
    resign(tx, keys);
}

fn is_vote(body: &TxBody) -> bool {
    matches!(body, TxBody::Vote(_))
}

#[test]
fn an_untouched_chain_of_version_2_verifies() {
    let (chain, _) = chain();
    let report = verify_chain(&chain);
    assert!(report.is_valid(), "{:#?}", report.findings);
}

#[test]
fn vote_wrong_parent() {
    forged_breaks(
        "vote-wrong-parent",
        |c| first_holding(c, is_vote).0,
        |b, chain, keys| {
            let (k, i) = first_holding(chain, is_vote);
            let elsewhere = chain[k - 2].hash;
            edit_tx(b, i, keys, |body| {
                if let TxBody::Vote(v) = body {
                    v.builds_on = Some(elsewhere);
                }
            });
        },
    );
}

#[test]
fn draw_unproved() {
    forged_breaks(
        "draw-unproved",
        |c| first_holding(c, is_vote).0,
        |b, chain, keys| {
            let i = first_holding(chain, is_vote).1;
            edit_tx(b, i, keys, |body| {
                if let TxBody::Vote(v) = body {
                    // The voter's proof for another election: a real
                    // proof, of the wrong input.
                    let input = ecloud_core::crypto::sha256(b"another election");
                    v.proof = Some(keys[v.voter.0 as usize].vrf().prove(&input.0).0);
                }
            });
        },
    );
}

#[test]
fn seed_mismatch() {
    let is_election = |body: &TxBody| matches!(body, TxBody::Election(_));
    forged_breaks(
        "seed-mismatch",
        |c| first_holding(c, is_election).0,
        |b, chain, keys| {
            let i = first_holding(chain, is_election).1;
            edit_tx(b, i, keys, |body| {
                if let TxBody::Election(record) = body {
                    let chosen = ecloud_core::crypto::sha256(b"a seed of the sealer's choosing");
                    record.seed = Some(chosen);
                }
            });
        },
    );
}

#[test]
fn slot_mismatch() {
    forged_breaks(
        "slot-mismatch",
        |_| 3,
        |b, _, _| {
            b.header.period_start_ms += MARKET_PERIOD_MS;
        },
    );
}

#[test]
fn sealed_out_of_turn_before_the_turn_comes() {
    forged_breaks(
        "sealed-out-of-turn",
        |_| 3,
        |b, _, _| {
            b.header.sealed_at_ms = Some(b.header.period_start_ms - 1);
        },
    );
}

#[test]
fn sealed_out_of_turn_claiming_another_rank() {
    forged_breaks(
        "sealed-out-of-turn",
        |_| 3,
        |b, _, _| {
            b.header.rank = Some(b.header.rank.unwrap_or(0) + 1);
        },
    );
}

#[test]
fn sealed_out_of_turn_without_rank_or_time() {
    forged_breaks(
        "sealed-out-of-turn",
        |_| 3,
        |b, _, _| {
            b.header.sealed_at_ms = None;
        },
    );
}

#[test]
fn sequence_gap() {
    let is_reading = |body: &TxBody| matches!(body, TxBody::Generation(_));
    forged_breaks(
        "sequence-gap",
        |c| first_holding(c, is_reading).0,
        |b, chain, keys| {
            let i = first_holding(chain, is_reading).1;
            edit_tx(b, i, keys, |body| {
                if let TxBody::Generation(g) = body {
                    g.seq += 1;
                }
            });
        },
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
