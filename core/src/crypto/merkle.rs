//! The Merkle root of a block's transaction ids.
//!
//! Leaves and inner nodes are hashed with different prefixes (0x00, 0x01) so
//! a pair of ids can never pass for a single id, and an odd node is carried
//! up unchanged instead of being paired with itself, which would let two
//! different id lists share a root (Bitcoin's CVE-2012-2459).

use crate::crypto::{sha256_each, Hash};

/// The root of `ids`; the all-zero hash for a block without transactions.
pub fn merkle_root(ids: &[Hash]) -> Hash {
    merkle_roots(&[ids])[0]
}

/// The root of each list of ids, every level of all the trees hashed in
/// one call, so that the page hashes them four at a time (verification
/// takes a few blocks' roots at once).
pub fn merkle_roots(lists: &[&[Hash]]) -> Vec<Hash> {
    let mut nodes: Vec<u8> = Vec::new();
    for ids in lists {
        for id in *ids {
            nodes.push(0x00);
            nodes.extend_from_slice(&id.0);
        }
    }
    let mut hashes = hash_nodes(&nodes, 33);
    let mut levels: Vec<Vec<Hash>> = Vec::with_capacity(lists.len());
    let mut taken = 0;
    for ids in lists {
        levels.push(hashes[taken..taken + ids.len()].to_vec());
        taken += ids.len();
    }
    while levels.iter().any(|level| level.len() > 1) {
        nodes.clear();
        for level in &levels {
            for pair in level.chunks_exact(2) {
                nodes.push(0x01);
                nodes.extend_from_slice(&pair[0].0);
                nodes.extend_from_slice(&pair[1].0);
            }
        }
        hashes = hash_nodes(&nodes, 65);
        taken = 0;
        for level in &mut levels {
            let pairs = level.len() / 2;
            // An odd node is carried up as it is.
            let odd = level.len() % 2 == 1;
            if odd {
                level[pairs] = level[level.len() - 1];
            }
            level[..pairs].copy_from_slice(&hashes[taken..taken + pairs]);
            level.truncate(pairs + usize::from(odd));
            taken += pairs;
        }
    }
    let mut roots = Vec::with_capacity(levels.len());
    for level in &levels {
        roots.push(level.first().copied().unwrap_or(Hash::ZERO));
    }
    roots
}

/// SHA-256 of each `size`-byte node in `nodes`.
fn hash_nodes(nodes: &[u8], size: usize) -> Vec<Hash> {
    let messages: Vec<&[u8]> = nodes.chunks_exact(size).collect();
    sha256_each(&messages)
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

    /// The definition, node by node: what the batched levels must give.
    fn one_by_one(ids: &[Hash]) -> Hash {
        let mut level: Vec<Hash> = ids
            .iter()
            .map(|id| sha256(&[&[0x00][..], &id.0].concat()))
            .collect();
        if level.is_empty() {
            return Hash::ZERO;
        }
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|pair| match pair {
                    [l, r] => sha256(&[&[0x01][..], &l.0, &r.0].concat()),
                    [odd] => *odd,
                    _ => unreachable!(),
                })
                .collect();
        }
        level[0]
    }

    #[test]
    fn roots_taken_together_are_the_roots_taken_one_by_one() {
        let ids: Vec<Hash> = (0u8..40).map(|i| sha256(&[i, 1])).collect();
        // Trees of every size from 0 to 17 ids, so levels of all the trees
        // end at different heights and odd nodes are carried at each.
        let lists: Vec<&[Hash]> = (0..18).map(|n| &ids[n..2 * n]).collect();
        let roots = merkle_roots(&lists);
        for (list, root) in lists.iter().zip(&roots) {
            assert_eq!(*root, one_by_one(list), "{} ids", list.len());
            assert_eq!(*root, merkle_root(list), "{} ids", list.len());
        }
        assert_eq!(merkle_roots(&[]), Vec::<Hash>::new());
    }

    #[test]
    fn an_empty_block_has_the_zero_root() {
        assert_eq!(merkle_root(&[]), Hash::ZERO);
    }
}
