//! Published test vectors for the edge cases of Ed25519 validation, each
//! judged by the chain's rule (ZIP 215) one by one and in batches. These
//! run natively and in headless Chromium, where a batch's sum is
//! ecloud-curve's.
//!
//! - ZIP 215's 196 small-order cases: every pair (A, R) of 14 encodings of
//!   points of small order (the eight canonical ones and six non-canonical
//!   ones), s = 0, message "Zcash"; all valid by ZIP 215. Generated as
//!   penumbra-zone/ed25519-consensus generates them (tests/small_order.rs,
//!   tests/util/mod.rs; the same in ZcashFoundation/ed25519-zebra).
//! - "Taming the many EdDSAs" (Chalkias, Garillot, Nikolaenko, SSR 2020):
//!   the edge-case vectors of novifinancial/ed25519-speccheck, cases.json
//!   (15 cases, 0 to 14, at commit d2b2ba5; the paper's table has the first
//!   twelve), with the verdict its README's results table gives for Zebra,
//!   the ZIP 215 implementation.

use crate::crypto::batch::{verify_batch_merged, SignatureBatch};
use crate::crypto::ed25519::{verify, KeyError, PublicKey, Signature};
use crate::crypto::hash::Hash;
use crate::encoding::hex::from_hex;
use curve25519_dalek::constants::EIGHT_TORSION;
use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_dalek::VerifyingKey;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// The 14 encodings of ZIP 215's vectors, in their generator's order:
/// curve25519-dalek's `EIGHT_TORSION` compressed, then the first six of
/// `non_canonical_point_encodings` (those of small order).
const SMALL_ORDER_ENCODINGS: [&str; 14] = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    // Non-canonical: y = 1 and y = p - 1 with the sign bit (x = 0), then
    // y = p (that is 0) and y = p + 1 (that is 1), each with either sign.
    "0100000000000000000000000000000000000000000000000000000000000080",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
];

fn small_order_encodings() -> Vec<[u8; 32]> {
    SMALL_ORDER_ENCODINGS
        .iter()
        .map(|e| from_hex::<32>(e).unwrap())
        .collect()
}

/// A signature from its halves.
fn signature(r: &[u8; 32], s: &[u8; 32]) -> Signature {
    let mut sig = [0; 64];
    sig[..32].copy_from_slice(r);
    sig[32..].copy_from_slice(s);
    Signature(sig)
}

/// One signature checked in a batch of its own.
fn batch_of_one(key: &VerifyingKey, message: &[u8], sig: &Signature) -> bool {
    verify_batch_merged(&[message], &[*sig], &[0], &[*key])
}

#[test]
fn the_small_order_encodings_are_those_of_the_zip_215_generator() {
    let encodings = small_order_encodings();
    for (i, t) in EIGHT_TORSION.iter().enumerate() {
        assert_eq!(t.compress().0, encodings[i], "torsion point {i}");
    }
    for e in &encodings[8..] {
        let point = CompressedEdwardsY(*e).decompress().expect("a point");
        assert!(point.is_small_order());
        assert_ne!(point.compress().0, *e, "non-canonical");
    }
}

#[test]
fn zip_215_small_order_vectors_are_all_valid_alone_and_in_batches() {
    let encodings = small_order_encodings();
    let keys: Vec<VerifyingKey> = encodings
        .iter()
        .map(|a| VerifyingKey::from_bytes(a).expect("a point"))
        .collect();
    let zero = [0u8; 32];
    let mut one = [0u8; 32];
    one[0] = 1;
    // l = 2^252 + 27742317777372353535851937790883648493, the group order:
    // s = l is zero written non-canonically.
    let l: [u8; 32] =
        from_hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010").unwrap();
    let (mut messages, mut sigs, mut signers) = (Vec::new(), Vec::new(), Vec::new());
    for (i, key) in keys.iter().enumerate() {
        for r in &encodings {
            let sig = signature(r, &zero);
            assert!(verify(key, b"Zcash", &sig), "A {i}, R {r:02x?}");
            assert!(
                batch_of_one(key, b"Zcash", &sig),
                "A {i}, R {r:02x?}: batch"
            );
            messages.push(&b"Zcash"[..]);
            sigs.push(sig);
            signers.push(i);
            // Controls: s = 1 leaves [8]B, of order l: invalid; s = l is
            // not canonical: invalid.
            for s in [one, l] {
                let bad = signature(r, &s);
                assert!(!verify(key, b"Zcash", &bad), "A {i}, s {s:02x?}");
                assert!(!batch_of_one(key, b"Zcash", &bad));
            }
        }
    }
    assert_eq!(sigs.len(), 196);
    assert!(verify_batch_merged(&messages, &sigs, &signers, &keys));
    // One bad signature among the 196 fails the batch.
    sigs[100] = signature(&encodings[3], &one);
    assert!(!verify_batch_merged(&messages, &sigs, &signers, &keys));
}

#[test]
fn small_order_keys_may_not_enter_the_chain() {
    for e in small_order_encodings() {
        assert_eq!(PublicKey(e).check(), Err(KeyError::SmallOrder), "{e:02x?}");
    }
    let not_a_point = (0u8..=255)
        .map(|b| [b; 32])
        .find(|bytes| CompressedEdwardsY(*bytes).decompress().is_none())
        .expect("half of all byte strings are no point");
    assert_eq!(PublicKey(not_a_point).check(), Err(KeyError::NotAPoint));
    let key = crate::crypto::ed25519::SecretKey::from_bytes([7; 32]).public_key();
    assert_eq!(key.check(), Ok(()));
}

/// novifinancial/ed25519-speccheck, cases.json (commit d2b2ba5): message,
/// public key, signature, and whether ZIP 215 accepts it (Zebra's row of
/// the README's results: V V V V V V V V V X X X V V V).
const SPECCHECK: [(&str, &str, &str, bool); 15] = [
    // 0-1: S = 0, R and A of small order.
    (
        "2a66241a42a9ee12994d8068dcf1bb7dfc6637b45450acd43711f637fa5080fc",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a0000000000000000000000000000000000000000000000000000000000000000",
        true,
    ),
    (
        "8c93255d71dcab10e8f379c26200f3c7bd5f09d9bc3068d3ef4edeb4853022b6",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a0000000000000000000000000000000000000000000000000000000000000000",
        true,
    ),
    // 2-3: S > 0, R mixed order, A of small order.
    (
        "9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04",
        true,
    ),
    (
        "9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04",
        true,
    ),
    // 4-5: S > 0, R of small order, A mixed order.
    (
        "9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41",
        "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa182ef1a5b928da07fec769cc8a12db6bcf70dab3f3227fa315e9d5e3e01a3405",
        true,
    ),
    (
        "aebf3f2601a0c8c5d39cc7d8911642f740b78168218da8471772b35f9d35b9ab",
        "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa8c4bd45aecaca5b24fb97bc10ac27ac8751a7dfe1baff8b953ec9f5833ca260e",
        true,
    ),
    // 6-7: S > 0, R and A mixed order.
    (
        "9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79",
        "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
        "9046a64750444938de19f227bb80485e92b83fdb4b6506c160484c016cc1852f87909e14428a7a1d62e9f22f3d3ad7802db02eb2e688b6c52fcd6648a98bd009",
        true,
    ),
    (
        "e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c",
        "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
        "160a1cb0dc9c0258cd0a7d23e94d8fa878bcb1925f2c64246b2dee1796bed5125ec6bc982a269b723e0668e540911a9a6a58921d6925e434ab10aa7940551a09",
        true,
    ),
    // 8: passes only if [8]R + [8k]A is not computed with k pre-reduced
    // mod l before the cofactor (ours multiplies the whole sum by 8).
    (
        "e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c",
        "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
        "21122a84e0b5fca4052f5b1235c80a537878b38f3142356b2c2384ebad4668b7e40bc836dac0f71076f9abe3a53f9c03c1ceeeddb658d0030494ace586687405",
        true,
    ),
    // 9-10: S >= l (10 so large its top bit is set): not canonical.
    (
        "85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40",
        "442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623",
        "e96f66be976d82e60150baecff9906684aebb1ef181f67a7189ac78ea23b6c0e547f7690a0e2ddcd04d87dbc3490dc19b3b3052f7ff0538cb68afb369ba3a514",
        false,
    ),
    (
        "85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40",
        "442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623",
        "8ce5b96c8f26d0ab6c47958c9e68b937104cd36e13c33566acd2fe8d38aa19427e71f98a473474f2f13f06f97c20d58cc3f54b8bd0d272f42b695dd7e89a8c22",
        false,
    ),
    // 11-12: R non-canonical (y = p - 1 with the sign bit) and of small
    // order; 11 was made hashing R re-encoded, 12 hashing R as written,
    // which is what ZIP 215 hashes.
    (
        "9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41",
        "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff03be9678ac102edcd92b0210bb34d7428d12ffc5df5f37e359941266a4e35f0f",
        false,
    ),
    (
        "9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41",
        "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffca8c5b64cd208982aa38d4936621a4775aa233aa0505711d8fdcfdaa943d4908",
        true,
    ),
    // 13-14: A non-canonical (y = p - 1 with the sign bit), of small order.
    (
        "e96b7021eb39c1a163b6da4e3093dcd3f21387da4cc4572be588fafae23c155b",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dca5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04",
        true,
    ),
    (
        "39a591f5321bbe07fd5a23dc2f39d025d74526615746727ceefd6e82ae65c06f",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dca5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04",
        true,
    ),
];

struct Case {
    message: Hash,
    key: PublicKey,
    signature: Signature,
    valid: bool,
}

fn speccheck() -> Vec<Case> {
    SPECCHECK
        .iter()
        .map(|(m, k, s, valid)| Case {
            message: Hash(from_hex(m).unwrap()),
            key: PublicKey(from_hex(k).unwrap()),
            signature: Signature(from_hex(s).unwrap()),
            valid: *valid,
        })
        .collect()
}

#[test]
fn taming_the_many_eddsas_vectors_are_judged_as_zip_215_judges_them() {
    let cases = speccheck();
    for (i, case) in cases.iter().enumerate() {
        let alone = case.key.verifies(&case.message, &case.signature);
        assert_eq!(alone, case.valid, "case {i}, one by one");
        let mut batch = SignatureBatch::new();
        let in_batch = batch.push(&case.key, &case.message, &case.signature) && batch.verify();
        assert_eq!(in_batch, case.valid, "case {i}, in a batch");
        let vk = VerifyingKey::from_bytes(&case.key.0).expect("every key is a point");
        assert_eq!(
            batch_of_one(&vk, &case.message.0, &case.signature),
            case.valid,
            "case {i}, the merged equation"
        );
    }
    // All the valid ones in one batch (keys merged: several share one).
    let mut batch = SignatureBatch::new();
    for case in cases.iter().filter(|c| c.valid) {
        assert!(batch.push(&case.key, &case.message, &case.signature));
    }
    assert_eq!(batch.len(), 12);
    assert!(batch.verify());
    // Each invalid one that reaches the equation (s canonical) fails it.
    for (i, case) in cases.iter().enumerate().filter(|(_, c)| !c.valid) {
        let mut with_bad = SignatureBatch::new();
        for c in cases.iter().filter(|c| c.valid) {
            with_bad.push(&c.key, &c.message, &c.signature);
        }
        let pushed = with_bad.push(&case.key, &case.message, &case.signature);
        assert!(!(pushed && with_bad.verify()), "case {i} among valid ones");
    }
}

#[test]
fn speccheck_keys_of_small_order_may_not_enter_the_chain() {
    let expected = |key: &str| match key {
        // Order 8, and y = p - 1 with the sign bit (order 2).
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"
        | "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff" => {
            Err(KeyError::SmallOrder)
        }
        // Mixed order (a small-order part), or of order l: accepted.
        _ => Ok(()),
    };
    for (_, key, _, _) in SPECCHECK {
        assert_eq!(
            PublicKey(from_hex(key).unwrap()).check(),
            expected(key),
            "{key}"
        );
    }
}
