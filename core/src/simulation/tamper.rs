//! Rewriting history, for a class to watch it fail: change any value of a
//! past block in place, re-hash a block as a forger without keys would, and
//! undo. Verification then says exactly which block and rule broke.

use crate::chain::blocks::Chain;
use crate::crypto::merkle::merkle_root;
use crate::model::block::Block;
use serde_json::Value;
use std::fmt;

/// Why an edit could not be made. The chain is unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TamperError {
    NoSuchBlock(u64),
    /// The path names no value in the block.
    NoSuchField(String),
    /// The new value does not fit the field (text where a number goes).
    DoesNotFit {
        field: String,
        why: String,
    },
    /// The header can no longer be encoded (a number too large).
    Unhashable(String),
}

impl fmt::Display for TamperError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TamperError::NoSuchBlock(h) => write!(f, "there is no block {h}"),
            TamperError::NoSuchField(p) => write!(f, "block has no field {p}"),
            TamperError::DoesNotFit { field, why } => {
                write!(f, "that value does not fit {field}: {why}")
            }
            TamperError::Unhashable(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for TamperError {}

/// One edit: the JSON pointer into the block (as in the export file, e.g.
/// `/body/ledger/members/1/balance`) and the new value.
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    pub height: u64,
    pub pointer: String,
    pub value: Value,
}

/// The block at `edit.height` with one value replaced. Numbers may be given
/// as text ("1200"), so a page's text box can feed this directly.
pub fn edited_block(chain: &Chain, edit: &Edit) -> Result<Block, TamperError> {
    let block = chain
        .block_at(edit.height)
        .ok_or(TamperError::NoSuchBlock(edit.height))?;
    let mut value = block_value(block).map_err(TamperError::Unhashable)?;
    let slot = value
        .pointer_mut(&edit.pointer)
        .ok_or_else(|| TamperError::NoSuchField(edit.pointer.clone()))?;
    *slot = match (&*slot, &edit.value) {
        (slot, Value::String(text)) if slot.is_number() => text
            .trim()
            .parse::<u64>()
            .map(Value::from)
            .map_err(|_| TamperError::DoesNotFit {
                field: edit.pointer.clone(),
                why: format!("\u{201c}{text}\u{201d} is not a whole number"),
            })?,
        _ => edit.value.clone(),
    };
    // Through text, as `block_value`.
    serde_json::from_str(&value.to_string()).map_err(|e| TamperError::DoesNotFit {
        field: edit.pointer.clone(),
        why: e.to_string(),
    })
}

/// The block as a JSON tree, keys in sorted order. Through text rather
/// than `to_value` (and back through text rather than `from_value`): the
/// block types' serde code is then in the page once, for text (about 30 KB
/// less of the gzipped page).
fn block_value(block: &Block) -> Result<Value, String> {
    serde_json::from_str(&serde_json::to_string(block).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())
}

/// What anyone can do after an edit, without a key: recompute each
/// transaction's id (the hash of its body), the block's Merkle root,
/// ledger hash and hash. What needs a key stays as it was: each
/// transaction's signature (over its old id), the seal (over the old hash)
/// and the child's parent link, and verification says so.
pub fn rehashed(block: &Block) -> Result<Block, TamperError> {
    let unhashable =
        |e: crate::encoding::canonical::CanonicalError| TamperError::Unhashable(e.to_string());
    let mut b = block.clone();
    for tx in &mut b.body.transactions {
        tx.id = tx.body.id().map_err(unhashable)?;
    }
    let ids: Vec<_> = b.body.transactions.iter().map(|t| t.id).collect();
    b.header.merkle_root = merkle_root(&ids);
    b.header.ledger_hash = b.body.ledger.hash().map_err(unhashable)?;
    b.hash = b.header.hash().map_err(unhashable)?;
    Ok(b)
}

/// Every editable value of a block: JSON pointers to its numbers and texts,
/// in document order, for a page that lists them.
pub fn fields(block: &Block) -> Vec<(String, Value)> {
    fn walk(v: &Value, path: &mut String, out: &mut Vec<(String, Value)>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let len = path.len();
                    path.push('/');
                    path.push_str(&k.replace('~', "~0").replace('/', "~1"));
                    walk(v, path, out);
                    path.truncate(len);
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    let len = path.len();
                    path.push('/');
                    path.push_str(&i.to_string());
                    walk(v, path, out);
                    path.truncate(len);
                }
            }
            other => out.push((path.clone(), other.clone())),
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = block_value(block) {
        walk(&v, &mut String::new(), &mut out);
    }
    out
}
