//! Layer 4, the chain: blocks from genesis to tip, the genesis block of a
//! community, verification of a whole chain, and the export file. Depends
//! on `rules` and below.

pub mod blocks;
mod digests;
pub mod export;
pub mod genesis;
pub mod verify;
