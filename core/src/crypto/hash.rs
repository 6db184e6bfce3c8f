//! SHA-256: the one hash of the chain (transaction ids, block hashes, Merkle
//! and ledger roots).

use crate::encoding::canonical::{to_canonical, write_canonical, CanonicalError};
use crate::encoding::hex::hex_newtype;
use serde::Serialize;
use std::cell::RefCell;

/// A SHA-256 digest: a transaction id, a block hash, a Merkle or ledger root.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hash(pub [u8; 32]);

hex_newtype!(Hash, 32);

impl Hash {
    pub const ZERO: Hash = Hash([0; 32]);
}

/// A digest is what a signature signs: its 32 bytes are the message.
impl AsRef<[u8]> for Hash {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// SHA-256 of `bytes`. Natively sha2 (with SHA-NI where the processor has
/// it); in the page `ecloud-sha256`, which hashes four messages at a time,
/// so what hashes many messages hands them over together ([`sha256_each`]).
pub fn sha256(bytes: &[u8]) -> Hash {
    #[cfg(not(target_arch = "wasm32"))]
    return Hash(<sha2::Sha256 as sha2::Digest>::digest(bytes).into());
    #[cfg(target_arch = "wasm32")]
    return Hash(ecloud_sha256::digest(bytes));
}

/// SHA-256 of each message, in order: [`sha256`] of each, four at a time
/// in the page.
pub fn sha256_each(messages: &[&[u8]]) -> Vec<Hash> {
    #[cfg(not(target_arch = "wasm32"))]
    return messages.iter().map(|m| sha256(m)).collect();
    #[cfg(target_arch = "wasm32")]
    return ecloud_sha256::digest_each(messages)
        .into_iter()
        .map(Hash)
        .collect();
}

/// SHA-256 of the canonical encoding of `value`: what a header, a ledger or
/// a transaction commits to. The text is written into a buffer kept from
/// call to call.
pub fn canonical_sha256<T: Serialize + ?Sized>(value: &T) -> Result<Hash, CanonicalError> {
    thread_local! {
        static TEXT: RefCell<String> = const { RefCell::new(String::new()) };
    }
    TEXT.with(|text| match text.try_borrow_mut() {
        Ok(mut text) => {
            text.clear();
            write_canonical(value, &mut text)?;
            Ok(sha256(text.as_bytes()))
        }
        // Called again from inside a `Serialize` impl: a buffer of its own.
        Err(_) => Ok(sha256(to_canonical(value)?.as_bytes())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn sha256_matches_the_standard_vectors() {
        assert_eq!(
            sha256(b"abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256(b"").to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn many_messages_hash_as_each_alone() {
        let messages: Vec<Vec<u8>> = (0..70u8).map(|n| vec![n; usize::from(n) * 3]).collect();
        let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
        let each: Vec<Hash> = refs.iter().map(|m| sha256(m)).collect();
        assert_eq!(sha256_each(&refs), each);
    }

    #[test]
    fn hashes_round_trip_as_hex() {
        let h = sha256(b"x");
        assert_eq!(Hash::from_hex(&h.to_hex()), Ok(h));
        assert_eq!(serde_json::to_string(&h).unwrap(), format!("\"{h}\""));
        assert!(Hash::from_hex(&"zz".repeat(32)).is_err());
    }
}
