//! What a block's hashes should be, recomputed from its contents: its
//! header's hash, its ledger's hash, its Merkle root and each transaction's
//! id. Verification asks for a few blocks' at once, so that in the page all
//! their texts go to [`sha256_each`] together and are hashed four at a time.

use crate::block::Block;
use crate::canonical::CanonicalError;
use crate::crypto::Hash;

/// One block's recomputed hashes; a text that cannot be encoded gives the
/// encoder's error instead of a hash.
pub(crate) struct BlockDigests {
    /// [`crate::block::BlockHeader::hash`].
    pub header: Result<Hash, CanonicalError>,
    /// [`crate::ledger::Ledger::hash`] of the block's ledger.
    pub ledger: Result<Hash, CanonicalError>,
    /// The root of the ids the transactions carry.
    pub merkle_root: Hash,
    /// [`crate::tx::TxBody::id`] of each transaction, in order.
    pub tx_ids: Vec<Result<Hash, CanonicalError>>,
}

/// The digests of each of `blocks`, as the blocks' own methods compute them.
/// Natively they are those methods, one block after another: sha2 hashes one
/// message at a time there anyway, and each text is hashed where the encoder
/// wrote it (`canonical_sha256`); gathering the texts first made the
/// structural checks 4 % slower. In the page, [`together`].
pub(crate) fn block_digests(blocks: &[Block]) -> Vec<BlockDigests> {
    #[cfg(not(target_arch = "wasm32"))]
    return blocks.iter().map(one_by_one).collect();
    #[cfg(target_arch = "wasm32")]
    return together(blocks);
}

#[cfg(not(target_arch = "wasm32"))]
fn one_by_one(b: &Block) -> BlockDigests {
    let ids: Vec<Hash> = b.body.transactions.iter().map(|t| t.id).collect();
    BlockDigests {
        header: b.header.hash(),
        ledger: b.ledger().hash(),
        merkle_root: crate::merkle::merkle_root(&ids),
        tx_ids: b.body.transactions.iter().map(|t| t.body.id()).collect(),
    }
}

/// The digests of `blocks`, every text of them hashed in one
/// [`sha256_each`] and every Merkle tree in one `merkle_roots`. Tested
/// natively too.
#[cfg(any(test, target_arch = "wasm32"))]
fn together(blocks: &[Block]) -> Vec<BlockDigests> {
    use crate::canonical::to_canonical;
    use crate::crypto::sha256_each;
    use crate::merkle::merkle_roots;
    // Every text in one list, and in `places` where each digest's text is
    // (header, ledger, then each transaction, block after block), or why
    // there is none. Plain loops: in the page each iterator chain would be
    // code of its own (docs/PERFORMANCE.md, "Size").
    let mut texts: Vec<String> = Vec::new();
    let mut places: Vec<Result<usize, CanonicalError>> = Vec::new();
    let mut ids: Vec<Vec<Hash>> = Vec::with_capacity(blocks.len());
    for b in blocks {
        let mut keep = |text: Result<String, CanonicalError>| {
            places.push(text.map(|t| {
                texts.push(t);
                texts.len() - 1
            }));
        };
        keep(b.header.preimage());
        keep(to_canonical(b.ledger()));
        let mut block_ids = Vec::with_capacity(b.body.transactions.len());
        for tx in &b.body.transactions {
            keep(to_canonical(&tx.body));
            block_ids.push(tx.id);
        }
        ids.push(block_ids);
    }
    let mut messages: Vec<&[u8]> = Vec::with_capacity(texts.len());
    for t in &texts {
        messages.push(t.as_bytes());
    }
    let hashes = sha256_each(&messages);
    let mut lists: Vec<&[Hash]> = Vec::with_capacity(ids.len());
    for block_ids in &ids {
        lists.push(block_ids);
    }
    let roots = merkle_roots(&lists);
    let mut places = places.into_iter().map(|place| place.map(|i| hashes[i]));
    let mut out = Vec::with_capacity(blocks.len());
    for (b, merkle_root) in blocks.iter().zip(roots) {
        let mut next = || places.next().unwrap_or(Ok(Hash::ZERO));
        let header = next();
        let ledger = next();
        let mut tx_ids = Vec::with_capacity(b.body.transactions.len());
        for _ in &b.body.transactions {
            tx_ids.push(next());
        }
        out.push(BlockDigests {
            header,
            ledger,
            merkle_root,
            tx_ids,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::community::GEORGE;
    use crate::merkle::merkle_root;
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
            sim.seal(b * 15_000).expect("a block seals");
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
                crate::tx::TxBody::Generation(g) => Some(g),
                _ => None,
            })
            .expect("block 7 holds a reading");
        tx.energy = Wh(1 << 60);
        let digests = together(&blocks);
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
