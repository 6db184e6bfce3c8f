//! E-Cloud: a signed ledger for a community sharing a generator's output.
//!
//! The core knows no clock and no browser: the caller passes time in, and
//! randomness comes from a [`Keyring`] (seeded ChaCha or the OS CSPRNG).
//! Its modules are layers, each depending only on those above it in this
//! list (`core/tests/layers.rs` keeps it so); `ARCHITECTURE.md` at the
//! repository root is the map.

pub mod chain;
pub mod crypto;
pub mod encoding;
pub mod model;
pub mod node;
pub mod rules;
pub mod simulation;

pub use chain::blocks::{Chain, LinkError};
pub use chain::export::ImportError;
pub use chain::genesis::{CommunitySpec, MemberSpec, SetupError};
pub use chain::verify::{verify_chain, Check, Finding, Report, Verifier};
pub use crypto::{Hash, PublicKey, SecretKey, Signature};
pub use encoding::canonical::{to_canonical, CanonicalError};
pub use encoding::units::{BasisPoints, Decimal, DecimalMark, MilliTokens, Wh};
pub use model::block::{Block, BlockHeader};
pub use model::election::{Candidate, ElectionRecord};
pub use model::ledger::{Ledger, Rules};
pub use model::member::{FrozenLot, Member, MemberId, Role};
pub use model::shares::{Share, ShareError, ShareTable};
pub use model::tx::{Transaction, TxBody};
pub use node::strategy::Strategy;
pub use rules::transition::{OpenBlock, Violation};
pub use simulation::keyring::{Keyring, RunSeed};
pub use simulation::run::{ActionError, Simulation};

// The unit tests also run in headless Chromium (scripts/test), getrandom's
// browser backend included.
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
