//! A node's blocks: a tree rooted at genesis (forks happen), which blocks
//! are final, and which chain the node follows.

use crate::crypto::Hash;
use crate::model::block::Block;
use crate::model::member::MemberId;
use crate::model::tx::TxBody;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Blocks built on a block, each signed by a quorum, that make it final.
pub const FINALITY_DEPTH: u64 = 6;

/// One block of the tree and what the node knows of it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub block: Arc<Block>,
    pub children: Vec<Hash>,
    /// Distinct members who endorsed it: the sealers of the blocks built on
    /// it and the voters in those blocks (whose votes name it as the block
    /// they build on). A member endorses one block per height, so two
    /// blocks at one height each endorsed by more than two thirds of the
    /// members need more than a third to sign twice.
    pub endorsers: HashSet<MemberId>,
    /// Active members of the community it leaves (its own ledger's).
    pub members: usize,
    /// Endorsed by more than two thirds of the members.
    pub quorum: bool,
    pub is_final: bool,
    /// Blocks from genesis to this one sealed by their rank-0 winner.
    pub rank0: u64,
}

/// What adding a block did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inserted {
    /// Blocks it made final, lowest first.
    pub made_final: Vec<Hash>,
    /// Blocks of forks that leave a final block, taken out of the tree (the
    /// node keeps memory in step with its chain, not with past forks).
    pub pruned: Vec<Arc<Block>>,
}

/// Which step of the fork choice ([`BlockTree::prefer`]) decided between two
/// chains, in the order the steps are taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decided {
    /// One chain holds a later final block.
    LaterFinal,
    /// One chain holds a later block endorsed by more than two thirds.
    LaterQuorum,
    /// More of one chain's blocks were sealed by their election's winner.
    MorePrimary,
    /// One chain is longer.
    Longer,
    /// Where they part, one block was sealed by a better-ranked candidate.
    BetterRank,
    /// Where they part, one block has the lower hash.
    LowerHash,
}

impl Decided {
    /// The step in a few words, for a page.
    pub fn describe(self) -> &'static str {
        match self {
            Decided::LaterFinal => "it holds a later final block",
            Decided::LaterQuorum => "it holds a later block signed by more than two thirds",
            Decided::MorePrimary => "more of its blocks were sealed by their election's winner",
            Decided::Longer => "it is longer",
            Decided::BetterRank => "where the chains part, its sealer was ranked better",
            Decided::LowerHash => "where the chains part, its block has the lower hash",
        }
    }
}

/// A node's blocks, each accepted (verified against its parent) before it
/// enters.
#[derive(Clone, Debug)]
pub struct BlockTree {
    genesis: Hash,
    entries: HashMap<Hash, Entry>,
    /// The highest final block: the node never leaves it.
    finalized: Hash,
    /// Blocks with no child yet: the tips of the forks.
    leaves: Vec<Hash>,
}

impl BlockTree {
    pub fn new(genesis: Arc<Block>) -> BlockTree {
        let hash = genesis.hash;
        let entry = Entry {
            endorsers: HashSet::new(),
            members: genesis.ledger().active_members().count(),
            quorum: true,
            is_final: true,
            rank0: 0,
            children: Vec::new(),
            block: genesis,
        };
        BlockTree {
            genesis: hash,
            entries: HashMap::from([(hash, entry)]),
            finalized: hash,
            leaves: vec![hash],
        }
    }

    pub fn genesis(&self) -> &Arc<Block> {
        &self.entries[&self.genesis].block
    }

    pub fn get(&self, hash: &Hash) -> Option<&Entry> {
        self.entries.get(hash)
    }

    pub fn block(&self, hash: &Hash) -> Option<&Arc<Block>> {
        self.entries.get(hash).map(|e| &e.block)
    }

    pub fn contains(&self, hash: &Hash) -> bool {
        self.entries.contains_key(hash)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// The highest final block in this node's view.
    pub fn finalized(&self) -> &Arc<Block> {
        &self.entries[&self.finalized].block
    }

    /// Every block of the tree, in no order.
    pub fn blocks(&self) -> impl Iterator<Item = &Arc<Block>> {
        self.entries.values().map(|e| &e.block)
    }

    pub fn leaves(&self) -> &[Hash] {
        &self.leaves
    }

    /// Blocks at `height` (competing blocks when there are several).
    pub fn at_height(&self, height: u64) -> Vec<&Arc<Block>> {
        let blocks: Vec<&Arc<Block>> = self
            .entries
            .values()
            .filter(|e| e.block.height() == height)
            .map(|e| &e.block)
            .collect();
        crate::encoding::order::sorted_by(&blocks, &|a, b| a.hash.cmp(&b.hash))
    }

    /// Takes `hash` and every block built on it out of the tree (a block
    /// refused after it was accepted: the loser of an equivocation), unless
    /// it is final. Returns the blocks taken out, parents first.
    pub fn remove_subtree(&mut self, hash: &Hash) -> Vec<Arc<Block>> {
        match self.entries.get(hash) {
            Some(entry) if !entry.is_final => {}
            _ => return Vec::new(),
        }
        let mut removed = Vec::new();
        let mut stack = vec![*hash];
        while let Some(h) = stack.pop() {
            if let Some(entry) = self.entries.remove(&h) {
                stack.extend(entry.children.iter().copied());
                removed.push(entry.block);
            }
        }
        self.leaves.retain(|l| self.entries.contains_key(l));
        if let Some(parent) = removed.first().map(|b| b.header.parent) {
            if let Some(p) = self.entries.get_mut(&parent) {
                p.children.retain(|c| c != hash);
                if p.children.is_empty() {
                    self.leaves.push(parent);
                }
            }
        }
        removed
    }

    /// Adds a block whose parent is in the tree and which has been checked
    /// against it: which blocks it made final, and which forks went with
    /// them.
    pub fn insert(&mut self, block: Arc<Block>) -> Inserted {
        let hash = block.hash;
        if self.entries.contains_key(&hash) {
            return Inserted::default();
        }
        let parent_hash = block.header.parent;
        let parent = &self.entries[&parent_hash];
        let entry = Entry {
            endorsers: HashSet::new(),
            members: block.ledger().active_members().count().max(1),
            quorum: false,
            is_final: false,
            rank0: parent.rank0 + u64::from(is_primary(&parent.block, &block)),
            children: Vec::new(),
            block: block.clone(),
        };
        self.entries.insert(hash, entry);
        self.leaves.retain(|l| *l != parent_hash);
        self.leaves.push(hash);
        let parent = self
            .entries
            .get_mut(&parent_hash)
            .expect("a block enters after its parent");
        parent.children.push(hash);
        let was = parent.quorum || parent.block.height() == 0;
        parent.endorsers.extend(endorsers(&block));
        parent.quorum = 3 * parent.endorsers.len() > 2 * parent.members;
        if was || !parent.quorum {
            return Inserted::default();
        }
        // The parent's endorsement may end runs of quorum blocks above it
        // too (blocks can gain endorsements late, from a second child).
        let mut inserted = Inserted::default();
        let mut stack = vec![parent_hash];
        while let Some(h) = stack.pop() {
            let Some(entry) = self.entries.get(&h) else {
                continue;
            };
            if !entry.quorum {
                continue;
            }
            stack.extend(entry.children.iter().copied());
            let more = self.finalize_below(h);
            inserted.made_final.extend(more.made_final);
            inserted.pruned.extend(more.pruned);
        }
        inserted
    }

    /// When `hash` ends a run of [`FINALITY_DEPTH`] blocks each endorsed
    /// by a quorum (so each of the blocks built on the lowest of them is
    /// signed by more than two thirds of the members), the lowest of the
    /// run is final, and so is every block under it; the forks that leave
    /// them can never be chosen again and go.
    fn finalize_below(&mut self, hash: Hash) -> Inserted {
        let mut at = hash;
        for i in 0..FINALITY_DEPTH {
            let entry = &self.entries[&at];
            if !entry.quorum || entry.block.height() == 0 {
                return Inserted::default();
            }
            if i + 1 < FINALITY_DEPTH {
                at = entry.block.header.parent;
            }
        }
        let mut made = Vec::new();
        let mut next = Some(at);
        while let Some(h) = next {
            let entry = self
                .entries
                .get_mut(&h)
                .expect("an ancestor is in the tree");
            if entry.is_final {
                break;
            }
            entry.is_final = true;
            made.push(h);
            next = (entry.block.height() > 0).then_some(entry.block.header.parent);
        }
        made.reverse();
        let mut pruned = Vec::new();
        // The node keeps to the first of two conflicting final blocks (which
        // only more than a third of the members signing twice could make).
        if let Some(&top) = made.last() {
            if self.is_ancestor(&self.finalized, &top) {
                self.finalized = top;
                for h in &made {
                    let parent = self.entries[h].block.header.parent;
                    let siblings: Vec<Hash> = self.entries[&parent]
                        .children
                        .iter()
                        .filter(|c| *c != h)
                        .copied()
                        .collect();
                    for sibling in siblings {
                        pruned.extend(self.remove_subtree(&sibling));
                    }
                }
            }
        }
        Inserted {
            made_final: made,
            pruned,
        }
    }

    /// Whether `a` is `b` or one of its ancestors.
    pub fn is_ancestor(&self, a: &Hash, b: &Hash) -> bool {
        let Some(target) = self.entries.get(a).map(|e| e.block.height()) else {
            return false;
        };
        self.ancestor_at(b, target) == Some(*a)
    }

    /// The ancestor of `hash` (or itself) at `height`.
    pub fn ancestor_at(&self, hash: &Hash, height: u64) -> Option<Hash> {
        let mut at = *hash;
        loop {
            let entry = self.entries.get(&at)?;
            match entry.block.height().cmp(&height) {
                Ordering::Equal => return Some(at),
                Ordering::Less => return None,
                Ordering::Greater => at = entry.block.header.parent,
            }
        }
    }

    /// The chain from genesis to `hash`.
    pub fn chain_to(&self, hash: &Hash) -> Vec<Arc<Block>> {
        let mut chain = Vec::new();
        let mut at = Some(*hash);
        while let Some(h) = at {
            let Some(entry) = self.entries.get(&h) else {
                break;
            };
            chain.push(entry.block.clone());
            at = (entry.block.height() > 0).then_some(entry.block.header.parent);
        }
        chain.reverse();
        chain
    }

    /// The blocks of the chain ending at `tip` from `from_height` on, at
    /// most `limit`, lowest first (empty when `tip` is not in the tree).
    pub fn chain_from(&self, tip: &Hash, from_height: u64, limit: usize) -> Vec<Arc<Block>> {
        let mut blocks = Vec::new();
        let mut at = *tip;
        while let Some(entry) = self.entries.get(&at) {
            if entry.block.height() < from_height {
                break;
            }
            blocks.push(entry.block.clone());
            if entry.block.height() == 0 {
                break;
            }
            at = entry.block.header.parent;
        }
        blocks.reverse();
        blocks.truncate(limit);
        blocks
    }

    /// The highest block signed by a quorum on the chain ending at `hash`
    /// (genesis at worst), with its height.
    pub fn highest_quorum_on(&self, hash: &Hash) -> (u64, Hash) {
        let mut at = *hash;
        while let Some(entry) = self.entries.get(&at) {
            if entry.quorum || entry.block.height() == 0 {
                return (entry.block.height(), at);
            }
            at = entry.block.header.parent;
        }
        (0, self.genesis)
    }

    /// The height of the highest final block on the chain ending at `hash`.
    pub fn final_height_on(&self, hash: &Hash) -> u64 {
        let mut at = *hash;
        loop {
            let entry = &self.entries[&at];
            if entry.is_final || entry.block.height() == 0 {
                return entry.block.height();
            }
            at = entry.block.header.parent;
        }
    }

    /// The tip the node follows: of the forks that keep its final block,
    /// the one [`BlockTree::prefer`] ranks first.
    pub fn best(&self) -> Hash {
        let mut best = self.finalized;
        for leaf in &self.leaves {
            if self.is_ancestor(&self.finalized, leaf)
                && self.prefer(leaf, &best) == Ordering::Greater
            {
                best = *leaf;
            }
        }
        best
    }

    /// The fork choice, the same for every node and independent of the
    /// order blocks came in: of the chains ending at `a` and `b`, the one
    /// with the later final block; then the later block endorsed by a
    /// quorum (a node's lock is never above it); then more blocks sealed by their rank-0
    /// winner; then the longer; then the better rank at the first height
    /// where they differ; then the lower hash there. `Greater`: `a`.
    pub fn prefer(&self, a: &Hash, b: &Hash) -> Ordering {
        self.choose(a, b)
            .map_or(Ordering::Equal, |(order, _)| order)
    }

    /// [`BlockTree::prefer`], with the step of the rule that decided: what a
    /// page shows beside two competing blocks. None when `a` is `b`.
    pub fn choose(&self, a: &Hash, b: &Hash) -> Option<(Ordering, Decided)> {
        if a == b {
            return None;
        }
        let (ea, eb) = (&self.entries[a], &self.entries[b]);
        let steps = [
            (
                Decided::LaterFinal,
                self.final_height_on(a).cmp(&self.final_height_on(b)),
            ),
            (
                Decided::LaterQuorum,
                self.highest_quorum_on(a)
                    .0
                    .cmp(&self.highest_quorum_on(b).0),
            ),
            (Decided::MorePrimary, ea.rank0.cmp(&eb.rank0)),
            (Decided::Longer, ea.block.height().cmp(&eb.block.height())),
        ];
        if let Some(decided) = steps.into_iter().find(|(_, o)| o.is_ne()) {
            return Some((decided.1, decided.0));
        }
        let (fa, fb) = self.first_difference(a, b);
        let (ra, rb) = (&self.entries[&fa].block, &self.entries[&fb].block);
        // A better (lower) rank, then a lower hash, is preferred.
        let rank = rb
            .header
            .rank
            .unwrap_or(0)
            .cmp(&ra.header.rank.unwrap_or(0));
        Some(match rank {
            Ordering::Equal => (rb.hash.cmp(&ra.hash), Decided::LowerHash),
            rank => (rank, Decided::BetterRank),
        })
    }

    /// The first blocks where the chains ending at `a` and `b` differ (each
    /// the child of their last common block; a tip itself when one chain
    /// holds the other, which `prefer` has decided by length before).
    fn first_difference(&self, a: &Hash, b: &Hash) -> (Hash, Hash) {
        let ha = self.entries[a].block.height();
        let hb = self.entries[b].block.height();
        let low = ha.min(hb);
        let (mut x, mut y) = (
            self.ancestor_at(a, low)
                .expect("an ancestor at a lower height"),
            self.ancestor_at(b, low)
                .expect("an ancestor at a lower height"),
        );
        let (mut fx, mut fy) = (x, y);
        while x != y {
            fx = x;
            fy = y;
            x = self.entries[&x].block.header.parent;
            y = self.entries[&y].block.header.parent;
        }
        (fx, fy)
    }
}

/// Whether `block` was sealed by the winner of the election its parent
/// holds (a fallback turn, after a parent with no election, is not).
fn is_primary(parent: &Block, block: &Block) -> bool {
    block.header.rank == Some(0)
        && parent
            .election()
            .is_some_and(|record| !record.candidates.is_empty())
}

/// The members a block endorses its parent for: its sealer, who built on
/// the parent, and its voters, whose votes name the parent (verification
/// refuses a vote that names another block).
pub fn endorsers(block: &Block) -> impl Iterator<Item = MemberId> + '_ {
    let voters = block
        .body
        .transactions
        .iter()
        .filter_map(|tx| match &tx.body {
            TxBody::Vote(v) => Some(v.voter),
            _ => None,
        });
    std::iter::once(block.header.sealed_by).chain(voters)
}
