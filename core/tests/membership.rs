//! Editable communities: members join, are renamed and leave on the chain,
//! and several generators each have their own capacity and share table.

mod common;
use common::*;
use ecloud_core::chain::genesis::{ANNE, BOB, CARLA, GEORGE};
use ecloud_core::model::tx::{Membership, MembershipChange, TxBody};
use ecloud_core::rules::transition::{OpenBlock, Violation};
use ecloud_core::{ActionError, BasisPoints, MemberId, Role, Share, ShareTable, Wh};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn shares(pairs: &[(MemberId, u32)]) -> ShareTable {
    ShareTable::new(
        pairs
            .iter()
            .map(|&(member, bp)| Share {
                member,
                share: BasisPoints(bp),
            })
            .collect(),
    )
    .unwrap()
}

#[test]
fn a_new_customer_and_a_second_generator_join_and_trade() {
    let mut sim = seeded(41);
    let dave = sim.join("Dave", Role::Customer, Wh(0)).unwrap();
    assert_eq!(dave, MemberId(4));
    let park = sim
        .join(
            "Solar park",
            Role::Generator {
                shares: shares(&[(BOB, 5_000), (CARLA, 5_000)]),
            },
            Wh(500_000),
        )
        .unwrap();
    assert_eq!(
        sim.upcoming_shares(park),
        Some(&shares(&[(BOB, 5_000), (CARLA, 5_000)])),
        "a joining generator's table is the one it will split by"
    );
    sim.seal().unwrap();
    let l = sim.ledger();
    assert_eq!(l.member(dave).unwrap().name, "Dave");
    assert_eq!(l.member(park).unwrap().balance, Wh(500_000));
    assert_eq!(l.total_energy(), 1_500_000);
    // George now shares with Dave too; the park has its own table.
    sim.update_shares(
        GEORGE,
        shares(&[(ANNE, 4_000), (BOB, 3_000), (CARLA, 2_000), (dave, 1_000)]),
    )
    .unwrap();
    sim.seal().unwrap();
    sim.generate(GEORGE, Wh(10_000)).unwrap();
    sim.generate(park, Wh(2_000)).unwrap();
    sim.seal().unwrap();
    assert_eq!(balance(&sim, dave), Wh(1_000));
    assert_eq!(balance(&sim, BOB), Wh(3_000 + 1_000));
    assert_eq!(balance(&sim, park), Wh(498_000));
    assert!(sim.verify().is_valid(), "{:#?}", sim.verify().findings);
    // New members stand in elections.
    let e = sim.last_election().unwrap();
    assert!(
        e.candidates.iter().any(|c| c.member == dave) || sim.chain().tip().header.sealed_by == dave
    );
}

#[test]
fn a_generator_cannot_overdraw_the_capacity_it_brought() {
    let mut sim = seeded(42);
    let park = sim
        .join(
            "Park",
            Role::Generator {
                shares: shares(&[(ANNE, 10_000)]),
            },
            Wh(1_000),
        )
        .unwrap();
    sim.seal().unwrap();
    assert!(matches!(
        sim.generate(park, Wh(1_001)),
        Err(ActionError::Rule(Violation::CapacityExceeded { .. }))
    ));
}

#[test]
fn renaming_is_recorded_and_names_stay_distinct() {
    let mut sim = seeded(43);
    sim.rename(ANNE, "Annie").unwrap();
    assert!(
        sim.rename(BOB, "annie").is_err(),
        "names are distinct regardless of case"
    );
    assert!(sim.rename(BOB, "   ").is_err());
    assert!(sim.join("George", Role::Customer, Wh(0)).is_err());
    sim.seal().unwrap();
    assert_eq!(sim.ledger().member(ANNE).unwrap().name, "Annie");
    assert!(sim.verify().is_valid());
}

#[test]
fn a_member_leaves_in_one_block_its_share_spread_over_the_others() {
    let mut sim = seeded(44);
    sim.generate(GEORGE, Wh(1_000)).unwrap();
    sim.seal().unwrap();
    // A departure alone, while Carla still holds a share, is refused.
    let registrar_seq = sim.open_ledger().member(GEORGE).unwrap().seq + 1;
    let mut open = OpenBlock::new(sim.ledger(), sim.open_height()).with_registrar(GEORGE);
    let bare = TxBody::Membership(Membership {
        registrar: GEORGE,
        seq: registrar_seq,
        change: MembershipChange::Leave { member: CARLA },
    });
    let err = open.apply(&bare).unwrap_err().to_string();
    assert!(err.contains("still holds a share"), "{err}");
    // The page's leave: George's table without Carla, then the departure.
    sim.leave(CARLA).unwrap();
    let kinds: Vec<&str> = sim.pending().iter().map(|t| t.body.kind()).collect();
    assert_eq!(kinds, ["share update", "membership"]);
    sim.seal().unwrap();
    let carla = sim.ledger().member(CARLA).unwrap();
    assert!(!carla.active);
    assert_eq!(
        carla.balance,
        Wh(200),
        "a member who leaves keeps its energy"
    );
    // Carla's 20 % spread over Anne's 50 % and Bob's 30 %: 62.5 % and 37.5 %.
    assert_eq!(
        sim.ledger().member(GEORGE).unwrap().share_table(),
        Some(&shares(&[(ANNE, 6_250), (BOB, 3_750)]))
    );
    assert!(!sim.is_online(CARLA));
    for _ in 0..4 {
        sim.seal().unwrap();
        assert!(sim
            .last_election()
            .unwrap()
            .candidates
            .iter()
            .all(|c| c.member != CARLA));
    }
    // The registrar stays, and a refused departure changes nothing.
    let pending = sim.pending().len();
    assert!(sim.leave(GEORGE).is_err(), "the registrar stays");
    assert_eq!(sim.pending().len(), pending);
    assert!(sim.verify().is_valid());
}

/// A generator's last customer cannot leave: nobody would be left to share
/// its output. Refused whole: no share update is left behind.
#[test]
fn the_last_customer_of_a_generator_cannot_leave() {
    let mut sim = seeded(46);
    sim.update_shares(GEORGE, shares(&[(ANNE, 10_000)]))
        .unwrap();
    sim.seal().unwrap();
    sim.leave(BOB).unwrap();
    sim.leave(CARLA).unwrap();
    sim.seal().unwrap();
    let pending = sim.pending().len();
    let err = sim.leave(ANNE).unwrap_err();
    assert!(
        sim.explain(&err).contains("at least one customer"),
        "{}",
        sim.explain(&err)
    );
    assert_eq!(sim.pending().len(), pending);
}

#[test]
fn only_the_registrar_changes_membership() {
    let sim = sample_run(45, 3);
    let keys = sim.keys().clone();
    let mut c = sim.chain().clone();
    let seq = c.blocks()[2].ledger().member(ANNE).unwrap().seq + 1;
    let body = TxBody::Membership(Membership {
        registrar: ANNE,
        seq,
        change: MembershipChange::Rename {
            member: BOB,
            name: "Robert".into(),
        },
    });
    let tx = ecloud_core::model::tx::Transaction::sign(body, &keys.key(ANNE)).unwrap();
    c.blocks_mut()[2].body.transactions.insert(0, tx);
    reseal(&mut c.blocks_mut()[2], &keys);
    assert_breaks_at(&c.verify(), 2, "membership-invalid", c.len() as u64);
}

#[test]
fn a_joining_member_must_take_the_next_number() {
    let mut sim = seeded(46);
    sim.join("Dave", Role::Customer, Wh(0)).unwrap();
    sim.seal().unwrap();
    let keys = sim.keys().clone();
    let mut c = sim.chain().clone();
    let tx = c.blocks_mut()[1]
        .body
        .transactions
        .iter_mut()
        .find(|t| matches!(t.body, TxBody::Membership(_)))
        .unwrap();
    if let TxBody::Membership(m) = &mut tx.body {
        if let MembershipChange::Join { member, .. } = &mut m.change {
            *member = MemberId(9);
        }
    }
    resign(tx, &keys);
    reseal(&mut c.blocks_mut()[1], &keys);
    assert_breaks_at(&c.verify(), 1, "membership-invalid", c.len() as u64);
}

#[test]
fn a_customer_brings_no_capacity() {
    let mut sim = seeded(47);
    assert!(matches!(
        sim.join("Eve", Role::Customer, Wh(5)),
        Err(ActionError::Rule(Violation::Membership(_)))
    ));
    assert!(sim.pending().is_empty());
}
