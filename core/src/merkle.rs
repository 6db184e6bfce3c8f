//! The Merkle root of a block's transaction ids.
//!
//! Leaves and inner nodes are hashed with different prefixes (0x00, 0x01) so
//! a pair of ids can never pass for a single id, and an odd node is carried
//! up unchanged instead of being paired with itself, which would let two
//! different id lists share a root (Bitcoin's CVE-2012-2459).

use crate::crypto::{Hash, Sha256Stream};

/// The root of `ids`; the all-zero hash for a block without transactions.
pub fn merkle_root(ids: &[Hash]) -> Hash {
    if ids.is_empty() {
        return Hash::ZERO;
    }
    let mut level: Vec<Hash> = ids
        .iter()
        .map(|id| Sha256Stream::new().chain(&[0x00]).chain(&id.0).finish())
        .collect();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [l, r] => Sha256Stream::new()
                    .chain(&[0x01])
                    .chain(&l.0)
                    .chain(&r.0)
                    .finish(),
                [odd] => *odd,
                _ => unreachable!("chunks(2) yields one or two"),
            })
            .collect();
    }
    level[0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::sha256;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_root_commits_to_every_id_and_their_order() {
        let ids: Vec<Hash> = (0u8..5).map(|i| sha256(&[i])).collect();
        let root = merkle_root(&ids);
        for i in 0..ids.len() {
            let mut changed = ids.clone();
            changed[i].0[0] ^= 1;
            assert_ne!(merkle_root(&changed), root, "id {i} not covered");
        }
        let mut swapped = ids.clone();
        swapped.swap(0, 1);
        assert_ne!(merkle_root(&swapped), root);
    }

    #[test]
    fn duplicating_the_last_id_changes_the_root() {
        let ids: Vec<Hash> = (0u8..3).map(|i| sha256(&[i])).collect();
        let mut padded = ids.clone();
        padded.push(ids[2]);
        assert_ne!(merkle_root(&ids), merkle_root(&padded));
    }

    #[test]
    fn an_empty_block_has_the_zero_root() {
        assert_eq!(merkle_root(&[]), Hash::ZERO);
    }
}
