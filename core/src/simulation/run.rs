//! A running community: the chain, every member's keys, and the block being
//! filled. This is what the page drives; it knows no clock (the caller
//! passes the time in) and no browser.

use crate::chain::blocks::{Chain, LinkError};
use crate::chain::genesis::{CommunitySpec, SetupError};
use crate::chain::verify::Report;
use crate::crypto::merkle::merkle_root;
use crate::crypto::Hash;
use crate::encoding::canonical::CanonicalError;
use crate::encoding::units::{MilliTokens, Wh};
use crate::model::block::{
    Block, BlockBody, BlockHeader, BLOCK_VERSION, MARKET_PERIOD_MS, SEEDED_START_MS,
};
use crate::model::election::ElectionRecord;
use crate::model::ledger::Ledger;
use crate::model::member::MemberId;
use crate::model::member::Role;
use crate::model::shares::ShareTable;
use crate::model::tx::{
    Membership, MembershipChange, Penalty, ShareUpdate, Transaction, TxBody, Vote,
};
use crate::node::strategy::Strategy;
use crate::rules::election::{candidates_after, hold_election};
use crate::rules::transition::{expected_generation, OpenBlock, Violation};
use crate::simulation::keyring::{Keyring, RunSeed};
use crate::simulation::strategy::DrawSource;
use crate::simulation::tamper::{edited_block, rehashed, Edit, TamperError};
use std::fmt;

/// Why an action in the page was refused. Nothing changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionError {
    Rule(Violation),
    Encoding(CanonicalError),
    /// The chain's keys are not this page's, so it cannot sign for members.
    NotOurKeys,
    /// History has been tampered with; undo it before sealing on top of it.
    HistoryTampered,
    /// Neither the elected miner nor the runner-up is online to seal.
    NoMinerOnline {
        elected: MemberId,
        runner_up: Option<MemberId>,
    },
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionError::Rule(v) => write!(f, "{v}"),
            ActionError::Encoding(e) => write!(f, "{e}"),
            ActionError::NotOurKeys => write!(
                f,
                "this chain was made with other keys, so this page cannot sign for its members"
            ),
            ActionError::HistoryTampered => write!(
                f,
                "history has been tampered with: undo the changes before sealing new blocks on top of it"
            ),
            ActionError::NoMinerOnline { elected, runner_up: Some(r) } => write!(
                f,
                "member {elected} was elected to seal this block and member {r} is the runner-up, but both are offline: the block waits until one of them is back"
            ),
            ActionError::NoMinerOnline { elected, runner_up: None } => write!(
                f,
                "member {elected} must seal this block but is offline: the block waits until it is back"
            ),
        }
    }
}

impl std::error::Error for ActionError {}

impl From<Violation> for ActionError {
    fn from(v: Violation) -> Self {
        ActionError::Rule(v)
    }
}

impl From<CanonicalError> for ActionError {
    fn from(e: CanonicalError) -> Self {
        ActionError::Encoding(e)
    }
}

/// The community as the page runs it.
#[derive(Clone)]
pub struct Simulation {
    chain: Chain,
    keys: Keyring,
    open: OpenBlock,
    pending: Vec<Transaction>,
    draws: DrawSource,
    /// How each member bets, in member order; members not listed use the
    /// seed's rule. Sorted vectors rather than B-trees: a few members each,
    /// and every B-tree type is another copy of the B-tree code in the page.
    strategies: Vec<(MemberId, Strategy)>,
    /// Members switched offline, in member order.
    offline: Vec<MemberId>,
    /// Blocks as they were before each tampering edit (by height), newest
    /// last.
    originals: Vec<(u64, Block)>,
}

impl Simulation {
    /// Starts a community. Its first market period begins at `now_ms`, or,
    /// in a run from a seed number, at [`SEEDED_START_MS`]: a seeded run is
    /// the same on every machine, times included.
    pub fn start(
        spec: &CommunitySpec,
        keys: Keyring,
        now_ms: u64,
    ) -> Result<Simulation, SetupError> {
        let start_ms = match keys.seed() {
            RunSeed::Number(_) => SEEDED_START_MS,
            RunSeed::Random => now_ms,
        };
        let genesis = spec.genesis_block(
            |id| keys.key(id).public_key(),
            &keys.key(spec.genesis_sealer),
            start_ms,
        )?;
        Ok(Simulation::resume(Chain::new(genesis), keys))
    }

    /// Continues a chain (a reload, an import) with the given keys.
    pub fn resume(chain: Chain, keys: Keyring) -> Simulation {
        let tip = chain.tip();
        let registrar = chain.genesis().header.sealed_by;
        let open = OpenBlock::new(tip.ledger(), tip.height() + 1).with_registrar(registrar);
        let draws = match keys.seed() {
            RunSeed::Number(_) => DrawSource::Seeded(keys.master()),
            RunSeed::Random => DrawSource::Os,
        };
        Simulation {
            chain,
            keys,
            open,
            pending: Vec::new(),
            draws,
            strategies: Vec::new(),
            offline: Vec::new(),
            originals: Vec::new(),
        }
    }

    /// Appends `blocks`, sealed elsewhere (by the page that writes the
    /// store this one follows), unchecked and leaving the open block alone:
    /// [`Simulation::follow`] checks them, then drops them again
    /// ([`Simulation::drop_after`]) or opens the block after them
    /// ([`Simulation::open_after_tip`]).
    pub(crate) fn push_sealed(&mut self, blocks: Vec<Block>) {
        for block in blocks {
            self.chain.push(block);
        }
    }

    /// Drops the blocks after the first `len`.
    pub(crate) fn drop_after(&mut self, len: usize) {
        self.chain.truncate(len);
    }

    /// Opens the block after the tip, empty: nothing waiting, every member
    /// betting by the default rule and online until told otherwise.
    pub(crate) fn open_after_tip(&mut self) {
        let tip = self.chain.tip();
        self.open = OpenBlock::new(tip.ledger(), tip.height() + 1).with_registrar(self.registrar());
        self.pending.clear();
        self.strategies.clear();
        self.offline.clear();
    }

    /// Changes one value of a past block in place (see [`crate::tamper`]).
    pub fn tamper(&mut self, edit: &Edit) -> Result<(), TamperError> {
        let block = edited_block(&self.chain, edit)?;
        self.replace_block(edit.height, block);
        Ok(())
    }

    /// Recomputes a block's roots and hash as a forger without keys would.
    pub fn rehash(&mut self, height: u64) -> Result<(), TamperError> {
        let block = self
            .chain
            .block_at(height)
            .ok_or(TamperError::NoSuchBlock(height))?;
        let block = rehashed(block)?;
        self.replace_block(height, block);
        Ok(())
    }

    fn replace_block(&mut self, height: u64, block: Block) {
        if let Some(old) = self.chain.replace(height, block) {
            self.originals.push((height, old));
        }
    }

    /// Undoes the last tampering edit or re-hash; false if there was none.
    pub fn undo_tamper(&mut self) -> bool {
        match self.originals.pop() {
            Some((height, block)) => {
                self.chain.replace(height, block);
                true
            }
            None => false,
        }
    }

    /// Undoes every tampering edit.
    pub fn undo_all_tampering(&mut self) {
        while self.undo_tamper() {}
    }

    pub fn is_tampered(&self) -> bool {
        !self.originals.is_empty()
    }

    /// Heights of the blocks changed by tampering, oldest first.
    pub fn tampered_heights(&self) -> Vec<u64> {
        let h: Vec<u64> = self.originals.iter().map(|(h, _)| *h).collect();
        let mut h = crate::encoding::order::sorted_by(&h, &|a, b| a.cmp(b));
        h.dedup();
        h
    }

    /// Block `height` as it was sealed, whatever tampering has changed
    /// since (a store writes this, never an edited copy).
    pub fn sealed_block(&self, height: u64) -> Option<&Block> {
        self.originals
            .iter()
            .find(|(h, _)| *h == height)
            .map(|(_, block)| block)
            .or_else(|| self.chain.block_at(height))
    }

    /// Puts `older`, the blocks just below those the chain holds (see
    /// [`Chain::resumed`]), in front, once they link to the blocks held as
    /// sealed; refused, changing nothing, if they do not.
    pub fn prepend(&mut self, older: Vec<Block>) -> Result<(), LinkError> {
        let sealed = |height| self.sealed_block(height).map_or(Hash::ZERO, |b| b.hash);
        let links = (
            self.sealed_block(self.chain.base())
                .map_or(Hash::ZERO, |b| b.header.parent),
            sealed(0),
        );
        self.chain.prepend_linked(older, links)
    }

    /// The chain as sealed, without any tampering.
    pub fn untampered_chain(&self) -> Chain {
        let mut chain = self.chain.clone();
        for (height, block) in self.originals.iter().rev() {
            chain.replace(*height, block.clone());
        }
        chain
    }

    /// Members' betting strategies that differ from the default, in member order.
    pub fn strategies(&self) -> &[(MemberId, Strategy)] {
        &self.strategies
    }

    /// Members switched offline, in member order.
    pub fn offline(&self) -> &[MemberId] {
        &self.offline
    }

    /// How `member` bets in elections.
    pub fn strategy(&self, member: MemberId) -> Strategy {
        self.strategies
            .binary_search_by_key(&member, |&(m, _)| m)
            .map_or_else(|_| Strategy::default(), |i| self.strategies[i].1)
    }

    pub fn set_strategy(&mut self, member: MemberId, strategy: Strategy) {
        match self.strategies.binary_search_by_key(&member, |&(m, _)| m) {
            Ok(i) => self.strategies[i].1 = strategy,
            Err(i) => self.strategies.insert(i, (member, strategy)),
        }
    }

    /// Whether a member is there to sign: switched on and not departed.
    pub fn is_online(&self, member: MemberId) -> bool {
        self.offline.binary_search(&member).is_err()
            && self.open.ledger().member(member).is_some_and(|m| m.active)
    }

    /// The member who keeps the register: the genesis sealer.
    pub fn registrar(&self) -> MemberId {
        self.chain.genesis().header.sealed_by
    }

    fn change_membership(&mut self, change: MembershipChange) -> Result<&Transaction, ActionError> {
        let registrar = self.registrar();
        let seq = self
            .open
            .next_seq(registrar)
            .ok_or(Violation::UnknownMember(registrar))?;
        let tx = self.signed(TxBody::Membership(Membership {
            registrar,
            seq,
            change,
        }))?;
        self.admit(tx)
    }

    /// A new member joins with the next free number and its own key. A
    /// generator brings `capacity` and a share table over the customers.
    pub fn join(&mut self, name: &str, role: Role, capacity: Wh) -> Result<MemberId, ActionError> {
        let member = self
            .open
            .ledger()
            .next_member_id()
            .ok_or_else(|| Violation::BeyondLimit("no member numbers are left".into()))?;
        let public_key = self.keys.key(member).public_key();
        self.change_membership(MembershipChange::Join {
            member,
            name: name.trim().to_string(),
            role,
            public_key,
            capacity,
            vrf_key: None,
        })?;
        Ok(member)
    }

    pub fn rename(&mut self, member: MemberId, name: &str) -> Result<&Transaction, ActionError> {
        self.change_membership(MembershipChange::Rename {
            member,
            name: name.trim().to_string(),
        })
    }

    /// The member leaves, in one block: each generator it holds a share of
    /// first signs a share update spreading that share over its other
    /// customers in proportion to theirs, then the registrar signs the
    /// departure. Refused whole, changing nothing, if any step is.
    pub fn leave(&mut self, member: MemberId) -> Result<&Transaction, ActionError> {
        let before = (self.open.clone(), self.pending.len());
        let left = self.leave_steps(member);
        if left.is_err() {
            (self.open, _) = before.clone();
            self.pending.truncate(before.1);
        }
        left?;
        Ok(self.pending.last().expect("the departure was just added"))
    }

    fn leave_steps(&mut self, member: MemberId) -> Result<(), ActionError> {
        let generators: Vec<MemberId> = self
            .open
            .ledger()
            .active_members()
            .filter(|g| g.is_generator())
            .map(|g| g.id)
            .collect();
        for generator in generators {
            let Some(table) = self.open.upcoming_shares(generator) else {
                continue;
            };
            if table.share_of(member).is_some_and(|s| s.0 > 0) {
                let rest = table.without(member).map_err(Violation::BadShareTable)?;
                self.update_shares(generator, rest)?;
            }
        }
        self.change_membership(MembershipChange::Leave { member })?;
        Ok(())
    }

    /// Switches a member on or offline: an offline member neither votes nor
    /// seals, so an offline elected miner misses its slot.
    pub fn set_online(&mut self, member: MemberId, online: bool) {
        match (online, self.offline.binary_search(&member)) {
            (true, Ok(i)) => {
                self.offline.remove(i);
            }
            (false, Err(i)) => self.offline.insert(i, member),
            _ => {}
        }
    }

    /// The share table `generator` will have from the next block on: a
    /// pending update if there is one, else the table in force.
    pub fn upcoming_shares(&self, generator: MemberId) -> Option<&ShareTable> {
        self.open.upcoming_shares(generator)
    }

    /// The election held by the last sealed block.
    pub fn last_election(&self) -> Option<&ElectionRecord> {
        self.chain.tip().election()
    }

    /// Who will seal the open block if nothing changes: the elected miner,
    /// or the runner-up when the elected miner is offline.
    pub fn due_sealer(&self) -> Result<MemberId, ActionError> {
        let elected = self.next_miner();
        if self.is_online(elected) {
            return Ok(elected);
        }
        let runner_up = self.last_election().and_then(|e| e.runner_up);
        match runner_up {
            Some(r) if self.is_online(r) => Ok(r),
            _ => Err(ActionError::NoMinerOnline { elected, runner_up }),
        }
    }

    /// Replaces member numbers in a message with names: "member #1" reads
    /// "Anne".
    pub fn explain(&self, error: &ActionError) -> String {
        crate::chain::verify::name_members(&error.to_string(), self.open.ledger())
    }

    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    pub fn keys(&self) -> &Keyring {
        &self.keys
    }

    /// The ledger of the last sealed block.
    pub fn ledger(&self) -> &Ledger {
        self.chain.tip().ledger()
    }

    /// The ledger with the open block's transactions applied.
    pub fn open_ledger(&self) -> &Ledger {
        self.open.ledger()
    }

    /// Transactions waiting for the next block.
    pub fn pending(&self) -> &[Transaction] {
        &self.pending
    }

    /// Height of the block being filled.
    pub fn open_height(&self) -> u64 {
        self.open.height()
    }

    /// When the open market period begins: the genesis block's, plus one
    /// market period per block ([`MARKET_PERIOD_MS`]). Chain time is market
    /// time, whatever pace the page seals blocks at.
    pub fn open_period_start_ms(&self) -> u64 {
        self.period_start_ms(self.open.height())
    }

    /// When block `height`'s market period begins.
    pub fn period_start_ms(&self, height: u64) -> u64 {
        self.chain
            .genesis()
            .header
            .period_start_ms
            .saturating_add(height.saturating_mul(MARKET_PERIOD_MS))
    }

    /// The member due to seal the next block.
    pub fn next_miner(&self) -> MemberId {
        self.chain.tip().header.next_miner
    }

    /// Whether this page holds the keys of the chain's members.
    pub fn holds_keys(&self) -> bool {
        self.ledger()
            .members
            .iter()
            .all(|m| self.keys.key(m.id).public_key() == m.public_key)
    }

    fn signed(&self, body: TxBody) -> Result<Transaction, ActionError> {
        Self::sign_with(&self.keys, &self.open, body)
    }

    fn sign_with(
        keys: &Keyring,
        open: &OpenBlock,
        body: TxBody,
    ) -> Result<Transaction, ActionError> {
        let signer = body.signer();
        let key = keys.key(signer);
        let known = open
            .ledger()
            .member(signer)
            .ok_or(Violation::UnknownMember(signer))?;
        if key.public_key() != known.public_key {
            return Err(ActionError::NotOurKeys);
        }
        Ok(Transaction::sign(body, &key)?)
    }

    /// Re-admits a signed transaction (a reload): checked like any other,
    /// including its signature.
    pub(crate) fn readmit(&mut self, tx: Transaction) -> Result<&Transaction, ActionError> {
        let signer = self
            .open
            .ledger()
            .member(tx.signer())
            .ok_or(Violation::UnknownMember(tx.signer()))?;
        if tx.body.id()? != tx.id || !signer.public_key.verifies(&tx.id, &tx.signature) {
            return Err(ActionError::NotOurKeys);
        }
        self.admit(tx)
    }

    fn admit(&mut self, tx: Transaction) -> Result<&Transaction, ActionError> {
        self.open.apply(&tx.body)?;
        self.pending.push(tx);
        Ok(self.pending.last().expect("just pushed"))
    }

    /// The generator's cryptometer reports `energy` for the open period;
    /// it is allocated by the share table in force.
    pub fn generate(
        &mut self,
        generator: MemberId,
        energy: Wh,
    ) -> Result<&Transaction, ActionError> {
        let seq = self
            .open
            .next_seq(generator)
            .ok_or(Violation::UnknownMember(generator))?;
        let body = expected_generation(
            self.open.in_force(),
            generator,
            self.open.height(),
            seq,
            energy,
        )?;
        let tx = self.signed(TxBody::Generation(body))?;
        self.admit(tx)
    }

    /// The generator sets a new share table, in force from the next block.
    pub fn update_shares(
        &mut self,
        generator: MemberId,
        shares: ShareTable,
    ) -> Result<&Transaction, ActionError> {
        let seq = self
            .open
            .next_seq(generator)
            .ok_or(Violation::UnknownMember(generator))?;
        let tx = self.signed(TxBody::ShareUpdate(ShareUpdate {
            generator,
            seq,
            shares,
        }))?;
        self.admit(tx)
    }

    /// Seals the open block and opens the next one: a penalty if the
    /// elected miner is offline, the candidates' votes, the election of the
    /// next miner, then the seal. On an error nothing changes.
    pub fn seal(&mut self) -> Result<&Block, ActionError> {
        if self.is_tampered() {
            return Err(ActionError::HistoryTampered);
        }
        let height = self.open.height();
        crate::rules::limits::check_height(height)?;
        let sealer = self.due_sealer()?;
        let elected = self.next_miner();
        let mut open = self.open.clone();
        let mut transactions = self.pending.clone();
        let mut admit = |open: &mut OpenBlock, body: TxBody| -> Result<(), ActionError> {
            let tx = Self::sign_with(&self.keys, open, body)?;
            open.apply(&tx.body)?;
            transactions.push(tx);
            Ok(())
        };

        if sealer != elected {
            let lost = open
                .ledger()
                .member(elected)
                .map_or(0, |m| m.reputation.min(1));
            let penalty = Penalty {
                height,
                missed: elected,
                sealed_by: sealer,
                reputation_lost: lost,
                pot: open.payout(),
            };
            admit(&mut open, TxBody::Penalty(penalty))?;
        }

        let mut draws = self.draws.for_height(height);
        // In member order, as the candidates come.
        let mut bets: Vec<(MemberId, MilliTokens)> = Vec::new();
        for voter in candidates_after(open.ledger(), sealer) {
            // An offline member's node signs nothing, so it stakes nothing.
            if !self.is_online(voter) {
                continue;
            }
            let free = open
                .ledger()
                .member(voter)
                .map(|m| m.tokens)
                .unwrap_or_default();
            let bet = self.strategy(voter).bet(free, draws.next_u64());
            if bet.0 == 0 {
                continue;
            }
            let seq = open
                .next_seq(voter)
                .ok_or(Violation::UnknownMember(voter))?;
            let vote = Vote {
                voter,
                seq,
                election: height.saturating_add(1),
                bet,
                builds_on: None,
                proof: None,
            };
            admit(&mut open, TxBody::Vote(vote))?;
            bets.push((voter, bet));
        }

        let ledger = open.close(sealer)?;
        let election = hold_election(
            &ledger,
            height,
            sealer,
            |m| {
                bets.binary_search_by_key(&m, |&(v, _)| v)
                    .map_or(MilliTokens::default(), |i| bets[i].1)
            },
            |_| draws.next_draw(),
        );
        let next_miner = election.as_ref().map_or(sealer, |e| e.winner);
        if let Some(record) = election {
            admit(&mut open, TxBody::Election(record))?;
        }

        let key = self.keys.key(sealer);
        let ids: Vec<_> = transactions.iter().map(|t| t.id).collect();
        let header = BlockHeader {
            version: BLOCK_VERSION,
            height,
            parent: self.chain.tip().hash,
            period_start_ms: self.open_period_start_ms(),
            sealed_by: sealer,
            next_miner,
            merkle_root: merkle_root(&ids),
            ledger_hash: ledger.hash()?,
            sealed_at_ms: None,
            rank: None,
        };
        let hash = header.hash()?;
        let block = Block {
            seal: key.sign(&hash),
            hash,
            header,
            body: BlockBody {
                transactions,
                ledger,
            },
        };
        self.open = OpenBlock::new(&block.body.ledger, height + 1).with_registrar(self.registrar());
        self.pending.clear();
        self.chain.push(block);
        Ok(self.chain.tip())
    }

    /// Verifies the whole chain.
    pub fn verify(&self) -> Report {
        self.chain.verify()
    }
}
