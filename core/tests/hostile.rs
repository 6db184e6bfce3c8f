//! Input made by an attacker: each test starts from a valid run, changes
//! what a file, a saved run or a peer could change, and asserts a typed
//! refusal or a finding, never a panic (the tests run with overflow checks,
//! as the page does not). One test per fault found by hand and by fuzzing.

mod common;
use common::*;
use ecloud_core::chain::genesis::{ANNE, BOB, GEORGE};
use ecloud_core::model::member::FrozenLot;
use ecloud_core::model::tx::{Membership, MembershipChange, Transaction, TxBody, Vote};
use ecloud_core::rules::limits::{MAX_ENERGY, MAX_TOKENS};
use ecloud_core::simulation::tamper::Edit;
use ecloud_core::{
    ActionError, Chain, ImportError, Keyring, MemberId, MilliTokens, Role, Simulation, Violation,
    Wh,
};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const SEED: u64 = 23;

/// A run of `blocks` blocks whose election records have candidates.
fn run(blocks: u64) -> Simulation {
    sample_run(SEED, blocks)
}

fn import_refusal(chain: &Chain) -> ImportError {
    Chain::import_json(&chain.to_json()).expect_err("a forged chain is refused")
}

#[test]
fn a_height_of_2_pow_64_minus_1_is_a_finding_not_a_panic() {
    let sim = run(4);
    let mut chain = sim.chain().clone();
    chain.blocks_mut()[2].header.height = u64::MAX;
    let report = chain.verify();
    assert!(codes_at(&report, 2).contains(&"height-not-sequential"));
    assert_eq!(report.first_broken(), Some(2));

    // The same edit through the tamper panel's path.
    let mut sim = run(4);
    sim.tamper(&Edit {
        height: 2,
        pointer: "/header/height".into(),
        value: "18446744073709551615".into(),
    })
    .expect("the panel accepts any whole number");
    assert_eq!(sim.verify().first_broken(), Some(2));
}

#[test]
fn election_bets_of_2_pow_64_minus_1_are_findings_not_a_panic() {
    let sim = run(4);
    let mut chain = sim.chain().clone();
    let block = &mut chain.blocks_mut()[3];
    let record = block
        .body
        .transactions
        .iter_mut()
        .find_map(|t| match &mut t.body {
            TxBody::Election(e) => Some(e),
            _ => None,
        })
        .expect("block 3 holds an election");
    assert!(record.candidates.len() >= 2);
    for c in record.candidates.iter_mut().take(2) {
        c.bet = MilliTokens(u64::MAX);
    }
    let report = chain.verify();
    assert_eq!(report.first_broken(), Some(3));
    let codes = codes_at(&report, 3);
    assert!(codes.contains(&"election-mismatch"), "{codes:?}");
}

/// A genesis ledger changed as `edit` says, re-hashed and re-sealed by the
/// genesis sealer, with the rest of the chain left as it was.
fn forged_genesis(edit: impl FnOnce(&mut ecloud_core::Ledger)) -> (Chain, Keyring) {
    let sim = run(2);
    let keys = sim.keys().clone();
    let mut chain = sim.chain().clone();
    edit(&mut chain.blocks_mut()[0].body.ledger);
    reseal(&mut chain.blocks_mut()[0], &keys);
    (chain, keys)
}

#[test]
fn frozen_lots_in_a_genesis_are_refused_and_their_sum_cannot_overflow() {
    let lot = FrozenLot {
        amount: MilliTokens((1 << 53) - 1),
        unlocks_at: 1,
    };
    let (chain, keys) = forged_genesis(|l| l.members[1].frozen = vec![lot.clone(); 2_049]);
    let report = chain.verify();
    assert!(codes_at(&report, 0).contains(&"genesis-invalid"));
    assert!(matches!(import_refusal(&chain), ImportError::Invalid(_)));

    // A run resumed on it anyway (the page's restore verifies first) cannot
    // seal: the unlocking sum overflows, and that is an error, not a panic.
    let genesis = Chain::new(chain.genesis().clone());
    let mut sim = Simulation::resume(genesis, keys);
    let err = sim.seal().expect_err("the lots cannot be added up");
    assert!(
        matches!(err, ActionError::Rule(Violation::Overflow)),
        "{err:?}"
    );
}

#[test]
fn a_genesis_member_numbered_2_pow_32_minus_1_is_refused_and_a_join_cannot_wrap() {
    let (chain, keys) = forged_genesis(|l| l.members.last_mut().unwrap().id = MemberId(u32::MAX));
    let report = chain.verify();
    assert!(codes_at(&report, 0).contains(&"genesis-invalid"));

    // The registrar joins someone on top of it: no next number, a refusal.
    let genesis = Chain::new(chain.genesis().clone());
    let mut sim = Simulation::resume(genesis, keys);
    let err = sim
        .join("Dora", Role::Customer, Wh(0))
        .expect_err("no member numbers are left");
    assert!(sim.explain(&err).contains("no member numbers"), "{err}");
}

#[test]
fn capacity_past_what_a_block_can_carry_is_refused_when_it_is_offered() {
    let mut sim = run(2);
    // 9,000,000,000,000 kWh: the issue's case, far past the limit.
    let err = sim
        .join(
            "Giant",
            Role::Generator {
                shares: table(5_000, 3_000, 2_000),
            },
            Wh(9_000_000_000_000_000),
        )
        .expect_err("too much capacity");
    let text = sim.explain(&err);
    assert!(text.contains("1,000,000,000 kWh"), "{text}");
    // A reading past the generator's capacity is refused as before.
    assert!(sim.generate(GEORGE, Wh(100_000_000_000_000)).is_err());
    // The run goes on sealing.
    sim.seal().unwrap();

    // Capacity up to the limit is taken, generated whole, and every later
    // block still encodes and verifies: the largest numbers stay below 2^53.
    let room = MAX_ENERGY.0 - sim.ledger().energy().unwrap().0;
    let park = sim
        .join(
            "Park",
            Role::Generator {
                shares: table(5_000, 3_000, 2_000),
            },
            Wh(room),
        )
        .expect("capacity up to the limit");
    sim.seal().unwrap();
    sim.generate(park, Wh(room)).unwrap();
    for b in 5..12 {
        sim.seal().unwrap_or_else(|e| panic!("block {b}: {e}"));
    }
    assert!(sim.verify().is_valid());
}

#[test]
fn a_reading_that_would_mint_past_the_token_limit_is_refused_when_it_is_made() {
    // A community minting 1 token per Wh (the most the rules allow).
    let mut spec = ecloud_core::CommunitySpec::default();
    spec.rules.milli_tokens_per_wh = 1_000;
    spec.members[0].balance = Wh(10_000_000_000);
    let mut sim = Simulation::start(&spec, Keyring::from_seed_number(SEED), T0).unwrap();
    let tokens_left = MAX_TOKENS.0 - sim.ledger().total_tokens() as u64;
    let most = Wh(tokens_left / 1_000);
    let err = sim
        .generate(GEORGE, Wh(most.0 + 1))
        .expect_err("past the token limit");
    assert!(sim.explain(&err).contains("voting tokens"), "{err}");
    sim.generate(GEORGE, most).unwrap();
    for _ in 1..4 {
        sim.seal().unwrap();
    }
    assert!(sim.verify().is_valid());
}

/// A saved run with `pending` added to its waiting transactions.
fn saved_with(sim: &Simulation, pending: Transaction) -> String {
    let mut saved: serde_json::Value = serde_json::from_str(&sim.save()).unwrap();
    saved["pending"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::to_value(&pending).unwrap());
    saved.to_string()
}

#[test]
fn a_saved_run_may_hold_only_what_the_page_queues() {
    let sim = run(3);
    let keys = sim.keys().clone();
    let next = sim.open_height() + 1;
    let sign = |body: TxBody| Transaction::sign(body.clone(), &keys.key(body.signer())).unwrap();
    let vote = sign(TxBody::Vote(Vote {
        voter: ANNE,
        seq: sim.open_ledger().member(ANNE).unwrap().seq + 1,
        election: next,
        bet: MilliTokens(1_000),
        builds_on: None,
        proof: None,
    }));
    let mut election = sim.chain().tip().election().unwrap().clone();
    election.height = next;
    let election = sign(TxBody::Election(election));
    let penalty = sign(TxBody::Penalty(ecloud_core::model::tx::Penalty {
        height: sim.open_height(),
        missed: BOB,
        sealed_by: ANNE,
        reputation_lost: 0,
        pot: MilliTokens(0),
    }));
    for (what, tx) in [("vote", vote), ("election", election), ("penalty", penalty)] {
        let text = saved_with(&sim, tx);
        let err = Simulation::restore(&text)
            .err()
            .unwrap_or_else(|| panic!("a pending {what} is refused"));
        assert!(err.to_string().contains("never queues"), "{what}: {err}");
    }
    // A queued kind that does not apply (a replayed sequence number).
    let replay = sim.chain().blocks()[1].body.transactions[0].clone();
    let err = Simulation::restore(&saved_with(&sim, replay))
        .err()
        .expect("a replay is refused");
    assert!(err.to_string().contains("does not apply"), "{err}");
    // What the page queues restores.
    let mut sim = run(3);
    sim.generate(GEORGE, Wh(42)).unwrap();
    sim.rename(BOB, "Robert").unwrap();
    let back = Simulation::restore(&sim.save()).unwrap();
    assert_eq!(back.pending(), sim.pending());
}

#[test]
fn a_forged_join_past_the_energy_limit_is_an_overflow_finding() {
    // The registrar's key in a forger's hand: a join that takes the
    // community past MAX_ENERGY, signed and sealed properly.
    let sim = run(3);
    let keys = sim.keys().clone();
    let mut chain = sim.chain().clone();
    let block = &mut chain.blocks_mut()[2];
    let registrar = GEORGE;
    let seq = block.body.transactions.iter().fold(
        sim.chain().blocks()[1]
            .ledger()
            .member(registrar)
            .unwrap()
            .seq,
        |seq, t| {
            t.body
                .seq()
                .filter(|_| t.signer() == registrar)
                .unwrap_or(seq)
        },
    ) + 1;
    let join = TxBody::Membership(Membership {
        registrar,
        seq,
        change: MembershipChange::Join {
            member: MemberId(4),
            name: "Giant".into(),
            role: Role::Generator {
                shares: table(5_000, 3_000, 2_000),
            },
            public_key: keys.key(MemberId(4)).public_key(),
            capacity: Wh(MAX_ENERGY.0),
            vrf_key: None,
        },
    });
    block
        .body
        .transactions
        .push(Transaction::sign(join, &keys.key(registrar)).unwrap());
    reseal(block, &keys);
    let report = chain.verify();
    assert_breaks_at(&report, 2, "overflow", chain.len() as u64);
}

#[test]
fn a_version_is_named_as_what_it_is() {
    let refusal = |version: &str| {
        let text = format!(r#"{{"format":"e-cloud-chain","version":{version},"blocks":[]}}"#);
        Chain::import_json(&text).unwrap_err().to_string()
    };
    let text = refusal("\"1\"");
    assert!(text.contains("the text \u{201c}1\u{201d}"), "{text}");
    let text = refusal("4294967296");
    assert!(text.contains("version 4294967296"), "{text}");
    let text = refusal("-1");
    assert!(text.contains("negative number -1"), "{text}");
    let text = refusal("[1]");
    assert!(text.contains("a list"), "{text}");
}
