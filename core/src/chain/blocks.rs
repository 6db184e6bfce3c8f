//! A chain: the blocks from genesis (height 0) to the tip.
//!
//! A chain may also be *resumed* from its genesis block and its newest
//! blocks alone ([`Chain::resumed`]): what a node that trusts its own store
//! reads at start. Its older blocks are put in front later
//! ([`Chain::prepend`]), each checked to link to the next. Until then it
//! holds blocks `base()` to the tip (and its genesis block): look blocks
//! up by height ([`Chain::block_at`]), never by their index in
//! [`Chain::blocks`].

use crate::chain::verify::{Report, Verifier};
use crate::crypto::Hash;
use crate::model::block::Block;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::RangeInclusive;

/// Blocks from genesis (height 0) to the tip, or, while a resumed chain's
/// older blocks are still to come, from `base` to the tip and the genesis
/// block. Never empty.
///
/// Its serde form is the blocks it holds: a resumed chain is written only
/// once it is whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chain {
    blocks: Vec<Block>,
    /// The height of `blocks[0]`: 0 for a whole chain.
    #[serde(skip)]
    base: u64,
    /// The genesis block while it is not `blocks[0]` (`base > 0`).
    #[serde(skip)]
    genesis: Option<Box<Block>>,
}

/// Why blocks were refused as a chain's: they do not link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// No blocks where some were due.
    NoBlocks,
    /// Block `expected` was due and block `found` came.
    Height { expected: u64, found: u64 },
    /// Block `height` does not name the block before it as its parent.
    Parent { height: u64 },
    /// The chain holds every block already.
    Whole,
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::NoBlocks => write!(f, "no blocks"),
            LinkError::Height { expected, found } => {
                write!(f, "block {found} came where block {expected} was due")
            }
            LinkError::Parent { height } => write!(
                f,
                "block {height} does not name block {} as its parent",
                height.saturating_sub(1)
            ),
            LinkError::Whole => write!(f, "the chain holds every block already"),
        }
    }
}

impl std::error::Error for LinkError {}

/// Checks that `blocks` have the heights `from`, `from + 1`, ... and that
/// each names the one before as its parent (the first is not checked).
fn check_links(blocks: &[Block], from: u64) -> Result<(), LinkError> {
    for (expected, block) in (from..).zip(blocks) {
        if block.height() != expected {
            return Err(LinkError::Height {
                expected,
                found: block.height(),
            });
        }
    }
    match blocks.windows(2).find(|w| w[1].header.parent != w[0].hash) {
        Some(w) => Err(LinkError::Parent {
            height: w[1].height(),
        }),
        None => Ok(()),
    }
}

impl Chain {
    /// A chain of one genesis block.
    pub fn new(genesis: Block) -> Chain {
        Chain {
            blocks: vec![genesis],
            base: 0,
            genesis: None,
        }
    }

    /// Blocks as they are, unverified (for tampering and for tests); None
    /// for no blocks.
    pub fn from_blocks_unchecked(blocks: Vec<Block>) -> Option<Chain> {
        (!blocks.is_empty()).then_some(Chain {
            blocks,
            base: 0,
            genesis: None,
        })
    }

    /// A chain from its genesis block and its newest blocks, heights in a
    /// row, each naming the one before as its parent; the blocks between
    /// come later ([`Chain::prepend`]). Whole at once when `newest` begins
    /// at block 1. Nothing more is checked: a store is trusted for its
    /// blocks as for the links between the genesis and `newest`.
    pub fn resumed(genesis: Block, newest: Vec<Block>) -> Result<Chain, LinkError> {
        if genesis.height() != 0 {
            return Err(LinkError::Height {
                expected: 0,
                found: genesis.height(),
            });
        }
        let Some(first) = newest.first() else {
            return Ok(Chain::new(genesis));
        };
        let base = first.height();
        if base == 0 {
            return Err(LinkError::Height {
                expected: 1,
                found: 0,
            });
        }
        check_links(&newest, base)?;
        let mut chain = Chain {
            blocks: newest,
            base,
            genesis: Some(Box::new(genesis)),
        };
        if base == 1 {
            chain.prepend(Vec::new())?;
        }
        Ok(chain)
    }

    /// Puts `older`, the blocks just below [`Chain::base`], in front, once
    /// each names the one before it as its parent and the last is named so
    /// by the first block held. When they reach block 1, the chain is whole
    /// (block 1 must name the genesis block as its parent). Refused,
    /// changing nothing, if they do not link.
    pub fn prepend(&mut self, older: Vec<Block>) -> Result<(), LinkError> {
        let links = (self.blocks[0].header.parent, self.genesis().hash);
        self.prepend_linked(older, links)
    }

    /// [`Chain::prepend`], the last of `older` checked to have hash
    /// `parent` and the first to name `genesis` as its parent if it is
    /// block 1 (the first held block's parent and the genesis block's hash
    /// as sealed, whatever tampering changed since).
    pub(crate) fn prepend_linked(
        &mut self,
        mut older: Vec<Block>,
        (parent, genesis): (Hash, Hash),
    ) -> Result<(), LinkError> {
        if self.genesis.is_none() {
            return match older.is_empty() {
                true => Ok(()),
                false => Err(LinkError::Whole),
            };
        }
        let from = self.base.saturating_sub(older.len() as u64);
        if from == 0 {
            return Err(LinkError::Height {
                expected: 1,
                found: older[0].height(),
            });
        }
        check_links(&older, from)?;
        if older.last().is_some_and(|last| last.hash != parent) {
            return Err(LinkError::Parent { height: self.base });
        }
        let first_parent = older.first().map_or(parent, |b| b.header.parent);
        if from == 1 && first_parent != genesis {
            return Err(LinkError::Parent { height: 1 });
        }
        if from == 1 {
            let genesis = self.genesis.take().expect("a resumed chain's genesis");
            older.insert(0, *genesis);
            self.base = 0;
        } else {
            self.base = from;
        }
        older.append(&mut self.blocks);
        self.blocks = older;
        Ok(())
    }

    /// The blocks held, oldest first, from height [`Chain::base`]: from
    /// genesis for a whole chain.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// Mutable blocks: for a class tampering with history. Verification will
    /// say what broke.
    pub fn blocks_mut(&mut self) -> &mut [Block] {
        &mut self.blocks
    }

    /// The height of the oldest block held after genesis: 0 for a whole
    /// chain (genesis is held with the rest), more while a resumed chain's
    /// older blocks are still to come.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// Whether the chain holds every block from genesis to the tip.
    pub fn is_whole(&self) -> bool {
        self.genesis.is_none()
    }

    /// The heights of [`Chain::blocks`]: every height for a whole chain.
    pub fn height_range(&self) -> RangeInclusive<u64> {
        self.base..=self.tip().height()
    }

    /// Block `height`, if the chain holds it (genesis is always held).
    pub fn block_at(&self, height: u64) -> Option<&Block> {
        if height == 0 {
            return Some(self.genesis());
        }
        let index = usize::try_from(height.checked_sub(self.base)?).ok()?;
        self.blocks.get(index)
    }

    pub fn genesis(&self) -> &Block {
        self.genesis.as_deref().unwrap_or(&self.blocks[0])
    }

    pub fn tip(&self) -> &Block {
        self.blocks.last().expect("a chain has a genesis block")
    }

    /// The chain's length: its tip's height plus one (the height of the
    /// block that comes next), whether or not its older blocks are held.
    pub fn len(&self) -> usize {
        self.base as usize + self.blocks.len()
    }

    /// Always false: a chain has at least its genesis block.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Replaces block `height` in place (tampering); returns the old one.
    pub(crate) fn replace(&mut self, height: u64, block: Block) -> Option<Block> {
        let held = match (&mut self.genesis, height) {
            (Some(genesis), 0) => Some(&mut **genesis),
            _ => usize::try_from(height.checked_sub(self.base)?)
                .ok()
                .and_then(|i| self.blocks.get_mut(i)),
        };
        held.map(|b| std::mem::replace(b, block))
    }

    pub(crate) fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    /// Drops the blocks after the first `len` (blocks from a store that
    /// turned out not to verify); a chain keeps at least its oldest block
    /// held.
    pub(crate) fn truncate(&mut self, len: usize) {
        let held = len.saturating_sub(self.base as usize);
        self.blocks.truncate(held.max(1));
    }

    /// Verifies the newest `count` blocks held against the ledger the block
    /// before them records (which is trusted, with every block before it):
    /// a resumed chain's check at start. The blocks held are checked
    /// whole if there are no more than `count` in a whole chain; in a
    /// resumed chain at most all but the oldest held.
    pub fn check_newest(&self, count: usize) -> Report {
        match self.genesis.as_deref() {
            None => Verifier::newest(&self.blocks, count).finish(&self.blocks),
            Some(genesis) => {
                Verifier::resumed(genesis, self.base, &self.blocks, count).finish(&self.blocks)
            }
        }
    }

    /// Verifies the whole chain; a chain whose older blocks are not held
    /// yet, its blocks held (as [`Chain::check_newest`]).
    pub fn verify(&self) -> Report {
        self.check_newest(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::genesis::{CommunitySpec, GEORGE};
    use crate::encoding::units::Wh;
    use crate::simulation::keyring::Keyring;
    use crate::simulation::run::Simulation;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A chain of `blocks` blocks after genesis.
    fn sealed(blocks: u64) -> Chain {
        let mut sim =
            Simulation::start(&CommunitySpec::default(), Keyring::from_seed_number(5), 0).unwrap();
        for b in 1..=blocks {
            sim.generate(GEORGE, Wh(100 + b)).unwrap();
            sim.seal().unwrap();
        }
        sim.chain().clone()
    }

    fn resumed_from(whole: &Chain, base: u64) -> Chain {
        let held = whole.blocks()[base as usize..].to_vec();
        Chain::resumed(whole.genesis().clone(), held).unwrap()
    }

    #[test]
    fn a_resumed_chain_answers_by_height_and_becomes_whole() {
        let whole = sealed(30);
        let mut chain = resumed_from(&whole, 20);
        assert!(!chain.is_whole());
        assert_eq!(chain.base(), 20);
        assert_eq!(chain.len(), 31, "the next height, as the whole chain's");
        assert_eq!(chain.height_range(), 20..=30);
        assert_eq!(chain.block_at(0), Some(whole.genesis()));
        assert_eq!(chain.block_at(19), None, "not read yet");
        assert_eq!(chain.block_at(25), whole.block_at(25));
        assert_eq!(chain.block_at(31), None);
        assert!(chain.check_newest(5).is_valid());
        assert_eq!(chain.check_newest(5).blocks_checked, 5);
        assert_eq!(chain.verify().blocks_checked, 10, "all held but the oldest");
        chain.prepend(whole.blocks()[10..20].to_vec()).unwrap();
        assert_eq!(chain.base(), 10);
        assert_eq!(chain.block_at(12), whole.block_at(12));
        chain.prepend(whole.blocks()[1..10].to_vec()).unwrap();
        assert!(chain.is_whole());
        assert!(chain == whole, "the same chain");
        assert!(chain.verify().is_valid());
        // Newest blocks from block 1 on: whole at once.
        assert!(resumed_from(&whole, 1) == whole);
    }

    #[test]
    fn blocks_that_do_not_link_are_refused() {
        let whole = sealed(12);
        let genesis = whole.genesis().clone();
        let blocks = |range: std::ops::Range<usize>| whole.blocks()[range].to_vec();
        // A gap among the newest, or genesis among them.
        let mut gap = blocks(6..13);
        gap.remove(2);
        assert_eq!(
            Chain::resumed(genesis.clone(), gap),
            Err(LinkError::Height {
                expected: 8,
                found: 9
            })
        );
        assert!(Chain::resumed(genesis.clone(), blocks(0..13)).is_err());
        // A newest block that does not name the one before it.
        let mut forged = blocks(6..13);
        forged[3].header.parent = forged[1].hash;
        assert_eq!(
            Chain::resumed(genesis.clone(), forged),
            Err(LinkError::Parent { height: 9 })
        );
        let mut chain = resumed_from(&whole, 6);
        let before = chain.clone();
        // Older blocks that stop short of the base, or reach past it.
        assert!(chain.prepend(blocks(2..5)).is_err());
        assert!(chain.prepend(blocks(0..6)).is_err());
        // An older block changed in the store: its hash is not the next
        // one's parent.
        let mut changed = blocks(1..6);
        changed[4].hash = changed[3].hash;
        assert_eq!(chain.prepend(changed), Err(LinkError::Parent { height: 6 }));
        let mut changed = blocks(1..6);
        changed[1].hash = changed[0].hash;
        assert_eq!(chain.prepend(changed), Err(LinkError::Parent { height: 3 }));
        // Block 1 on another genesis.
        let mut other = blocks(1..6);
        other[0].header.parent = Hash::ZERO;
        assert_eq!(chain.prepend(other), Err(LinkError::Parent { height: 1 }));
        assert!(chain == before, "refused, changing nothing");
        chain.prepend(blocks(1..6)).unwrap();
        assert!(chain == whole);
        assert!(
            chain.prepend(blocks(1..2)).is_err(),
            "a whole chain takes no more"
        );
    }
}
