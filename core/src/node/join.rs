//! Asking to join. A newcomer's node makes its own keys and asks to join;
//! only the registrar can admit it, with a membership change it signs (a
//! `Join` naming the newcomer's public keys). The request carries those
//! keys and the newcomer's signature over the request, so no one can ask in
//! another's name or register a key they do not hold. The secret keys
//! never leave the newcomer's node: once the chain holds its `Join`, the
//! node finds its member number there and signs for it from then on.

use super::keys::NodeKeys;
use crate::crypto::ed25519::KeyError;
use crate::crypto::vrf::VrfPublicKey;
use crate::crypto::{sha256, Hash, PublicKey, SecretKey, Signature};
use crate::encoding::units::Wh;
use crate::model::ledger::Ledger;
use crate::model::member::{MemberId, Role};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest name a request may carry, in bytes (the registrar's rules
/// then check the name as for any member).
pub const MAX_REQUEST_NAME: usize = 64;

/// A newcomer's request to join a community, signed with the key it asks
/// to be registered with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    /// The community's genesis hash: a request is for one community only.
    pub community: Hash,
    pub name: String,
    pub role: Role,
    /// A generator's capacity (0 for a customer).
    pub capacity: Wh,
    pub public_key: PublicKey,
    pub vrf_key: VrfPublicKey,
    /// When the newcomer's node asked, by its clock: it asks again now and
    /// then, and each time is a message of its own (gossip drops a message
    /// it has carried lately, so the same bytes again would not get through
    /// to a registrar that was away).
    pub asked_ms: u64,
    /// `public_key`'s signature over [`JoinRequest::digest`].
    pub signature: Signature,
}

/// Why a request to join is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinRefused {
    /// For another community (another genesis block).
    OtherCommunity,
    /// No name, or one longer than [`MAX_REQUEST_NAME`] bytes.
    Name,
    /// A key that may not enter the chain (not a point, or of small order).
    WeakKey(KeyError),
    /// The signature is not the requested key's over the request.
    BadSignature,
}

impl fmt::Display for JoinRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinRefused::OtherCommunity => write!(f, "the request is for another community"),
            JoinRefused::Name => {
                write!(f, "a request needs a name of 1 to {MAX_REQUEST_NAME} bytes")
            }
            JoinRefused::WeakKey(e) => write!(f, "the request's key may not be used: {e}"),
            JoinRefused::BadSignature => {
                write!(
                    f,
                    "the request is not signed by the key it asks to register"
                )
            }
        }
    }
}

impl std::error::Error for JoinRefused {}

impl JoinRequest {
    /// What the signature covers: every field but the signature, under a
    /// domain tag of its own (never a transaction's or a block's digest).
    pub fn digest(&self) -> Hash {
        let fields = (
            &self.community,
            &self.name,
            &self.role,
            self.capacity,
            &self.public_key,
            &self.vrf_key,
            self.asked_ms,
        );
        let json = serde_json::to_vec(&fields).expect("a request's fields always serialize");
        sha256(&[b"e-cloud join request\0".as_slice(), &json].concat())
    }

    /// Whether a node of the community that began with `genesis` may take
    /// this request (the registrar's rules check the rest when it admits).
    pub fn check(&self, genesis: &Hash) -> Result<(), JoinRefused> {
        if self.community != *genesis {
            return Err(JoinRefused::OtherCommunity);
        }
        if self.name.trim().is_empty() || self.name.len() > MAX_REQUEST_NAME {
            return Err(JoinRefused::Name);
        }
        self.public_key.check().map_err(JoinRefused::WeakKey)?;
        self.vrf_key.check().map_err(JoinRefused::WeakKey)?;
        if !self.public_key.verifies(&self.digest(), &self.signature) {
            return Err(JoinRefused::BadSignature);
        }
        Ok(())
    }
}

/// The registrar's answer to a request it does not admit, signed with its
/// key: the newcomer's node stops asking and says so. Every node passes it
/// on, as a request, once it checked the signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinDecline {
    /// The community's genesis hash.
    pub community: Hash,
    /// The key the declined request asked to register.
    pub public_key: PublicKey,
    /// The name it asked with.
    pub name: String,
    /// The registrar's signature over [`JoinDecline::digest`].
    pub signature: Signature,
}

impl JoinDecline {
    /// The registrar's decline of `request`, signed with `registrar`.
    pub fn new(request: &JoinRequest, registrar: &SecretKey) -> JoinDecline {
        let mut decline = JoinDecline {
            community: request.community,
            public_key: request.public_key,
            name: request.name.clone(),
            signature: Signature([0; 64]),
        };
        decline.signature = registrar.sign(&decline.digest());
        decline
    }

    /// What the signature covers, under a domain tag of its own.
    pub fn digest(&self) -> Hash {
        let fields = (&self.community, &self.public_key, &self.name);
        let json = serde_json::to_vec(&fields).expect("a decline's fields always serialize");
        sha256(&[b"e-cloud join declined\0".as_slice(), &json].concat())
    }

    /// Whether it is for the community of `genesis` and signed by the
    /// registrar's key `registrar`.
    pub fn check(&self, genesis: &Hash, registrar: &PublicKey) -> bool {
        self.community == *genesis && registrar.verifies(&self.digest(), &self.signature)
    }
}

/// A newcomer: its secret seed (the keys [`NodeKeys::from_seed`] makes) and
/// what it asks, signed anew each time it asks.
#[derive(Clone)]
pub struct Applicant {
    seed: [u8; 32],
    request: JoinRequest,
}

impl Applicant {
    /// A newcomer to the community that began with `community`, with keys
    /// made from `seed` (32 random bytes, kept on its own device).
    pub fn new(community: Hash, name: &str, role: Role, capacity: Wh, seed: [u8; 32]) -> Applicant {
        let keys = NodeKeys::from_seed(MemberId(0), seed);
        let request = JoinRequest {
            community,
            name: name.trim().to_string(),
            role,
            capacity,
            public_key: keys.public_key(),
            vrf_key: keys.vrf_key(),
            asked_ms: 0,
            signature: Signature([0; 64]),
        };
        let mut applicant = Applicant { seed, request };
        applicant.request = applicant.request_at(0);
        applicant
    }

    /// What it asks (as last signed).
    pub fn request(&self) -> &JoinRequest {
        &self.request
    }

    /// Its request asked at `now_ms`, signed.
    pub fn request_at(&self, now_ms: u64) -> JoinRequest {
        let mut request = JoinRequest {
            asked_ms: now_ms,
            ..self.request.clone()
        };
        request.signature = SecretKey::from_bytes(self.seed).sign(&request.digest());
        request
    }

    /// Its keys as member `member`, once the chain holds its `Join`.
    pub fn keys_as(&self, member: MemberId) -> NodeKeys {
        NodeKeys::from_seed(member, self.seed)
    }

    /// The member `ledger` registered with this newcomer's key, if any.
    pub fn admitted_in(&self, ledger: &Ledger) -> Option<MemberId> {
        ledger
            .member_with_key(&self.request.public_key)
            .map(|m| m.id)
    }
}

impl fmt::Debug for Applicant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the seed.
        f.debug_struct("Applicant")
            .field("name", &self.request.name)
            .field("public_key", &self.request.public_key)
            .finish_non_exhaustive()
    }
}
