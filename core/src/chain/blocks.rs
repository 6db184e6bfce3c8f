//! A chain: the blocks from genesis (height 0) to the tip.

use crate::chain::verify::{verify_chain, Report};
use crate::model::block::Block;
use serde::{Deserialize, Serialize};

/// Blocks from genesis (height 0) to the tip. Never empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chain {
    blocks: Vec<Block>,
}

impl Chain {
    /// A chain of one genesis block.
    pub fn new(genesis: Block) -> Chain {
        Chain {
            blocks: vec![genesis],
        }
    }

    /// Blocks as they are, unverified (for tampering and for tests); None
    /// for no blocks.
    pub fn from_blocks_unchecked(blocks: Vec<Block>) -> Option<Chain> {
        (!blocks.is_empty()).then_some(Chain { blocks })
    }

    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// Mutable blocks: for a class tampering with history. Verification will
    /// say what broke.
    pub fn blocks_mut(&mut self) -> &mut [Block] {
        &mut self.blocks
    }

    pub fn genesis(&self) -> &Block {
        &self.blocks[0]
    }

    pub fn tip(&self) -> &Block {
        self.blocks.last().expect("a chain has a genesis block")
    }

    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// Always false: a chain has at least its genesis block.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Replaces a block in place (tampering); returns the old one.
    pub(crate) fn replace(&mut self, height: usize, block: Block) -> Option<Block> {
        self.blocks
            .get_mut(height)
            .map(|b| std::mem::replace(b, block))
    }

    pub(crate) fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    /// Drops the blocks after the first `len` (blocks from a store that
    /// turned out not to verify); a chain keeps at least its genesis block.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.blocks.truncate(len.max(1));
    }

    pub fn verify(&self) -> Report {
        verify_chain(&self.blocks)
    }
}
