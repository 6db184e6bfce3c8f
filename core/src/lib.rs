//! E-Cloud: a signed ledger for a community sharing a generator's output.
//!
//! The core knows no clock and no browser: the caller passes time in, and
//! randomness comes from a [`keys::Keyring`] (seeded ChaCha or the OS
//! CSPRNG). See `ARCHITECTURE.md` at the repository root for the map.

pub mod block;
pub mod canonical;
pub mod chain;
pub mod community;
pub mod crypto;
mod digests;
pub mod election;
pub mod history;
pub mod json;
pub mod keys;
pub mod ledger;
pub mod member;
pub mod merkle;
mod order;
pub mod profile;
pub mod rules;
pub mod saved;
pub mod shares;
pub mod simulation;
pub mod split;
mod tagged;
pub mod tamper;
pub mod tx;
pub mod units;
pub mod verify;

pub use block::{Block, BlockHeader};
pub use chain::{Chain, ImportError};
pub use community::CommunitySpec;
pub use crypto::Hash;
pub use election::{ElectionRecord, Strategy};
pub use keys::{Keyring, RunSeed};
pub use ledger::Ledger;
pub use member::{Member, MemberId, Role};
pub use shares::{Share, ShareTable};
pub use simulation::{ActionError, Simulation};
pub use units::{BasisPoints, Decimal, MilliTokens, Wh};
pub use verify::{Check, Finding, Report};

// The unit tests also run in headless Chromium (scripts/test), getrandom's
// browser backend included.
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
