//! Property tests (native only: proptest does not run in the browser).
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests and benchmarks are not in the page"
)]

mod common;
use common::*;
use ecloud_core::chain::genesis::GEORGE;
use ecloud_core::encoding::split::largest_remainder;
use ecloud_core::{BasisPoints, Block, Chain, Wh};
use proptest::prelude::*;
use serde_json::Value;

#[derive(Clone, Debug)]
enum Op {
    Generate(u64),
    Shares(u32, u32),
    Seal,
    Strategy(u32, u8),
    Online(u32, bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1u64..300_000).prop_map(Op::Generate),
        1 => (0u32..=10_000, 0u32..=10_000).prop_map(|(a, b)| Op::Shares(a, b)),
        2 => Just(Op::Seal),
        1 => (0u32..4, 0u8..=101).prop_map(|(m, p)| Op::Strategy(m, p)),
        1 => (0u32..4, any::<bool>()).prop_map(|(m, on)| Op::Online(m, on)),
    ]
}

/// Weights in basis points that sum to 10,000.
fn weights() -> impl Strategy<Value = Vec<BasisPoints>> {
    prop::collection::vec(0u32..=10_000, 1..8).prop_map(|cuts| {
        let mut cuts: Vec<u32> = cuts.into_iter().map(|c| c.min(10_000)).collect();
        cuts.sort_unstable();
        let mut last = 0;
        let mut out: Vec<BasisPoints> = cuts
            .iter()
            .map(|&c| {
                let w = c - last;
                last = c;
                BasisPoints(w)
            })
            .collect();
        out.push(BasisPoints(10_000 - last));
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn a_split_always_sums_to_the_whole(total in any::<u64>(), w in weights()) {
        let parts = largest_remainder(total, &w);
        prop_assert_eq!(parts.len(), w.len());
        prop_assert_eq!(parts.iter().map(|&p| u128::from(p)).sum::<u128>(), u128::from(total));
        // Each part is its exact share rounded down or up, never further.
        for (p, wt) in parts.iter().zip(&w) {
            let exact_floor = (u128::from(total) * u128::from(wt.0) / 10_000) as u64;
            prop_assert!(*p == exact_floor || *p == exact_floor + 1);
        }
    }

    #[test]
    fn energy_is_conserved_over_any_run(ops in prop::collection::vec(op(), 1..40)) {
        let mut sim = seeded(9);
        for op in ops {
            // Refusals (over capacity, bad tables) are part of the run.
            match op {
                Op::Generate(wh) => { let _ = sim.generate(GEORGE, Wh(wh)); }
                Op::Shares(a, b) => {
                    let (a, b) = (a.min(10_000), b.min(10_000 - a.min(10_000)));
                    let _ = sim.update_shares(GEORGE, table(a, b, 10_000 - a - b));
                }
                Op::Seal => { let _ = sim.seal(); }
                Op::Strategy(m, p) => sim.set_strategy(ecloud_core::MemberId(m), strategy(p)),
                Op::Online(m, on) => sim.set_online(ecloud_core::MemberId(m), on),
            }
            prop_assert_eq!(sim.open_ledger().total_energy(), 1_000_000);
        }
        for m in 0..4 { sim.set_online(ecloud_core::MemberId(m), true); }
        sim.seal().unwrap();
        for b in sim.chain().blocks() {
            prop_assert_eq!(b.ledger().total_energy(), 1_000_000);
        }
        let report = sim.verify();
        prop_assert!(report.is_valid(), "{:#?}", report.findings);
    }

    #[test]
    fn tokens_are_conserved_and_the_last_sealer_never_wins(ops in prop::collection::vec(op(), 1..50)) {
        let mut sim = seeded(10);
        let supply = sim.ledger().total_tokens();
        for op in ops {
            match op {
                Op::Generate(wh) => { let _ = sim.generate(GEORGE, Wh(wh)); }
                Op::Shares(..) => {}
                Op::Seal => { let _ = sim.seal(); }
                Op::Strategy(m, p) => sim.set_strategy(ecloud_core::MemberId(m), strategy(p)),
                Op::Online(m, on) => sim.set_online(ecloud_core::MemberId(m), on),
            }
        }
        for b in sim.chain().blocks() {
            // free + frozen + staked = genesis supply + everything minted
            prop_assert_eq!(b.ledger().total_tokens(), supply + u128::from(b.ledger().minted.0));
            if let Some(e) = b.election() {
                prop_assert_ne!(e.winner, b.header.sealed_by);
                prop_assert!(e.candidates.iter().all(|c| c.member != b.header.sealed_by));
            }
        }
        prop_assert!(sim.verify().is_valid());
    }
}

/// 0 to 100: a fixed percentage; 101: the seed's random rule.
fn strategy(p: u8) -> ecloud_core::Strategy {
    match p {
        0..=100 => ecloud_core::Strategy::FixedPercent { percent: p },
        _ => ecloud_core::Strategy::RandomPercent,
    }
}

/// Every path to a leaf (number, string, bool) in a JSON value.
fn leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                path.push(k.clone());
                leaves(v, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                path.push(i.to_string());
                leaves(v, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

fn leaf_mut<'v>(v: &'v mut Value, path: &[String]) -> &'v mut Value {
    path.iter().fold(v, |v, key| match v {
        Value::Array(a) => &mut a[key.parse::<usize>().unwrap()],
        Value::Object(m) => m.get_mut(key).unwrap(),
        _ => unreachable!(),
    })
}

/// Changes a leaf to a different value of the same kind, keeping hex hex.
fn nudge(v: &mut Value, salt: usize) {
    match v {
        Value::Number(n) => {
            let x = n.as_u64().unwrap();
            *v = Value::from(if x > 0 { x - 1 } else { x + 1 });
        }
        Value::String(s) if !s.is_empty() => {
            let i = salt % s.len();
            let mut bytes = s.clone().into_bytes();
            bytes[i] = match bytes[i] {
                b'0' => b'1',
                b'a'..=b'e' | b'0'..=b'8' => bytes[i] + 1,
                b'f' => b'0',
                b'9' => b'a',
                b'A'..=b'Y' | b'a'..=b'y' => bytes[i] + 1,
                _ => b'x',
            };
            *s = String::from_utf8(bytes).unwrap();
        }
        Value::String(s) => s.push('x'),
        Value::Bool(b) => *b = !*b,
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn changing_any_single_field_of_any_block_breaks_exactly_that_block(
        block_pick in any::<prop::sample::Index>(),
        leaf_pick in any::<prop::sample::Index>(),
        salt in any::<usize>(),
    ) {
        let sim = sample_run(21, 5);
        let chain = sim.chain();
        let k = block_pick.index(chain.len());
        let mut value = serde_json::to_value(&chain.blocks()[k]).unwrap();
        let mut paths = Vec::new();
        leaves(&value, &mut Vec::new(), &mut paths);
        let path = &paths[leaf_pick.index(paths.len())];
        nudge(leaf_mut(&mut value, path), salt);
        // Some nudges make text that is no longer a block at all (an enum
        // tag, a role kind); that is the import's business, not this one's.
        let tampered: Result<Block, _> = serde_json::from_value(value);
        prop_assume!(tampered.is_ok());
        let mut blocks = chain.blocks().to_vec();
        blocks[k] = tampered.unwrap();
        prop_assume!(blocks[k] != chain.blocks()[k]);
        let tampered = Chain::from_blocks_unchecked(blocks).unwrap();
        let report = tampered.verify();
        prop_assert_eq!(report.first_broken(), Some(k as u64), "field {:?}: {:#?}", path, report.findings);
        for later in k + 1..chain.len() {
            prop_assert!(codes_at(&report, later as u64).contains(&"descendant-of-broken"));
        }
    }
}
