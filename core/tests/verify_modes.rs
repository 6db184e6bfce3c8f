//! The ways of running verification agree: the structural checks alone, the
//! signatures alone, and the whole (batched signature checks) against the
//! reference that checks each signature alone.

mod common;
use common::*;
use ecloud_core::verify::{
    chain_signatures, verify_chain, verify_chain_one_by_one, verify_signatures, verify_structure,
};
use ecloud_core::{Chain, Check};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn chain(blocks: u64) -> Chain {
    sample_run(5, blocks).chain().clone()
}

#[test]
fn the_structural_checks_count_signatures_but_take_them_as_good() {
    let mut c = chain(4);
    let full = verify_chain(c.blocks());
    let structure = verify_structure(c.blocks());
    assert!(full.is_valid() && structure.is_valid());
    assert_eq!(structure, full);

    c.blocks_mut()[2].body.transactions[0].signature.0[5] ^= 1;
    c.blocks_mut()[3].seal.0[9] ^= 1;
    assert!(verify_structure(c.blocks()).is_valid());
    assert_eq!(
        verify_chain(c.blocks()).first_failure().map(|f| f.check),
        Some(Check::TxSignatureInvalid)
    );

    c.blocks_mut()[3].header.period_start_ms += 1;
    let r = verify_structure(c.blocks());
    assert_eq!(r.first_broken(), Some(3));
    assert_eq!(
        r.first_failure().map(|f| f.check),
        Some(Check::HashMismatch)
    );
}

#[test]
fn the_signatures_apart_are_the_ones_verification_checks() {
    let c = chain(4);
    let sigs = chain_signatures(c.blocks());
    assert_eq!(
        sigs.len() as u64,
        verify_chain(c.blocks()).signatures_checked
    );
    assert!(verify_signatures(&sigs));
    for i in [0, sigs.len() / 2, sigs.len() - 1] {
        let mut bad = sigs.clone();
        bad[i].signature.0[0] ^= 1;
        assert!(!verify_signatures(&bad), "signature {i} forged");
        let mut bad = sigs.clone();
        bad[i].digest.0[31] ^= 1;
        assert!(!verify_signatures(&bad), "digest {i} changed");
    }
}

#[test]
fn batched_and_one_by_one_verification_agree_on_good_and_forged_signatures() {
    let good = chain(6);
    assert_eq!(
        verify_chain(good.blocks()),
        verify_chain_one_by_one(good.blocks())
    );
    for (block, tx) in [(1, Some(0)), (3, Some(1)), (3, None), (6, None), (0, None)] {
        let mut c = good.clone();
        let b = &mut c.blocks_mut()[block];
        match tx {
            Some(t) => b.body.transactions[t].signature.0[1] ^= 1,
            None => b.seal.0[1] ^= 1,
        }
        let r = verify_chain(c.blocks());
        assert_eq!(
            r,
            verify_chain_one_by_one(c.blocks()),
            "block {block} tx {tx:?}"
        );
        assert_eq!(r.first_broken(), Some(block as u64));
    }
}

#[test]
fn the_one_pass_encoding_of_every_header_ledger_and_transaction_is_the_references() {
    use ecloud_core::canonical::{to_canonical, to_canonical_reference};
    let c = chain(7);
    for b in c.blocks() {
        assert_eq!(to_canonical(&b.header), to_canonical_reference(&b.header));
        assert_eq!(to_canonical(b.ledger()), to_canonical_reference(b.ledger()));
        for tx in &b.body.transactions {
            assert_eq!(to_canonical(&tx.body), to_canonical_reference(&tx.body));
            assert_eq!(to_canonical(tx), to_canonical_reference(tx));
        }
        assert_eq!(to_canonical(b), to_canonical_reference(b));
    }
}

/// Long enough for several batches of signatures: a bad signature in any
/// batch, or two, or one after another kind of break, gives exactly the
/// reference's report.
#[test]
fn batched_verification_replays_exactly_the_batch_that_fails() {
    use ecloud_core::crypto::BATCH_SIZE;
    let good = chain(300);
    let sigs = verify_chain(good.blocks()).signatures_checked as usize;
    assert!(
        sigs > 2 * BATCH_SIZE,
        "{sigs} signatures: three batches or more"
    );
    let last = good.len() - 1;
    let cases: &[&[(usize, Option<usize>)]] = &[
        &[(1, Some(0))],
        &[(last, None)],
        &[(last / 2, Some(1))],
        &[(130, None), (250, Some(0))],
        &[(40, Some(0)), (41, Some(1))],
    ];
    for &case in cases {
        let mut c = good.clone();
        for &(block, tx) in case {
            let b = &mut c.blocks_mut()[block];
            match tx {
                Some(t) => b.body.transactions[t].signature.0[2] ^= 1,
                None => b.seal.0[2] ^= 1,
            }
        }
        let r = verify_chain(c.blocks());
        assert_eq!(r, verify_chain_one_by_one(c.blocks()), "{case:?}");
        assert_eq!(r.first_broken(), Some(case[0].0 as u64), "{case:?}");
    }
    // Another kind of break first, then a bad signature in the same batch.
    let mut c = good.clone();
    c.blocks_mut()[100].header.period_start_ms += 1;
    c.blocks_mut()[101].seal.0[0] ^= 1;
    let r = verify_chain(c.blocks());
    assert_eq!(r, verify_chain_one_by_one(c.blocks()));
    assert_eq!(r.first_broken(), Some(100));
    // A bad signature early, then another kind of break.
    let mut c = good.clone();
    c.blocks_mut()[150].body.transactions[0].signature.0[0] ^= 1;
    c.blocks_mut()[152].header.period_start_ms += 1;
    let r = verify_chain(c.blocks());
    assert_eq!(r, verify_chain_one_by_one(c.blocks()));
    assert_eq!(r.first_broken(), Some(150));
}
