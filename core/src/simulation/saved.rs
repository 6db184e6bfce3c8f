//! A run saved for a reload: the chain as sealed, the master seed of its
//! keys, the open block's transactions and the page's settings for members.
//!
//! Two forms: the whole run as one text ([`Simulation::save`], and the file
//! [`Simulation::export_with_keys`] writes), and, for a store that keeps one
//! record per block (the page's IndexedDB), the run's *rest record*: all of
//! it but the chain ([`Simulation::rest_record`]), which
//! [`Simulation::reopen`] puts back together with the blocks and
//! [`Simulation::follow`] brings up to date with blocks sealed since.
//!
//! The master seed is stored in the browser beside the chain. That is fine
//! for a classroom demo in which one page plays every member; a real member
//! would keep its key to itself.

use crate::chain::blocks::Chain;
use crate::chain::export::FileHeader;
use crate::chain::verify::Report;
use crate::crypto::Hash;
use crate::encoding::hex::{from_hex, to_hex};
use crate::model::block::Block;
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
/// What a run's rest record says it is: not a file anyone imports.
pub const REST_FORMAT: &str = "e-cloud-run-rest";

/// A saved run, or (without its chain) a run's rest record: one type, so
/// that the page holds one reader for both.
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
    /// The chain of a saved run; a rest record has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    chain: Option<Chain>,
    /// In a rest record: the tip the pending transactions go on from, its
    /// height and hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tip: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tip_hash: Option<Hash>,
}

impl SavedRun {
    /// Reads a run of `format` and its keys.
    fn read(text: &str, format: &str) -> Result<(SavedRun, Keyring), RestoreError> {
        let saved: SavedRun =
            serde_json::from_str(text).map_err(|e| RestoreError::Corrupt(e.to_string()))?;
        if saved.format != format || saved.version != VERSION {
            return Err(RestoreError::Corrupt(format!(
                "format {} version {}",
                saved.format, saved.version
            )));
        }
        let master = from_hex::<32>(&saved.master).map_err(RestoreError::Corrupt)?;
        let seed = saved.seed.map_or(RunSeed::Random, RunSeed::Number);
        Ok((saved, Keyring::from_master(master, seed)))
    }

    /// A rest record's tip: its height and hash.
    fn tip(&self) -> Result<(u64, Hash), RestoreError> {
        match (self.tip, self.tip_hash, &self.chain) {
            (Some(tip), Some(hash), None) => Ok((tip, hash)),
            _ => Err(RestoreError::Corrupt(
                "a rest record names its tip and holds no chain".into(),
            )),
        }
    }

    /// Refuses a rest record that does not go on from `chain`'s tip.
    fn check_tip(&self, chain: &Chain) -> Result<(), RestoreError> {
        let (height, hash) = self.tip()?;
        let tip = chain.tip();
        if tip.height() != height || tip.hash != hash {
            return Err(RestoreError::Corrupt(format!(
                "the run's record goes on from block {height}, but the blocks kept end at block {}{}",
                tip.height(),
                if tip.height() == height {
                    " with another hash"
                } else {
                    ""
                }
            )));
        }
        Ok(())
    }
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
        serde_json::to_string(&self.saved_run(FORMAT, Some(self.untampered_chain())))
            .expect("a run always serializes")
    }

    /// The run as a file a class can take to another day or machine and go
    /// on from (`restore` reads it): indented, and labelled private, since
    /// it holds the master seed every member's secret key derives from.
    pub fn export_with_keys(&self) -> String {
        serde_json::to_string_pretty(&self.run_file()).expect("a run always serializes")
    }

    /// [`Simulation::export_with_keys`]'s file on one line (the page indents
    /// it in the browser, so its wasm holds one JSON formatter, not two).
    pub fn export_with_keys_compact(&self) -> String {
        serde_json::to_string(&self.run_file()).expect("a run always serializes")
    }

    fn run_file(&self) -> SavedRun {
        SavedRun {
            private: Some(PRIVATE.into()),
            ..self.saved_run(FORMAT, Some(self.untampered_chain()))
        }
    }

    fn saved_run(&self, format: &str, chain: Option<Chain>) -> SavedRun {
        SavedRun {
            format: format.into(),
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
            chain,
            tip: None,
            tip_hash: None,
        }
    }

    /// Restores a saved run, verifying its chain and its waiting
    /// transactions first: a run that does not restore whole is refused.
    pub fn restore(text: &str) -> Result<Simulation, RestoreError> {
        let (saved, keys) = SavedRun::read(text, FORMAT)?;
        let Some(chain) = saved.chain.filter(|c| !c.blocks().is_empty()) else {
            return Err(RestoreError::Corrupt("no blocks".into()));
        };
        let report = chain.verify();
        if let Some(first) = report.first_failure() {
            return Err(RestoreError::Invalid(format!(
                "block {}: {}",
                first.height, first.message
            )));
        }
        let mut sim = Simulation::resume(chain, keys);
        if !sim.holds_keys() {
            return Err(RestoreError::WrongKeys);
        }
        sim.put_back(saved.strategies, saved.offline, saved.pending)?;
        Ok(sim)
    }

    /// The members' strategies, who is offline, and the waiting
    /// transactions, onto a run whose open block is empty.
    fn put_back(
        &mut self,
        strategies: Vec<(MemberId, Strategy)>,
        offline: Vec<MemberId>,
        pending: Vec<Transaction>,
    ) -> Result<(), RestoreError> {
        for (member, strategy) in strategies {
            self.set_strategy(member, strategy);
        }
        for member in offline {
            self.set_online(member, false);
        }
        // Only what the page itself queues, and each must still apply: the
        // page saved them on the same chain, so anything else is a damaged
        // or edited file.
        for (i, tx) in pending.into_iter().enumerate() {
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
            if let Err(e) = self.readmit(tx) {
                return Err(RestoreError::Corrupt(format!(
                    "waiting transaction {i} (a {kind}) does not apply: {}",
                    self.explain(&e)
                )));
            }
        }
        Ok(())
    }

    /// The run without its chain, for a store that keeps each block in a
    /// record of its own: the keys' master seed, the members' strategies,
    /// who is offline, the waiting transactions and the tip they go on from.
    /// Written again after every change; small, whatever the chain's length.
    pub fn rest_record(&self) -> String {
        let tip = self.chain().tip();
        // The tip as sealed: a store keeps no tampering.
        let tip = self.sealed_block(tip.height()).unwrap_or(tip);
        let rest = SavedRun {
            tip: Some(tip.height()),
            tip_hash: Some(tip.hash),
            ..self.saved_run(REST_FORMAT, None)
        };
        serde_json::to_string(&rest).expect("a run always serializes")
    }

    /// A run from a store of its own making: its rest record and its
    /// blocks. The store is trusted as a node trusts its own (Bitcoin Core's
    /// `-checkblocks`): only the newest `check` blocks are verified, against
    /// the ledger the block before them records, and their report comes
    /// back with the run; the whole chain is left to a full verification
    /// later. A run whose newest blocks fail comes back too, with the report
    /// that says so: the caller shows it and seals nothing on it.
    ///
    /// Refused, like [`Simulation::restore`]: a record of another format,
    /// blocks whose heights are not 0, 1, 2... in order, a rest record that
    /// does not go on from the tip, keys that are not the chain's, and
    /// waiting transactions the page never queues or that do not apply.
    pub fn reopen(
        rest: &str,
        chain: Chain,
        check: usize,
    ) -> Result<(Simulation, Report), RestoreError> {
        let (rest, keys) = SavedRun::read(rest, REST_FORMAT)?;
        let heights = (chain.base()..).zip(chain.blocks());
        if let Some((i, block)) = heights.into_iter().find(|(i, b)| b.height() != *i) {
            return Err(RestoreError::Corrupt(format!(
                "the record of block {i} holds block {}",
                block.height()
            )));
        }
        rest.check_tip(&chain)?;
        let report = chain.check_newest(check);
        let mut sim = Simulation::resume(chain, keys);
        if !sim.holds_keys() {
            return Err(RestoreError::WrongKeys);
        }
        sim.put_back(rest.strategies, rest.offline, rest.pending)?;
        Ok((sim, report))
    }

    /// Brings a run up to date with the store another page writes: `newer`,
    /// the blocks sealed since this run's tip, and the rest record written
    /// with them (the waiting work, strategies, who is offline). The new
    /// blocks are verified against this run's tip ledger, as
    /// [`Simulation::reopen`] verifies the newest; the report comes back.
    ///
    /// Refused, changing nothing: a record of another run (other keys),
    /// blocks that do not go on from the tip or that fail verification, a
    /// rest record that does not go on from the last of them, and a run
    /// whose history is tampered with (its chain is not the store's).
    /// Waiting work that is refused (as [`Simulation::restore`] refuses it)
    /// leaves the new blocks in place and nothing waiting.
    pub fn follow(&mut self, newer: Vec<Block>, rest: &str) -> Result<Report, RestoreError> {
        let (rest, keys) = SavedRun::read(rest, REST_FORMAT)?;
        if keys.master() != self.keys().master() {
            return Err(RestoreError::WrongKeys);
        }
        if self.is_tampered() {
            return Err(RestoreError::Corrupt(
                "history is tampered with in this page: undo it first".into(),
            ));
        }
        let len = self.chain().len();
        let expected = (len as u64..).zip(&newer);
        if let Some((h, block)) = expected.into_iter().find(|(h, b)| b.height() != *h) {
            return Err(RestoreError::Corrupt(format!(
                "block {} came where block {h} was due",
                block.height()
            )));
        }
        let (tip, tip_hash) = rest.tip()?;
        match newer.last() {
            Some(last) if last.height() != tip || last.hash != tip_hash => {
                return Err(RestoreError::Corrupt(format!(
                    "the run's record goes on from block {tip}, not from block {}",
                    last.height()
                )))
            }
            Some(_) => {}
            None => rest.check_tip(self.chain())?,
        }
        let count = newer.len();
        self.push_sealed(newer);
        let report = self.chain().check_newest(count);
        if let Some(first) = report.first_failure() {
            let why = format!("block {}: {}", first.height, first.message);
            self.drop_after(len);
            return Err(RestoreError::Invalid(why));
        }
        self.open_after_tip();
        if let Err(e) = self.put_back(rest.strategies, rest.offline, rest.pending) {
            self.open_after_tip();
            return Err(e);
        }
        Ok(report)
    }
}

/// What a rest record says of its run without reopening it: the seed
/// number it was started from (none for random keys) and its tip's height.
pub fn rest_outline(rest: &str) -> Result<(Option<u64>, u64), RestoreError> {
    let (rest, _) = SavedRun::read(rest, REST_FORMAT)?;
    Ok((rest.seed, rest.tip()?.0))
}

/// Whether `text` says it is a run file ([`Simulation::export_with_keys`],
/// read by [`Simulation::restore`]) rather than a chain file or anything
/// else: its `format` field, every other field skipped unread.
pub fn is_run_file(text: &str) -> bool {
    serde_json::from_str::<FileHeader>(text).is_ok_and(|header| header.says(FORMAT))
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

    /// A run of `blocks` blocks with a reading waiting, Anne betting 7 %
    /// and George offline.
    fn kept_run(blocks: u64) -> Simulation {
        let mut sim =
            Simulation::start(&CommunitySpec::default(), Keyring::from_seed_number(11), 0).unwrap();
        for b in 1..=blocks {
            sim.generate(GEORGE, Wh(500 + b)).unwrap();
            sim.seal().unwrap();
        }
        sim.set_strategy(ANNE, Strategy::FixedPercent { percent: 7 });
        sim.set_online(GEORGE, false);
        sim.generate(GEORGE, Wh(4_321)).unwrap();
        sim
    }

    /// The blocks as a store keeps them, one text each, read back.
    fn records(blocks: &[Block]) -> Vec<Block> {
        blocks
            .iter()
            .map(|b| serde_json::from_str(&serde_json::to_string(b).unwrap()).unwrap())
            .collect()
    }

    fn chain_of(blocks: Vec<Block>) -> Chain {
        Chain::from_blocks_unchecked(blocks).unwrap()
    }

    /// `sim`'s run reopened from its rest record and its blocks as a store
    /// keeps them, with the report on the newest 16.
    fn reopened(sim: &Simulation) -> (Simulation, Report) {
        Simulation::reopen(
            &sim.rest_record(),
            chain_of(records(sim.chain().blocks())),
            16,
        )
        .unwrap()
    }

    /// A tab following `writer`'s run: reopened from what the store keeps.
    fn follower_of(writer: &Simulation) -> Simulation {
        reopened(writer).0
    }

    #[test]
    fn a_rest_record_and_the_blocks_reopen_to_the_same_run() {
        let sim = kept_run(30);
        let rest = sim.rest_record();
        assert!(!rest.contains("\"blocks\""), "no chain in the rest record");
        let (back, report) = reopened(&sim);
        assert!(report.is_valid());
        assert_eq!(report.blocks_checked, 16, "the newest 16 only");
        assert_eq!(rest_outline(&rest), Ok((Some(11), 30)));
        assert!(rest_outline(&sim.save()).is_err());
        assert!(back.save() == sim.save(), "the same run");
        // A chain shorter than the check is checked whole.
        let (_, report) = reopened(&kept_run(3));
        assert_eq!(report.blocks_checked, 4);
    }

    #[test]
    fn tampering_is_not_kept() {
        let mut sim = kept_run(4);
        let rest = sim.rest_record();
        let sealed: Vec<Block> = (0..=4)
            .map(|h| sim.sealed_block(h).unwrap().clone())
            .collect();
        for height in [2, 4, 2] {
            sim.tamper(&crate::simulation::tamper::Edit {
                height,
                pointer: "/body/ledger/members/1/balance".into(),
                value: serde_json::json!(7),
            })
            .unwrap();
            sim.rehash(height).unwrap();
        }
        assert_ne!(sim.chain().tip().hash, sealed[4].hash);
        assert!(
            sim.rest_record() == rest,
            "the rest record names the tip as sealed"
        );
        for h in 0..=4u64 {
            assert!(
                sim.sealed_block(h) == Some(&sealed[h as usize]),
                "block {h} as sealed"
            );
        }
        assert_eq!(sim.sealed_block(5), None);
        let (back, report) = Simulation::reopen(&rest, chain_of(sealed), 16).unwrap();
        assert!(report.is_valid());
        assert!(back.save() == sim.save(), "the same run, untampered");
    }

    #[test]
    fn a_store_is_trusted_but_its_newest_blocks_are_checked() {
        let sim = kept_run(30);
        let rest = sim.rest_record();
        // An old block changed in the store: trusted at start, found by a
        // full verification.
        let mut blocks = records(sim.chain().blocks());
        blocks[5].body.ledger.members[1].balance = Wh(99);
        let (back, report) = Simulation::reopen(&rest, chain_of(blocks), 16).unwrap();
        assert!(report.is_valid());
        assert_eq!(back.verify().first_broken(), Some(5));
        // One of the newest: said at once.
        let mut blocks = records(sim.chain().blocks());
        blocks[25].body.ledger.members[1].balance = Wh(99);
        let (_, report) = Simulation::reopen(&rest, chain_of(blocks), 16).unwrap();
        assert_eq!(report.first_broken(), Some(25));
    }

    #[test]
    fn a_damaged_store_is_refused_with_a_reason() {
        let sim = kept_run(8);
        let rest = sim.rest_record();
        let blocks = || records(sim.chain().blocks());
        let corrupt = |r: Result<(Simulation, Report), RestoreError>| match r {
            Err(RestoreError::Corrupt(why)) => why,
            Err(e) => panic!("not corrupt: {e}"),
            Ok(_) => panic!("reopened"),
        };
        // A block missing from the middle.
        let mut gap = blocks();
        gap.remove(4);
        assert_eq!(
            corrupt(Simulation::reopen(&rest, chain_of(gap), 16)),
            "the record of block 4 holds block 5"
        );
        // The newest block missing: the record goes on from a later tip.
        let mut short = blocks();
        short.pop();
        assert!(
            corrupt(Simulation::reopen(&rest, chain_of(short), 16)).starts_with(
                "the run's record goes on from block 8, but the blocks kept end at block 7"
            )
        );
        // Not a rest record: a whole saved run, garbage, another version.
        corrupt(Simulation::reopen(&sim.save(), chain_of(blocks()), 16));
        corrupt(Simulation::reopen("{", chain_of(blocks()), 16));
        let v2 = rest.replace("\"version\":1", "\"version\":2");
        assert_ne!(v2, rest);
        corrupt(Simulation::reopen(&v2, chain_of(blocks()), 16));
        // Waiting work the page never queues.
        let mut other = kept_run(8);
        other.set_online(GEORGE, true);
        other.seal().unwrap();
        let vote = other.chain().tip().body.transactions[1].clone();
        assert_eq!(vote.body.kind(), "vote");
        let mut v: serde_json::Value = serde_json::from_str(&rest).unwrap();
        v["pending"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::to_value(&vote).unwrap());
        assert!(
            corrupt(Simulation::reopen(&v.to_string(), chain_of(blocks()), 16))
                .contains("which the page never queues")
        );
        // Another run's keys.
        let mut v: serde_json::Value = serde_json::from_str(&rest).unwrap();
        v["master"] = serde_json::json!("00".repeat(32));
        assert!(matches!(
            Simulation::reopen(&v.to_string(), chain_of(blocks()), 16),
            Err(RestoreError::WrongKeys)
        ));
    }

    #[test]
    fn a_follower_goes_on_with_the_blocks_sealed_since() {
        let mut writer = kept_run(5);
        let mut follower = follower_of(&writer);
        // Work waiting, no block: the follower sees the reading.
        writer.generate(GEORGE, Wh(7)).unwrap();
        follower.follow(Vec::new(), &writer.rest_record()).unwrap();
        assert!(
            follower.save() == writer.save(),
            "the follower is the writer's run"
        );
        // Three blocks sealed, a strategy changed.
        writer.set_online(GEORGE, true);
        for _ in 0..3 {
            writer.seal().unwrap();
        }
        writer.set_strategy(ANNE, Strategy::FixedPercent { percent: 3 });
        let newer = records(&writer.chain().blocks()[6..]);
        let report = follower.follow(newer, &writer.rest_record()).unwrap();
        assert!(report.is_valid());
        assert_eq!(report.blocks_checked, 3);
        assert!(
            follower.save() == writer.save(),
            "the follower is the writer's run"
        );
    }

    #[test]
    fn a_follower_refuses_what_does_not_go_on_from_its_tip() {
        let mut writer = kept_run(5);
        let mut follower = follower_of(&writer);
        let before = follower.save();
        writer.set_online(GEORGE, true);
        writer.seal().unwrap();
        writer.seal().unwrap();
        let rest = writer.rest_record();
        // A block skipped.
        let skipped = records(&writer.chain().blocks()[7..]);
        assert!(matches!(
            follower.follow(skipped, &rest),
            Err(RestoreError::Corrupt(_))
        ));
        // A forged block: checked, refused, and the chain is as it was.
        let mut forged = records(&writer.chain().blocks()[6..]);
        forged[0].body.ledger.members[2].balance = Wh(1);
        assert!(matches!(
            follower.follow(forged, &rest),
            Err(RestoreError::Invalid(_))
        ));
        assert!(follower.save() == before, "the follower is as it was");
        // The rest record of an older tip.
        let newer = records(&writer.chain().blocks()[6..]);
        let older_rest = follower.rest_record();
        assert!(matches!(
            follower.follow(newer.clone(), &older_rest),
            Err(RestoreError::Corrupt(_))
        ));
        // Another run.
        let stranger =
            Simulation::start(&CommunitySpec::default(), Keyring::from_seed_number(12), 0).unwrap();
        assert!(matches!(
            follower.follow(Vec::new(), &stranger.rest_record()),
            Err(RestoreError::WrongKeys)
        ));
        assert!(follower.save() == before, "the follower is as it was");
        follower.follow(newer, &rest).unwrap();
        assert!(
            follower.save() == writer.save(),
            "the follower is the writer's run"
        );
    }

    /// `sim`'s run reopened as the page reopens a long one: from its rest
    /// record, its genesis block and its newest `held` blocks alone.
    fn resumed(sim: &Simulation, held: usize) -> (Simulation, Report) {
        let blocks = records(sim.chain().blocks());
        let base = blocks.len() - held;
        let chain = Chain::resumed(blocks[0].clone(), blocks[base..].to_vec()).unwrap();
        Simulation::reopen(&sim.rest_record(), chain, 16).unwrap()
    }

    #[test]
    fn a_run_resumed_from_its_newest_blocks_seals_the_blocks_the_whole_run_seals() {
        let mut whole = kept_run(40);
        let (mut part, report) = resumed(&whole, 17);
        assert!(report.is_valid());
        assert_eq!(report.blocks_checked, 16, "the newest 16");
        assert_eq!(part.chain().base(), 24);
        assert!(part.save() != whole.save(), "only part of the chain");
        // George offline at first (penalties, the runner-up sealing), then
        // back; readings, a strategy, a newcomer.
        for i in 0..30u64 {
            for sim in [&mut whole, &mut part] {
                match i {
                    8 => sim.set_online(GEORGE, true),
                    12 => sim.set_strategy(GEORGE, Strategy::FixedPercent { percent: 40 }),
                    20 => {
                        sim.join("Zoe", crate::model::member::Role::Customer, Wh(0))
                            .unwrap();
                    }
                    _ => {}
                }
                if i % 3 == 0 {
                    sim.generate(GEORGE, Wh(900 + i)).unwrap();
                }
            }
            let (a, b) = (whole.seal(), part.seal());
            assert_eq!(
                a.map(|b| b.hash).map_err(|e| e.to_string()),
                b.map(|b| b.hash).map_err(|e| e.to_string()),
                "seal {i}"
            );
        }
        assert_eq!(part.chain().tip().height(), 70);
        assert!(part.chain().check_newest(usize::MAX).is_valid());
        // The older blocks as the store keeps them, put in front: the same
        // run, whole, and it verifies.
        let older = records(&whole.chain().blocks()[1..24]);
        part.prepend(older).unwrap();
        assert!(part.chain().is_whole());
        assert!(part.save() == whole.save(), "the same run");
        assert!(part.verify().is_valid());
    }

    #[test]
    fn older_blocks_that_do_not_link_are_refused() {
        let sim = kept_run(30);
        let (mut part, _) = resumed(&sim, 17);
        let before = part.save();
        let mut older = records(&sim.chain().blocks()[1..14]);
        older[6].body.ledger.members[1].balance = Wh(99);
        older[6].hash = crate::crypto::hash::sha256(b"changed in the store");
        assert_eq!(
            part.prepend(older),
            Err(crate::chain::blocks::LinkError::Parent { height: 8 })
        );
        assert!(part.save() == before, "nothing changed");
        // Tampering with the oldest block held and with the genesis block:
        // the older blocks link to them as they were sealed.
        part.tamper(&crate::simulation::tamper::Edit {
            height: 14,
            pointer: "/header/parent".into(),
            value: serde_json::json!("00".repeat(32)),
        })
        .unwrap();
        part.tamper(&crate::simulation::tamper::Edit {
            height: 0,
            pointer: "/body/ledger/members/1/balance".into(),
            value: serde_json::json!(5),
        })
        .unwrap();
        part.rehash(0).unwrap();
        assert_ne!(part.chain().genesis().hash, sim.chain().genesis().hash);
        assert_eq!(part.tampered_heights(), vec![0, 14]);
        part.prepend(records(&sim.chain().blocks()[1..14])).unwrap();
        part.undo_all_tampering();
        assert!(part.save() == sim.save(), "whole");
    }

    #[test]
    fn a_run_file_is_told_from_a_chain_file() {
        let sim = kept_run(2);
        assert!(is_run_file(&sim.export_with_keys()));
        assert!(is_run_file(&sim.save()));
        assert!(!is_run_file(&sim.chain().to_json()));
        assert!(!is_run_file(&sim.rest_record()));
        for text in [
            "",
            "[]",
            "42",
            "{\"format\": 7}",
            "{\"format\": \"e-cloud-run\"",
        ] {
            assert!(!is_run_file(text), "{text}");
        }
    }
}
