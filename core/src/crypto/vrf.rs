//! A verifiable random function: RFC 9381's ECVRF-EDWARDS25519-SHA512-TAI.
//!
//! The holder of a secret key turns any input (alpha) into a 64-byte
//! output (beta) that looks random, and a proof (pi) that anyone holding the
//! public key can check: the output was computed with that key on that
//! input, and no other output could have been. A candidate's election draw
//! comes from it, so no one, the miner included, can choose or foresee it.
//!
//! Written on curve25519-dalek 4 (already in the build for Ed25519): the
//! two crates that implement this suite today are at versions 0.0.x, and
//! the suite is a page of the RFC. The tests hold it to the RFC's own
//! vectors (Appendix B.3, examples 16 to 18) and, natively, to a second
//! implementation (`vrf-rfc9381`) on random keys and inputs.
//!
//! Section numbers below are RFC 9381's.

use crate::crypto::ed25519::KeyError;
use crate::crypto::hash::{sha256, Hash};
use crate::encoding::hex::hex_newtype;
use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::{clamp_integer, Scalar};
use sha2::{Digest, Sha512};
use std::fmt;

/// This suite's `suite_string` (section 5.5).
const SUITE: u8 = 0x03;
/// cLen: the challenge's length in bytes.
const C_LEN: usize = 16;

/// A VRF public key: a point of the curve, 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct VrfPublicKey(pub [u8; 32]);

/// A proof pi: Gamma (32 bytes), the challenge c (16) and s (32).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct VrfProof(pub [u8; 80]);

/// An output beta: 64 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct VrfOutput(pub [u8; 64]);

hex_newtype!(VrfPublicKey, 32);
hex_newtype!(VrfProof, 80);
hex_newtype!(VrfOutput, 64);

/// Why a proof or a key was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VrfError {
    /// The public key is not a point, or is of small order (section 5.4.5).
    BadKey,
    /// The proof's Gamma is not a point, or its s is not below the group
    /// order.
    MalformedProof,
    /// The proof does not hold for this key and input.
    WrongProof,
}

impl fmt::Display for VrfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VrfError::BadKey => "the VRF key is not a valid public key",
            VrfError::MalformedProof => "the VRF proof is not well formed",
            VrfError::WrongProof => "the VRF proof does not hold for this key and input",
        })
    }
}

impl std::error::Error for VrfError {}

/// A VRF secret key: the 32-byte seed SK, the secret scalar x derived from
/// it as Ed25519 derives its scalar (RFC 8032 section 5.1.5), and the
/// public key.
#[derive(Clone)]
pub struct VrfSecretKey {
    /// SHA-512(SK): its first half is x (clamped), its second the prefix
    /// for nonces.
    expanded: [u8; 64],
    x: Scalar,
    public: VrfPublicKey,
}

impl VrfSecretKey {
    /// The key whose seed SK is `seed`.
    pub fn from_seed(seed: [u8; 32]) -> VrfSecretKey {
        let expanded: [u8; 64] = Sha512::digest(seed).into();
        let lower: [u8; 32] = expanded[..32].try_into().expect("32 bytes");
        let x = Scalar::from_bytes_mod_order(clamp_integer(lower));
        let public = VrfPublicKey((ED25519_BASEPOINT_POINT * x).compress().to_bytes());
        VrfSecretKey {
            expanded,
            x,
            public,
        }
    }

    pub fn public_key(&self) -> VrfPublicKey {
        self.public
    }

    /// The output for `alpha` and its proof (section 5.1).
    pub fn prove(&self, alpha: &[u8]) -> (VrfProof, VrfOutput) {
        let h = encode_to_curve(&self.public.0, alpha);
        let h_string = h.compress().to_bytes();
        let gamma = h * self.x;
        // Section 5.4.2.2: the nonce from the second half of SHA-512(SK).
        let k = Scalar::from_bytes_mod_order_wide(
            &Sha512::new()
                .chain_update(&self.expanded[32..])
                .chain_update(h_string)
                .finalize()
                .into(),
        );
        let y = decode(&self.public.0).expect("our own public key is a point");
        let c = challenge([y, h, gamma, ED25519_BASEPOINT_POINT * k, h * k]);
        let s = k + c * self.x;
        let mut pi = [0u8; 80];
        pi[..32].copy_from_slice(gamma.compress().as_bytes());
        pi[32..48].copy_from_slice(&c.as_bytes()[..C_LEN]);
        pi[48..].copy_from_slice(s.as_bytes());
        (VrfProof(pi), output(&gamma))
    }
}

impl VrfPublicKey {
    /// Whether this key may enter the chain: a point (canonically written)
    /// and not of small order, as section 5.4.5 validates a key.
    pub fn check(&self) -> Result<(), KeyError> {
        let point = decode(&self.0).ok_or(KeyError::NotAPoint)?;
        if point.is_small_order() {
            return Err(KeyError::SmallOrder);
        }
        Ok(())
    }

    /// The output for `alpha` if `proof` holds for this key (section 5.3,
    /// with the key validated as section 5.4.5 says).
    pub fn verify(&self, alpha: &[u8], proof: &VrfProof) -> Result<VrfOutput, VrfError> {
        let y = decode(&self.0).ok_or(VrfError::BadKey)?;
        if y.is_small_order() {
            return Err(VrfError::BadKey);
        }
        let (gamma, c, s) = decode_proof(proof)?;
        let h = encode_to_curve(&self.0, alpha);
        // U = s B - c Y, V = s H - c Gamma.
        let u = EdwardsPoint::vartime_double_scalar_mul_basepoint(&-c, &y, &s);
        let v = h * s - gamma * c;
        if challenge([y, h, gamma, u, v]) == c {
            Ok(output(&gamma))
        } else {
            Err(VrfError::WrongProof)
        }
    }
}

/// Proofs verified already, each with its key, the hash of its input and
/// its output: a node meets a vote's proof when the vote comes, in the block
/// that holds it and again if it seals, and [`ProofMemo::verify`] checks it
/// once. The answer is the one [`VrfPublicKey::verify`] gives: a proof
/// counts only for the key and input it was verified with, and what failed
/// is not kept. At most [`ProofMemo::LEN`], the oldest forgotten first (a
/// miss only costs a check).
#[derive(Clone, Default)]
pub struct ProofMemo(Vec<(VrfPublicKey, VrfProof, Hash, VrfOutput)>);

impl ProofMemo {
    pub const LEN: usize = 256;

    /// [`VrfPublicKey::verify`], remembered.
    pub fn verify(
        &mut self,
        key: &VrfPublicKey,
        alpha: &[u8],
        proof: &VrfProof,
    ) -> Result<VrfOutput, VrfError> {
        let input = sha256(alpha);
        let known = self
            .0
            .iter()
            .find(|(k, p, i, _)| k == key && p == proof && *i == input);
        if let Some((.., output)) = known {
            return Ok(*output);
        }
        let output = key.verify(alpha, proof)?;
        if self.0.len() == Self::LEN {
            self.0.remove(0);
        }
        self.0.push((*key, *proof, input, output));
        Ok(output)
    }
}

impl fmt::Debug for ProofMemo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProofMemo({} proofs)", self.0.len())
    }
}

/// The output a proof carries, without checking it (section 5.2): only
/// for a proof already verified.
pub fn proof_to_hash(proof: &VrfProof) -> Result<VrfOutput, VrfError> {
    let (gamma, _, _) = decode_proof(proof)?;
    Ok(output(&gamma))
}

/// RFC 8032's decoding: the canonical encoding of a point, or nothing (a y
/// of p or more, or an x of 0 with its sign bit set, is refused).
fn decode(bytes: &[u8; 32]) -> Option<EdwardsPoint> {
    let point = CompressedEdwardsY(*bytes).decompress()?;
    (point.compress().as_bytes() == bytes).then_some(point)
}

fn decode_proof(proof: &VrfProof) -> Result<(EdwardsPoint, Scalar, Scalar), VrfError> {
    let pi = &proof.0;
    let gamma = decode(pi[..32].try_into().expect("32 bytes")).ok_or(VrfError::MalformedProof)?;
    let mut c = [0u8; 32];
    c[..C_LEN].copy_from_slice(&pi[32..48]);
    let s: [u8; 32] = pi[48..].try_into().expect("32 bytes");
    let s =
        Option::<Scalar>::from(Scalar::from_canonical_bytes(s)).ok_or(VrfError::MalformedProof)?;
    Ok((gamma, Scalar::from_bytes_mod_order(c), s))
}

/// Section 5.4.1.1, try and increment: hash the key and input with a
/// counter until the first 32 bytes decode to a point, then multiply by the
/// cofactor.
fn encode_to_curve(public_key: &[u8; 32], alpha: &[u8]) -> EdwardsPoint {
    for counter in 0..=u8::MAX {
        let hash = Sha512::new()
            .chain_update([SUITE, 0x01])
            .chain_update(public_key)
            .chain_update(alpha)
            .chain_update([counter, 0x00])
            .finalize();
        if let Some(point) = decode(hash[..32].try_into().expect("32 bytes")) {
            return point.mul_by_cofactor();
        }
    }
    // Each try succeeds with probability about 1/2: 256 failures in a row
    // do not happen (the RFC's own loop has the same bound).
    unreachable!("256 hashes in a row that are not points")
}

/// Section 5.4.3: the challenge from five points.
fn challenge(points: [EdwardsPoint; 5]) -> Scalar {
    let mut hash = Sha512::new().chain_update([SUITE, 0x02]);
    for p in points {
        hash.update(p.compress().as_bytes());
    }
    let digest = hash.chain_update([0x00]).finalize();
    let mut c = [0u8; 32];
    c[..C_LEN].copy_from_slice(&digest[..C_LEN]);
    Scalar::from_bytes_mod_order(c)
}

/// Section 5.2: beta from Gamma.
fn output(gamma: &EdwardsPoint) -> VrfOutput {
    VrfOutput(
        Sha512::new()
            .chain_update([SUITE, 0x03])
            .chain_update(gamma.mul_by_cofactor().compress().as_bytes())
            .chain_update([0x00])
            .finalize()
            .into(),
    )
}

impl fmt::Debug for VrfSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VrfSecretKey(public {})", self.public)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::hex::from_hex;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// RFC 9381 Appendix B.3, examples 16, 17 and 18: SK, PK, alpha, pi,
    /// beta.
    const EXAMPLES: [(&str, &str, &str, &str, &str); 3] = [
        (
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "8657106690b5526245a92b003bb079ccd1a92130477671f6fc01ad16f26f723f26f8a57ccaed74ee1b190bed1f479d9727d2d0f9b005a6e456a35d4fb0daab1268a1b0db10836d9826a528ca76567805",
            "90cf1df3b703cce59e2a35b925d411164068269d7b2d29f3301c03dd757876ff66b71dda49d2de59d03450451af026798e8f81cd2e333de5cdf4f3e140fdd8ae",
        ),
        (
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "f3141cd382dc42909d19ec5110469e4feae18300e94f304590abdced48aed5933bf0864a62558b3ed7f2fea45c92a465301b3bbf5e3e54ddf2d935be3b67926da3ef39226bbc355bdc9850112c8f4b02",
            "eb4440665d3891d668e7e0fcaf587f1b4bd7fbfe99d0eb2211ccec90496310eb5e33821bc613efb94db5e5b54c70a848a0bef4553a41befc57663b56373a5031",
        ),
        (
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "9bc0f79119cc5604bf02d23b4caede71393cedfbb191434dd016d30177ccbf8096bb474e53895c362d8628ee9f9ea3c0e52c7a5c691b6c18c9979866568add7a2d41b00b05081ed0f58ee5e31b3a970e",
            "645427e5d00c62a23fb703732fa5d892940935942101e456ecca7bb217c61c452118fec1219202a0edcf038bb6373241578be7217ba85a2687f7a0310b2df19f",
        ),
    ];

    fn bytes(hex: &str) -> Vec<u8> {
        (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn the_rfc_s_examples_16_to_18() {
        for (sk, pk, alpha, pi, beta) in EXAMPLES {
            let key = VrfSecretKey::from_seed(from_hex(sk).unwrap());
            assert_eq!(key.public_key().to_hex(), pk);
            let alpha = bytes(alpha);
            let (proof, output) = key.prove(&alpha);
            assert_eq!(proof.to_hex(), pi);
            assert_eq!(output.to_hex(), beta);
            assert_eq!(key.public_key().verify(&alpha, &proof), Ok(output));
            assert_eq!(proof_to_hash(&proof), Ok(output));
        }
    }

    #[test]
    fn a_remembered_proof_answers_as_verifying_it_and_only_for_its_key_and_input() {
        let key = VrfSecretKey::from_seed([7; 32]);
        let other = VrfSecretKey::from_seed([8; 32]);
        let (proof, output) = key.prove(b"height 12");
        let mut memo = ProofMemo::default();
        for _ in 0..2 {
            assert_eq!(
                memo.verify(&key.public_key(), b"height 12", &proof),
                Ok(output)
            );
        }
        assert_eq!(memo.0.len(), 1, "remembered once");
        // Known, yet for another input or key it is checked, and fails.
        assert_eq!(
            memo.verify(&key.public_key(), b"height 13", &proof),
            Err(VrfError::WrongProof)
        );
        assert_eq!(
            memo.verify(&other.public_key(), b"height 12", &proof),
            Err(VrfError::WrongProof)
        );
        let mut forged = proof;
        forged.0[40] ^= 1;
        assert!(memo
            .verify(&key.public_key(), b"height 12", &forged)
            .is_err());
        assert_eq!(memo.0.len(), 1, "what failed is not remembered");
        // The oldest goes first once it is full.
        for i in 0..ProofMemo::LEN as u32 {
            let alpha = i.to_le_bytes();
            let (p, _) = other.prove(&alpha);
            memo.verify(&other.public_key(), &alpha, &p).unwrap();
        }
        assert_eq!(memo.0.len(), ProofMemo::LEN);
        assert!(!memo.0.iter().any(|(_, p, ..)| *p == proof));
    }

    #[test]
    fn a_proof_holds_only_for_its_key_and_input() {
        let key = VrfSecretKey::from_seed([7; 32]);
        let other = VrfSecretKey::from_seed([8; 32]);
        let (proof, _) = key.prove(b"height 12");
        assert_eq!(
            key.public_key().verify(b"height 13", &proof),
            Err(VrfError::WrongProof)
        );
        assert_eq!(
            other.public_key().verify(b"height 12", &proof),
            Err(VrfError::WrongProof)
        );
        for at in [0, 31, 32, 47, 48, 79] {
            let mut bad = proof;
            bad.0[at] ^= 1;
            assert!(
                key.public_key().verify(b"height 12", &bad).is_err(),
                "byte {at}"
            );
        }
        // s not below the group order.
        let mut big_s = proof;
        big_s.0[48..].copy_from_slice(&[0xff; 32]);
        assert_eq!(
            key.public_key().verify(b"height 12", &big_s),
            Err(VrfError::MalformedProof)
        );
    }

    #[test]
    fn a_small_order_or_undecodable_key_verifies_nothing() {
        let (proof, _) = VrfSecretKey::from_seed([9; 32]).prove(b"x");
        let identity = VrfPublicKey(EdwardsPoint::default().compress().to_bytes());
        assert_eq!(identity.verify(b"x", &proof), Err(VrfError::BadKey));
        let mut not_a_point = [0xff; 32];
        while CompressedEdwardsY(not_a_point).decompress().is_some() {
            not_a_point[0] -= 1;
        }
        assert_eq!(
            VrfPublicKey(not_a_point).verify(b"x", &proof),
            Err(VrfError::BadKey)
        );
    }

    /// A second implementation of the suite, on random keys and inputs.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn vrf_rfc9381_gives_the_same_proofs_and_outputs() {
        use rand_chacha::ChaCha20Rng;
        use rand_core::{RngCore, SeedableRng};
        use vrf_rfc9381::ec::edwards25519::tai::{
            EdVrfEdwards25519TaiPublicKey, EdVrfEdwards25519TaiSecretKey,
        };
        use vrf_rfc9381::{Proof, Prover, Verifier};
        let mut rng = ChaCha20Rng::seed_from_u64(9381);
        for round in 0..64 {
            let mut seed = [0u8; 32];
            rng.fill_bytes(&mut seed);
            let mut alpha = vec![0u8; (rng.next_u32() % 80) as usize];
            rng.fill_bytes(&mut alpha);
            let ours = VrfSecretKey::from_seed(seed);
            let (proof, output) = ours.prove(&alpha);
            let theirs = EdVrfEdwards25519TaiSecretKey::from_slice(&seed).expect("a key");
            let their_proof = theirs.prove(&alpha).expect("a proof");
            assert_eq!(
                their_proof.encode_to_pi(),
                proof.0.to_vec(),
                "round {round}"
            );
            let public = EdVrfEdwards25519TaiPublicKey::from_slice(&ours.public_key().0).unwrap();
            let their_output = public.verify(&alpha, their_proof).expect("it verifies");
            assert_eq!(their_output.to_vec(), output.0.to_vec(), "round {round}");
        }
    }
}
