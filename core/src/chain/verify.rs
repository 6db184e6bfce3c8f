//! Verification (SPEC section 7): recompute everything and report, per
//! block, every rule that fails, with a stable code and a sentence a
//! student can read. Never a bare bool, never a panic.
//!
//! Blocks are replayed from genesis: each block's transactions are applied
//! to the ledger the previous blocks *should* have produced, not to the one
//! they record, so a tampered ledger is caught in its own block and does not
//! spill into the next. After the first broken block, later blocks get only
//! the checks that do not depend on trusted state (hash, links, roots) and
//! are marked as descendants of a broken block.

use crate::chain::digests::{block_digests, BlockDigests};
use crate::crypto::vrf::ProofMemo;
use crate::crypto::{
    verify_batched, Hash, PublicKey, Signature, SignatureBatch, SignedDigest, BATCH_SIZE,
};
use crate::encoding::units::MilliTokens;
use crate::model::block::{Block, BLOCK_VERSION, BLOCK_VERSION_2, MARKET_PERIOD_MS, RANK_TURNS};
use crate::model::election::ElectionRecord;
use crate::model::ledger::Ledger;
use crate::model::member::MemberId;
use crate::model::tx::Penalty;
use crate::rules::election::election_seed_after;
use crate::rules::limits::{self, MAX_SLOT_MS};
use crate::rules::transition::{check_share_table, OpenBlock, Violation};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// Every rule verification checks. The kebab-case code is stable: tests,
/// the page and exported reports name rules by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    GenesisInvalid,
    VersionUnknown,
    HashMismatch,
    ParentMismatch,
    HeightNotSequential,
    TimeBackwards,
    MerkleMismatch,
    LedgerHashMismatch,
    TxIdMismatch,
    TxSignatureInvalid,
    SealInvalid,
    SealerNotElected,
    NextMinerMismatch,
    UnknownMember,
    NotAGenerator,
    SequenceReplayed,
    PeriodMismatch,
    CapacityExceeded,
    ZeroEnergy,
    AllocationMismatch,
    MintMismatch,
    ShareTableInvalid,
    Overflow,
    LedgerMismatch,
    EnergyNotConserved,
    TokensNotConserved,
    BetExceedsFree,
    DoubleVote,
    VoterNotCandidate,
    ElectionMismatch,
    PenaltyMismatch,
    MembershipInvalid,
    WeakKey,
    SequenceGap,
    VoteWrongParent,
    DrawUnproved,
    SeedMismatch,
    SlotMismatch,
    SealedOutOfTurn,
    DescendantOfBroken,
}

impl Check {
    /// Every check, for listings and exhaustive tests.
    pub const ALL: [Check; 40] = [
        Check::GenesisInvalid,
        Check::VersionUnknown,
        Check::HashMismatch,
        Check::ParentMismatch,
        Check::HeightNotSequential,
        Check::TimeBackwards,
        Check::MerkleMismatch,
        Check::LedgerHashMismatch,
        Check::TxIdMismatch,
        Check::TxSignatureInvalid,
        Check::SealInvalid,
        Check::SealerNotElected,
        Check::NextMinerMismatch,
        Check::UnknownMember,
        Check::NotAGenerator,
        Check::SequenceReplayed,
        Check::PeriodMismatch,
        Check::CapacityExceeded,
        Check::ZeroEnergy,
        Check::AllocationMismatch,
        Check::MintMismatch,
        Check::ShareTableInvalid,
        Check::Overflow,
        Check::LedgerMismatch,
        Check::EnergyNotConserved,
        Check::TokensNotConserved,
        Check::BetExceedsFree,
        Check::DoubleVote,
        Check::VoterNotCandidate,
        Check::ElectionMismatch,
        Check::PenaltyMismatch,
        Check::MembershipInvalid,
        Check::WeakKey,
        Check::SequenceGap,
        Check::VoteWrongParent,
        Check::DrawUnproved,
        Check::SeedMismatch,
        Check::SlotMismatch,
        Check::SealedOutOfTurn,
        Check::DescendantOfBroken,
    ];

    /// The stable code, e.g. `hash-mismatch`.
    pub fn code(self) -> &'static str {
        match self {
            Check::GenesisInvalid => "genesis-invalid",
            Check::VersionUnknown => "version-unknown",
            Check::HashMismatch => "hash-mismatch",
            Check::ParentMismatch => "parent-mismatch",
            Check::HeightNotSequential => "height-not-sequential",
            Check::TimeBackwards => "time-backwards",
            Check::MerkleMismatch => "merkle-mismatch",
            Check::LedgerHashMismatch => "ledger-hash-mismatch",
            Check::TxIdMismatch => "tx-id-mismatch",
            Check::TxSignatureInvalid => "tx-signature-invalid",
            Check::SealInvalid => "seal-invalid",
            Check::SealerNotElected => "sealer-not-elected",
            Check::NextMinerMismatch => "next-miner-mismatch",
            Check::UnknownMember => "unknown-member",
            Check::NotAGenerator => "not-a-generator",
            Check::SequenceReplayed => "sequence-replayed",
            Check::PeriodMismatch => "period-mismatch",
            Check::CapacityExceeded => "capacity-exceeded",
            Check::ZeroEnergy => "zero-energy",
            Check::AllocationMismatch => "allocation-mismatch",
            Check::MintMismatch => "mint-mismatch",
            Check::ShareTableInvalid => "share-table-invalid",
            Check::Overflow => "overflow",
            Check::LedgerMismatch => "ledger-mismatch",
            Check::EnergyNotConserved => "energy-not-conserved",
            Check::TokensNotConserved => "tokens-not-conserved",
            Check::BetExceedsFree => "bet-exceeds-free",
            Check::DoubleVote => "double-vote",
            Check::VoterNotCandidate => "voter-not-candidate",
            Check::ElectionMismatch => "election-mismatch",
            Check::PenaltyMismatch => "penalty-mismatch",
            Check::MembershipInvalid => "membership-invalid",
            Check::WeakKey => "weak-key",
            Check::SequenceGap => "sequence-gap",
            Check::VoteWrongParent => "vote-wrong-parent",
            Check::DrawUnproved => "draw-unproved",
            Check::SeedMismatch => "seed-mismatch",
            Check::SlotMismatch => "slot-mismatch",
            Check::SealedOutOfTurn => "sealed-out-of-turn",
            Check::DescendantOfBroken => "descendant-of-broken",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl From<&Violation> for Check {
    fn from(v: &Violation) -> Check {
        match v {
            Violation::UnknownMember(_) => Check::UnknownMember,
            Violation::NotAGenerator(_) => Check::NotAGenerator,
            Violation::NotACustomer(_) | Violation::BadShareTable(_) => Check::ShareTableInvalid,
            Violation::SequenceReplayed { .. } => Check::SequenceReplayed,
            Violation::WrongPeriod { .. } => Check::PeriodMismatch,
            Violation::CapacityExceeded { .. } => Check::CapacityExceeded,
            Violation::ZeroEnergy => Check::ZeroEnergy,
            Violation::AllocationMismatch { .. } => Check::AllocationMismatch,
            Violation::MintMismatch { .. } => Check::MintMismatch,
            Violation::Overflow | Violation::BeyondLimit(_) => Check::Overflow,
            Violation::BetExceedsFree { .. } => Check::BetExceedsFree,
            Violation::DoubleVote(_) => Check::DoubleVote,
            Violation::WrongElection { .. } | Violation::SecondElection => Check::ElectionMismatch,
            Violation::PenaltyMismatch(_) => Check::PenaltyMismatch,
            Violation::NotRegistrar(_) | Violation::MemberLeft(_) | Violation::Membership(_) => {
                Check::MembershipInvalid
            }
            Violation::WeakKey(_) => Check::WeakKey,
            Violation::VoteElsewhere(_) => Check::VoteWrongParent,
            Violation::SequenceGap { .. } => Check::SequenceGap,
            Violation::BadDrawProof(_) => Check::DrawUnproved,
        }
    }
}

/// One rule that one block breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub height: u64,
    pub check: Check,
    /// Index of the transaction in the block, when the rule is about one.
    pub tx: Option<usize>,
    /// A sentence a student can read.
    pub message: String,
}

/// Everything verification found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
pub struct Report {
    pub blocks_checked: u64,
    pub transactions_checked: u64,
    pub signatures_checked: u64,
    /// In block order; within a block, in the order the checks ran. A
    /// finding's height is the block's position in the chain.
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn is_valid(&self) -> bool {
        self.findings.is_empty()
    }

    /// The first thing that broke: the earliest block's first finding.
    pub fn first_failure(&self) -> Option<&Finding> {
        self.findings.first()
    }

    /// The first broken block's height.
    pub fn first_broken(&self) -> Option<u64> {
        self.first_failure().map(|f| f.height)
    }

    pub fn findings_at(&self, height: u64) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.height == height)
    }
}

struct Recorder<'r, 'k> {
    report: &'r mut Report,
    sigs: &'r mut Signatures<'k>,
    height: u64,
    broke: bool,
}

impl Recorder<'_, '_> {
    fn fail(&mut self, check: Check, tx: Option<usize>, message: impl Into<String>) {
        self.broke = true;
        self.report.findings.push(Finding {
            height: self.height,
            check,
            tx,
            message: message.into(),
        });
    }
}

/// What a verification does with each Ed25519 signature it meets. Every
/// other check runs the same way in every mode.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SigMode {
    /// Check it there and then (the reference behaviour).
    Each,
    /// Gather it into a batch, checked when the batch is full or the chain
    /// ends; a batch that fails is undone and its blocks replayed in `Each`
    /// mode, so findings are exactly the reference's.
    Batch,
    /// Assume it good: the structural checks alone, for benchmarks.
    Skip,
    /// Assume it good and keep it, to be checked apart.
    Collect,
}

struct Signatures<'k> {
    mode: SigMode,
    batch: SignatureBatch,
    collected: Vec<SignedDigest>,
    /// Signatures a batch has passed already: in `Each` mode, taken as good.
    passed: Option<&'k PassedSignatures>,
}

/// Signatures checked already (in a batch), each with its key and digest.
pub type PassedSignatures = HashSet<SignedDigest>;

impl Signatures<'_> {
    fn new(mode: SigMode) -> Signatures<'static> {
        Signatures {
            mode,
            batch: SignatureBatch::new(),
            collected: Vec::new(),
            passed: None,
        }
    }

    /// False when `signature` is known not to be `key`'s over `digest`.
    fn check(&mut self, key: &PublicKey, digest: &Hash, signature: &Signature) -> bool {
        match self.mode {
            SigMode::Each => {
                let item = SignedDigest {
                    key: *key,
                    digest: *digest,
                    signature: *signature,
                };
                self.passed.is_some_and(|p| p.contains(&item))
                    || self.batch.check_alone(key, digest, signature)
            }
            SigMode::Batch => self.batch.push(key, digest, signature),
            SigMode::Skip => true,
            SigMode::Collect => {
                self.collected.push(SignedDigest {
                    key: *key,
                    digest: *digest,
                    signature: *signature,
                });
                true
            }
        }
    }
}

/// Verifies `blocks` from genesis to tip: a [`Verifier`] run to the end.
///
/// Signatures are checked in batches ([`SignatureBatch`]); when a batch
/// fails, the blocks since it began are verified again checking each
/// signature alone, so a finding names the exact transaction or seal, and
/// the report is the one [`verify_chain_one_by_one`] gives.
pub fn verify_chain(blocks: &[Block]) -> Report {
    Verifier::new(blocks).finish(blocks)
}

/// [`verify_chain`] checking each signature alone, as it meets it: the
/// reference the batched checks must agree with (tests and benchmarks).
pub fn verify_chain_one_by_one(blocks: &[Block]) -> Report {
    Verifier::checking(blocks, SigMode::Each).finish(blocks)
}

/// Every check of [`verify_chain`] except the Ed25519 signature checks,
/// which are counted but taken as good: what verification costs besides
/// the signatures (hashes, links, Merkle roots, the replay of every
/// balance and election). For benchmarks; never a verdict on a chain.
pub fn verify_structure(blocks: &[Block]) -> Report {
    Verifier::checking(blocks, SigMode::Skip).finish(blocks)
}

/// The signatures [`verify_chain`] checks on a chain whose structure is
/// sound, in the order it checks them. [`verify_signatures`] checks them
/// the way [`verify_chain`] does; the two benchmarks together time the two
/// halves of a verification.
pub fn chain_signatures(blocks: &[Block]) -> Vec<SignedDigest> {
    let mut verifier = Verifier::checking(blocks, SigMode::Collect);
    verifier.advance(blocks, usize::MAX);
    verifier.sigs.collected
}

/// Verifies `block` as the child of `parent`, a block already accepted (its
/// recorded ledger is trusted) in a chain that began with `genesis`: what a
/// node checks of a block a peer sends. The same checks, and the same
/// findings, as [`verify_chain`] makes of that block in a whole chain.
pub fn verify_extension(genesis: &Block, parent: &Block, block: &Block) -> Report {
    verify_extension_after(genesis, parent, block, &PassedSignatures::new(), None)
}

/// [`verify_extension`], taking as good the signatures in `passed` (checked
/// already, as a batch of [`block_signatures`], or as a node admitted the
/// transactions) and checking any other alone, and verifying the votes' VRF
/// proofs through `proofs` when given: the same report, cheaper for a node
/// that met them before.
pub fn verify_extension_after(
    genesis: &Block,
    parent: &Block,
    block: &Block,
    passed: &PassedSignatures,
    proofs: Option<&mut ProofMemo>,
) -> Report {
    let mut walk = Walk::from(Some(genesis));
    walk.trusted = Some(parent.ledger().clone());
    let mut sigs = Signatures::new(SigMode::Each);
    sigs.passed = Some(passed);
    let digests = block_digests(std::slice::from_ref(block));
    let position = parent.header.height.saturating_add(1);
    walk.step(
        block,
        position,
        Some(parent),
        &mut sigs,
        &digests[0],
        proofs,
    );
    let mut report = walk.report;
    for f in &mut report.findings {
        f.message = name_members(&f.message, block.ledger());
    }
    report
}

/// The signatures `block` carries (its seal, then its transactions'), each
/// with the key its signer holds in `parent_ledger`; a signer not there
/// (one who joins in this very block) is left out. Checked as one batch
/// ([`verify_signatures`]), they may then be taken as good by
/// [`verify_extension_after`], which checks alone whatever this left out.
pub fn block_signatures(block: &Block, parent_ledger: &Ledger) -> Vec<SignedDigest> {
    let seal = (block.header.sealed_by, block.hash, block.seal);
    let txs = block
        .body
        .transactions
        .iter()
        .map(|tx| (tx.signer(), tx.id, tx.signature));
    std::iter::once(seal)
        .chain(txs)
        .filter_map(|(signer, digest, signature)| {
            Some(SignedDigest {
                key: parent_ledger.member(signer)?.public_key,
                digest,
                signature,
            })
        })
        .collect()
}

/// Whether every signature verifies, checked as [`verify_chain`] checks them.
pub fn verify_signatures(items: &[SignedDigest]) -> bool {
    verify_batched(items)
}

/// A verification that can stop between two blocks and go on later, so a
/// page can verify a long chain a few blocks at a time and stay responsive
/// in between. It holds the whole state of the walk and borrows no block:
/// each call is handed the chain again.
///
/// It verifies the blocks the chain held when it was created; blocks
/// appended since are left to the next verification. However the work is
/// sliced, [`Verifier::finish`] gives [`verify_chain`]'s report on those
/// blocks: [`verify_chain`] is this, run in one call.
pub struct Verifier {
    /// How many blocks it verifies: the chain's length when it began.
    len: usize,
    /// The height of the first block it is handed: 0, but for a chain
    /// whose older blocks are not held ([`Verifier::resumed`]).
    base: u64,
    /// The next block to walk. A failing batch sends it back to the
    /// batch's first block.
    next: usize,
    walk: Walk,
    sigs: Signatures<'static>,
    /// How signatures are checked, except while a failed batch's blocks
    /// are walked again (then each alone).
    mode: SigMode,
    batch_size: usize,
    /// Where the batch being filled began.
    mark: Option<Mark>,
    /// While a failed batch's blocks are walked again: the last of them.
    recheck_to: Option<usize>,
}

/// How far a [`Verifier`] has got, in blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Blocks walked so far (the signatures of the last few may still wait
    /// in a batch). Goes back when a batch fails and its blocks are walked
    /// again checking each signature alone.
    pub done: u64,
    /// Blocks it verifies.
    pub total: u64,
}

impl Progress {
    pub fn is_done(&self) -> bool {
        self.done >= self.total
    }
}

impl Verifier {
    /// A verification of `blocks`, as they are now, that has not started.
    pub fn new(blocks: &[Block]) -> Verifier {
        Verifier::checking(blocks, SigMode::Batch)
    }

    /// A verification of only the newest `count` blocks of `blocks`,
    /// trusting the ledger that the block before them records: what a node
    /// checks of its own store at start (as Bitcoin Core's `-checkblocks`
    /// does), leaving the whole chain to a full verification later. On the
    /// blocks it walks, the same findings as a full verification.
    pub fn newest(blocks: &[Block], count: usize) -> Verifier {
        let mut verifier = Verifier::checking(blocks, SigMode::Batch);
        let start = blocks.len().saturating_sub(count);
        if start > 0 {
            verifier.next = start;
            verifier.walk.trusted = Some(blocks[start - 1].ledger().clone());
        }
        verifier
    }

    /// [`Verifier::newest`] for a chain of which only `genesis` and
    /// `blocks`, from height `base` on, are held: of the newest `count`
    /// blocks, at most all but the first of `blocks` (the ledger it records
    /// is trusted). Findings name blocks by height.
    pub fn resumed(genesis: &Block, base: u64, blocks: &[Block], count: usize) -> Verifier {
        let mut verifier = Verifier::newest(blocks, count.min(blocks.len().saturating_sub(1)));
        verifier.base = base;
        verifier.walk.origin = Origin::of(Some(genesis));
        verifier
    }

    fn checking(blocks: &[Block], mode: SigMode) -> Verifier {
        Verifier {
            len: blocks.len(),
            base: 0,
            next: 0,
            walk: Walk::from(blocks.first()),
            sigs: Signatures::new(mode),
            mode,
            batch_size: BATCH_SIZE,
            mark: None,
            recheck_to: None,
        }
    }

    /// Checks signatures in batches of at most `signatures` (at least 1)
    /// instead of [`BATCH_SIZE`]. The report is the same; a batch is one
    /// step that cannot be cut, so a caller that needs short steps (a page
    /// that must answer clicks) takes smaller batches, at some cost in speed.
    pub fn with_batch_size(mut self, signatures: usize) -> Verifier {
        self.batch_size = signatures.max(1);
        self
    }

    pub fn progress(&self) -> Progress {
        Progress {
            done: self.next as u64,
            total: self.len as u64,
        }
    }

    /// Walks at most `max_blocks` more blocks (walking a block again after
    /// a failed batch counts too). `blocks` is the chain it was created on,
    /// with any blocks appended since; given a shorter chain (another chain
    /// altogether), it starts again on that one rather than mix the two.
    pub fn advance(&mut self, blocks: &[Block], max_blocks: usize) -> Progress {
        if blocks.len() < self.len {
            *self = Verifier::checking(blocks, self.mode).with_batch_size(self.batch_size);
        }
        let blocks = &blocks[..self.len];
        // Kept for this call only: the chain may change between calls.
        let mut ahead = Lookahead::default();
        for walked in 0..max_blocks {
            let i = self.next;
            if i >= self.len {
                break;
            }
            let batching = self.sigs.mode == SigMode::Batch;
            if batching && self.sigs.batch.is_empty() {
                self.mark = Some(self.walk.mark(i));
            }
            // No further than this call walks.
            let end = (i + LOOKAHEAD)
                .min(self.len)
                .min(i.saturating_add(max_blocks - walked));
            let digests = ahead.get(blocks, i, end);
            let parent = i.checked_sub(1).map(|p| &blocks[p]);
            self.walk.step(
                &blocks[i],
                self.base + i as u64,
                parent,
                &mut self.sigs,
                digests,
                None,
            );
            self.next = i + 1;
            let batch = &mut self.sigs.batch;
            if batching
                && (batch.len() >= self.batch_size || self.next == self.len)
                && !batch.is_empty()
            {
                let good = batch.verify();
                batch.clear();
                if !good {
                    let from = self.mark.take().expect("a batch begins at a mark");
                    self.next = from.next;
                    self.walk.undo(from);
                    self.sigs.mode = SigMode::Each;
                    self.recheck_to = Some(i);
                }
            } else if self.recheck_to == Some(i) {
                self.recheck_to = None;
                self.sigs.mode = self.mode;
            }
        }
        self.progress()
    }

    /// Walks what is left, then gives the report: the same as
    /// [`verify_chain`] on the blocks it was created on.
    pub fn finish(mut self, blocks: &[Block]) -> Report {
        self.advance(blocks, usize::MAX);
        self.walk.finish(blocks, self.base)
    }
}

/// Blocks whose hashes are recomputed together (see `digests.rs`): enough
/// to fill the page's four SHA-256 lanes with messages of equal length (a
/// block's ledger, say, with the next three blocks' ledgers).
const LOOKAHEAD: usize = 16;

/// The recomputed hashes of the blocks just ahead of the walk.
#[derive(Default)]
struct Lookahead {
    from: usize,
    digests: Vec<BlockDigests>,
}

impl Lookahead {
    /// Block `i`'s digests; when they are not at hand, those of blocks
    /// `i..end` are computed together.
    fn get(&mut self, blocks: &[Block], i: usize, end: usize) -> &BlockDigests {
        if !(self.from..self.from + self.digests.len()).contains(&i) {
            self.from = i;
            self.digests = block_digests(&blocks[i..end.max(i + 1)]);
        }
        &self.digests[i - self.from]
    }
}

/// The state of a verification between two blocks.
struct Walk {
    origin: Origin,
    /// The ledger the last block should have produced, while none is broken.
    trusted: Option<Ledger>,
    broken_at: Option<u64>,
    report: Report,
}

/// Where a batch began: enough to undo the blocks since.
struct Mark {
    next: usize,
    trusted: Option<Ledger>,
    broken_at: Option<u64>,
    counts: (u64, u64, u64),
    findings: usize,
}

impl Walk {
    /// The walk before the first block: the supplies and the registrar come
    /// from genesis (none for an empty chain, which has nothing to walk).
    fn from(genesis: Option<&Block>) -> Walk {
        Walk {
            origin: Origin::of(genesis),
            trusted: None,
            broken_at: None,
            report: Report::default(),
        }
    }

    fn mark(&self, next: usize) -> Mark {
        let r = &self.report;
        Mark {
            next,
            trusted: self.trusted.clone(),
            broken_at: self.broken_at,
            counts: (
                r.blocks_checked,
                r.transactions_checked,
                r.signatures_checked,
            ),
            findings: r.findings.len(),
        }
    }

    fn undo(&mut self, mark: Mark) {
        self.trusted = mark.trusted;
        self.broken_at = mark.broken_at;
        let r = &mut self.report;
        (
            r.blocks_checked,
            r.transactions_checked,
            r.signatures_checked,
        ) = mark.counts;
        r.findings.truncate(mark.findings);
    }

    /// Verifies `block`, the chain's block at `position`, whose parent is
    /// `parent` and whose recomputed hashes are `digests`.
    fn step(
        &mut self,
        block: &Block,
        position: u64,
        parent: Option<&Block>,
        sigs: &mut Signatures,
        digests: &BlockDigests,
        proofs: Option<&mut ProofMemo>,
    ) {
        self.report.blocks_checked += 1;
        // Findings name a block by its position in the chain, which is what
        // its height should be even when a tampered header says otherwise.
        let mut rec = Recorder {
            height: position,
            report: &mut self.report,
            sigs,
            broke: false,
        };
        check_structure(block, parent, digests, &mut rec);
        match (&self.broken_at, parent) {
            (None, None) => {
                check_genesis(block, &mut rec);
                self.trusted = Some(block.ledger().clone());
            }
            (None, Some(parent)) => {
                let state = self
                    .trusted
                    .take()
                    .expect("trusted ledger follows a good block");
                let expected = check_content(
                    block,
                    parent,
                    state,
                    &self.origin,
                    digests,
                    &mut rec,
                    proofs,
                );
                check_conservation(
                    block.ledger(),
                    self.origin.energy_supply,
                    self.origin.token_supply,
                    &mut rec,
                );
                self.trusted = expected;
            }
            (Some(first), _) => {
                let first = *first;
                rec.fail(
                    Check::DescendantOfBroken,
                    None,
                    format!("this block descends from block {first}, which is broken, so its contents cannot be trusted"),
                );
            }
        }
        if rec.broke && self.broken_at.is_none() {
            self.broken_at = Some(position);
        }
    }

    /// The report, members named in its messages; `blocks` begin at
    /// height `base`.
    fn finish(mut self, blocks: &[Block], base: u64) -> Report {
        for f in &mut self.report.findings {
            let index = f.height.checked_sub(base).map(|i| i as usize);
            if let Some(block) = index.and_then(|i| blocks.get(i)) {
                f.message = name_members(&f.message, block.ledger());
            }
        }
        self.report
    }
}

/// Replaces member numbers in a message with names, so a student reads
/// "Anne" where the rules speak of member #1, and "generator George" where
/// they speak of generator #0.
pub fn name_members(text: &str, ledger: &Ledger) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let member = after[..digits]
            .parse::<u32>()
            .ok()
            .and_then(|n| ledger.member(crate::model::member::MemberId(n)));
        match member {
            Some(m) => {
                if out.ends_with("member ") {
                    out.truncate(out.len() - "member ".len());
                }
                out.push_str(&m.name);
            }
            None => out.push_str(&rest[at..at + 1 + digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// What every block of a chain is checked against that comes from its
/// genesis block.
struct Origin {
    energy_supply: u128,
    token_supply: u128,
    registrar: MemberId,
    genesis_hash: Hash,
    /// Version 2: when slot 0 began, and how long a slot lasts.
    start_ms: u64,
    slot_ms: u64,
}

impl Origin {
    fn of(genesis: Option<&Block>) -> Origin {
        Origin {
            energy_supply: genesis.map_or(0, |g| g.ledger().total_energy()),
            token_supply: genesis.map_or(0, |g| g.ledger().total_tokens()),
            registrar: genesis.map_or(MemberId(0), |g| g.header.sealed_by),
            genesis_hash: genesis.map_or(Hash::ZERO, |g| g.hash),
            start_ms: genesis.map_or(0, |g| g.header.period_start_ms),
            slot_ms: genesis
                .and_then(|g| g.ledger().rules.slot_ms)
                .unwrap_or(MARKET_PERIOD_MS),
        }
    }

    /// When the slot of block `height` begins (version 2).
    fn slot_start(&self, height: u64) -> u64 {
        self.start_ms
            .saturating_add(height.saturating_mul(self.slot_ms))
    }
}

/// What the election check needs of a block of version 2: its seed, and
/// each voter's proved draw.
struct Version2Election {
    seed: Hash,
    draws: Vec<(MemberId, u64)>,
}

impl Version2Election {
    /// The voters but the sealer, in member order, each once.
    fn candidates(&self, sealer: MemberId) -> Vec<MemberId> {
        let mut voters: Vec<MemberId> = Vec::new();
        for &(voter, _) in &self.draws {
            if voter != sealer && !voters.contains(&voter) {
                voters.push(voter);
            }
        }
        crate::encoding::order::sorted_by(&voters, &|a, b| a.cmp(b))
    }

    /// The election recomputed from the votes: their bets and proved draws.
    fn recompute(
        &self,
        record: &ElectionRecord,
        after: &Ledger,
        height: u64,
        sealer: MemberId,
        stakes: &HashMap<MemberId, MilliTokens>,
        candidates: &[MemberId],
    ) -> Option<ElectionRecord> {
        let draw = |id: MemberId| {
            self.draws
                .iter()
                .find(|(voter, _)| *voter == id)
                .map_or(0, |(_, d)| *d)
        };
        let mut again = crate::rules::election::hold_election_among(
            after,
            height,
            sealer,
            candidates,
            |id| stakes.get(&id).copied().unwrap_or_default(),
            draw,
        )?;
        // The seed is checked on its own.
        again.seed = record.seed;
        Some(again)
    }
}

/// Version 2: the block is sealed in its slot, by the candidate of the
/// rank it claims, no earlier than that rank's turn, with a penalty for
/// each candidate ranked above it.
fn check_turn(
    block: &Block,
    parent: &Block,
    origin: &Origin,
    penalties: &[Penalty],
    rec: &mut Recorder,
) {
    let h = &block.header;
    let slot_start = origin.slot_start(rec.height);
    if h.period_start_ms != slot_start {
        rec.fail(
            Check::SlotMismatch,
            None,
            format!(
                "the block's period starts at {} ms, not at its slot's start ({slot_start} ms)",
                h.period_start_ms
            ),
        );
    }
    let (Some(rank), Some(sealed_at)) = (h.rank, h.sealed_at_ms) else {
        rec.fail(
            Check::SealedOutOfTurn,
            None,
            "the block does not say its sealer's rank and when it was sealed",
        );
        return;
    };
    // Who may seal this block, in turn order: the candidates of its
    // election, then every other member.
    let turns = crate::rules::election::turns_after(parent);
    let rank = rank as usize;
    if turns.order.get(rank) != Some(&h.sealed_by) {
        rec.fail(
            Check::SealedOutOfTurn,
            None,
            format!(
                "member {} does not have turn {rank} for this block",
                h.sealed_by
            ),
        );
        return;
    }
    let turn = slot_start.saturating_add((rank as u64).saturating_mul(origin.slot_ms / RANK_TURNS));
    if sealed_at < turn {
        rec.fail(
            Check::SealedOutOfTurn,
            None,
            format!(
                "the block was sealed at {sealed_at} ms, before rank {rank}'s turn ({turn} ms)"
            ),
        );
    }
    let missed: Vec<MemberId> = penalties.iter().map(|p| p.missed).collect();
    let above = &turns.order[..rank.min(turns.candidates)];
    if missed != above || penalties.iter().any(|p| p.sealed_by != h.sealed_by) {
        rec.fail(
            Check::PenaltyMismatch,
            None,
            format!(
                "the block must record a penalty for each of the {} candidates ranked above its sealer, in rank order",
                above.len()
            ),
        );
    }
}

/// Checks that need no ledger: version, height, parent link, time, hash,
/// Merkle root and ledger hash.
fn check_structure(
    block: &Block,
    parent: Option<&Block>,
    digests: &BlockDigests,
    rec: &mut Recorder,
) {
    let h = &block.header;
    if h.version != BLOCK_VERSION && h.version != BLOCK_VERSION_2 {
        rec.fail(
            Check::VersionUnknown,
            None,
            format!(
                "the block says version {}, but only versions {BLOCK_VERSION} and {BLOCK_VERSION_2} exist",
                h.version
            ),
        );
    } else if let Some(parent) = parent.filter(|p| p.header.version != h.version) {
        rec.fail(
            Check::VersionUnknown,
            None,
            format!(
                "the block says version {}, but its chain is of version {}",
                h.version, parent.header.version
            ),
        );
    }
    if let Some(parent) = parent {
        if h.height != parent.header.height.wrapping_add(1) {
            rec.fail(
                Check::HeightNotSequential,
                None,
                format!(
                    "the height is {}, not the parent's height plus one ({})",
                    h.height,
                    parent.header.height.wrapping_add(1)
                ),
            );
        }
        if h.parent != parent.hash {
            rec.fail(
                Check::ParentMismatch,
                None,
                format!(
                    "the parent hash {} does not match the hash of block {} ({})",
                    short(&h.parent),
                    parent.header.height,
                    short(&parent.hash)
                ),
            );
        }
        if h.period_start_ms < parent.header.period_start_ms {
            rec.fail(
                Check::TimeBackwards,
                None,
                "time goes backwards: this period starts before its parent's",
            );
        }
    }
    match &digests.header {
        Ok(hash) if *hash == block.hash => {}
        Ok(hash) => rec.fail(
            Check::HashMismatch,
            None,
            format!(
                "the block hash {} does not match the hash of its header ({})",
                short(&block.hash),
                short(hash)
            ),
        ),
        Err(e) => rec.fail(
            Check::HashMismatch,
            None,
            format!("the header cannot be hashed: {e}"),
        ),
    }
    if digests.merkle_root != h.merkle_root {
        rec.fail(
            Check::MerkleMismatch,
            None,
            "the Merkle root in the header does not match the block's transaction ids",
        );
    }
    match &digests.ledger {
        Ok(hash) if *hash == h.ledger_hash => {}
        Ok(_) => rec.fail(
            Check::LedgerHashMismatch,
            None,
            "the ledger hash in the header does not match the ledger in the block",
        ),
        Err(e) => rec.fail(
            Check::LedgerHashMismatch,
            None,
            format!("the ledger cannot be hashed: {e}"),
        ),
    }
}

fn check_genesis(block: &Block, rec: &mut Recorder) {
    let h = &block.header;
    let ledger = block.ledger();
    let mut problems = Vec::new();
    if h.height != 0 {
        problems.push(format!("its height is {}, not 0", h.height));
    }
    if h.parent != Hash::ZERO {
        problems.push("its parent hash is not all zeros".to_string());
    }
    if !block.body.transactions.is_empty() {
        problems.push("it holds transactions".to_string());
    }
    if ledger
        .members
        .iter()
        .enumerate()
        .any(|(i, m)| u64::from(m.id.0) != i as u64)
    {
        problems.push("its members are not numbered 0, 1, 2 and so on".to_string());
    }
    if ledger.minted.0 != 0 || ledger.pot.0 != 0 || ledger.joined_energy.0 != 0 {
        problems.push(
            "it records tokens minted or staked, or members joined, before anything happened"
                .to_string(),
        );
    }
    let sealer = h.sealed_by;
    for m in &ledger.members {
        let sealed = m.id == sealer;
        let history = (m.reputation, m.last_sealed, m.seq);
        if !m.frozen.is_empty()
            || !m.active
            || history != (u64::from(sealed), sealed.then_some(0), 0)
        {
            problems.push(format!(
                "member {} starts with a history (frozen tokens, seals, a sequence number or a departure)",
                m.id
            ));
            break;
        }
    }
    if let Err(v) = limits::check_rules(&ledger.rules)
        .and_then(|()| limits::check_supply(ledger))
        .and_then(|()| {
            let count = u32::try_from(ledger.members.len()).unwrap_or(u32::MAX);
            limits::check_member_number(MemberId(count.saturating_sub(1)))
        })
    {
        problems.push(v.to_string());
    }
    if !problems.is_empty() {
        rec.fail(
            Check::GenesisInvalid,
            None,
            format!("the genesis block is malformed: {}", problems.join("; ")),
        );
        return;
    }
    let version_2 = h.version == BLOCK_VERSION_2;
    if version_2
        && ledger
            .rules
            .slot_ms
            .is_none_or(|ms| !(1..=MAX_SLOT_MS).contains(&ms))
    {
        rec.fail(
            Check::GenesisInvalid,
            None,
            format!("a chain of version 2 needs a slot length of 1 ms to {MAX_SLOT_MS} ms"),
        );
    }
    for m in &ledger.members {
        if let Err(why) = m.public_key.check() {
            rec.fail(
                Check::WeakKey,
                None,
                format!("{}'s public key is refused: {why}", m.name),
            );
        }
        match (version_2, m.vrf_key) {
            (true, None) => rec.fail(
                Check::WeakKey,
                None,
                format!(
                    "{} has no VRF key, which every member of a chain of version 2 needs",
                    m.name
                ),
            ),
            (true, Some(key)) => {
                if let Err(why) = key.check() {
                    rec.fail(
                        Check::WeakKey,
                        None,
                        format!("{}'s VRF key is refused: {why}", m.name),
                    );
                }
            }
            (false, _) => {}
        }
        if let Some(table) = m.share_table() {
            if let Err(v) = check_share_table(ledger, table) {
                rec.fail(
                    Check::ShareTableInvalid,
                    None,
                    format!("{}'s share table: {v}", m.name),
                );
            }
        }
    }
    check_seal(block, ledger, rec);
    rec.report.signatures_checked += 1;
}

fn check_seal(block: &Block, state: &Ledger, rec: &mut Recorder) {
    let sealer = block.header.sealed_by;
    match state.member(sealer) {
        None => rec.fail(
            Check::SealInvalid,
            None,
            format!("the block is sealed by member {sealer}, who is not in the community"),
        ),
        Some(m) if !rec.sigs.check(&m.public_key, &block.hash, &block.seal) => rec.fail(
            Check::SealInvalid,
            None,
            format!("the seal is not {}'s signature over the block hash", m.name),
        ),
        Some(_) => {}
    }
}

/// Replays a block on `state` (the ledger its parent should have produced)
/// and returns the ledger this block should hold.
fn check_content(
    block: &Block,
    parent: &Block,
    state: Ledger,
    origin: &Origin,
    digests: &BlockDigests,
    rec: &mut Recorder,
    mut proofs: Option<&mut ProofMemo>,
) -> Option<Ledger> {
    let h = &block.header;
    check_seal(block, &state, rec);
    rec.report.signatures_checked += 1;
    let version_2 = h.version == BLOCK_VERSION_2;
    if !version_2 {
        check_sealer(block, parent, rec);
    }

    // The block's place in the chain, which is what its height should be
    // (a wrong height is a finding of its own).
    let mut open = OpenBlock::on(state, rec.height).with_registrar(origin.registrar);
    if version_2 {
        let seed = election_seed_after(parent, &origin.genesis_hash);
        open = open.with_version_2(parent.hash, origin.genesis_hash, seed);
    }
    for (i, tx) in block.body.transactions.iter().enumerate() {
        rec.report.transactions_checked += 1;
        match &digests.tx_ids[i] {
            Ok(id) if *id == tx.id => {}
            Ok(_) => rec.fail(
                Check::TxIdMismatch,
                Some(i),
                format!("transaction {i}'s id is not the hash of its contents"),
            ),
            Err(e) => rec.fail(
                Check::TxIdMismatch,
                Some(i),
                format!("transaction {i} cannot be hashed: {e}"),
            ),
        }
        let signer = tx.signer();
        rec.report.signatures_checked += 1;
        // Signers are looked up in the state the block starts from.
        match open.in_force().member(signer) {
            Some(m) if rec.sigs.check(&m.public_key, &tx.id, &tx.signature) => {}
            Some(m) => rec.fail(
                Check::TxSignatureInvalid,
                Some(i),
                format!("transaction {i}'s signature is not {}'s", m.name),
            ),
            None => rec.fail(
                Check::TxSignatureInvalid,
                Some(i),
                format!(
                    "transaction {i} is signed by member {signer}, who is not in the community"
                ),
            ),
        }
        if let Err(v) = open.apply_remembering(&tx.body, proofs.as_deref_mut()) {
            rec.fail(Check::from(&v), Some(i), format!("transaction {i}: {v}"));
        }
    }
    let version_2 = match open.election_seed() {
        Some(seed) => {
            check_turn(block, parent, origin, open.penalties(), rec);
            Some(Version2Election {
                seed,
                draws: open.draws().to_vec(),
            })
        }
        None => None,
    };
    let (closed, election) = open.close_owned(h.sealed_by);
    let expected = match closed {
        Ok(ledger) => ledger,
        Err(v) => {
            rec.fail(Check::from(&v), None, format!("closing the block: {v}"));
            return None;
        }
    };
    check_election(block, election.as_ref(), &expected, version_2.as_ref(), rec);
    if let Some(difference) = first_difference(&expected, block.ledger()) {
        rec.fail(
            Check::LedgerMismatch,
            None,
            format!("the ledger in the block is not what its transactions produce: {difference}"),
        );
    }
    Some(expected)
}

/// The block is sealed by the miner its parent elected, or by the runner-up
/// with a penalty recorded against the missed miner.
fn check_sealer(block: &Block, parent: &Block, rec: &mut Recorder) {
    let sealer = block.header.sealed_by;
    let elected = parent.header.next_miner;
    let runner_up = parent.election().and_then(|e| e.runner_up);
    let penalty = block.penalty();
    if sealer == elected {
        if penalty.is_some() {
            rec.fail(
                Check::PenaltyMismatch,
                None,
                "the block records a penalty, but the elected miner sealed it",
            );
        }
    } else if Some(sealer) == runner_up {
        match penalty {
            Some(p) if p.missed == elected && p.sealed_by == sealer => {}
            Some(_) => rec.fail(
                Check::PenaltyMismatch,
                None,
                format!("the penalty record does not name member {elected} as the miner who missed this slot and member {sealer} as the sealer"),
            ),
            None => rec.fail(
                Check::PenaltyMismatch,
                None,
                format!("the runner-up (member {sealer}) sealed, but no penalty records that member {elected} missed their slot"),
            ),
        }
    } else {
        rec.fail(
            Check::SealerNotElected,
            None,
            format!("the block is sealed by member {sealer}, but member {elected} was elected to seal it"),
        );
    }
}

/// Recomputes the election the block holds from its recorded bets and
/// draws on the ledger after the block, and checks the votes behind it and
/// the next miner in the header.
fn check_election(
    block: &Block,
    election: Option<&ElectionRecord>,
    after: &Ledger,
    version_2: Option<&Version2Election>,
    rec: &mut Recorder,
) {
    let h = &block.header;
    let votes: Vec<(usize, &crate::model::tx::Vote)> = block
        .body
        .transactions
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match &t.body {
            crate::model::tx::TxBody::Vote(v) => Some((i, v)),
            _ => None,
        })
        .collect();
    for (i, v) in &votes {
        if v.voter == h.sealed_by {
            rec.fail(
                Check::VoterNotCandidate,
                Some(*i),
                format!("transaction {i}: member {} sealed this block, so it cannot stand in the election this block holds", v.voter),
            );
        }
    }
    // Version 1: everyone but the sealer stands. Version 2: the members
    // whose vote proved a draw, but the sealer.
    let candidates = match version_2 {
        None => crate::rules::election::candidates_after(after, h.sealed_by),
        Some(v2) => v2.candidates(h.sealed_by),
    };
    let Some(record) = election else {
        if !candidates.is_empty() {
            rec.fail(
                Check::ElectionMismatch,
                None,
                "the block holds no election, but members can stand",
            );
        }
        if h.next_miner != h.sealed_by && candidates.is_empty() {
            rec.fail(
                Check::NextMinerMismatch,
                None,
                "with nobody to elect, the sealer must seal the next block too",
            );
        }
        return;
    };
    if record.miner != h.sealed_by {
        rec.fail(
            Check::ElectionMismatch,
            None,
            format!(
                "the election is written by member {}, not by this block's sealer",
                record.miner
            ),
        );
    }
    // Each voter's first vote, as a search from the start finds it.
    let mut stakes: HashMap<MemberId, MilliTokens> = HashMap::new();
    for (_, v) in &votes {
        stakes.entry(v.voter).or_insert(v.bet);
    }
    for c in &record.candidates {
        let voted = stakes.get(&c.member).copied().unwrap_or_default();
        if c.bet != voted {
            rec.fail(
                Check::ElectionMismatch,
                None,
                format!(
                    "member {}'s bet in the election is {}, but their vote stakes {}",
                    c.member, c.bet, voted
                ),
            );
        }
    }
    let again = match version_2 {
        None => crate::rules::election::recompute(record, after, rec.height, h.sealed_by),
        Some(v2) => {
            if record.seed != Some(v2.seed) {
                rec.fail(
                    Check::SeedMismatch,
                    None,
                    "the election's seed is not the one chained from the last election's winner",
                );
            }
            v2.recompute(record, after, rec.height, h.sealed_by, &stakes, &candidates)
        }
    };
    match again {
        Some(again) if &again == record => {}
        Some(again) => {
            let what = if again
                .candidates
                .iter()
                .map(|c| c.member)
                .ne(record.candidates.iter().map(|c| c.member))
            {
                "the candidates are not everyone but the sealer".to_string()
            } else if let Some((r, a)) = record
                .candidates
                .iter()
                .zip(&again.candidates)
                .find(|(r, a)| r != a)
            {
                format!(
                    "member {}'s line does not recompute (age {} vs {}, reputation {} vs {}, wealth {} vs {}, score {} vs {})",
                    r.member, r.age, a.age, r.reputation, a.reputation, r.wealth, a.wealth, r.score, a.score
                )
            } else if again.winner != record.winner {
                format!(
                    "the highest score is member {}'s, not member {}'s",
                    again.winner, record.winner
                )
            } else {
                "the runner-up or the pot does not recompute".to_string()
            };
            rec.fail(
                Check::ElectionMismatch,
                None,
                format!("the election record disagrees with its recomputation: {what}"),
            );
        }
        None => rec.fail(
            Check::ElectionMismatch,
            None,
            "the block holds an election, but nobody can stand",
        ),
    }
    if h.next_miner != record.winner {
        rec.fail(
            Check::NextMinerMismatch,
            None,
            format!(
                "the header names member {} as next miner, but the election elected member {}",
                h.next_miner, record.winner
            ),
        );
    }
}

fn check_conservation(ledger: &Ledger, energy: u128, tokens: u128, rec: &mut Recorder) {
    let energy = ledger.energy_due(energy);
    if ledger.total_energy() != energy {
        rec.fail(
            Check::EnergyNotConserved,
            None,
            format!(
                "energy is not conserved: the balances add up to {} Wh, not {} Wh",
                ledger.total_energy(),
                energy
            ),
        );
    }
    let expected_tokens = ledger.tokens_due(tokens);
    if ledger.total_tokens() != expected_tokens {
        rec.fail(
            Check::TokensNotConserved,
            None,
            format!(
                "voting tokens are not conserved: free, frozen and staked add up to {} milli-tokens, not the genesis supply plus all minted ({})",
                ledger.total_tokens(),
                expected_tokens
            ),
        );
    }
}

/// Names the first field where two ledgers differ, for a readable message.
fn first_difference(expected: &Ledger, recorded: &Ledger) -> Option<String> {
    if expected == recorded {
        return None;
    }
    if expected.members.len() != recorded.members.len() {
        return Some(format!(
            "it lists {} members instead of {}",
            recorded.members.len(),
            expected.members.len()
        ));
    }
    for (e, r) in expected.members.iter().zip(&recorded.members) {
        let name = &e.name;
        let diff = if e.id != r.id {
            Some(format!("member {} is listed where {name} should be", r.id))
        } else if e.balance != r.balance {
            Some(format!(
                "{name}'s balance is {}, not {}",
                r.balance, e.balance
            ))
        } else if e.tokens != r.tokens {
            Some(format!(
                "{name}'s free tokens are {}, not {}",
                r.tokens, e.tokens
            ))
        } else if e.frozen != r.frozen {
            Some(format!("{name}'s frozen tokens differ"))
        } else if e.reputation != r.reputation {
            Some(format!(
                "{name}'s reputation is {}, not {}",
                r.reputation, e.reputation
            ))
        } else if e.last_sealed != r.last_sealed {
            Some(format!("{name}'s last sealed block differs"))
        } else if e.seq != r.seq {
            Some(format!(
                "{name}'s sequence number is {}, not {}",
                r.seq, e.seq
            ))
        } else if e.role != r.role {
            Some(format!("{name}'s role or share table differs"))
        } else if e != r {
            Some(format!("{name}'s name or key differs"))
        } else {
            None
        };
        if diff.is_some() {
            return diff;
        }
    }
    Some(if expected.minted != recorded.minted {
        format!(
            "it records {} minted, not {}",
            recorded.minted, expected.minted
        )
    } else if expected.pot != recorded.pot {
        format!("it records a pot of {}, not {}", recorded.pot, expected.pot)
    } else {
        "the community's rules differ".to_string()
    })
}

fn short(hash: &Hash) -> String {
    hash.to_hex()[..12].to_string()
}
