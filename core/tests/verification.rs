//! SPEC section 7: a tamper test for every verification code. Each breaks
//! one thing in one block and checks that verification names that block
//! and that rule, and marks every later block as a descendant.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests and benchmarks are not in the page"
)]

mod common;
use common::*;
use ecloud_core::chain::genesis::{ANNE, BOB, GEORGE};
use ecloud_core::model::tx::{Allocation, ShareUpdate, TxBody};
use ecloud_core::{BasisPoints, Chain, Check, Keyring, MemberId, Share, ShareTable, Wh};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const SEED: u64 = 11;
const BLOCKS: u64 = 6;
/// The block every test tampers with (it holds two generations, no share update).
const K: usize = 2;

fn chain() -> (Chain, Keyring) {
    let sim = sample_run(SEED, BLOCKS - 1);
    (sim.chain().clone(), sim.keys().clone())
}

fn len(c: &Chain) -> u64 {
    c.len() as u64
}

fn generation(c: &mut Chain, block: usize, tx: usize) -> &mut ecloud_core::model::tx::Generation {
    match &mut c.blocks_mut()[block].body.transactions[tx].body {
        TxBody::Generation(g) => g,
        other => panic!("expected a generation, found {other:?}"),
    }
}

#[test]
fn an_untouched_chain_verifies_with_its_counts() {
    let (c, _) = chain();
    let r = c.verify();
    assert!(r.is_valid(), "{:#?}", r.findings);
    assert_eq!(r.blocks_checked, BLOCKS);
    let txs: u64 = c
        .blocks()
        .iter()
        .map(|b| b.body.transactions.len() as u64)
        .sum();
    assert_eq!(r.transactions_checked, txs);
    assert_eq!(r.signatures_checked, txs + BLOCKS);
}

#[test]
fn every_code_is_distinct_and_kebab_case() {
    let mut codes: Vec<&str> = Check::ALL.iter().map(|c| c.code()).collect();
    assert!(codes
        .iter()
        .all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-')));
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), Check::ALL.len());
    for c in Check::ALL {
        assert_eq!(serde_json::to_value(c).unwrap(), c.code());
    }
}

#[test]
fn a_changed_header_field_breaks_the_hash() {
    let (mut c, _) = chain();
    c.blocks_mut()[K].header.period_start_ms += 1;
    assert_breaks_at(&c.verify(), K as u64, "hash-mismatch", len(&c));
}

#[test]
fn a_changed_recorded_hash_breaks_its_block_and_the_childs_parent_link() {
    let (mut c, _) = chain();
    c.blocks_mut()[K].hash.0[0] ^= 1;
    let r = c.verify();
    assert_breaks_at(&r, K as u64, "hash-mismatch", len(&c));
    assert!(codes_at(&r, K as u64 + 1).contains(&"parent-mismatch"));
}

#[test]
fn rehashing_a_tampered_block_leaves_the_seal_and_the_next_link_broken() {
    let (mut c, _) = chain();
    let b = &mut c.blocks_mut()[K];
    b.body.ledger.member_mut(ANNE).unwrap().balance.0 += 1_000;
    b.header.ledger_hash = b.body.ledger.hash().unwrap();
    b.hash = b.header.hash().unwrap();
    let r = c.verify();
    assert_breaks_at(&r, K as u64, "seal-invalid", len(&c));
    assert!(codes_at(&r, K as u64).contains(&"ledger-mismatch"));
    assert!(codes_at(&r, K as u64 + 1).contains(&"parent-mismatch"));
}

#[test]
fn a_wrong_parent_link_is_named() {
    let (mut c, keys) = chain();
    c.blocks_mut()[K].header.parent.0[5] ^= 1;
    reseal(&mut c.blocks_mut()[K], &keys);
    assert_breaks_at(&c.verify(), K as u64, "parent-mismatch", len(&c));
}

#[test]
fn a_skipped_height_is_named() {
    let (mut c, keys) = chain();
    c.blocks_mut()[K].header.height += 1;
    reseal(&mut c.blocks_mut()[K], &keys);
    let r = c.verify();
    assert_breaks_at(&r, K as u64, "height-not-sequential", len(&c));
    assert!(codes_at(&r, K as u64 + 1).contains(&"height-not-sequential"));
}

#[test]
fn time_going_backwards_is_named() {
    let (mut c, keys) = chain();
    c.blocks_mut()[K].header.period_start_ms = 0;
    reseal(&mut c.blocks_mut()[K], &keys);
    assert_breaks_at(&c.verify(), K as u64, "time-backwards", len(&c));
}

#[test]
fn an_unknown_version_is_named() {
    let (mut c, keys) = chain();
    c.blocks_mut()[K].header.version = 9;
    reseal(&mut c.blocks_mut()[K], &keys);
    assert_breaks_at(&c.verify(), K as u64, "version-unknown", len(&c));
}

#[test]
fn a_wrong_merkle_root_is_named() {
    let (mut c, _) = chain();
    c.blocks_mut()[K].header.merkle_root.0[0] ^= 1;
    assert_breaks_at(&c.verify(), K as u64, "merkle-mismatch", len(&c));
}

#[test]
fn a_changed_ledger_breaks_the_ledger_hash_and_conservation() {
    let (mut c, _) = chain();
    c.blocks_mut()[K]
        .body
        .ledger
        .member_mut(BOB)
        .unwrap()
        .balance
        .0 += 1;
    let r = c.verify();
    assert_breaks_at(&r, K as u64, "ledger-hash-mismatch", len(&c));
    assert!(codes_at(&r, K as u64).contains(&"energy-not-conserved"));
    assert!(codes_at(&r, K as u64).contains(&"ledger-mismatch"));
}

#[test]
fn tokens_out_of_thin_air_are_named() {
    let (mut c, keys) = chain();
    c.blocks_mut()[K]
        .body
        .ledger
        .member_mut(BOB)
        .unwrap()
        .tokens
        .0 += 5;
    reseal(&mut c.blocks_mut()[K], &keys);
    let r = c.verify();
    assert_breaks_at(&r, K as u64, "tokens-not-conserved", len(&c));
    assert!(codes_at(&r, K as u64).contains(&"ledger-mismatch"));
}

#[test]
fn energy_moved_between_members_is_a_ledger_mismatch_even_when_conserved() {
    let (mut c, keys) = chain();
    let l = &mut c.blocks_mut()[K].body.ledger;
    l.member_mut(BOB).unwrap().balance.0 -= 1;
    l.member_mut(ANNE).unwrap().balance.0 += 1;
    reseal(&mut c.blocks_mut()[K], &keys);
    let r = c.verify();
    assert_breaks_at(&r, K as u64, "ledger-mismatch", len(&c));
    assert!(!codes_at(&r, K as u64).contains(&"energy-not-conserved"));
}

#[test]
fn a_changed_transaction_breaks_its_id() {
    let (mut c, _) = chain();
    generation(&mut c, K, 0).allocation[0].energy.0 += 1;
    let r = c.verify();
    assert_breaks_at(&r, K as u64, "tx-id-mismatch", len(&c));
    let f = r
        .findings_at(K as u64)
        .find(|f| f.check == Check::TxIdMismatch)
        .unwrap();
    assert_eq!(f.tx, Some(0));
}

#[test]
fn a_forged_signature_is_named() {
    let (mut c, _) = chain();
    c.blocks_mut()[K].body.transactions[1].signature.0[3] ^= 1;
    assert_breaks_at(&c.verify(), K as u64, "tx-signature-invalid", len(&c));
}

#[test]
fn a_transaction_signed_by_someone_else_is_named() {
    let (mut c, keys) = chain();
    let tx = &mut c.blocks_mut()[K].body.transactions[0];
    tx.signature = keys.key(ANNE).sign(&tx.id);
    assert_breaks_at(&c.verify(), K as u64, "tx-signature-invalid", len(&c));
}

#[test]
fn a_forged_seal_is_named() {
    let (mut c, _) = chain();
    c.blocks_mut()[K].seal.0[0] ^= 1;
    assert_breaks_at(&c.verify(), K as u64, "seal-invalid", len(&c));
}

#[test]
fn a_block_sealed_by_someone_not_elected_is_named() {
    let (mut c, keys) = chain();
    // The previous sealer can be neither the elected miner nor the runner-up.
    let outsider = c.blocks()[K - 1].header.sealed_by;
    c.blocks_mut()[K].header.sealed_by = outsider;
    reseal(&mut c.blocks_mut()[K], &keys);
    let r = c.verify();
    assert_breaks_at(&r, K as u64, "sealer-not-elected", len(&c));
    assert!(
        !codes_at(&r, K as u64).contains(&"seal-invalid"),
        "the outsider's own seal is valid"
    );
}

#[test]
fn a_wrong_next_miner_is_named() {
    let (mut c, keys) = chain();
    // The sealer can never be elected to seal the next block.
    c.blocks_mut()[K].header.next_miner = c.blocks()[K].header.sealed_by;
    reseal(&mut c.blocks_mut()[K], &keys);
    assert_breaks_at(&c.verify(), K as u64, "next-miner-mismatch", len(&c));
}

#[test]
fn a_replayed_reading_is_named() {
    let (mut c, keys) = chain();
    let old = c.blocks()[K - 1].body.transactions[0].clone();
    c.blocks_mut()[K].body.transactions.push(old);
    reseal(&mut c.blocks_mut()[K], &keys);
    assert_breaks_at(&c.verify(), K as u64, "sequence-replayed", len(&c));
}

/// Changes a generation in block K with the generator's key in hand, then
/// re-signs and reseals, so only the rule itself can catch it.
fn forge_generation(
    edit: impl FnOnce(&mut ecloud_core::model::tx::Generation),
) -> (Chain, ecloud_core::Report) {
    let (mut c, keys) = chain();
    edit(generation(&mut c, K, 0));
    resign(&mut c.blocks_mut()[K].body.transactions[0], &keys);
    reseal(&mut c.blocks_mut()[K], &keys);
    let r = c.verify();
    (c, r)
}

#[test]
fn an_allocation_that_disagrees_with_the_share_table_is_named() {
    let (c, r) = forge_generation(|g| {
        g.allocation[0].energy.0 -= 1;
        g.allocation[1].energy.0 += 1;
    });
    assert_breaks_at(&r, K as u64, "allocation-mismatch", len(&c));
}

#[test]
fn wrongly_minted_tokens_are_named() {
    let (c, r) = forge_generation(|g| g.minted[0].tokens.0 += 1);
    assert_breaks_at(&r, K as u64, "mint-mismatch", len(&c));
}

#[test]
fn a_reading_in_the_wrong_period_is_named() {
    let (c, r) = forge_generation(|g| g.period += 1);
    assert_breaks_at(&r, K as u64, "period-mismatch", len(&c));
}

#[test]
fn generation_beyond_capacity_is_named() {
    let (c, r) = forge_generation(|g| {
        g.energy = Wh(2_000_000);
        g.allocation = vec![
            Allocation {
                member: ANNE,
                energy: Wh(1_000_000),
            },
            Allocation {
                member: BOB,
                energy: Wh(600_000),
            },
            Allocation {
                member: MemberId(3),
                energy: Wh(400_000),
            },
        ];
    });
    assert_breaks_at(&r, K as u64, "capacity-exceeded", len(&c));
}

#[test]
fn a_zero_reading_is_named() {
    let (c, r) = forge_generation(|g| g.energy = Wh(0));
    assert_breaks_at(&r, K as u64, "zero-energy", len(&c));
}

#[test]
fn a_generation_by_a_customer_is_named() {
    let (mut c, keys) = chain();
    let tx = &mut c.blocks_mut()[K].body.transactions[0];
    if let TxBody::Generation(g) = &mut tx.body {
        g.generator = ANNE;
    }
    resign(tx, &keys);
    reseal(&mut c.blocks_mut()[K], &keys);
    assert_breaks_at(&c.verify(), K as u64, "not-a-generator", len(&c));
}

#[test]
fn a_transaction_by_a_stranger_is_named() {
    let (mut c, keys) = chain();
    let tx = &mut c.blocks_mut()[K].body.transactions[0];
    if let TxBody::Generation(g) = &mut tx.body {
        g.generator = MemberId(77);
    }
    resign(tx, &keys);
    reseal(&mut c.blocks_mut()[K], &keys);
    let r = c.verify();
    assert_breaks_at(&r, K as u64, "unknown-member", len(&c));
    assert!(codes_at(&r, K as u64).contains(&"tx-signature-invalid"));
}

#[test]
fn a_share_update_that_is_not_100_percent_is_named() {
    let (mut c, keys) = chain();
    // Forge a table around the constructor, as a file could.
    let bad: ShareTable = serde_json::from_value(serde_json::json!([
        {"member": 1, "share": 6000}, {"member": 2, "share": 3000}, {"member": 3, "share": 2000}
    ]))
    .unwrap();
    let seq = c.blocks()[K].ledger().member(GEORGE).unwrap().seq + 1;
    let body = TxBody::ShareUpdate(ShareUpdate {
        generator: GEORGE,
        seq,
        shares: bad,
    });
    let tx = ecloud_core::model::tx::Transaction::sign(body, &keys.key(GEORGE)).unwrap();
    c.blocks_mut()[K].body.transactions.push(tx);
    reseal(&mut c.blocks_mut()[K], &keys);
    assert_breaks_at(&c.verify(), K as u64, "share-table-invalid", len(&c));
    let _ = (
        BasisPoints(0),
        Share {
            member: ANNE,
            share: BasisPoints(0),
        },
    );
}

#[test]
fn a_malformed_genesis_is_named() {
    let (mut c, keys) = chain();
    c.blocks_mut()[0].header.parent.0[0] = 1;
    reseal(&mut c.blocks_mut()[0], &keys);
    assert_breaks_at(&c.verify(), 0, "genesis-invalid", len(&c));
}

#[test]
fn a_tampered_genesis_ledger_is_named() {
    let (mut c, _) = chain();
    c.blocks_mut()[0]
        .body
        .ledger
        .member_mut(ANNE)
        .unwrap()
        .balance
        .0 = 500;
    assert_breaks_at(&c.verify(), 0, "ledger-hash-mismatch", len(&c));
}

#[test]
fn a_tamper_in_the_last_block_breaks_only_the_last_block() {
    let (mut c, _) = chain();
    let last = c.len() - 1;
    c.blocks_mut()[last].seal.0[9] ^= 1;
    let r = c.verify();
    assert_eq!(r.first_broken(), Some(last as u64));
    assert!(r.findings.iter().all(|f| f.height == last as u64));
}

#[test]
fn every_finding_has_a_sentence() {
    let (mut c, _) = chain();
    c.blocks_mut()[K].header.merkle_root.0[0] ^= 1;
    for f in &c.verify().findings {
        assert!(f.message.len() > 20 && !f.message.contains("{"), "{f:?}");
    }
}
