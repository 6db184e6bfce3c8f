//! Layer 5, the simulation: one page playing every member. Its keys, the
//! members' betting strategies and draws, driving the community block by
//! block, saving and restoring a run, tampering with history, the history
//! charted over time and production profiles. Depends on everything below.

pub mod history;
pub mod keyring;
pub mod network;
pub mod profile;
pub mod run;
pub mod saved;
pub mod strategy;
pub mod tamper;
