//! The ways of running verification agree: the structural checks alone, the
//! signatures alone, and the whole (batched signature checks) against the
//! reference that checks each signature alone.

mod common;
use common::*;
use ecloud_core::chain::verify::{
    chain_signatures, verify_chain, verify_chain_one_by_one, verify_signatures, verify_structure,
    Progress, Verifier,
};
use ecloud_core::crypto::BATCH_SIZE;
use ecloud_core::{Chain, Check, Report};
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
    use ecloud_core::crypto::sha256;
    use ecloud_core::encoding::canonical::{to_canonical, to_canonical_reference};
    let c = chain(7);
    let hash_of = |text: Result<String, _>| sha256(text.unwrap().as_bytes());
    for b in c.blocks() {
        assert_eq!(to_canonical(&b.header), to_canonical_reference(&b.header));
        assert_eq!(to_canonical(b.ledger()), to_canonical_reference(b.ledger()));
        // What verification hashes.
        assert_eq!(
            b.header.hash().unwrap(),
            hash_of(to_canonical_reference(&b.header))
        );
        assert_eq!(
            b.ledger().hash().unwrap(),
            hash_of(to_canonical_reference(b.ledger()))
        );
        for tx in &b.body.transactions {
            assert_eq!(to_canonical(&tx.body), to_canonical_reference(&tx.body));
            assert_eq!(
                tx.body.id().unwrap(),
                hash_of(to_canonical_reference(&tx.body))
            );
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

/// Gives the number of blocks for the next slice.
type SliceSizes = Box<dyn FnMut() -> usize>;

/// The ways a page may cut a verification into slices: a block at a time,
/// fixed and pseudo-random numbers of blocks, and one go.
fn slicings() -> Vec<(&'static str, SliceSizes)> {
    // A small linear congruential generator: the same "random" sizes on
    // every run and target, with no crate for it.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    vec![
        ("1 block at a time", Box::new(|| 1)),
        ("7 blocks at a time", Box::new(|| 7)),
        (
            "random sizes from 1 to 40",
            Box::new(move || {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (state >> 33) as usize % 40 + 1
            }),
        ),
        ("all at once", Box::new(|| usize::MAX)),
    ]
}

/// Runs `verifier` to the end in slices of `next_size()` blocks, checking
/// that progress only ends when the work has, and gives the report.
fn sliced(
    mut verifier: Verifier,
    blocks: &[ecloud_core::Block],
    next_size: &mut dyn FnMut() -> usize,
) -> Report {
    let mut slices = 0;
    loop {
        let progress = verifier.advance(blocks, next_size());
        slices += 1;
        assert!(progress.done <= progress.total);
        assert!(slices <= 10 * blocks.len() + 10, "it comes to an end");
        if progress.is_done() {
            break;
        }
    }
    verifier.finish(blocks)
}

/// Chains to verify in slices: sound, broken in its structure, with forged
/// signatures (so a batch fails, and its blocks are walked again across
/// slices), and both.
fn sound_and_tampered() -> Vec<(&'static str, Chain)> {
    let good = chain(300);
    let mut cases = vec![("sound", good.clone())];
    let mut c = good.clone();
    c.blocks_mut()[120].header.period_start_ms += 1;
    cases.push(("a header changed at block 120", c));
    let mut c = good.clone();
    c.blocks_mut()[40].body.transactions[0].signature.0[3] ^= 1;
    c.blocks_mut()[41].seal.0[3] ^= 1;
    c.blocks_mut()[260].body.transactions[1].signature.0[3] ^= 1;
    cases.push(("signatures forged at blocks 40, 41 and 260", c));
    let mut c = good.clone();
    c.blocks_mut()[200].seal.0[0] ^= 1;
    c.blocks_mut()[201].header.period_start_ms += 1;
    cases.push(("a forged seal, then a changed header", c));
    cases
}

#[test]
fn a_verifier_sliced_any_way_reports_exactly_what_verify_chain_reports() {
    for (chain_name, c) in sound_and_tampered() {
        let blocks = c.blocks();
        let whole = verify_chain(blocks);
        assert_eq!(whole, verify_chain_one_by_one(blocks), "{chain_name}");
        // Batches of 1024 signatures span many slices; batches of 5 and 64
        // end inside slices, and a slice ends inside most of them.
        for batch in [BATCH_SIZE, 64, 5, 1] {
            for (slicing, mut next_size) in slicings() {
                let verifier = Verifier::new(blocks).with_batch_size(batch);
                let report = sliced(verifier, blocks, &mut *next_size);
                assert_eq!(report, whole, "{chain_name}, batches of {batch}, {slicing}");
            }
        }
    }
}

/// Slicing must neither lose nor repeat work: every block is counted once,
/// every signature once, and a forged signature in a batch that fails and
/// is walked again across slices is reported once.
#[test]
fn slicing_neither_loses_nor_repeats_a_finding_or_a_count() {
    let good = chain(300);
    let mut c = good.clone();
    let forged = 150;
    c.blocks_mut()[forged].body.transactions[0].signature.0[7] ^= 1;
    let blocks = c.blocks();
    let sound = verify_chain(good.blocks());
    let mut verifier = Verifier::new(blocks);
    while !verifier.advance(blocks, 1).is_done() {}
    let r = verifier.finish(blocks);
    assert_eq!(r.blocks_checked, blocks.len() as u64);
    // Blocks after the broken one get the structural checks only: their
    // transactions and signatures are not checked, and not counted.
    let txs_after: u64 = blocks[forged + 1..]
        .iter()
        .map(|b| b.body.transactions.len() as u64)
        .sum();
    let seals_after = (blocks.len() - forged - 1) as u64;
    assert_eq!(
        r.transactions_checked,
        sound.transactions_checked - txs_after
    );
    assert_eq!(
        r.signatures_checked,
        sound.signatures_checked - txs_after - seals_after
    );
    assert_eq!(codes_at(&r, forged as u64), ["tx-signature-invalid"]);
    for height in 0..blocks.len() as u64 {
        let expected: &[&str] = match height {
            h if h < forged as u64 => &[],
            h if h == forged as u64 => &["tx-signature-invalid"],
            _ => &["descendant-of-broken"],
        };
        assert_eq!(codes_at(&r, height), expected, "block {height}");
    }
    assert_eq!(r.findings.len(), blocks.len() - forged);
}

#[test]
fn a_verifier_reports_its_progress_and_stops_at_the_end() {
    let c = chain(20);
    let blocks = c.blocks();
    let mut verifier = Verifier::new(blocks);
    assert_eq!(verifier.progress(), Progress { done: 0, total: 21 });
    assert!(!verifier.progress().is_done());
    assert_eq!(verifier.advance(blocks, 8), Progress { done: 8, total: 21 });
    assert_eq!(
        verifier.advance(blocks, 100),
        Progress {
            done: 21,
            total: 21
        }
    );
    assert!(
        verifier.advance(blocks, 5).is_done(),
        "nothing left to walk"
    );
    assert_eq!(verifier.finish(blocks), verify_chain(blocks));
}

#[test]
fn blocks_appended_after_it_began_are_left_to_the_next_verification() {
    let c = chain(30);
    let blocks = c.blocks();
    let at_the_click = &blocks[..12];
    let mut verifier = Verifier::new(at_the_click);
    verifier.advance(at_the_click, 5);
    // The chain grows while it runs; it is handed the longer chain.
    while !verifier.advance(blocks, 3).is_done() {}
    let r = verifier.finish(blocks);
    assert_eq!(r, verify_chain(at_the_click));
    assert_eq!(r.blocks_checked, 12);
}

#[test]
fn handed_a_shorter_chain_it_starts_again_on_that_chain() {
    let long = chain(12);
    let other = chain(4);
    let mut verifier = Verifier::new(long.blocks());
    verifier.advance(long.blocks(), 7);
    assert_eq!(
        verifier.advance(other.blocks(), 2),
        Progress { done: 2, total: 5 }
    );
    assert_eq!(
        verifier.finish(other.blocks()),
        verify_chain(other.blocks())
    );
}

#[test]
fn an_empty_chain_is_done_at_once() {
    let mut verifier = Verifier::new(&[]);
    assert!(verifier.advance(&[], 10).is_done());
    assert_eq!(verifier.finish(&[]), Report::default());
}

/// Checking only the newest blocks of a store: the same findings as a full
/// verification on the blocks it walks, nothing said of the ones before.
#[test]
fn the_newest_blocks_alone_get_the_findings_a_full_verification_gives_them() {
    use ecloud_core::Verifier;
    let sim = sample_run(41, 12);
    let blocks = sim.chain().blocks().to_vec();
    let report = Verifier::newest(&blocks, 4).finish(&blocks);
    assert!(report.is_valid(), "{:?}", report.findings);
    assert_eq!(report.blocks_checked, 4);
    for at in [10, 6] {
        let mut tampered = blocks.clone();
        tampered[at].body.ledger.members[1].balance.0 += 1;
        let full = ecloud_core::verify_chain(&tampered);
        let newest = Verifier::newest(&tampered, 4).finish(&tampered);
        if at >= tampered.len() - 4 {
            assert_eq!(newest.findings, full.findings, "block {at}");
        } else {
            assert!(newest.is_valid(), "block {at} is before the window");
            assert!(!full.is_valid());
        }
    }
    // More than the chain holds: the whole chain, as a full verification.
    assert_eq!(
        Verifier::newest(&blocks, 100).finish(&blocks),
        ecloud_core::verify_chain(&blocks)
    );
}

/// A node checks each block a peer sends against the block before it:
/// the same findings as a verification of the whole chain makes there.
#[test]
fn a_block_checked_against_its_parent_gets_a_whole_chain_s_findings() {
    use ecloud_core::chain::verify::verify_extension;
    let sim = sample_run(42, 8);
    let blocks = sim.chain().blocks().to_vec();
    for at in 1..blocks.len() {
        let report = verify_extension(&blocks[0], &blocks[at - 1], &blocks[at]);
        assert!(report.is_valid(), "block {at}: {:?}", report.findings);
        assert_eq!(report.blocks_checked, 1);
    }
    let keys = sim.keys().clone();
    let mut tampered = blocks.clone();
    tampered[5].body.ledger.members[2].balance.0 += 3;
    common::reseal(&mut tampered[5], &keys);
    let full = ecloud_core::verify_chain(&tampered);
    let alone = verify_extension(&tampered[0], &tampered[4], &tampered[5]);
    let at_5: Vec<_> = full.findings_at(5).cloned().collect();
    assert!(!at_5.is_empty());
    assert_eq!(alone.findings, at_5);
}
