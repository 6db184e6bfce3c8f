//! The node's chain on disk, in redb: one record per block (keyed by
//! height then hash, so reading them back gives parents before children)
//! and the node's memo (what it voted and sealed, what waits). A step's
//! blocks and memo are written in one transaction, committed before the
//! step's messages leave, so a node killed at any moment restarts from a
//! state it has not contradicted: it never signs twice for one height.

use ecloud_core::model::member::Role;
use ecloud_core::node::{Applicant, Node, NodeKeys, RestoreError};
use ecloud_core::Wh;
use ecloud_core::{Block, Hash};
use redb::{Database, ReadableTable, TableDefinition};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

const BLOCKS: TableDefinition<&[u8], &str> = TableDefinition::new("blocks");
const MEMO: TableDefinition<&str, &str> = TableDefinition::new("memo");
const MEMO_KEY: &str = "memo";
/// A newcomer's name and secret seed, made once and kept with its chain.
const NEWCOMER: TableDefinition<&str, &str> = TableDefinition::new("newcomer");

/// Why the store cannot be used.
#[derive(Debug)]
pub enum StoreError {
    /// The database file could not be opened, read or written.
    Database(String),
    /// A kept block is not a block.
    Malformed { key: String, why: String },
    /// The kept chain does not restore (see [`RestoreError`]).
    Restore(RestoreError),
    /// The store keeps another community's chain.
    OtherCommunity { kept: Hash, asked: Hash },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Database(e) => write!(f, "the node's store failed: {e}"),
            StoreError::Malformed { key, why } => {
                write!(f, "the kept block {key} is not readable: {why}")
            }
            StoreError::Restore(e) => write!(f, "{e}"),
            StoreError::OtherCommunity { kept, asked } => write!(
                f,
                "this store keeps the chain of genesis {}, not {}: use another --data folder",
                kept, asked
            ),
        }
    }
}

impl std::error::Error for StoreError {}

fn failed<E: fmt::Display>(e: E) -> StoreError {
    StoreError::Database(e.to_string())
}

/// A block's key: its height (big-endian, so keys sort by height) and hash.
fn key(block: &Block) -> Vec<u8> {
    let mut key = block.height().to_be_bytes().to_vec();
    key.extend_from_slice(&block.hash.0);
    key
}

pub struct Store {
    db: Database,
}

impl Store {
    /// The store in `path`, made if missing.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let db = Database::create(path).map_err(failed)?;
        let write = db.begin_write().map_err(failed)?;
        write.open_table(BLOCKS).map_err(failed)?;
        write.open_table(MEMO).map_err(failed)?;
        write.open_table(NEWCOMER).map_err(failed)?;
        write.commit().map_err(failed)?;
        Ok(Store { db })
    }

    /// The newcomer this store's node asks for, in the community that began
    /// with `community`: its keys made now from the system's randomness if
    /// the store holds none, and kept (on disk when this returns) with the
    /// name they were made for, which a later `name` does not change.
    pub fn newcomer(&self, community: &Hash, name: &str) -> Result<Applicant, StoreError> {
        let read = self.db.begin_read().map_err(failed)?;
        let kept = read.open_table(NEWCOMER).map_err(failed)?;
        let (name, seed) = match (
            kept.get("name").map_err(failed)?,
            kept.get("seed").map_err(failed)?,
        ) {
            (Some(name), Some(seed)) => {
                let seed = Hash::from_hex(seed.value()).map_err(|e| StoreError::Malformed {
                    key: "newcomer".into(),
                    why: e.to_string(),
                })?;
                (name.value().to_string(), seed.0)
            }
            _ => {
                let mut seed = [0u8; 32];
                getrandom::fill(&mut seed).map_err(failed)?;
                let write = self.db.begin_write().map_err(failed)?;
                {
                    let mut table = write.open_table(NEWCOMER).map_err(failed)?;
                    table.insert("name", name).map_err(failed)?;
                    table
                        .insert("seed", Hash(seed).to_hex().as_str())
                        .map_err(failed)?;
                }
                write.commit().map_err(failed)?;
                (name.to_string(), seed)
            }
        };
        Ok(Applicant::new(
            *community,
            &name,
            Role::Customer,
            Wh(0),
            seed,
        ))
    }

    /// The kept blocks, genesis first and parents before children, and the
    /// memo.
    pub fn load(&self) -> Result<(Vec<Block>, Option<String>), StoreError> {
        let read = self.db.begin_read().map_err(failed)?;
        let table = read.open_table(BLOCKS).map_err(failed)?;
        let mut blocks = Vec::new();
        for entry in table.iter().map_err(failed)? {
            let (k, v) = entry.map_err(failed)?;
            let block: Block =
                serde_json::from_str(v.value()).map_err(|e| StoreError::Malformed {
                    key: k.value().iter().map(|b| format!("{b:02x}")).collect(),
                    why: e.to_string(),
                })?;
            blocks.push(block);
        }
        let memo = read.open_table(MEMO).map_err(failed)?;
        let memo = memo
            .get(MEMO_KEY)
            .map_err(failed)?
            .map(|v| v.value().to_string());
        Ok((blocks, memo))
    }

    /// The node kept here, on `genesis` (written now if the store is new),
    /// with `keys`.
    pub fn node(
        &self,
        genesis: &Block,
        keys: Option<NodeKeys>,
        seed: u64,
    ) -> Result<Node, StoreError> {
        let (blocks, memo) = self.load()?;
        match blocks.first() {
            None => {
                self.write(&[Arc::new(genesis.clone())], None)?;
                Ok(Node::new(Arc::new(genesis.clone()), keys, seed))
            }
            Some(kept) if kept.hash != genesis.hash => Err(StoreError::OtherCommunity {
                kept: kept.hash,
                asked: genesis.hash,
            }),
            Some(_) => Node::restore_parts(blocks, memo.as_deref(), keys, seed)
                .map_err(StoreError::Restore),
        }
    }

    /// Keeps `blocks` and the node's `memo`, in one transaction, on disk
    /// when this returns.
    pub fn write(&self, blocks: &[Arc<Block>], memo: Option<&str>) -> Result<(), StoreError> {
        let write = self.db.begin_write().map_err(failed)?;
        {
            let mut table = write.open_table(BLOCKS).map_err(failed)?;
            for block in blocks {
                let json = serde_json::to_string(&**block).map_err(failed)?;
                table
                    .insert(key(block).as_slice(), json.as_str())
                    .map_err(failed)?;
            }
            if let Some(memo) = memo {
                let mut table = write.open_table(MEMO).map_err(failed)?;
                table.insert(MEMO_KEY, memo).map_err(failed)?;
            }
        }
        write.commit().map_err(failed)
    }
}
