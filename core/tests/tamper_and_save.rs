//! Tampering with history in place, re-hashing, undo; saving and restoring a run.

mod common;
use common::*;
use ecloud_core::chain::genesis::{ANNE, GEORGE};
use ecloud_core::simulation::saved::RestoreError;
use ecloud_core::simulation::tamper::{fields, Edit, TamperError};
use ecloud_core::{ActionError, Simulation, Strategy, Wh};
use serde_json::json;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn edit(height: u64, pointer: &str, value: serde_json::Value) -> Edit {
    Edit {
        height,
        pointer: pointer.into(),
        value: serde_json::from_value(value).expect("any JSON value is a Json"),
    }
}

#[test]
fn tampering_an_allocation_points_at_the_block_and_undo_restores_it() {
    let mut sim = sample_run(31, 5);
    let before = sim.chain().clone();
    sim.tamper(&edit(
        2,
        "/body/transactions/0/body/allocation/0/energy",
        json!("1"),
    ))
    .unwrap();
    assert!(sim.is_tampered());
    let r = sim.verify();
    assert_breaks_at(&r, 2, "tx-id-mismatch", 6);
    assert!(matches!(sim.seal(), Err(ActionError::HistoryTampered)));
    assert!(sim.undo_tamper());
    assert_eq!(sim.chain(), &before);
    assert!(sim.verify().is_valid());
    sim.seal().unwrap();
}

#[test]
fn rehashing_fixes_the_hash_but_not_the_seal_or_the_next_link() {
    let mut sim = sample_run(32, 5);
    sim.tamper(&edit(3, "/body/ledger/members/1/balance", json!(123_456)))
        .unwrap();
    assert_breaks_at(&sim.verify(), 3, "ledger-hash-mismatch", 6);
    sim.rehash(3).unwrap();
    let r = sim.verify();
    let codes = codes_at(&r, 3);
    assert!(
        !codes.contains(&"hash-mismatch") && !codes.contains(&"ledger-hash-mismatch"),
        "{codes:?}"
    );
    assert!(codes.contains(&"seal-invalid"), "{codes:?}");
    assert!(codes_at(&r, 4).contains(&"parent-mismatch"));
    sim.undo_all_tampering();
    assert!(sim.verify().is_valid());
}

/// A transaction id is a hash anyone can recompute: re-hashing an edited
/// allocation mends the id, the Merkle root and the block hash, and what is
/// left is what needs a key: the transaction's signature and the seal.
#[test]
fn rehashing_an_edited_allocation_moves_the_finding_to_the_signature() {
    let mut sim = sample_run(34, 5);
    let at = "/body/transactions/0/body/allocation/0/energy";
    let old = sim.chain().blocks()[2].body.transactions[0].clone();
    sim.tamper(&edit(2, at, json!(1))).unwrap();
    let codes = codes_at(&sim.verify(), 2).join(" ");
    assert!(codes.contains("tx-id-mismatch"), "{codes}");
    sim.rehash(2).unwrap();
    let r = sim.verify();
    let codes = codes_at(&r, 2);
    for gone in ["tx-id-mismatch", "merkle-mismatch", "hash-mismatch"] {
        assert!(!codes.contains(&gone), "{gone} after re-hashing: {codes:?}");
    }
    assert!(codes.contains(&"tx-signature-invalid"), "{codes:?}");
    assert!(codes.contains(&"seal-invalid"), "{codes:?}");
    let tx = &sim.chain().blocks()[2].body.transactions[0];
    assert_eq!(tx.id, tx.body.id().unwrap());
    assert_ne!(tx.id, old.id);
    assert_eq!(tx.signature, old.signature);
}

#[test]
fn a_signature_byte_a_share_and_a_bet_can_be_changed() {
    let mut sim = sample_run(33, 5);
    let sig = sim.chain().blocks()[1].body.transactions[0]
        .signature
        .to_hex();
    let flipped = format!(
        "{}{}",
        if sig.starts_with('0') { "1" } else { "0" },
        &sig[1..]
    );
    sim.tamper(&edit(1, "/body/transactions/0/signature", json!(flipped)))
        .unwrap();
    assert_breaks_at(&sim.verify(), 1, "tx-signature-invalid", 6);
    sim.undo_all_tampering();
    sim.tamper(&edit(
        4,
        "/body/ledger/members/0/role/shares/0/share",
        json!("9000"),
    ))
    .unwrap();
    assert_eq!(sim.verify().first_broken(), Some(4));
    sim.undo_all_tampering();
    let bets: Vec<String> = fields(&sim.chain().blocks()[2])
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p.ends_with("/bet"))
        .collect();
    assert!(!bets.is_empty());
    sim.tamper(&edit(2, &bets[0], json!("999999"))).unwrap();
    assert_eq!(sim.verify().first_broken(), Some(2));
}

#[test]
fn a_bad_edit_is_refused_and_changes_nothing() {
    let mut sim = sample_run(34, 2);
    let before = sim.chain().clone();
    assert!(matches!(
        sim.tamper(&edit(9, "/hash", json!("00"))),
        Err(TamperError::NoSuchBlock(9))
    ));
    assert!(matches!(
        sim.tamper(&edit(1, "/nope", json!(1))),
        Err(TamperError::NoSuchField(_))
    ));
    assert!(matches!(
        sim.tamper(&edit(1, "/header/height", json!("twelve"))),
        Err(TamperError::DoesNotFit { .. })
    ));
    assert!(matches!(
        sim.tamper(&edit(1, "/hash", json!("xyz"))),
        Err(TamperError::DoesNotFit { .. })
    ));
    assert_eq!(sim.chain(), &before);
    assert!(!sim.is_tampered());
}

#[test]
fn a_saved_run_restores_chain_keys_settings_and_pending_work() {
    let mut sim = sample_run(35, 4);
    sim.set_strategy(ANNE, Strategy::FixedPercent { percent: 7 });
    sim.set_online(GEORGE, false);
    sim.generate(GEORGE, Wh(4_321)).unwrap();
    sim.tamper(&edit(2, "/body/ledger/members/1/balance", json!(1)))
        .unwrap();
    let text = sim.save();
    let mut back = Simulation::restore(&text).unwrap();
    assert_eq!(back.chain(), &sim.untampered_chain());
    assert!(!back.is_tampered());
    assert_eq!(back.strategy(ANNE), Strategy::FixedPercent { percent: 7 });
    assert!(!back.is_online(GEORGE));
    assert_eq!(back.pending(), sim.pending());
    back.set_online(GEORGE, true);
    back.seal().unwrap();
    assert!(back.verify().is_valid());
}

#[test]
fn corrupt_storage_gives_an_error_not_a_crash() {
    let sim = sample_run(36, 2);
    let text = sim.save();
    assert!(matches!(
        Simulation::restore(""),
        Err(RestoreError::Corrupt(_))
    ));
    assert!(matches!(
        Simulation::restore("{\"format\":1}"),
        Err(RestoreError::Corrupt(_))
    ));
    assert!(matches!(
        Simulation::restore(&text[..text.len() / 2]),
        Err(RestoreError::Corrupt(_))
    ));
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["chain"]["blocks"][1]["body"]["ledger"]["members"][2]["balance"] = json!(5);
    assert!(matches!(
        Simulation::restore(&v.to_string()),
        Err(RestoreError::Invalid(_))
    ));
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["master"] = json!("00".repeat(32));
    assert!(matches!(
        Simulation::restore(&v.to_string()),
        Err(RestoreError::WrongKeys)
    ));
}

/// Exported with its keys on Monday, imported on Tuesday on another
/// machine: the run goes on, sealing blocks that verify.
#[test]
fn a_run_exported_with_its_keys_goes_on_elsewhere() {
    let mut sim = sample_run(35, 4);
    sim.generate(GEORGE, Wh(77)).unwrap();
    let file = sim.export_with_keys();
    assert!(file.contains("\"private\": \"PRIVATE: this file holds the secret keys"));
    let mut tuesday = Simulation::restore(&file).unwrap();
    assert_eq!(tuesday.chain(), sim.chain());
    assert_eq!(tuesday.pending(), sim.pending());
    assert!(tuesday.holds_keys());
    tuesday.seal().unwrap();
    sim.seal().unwrap();
    assert_eq!(tuesday.chain().tip().hash, sim.chain().tip().hash);
    assert!(tuesday.verify().is_valid());
}
