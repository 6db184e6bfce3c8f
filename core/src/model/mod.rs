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
