//! SPEC section 5: the voting-token miner election.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests and benchmarks are not in the page"
)]

mod common;
use common::*;
use ecloud_core::chain::genesis::{ANNE, BOB, CARLA, GEORGE};
use ecloud_core::model::election::DRAW_RANGE;
use ecloud_core::model::tx::{TxBody, Vote};
use ecloud_core::rules::election::hold_election;
use ecloud_core::rules::transition::{OpenBlock, Violation};
use ecloud_core::simulation::strategy::{expected_win_shares, simulate_wins, DrawSource};
use ecloud_core::{ActionError, Chain, MemberId, MilliTokens, Simulation, Strategy, Wh};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn run(seed: u64, blocks: u64, setup: impl FnOnce(&mut Simulation)) -> Simulation {
    let mut sim = seeded(seed);
    setup(&mut sim);
    for _ in 1..=blocks {
        sim.generate(GEORGE, Wh(2_000)).unwrap();
        sim.seal().unwrap();
    }
    sim
}

#[test]
fn candidates_are_everyone_but_the_member_who_just_sealed() {
    let sim = run(1, 8, |_| {});
    for b in &sim.chain().blocks()[1..] {
        let e = b.election().expect("every block holds an election");
        let ids: Vec<MemberId> = e.candidates.iter().map(|c| c.member).collect();
        let expected: Vec<MemberId> = [GEORGE, ANNE, BOB, CARLA]
            .into_iter()
            .filter(|&m| m != b.header.sealed_by)
            .collect();
        assert_eq!(ids, expected);
        assert_eq!(e.height, b.height() + 1);
        assert_eq!(e.miner, b.header.sealed_by);
        assert_eq!(b.header.next_miner, e.winner);
    }
}

#[test]
fn nobody_seals_twice_in_a_row_after_the_founding_block() {
    let sim = run(2, 20, |_| {});
    for pair in sim.chain().blocks()[1..].windows(2) {
        assert_ne!(pair[0].header.sealed_by, pair[1].header.sealed_by);
    }
}

#[test]
fn ages_reputations_and_wealth_follow_the_formula() {
    let sim = run(3, 10, |_| {});
    let blocks = sim.chain().blocks();
    for b in &blocks[1..] {
        let e = b.election().unwrap();
        let rules = &b.ledger().rules;
        for c in &e.candidates {
            let m = b.ledger().member(c.member).unwrap();
            let last = m.last_sealed.unwrap_or(0);
            assert_eq!(c.age, b.height() - last + 1);
            assert_eq!(c.reputation, m.reputation);
            // W = 0.6 bet + 0.8 age + 0.3 reputation, in millionths of a token.
            assert_eq!(
                c.wealth,
                600 * c.bet.0 + 800_000 * c.age + 300_000 * c.reputation
            );
            let terms =
                ecloud_core::rules::election::wealth_terms(rules, c.bet, c.age, c.reputation);
            assert_eq!(terms.iter().sum::<u64>(), c.wealth);
            assert!(c.draw < DRAW_RANGE && c.u().0 > 0.0 && c.u().0 <= 1.0);
        }
    }
}

#[test]
fn the_highest_score_wins_compared_exactly() {
    let sim = run(4, 12, |_| {});
    for b in &sim.chain().blocks()[1..] {
        let e = b.election().unwrap();
        let w = e.candidates.iter().find(|c| c.member == e.winner).unwrap();
        for c in &e.candidates {
            let cmp =
                ecloud_core::rules::election::compare_scores(w.wealth, w.draw, c.wealth, c.draw);
            assert!(cmp.is_ge(), "{:?} beats the winner", c.member);
            if cmp.is_eq() {
                assert!(w.member <= c.member, "ties go to the earlier member");
            }
        }
    }
}

#[test]
fn ties_go_to_the_earlier_member() {
    let sim = seeded(5);
    let e = hold_election(sim.ledger(), 0, GEORGE, |_| MilliTokens(1_000), |_| 77).unwrap();
    assert_eq!(e.winner, ANNE);
    assert_eq!(e.runner_up, Some(BOB));
}

#[test]
fn the_pot_goes_frozen_to_the_winner_and_unlocks_six_blocks_after_it_seals() {
    let mut sim = seeded(6);
    for m in [GEORGE, ANNE, BOB, CARLA] {
        sim.set_strategy(
            m,
            Strategy::Manual {
                amount: MilliTokens(1_000),
            },
        );
    }
    sim.seal().unwrap(); // block 1: the election for block 2
    let e = sim.last_election().unwrap().clone();
    assert_eq!(e.pot, MilliTokens(3_000));
    assert_eq!(sim.ledger().pot, MilliTokens(3_000));
    let winner = e.winner;
    let free_before = sim.ledger().member(winner).unwrap().tokens;
    sim.seal().unwrap(); // block 2, sealed by the winner
    let m = sim.ledger().member(winner).unwrap();
    assert_eq!(sim.chain().tip().header.sealed_by, winner);
    assert_eq!(m.last_sealed, Some(2));
    assert_eq!(m.reputation, 1);
    assert_eq!(
        m.frozen,
        vec![ecloud_core::model::member::FrozenLot {
            amount: MilliTokens(3_000),
            unlocks_at: 8
        }]
    );
    assert_eq!(
        m.tokens, free_before,
        "the winner did not bet in block 2's election"
    );
    for h in 3..=8u64 {
        sim.seal().unwrap();
        let m = sim.ledger().member(winner).unwrap();
        let still_frozen = m.frozen.iter().any(|l| l.unlocks_at == 8);
        assert_eq!(still_frozen, h < 8, "at block {h}");
    }
    assert!(sim.verify().is_valid());
}

#[test]
fn frozen_tokens_cannot_be_bet() {
    let sim = run(7, 4, |sim| {
        for m in [GEORGE, ANNE, BOB, CARLA] {
            sim.set_strategy(m, Strategy::FixedPercent { percent: 100 });
        }
    });
    let tip = sim.chain().tip();
    let rich = tip
        .ledger()
        .members
        .iter()
        .find(|m| !m.frozen.is_empty())
        .expect("someone holds frozen tokens");
    let mut open = OpenBlock::new(tip.ledger(), tip.height() + 1);
    let bet = MilliTokens(rich.tokens.0 + 1);
    let vote = TxBody::Vote(Vote {
        voter: rich.id,
        seq: rich.seq + 1,
        election: tip.height() + 2,
        bet,
        builds_on: None,
        proof: None,
    });
    assert!(matches!(
        open.apply(&vote),
        Err(Violation::BetExceedsFree { .. })
    ));
    // With 100 % strategies every bet was all the free tokens, never more.
    for (h, b) in sim.chain().blocks().iter().enumerate().skip(1) {
        let parent = sim.chain().blocks()[h - 1].ledger();
        for t in &b.body.transactions {
            if let TxBody::Vote(v) = &t.body {
                let minted: u64 = b
                    .body
                    .transactions
                    .iter()
                    .filter_map(|t| match &t.body {
                        TxBody::Generation(g) => g
                            .minted
                            .iter()
                            .find(|m| m.member == v.voter)
                            .map(|m| m.tokens.0),
                        _ => None,
                    })
                    .sum();
                assert!(v.bet.0 <= parent.member(v.voter).unwrap().tokens.0 + minted);
            }
        }
    }
}

#[test]
fn strategies_set_the_bets() {
    let sim = run(8, 1, |sim| {
        sim.set_strategy(ANNE, Strategy::FixedPercent { percent: 10 });
        sim.set_strategy(
            BOB,
            Strategy::Manual {
                amount: MilliTokens(2_500),
            },
        );
        sim.set_strategy(CARLA, Strategy::FixedPercent { percent: 0 });
    });
    let e = sim.last_election().unwrap();
    let bet = |m| e.candidates.iter().find(|c| c.member == m).unwrap().bet;
    // Anne had 100 tokens + 800 milli minted from 2 kWh x 50 % x 80 %.
    assert_eq!(bet(ANNE), MilliTokens(10_080));
    assert_eq!(bet(BOB), MilliTokens(2_500));
    assert_eq!(bet(CARLA), MilliTokens(0));
}

#[test]
fn an_offline_elected_miner_is_replaced_by_the_runner_up_and_penalised() {
    let mut sim = run(9, 3, |_| {});
    let e = sim.last_election().unwrap().clone();
    let (elected, runner_up) = (e.winner, e.runner_up.unwrap());
    let rep_before = sim.ledger().member(elected).unwrap().reputation;
    let pot = sim.ledger().pot;
    sim.set_online(elected, false);
    assert_eq!(sim.due_sealer(), Ok(runner_up));
    sim.seal().unwrap();
    let tip = sim.chain().tip();
    assert_eq!(tip.header.sealed_by, runner_up);
    let p = tip.penalty().expect("a penalty is recorded");
    assert_eq!((p.missed, p.sealed_by, p.pot), (elected, runner_up, pot));
    assert_eq!(p.reputation_lost, rep_before.min(1));
    assert_eq!(
        tip.ledger().member(elected).unwrap().reputation,
        rep_before.saturating_sub(1)
    );
    let sealer = tip.ledger().member(runner_up).unwrap();
    assert!(sealer
        .frozen
        .iter()
        .any(|l| l.amount == pot && l.unlocks_at == tip.height() + 6));
    // An offline member does not vote.
    assert!(!tip
        .body
        .transactions
        .iter()
        .any(|t| matches!(&t.body, TxBody::Vote(v) if v.voter == elected)));
    assert!(sim.verify().is_valid(), "{:#?}", sim.verify().findings);
}

#[test]
fn reputation_never_drops_below_zero() {
    let mut sim = run(10, 1, |_| {});
    // Block 2's elected miner has never sealed: reputation 0.
    let elected = sim.next_miner();
    assert_eq!(sim.ledger().member(elected).unwrap().reputation, 0);
    sim.set_online(elected, false);
    sim.seal().unwrap();
    assert_eq!(sim.chain().tip().penalty().unwrap().reputation_lost, 0);
    assert_eq!(sim.ledger().member(elected).unwrap().reputation, 0);
    assert!(sim.verify().is_valid());
}

#[test]
fn when_neither_elected_nor_runner_up_is_online_the_block_waits() {
    let mut sim = run(11, 2, |_| {});
    let e = sim.last_election().unwrap().clone();
    sim.set_online(e.winner, false);
    sim.set_online(e.runner_up.unwrap(), false);
    let before = sim.chain().len();
    let err = sim.seal().unwrap_err();
    assert!(matches!(err, ActionError::NoMinerOnline { .. }));
    assert_eq!(sim.chain().len(), before);
    assert!(sim.explain(&err).contains("offline"));
    sim.set_online(e.runner_up.unwrap(), true);
    sim.seal().unwrap();
    assert!(sim.verify().is_valid());
}

// ---- tampering with elections ------------------------------------------

fn forged(edit: impl FnOnce(&mut Chain, &ecloud_core::Keyring) -> usize) -> (Chain, usize) {
    let sim = run(12, 6, |_| {});
    let keys = sim.keys().clone();
    let mut c = sim.chain().clone();
    let k = edit(&mut c, &keys);
    reseal(&mut c.blocks_mut()[k], &keys);
    (c, k)
}

fn vote_index(c: &Chain, k: usize) -> usize {
    c.blocks()[k]
        .body
        .transactions
        .iter()
        .position(|t| matches!(t.body, TxBody::Vote(_)))
        .unwrap()
}

#[test]
fn a_bet_beyond_free_tokens_is_named() {
    let (c, k) = forged(|c, keys| {
        let i = vote_index(c, 3);
        let tx = &mut c.blocks_mut()[3].body.transactions[i];
        if let TxBody::Vote(v) = &mut tx.body {
            v.bet.0 += 10_000_000;
        }
        resign(tx, keys);
        3
    });
    assert_breaks_at(&c.verify(), k as u64, "bet-exceeds-free", c.len() as u64);
}

#[test]
fn a_second_vote_is_named() {
    let (c, k) = forged(|c, keys| {
        let i = vote_index(c, 3);
        let mut twin = c.blocks()[3].body.transactions[i].clone();
        if let TxBody::Vote(v) = &mut twin.body {
            v.seq += 10;
            v.bet = MilliTokens(0);
        }
        resign(&mut twin, keys);
        c.blocks_mut()[3].body.transactions.insert(i + 1, twin);
        3
    });
    assert_breaks_at(&c.verify(), k as u64, "double-vote", c.len() as u64);
}

#[test]
fn a_vote_by_the_sealer_is_named() {
    let (c, k) = forged(|c, keys| {
        let sealer = c.blocks()[3].header.sealed_by;
        let seq = c.blocks()[3].ledger().member(sealer).unwrap().seq + 1;
        let mut tx = c.blocks()[3].body.transactions[0].clone();
        tx.body = TxBody::Vote(Vote {
            voter: sealer,
            seq,
            election: 4,
            bet: MilliTokens(1),
            builds_on: None,
            proof: None,
        });
        resign(&mut tx, keys);
        c.blocks_mut()[3].body.transactions.insert(0, tx);
        3
    });
    assert_breaks_at(&c.verify(), k as u64, "voter-not-candidate", c.len() as u64);
}

#[test]
fn a_changed_draw_is_named() {
    let (c, k) = forged(|c, keys| {
        let txs = &mut c.blocks_mut()[3].body.transactions;
        let tx = txs
            .iter_mut()
            .find(|t| matches!(t.body, TxBody::Election(_)))
            .unwrap();
        if let TxBody::Election(e) = &mut tx.body {
            e.candidates[0].draw ^= 1 << 40;
        }
        resign(tx, keys);
        3
    });
    assert_breaks_at(&c.verify(), k as u64, "election-mismatch", c.len() as u64);
}

#[test]
fn a_rigged_winner_is_named() {
    let (c, k) = forged(|c, keys| {
        let txs = &mut c.blocks_mut()[3].body.transactions;
        let tx = txs
            .iter_mut()
            .find(|t| matches!(t.body, TxBody::Election(_)))
            .unwrap();
        let mut new_winner = MemberId(0);
        if let TxBody::Election(e) = &mut tx.body {
            new_winner = e
                .candidates
                .iter()
                .map(|c| c.member)
                .find(|&m| m != e.winner)
                .unwrap();
            e.winner = new_winner;
        }
        resign(tx, keys);
        c.blocks_mut()[3].header.next_miner = new_winner;
        3
    });
    let r = c.verify();
    assert_breaks_at(&r, k as u64, "election-mismatch", c.len() as u64);
    assert!(r
        .findings_at(3)
        .any(|f| f.message.contains("highest score")));
}

#[test]
fn a_runner_up_sealing_without_a_penalty_is_named() {
    let mut sim = run(13, 3, |_| {});
    let e = sim.last_election().unwrap().clone();
    sim.set_online(e.winner, false);
    sim.seal().unwrap();
    let keys = sim.keys().clone();
    let mut c = sim.chain().clone();
    let k = c.len() - 1;
    c.blocks_mut()[k]
        .body
        .transactions
        .retain(|t| !matches!(t.body, TxBody::Penalty(_)));
    reseal(&mut c.blocks_mut()[k], &keys);
    assert_breaks_at(&c.verify(), k as u64, "penalty-mismatch", c.len() as u64);
}

// ---- statistics ---------------------------------------------------------

const ROUNDS: u32 = 6_000;

#[test]
fn with_equal_wealth_every_candidate_wins_about_equally_often() {
    let mut draws = DrawSource::Seeded([1; 32]).for_height(0);
    let wins = simulate_wins(&[5_000_000; 3], ROUNDS, &mut draws);
    assert_eq!(wins.iter().sum::<u32>(), ROUNDS);
    for w in wins {
        let share = f64::from(w) / f64::from(ROUNDS);
        // 1/3 +- 0.03: about five standard deviations at 6,000 rounds.
        assert!((share - 1.0 / 3.0).abs() < 0.03, "share {share}");
    }
}

#[test]
fn with_unequal_wealth_win_shares_follow_wealth_and_the_expectation() {
    let wealths = [2_000_000, 9_000_000, 4_000_000, 6_000_000];
    let mut draws = DrawSource::Seeded([2; 32]).for_height(0);
    let wins = simulate_wins(&wealths, ROUNDS, &mut draws);
    let mut by_wealth: Vec<usize> = (0..4).collect();
    by_wealth.sort_by_key(|&i| wealths[i]);
    for pair in by_wealth.windows(2) {
        assert!(
            wins[pair[0]] < wins[pair[1]],
            "wins {wins:?} do not follow wealth {wealths:?}"
        );
    }
    let expected = expected_win_shares(&wealths);
    for (w, e) in wins.iter().zip(&expected) {
        let share = f64::from(*w) / f64::from(ROUNDS);
        assert!((share - e).abs() < 0.03, "simulated {share}, expected {e}");
    }
}

#[test]
fn a_seeded_run_replays_the_same_elections() {
    let a = run(14, 5, |_| {});
    let b = run(14, 5, |_| {});
    assert_eq!(a.chain(), b.chain());
    let c = run(15, 5, |_| {});
    assert_ne!(a.last_election(), c.last_election());
}

#[test]
fn a_random_run_draws_from_the_os_and_still_verifies() {
    let mut sim = Simulation::start(
        &ecloud_core::CommunitySpec::default(),
        ecloud_core::Keyring::random().unwrap(),
        T0,
    )
    .unwrap();
    for _ in 1..=4 {
        sim.generate(GEORGE, Wh(100)).unwrap();
        sim.seal().unwrap();
    }
    assert!(sim.verify().is_valid());
}
