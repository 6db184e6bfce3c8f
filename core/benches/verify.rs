//! Verification benchmarks against the cryptographic limit (docs/PERFORMANCE.md).
//!
//! For each chain size (1,000, 10,000 and 100,000 blocks of the workload in
//! `workload.rs`), group `blocks-N` times:
//!
//! - `full`: `verify_chain`, what the page runs;
//! - `structure`: every check but the Ed25519 equations (`verify_structure`);
//! - `signatures`: the chain's signatures checked as `verify_chain` checks them
//!   (`verify_signatures` on `chain_signatures`);
//! - `limit-ed25519`: the same signatures through ed25519-dalek's batch
//!   verification, keys decoded beforehand: the cost of the cryptography alone;
//! - `limit-merged`: the same signatures through the batch equation `verify_chain`
//!   uses, with each signer's key terms merged (`verify_batch_merged`), keys decoded
//!   beforehand, without the pre-filter: that equation's own cost;
//! - `limit-sha256`: SHA-256 of the same bytes verification hashes, message by
//!   message;
//! - `limit-ed25519-single` (1,000 blocks only): the same signatures verified one
//!   by one, for comparison with batching.
//!
//! The limit is `limit-ed25519 + limit-sha256`; the report divides `full` by it,
//! and also by `limit-merged + limit-sha256` (the merged equation's own limit).
//!
//!     cargo bench -p ecloud-core --bench verify                      # all sizes
//!     ECLOUD_BENCH_SIZES=1000 cargo bench -p ecloud-core --bench verify
//!     ECLOUD_BENCH_SIZES=100000 cargo bench -p ecloud-core --bench verify -- --quick
//!
//! At 100,000 blocks one run takes tens of seconds, so `--quick` (one run per
//! benchmark when a run is that long) is how scripts/bench times that size.
//! After the criterion group, each size also times `full` and the two limits
//! paired (alternately: 9 rounds at 1,000 blocks, 5 at 10,000, 1 above), so that
//! load from elsewhere on the machine hits all alike; the ratios of their medians
//! are printed. With ECLOUD_BENCH_OUT=DIR each size also writes DIR/native-N.json (the
//! chain's shape: blocks, transactions, signatures, bytes hashed; its tip hash; the
//! time one build took) and DIR/paired-N.json.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests and benchmarks are not in the page"
)]

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
#[path = "workload.rs"]
mod workload;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use crate::workload::{build_chain, hashed_messages, sha256_all, Limit, GENERATIONS, SEED};
    use criterion::{Criterion, SamplingMode};
    use ecloud_core::chain::verify::{
        chain_signatures, verify_chain, verify_signatures, verify_structure,
    };
    use std::hint::black_box;
    use std::time::{Duration, Instant};

    pub fn main() {
        let sizes: Vec<u64> = std::env::var("ECLOUD_BENCH_SIZES")
            .unwrap_or_else(|_| "1000,10000,100000".into())
            .split(',')
            .map(|s| s.trim().parse().expect("ECLOUD_BENCH_SIZES: numbers"))
            .collect();
        let mut c = Criterion::default().configure_from_args();
        for &n in &sizes {
            bench_size(&mut c, n);
        }
        c.final_summary();
    }

    fn bench_size(c: &mut Criterion, n: u64) {
        let t = Instant::now();
        let blocks = build_chain(n);
        let build = t.elapsed();
        let sigs = chain_signatures(&blocks);
        let messages = hashed_messages(&blocks);
        let report = verify_chain(&blocks);
        assert!(report.is_valid(), "the benchmark chain verifies");
        assert_eq!(report.signatures_checked, sigs.len() as u64);
        write_shape(n, &blocks, &report, sigs.len(), &messages, build);

        let limit = Limit::new(&sigs);

        let mut g = c.benchmark_group(format!("blocks-{n}"));
        g.sampling_mode(SamplingMode::Flat);
        g.sample_size(10);
        g.warm_up_time(Duration::from_millis(500));
        g.measurement_time(Duration::from_secs(if n >= 10_000 { 10 } else { 5 }));

        g.bench_function("full", |b| b.iter(|| black_box(verify_chain(&blocks))));
        g.bench_function("structure", |b| {
            b.iter(|| black_box(verify_structure(&blocks)))
        });
        g.bench_function("signatures", |b| {
            b.iter(|| assert!(verify_signatures(black_box(&sigs))))
        });
        g.bench_function("limit-ed25519", |b| {
            b.iter(|| assert!(limit.verify_batched()))
        });
        g.bench_function("limit-merged", |b| {
            b.iter(|| assert!(limit.verify_merged()))
        });
        if n <= 1_000 {
            g.bench_function("limit-ed25519-single", |b| {
                b.iter(|| assert!(limit.verify_single()))
            });
        }
        g.bench_function("limit-sha256", |b| {
            b.iter(|| black_box(sha256_all(black_box(&messages))))
        });
        g.finish();

        // The ratio that matters, measured paired: full verification and the limit
        // alternately, so that load from elsewhere on the machine hits both alike.
        let rounds = match n {
            0..=1_000 => 9,
            1_001..=10_000 => 5,
            _ => 1,
        };
        let (mut full, mut lim, mut merged) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds {
            let t = Instant::now();
            black_box(verify_chain(&blocks));
            full.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            assert!(limit.verify_batched());
            black_box(sha256_all(&messages));
            lim.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            assert!(limit.verify_merged());
            black_box(sha256_all(&messages));
            merged.push(t.elapsed().as_secs_f64() * 1e3);
        }
        {
            let min = |xs: &[f64]| xs.iter().copied().fold(f64::INFINITY, f64::min);
            let (fmin, lmin, mmin) = (min(&full), min(&lim), min(&merged));
            let (f, l, m) = (median(&mut full), median(&mut lim), median(&mut merged));
            println!(
                "blocks-{n}: paired, {rounds} rounds, merged limit: full {f:.1} ms, limit {m:.1} ms, \
                 ratio {:.3} (medians); fastest {fmin:.1} / {mmin:.1} ms, ratio {:.3}",
                f / m,
                fmin / mmin
            );
            println!(
                "blocks-{n}: paired, {rounds} rounds: full {f:.1} ms, limit {l:.1} ms, ratio {:.3} \
                 (medians); fastest {fmin:.1} / {lmin:.1} ms, ratio {:.3}",
                f / l,
                fmin / lmin
            );
            write_json(
                n,
                "paired",
                &format!(
                    "{{\"rounds\":{rounds},\"full_ms\":{f:.3},\"limit_ms\":{l:.3},\
                     \"full_min_ms\":{fmin:.3},\"limit_min_ms\":{lmin:.3},\
                     \"limit_merged_ms\":{m:.3},\"limit_merged_min_ms\":{mmin:.3}}}\n"
                ),
            );
        }
    }

    fn median(xs: &mut [f64]) -> f64 {
        xs.sort_by(f64::total_cmp);
        let m = xs.len() / 2;
        if xs.len() % 2 == 1 {
            xs[m]
        } else {
            (xs[m - 1] + xs[m]) / 2.0
        }
    }

    /// DIR/native-N.json, when ECLOUD_BENCH_OUT=DIR is set.
    fn write_shape(
        n: u64,
        blocks: &[ecloud_core::Block],
        report: &ecloud_core::Report,
        signatures: usize,
        messages: &[Vec<u8>],
        build: Duration,
    ) {
        let bytes: usize = messages.iter().map(Vec::len).sum();
        let json = format!(
            "{{\"blocks\":{n},\"seed\":{SEED},\"generations_per_block\":{GENERATIONS},\
             \"blocks_with_genesis\":{},\"transactions\":{},\"signatures\":{signatures},\
             \"hashed_messages\":{},\"hashed_bytes\":{bytes},\"tip\":\"{}\",\"build_ms\":{:.1}}}\n",
            blocks.len(),
            report.transactions_checked,
            messages.len(),
            blocks.last().expect("a chain").hash,
            build.as_secs_f64() * 1e3,
        );
        write_json(n, "native", &json);
    }

    /// DIR/KIND-N.json, when ECLOUD_BENCH_OUT=DIR is set.
    fn write_json(n: u64, kind: &str, json: &str) {
        let Ok(dir) = std::env::var("ECLOUD_BENCH_OUT") else {
            return;
        };
        std::fs::create_dir_all(&dir).expect("ECLOUD_BENCH_OUT is writable");
        std::fs::write(format!("{dir}/{kind}-{n}.json"), json).expect("write the JSON");
    }
}
