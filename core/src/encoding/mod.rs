//! Layer 0, numbers and encoding: the integer quantities and their exact
//! decimal text, the largest-remainder split, the crate's one sort, hex,
//! and the canonical JSON that is hashed and signed. Depends on nothing
//! else in the crate.

pub mod canonical;
pub mod hex;
pub mod order;
pub mod split;
pub mod units;
