//! Many Ed25519 signatures checked together: one random linear combination
//! of their equations, each signer's key terms merged, judged by the same
//! rule as one signature alone (ZIP 215's, `ed25519.rs`).

use crate::crypto::ed25519::{challenge_hash, KeyCache, PublicKey, Signature, SignedDigest};
use crate::crypto::hash::Hash;
use ed25519_dalek::VerifyingKey;
use sha2::Digest as _;

/// How many signatures are checked together in a batch. The batch equation's
/// multiscalar multiplication gains little past about a thousand points
/// (curve25519-dalek's Pippenger window stops growing), and a failed batch is
/// re-checked one by one, so not more.
pub const BATCH_SIZE: usize = 1024;

/// Signatures gathered to be verified together: [`verify_batch_merged`]
/// checks one random linear combination of all their equations, with each
/// signer's key terms merged: on a chain's few signers 1.6-1.8x as fast
/// per signature as ed25519-dalek's `verify_batch`, and about 4x one by one
/// (docs/PERFORMANCE.md). It says only whether all are good; a caller that
/// needs to name a bad one checks them again one by one.
///
/// A batch judges every signature as [`PublicKey::verifies`] judges it
/// alone, whatever else is in the batch and however many: both apply ZIP
/// 215's cofactored rule (see [`verify_batch_merged`]), so a batch fails
/// exactly when one of its signatures is bad (but for a 2^-128 chance that
/// a bad one passes). [`verify_chain`] and [`verify_chain_one_by_one`] thus
/// give the same report at every batch size.
///
/// [`verify_chain`]: crate::chain::verify::verify_chain
/// [`verify_chain_one_by_one`]: crate::chain::verify::verify_chain_one_by_one
#[derive(Default)]
pub struct SignatureBatch {
    keys: KeyCache,
    digests: Vec<Hash>,
    signatures: Vec<Signature>,
    /// Each signature's key, as an index in `keys.decoded`.
    signers: Vec<usize>,
}

impl SignatureBatch {
    pub fn new() -> SignatureBatch {
        SignatureBatch::default()
    }

    pub fn len(&self) -> usize {
        self.digests.len()
    }

    pub fn is_empty(&self) -> bool {
        self.digests.is_empty()
    }

    pub fn clear(&mut self) {
        self.digests.clear();
        self.signatures.clear();
        self.signers.clear();
    }

    /// Adds a signature to the batch. False when it is already known bad by
    /// the rule, without the equation: a key that is not a curve point, or
    /// an s that is not below the group order (both cheap to see, and
    /// refused one by one as well).
    pub fn push(&mut self, key: &PublicKey, digest: &Hash, signature: &Signature) -> bool {
        let Some(signer) = self.keys.index(key) else {
            return false;
        };
        if !canonical_s(signature) {
            return false;
        }
        self.digests.push(*digest);
        self.signatures.push(*signature);
        self.signers.push(signer);
        true
    }

    /// Checks one signature by itself, exactly as [`PublicKey::verifies`].
    pub fn check_alone(&mut self, key: &PublicKey, digest: &Hash, signature: &Signature) -> bool {
        self.keys.verifies(key, digest, signature)
    }

    /// Whether every signature in the batch verifies (true for none): one
    /// batch equation over all of them.
    pub fn verify(&self) -> bool {
        verify_batch_merged(
            &self.digests,
            &self.signatures,
            &self.signers,
            &self.keys.decoded,
        )
    }
}

/// Ed25519 batch verification with each signer's key terms merged: whether
/// signature `signatures[i]` by key `keys[signers[i]]` over `messages[i]`
/// holds for every i (true for none), by ZIP 215's rule, the rule of
/// [`verify`](crate::crypto::ed25519::verify) for one signature.
///
/// For random 128-bit z_i and k_i = SHA-512(R_i || A_i || M_i) mod l, it
/// checks
///
///   [8] (-(Σ z_i s_i) B + Σ z_i R_i + Σ (z_i k_i) A_i) = identity
///
/// with the key terms gathered per key first, Σ_A (Σ_{i: A_i = A} z_i k_i) A:
/// n points with 128-bit scalars (the R_i), one per distinct key, and B.
/// A chain has a handful of signers, so that is about half the work of
/// ed25519-dalek's `verify_batch` (2n + 1 points, n keys with full scalars)
/// or less.
///
/// Why it judges as one by one: each signature's own equation,
/// [8](s_i B - R_i - k_i A_i) = identity, is the same point equation times
/// the cofactor. Multiplied by 8, every point lies in the subgroup of prime
/// order l, where scalars mod l are exact, so the merged sum (scalars
/// reduced mod l, terms regrouped) is the same point as Σ z_i times each
/// equation. If every signature holds, the sum is the identity whatever
/// the z_i; if one does not, its [8](...) is a point of order l, and the
/// sum is the identity only for one value of its z_i mod l (a 2^-128
/// chance). A small-order part of R_i or A_i (R + T, A + T) is killed by
/// the 8 in both, so it cannot make a signature pass alone and fail in a
/// batch, or the other way round, as it could with the cofactorless
/// equation.
///
/// The checks are those of the single rule: s_i must be canonical (below
/// l), R_i and A_i must decode (non-canonical encodings accepted, as
/// curve25519-dalek's `decompress` reads them), and k_i hashes R_i's and
/// A_i's bytes as given.
///
/// The z_i, as in ed25519-dalek 2, are deterministic: derived from a
/// transcript of everything in the batch (every H(R_i || A_i || M_i), which
/// binds R_i, A_i and M_i since R and A have fixed lengths, and every s_i),
/// so whoever chooses the signatures cannot choose them after seeing the z_i.
/// ed25519-dalek builds the transcript with merlin (STROBE over Keccak);
/// here it is SHA-512, which the equation needs anyway for the k_i: no
/// second hash function in the page, and the same role (a collision-resistant
/// digest of the transcript, then SHA-512 in counter mode over that digest as
/// the generator of the z_i).
pub fn verify_batch_merged<M: AsRef<[u8]>>(
    messages: &[M],
    signatures: &[Signature],
    signers: &[usize],
    keys: &[VerifyingKey],
) -> bool {
    use curve25519_dalek::Scalar;
    use sha2::Sha512;

    let n = signatures.len();
    assert!(
        messages.len() == n && signers.len() == n,
        "one message and one signer per signature"
    );
    if n == 0 {
        return true;
    }

    // k_i = H(R_i || A_i || M_i), and the transcript of the whole batch.
    let mut transcript = Sha512::new();
    transcript.update(b"E-Cloud Ed25519 batch verification, keys merged");
    transcript.update((n as u64).to_le_bytes());
    let mut challenges = Vec::with_capacity(n);
    for ((sig, &signer), message) in signatures.iter().zip(signers).zip(messages) {
        let hash = challenge_hash(&sig.0[..32], keys[signer].as_bytes(), message.as_ref());
        transcript.update(hash);
        transcript.update(&sig.0[32..]);
        challenges.push(Scalar::from_bytes_mod_order_wide(&hash));
    }
    let seed: [u8; 64] = transcript.finalize().into();

    // Four 128-bit z_i from each SHA-512(seed || counter).
    let mut zs = Vec::with_capacity(n);
    for counter in 0..n.div_ceil(4) as u64 {
        let block: [u8; 64] = Sha512::new()
            .chain_update(seed)
            .chain_update(counter.to_le_bytes())
            .finalize()
            .into();
        for z in block.as_chunks::<16>().0 {
            zs.push(Scalar::from(u128::from_le_bytes(*z)));
        }
    }

    let mut r_terms = Vec::with_capacity(n);
    let mut key_terms: Vec<Option<Scalar>> = vec![None; keys.len()];
    let mut b_coefficient = Scalar::ZERO;
    for (((sig, &signer), k), z) in signatures.iter().zip(signers).zip(&challenges).zip(&zs) {
        let s: [u8; 32] = *sig.0.last_chunk().expect("32 bytes");
        let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(s)) else {
            return false;
        };
        b_coefficient += z * s;
        *key_terms[signer].get_or_insert(Scalar::ZERO) += z * k;
        r_terms.push((*sig.0.first_chunk().expect("32 bytes"), *z));
    }
    let key_terms = key_terms
        .into_iter()
        .zip(keys)
        .filter_map(|(term, key)| term.map(|term| (key, term)));
    sum_is_small_order(&r_terms, -b_coefficient, key_terms)
}

/// Whether Σ z_i R_i + b B + Σ k_A A is of small order, [8] times it the
/// identity, the R_i given compressed (false if one does not decompress).
/// Natively curve25519-dalek's multiscalar multiplication, with its AVX2
/// backend where the processor has it.
#[cfg(not(target_arch = "wasm32"))]
fn sum_is_small_order<'k>(
    r_terms: &[([u8; 32], curve25519_dalek::Scalar)],
    b: curve25519_dalek::Scalar,
    key_terms: impl Iterator<Item = (&'k VerifyingKey, curve25519_dalek::Scalar)>,
) -> bool {
    use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
    use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
    use curve25519_dalek::traits::VartimeMultiscalarMul;

    let mut scalars = Vec::with_capacity(r_terms.len() + 8);
    let mut points = Vec::with_capacity(r_terms.len() + 8);
    for (r, z) in r_terms {
        let Some(r) = CompressedEdwardsY(*r).decompress() else {
            return false;
        };
        scalars.push(*z);
        points.push(r);
    }
    scalars.push(b);
    points.push(ED25519_BASEPOINT_POINT);
    for (key, term) in key_terms {
        scalars.push(term);
        points.push(key.to_edwards());
    }
    EdwardsPoint::vartime_multiscalar_mul(scalars, points).is_small_order()
}

/// The same sum in the page: curve25519-dalek has no SIMD backend for
/// wasm, and its 32-bit code took 2.3x as long as natively. ecloud-curve
/// decodes the points (leniently, as dalek's `decompress`) and sums them
/// with two field elements per SIMD128 register; its tests compare every
/// answer with dalek's.
#[cfg(target_arch = "wasm32")]
fn sum_is_small_order<'k>(
    r_terms: &[([u8; 32], curve25519_dalek::Scalar)],
    b: curve25519_dalek::Scalar,
    key_terms: impl Iterator<Item = (&'k VerifyingKey, curve25519_dalek::Scalar)>,
) -> bool {
    use curve25519_dalek::constants::ED25519_BASEPOINT_COMPRESSED;
    use ecloud_curve::Term;

    let mut terms: Vec<Term> = r_terms
        .iter()
        .map(|(r, z)| Term {
            point: *r,
            scalar: z.to_bytes(),
        })
        .collect();
    terms.push(Term {
        point: ED25519_BASEPOINT_COMPRESSED.0,
        scalar: b.to_bytes(),
    });
    terms.extend(key_terms.map(|(key, term)| Term {
        point: *key.as_bytes(),
        scalar: term.to_bytes(),
    }));
    ecloud_curve::sum_is_small_order(&terms).unwrap_or(false)
}

/// Whether s, the second half, is below the group order l: canonical, as
/// the rule requires. Below 2^252 it is (all but a 2^-125 fraction of
/// honest signatures), seen from one byte; the rest take the full check.
fn canonical_s(sig: &Signature) -> bool {
    let s: [u8; 32] = *sig.0.last_chunk().expect("32 bytes");
    s[31] & 0xf0 == 0 || bool::from(curve25519_dalek::Scalar::from_canonical_bytes(s).is_some())
}

/// Whether every signature in `items` verifies, checked in batches of
/// [`BATCH_SIZE`] as verification checks a chain's.
pub fn verify_batched(items: &[SignedDigest]) -> bool {
    let mut batch = SignatureBatch::new();
    for s in items {
        if !batch.push(&s.key, &s.digest, &s.signature) {
            return false;
        }
        if batch.len() >= BATCH_SIZE {
            if !batch.verify() {
                return false;
            }
            batch.clear();
        }
    }
    batch.verify()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::ed25519::{verify_each, SecretKey};
    use crate::crypto::hash::sha256;
    use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
    use curve25519_dalek::edwards::CompressedEdwardsY;
    use curve25519_dalek::traits::IsIdentity;
    use curve25519_dalek::Scalar;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_signature_verifies_only_for_its_key_and_digest() {
        let alice = SecretKey::from_bytes([1; 32]);
        let bob = SecretKey::from_bytes([2; 32]);
        let digest = sha256(b"reading");
        let sig = alice.sign(&digest);
        assert!(alice.public_key().verifies(&digest, &sig));
        assert!(!bob.public_key().verifies(&digest, &sig));
        assert!(!alice.public_key().verifies(&sha256(b"other"), &sig));
        let mut forged = sig;
        forged.0[10] ^= 1;
        assert!(!alice.public_key().verifies(&digest, &forged));
    }

    fn signed_digests(n: usize) -> Vec<SignedDigest> {
        let keys: Vec<SecretKey> = (1..=3u8).map(|i| SecretKey::from_bytes([i; 32])).collect();
        (0..n)
            .map(|i| {
                let key = &keys[i % keys.len()];
                let digest = sha256(&i.to_le_bytes());
                SignedDigest {
                    key: key.public_key(),
                    digest,
                    signature: key.sign(&digest),
                }
            })
            .collect()
    }

    #[test]
    fn batched_and_one_by_one_checks_agree() {
        for n in [0, 1, 7, BATCH_SIZE, BATCH_SIZE + 3] {
            let good = signed_digests(n);
            assert!(verify_each(&good) && verify_batched(&good), "{n} good");
            for i in [0, n / 2, n.saturating_sub(1)]
                .into_iter()
                .filter(|&i| i < n)
            {
                let mut bad = good.clone();
                bad[i].signature.0[7] ^= 4;
                assert!(
                    !verify_each(&bad) && !verify_batched(&bad),
                    "{n}, {i} forged"
                );
                let mut bad = good.clone();
                bad[i].key = good[(i + 1) % n].key;
                if bad[i].key != good[i].key {
                    assert!(!verify_each(&bad) && !verify_batched(&bad), "{n}, {i} key");
                }
            }
        }
        let mut not_a_point = signed_digests(2);
        not_a_point[1].key = PublicKey([0xff; 32]);
        assert!(!verify_each(&not_a_point) && !verify_batched(&not_a_point));
    }

    /// A key's holder signing with scalar `a` for key bytes `key`, nonce
    /// point bytes `r_bytes` and nonce scalar `r`: s = r + H(R, A, M) a.
    fn raw_signature(
        a: Scalar,
        key: [u8; 32],
        r: Scalar,
        r_bytes: [u8; 32],
        message: &Hash,
    ) -> (Signature, Scalar) {
        use sha2::Sha512;
        let mut h = Sha512::new();
        h.update(r_bytes);
        h.update(key);
        h.update(message.0);
        let k = Scalar::from_bytes_mod_order_wide(&h.finalize().into());
        let s = r + k * a;
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(&r_bytes);
        sig[32..].copy_from_slice(s.as_bytes());
        (Signature(sig), k)
    }

    /// `n` signatures by `signers` keys, signer i % signers, over distinct digests.
    fn signed_by(n: usize, signers: usize, seed: u8) -> Vec<SignedDigest> {
        let keys: Vec<SecretKey> = (0..signers)
            .map(|i| SecretKey::from_bytes(sha256(&[seed, i as u8, (i >> 8) as u8]).0))
            .collect();
        (0..n)
            .map(|i| {
                let key = &keys[i % signers];
                let digest = sha256(&[&[seed][..], &i.to_le_bytes()].concat());
                SignedDigest {
                    key: key.public_key(),
                    digest,
                    signature: key.sign(&digest),
                }
            })
            .collect()
    }

    /// A batch of `items`, every one in the batch equation (none checked alone).
    fn batch_of(items: &[SignedDigest]) -> SignatureBatch {
        let mut batch = SignatureBatch::new();
        for s in items {
            assert!(batch.push(&s.key, &s.digest, &s.signature));
        }
        assert_eq!(batch.len(), items.len(), "all in the equation");
        batch
    }

    /// ed25519-dalek's `verify_batch` on the same items (keys must be points).
    fn dalek_batch(items: &[SignedDigest]) -> bool {
        let messages: Vec<&[u8]> = items.iter().map(|s| &s.digest.0[..]).collect();
        let sigs: Vec<_> = items
            .iter()
            .map(|s| ed25519_dalek::Signature::from_bytes(&s.signature.0))
            .collect();
        let keys: Vec<_> = items
            .iter()
            .map(|s| VerifyingKey::from_bytes(&s.key.0).unwrap())
            .collect();
        ed25519_dalek::verify_batch(&messages, &sigs, &keys).is_ok()
    }

    /// [`verify_batch_merged`] on the same items, without the pre-filter.
    fn merged_batch(items: &[SignedDigest]) -> bool {
        let mut keys = KeyCache::new();
        let signers: Vec<usize> = items.iter().map(|s| keys.index(&s.key).unwrap()).collect();
        let digests: Vec<Hash> = items.iter().map(|s| s.digest).collect();
        let sigs: Vec<Signature> = items.iter().map(|s| s.signature).collect();
        verify_batch_merged(&digests, &sigs, &signers, &keys.decoded)
    }

    #[test]
    fn an_empty_batch_verifies() {
        assert!(SignatureBatch::new().verify());
        assert!(verify_batch_merged::<Hash>(&[], &[], &[], &[]));
        assert!(verify_batched(&[]) && merged_batch(&[]) && dalek_batch(&[]));
        let mut batch = batch_of(&signed_by(3, 2, 9));
        batch.clear();
        assert!(batch.is_empty() && batch.verify());
    }

    #[test]
    fn a_batch_with_many_signers_verifies_and_finds_a_forgery() {
        for (n, signers) in [(300, 150), (200, 200), (BATCH_SIZE, 37)] {
            let good = signed_by(n, signers, 1);
            assert!(batch_of(&good).verify(), "{n} by {signers}");
            assert!(verify_batched(&good));
            let mut bad = good.clone();
            bad[n / 3].signature.0[40] ^= 1;
            assert!(!batch_of(&bad).verify(), "{n} by {signers}, forged");
            assert!(!verify_batched(&bad));
        }
    }

    #[test]
    fn altering_one_message_r_s_or_key_fails_the_batch() {
        let good = signed_by(40, 4, 2);
        assert!(batch_of(&good).verify());
        let l_minus_1 = -Scalar::ONE;
        for i in [0, 13, 39] {
            let mut altered: Vec<(&str, Vec<SignedDigest>)> = Vec::new();
            let mut bad = good.clone();
            bad[i].digest = sha256(b"another message");
            altered.push(("message", bad));
            // R: another valid point (the same signer's next nonce point).
            let mut bad = good.clone();
            let other = &good[(i + 4) % good.len()];
            bad[i].signature.0[..32].copy_from_slice(&other.signature.0[..32]);
            altered.push(("R", bad));
            // s + 1, still canonical and below 2^252.
            let mut bad = good.clone();
            let s =
                Scalar::from_canonical_bytes(bad[i].signature.0[32..].try_into().unwrap()).unwrap();
            let s1 = if s == l_minus_1 {
                Scalar::ZERO
            } else {
                s + Scalar::ONE
            };
            bad[i].signature.0[32..].copy_from_slice(s1.as_bytes());
            altered.push(("s", bad));
            // The key of another signer in the batch.
            let mut bad = good.clone();
            bad[i].key = good[(i + 1) % good.len()].key;
            altered.push(("key", bad));
            for (what, bad) in altered {
                assert!(!batch_of(&bad).verify(), "{what} of {i} altered");
                assert!(!merged_batch(&bad) && !dalek_batch(&bad), "{what} of {i}");
                assert!(!verify_each(&bad), "{what} of {i}: one by one");
            }
        }
    }

    #[test]
    fn errors_that_cancel_without_random_weights_fail() {
        // Two signatures by the same key with their s swapped: each is bad,
        // but with equal weights their errors cancel, (s2 - s1) B + (s1 - s2) B.
        let good = signed_by(6, 2, 3);
        let (i, j) = (0, 2);
        assert_eq!(good[i].key, good[j].key);
        let mut bad = good.clone();
        let (si, sj) = (good[i].signature.0, good[j].signature.0);
        bad[i].signature.0[32..].copy_from_slice(&sj[32..]);
        bad[j].signature.0[32..].copy_from_slice(&si[32..]);
        assert!(!bad[i].key.verifies(&bad[i].digest, &bad[i].signature));
        assert!(!bad[j].key.verifies(&bad[j].digest, &bad[j].signature));
        // With all z = 1 the equation would hold.
        let unweighted: curve25519_dalek::EdwardsPoint = bad
            .iter()
            .map(|s| {
                let r = CompressedEdwardsY(s.signature.0[..32].try_into().unwrap())
                    .decompress()
                    .unwrap();
                let sc =
                    Scalar::from_canonical_bytes(s.signature.0[32..].try_into().unwrap()).unwrap();
                let a = CompressedEdwardsY(s.key.0).decompress().unwrap();
                let h = sha2::Sha512::new()
                    .chain_update(&s.signature.0[..32])
                    .chain_update(s.key.0)
                    .chain_update(s.digest.0)
                    .finalize();
                let h = Scalar::from_bytes_mod_order_wide(&h.into());
                r + h * a - sc * ED25519_BASEPOINT_POINT
            })
            .sum();
        assert!(unweighted.is_identity(), "the errors cancel unweighted");
        assert!(!batch_of(&bad).verify());
        assert!(!merged_batch(&bad) && !dalek_batch(&bad) && !verify_batched(&bad));
        // The same with the two in separate positions of a larger batch.
        let mut big = signed_by(100, 3, 4);
        let (i, j) = (5, 95);
        assert_eq!(big[i].key, big[j].key);
        let (si, sj) = (big[i].signature.0, big[j].signature.0);
        big[i].signature.0[32..].copy_from_slice(&sj[32..]);
        big[j].signature.0[32..].copy_from_slice(&si[32..]);
        assert!(!batch_of(&big).verify());
    }

    #[test]
    fn the_merged_equation_judges_as_ed25519_dalek_verify_batch() {
        use rand_chacha::ChaCha20Rng;
        use rand_core::{RngCore, SeedableRng};
        let mut rng = ChaCha20Rng::seed_from_u64(2018);
        let (mut good, mut bad) = (0, 0);
        for round in 0..60u32 {
            let n = 1 + (rng.next_u32() % 40) as usize;
            let signers = 1 + (rng.next_u32() % 6) as usize;
            let mut items = signed_by(n, signers, round as u8);
            // Half the batches get 1-2 random faults of random kinds.
            if round % 2 == 1 {
                for _ in 0..1 + rng.next_u32() % 2 {
                    let i = (rng.next_u32() as usize) % n;
                    match rng.next_u32() % 6 {
                        0 => items[i].digest.0[(rng.next_u32() % 32) as usize] ^= 1,
                        1 => items[i].signature.0[(rng.next_u32() % 32) as usize] ^= 2,
                        2 => items[i].signature.0[32 + (rng.next_u32() % 31) as usize] ^= 4,
                        3 => items[i].key = signed_by(1, 1, 200).remove(0).key,
                        // s >= l: refused by both before any arithmetic.
                        4 => items[i].signature.0[63] |= 0x80,
                        _ => {
                            let j = (rng.next_u32() as usize) % n;
                            let sj = items[j].signature.0;
                            items[i].signature.0[32..].copy_from_slice(&sj[32..]);
                        }
                    }
                }
            }
            let ours = merged_batch(&items);
            assert_eq!(ours, dalek_batch(&items), "round {round}");
            assert_eq!(ours, verify_each(&items), "round {round}: one by one");
            assert_eq!(verify_batched(&items), ours, "round {round}: batched");
            if ours {
                good += 1;
            } else {
                bad += 1;
            }
        }
        assert!(good >= 30 && bad >= 20, "{good} good, {bad} bad");
    }

    #[test]
    fn canonical_s_is_exactly_below_the_group_order() {
        let l_minus_1 = (-Scalar::ONE).to_bytes();
        let with_s = |s: [u8; 32]| Signature([[0u8; 32], s].concat().try_into().unwrap());
        let mut below_2_252 = [0xff; 32];
        below_2_252[31] = 0x0f;
        let mut l = l_minus_1;
        l[0] += 1;
        let mut big = [0xff; 32];
        big[31] = 0x7f;
        assert!(canonical_s(&with_s([0; 32])));
        assert!(canonical_s(&with_s(below_2_252)));
        assert!(canonical_s(&with_s(l_minus_1)));
        assert!(!canonical_s(&with_s(l)));
        assert!(!canonical_s(&with_s(big)));
        assert!(!canonical_s(&with_s([0xff; 32])));
    }

    /// T, the point of order 8 of curve25519-dalek's table.
    fn order_8() -> curve25519_dalek::EdwardsPoint {
        let t = curve25519_dalek::constants::EIGHT_TORSION[1];
        assert!(t.is_small_order() && !(t + t + t + t).is_identity());
        t
    }

    #[test]
    fn a_non_canonical_r_is_judged_alike_alone_and_in_a_batch() {
        // R = the identity written with the sign bit set, s = k a: the
        // cofactorless equation with a strict R (ed25519-dalek's `verify`)
        // refuses it; ZIP 215 decodes R as the identity and accepts it, one
        // by one and in a batch alike.
        let a = Scalar::from_bytes_mod_order([9; 32]);
        let key = (a * ED25519_BASEPOINT_POINT).compress().to_bytes();
        let mut r_bytes = [0u8; 32];
        r_bytes[0] = 1;
        r_bytes[31] = 0x80;
        let digest = sha256(b"odd R");
        let (sig, _) = raw_signature(a, key, Scalar::ZERO, r_bytes, &digest);
        let vk = VerifyingKey::from_bytes(&key).unwrap();
        let dalek_sig = ed25519_dalek::Signature::from_bytes(&sig.0);
        assert!(ed25519_dalek::Verifier::verify(&vk, &digest.0, &dalek_sig).is_err());
        assert!(PublicKey(key).verifies(&digest, &sig));
        let item = SignedDigest {
            key: PublicKey(key),
            digest,
            signature: sig,
        };
        assert!(verify_batched(&[item]) && verify_each(&[item]));
        let mut items = signed_by(20, 3, 7);
        items.insert(11, item);
        assert!(batch_of(&items).verify() && verify_each(&items));
    }

    #[test]
    fn a_key_with_a_small_order_part_is_judged_alike_alone_and_in_a_batch() {
        // A' = aB + T, T of order 8. The cofactorless equation holds for the
        // holder's signature only when 8 divides k; the cofactored one always,
        // alone and in a batch (where the key's terms are merged).
        let a = Scalar::from_bytes_mod_order([3; 32]);
        let key = (a * ED25519_BASEPOINT_POINT + order_8())
            .compress()
            .to_bytes();
        assert!(PublicKey(key).check().is_ok(), "not of small order itself");
        let r = Scalar::from_bytes_mod_order([4; 32]);
        let r_bytes = (r * ED25519_BASEPOINT_POINT).compress().to_bytes();
        let mut by_key = Vec::new();
        let mut odd = 0;
        for i in 0u32..24 {
            let digest = sha256(&i.to_le_bytes());
            let (sig, k) = raw_signature(a, key, r, r_bytes, &digest);
            odd += usize::from(k.as_bytes()[0] & 1 == 1);
            assert!(PublicKey(key).verifies(&digest, &sig), "{i}");
            by_key.push(SignedDigest {
                key: PublicKey(key),
                digest,
                signature: sig,
            });
        }
        assert!(odd > 0, "some k not a multiple of 8");
        let mut items = signed_by(30, 2, 8);
        items.extend(&by_key);
        assert!(batch_of(&items).verify() && verify_each(&items));
        let mut forged = items.clone();
        forged[35].digest = sha256(b"not what was signed");
        assert!(!batch_of(&forged).verify() && !verify_each(&forged));
    }

    #[test]
    fn an_r_with_a_small_order_point_added_is_valid_in_every_batch_size() {
        // Only the key's holder can make one: R' = rB + T, s = r + k' a with
        // k' = H(R', A, M). [8](sB - R' - k'A) = [8](-T) = 0: valid by ZIP
        // 215, alone and in a batch of any size (with the cofactorless batch
        // equation it passed with probability 1/8, so the verdict depended
        // on the batch's other signatures).
        let a = Scalar::from_bytes_mod_order([5; 32]);
        let key = (a * ED25519_BASEPOINT_POINT).compress().to_bytes();
        let r = Scalar::from_bytes_mod_order([6; 32]);
        let r_bytes = (r * ED25519_BASEPOINT_POINT + order_8())
            .compress()
            .to_bytes();
        let digest = sha256(b"R + T");
        let (sig, _) = raw_signature(a, key, r, r_bytes, &digest);
        let odd = SignedDigest {
            key: PublicKey(key),
            digest,
            signature: sig,
        };
        assert!(odd.key.verifies(&odd.digest, &odd.signature));
        let mut items = vec![odd];
        items.extend(signed_by(BATCH_SIZE - 1, 5, 10));
        let mut forged = items.clone();
        forged[BATCH_SIZE / 2].signature.0[3] ^= 1;
        for n in 1..=BATCH_SIZE {
            assert!(batch_of(&items[..n]).verify(), "batch of {n}");
            if n > BATCH_SIZE / 2 && n % 97 == 0 {
                assert!(!batch_of(&forged[..n]).verify(), "forged, batch of {n}");
            }
        }
        assert!(verify_each(&items) && verify_batched(&items));
    }
}
