//! A running community: the chain, every member's keys, and the block being
//! filled. This is what the page drives; it knows no clock (the caller
//! passes the time in) and no browser.

use crate::block::{Block, BlockBody, BlockHeader, BLOCK_VERSION};
use crate::canonical::CanonicalError;
use crate::chain::Chain;
use crate::community::{CommunitySpec, SetupError};
use crate::keys::Keyring;
use crate::ledger::Ledger;
use crate::member::MemberId;
use crate::merkle::merkle_root;
use crate::rules::{expected_generation, OpenBlock, Violation};
use crate::shares::ShareTable;
use crate::tx::{ShareUpdate, Transaction, TxBody};
use crate::units::Wh;
use crate::verify::Report;
use std::fmt;

/// Why an action in the page was refused. Nothing changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionError {
    Rule(Violation),
    Encoding(CanonicalError),
    /// The chain's keys are not this page's, so it cannot sign for members.
    NotOurKeys,
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
    open_since_ms: u64,
}

impl Simulation {
    /// Starts a community: its genesis block is sealed at `now_ms`.
    pub fn start(
        spec: &CommunitySpec,
        keys: Keyring,
        now_ms: u64,
    ) -> Result<Simulation, SetupError> {
        let genesis = spec.genesis_block(&keys, now_ms)?;
        Ok(Simulation::resume(Chain::new(genesis), keys, now_ms))
    }

    /// Continues a chain (a reload, an import) with the given keys.
    pub fn resume(chain: Chain, keys: Keyring, now_ms: u64) -> Simulation {
        let tip = chain.tip();
        let open = OpenBlock::new(tip.ledger(), tip.height() + 1);
        Simulation {
            open_since_ms: now_ms.max(tip.header.period_start_ms),
            chain,
            keys,
            open,
            pending: Vec::new(),
        }
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

    /// When the open market period began.
    pub fn open_since_ms(&self) -> u64 {
        self.open_since_ms
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
        let signer = body.signer();
        let key = self.keys.key(signer);
        let known = self
            .open
            .ledger()
            .member(signer)
            .ok_or(Violation::UnknownMember(signer))?;
        if key.public_key() != known.public_key {
            return Err(ActionError::NotOurKeys);
        }
        Ok(Transaction::sign(body, &key)?)
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

    /// Seals the open block at `now_ms` and opens the next one.
    pub fn seal(&mut self, now_ms: u64) -> Result<&Block, ActionError> {
        let sealer = self.next_miner();
        let key = self.keys.key(sealer);
        if self.open.ledger().member(sealer).map(|m| m.public_key) != Some(key.public_key()) {
            return Err(ActionError::NotOurKeys);
        }
        let ledger = self.open.close(sealer)?;
        let ids: Vec<_> = self.pending.iter().map(|t| t.id).collect();
        let tip = self.chain.tip();
        let header = BlockHeader {
            version: BLOCK_VERSION,
            height: self.open.height(),
            parent: tip.hash,
            period_start_ms: self.open_since_ms,
            sealed_by: sealer,
            next_miner: sealer,
            merkle_root: merkle_root(&ids),
            ledger_hash: ledger.hash()?,
        };
        let hash = header.hash()?;
        let block = Block {
            seal: key.sign(&hash),
            hash,
            header,
            body: BlockBody {
                transactions: std::mem::take(&mut self.pending),
                ledger,
            },
        };
        self.open = OpenBlock::new(&block.body.ledger, block.height() + 1);
        self.open_since_ms = now_ms.max(self.open_since_ms);
        self.chain.push(block);
        Ok(self.chain.tip())
    }

    /// Verifies the whole chain.
    pub fn verify(&self) -> Report {
        self.chain.verify()
    }
}
