//! A member's keys, held by its own node only: a signing key and, apart
//! from it, a VRF key for its election draws (never prove and sign with
//! one key).

use crate::crypto::vrf::{VrfPublicKey, VrfSecretKey};
use crate::crypto::{sha256, PublicKey, SecretKey};
use crate::model::member::MemberId;

/// The keys of the member a node speaks for.
#[derive(Clone)]
pub struct NodeKeys {
    pub member: MemberId,
    signing: SecretKey,
    vrf: VrfSecretKey,
}

impl NodeKeys {
    /// Keys from a member's 32-byte seed: the seed is its Ed25519 signing
    /// key; its VRF key is derived from the seed under a domain tag.
    pub fn from_seed(member: MemberId, seed: [u8; 32]) -> NodeKeys {
        let vrf_seed = sha256(&[b"e-cloud vrf key".as_slice(), &seed].concat());
        NodeKeys {
            member,
            signing: SecretKey::from_bytes(seed),
            vrf: VrfSecretKey::from_seed(vrf_seed.0),
        }
    }

    pub fn signing(&self) -> &SecretKey {
        &self.signing
    }

    pub fn vrf(&self) -> &VrfSecretKey {
        &self.vrf
    }

    pub fn public_key(&self) -> PublicKey {
        self.signing.public_key()
    }

    pub fn vrf_key(&self) -> VrfPublicKey {
        self.vrf.public_key()
    }
}

impl std::fmt::Debug for NodeKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secrets.
        write!(f, "NodeKeys(member {}, {})", self.member, self.public_key())
    }
}
