//! What a block's hashes should be, recomputed from its contents: its
//! header's hash, its ledger's hash, its Merkle root and each transaction's
//! id. Verification asks for a few blocks' at once, so that in the page all
//! their texts go to [`sha256_each`] together and are hashed four at a time.

use crate::crypto::{merkle_roots, sha256_each, Hash};
use crate::encoding::canonical::{write_canonical, CanonicalError};
use crate::model::block::Block;
use std::ops::Range;

/// One block's recomputed hashes; a text that cannot be encoded gives the
/// encoder's error instead of a hash.
pub(crate) struct BlockDigests {
    /// [`crate::model::block::BlockHeader::hash`].
    pub header: Result<Hash, CanonicalError>,
    /// [`crate::model::ledger::Ledger::hash`] of the block's ledger.
    pub ledger: Result<Hash, CanonicalError>,
    /// The root of the ids the transactions carry.
    pub merkle_root: Hash,
    /// [`crate::model::tx::TxBody::id`] of each transaction, in order.
    pub tx_ids: Vec<Result<Hash, CanonicalError>>,
}

/// The digests of each of `blocks`, as the blocks' own methods compute
/// them: every text of them hashed in one [`sha256_each`] and every Merkle
/// tree in one [`merkle_roots`].
pub(crate) fn block_digests(blocks: &[Block]) -> Vec<BlockDigests> {
    // Every text one after the other in `texts`; `places` says where each
    // digest's text is (header, ledger, then each transaction, block after
    // block), or why there is none.
    let mut texts = String::new();
    let mut places: Vec<Result<Range<usize>, CanonicalError>> = Vec::new();
    for b in blocks {
        places.push(place(&b.header, &mut texts));
        places.push(place(b.ledger(), &mut texts));
        for tx in &b.body.transactions {
            places.push(place(&tx.body, &mut texts));
        }
    }
    let messages: Vec<&[u8]> = places
        .iter()
        .filter_map(|place| place.as_ref().ok())
        .map(|range| &texts.as_bytes()[range.clone()])
        .collect();
    let mut hashes = sha256_each(&messages).into_iter();
    let ids: Vec<Vec<Hash>> = blocks
        .iter()
        .map(|b| b.body.transactions.iter().map(|t| t.id).collect())
        .collect();
    let lists: Vec<&[Hash]> = ids.iter().map(Vec::as_slice).collect();
    let roots = merkle_roots(&lists);

    let mut digests = places
        .into_iter()
        .map(|place| place.map(|_| hashes.next().expect("a hash for every text")));
    let mut next = || digests.next().expect("a place for every text");
    blocks
        .iter()
        .zip(roots)
        .map(|(b, merkle_root)| BlockDigests {
            header: next(),
            ledger: next(),
            merkle_root,
            tx_ids: b.body.transactions.iter().map(|_| next()).collect(),
        })
        .collect()
}

/// Appends `value`'s canonical text to `texts`, and says where it is.
fn place<T: serde::Serialize>(
    value: &T,
    texts: &mut String,
) -> Result<Range<usize>, CanonicalError> {
    let start = texts.len();
    write_canonical(value, texts).map(|()| start..texts.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::genesis::GEORGE;
    use crate::crypto::merkle::merkle_root;
    use crate::{CommunitySpec, Keyring, Simulation, Wh};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_digests_taken_together_are_each_block_s_own() {
        let mut sim = Simulation::start(&CommunitySpec::default(), Keyring::from_seed_number(7), 0)
            .expect("the seed's community starts");
        for b in 1..=9u64 {
            // Blocks of 0 to 3 readings: Merkle trees of different heights.
            for r in 0..b % 4 {
                sim.generate(GEORGE, Wh(100 + r)).expect("within capacity");
            }
            sim.seal().expect("a block seals");
        }
        let mut blocks = sim.chain().blocks().to_vec();
        // A ledger and a transaction that cannot be encoded (past 2^53): an
        // error in its place, the others unaffected.
        blocks[4].body.ledger.members[1].balance = Wh(1 << 60);
        let tx = blocks[7]
            .body
            .transactions
            .iter_mut()
            .find_map(|tx| match &mut tx.body {
                crate::model::tx::TxBody::Generation(g) => Some(g),
                _ => None,
            })
            .expect("block 7 holds a reading");
        tx.energy = Wh(1 << 60);
        let digests = block_digests(&blocks);
        assert_eq!(digests.len(), blocks.len());
        for (b, d) in blocks.iter().zip(&digests) {
            assert_eq!(d.header, b.header.hash());
            assert_eq!(d.ledger, b.ledger().hash());
            let ids: Vec<Hash> = b.body.transactions.iter().map(|t| t.id).collect();
            assert_eq!(d.merkle_root, merkle_root(&ids));
            let own: Vec<_> = b.body.transactions.iter().map(|t| t.body.id()).collect();
            assert_eq!(d.tx_ids, own);
        }
        assert!(digests[4].ledger.is_err());
        assert!(digests[7].tx_ids.iter().any(Result::is_err));
    }
}
