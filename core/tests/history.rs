//! The history behind the page's charts: sampled values are the ledgers'
//! values, the sample stays bounded, sealed blocks are all counted, and
//! members who join, are renamed or leave keep their place.

mod common;
use common::*;
use ecloud_core::chain::genesis::{ANNE, CARLA, GEORGE};
use ecloud_core::model::member::FrozenLot;
use ecloud_core::simulation::history::{History, MAX_POINTS};
use ecloud_core::{BasisPoints, MemberId, MilliTokens, Role, Share, ShareTable, Wh};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn index_of(h: &History, id: MemberId) -> usize {
    h.members.iter().position(|w| w.id == id).unwrap()
}

#[test]
fn sampled_values_are_the_ledgers_values_at_those_heights() {
    let sim = sample_run(50, 30);
    let blocks = sim.chain().blocks();
    let h = History::of(blocks, 7);
    assert_eq!(h.heights, vec![0, 5, 10, 15, 20, 25, 30]);
    assert_eq!(h.blocks, 31);
    let names: Vec<&str> = h.members.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["George", "Anne", "Bob", "Carla"]);
    let generators: Vec<bool> = h.members.iter().map(|w| w.generator).collect();
    assert_eq!(generators, [true, false, false, false]);
    for (i, &height) in h.heights.iter().enumerate() {
        let ledger = blocks[height as usize].ledger();
        assert_eq!(blocks[height as usize].height(), height);
        for (who, (energy, free)) in h.members.iter().zip(h.energy.iter().zip(&h.free)) {
            let m = ledger.member(who.id).unwrap();
            assert_eq!(
                energy.values[i],
                Some(m.balance.0),
                "{} at {height}",
                who.name
            );
            assert_eq!(free.values[i], Some(m.tokens.0), "{} at {height}", who.name);
        }
        let frozen: u64 = ledger.members.iter().map(|m| m.frozen_total().0).sum();
        assert_eq!(h.frozen.values[i], Some(frozen), "frozen at {height}");
    }
    // Energy moved from George to the customers, and someone won tokens.
    assert!(h.energy[index_of(&h, GEORGE)].last() < Some(1_000_000));
    assert!(h.energy[index_of(&h, ANNE)].last() > Some(0));
    assert!(h.frozen.max() > 0);
}

#[test]
fn sealed_counts_sum_to_the_blocks_and_match_each_sealer() {
    let sim = sample_run(51, 25);
    let blocks = sim.chain().blocks();
    let h = History::of(blocks, MAX_POINTS);
    assert_eq!(h.sealed.iter().sum::<u64>(), 26);
    for (who, &count) in h.members.iter().zip(&h.sealed) {
        let by_header = blocks
            .iter()
            .filter(|b| b.header.sealed_by == who.id)
            .count() as u64;
        assert_eq!(count, by_header, "{}", who.name);
        // On an untampered chain this is the ledger's reputation.
        assert_eq!(count, sim.ledger().member(who.id).unwrap().reputation);
    }
    // Every block is sampled when the chain is short.
    assert_eq!(h.heights, (0..=25).collect::<Vec<u64>>());
}

#[test]
fn a_long_chain_is_sampled_to_at_most_max_points_ending_at_the_tip() {
    let sim = sample_run(52, 250);
    let blocks = sim.chain().blocks();
    let h = History::of(blocks, MAX_POINTS);
    assert_eq!(h.heights.len(), MAX_POINTS);
    assert_eq!(h.heights.first(), Some(&0));
    assert_eq!(h.heights.last(), Some(&250));
    for s in h.energy.iter().chain(&h.free) {
        assert_eq!(s.values.len(), MAX_POINTS);
    }
    let tip = sim.ledger();
    assert_eq!(
        h.energy[index_of(&h, GEORGE)].last(),
        Some(tip.member(GEORGE).unwrap().balance.0)
    );
    // Sealed blocks are counted over the whole chain, not the sample.
    assert_eq!(h.sealed.iter().sum::<u64>(), 251);
}

#[test]
fn members_who_join_are_renamed_or_leave_keep_their_series() {
    let mut sim = seeded(53);
    sim.generate(GEORGE, Wh(1_000)).unwrap();
    sim.seal().unwrap();
    let dave = sim.join("Dave", Role::Customer, Wh(0)).unwrap();
    sim.seal().unwrap();
    let table = ShareTable::new(
        [(ANNE, 5_000), (MemberId(2), 3_000), (dave, 2_000)]
            .into_iter()
            .map(|(member, bp)| Share {
                member,
                share: BasisPoints(bp),
            })
            .collect(),
    )
    .unwrap();
    sim.update_shares(GEORGE, table).unwrap();
    sim.rename(ANNE, "Annie").unwrap();
    sim.seal().unwrap();
    sim.leave(CARLA).unwrap();
    sim.generate(GEORGE, Wh(1_000)).unwrap();
    sim.seal().unwrap();

    let h = History::of(sim.chain().blocks(), MAX_POINTS);
    let names: Vec<&str> = h.members.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["George", "Annie", "Bob", "Carla", "Dave"]);
    let d = index_of(&h, dave);
    // Dave is in no ledger before block 2, then in every one.
    assert_eq!(
        h.energy[d].values,
        vec![None, None, Some(0), Some(0), Some(200)]
    );
    assert_eq!(h.free[d].values[..2], [None, None]);
    assert!(h.free[d].values[2..].iter().all(Option::is_some));
    // Carla left and keeps what she held: still charted, marked as gone.
    let c = index_of(&h, CARLA);
    assert!(!h.members[c].active);
    assert_eq!(h.energy[c].last(), Some(200));
    assert!(h.members.iter().filter(|w| w.id != CARLA).all(|w| w.active));
}

#[test]
fn tampered_values_chart_as_they_are_without_panicking() {
    let sim = sample_run(54, 6);
    let mut blocks = sim.chain().blocks().to_vec();
    let stranger = MemberId(99);
    blocks[3].header.sealed_by = stranger;
    blocks[4].body.ledger.members[1].balance = Wh(u64::MAX);
    for m in &mut blocks[5].body.ledger.members {
        m.frozen = vec![
            FrozenLot {
                amount: MilliTokens(u64::MAX),
                unlocks_at: 0,
            };
            3
        ];
    }
    blocks[6].body.ledger.members.clear();
    let h = History::of(&blocks, MAX_POINTS);
    assert_eq!(h.energy[1].values[4], Some(u64::MAX));
    assert_eq!(h.frozen.values[5], Some(u64::MAX), "saturates");
    // The stranger sealed a block: it gets a bar under its number.
    let s = index_of(&h, stranger);
    assert_eq!(h.members[s].name, "member #99");
    assert!(!h.members[s].active);
    assert_eq!(h.sealed[s], 1);
    assert_eq!(h.sealed.iter().sum::<u64>(), 7);
    assert!(h.energy[s].values.iter().all(Option::is_none));
    // A tip that lists nobody leaves a gap at the end, and the names of the
    // ledgers before it.
    assert_eq!(h.energy[0].last(), None);
    assert_eq!(h.members[0].name, "George");
    assert_eq!(History::of(&blocks[..0], MAX_POINTS), History::default());
}

#[test]
fn ten_thousand_blocks_read_two_hundred_ledgers_and_count_every_seal() {
    let sim = seeded(55);
    let genesis = sim.chain().genesis().clone();
    let blocks: Vec<_> = (0..10_000u64)
        .map(|height| {
            let mut b = genesis.clone();
            b.header.height = height;
            b.header.sealed_by = MemberId((height % 4) as u32);
            b.body.ledger.members[1].balance = Wh(height);
            b
        })
        .collect();
    let h = History::of(&blocks, MAX_POINTS);
    assert_eq!(h.heights.len(), MAX_POINTS);
    assert_eq!((h.heights[0], h.heights[199]), (0, 9_999));
    assert_eq!(h.sealed, vec![2_500; 4]);
    // Anne's balance was set to the height: each sample is its block's.
    let anne: Vec<u64> = h.energy[1].values.iter().flatten().copied().collect();
    assert_eq!(anne, h.heights);
}
