//! Nodes (issue 17): what a vote with its VRF proof costs to verify against
//! an Ed25519 signature alone, and how many node steps (a tick or a
//! delivered message, each a node's work) the simulated network runs a
//! second with five nodes.
//!
//!     cargo bench -p ecloud-core --bench nodes
//!     ECLOUD_BENCH_BLOCKS=10000 cargo bench -p ecloud-core --bench nodes -- network

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{Criterion, SamplingMode, Throughput};
    use ecloud_core::chain::genesis::GEORGE;
    use ecloud_core::crypto::sha256;
    use ecloud_core::model::block::MARKET_PERIOD_MS;
    use ecloud_core::node::Command;
    use ecloud_core::rules::election::election_input;
    use ecloud_core::simulation::network::{node_keys, Network};
    use ecloud_core::{CommunitySpec, Wh};
    use std::hint::black_box;

    const T0: u64 = 1_528_711_200_000;

    /// George and four customers, each node holding its own keys.
    fn network(n: u32) -> Network {
        let spec = CommunitySpec::one_generator(n - 1).expect("customers");
        Network::community(&spec, 1, T0).expect("a community")
    }

    /// Runs `blocks` slots, a reading half-way through each; the node steps
    /// it took.
    fn run(network: &mut Network, blocks: u64) -> u64 {
        let mut steps = 0;
        for slot in 1..=blocks {
            let half = T0 + slot * MARKET_PERIOD_MS + MARKET_PERIOD_MS / 2;
            while network.next_at().is_some_and(|at| at <= half) {
                steps += u64::from(network.step());
            }
            let _ = network.command(GEORGE, Command::Generate(Wh(1_000)));
            let end = T0 + (slot + 1) * MARKET_PERIOD_MS;
            while network.next_at().is_some_and(|at| at <= end) {
                steps += u64::from(network.step());
            }
        }
        steps
    }

    pub fn main() {
        let mut c = Criterion::default().configure_from_args();

        let key = &node_keys(1, 0);
        let genesis = sha256(b"a genesis");
        let input = election_input(&genesis, 7, &sha256(b"a seed"));
        let (proof, _) = key.vrf().prove(&input);
        let vrf_key = key.vrf_key();
        let digest = sha256(b"a vote's id");
        let signature = key.signing().sign(&digest);
        let public = key.public_key();
        let mut group = c.benchmark_group("vote");
        group.bench_function("ed25519 signature", |b| {
            b.iter(|| assert!(public.verifies(black_box(&digest), black_box(&signature))))
        });
        group.bench_function("ed25519 signature + VRF proof", |b| {
            b.iter(|| {
                assert!(public.verifies(black_box(&digest), black_box(&signature)));
                black_box(
                    vrf_key
                        .verify(black_box(&input), black_box(&proof))
                        .expect("a proof"),
                );
            })
        });
        group.finish();

        let blocks: u64 = std::env::var("ECLOUD_BENCH_BLOCKS")
            .map(|s| s.parse().expect("ECLOUD_BENCH_BLOCKS: a number"))
            .unwrap_or(200);
        let steps = run(&mut network(5), blocks);
        let mut group = c.benchmark_group("network");
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .throughput(Throughput::Elements(steps));
        group.bench_function(
            format!("5 nodes, {blocks} blocks ({steps} node steps)"),
            |b| {
                b.iter(|| {
                    let mut net = network(5);
                    assert_eq!(run(&mut net, blocks), steps, "a seeded run repeats");
                    black_box(net)
                })
            },
        );
        group.finish();
        c.final_summary();
    }
}
