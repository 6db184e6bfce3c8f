//! One rule for Ed25519 signatures and keys (ZIP 215, ARCHITECTURE.md,
//! "Invariants"), seen on whole chains: a signature's verdict does not
//! depend on the batch it is checked in, and a key of small order cannot
//! enter the chain, at genesis or by a Join.

mod common;
use common::*;
use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use curve25519_dalek::Scalar;
use ecloud_core::chain::genesis::ANNE;
use ecloud_core::chain::verify::{verify_chain, verify_chain_one_by_one, Verifier};
use ecloud_core::crypto::{sha256, KeyError};
use ecloud_core::model::tx::{MembershipChange, TxBody};
use ecloud_core::{
    CommunitySpec, Hash, Keyring, MemberId, PublicKey, Role, SetupError, Signature, Wh,
};
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use sha2::{Digest, Sha512};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// The identity point, the simplest key of small order: R = B and s = 1
/// verify for it on every message.
const IDENTITY: [u8; 32] = {
    let mut bytes = [0; 32];
    bytes[0] = 1;
    bytes
};

/// Member `id`'s secret scalar a, derived as `Keyring` derives the key
/// (ChaCha20 on stream `id` of the master seed, then RFC 8032's expansion),
/// checked against the key the keyring gives.
fn secret_scalar(keys: &Keyring, id: MemberId) -> Scalar {
    let mut rng = ChaCha20Rng::from_seed(keys.master());
    rng.set_stream(u64::from(id.0));
    let mut seed = [0u8; 32];
    rng.fill_bytes(&mut seed);
    let signing = ed25519_dalek::SigningKey::from_bytes(&seed);
    assert_eq!(
        signing.verifying_key().to_bytes(),
        keys.key(id).public_key().0,
        "the keyring's derivation"
    );
    signing.to_scalar()
}

/// What only the key's holder can make: a signature over `digest` whose R
/// has the point of small order `t` added, R' = rB + T, s = r + k' a with
/// k' = H(R', A, M). The cofactorless equation refuses it unless T's part
/// cancels; ZIP 215's [8](sB - R' - k'A) = [8](-T) = identity accepts it.
fn signature_with_torsion(a: Scalar, key: &PublicKey, digest: &Hash, t: usize) -> Signature {
    let r = Scalar::from_bytes_mod_order_wide(
        &Sha512::digest([&digest.0[..], &[t as u8]].concat()).into(),
    );
    let r_bytes = (r * ED25519_BASEPOINT_POINT + EIGHT_TORSION[t])
        .compress()
        .to_bytes();
    let k = Scalar::from_bytes_mod_order_wide(
        &Sha512::new()
            .chain_update(r_bytes)
            .chain_update(key.0)
            .chain_update(digest.0)
            .finalize()
            .into(),
    );
    let s = r + k * a;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&r_bytes);
    sig[32..].copy_from_slice(s.as_bytes());
    Signature(sig)
}

#[test]
fn a_chain_with_small_order_parts_in_r_verifies_alike_at_every_batch_size() {
    let sim = sample_run(15, 12);
    let keys = sim.keys().clone();
    let mut c = sim.chain().clone();
    let mut remade = 0;
    // Seals and transaction signatures remade by their holders with a point
    // of order 2, 4 or 8 added to R (neither is hashed into any id).
    for (height, t) in [(2, 1), (5, 4), (6, 2), (9, 7), (12, 1)] {
        let block = &mut c.blocks_mut()[height];
        let sealer = block.header.sealed_by;
        let key = keys.key(sealer).public_key();
        let a = secret_scalar(&keys, sealer);
        block.seal = signature_with_torsion(a, &key, &block.hash, t);
        // The cofactorless check (ed25519-dalek's `verify`, the rule before
        // ZIP 215) refuses it.
        let old = ed25519_dalek::Verifier::verify(
            &ed25519_dalek::VerifyingKey::from_bytes(&key.0).unwrap(),
            &block.hash.0,
            &ed25519_dalek::Signature::from_bytes(&block.seal.0),
        );
        assert!(old.is_err(), "a signature the cofactorless check refuses");
        remade += 1;
        for tx in block.body.transactions.iter_mut().step_by(2) {
            let signer = tx.body.signer();
            let key = keys.key(signer).public_key();
            tx.signature = signature_with_torsion(secret_scalar(&keys, signer), &key, &tx.id, t);
            remade += 1;
        }
    }
    assert!(remade > 10, "{remade} signatures remade");
    let reference = verify_chain_one_by_one(c.blocks());
    assert!(reference.is_valid(), "{:#?}", reference.findings);
    assert_eq!(verify_chain(c.blocks()), reference);
    for batch in [1, 2, 3, 4, 5, 7, 8, 13, 64, 100, 1024] {
        let report = Verifier::new(c.blocks())
            .with_batch_size(batch)
            .finish(c.blocks());
        assert_eq!(report, reference, "batches of {batch}");
    }
    // And a real forgery among them is still found, at every batch size.
    c.blocks_mut()[7].seal.0[40] ^= 1;
    let reference = verify_chain_one_by_one(c.blocks());
    assert_breaks_at(&reference, 7, "seal-invalid", c.len() as u64);
    for batch in [1, 3, 8, 64, 1024] {
        let report = Verifier::new(c.blocks())
            .with_batch_size(batch)
            .finish(c.blocks());
        assert_eq!(report, reference, "forged, batches of {batch}");
    }
}

#[test]
fn anyone_can_sign_for_a_key_of_small_order() {
    // Why such keys are refused: R = B, s = 1 verifies for the identity on
    // any message, [8](1 B - B - k 0) = identity.
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(ED25519_BASEPOINT_POINT.compress().as_bytes());
    sig[32] = 1;
    for message in [b"a reading".as_slice(), b"a seal", b"anything"] {
        assert!(PublicKey(IDENTITY).verifies(&sha256(message), &Signature(sig)));
    }
    assert_eq!(PublicKey(IDENTITY).check(), Err(KeyError::SmallOrder));
}

/// 32 bytes that are not the encoding of a curve point.
fn not_a_point() -> [u8; 32] {
    let mut bytes = [0xff; 32];
    while curve25519_dalek::edwards::CompressedEdwardsY(bytes)
        .decompress()
        .is_some()
    {
        bytes[0] -= 1;
    }
    bytes
}

/// A chain whose last block, 1, holds a Join of Dave with `key` instead of
/// his own, re-signed by the registrar and re-sealed.
fn join_with_key(key: [u8; 32]) -> ecloud_core::Chain {
    let mut sim = seeded(48);
    sim.join("Dave", Role::Customer, Wh(0)).unwrap();
    sim.seal().unwrap();
    let keys = sim.keys().clone();
    let mut c = sim.chain().clone();
    let block = &mut c.blocks_mut()[1];
    let tx = block
        .body
        .transactions
        .iter_mut()
        .find(|t| matches!(t.body, TxBody::Membership(_)))
        .unwrap();
    let mut dave = None;
    if let TxBody::Membership(m) = &mut tx.body {
        if let MembershipChange::Join {
            member, public_key, ..
        } = &mut m.change
        {
            *public_key = PublicKey(key);
            dave = Some(*member);
        }
    }
    resign(tx, &keys);
    // The ledger as the Join would have left it, so the key is the only fault.
    let dave = dave.expect("a Join");
    block
        .body
        .ledger
        .members
        .iter_mut()
        .find(|m| m.id == dave)
        .unwrap()
        .public_key = PublicKey(key);
    reseal(block, &keys);
    c
}

#[test]
fn a_join_with_a_key_of_small_order_or_no_point_is_a_weak_key() {
    let small = [
        IDENTITY,
        EIGHT_TORSION[1].compress().0,
        EIGHT_TORSION[4].compress().0,
        // The identity written with the sign bit set (non-canonical).
        {
            let mut k = IDENTITY;
            k[31] = 0x80;
            k
        },
    ];
    for key in small.into_iter().chain([not_a_point()]) {
        let c = join_with_key(key);
        let report = c.verify();
        assert_breaks_at(&report, 1, "weak-key", c.len() as u64);
        let finding = report
            .findings_at(1)
            .find(|f| f.check.code() == "weak-key")
            .unwrap();
        assert!(
            finding.message.contains("public key is refused"),
            "{}",
            finding.message
        );
        assert_eq!(report, verify_chain_one_by_one(c.blocks()));
    }
    // The same edit with a good key is only a changed key: no finding.
    let good = join_with_key(Keyring::from_seed_number(1).key(MemberId(9)).public_key().0);
    assert!(good.verify().is_valid(), "{:#?}", good.verify().findings);
}

#[test]
fn a_genesis_member_with_a_key_of_small_order_is_a_weak_key() {
    let sim = sample_run(16, 3);
    let keys = sim.keys().clone();
    let mut c = sim.chain().clone();
    let genesis = &mut c.blocks_mut()[0];
    genesis.body.ledger.members[ANNE.0 as usize].public_key = PublicKey(IDENTITY);
    reseal(genesis, &keys);
    let report = c.verify();
    assert_breaks_at(&report, 0, "weak-key", c.len() as u64);
    let finding = report.first_failure().unwrap();
    assert!(
        finding
            .message
            .starts_with("Anne's public key is refused: it is a point of small order"),
        "{}",
        finding.message
    );
}

#[test]
fn a_community_with_a_key_of_small_order_does_not_start() {
    let keys = &Keyring::from_seed_number(17);
    let spec = CommunitySpec::default();
    let key = move |weak: [u8; 32]| {
        move |id: MemberId| {
            if id == ANNE {
                PublicKey(weak)
            } else {
                keys.key(id).public_key()
            }
        }
    };
    let err = spec.genesis_ledger(key(IDENTITY)).unwrap_err();
    assert_eq!(err, SetupError::WeakKey(ANNE, KeyError::SmallOrder));
    assert!(
        err.to_string()
            .starts_with("member #1's public key is refused"),
        "{err}"
    );
    assert_eq!(
        spec.genesis_ledger(key(not_a_point())).map(|_| ()),
        Err(SetupError::WeakKey(ANNE, KeyError::NotAPoint)),
    );
    assert!(spec
        .genesis_ledger(key(keys.key(ANNE).public_key().0))
        .is_ok());
}
