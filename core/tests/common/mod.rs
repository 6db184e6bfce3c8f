//! Shared set-up for the core's integration tests.
#![allow(dead_code)]

use ecloud_core::community::{ANNE, BOB, CARLA, GEORGE};
use ecloud_core::{
    BasisPoints, CommunitySpec, Keyring, MemberId, Share, ShareTable, Simulation, Wh,
};

pub const T0: u64 = 1_700_000_000_000;
pub const PERIOD_MS: u64 = 15_000;

/// The seed's community in a reproducible run.
pub fn seeded(seed: u64) -> Simulation {
    Simulation::start(
        &CommunitySpec::default(),
        Keyring::from_seed_number(seed),
        T0,
    )
    .unwrap()
}

pub fn table(anne: u32, bob: u32, carla: u32) -> ShareTable {
    ShareTable::new(vec![
        Share {
            member: ANNE,
            share: BasisPoints(anne),
        },
        Share {
            member: BOB,
            share: BasisPoints(bob),
        },
        Share {
            member: CARLA,
            share: BasisPoints(carla),
        },
    ])
    .unwrap()
}

/// A small history: generations, a share change, more generations.
pub fn sample_run(seed: u64, blocks: u64) -> Simulation {
    let mut sim = seeded(seed);
    for b in 1..=blocks {
        sim.generate(GEORGE, Wh(1_000 + 7 * b)).unwrap();
        if b % 3 == 0 {
            let x = (100 * b as u32) % 2_000;
            sim.update_shares(GEORGE, table(4_000 + x, 3_000, 3_000 - x))
                .unwrap();
        }
        sim.generate(GEORGE, Wh(333)).unwrap();
        sim.seal(T0 + b * PERIOD_MS).unwrap();
    }
    sim
}

pub fn balance(sim: &Simulation, m: MemberId) -> Wh {
    sim.ledger().member(m).unwrap().balance
}
