//! Verification cost against the number of members (issue 15: it was
//! quadratic). Chains of genesis and two blocks, in a community of one
//! generator and N customers sharing its output equally; every customer
//! votes in each election, so a block holds N votes. Linear means the time
//! per member stays flat as N grows.
//!
//!     cargo bench -p ecloud-core --bench members
//!     ECLOUD_BENCH_MEMBERS=16000,32000 cargo bench -p ecloud-core --bench members

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
    use ecloud_core::chain::verify::verify_chain;
    use ecloud_core::{Block, CommunitySpec, Keyring, Simulation, Wh};
    use std::hint::black_box;

    /// Genesis and two blocks with `customers` customers.
    fn chain(customers: u32) -> Vec<Block> {
        let spec = CommunitySpec::one_generator(customers).expect("customers");
        let mut sim = Simulation::start(&spec, Keyring::from_seed_number(15), 0)
            .expect("the community starts");
        for _ in 1..=2 {
            sim.generate(GEORGE, Wh(10_000)).expect("a reading");
            sim.seal().expect("a seal");
        }
        sim.chain().blocks().to_vec()
    }

    pub fn main() {
        let sizes: Vec<u32> = std::env::var("ECLOUD_BENCH_MEMBERS")
            .unwrap_or_else(|_| "1000,4000,16000,32000".into())
            .split(',')
            .map(|s| s.trim().parse().expect("ECLOUD_BENCH_MEMBERS: numbers"))
            .collect();
        let mut c = Criterion::default().configure_from_args();
        let mut group = c.benchmark_group("members");
        group.sampling_mode(SamplingMode::Flat).sample_size(10);
        for n in sizes {
            let blocks = chain(n);
            assert!(verify_chain(&blocks).is_valid());
            group.throughput(Throughput::Elements(u64::from(n)));
            group.bench_function(format!("verify-{n}"), |b| {
                b.iter(|| verify_chain(black_box(&blocks)))
            });
        }
        group.finish();
        c.final_summary();
    }
}
