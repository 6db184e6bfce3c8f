//! What the fuzz targets share: real runs of the seed's community, with
//! every kind of transaction in them, and the helpers that feed hostile
//! bytes to the core the way a file, a saved run or a peer would.

use ecloud_core::chain::genesis::{ANNE, BOB, CARLA, GEORGE};
use ecloud_core::rules::transition::OpenBlock;
use ecloud_core::{
    BasisPoints, Chain, CommunitySpec, Keyring, Role, Share, ShareTable, Simulation, Strategy,
    Transaction, Wh,
};
use std::sync::OnceLock;

const T0: u64 = 1_700_000_000_000;
const PERIOD_MS: u64 = 15_000;

fn table(anne: u32, bob: u32, carla: u32) -> ShareTable {
    let share = |member, bp| Share {
        member,
        share: BasisPoints(bp),
    };
    ShareTable::new(vec![
        share(ANNE, anne),
        share(BOB, bob),
        share(CARLA, carla),
    ])
    .expect("the shares sum to 100 %")
}

/// A run of eight blocks holding every kind of transaction: readings,
/// share updates, votes, elections, a penalty, a join, a rename and a
/// departure; a reading left waiting for the open block.
pub fn full_run(seed: u64) -> Simulation {
    let mut sim = Simulation::start(
        &CommunitySpec::default(),
        Keyring::from_seed_number(seed),
        T0,
    )
    .expect("the seed's community starts");
    sim.set_strategy(BOB, Strategy::FixedPercent { percent: 30 });
    let mut at = T0;
    let mut seal = |sim: &mut Simulation| {
        at += PERIOD_MS;
        sim.seal().expect("a seal");
    };
    sim.generate(GEORGE, Wh(1_500)).expect("a reading");
    seal(&mut sim);
    sim.update_shares(GEORGE, table(4_000, 4_000, 2_000))
        .expect("a share update");
    let dora = sim.join("Dora", Role::Customer, Wh(0)).expect("a join");
    seal(&mut sim);
    sim.generate(GEORGE, Wh(777)).expect("a reading");
    sim.rename(CARLA, "Carla B.").expect("a rename");
    seal(&mut sim);
    // The elected miner offline: the runner-up seals, with a penalty.
    let elected = sim.next_miner();
    sim.set_online(elected, false);
    seal(&mut sim);
    sim.set_online(elected, true);
    sim.leave(dora).expect("a departure");
    seal(&mut sim);
    for _ in 0..3 {
        sim.generate(GEORGE, Wh(42)).expect("a reading");
        seal(&mut sim);
    }
    sim.generate(GEORGE, Wh(5)).expect("a waiting reading");
    sim
}

/// The chain every target that needs a valid one starts from.
pub fn fixed_chain() -> &'static Chain {
    static CHAIN: OnceLock<Chain> = OnceLock::new();
    CHAIN.get_or_init(|| full_run(7).chain().clone())
}

/// A transaction as a node receives it from a peer, for the open block on
/// top of `chain`: its id must be the hash of its body, its signature the
/// signer's, and the body must apply. The refusal, if any, as text.
pub fn admit(chain: &Chain, tx: &Transaction) -> Result<(), String> {
    let tip = chain.tip();
    let mut open = OpenBlock::new(tip.ledger(), tip.height().saturating_add(1))
        .with_registrar(chain.genesis().header.sealed_by);
    let id = tx.body.id().map_err(|e| e.to_string())?;
    if id != tx.id {
        return Err("the id is not the hash of the body".into());
    }
    let signer = open
        .in_force()
        .member(tx.signer())
        .ok_or("an unknown signer")?;
    if !signer.public_key.verifies(&tx.id, &tx.signature) {
        return Err("a bad signature".into());
    }
    open.apply(&tx.body).map_err(|v| v.to_string())
}

/// Node 1 of the seed's community run as four nodes for eight slots, its
/// member's keys, and the time then: what the `node` target hands bytes to.
pub fn node_in_community() -> &'static (
    ecloud_core::node::Node,
    ecloud_core::node::NodeKeys,
    u64,
) {
    use ecloud_core::model::block::MARKET_PERIOD_MS;
    use ecloud_core::node::Command;
    use ecloud_core::simulation::network::{node_keys, Network};
    static NODE: OnceLock<(ecloud_core::node::Node, ecloud_core::node::NodeKeys, u64)> =
        OnceLock::new();
    NODE.get_or_init(|| {
        let mut network =
            Network::community(&CommunitySpec::default(), 8, T0).expect("the community starts");
        for slot in 1..=8 {
            network.run_until(T0 + slot * MARKET_PERIOD_MS + MARKET_PERIOD_MS / 2);
            let _ = network.command(GEORGE, Command::Generate(Wh(1_000)));
            network.run_until(T0 + (slot + 1) * MARKET_PERIOD_MS);
        }
        let now = T0 + 9 * MARKET_PERIOD_MS;
        (network.node(1).clone(), node_keys(8, 1), now)
    })
}
