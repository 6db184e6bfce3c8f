//! A run saved for a reload: the chain as sealed, the master seed of its
//! keys, the open block's transactions and the page's settings for members.
//!
//! The master seed is stored in the browser beside the chain. That is fine
//! for a classroom demo in which one page plays every member; a real member
//! would keep its key to itself.

use crate::chain::blocks::Chain;
use crate::encoding::hex::{from_hex, to_hex};
use crate::model::member::MemberId;
use crate::model::tx::{Transaction, TxBody};
use crate::node::strategy::Strategy;
use crate::simulation::keyring::{Keyring, RunSeed};
use crate::simulation::run::Simulation;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a saved or exported run says it is.
pub const FORMAT: &str = "e-cloud-run";
/// The label of an exported run.
pub const PRIVATE: &str = "PRIVATE: this file holds the secret keys of every member of this run. Anyone who has it can sign as any of them. Keep it like a password; share the chain export instead.";
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
pub(crate) struct SavedRun {
    format: String,
    version: u32,
    /// In an exported run: that the file holds every member's secret key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    private: Option<String>,
    /// The seed number of a reproducible run; absent for a random run.
    seed: Option<u64>,
    master: String,
    strategies: Vec<(MemberId, Strategy)>,
    offline: Vec<MemberId>,
    pending: Vec<Transaction>,
    chain: Chain,
}

/// Why a saved run could not be restored; the caller starts afresh.
#[derive(Clone, Debug, PartialEq)]
pub enum RestoreError {
    /// Not a saved run, or damaged.
    Corrupt(String),
    /// The saved chain fails verification.
    Invalid(String),
    /// The saved keys do not match the chain.
    WrongKeys,
}

impl fmt::Display for RestoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RestoreError::Corrupt(e) => write!(f, "the saved run is damaged ({e})"),
            RestoreError::Invalid(e) => write!(f, "the saved chain does not verify: {e}"),
            RestoreError::WrongKeys => write!(f, "the saved keys do not belong to the saved chain"),
        }
    }
}

impl std::error::Error for RestoreError {}

impl Simulation {
    /// The run as text for storage. Tampering is not saved: the chain is
    /// saved as it was sealed.
    pub fn save(&self) -> String {
        serde_json::to_string(&self.saved_run()).expect("a run always serializes")
    }

    /// The run as a file a class can take to another day or machine and go
    /// on from (`restore` reads it): indented, and labelled private, since
    /// it holds the master seed every member's secret key derives from.
    pub fn export_with_keys(&self) -> String {
        let run = SavedRun {
            private: Some(PRIVATE.into()),
            ..self.saved_run()
        };
        serde_json::to_string_pretty(&run).expect("a run always serializes")
    }

    fn saved_run(&self) -> SavedRun {
        SavedRun {
            format: FORMAT.into(),
            version: VERSION,
            private: None,
            seed: match self.keys().seed() {
                RunSeed::Number(n) => Some(n),
                RunSeed::Random => None,
            },
            master: to_hex(&self.keys().master()),
            strategies: self.strategies().to_vec(),
            offline: self.offline().to_vec(),
            pending: self.pending().to_vec(),
            chain: self.untampered_chain(),
        }
    }

    /// Restores a saved run, verifying its chain and its waiting
    /// transactions first: a run that does not restore whole is refused.
    pub fn restore(text: &str) -> Result<Simulation, RestoreError> {
        let saved: SavedRun =
            serde_json::from_str(text).map_err(|e| RestoreError::Corrupt(e.to_string()))?;
        if saved.format != FORMAT || saved.version != VERSION {
            return Err(RestoreError::Corrupt(format!(
                "format {} version {}",
                saved.format, saved.version
            )));
        }
        let master = from_hex::<32>(&saved.master).map_err(RestoreError::Corrupt)?;
        if saved.chain.blocks().is_empty() {
            return Err(RestoreError::Corrupt("no blocks".into()));
        }
        let report = saved.chain.verify();
        if let Some(first) = report.first_failure() {
            return Err(RestoreError::Invalid(format!(
                "block {}: {}",
                first.height, first.message
            )));
        }
        let seed = saved.seed.map_or(RunSeed::Random, RunSeed::Number);
        let mut sim = Simulation::resume(saved.chain, Keyring::from_master(master, seed));
        if !sim.holds_keys() {
            return Err(RestoreError::WrongKeys);
        }
        for (member, strategy) in saved.strategies {
            sim.set_strategy(member, strategy);
        }
        for member in saved.offline {
            sim.set_online(member, false);
        }
        // Only what the page itself queues, and each must still apply: the
        // page saved them on the same chain, so anything else is a damaged
        // or edited file.
        for (i, tx) in saved.pending.into_iter().enumerate() {
            if !matches!(
                tx.body,
                TxBody::Generation(_) | TxBody::ShareUpdate(_) | TxBody::Membership(_)
            ) {
                return Err(RestoreError::Corrupt(format!(
                    "waiting transaction {i} is a {}, which the page never queues: votes, elections and penalties are made when a block is sealed",
                    tx.body.kind()
                )));
            }
            let kind = tx.body.kind();
            if let Err(e) = sim.readmit(tx) {
                return Err(RestoreError::Corrupt(format!(
                    "waiting transaction {i} (a {kind}) does not apply: {}",
                    sim.explain(&e)
                )));
            }
        }
        Ok(sim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::genesis::{CommunitySpec, ANNE, GEORGE};
    use crate::encoding::units::Wh;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A saved run, restored, saves to the same text.
    #[test]
    fn a_saved_run_restores_to_the_same_run() {
        let t0 = 1_700_000_000_000;
        let mut sim =
            Simulation::start(&CommunitySpec::default(), Keyring::from_seed_number(7), t0).unwrap();
        for b in 1..=3 {
            sim.generate(GEORGE, Wh(1_000 + b)).unwrap();
            sim.seal().unwrap();
        }
        sim.set_strategy(ANNE, Strategy::FixedPercent { percent: 7 });
        sim.set_online(GEORGE, false);
        sim.rename(ANNE, "Anne \"{[,:]}\" \\ Zo\u{eb}\u{1}")
            .unwrap();
        sim.generate(GEORGE, Wh(4_321)).unwrap();
        let text = sim.save();
        let back = Simulation::restore(&text).unwrap();
        assert_eq!(back.save(), text);
    }
}
