//! Layer 2, the model: what the chain holds. Members and their share
//! tables, the ledger, transactions, election records and blocks, with
//! their JSON form and hashes. Plain data: the rules that change it are in
//! `rules`. Depends on `encoding` and `crypto`.

pub mod block;
pub mod election;
pub mod ledger;
pub mod member;
pub mod shares;
pub mod tx;

/// A field an object of this kind must have is missing: serde's words for
/// it, from the readers of the internally tagged enums (see `tx::TxFields`).
#[derive(Debug)]
pub(crate) struct MissingField(&'static str);

impl std::fmt::Display for MissingField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "missing field `{}`", self.0)
    }
}

/// The value of a field the kind requires.
pub(crate) fn required<T>(value: Option<T>, name: &'static str) -> Result<T, MissingField> {
    value.ok_or(MissingField(name))
}
