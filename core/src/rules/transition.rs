//! The state transition: how a block's transactions change the ledger.
//!
//! The same code refuses a bad action in the page and reports a bad block in
//! verification, so the two can never disagree about a rule.

use crate::crypto::vrf::ProofMemo;
use crate::crypto::{Hash, KeyError};
use crate::encoding::split::largest_remainder;
use crate::encoding::units::{BasisPoints, MilliTokens, Wh};
use crate::model::election::ElectionRecord;
use crate::model::ledger::Ledger;
use crate::model::member::Member;
use crate::model::member::{FrozenLot, MemberId, Role};
use crate::model::shares::{ShareError, ShareTable};
use crate::model::tx::{
    Allocation, Generation, Membership, MembershipChange, Mint, Penalty, ShareUpdate, TxBody, Vote,
};
use crate::rules::election::{draw_from, election_input};
use crate::rules::limits;
use std::collections::HashSet;
use std::fmt;

/// A rule a transaction breaks against the state it is applied to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    UnknownMember(MemberId),
    NotAGenerator(MemberId),
    NotACustomer(MemberId),
    /// The sequence number is not above the signer's last one.
    SequenceReplayed {
        member: MemberId,
        seq: u64,
        last: u64,
    },
    /// A generation is for another market period than the block's.
    WrongPeriod {
        period: u64,
        height: u64,
    },
    /// Generation beyond the generator's remaining capacity (the overdraft rule).
    CapacityExceeded {
        generator: MemberId,
        energy: Wh,
        left: Wh,
    },
    /// A generation of nothing.
    ZeroEnergy,
    /// The allocation is not the split of the energy by the table in force.
    AllocationMismatch {
        generator: MemberId,
    },
    /// The minted tokens are not what the minting rule gives.
    MintMismatch {
        generator: MemberId,
    },
    /// A share table that does not hold.
    BadShareTable(ShareError),
    /// A number so large it would overflow the ledger.
    Overflow,
    /// A change that would take the community past one of its limits
    /// (`rules::limits`), and which.
    BeyondLimit(String),
    /// A bet larger than the voter's free (unfrozen) tokens.
    BetExceedsFree {
        voter: MemberId,
        bet: MilliTokens,
        free: MilliTokens,
    },
    /// A member voting twice in one election.
    DoubleVote(MemberId),
    /// A vote or election record for another height than this block's election.
    WrongElection {
        election: u64,
        expected: u64,
    },
    /// A second election record in one block.
    SecondElection,
    /// A penalty record for another block, a second one, or with the wrong
    /// reputation or pot.
    PenaltyMismatch(String),
    /// Only the registrar (the genesis sealer) changes membership.
    NotRegistrar(MemberId),
    /// A member who left signs nothing more.
    MemberLeft(MemberId),
    /// A membership change that does not hold, and why.
    Membership(String),
    /// A public key that may not enter the chain (not a point, or of
    /// small order).
    WeakKey(KeyError),
    /// Version 2: a transaction whose sequence number skips one: its
    /// signer's transaction before it is missing.
    SequenceGap {
        member: MemberId,
        seq: u64,
        expected: u64,
    },
    /// Version 2: a vote that names another block than the one the block
    /// holding it builds on.
    VoteElsewhere(MemberId),
    /// Version 2: a vote whose VRF proof does not hold (or is missing).
    BadDrawProof(MemberId),
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::UnknownMember(m) => write!(f, "member {m} is not in the community"),
            Violation::NotAGenerator(m) => write!(f, "member {m} is not a generator"),
            Violation::NotACustomer(m) => write!(f, "member {m} is not a customer"),
            Violation::SequenceReplayed { member, seq, last } => write!(
                f,
                "sequence number {seq} of member {member} is not above their last one ({last}): a replay"
            ),
            Violation::WrongPeriod { period, height } => write!(
                f,
                "the reading is for market period {period} but sits in block {height}"
            ),
            Violation::CapacityExceeded {
                generator,
                energy,
                left,
            } => write!(
                f,
                "generator {generator} cannot produce {energy}: only {left} of capacity is left"
            ),
            Violation::ZeroEnergy => write!(f, "a generation must produce more than 0 kWh"),
            Violation::AllocationMismatch { generator } => write!(
                f,
                "the allocation of generator {generator}'s energy is not the split by its share table in force"
            ),
            Violation::MintMismatch { generator } => write!(
                f,
                "the voting tokens minted by generator {generator}'s reading are not 20 % to it and 80 % to its customers by share"
            ),
            Violation::BadShareTable(e) => write!(f, "{e}"),
            Violation::Overflow => write!(f, "an amount is too large for the ledger"),
            Violation::BeyondLimit(why) => write!(f, "{why}"),
            Violation::BetExceedsFree { voter, bet, free } => write!(
                f,
                "member {voter} bets {bet} but has only {free} free (frozen tokens cannot be bet)"
            ),
            Violation::DoubleVote(m) => write!(f, "member {m} votes twice in one election"),
            Violation::WrongElection { election, expected } => write!(
                f,
                "the record is for the election of block {election}, but this block holds the election of block {expected}"
            ),
            Violation::SecondElection => write!(f, "a block holds one election record, not two"),
            Violation::PenaltyMismatch(why) => write!(f, "the penalty record is wrong: {why}"),
            Violation::NotRegistrar(m) => write!(
                f,
                "member {m} is not the community's registrar, so it cannot change who is a member"
            ),
            Violation::MemberLeft(m) => {
                write!(f, "member {m} has left the community and signs nothing more")
            }
            Violation::Membership(why) => write!(f, "{why}"),
            Violation::SequenceGap {
                member,
                seq,
                expected,
            } => write!(
                f,
                "member {member}'s sequence number {seq} skips ahead: the transaction numbered {expected} is missing"
            ),
            Violation::VoteElsewhere(m) => write!(
                f,
                "member {m}'s vote names another block than the one this block builds on"
            ),
            Violation::BadDrawProof(m) => write!(
                f,
                "member {m}'s vote does not prove its draw: the VRF proof does not hold for its key and this election"
            ),
            Violation::WeakKey(why) => write!(f, "the new member's public key is refused: {why}"),
        }
    }
}

impl std::error::Error for Violation {}

/// The allocation and minting a generation must carry, computed from the
/// share table in force in `ledger`.
pub fn expected_generation(
    ledger: &Ledger,
    generator: MemberId,
    period: u64,
    seq: u64,
    energy: Wh,
) -> Result<Generation, Violation> {
    let table = share_table_of(ledger, generator)?;
    let allocation = table
        .split_energy(energy)
        .into_iter()
        .map(|(member, energy)| Allocation { member, energy })
        .collect();
    let minted_total = energy
        .0
        .checked_mul(ledger.rules.milli_tokens_per_wh)
        .ok_or(Violation::Overflow)?;
    let gen_share = ledger
        .rules
        .generator_mint_share
        .0
        .min(BasisPoints::WHOLE.0);
    let [to_generator, to_customers]: [u64; 2] = largest_remainder(
        minted_total,
        &[
            BasisPoints(gen_share),
            BasisPoints(BasisPoints::WHOLE.0 - gen_share),
        ],
    )
    .try_into()
    .expect("two weights give two parts");
    let mut minted = vec![Mint {
        member: generator,
        tokens: MilliTokens(to_generator),
    }];
    minted.extend(
        table
            .split(to_customers)
            .into_iter()
            .map(|(member, t)| Mint {
                member,
                tokens: MilliTokens(t),
            }),
    );
    Ok(Generation {
        generator,
        period,
        seq,
        energy,
        allocation,
        minted,
    })
}

fn share_table_of(ledger: &Ledger, generator: MemberId) -> Result<&ShareTable, Violation> {
    let member = ledger
        .member(generator)
        .ok_or(Violation::UnknownMember(generator))?;
    member
        .share_table()
        .ok_or(Violation::NotAGenerator(generator))
}

/// Checks a share table against the community: valid on its own, and every
/// member in it a customer.
pub fn check_share_table(ledger: &Ledger, table: &ShareTable) -> Result<(), Violation> {
    table.check().map_err(Violation::BadShareTable)?;
    for member in table.members() {
        let m = ledger
            .member(member)
            .ok_or(Violation::UnknownMember(member))?;
        if m.is_generator() || !m.active {
            return Err(Violation::NotACustomer(member));
        }
    }
    Ok(())
}

fn active_member(ledger: &Ledger, member: MemberId) -> Result<&Member, Violation> {
    let m = ledger
        .member(member)
        .ok_or(Violation::UnknownMember(member))?;
    if !m.active {
        return Err(Violation::MemberLeft(member));
    }
    Ok(m)
}

/// A name is 1 to 40 characters after trimming and not another active
/// member's.
fn check_name(ledger: &Ledger, member: MemberId, name: &str) -> Result<(), Violation> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed != name || name.chars().count() > 40 {
        return Err(Violation::Membership(
            "a name has 1 to 40 characters, without spaces around it".into(),
        ));
    }
    if ledger
        .active_members()
        .any(|m| m.id != member && m.name.eq_ignore_ascii_case(name))
    {
        return Err(Violation::Membership(format!(
            "{name} is already a member's name"
        )));
    }
    Ok(())
}

/// Each member's amounts summed, in member order: an overflow if a sum
/// passes `u64`.
fn totals(
    entries: impl Iterator<Item = (MemberId, u64)>,
) -> Result<Vec<(MemberId, u64)>, Violation> {
    let entries: Vec<(MemberId, u64)> = entries.collect();
    // The usual case, a reading as written: one entry per member, in order.
    if entries.windows(2).all(|w| w[0].0 < w[1].0) {
        return Ok(entries);
    }
    let order = crate::encoding::order::sorted_indices(entries.len(), &|a, b| {
        entries[a].0.cmp(&entries[b].0)
    });
    let mut sums: Vec<(MemberId, u64)> = Vec::with_capacity(entries.len());
    for i in order {
        let (member, amount) = entries[i];
        match sums.last_mut() {
            Some((last, sum)) if *last == member => {
                *sum = sum.checked_add(amount).ok_or(Violation::Overflow)?;
            }
            _ => sums.push((member, amount)),
        }
    }
    Ok(sums)
}

/// The share table `generator` will have once the block closes: the last
/// one staged, or the one in force.
fn upcoming_shares<'l>(
    staged: &'l [(MemberId, ShareTable)],
    in_force: &'l Ledger,
    ledger: &'l Ledger,
    generator: MemberId,
) -> Option<&'l ShareTable> {
    staged
        .iter()
        .rev()
        .find(|(g, _)| *g == generator)
        .map(|(_, t)| t)
        .or_else(|| in_force.member(generator)?.share_table())
        // A generator that joins in this block brings the table it will
        // split by from the next block on.
        .or_else(|| ledger.member(generator)?.share_table())
}

impl Version2 {
    /// The draw `v` proves (a vote of a chain of version 2): it names the
    /// block it builds on, and its VRF proof holds for the voter's VRF key on
    /// this election's input.
    fn draw_of(
        &self,
        v: &Vote,
        ledger: &Ledger,
        proofs: Option<&mut ProofMemo>,
    ) -> Result<u64, Violation> {
        if v.builds_on != Some(self.parent) {
            return Err(Violation::VoteElsewhere(v.voter));
        }
        let key = ledger
            .member(v.voter)
            .and_then(|m| m.vrf_key)
            .ok_or(Violation::BadDrawProof(v.voter))?;
        let proof = v.proof.as_ref().ok_or(Violation::BadDrawProof(v.voter))?;
        let input = election_input(&self.genesis, v.election, &self.seed);
        let output = match proofs {
            Some(memo) => memo.verify(&key, &input, proof),
            None => key.verify(&input, proof),
        }
        .map_err(|_| Violation::BadDrawProof(v.voter))?;
        Ok(draw_from(&output))
    }
}

/// A block being filled: the parent's ledger with the block's transactions
/// applied so far, and what takes effect only when the block closes.
#[derive(Clone, Debug)]
pub struct OpenBlock {
    height: u64,
    /// The ledger the block started from: share tables in force come from here.
    in_force: Ledger,
    ledger: Ledger,
    staged_shares: Vec<(MemberId, ShareTable)>,
    /// The stakes of the election that chose this block's miner: paid to
    /// whoever seals it.
    payout: MilliTokens,
    voters: HashSet<MemberId>,
    election: Option<ElectionRecord>,
    penalty: Option<Penalty>,
    /// Who may sign membership changes: the genesis sealer.
    registrar: Option<MemberId>,
    /// The rules of a chain of version 2, when the block is one.
    version_2: Option<Version2>,
}

/// What the rules of a chain of version 2 need beyond the ledger: the
/// block the open block builds on, and the input of the election it holds;
/// and what they learn as votes come: each voter's proved draw.
#[derive(Clone, Debug)]
struct Version2 {
    parent: Hash,
    genesis: Hash,
    seed: Hash,
    /// Each voter's draw, from its VRF proof, in the order the votes came.
    draws: Vec<(MemberId, u64)>,
    /// The penalties recorded so far, in order.
    penalties: Vec<Penalty>,
}

impl OpenBlock {
    /// Opens block `height` on top of the parent's ledger.
    pub fn new(parent: &Ledger, height: u64) -> OpenBlock {
        OpenBlock::on(parent.clone(), height)
    }

    /// [`OpenBlock::new`] on a parent's ledger the caller has no more use
    /// for (verification's replayed state): one copy of it fewer.
    pub fn on(parent: Ledger, height: u64) -> OpenBlock {
        let mut ledger = parent.clone();
        let payout = std::mem::take(&mut ledger.pot);
        OpenBlock {
            height,
            in_force: parent,
            ledger,
            staged_shares: Vec::new(),
            payout,
            voters: HashSet::new(),
            election: None,
            penalty: None,
            registrar: None,
            version_2: None,
        }
    }

    /// The open block is of a chain of version 2: it builds on `parent`, in
    /// the chain that began with `genesis`, and holds the election whose
    /// seed is `seed`. Votes must then name `parent` and prove their draw.
    pub fn with_version_2(mut self, parent: Hash, genesis: Hash, seed: Hash) -> OpenBlock {
        self.version_2 = Some(Version2 {
            parent,
            genesis,
            seed,
            draws: Vec::new(),
            penalties: Vec::new(),
        });
        self
    }

    /// Version 2: each voter's proved draw, in the order the votes came.
    pub fn draws(&self) -> &[(MemberId, u64)] {
        self.version_2.as_ref().map_or(&[], |v| &v.draws)
    }

    /// Version 2: the election seed of the election this block holds.
    pub fn election_seed(&self) -> Option<Hash> {
        self.version_2.as_ref().map(|v| v.seed)
    }

    /// Version 2: the penalties recorded so far, in order.
    pub fn penalties(&self) -> &[Penalty] {
        self.version_2.as_ref().map_or(&[], |v| &v.penalties)
    }

    /// Names the community's registrar (the genesis sealer), who alone may
    /// sign membership changes.
    pub fn with_registrar(mut self, registrar: MemberId) -> OpenBlock {
        self.registrar = Some(registrar);
        self
    }

    /// The share table `generator` will have once this block closes: the
    /// last one staged in this block, or the one in force.
    pub fn upcoming_shares(&self, generator: MemberId) -> Option<&ShareTable> {
        upcoming_shares(&self.staged_shares, &self.in_force, &self.ledger, generator)
    }

    /// The election record applied in this block, if any.
    pub fn election(&self) -> Option<&ElectionRecord> {
        self.election.as_ref()
    }

    /// The penalty record applied in this block, if any.
    pub fn penalty(&self) -> Option<&Penalty> {
        self.penalty.as_ref()
    }

    /// The stake paid to this block's sealer.
    pub fn payout(&self) -> MilliTokens {
        self.payout
    }

    pub fn height(&self) -> u64 {
        self.height
    }

    /// The ledger with the transactions applied so far.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The ledger the block started from, whose share tables are in force.
    pub fn in_force(&self) -> &Ledger {
        &self.in_force
    }

    /// The next sequence number `member` may sign with.
    pub fn next_seq(&self, member: MemberId) -> Option<u64> {
        self.ledger.member(member).map(|m| m.seq + 1)
    }

    /// Applies one transaction body, or refuses it and changes nothing.
    pub fn apply(&mut self, body: &TxBody) -> Result<(), Violation> {
        self.apply_remembering(body, None)
    }

    /// [`OpenBlock::apply`], a vote's VRF proof verified through `proofs`
    /// when given (a node's memo: a proof it met before is not verified
    /// again).
    pub fn apply_remembering(
        &mut self,
        body: &TxBody,
        proofs: Option<&mut ProofMemo>,
    ) -> Result<(), Violation> {
        let signer = body.signer();
        let member = self
            .ledger
            .member(signer)
            .ok_or(Violation::UnknownMember(signer))?;
        if !member.active {
            return Err(Violation::MemberLeft(signer));
        }
        // Version 2: a vote is outside its voter's sequence (one vote per
        // voter per election, naming the block it builds on, cannot be
        // replayed), so a sealer leaving its own vote out of its block holds
        // up none of its other transactions.
        let in_sequence = !(self.version_2.is_some() && matches!(body, TxBody::Vote(_)));
        if let Some(seq) = body.seq().filter(|_| in_sequence) {
            if seq <= member.seq {
                return Err(Violation::SequenceReplayed {
                    member: signer,
                    seq,
                    last: member.seq,
                });
            }
            // Version 2: each signer's transactions in an unbroken sequence,
            // so a node holds one that came before its predecessor until
            // the predecessor comes.
            if self.version_2.is_some() && seq != member.seq.saturating_add(1) {
                return Err(Violation::SequenceGap {
                    member: signer,
                    seq,
                    expected: member.seq.saturating_add(1),
                });
            }
        }
        match body {
            TxBody::Generation(g) => self.apply_generation(g),
            TxBody::ShareUpdate(u) => self.apply_share_update(u),
            TxBody::Vote(v) => self.apply_vote(v, proofs),
            TxBody::Election(e) => self.apply_election(e),
            TxBody::Penalty(p) => self.apply_penalty(p),
            TxBody::Membership(m) => self.apply_membership(m),
        }
    }

    fn apply_membership(&mut self, m: &Membership) -> Result<(), Violation> {
        if self.registrar != Some(m.registrar) {
            return Err(Violation::NotRegistrar(m.registrar));
        }
        // Every check before anything is written: a refused change leaves
        // the ledger as it was.
        let ledger = &mut self.ledger;
        match &m.change {
            MembershipChange::Join {
                member,
                name,
                role,
                public_key,
                capacity,
                vrf_key,
            } => {
                let expected = ledger
                    .next_member_id()
                    .ok_or_else(|| Violation::BeyondLimit("no member numbers are left".into()))?;
                if *member != expected {
                    return Err(Violation::Membership(format!(
                        "a new member gets the next free number, {expected}, not {member}"
                    )));
                }
                limits::check_member_number(*member)?;
                check_name(ledger, *member, name)?;
                public_key.check().map_err(Violation::WeakKey)?;
                if self.version_2.is_some() {
                    let key = vrf_key.ok_or_else(|| {
                        Violation::Membership("a new member brings a VRF key".into())
                    })?;
                    key.check().map_err(Violation::WeakKey)?;
                }
                match role {
                    Role::Generator { shares } => check_share_table(ledger, shares)?,
                    Role::Customer if capacity.0 > 0 => {
                        return Err(Violation::Membership(
                            "only a generator brings capacity".into(),
                        ))
                    }
                    Role::Customer => {}
                }
                let energy = ledger.total_energy() + u128::from(capacity.0);
                if energy > u128::from(limits::MAX_ENERGY.0) {
                    return Err(Violation::BeyondLimit(format!(
                        "{name} would bring {capacity} of capacity, taking the community past the {} the chain can carry",
                        limits::MAX_ENERGY
                    )));
                }
                // Within MAX_ENERGY, so within u64.
                ledger.joined_energy = Wh(ledger.joined_energy.0 + capacity.0);
                ledger.members.push(Member {
                    id: *member,
                    name: name.clone(),
                    role: role.clone(),
                    public_key: *public_key,
                    balance: *capacity,
                    tokens: MilliTokens(0),
                    frozen: Vec::new(),
                    reputation: 0,
                    last_sealed: None,
                    seq: 0,
                    active: true,
                    vrf_key: *vrf_key,
                });
            }
            MembershipChange::Rename { member, name } => {
                active_member(ledger, *member)?;
                check_name(ledger, *member, name)?;
                ledger.member_mut(*member).expect("checked above").name = name.clone();
            }
            MembershipChange::Leave { member } => {
                let leaving = active_member(ledger, *member)?;
                if *member == m.registrar {
                    return Err(Violation::Membership(
                        "the registrar keeps the register and cannot leave".into(),
                    ));
                }
                // The tables from the next block on count: a share update
                // in this block may take the member's share away.
                if let Some(g) = ledger.active_members().find(|g| {
                    upcoming_shares(&self.staged_shares, &self.in_force, ledger, g.id)
                        .is_some_and(|t| t.share_of(*member).is_some_and(|s| s.0 > 0))
                }) {
                    return Err(Violation::Membership(format!(
                        "{} still holds a share of {}'s output: change those shares first",
                        leaving.name, g.name
                    )));
                }
                ledger.member_mut(*member).expect("checked above").active = false;
            }
        }
        ledger
            .member_mut(m.registrar)
            .expect("the signer exists")
            .seq = m.seq;
        Ok(())
    }

    fn apply_vote(&mut self, v: &Vote, proofs: Option<&mut ProofMemo>) -> Result<(), Violation> {
        let expected = self.height.saturating_add(1);
        if v.election != expected {
            return Err(Violation::WrongElection {
                election: v.election,
                expected,
            });
        }
        if self.voters.contains(&v.voter) {
            return Err(Violation::DoubleVote(v.voter));
        }
        let voter = self
            .ledger
            .member(v.voter)
            .ok_or(Violation::UnknownMember(v.voter))?;
        if v.bet > voter.tokens {
            return Err(Violation::BetExceedsFree {
                voter: v.voter,
                bet: v.bet,
                free: voter.tokens,
            });
        }
        let pot = self
            .ledger
            .pot
            .0
            .checked_add(v.bet.0)
            .ok_or(Violation::Overflow)?;
        let draw = match &self.version_2 {
            Some(v2) => Some(v2.draw_of(v, &self.ledger, proofs)?),
            None => None,
        };
        let voter = self.ledger.member_mut(v.voter).expect("checked above");
        voter.tokens = MilliTokens(voter.tokens.0 - v.bet.0);
        if self.version_2.is_none() {
            voter.seq = v.seq;
        }
        self.ledger.pot = MilliTokens(pot);
        self.voters.insert(v.voter);
        if let (Some(v2), Some(draw)) = (&mut self.version_2, draw) {
            v2.draws.push((v.voter, draw));
        }
        Ok(())
    }

    /// The record's content is checked against its recomputation once the
    /// block is closed (see `verify`); here only its place.
    fn apply_election(&mut self, e: &ElectionRecord) -> Result<(), Violation> {
        let expected = self.height.saturating_add(1);
        if e.height != expected {
            return Err(Violation::WrongElection {
                election: e.height,
                expected,
            });
        }
        if self.election.is_some() {
            return Err(Violation::SecondElection);
        }
        self.election = Some(e.clone());
        Ok(())
    }

    fn apply_penalty(&mut self, p: &Penalty) -> Result<(), Violation> {
        // Version 2: one penalty for each candidate ranked above the sealer
        // (their order is checked against the election by verification).
        let several = self.version_2.is_some();
        if self.penalty.is_some() && !several {
            return Err(Violation::PenaltyMismatch(
                "a block holds at most one".into(),
            ));
        }
        if p.height != self.height {
            return Err(Violation::PenaltyMismatch(format!(
                "it is for block {}, not this block {}",
                p.height, self.height
            )));
        }
        if p.pot != self.payout {
            return Err(Violation::PenaltyMismatch(format!(
                "it moves a pot of {}, but the pot is {}",
                p.pot, self.payout
            )));
        }
        let missed = self
            .ledger
            .member_mut(p.missed)
            .ok_or(Violation::UnknownMember(p.missed))?;
        let lost = missed.reputation.min(1);
        if p.reputation_lost != lost {
            return Err(Violation::PenaltyMismatch(format!(
                "the missed miner loses {lost} reputation, not {}",
                p.reputation_lost
            )));
        }
        missed.reputation -= lost;
        if let Some(v2) = &mut self.version_2 {
            if v2.penalties.iter().any(|q| q.missed == p.missed) {
                return Err(Violation::PenaltyMismatch(format!(
                    "member {} is penalised twice",
                    p.missed
                )));
            }
            v2.penalties.push(p.clone());
        }
        self.penalty = Some(p.clone());
        Ok(())
    }

    fn apply_generation(&mut self, g: &Generation) -> Result<(), Violation> {
        if g.period != self.height {
            return Err(Violation::WrongPeriod {
                period: g.period,
                height: self.height,
            });
        }
        if g.energy.0 == 0 {
            return Err(Violation::ZeroEnergy);
        }
        let expected = expected_generation(&self.in_force, g.generator, g.period, g.seq, g.energy)?;
        let left = self
            .ledger
            .member(g.generator)
            .map(|m| m.balance)
            .unwrap_or_default();
        if g.energy > left {
            return Err(Violation::CapacityExceeded {
                generator: g.generator,
                energy: g.energy,
                left,
            });
        }
        if g.allocation != expected.allocation {
            return Err(Violation::AllocationMismatch {
                generator: g.generator,
            });
        }
        if g.minted != expected.minted {
            return Err(Violation::MintMismatch {
                generator: g.generator,
            });
        }
        // Every sum is checked before anything is written, so a refused
        // reading leaves the ledger as it was without a copy of it to throw
        // away.
        self.check_credits(g)?;
        let ledger = &mut self.ledger;
        let generator = ledger.member_mut(g.generator).expect("checked above");
        generator.balance = Wh(generator.balance.0 - g.energy.0);
        generator.seq = g.seq;
        for a in &g.allocation {
            let m = ledger.member_mut(a.member).expect("checked above");
            m.balance = Wh(m.balance.0 + a.energy.0);
        }
        let mut minted_sum = 0u64;
        for mint in &g.minted {
            let m = ledger.member_mut(mint.member).expect("checked above");
            m.tokens = MilliTokens(m.tokens.0 + mint.tokens.0);
            minted_sum += mint.tokens.0;
        }
        ledger.minted = MilliTokens(ledger.minted.0 + minted_sum);
        Ok(())
    }

    /// The refusal writing `g`'s allocation and mints would meet (a member
    /// not in the community, an amount past `u64`, tokens past
    /// [`limits::MAX_TOKENS`]), found without writing. Each member's credits
    /// are summed first (entries naming one member twice add up), in
    /// O(n log n) for n entries.
    fn check_credits(&self, g: &Generation) -> Result<(), Violation> {
        let ledger = &self.ledger;
        let energy = g.allocation.iter().map(|a| (a.member, a.energy.0));
        for (member, credit) in totals(energy)? {
            let m = ledger
                .member(member)
                .ok_or(Violation::UnknownMember(member))?;
            // The generator's own balance is debited first (checked above).
            let spent = if member == g.generator { g.energy.0 } else { 0 };
            (m.balance.0 - spent)
                .checked_add(credit)
                .ok_or(Violation::Overflow)?;
        }
        let mut minted_sum = 0u64;
        for (member, credit) in totals(g.minted.iter().map(|m| (m.member, m.tokens.0)))? {
            let m = ledger
                .member(member)
                .ok_or(Violation::UnknownMember(member))?;
            m.tokens.0.checked_add(credit).ok_or(Violation::Overflow)?;
            minted_sum = minted_sum.checked_add(credit).ok_or(Violation::Overflow)?;
        }
        ledger
            .minted
            .0
            .checked_add(minted_sum)
            .ok_or(Violation::Overflow)?;
        if ledger.total_tokens() + u128::from(minted_sum) > u128::from(limits::MAX_TOKENS.0) {
            return Err(Violation::BeyondLimit(format!(
                "this reading would mint voting tokens past the {} the chain can carry",
                limits::MAX_TOKENS
            )));
        }
        Ok(())
    }

    fn apply_share_update(&mut self, u: &ShareUpdate) -> Result<(), Violation> {
        share_table_of(&self.ledger, u.generator)?;
        check_share_table(&self.ledger, &u.shares)?;
        self.ledger
            .member_mut(u.generator)
            .expect("checked above")
            .seq = u.seq;
        self.staged_shares.push((u.generator, u.shares.clone()));
        Ok(())
    }

    /// Closes the block sealed by `sealer`: staged share tables come into
    /// force, the sealer's reputation and last-sealed height move, the stake
    /// of the election that chose this block's miner goes to the sealer as
    /// frozen tokens, and lots due at this height unlock. This block's own
    /// bets stay in the pot for whoever seals the next block.
    /// The open block itself is left as it was, so a refused seal loses nothing.
    pub fn close(&self, sealer: MemberId) -> Result<Ledger, Violation> {
        let ledger = self.ledger.clone();
        close_ledger(
            ledger,
            &self.staged_shares,
            self.height,
            self.payout,
            sealer,
        )
    }

    /// [`OpenBlock::close`] when the open block is no longer wanted
    /// (verification, once a block's transactions are replayed): the ledger
    /// is closed where it is instead of on a copy, and the block's election
    /// record, if any, comes back with it.
    pub fn close_owned(
        self,
        sealer: MemberId,
    ) -> (Result<Ledger, Violation>, Option<ElectionRecord>) {
        let OpenBlock {
            height,
            ledger,
            staged_shares,
            payout,
            election,
            ..
        } = self;
        let closed = close_ledger(ledger, &staged_shares, height, payout, sealer);
        (closed, election)
    }
}

/// [`OpenBlock::close`] on `ledger`, the open block's ledger or its copy.
fn close_ledger(
    mut ledger: Ledger,
    staged_shares: &[(MemberId, ShareTable)],
    height: u64,
    pot: MilliTokens,
    sealer: MemberId,
) -> Result<Ledger, Violation> {
    for (generator, table) in staged_shares {
        if let Some(m) = ledger.member_mut(*generator) {
            m.role = Role::Generator {
                shares: table.clone(),
            };
        }
    }
    let unlocks_at = height.saturating_add(ledger.rules.freeze_blocks);
    let m = ledger
        .member_mut(sealer)
        .ok_or(Violation::UnknownMember(sealer))?;
    m.reputation = m.reputation.saturating_add(1);
    m.last_sealed = Some(height);
    if pot.0 > 0 {
        m.frozen.push(FrozenLot {
            amount: pot,
            unlocks_at,
        });
    }
    let due = |lot: &FrozenLot| lot.unlocks_at <= height;
    for m in &mut ledger.members {
        let unlocked = m
            .frozen
            .iter()
            .filter(|l| due(l))
            .try_fold(m.tokens.0, |sum, l| sum.checked_add(l.amount.0))
            .ok_or(Violation::Overflow)?;
        m.frozen.retain(|l| !due(l));
        m.tokens = MilliTokens(unlocked);
    }
    Ok(ledger)
}
