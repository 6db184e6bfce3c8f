//! What a block's hashes should be, recomputed from its contents: its
//! header's hash, its ledger's hash, its Merkle root and each transaction's
//! id. Verification asks for a few blocks' at once, so that all their texts
//! go to [`sha256_each`] together and the page hashes them four at a time.

use crate::block::Block;
use crate::canonical::{to_canonical, CanonicalError};
use crate::crypto::{sha256_each, Hash};
use crate::merkle::merkle_roots;

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

/// The digests of each of `blocks`, as the blocks' own methods compute them
/// one by one.
pub(crate) fn block_digests(blocks: &[Block]) -> Vec<BlockDigests> {
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
