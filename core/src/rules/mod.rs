//! Layer 3, the rules: the state transition (a block's transactions applied
//! one at a time to the ledger, each refused with a typed `Violation` or
//! written) and the miner election. Depends on `model` and below.

pub mod election;
pub mod limits;
pub mod transition;
