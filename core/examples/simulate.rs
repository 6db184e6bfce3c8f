// A native tool, never in the page: std's sorts cost nothing here.
#![allow(clippy::disallowed_methods)]

//! Runs communities of nodes on a simulated network that fails, one run per
//! seed, and checks after every step that the nodes stay safe, and at the
//! end that they are live. `scripts/simulate` runs it:
//!
//!     scripts/simulate --nodes 5 --seeds 200
//!     scripts/simulate --nodes 4 --seed 17 --faults partition,crash --blocks 60
//!
//! Faults (all by default): delay, loss, duplicate, partition, crash,
//! offline, equivocate, withhold, leave-out. Checked after every step: no
//! two nodes hold different final blocks at one height (under any
//! partition), no panic. At the end: every node's chain verifies (with
//! conservation of energy and tokens at every block); after the last heal
//! all online nodes agree on one tip within `AGREE_SLOTS` slots, and their
//! final block has moved on since. Prints one line per failing seed with the
//! command that reproduces it, and last `K seeds, V violations`; exits 0
//! only when V is 0.

use ecloud_core::chain::genesis::GEORGE;
use ecloud_core::model::block::MARKET_PERIOD_MS;
use ecloud_core::node::{Byzantine, Command, Event};
use ecloud_core::simulation::network::{Conditions, Network};
use ecloud_core::{CommunitySpec, MemberId, Wh};
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use std::collections::HashMap;
use std::process::ExitCode;

/// After the last fault is over, the online nodes agree on one tip within
/// this many slots.
const AGREE_SLOTS: u64 = 8;
/// The run starts here (the seeded start of every run).
const T0: u64 = 1_528_711_200_000;

const ALL_FAULTS: [&str; 9] = [
    "delay",
    "loss",
    "duplicate",
    "partition",
    "crash",
    "offline",
    "equivocate",
    "withhold",
    "leave-out",
];

struct Options {
    nodes: u32,
    seeds: Vec<u64>,
    faults: Vec<String>,
    blocks: u64,
    /// Seeds run at once, one per thread.
    jobs: usize,
}

fn parse() -> Result<Options, String> {
    let mut options = Options {
        nodes: 4,
        seeds: (0..100).collect(),
        faults: ALL_FAULTS.iter().map(|f| f.to_string()).collect(),
        blocks: 40,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--nodes" => options.nodes = value()?.parse().map_err(|e| format!("--nodes: {e}"))?,
            "--seeds" => {
                let n: u64 = value()?.parse().map_err(|e| format!("--seeds: {e}"))?;
                options.seeds = (0..n).collect();
            }
            "--seed" => {
                options.seeds = vec![value()?.parse().map_err(|e| format!("--seed: {e}"))?]
            }
            "--from" => {
                let from: u64 = value()?.parse().map_err(|e| format!("--from: {e}"))?;
                let n = options.seeds.len() as u64;
                options.seeds = (from..from + n).collect();
            }
            "--blocks" => {
                options.blocks = value()?.parse().map_err(|e| format!("--blocks: {e}"))?
            }
            "--faults" => {
                let list = value()?;
                options.faults = if list == "none" {
                    Vec::new()
                } else {
                    list.split(',').map(str::to_string).collect()
                };
                if let Some(bad) = options
                    .faults
                    .iter()
                    .find(|f| !ALL_FAULTS.contains(&f.as_str()))
                {
                    return Err(format!(
                        "unknown fault {bad} (known: {})",
                        ALL_FAULTS.join(",")
                    ));
                }
            }
            "--jobs" => {
                options.jobs = value()?.parse().map_err(|e| format!("--jobs: {e}"))?;
                options.jobs = options.jobs.max(1);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if options.nodes < 2 {
        return Err("--nodes must be at least 2".into());
    }
    Ok(options)
}

/// A community of `n` members: George generates for n - 1 customers in
/// equal shares; each node holds its own member's keys.
fn community(n: u32, seed: u64) -> Network {
    let spec = CommunitySpec::one_generator(n - 1).expect("customers");
    Network::community(&spec, seed, T0).expect("the community starts")
}

/// Steps the network to `until`, checking as blocks turn final that no
/// block is final as two different blocks.
fn advance(
    network: &mut Network,
    until: u64,
    finals: &mut HashMap<u64, ecloud_core::Hash>,
    seen_events: &mut usize,
) -> Result<(), String> {
    while network.now_ms() < until {
        let before = network.now_ms();
        if !network.step() {
            break;
        }
        let events = network.events();
        for (_, peer, event) in &events[*seen_events..] {
            if let Event::Final { hash, height } = event {
                match finals.get(height) {
                    Some(h) if h != hash => {
                        return Err(format!(
                            "block {height} final as {} on node {peer}, as {} elsewhere",
                            hash.to_hex(),
                            h.to_hex()
                        ));
                    }
                    _ => {
                        finals.insert(*height, *hash);
                    }
                }
            }
        }
        *seen_events = events.len();
        if network.now_ms() < before {
            return Err("time went backwards".into());
        }
    }
    Ok(())
}

/// A fault and when it is over.
enum Fault {
    Partition { until: u64 },
    Crash { peer: u32, until: u64 },
    Offline { peer: u32, until: u64 },
}

fn run(options: &Options, seed: u64) -> Result<String, String> {
    let has = |f: &str| options.faults.iter().any(|x| x == f);
    let mut rng = ChaCha20Rng::seed_from_u64(seed ^ 0x5eed);
    let mut network = community(options.nodes, seed);
    let slot = MARKET_PERIOD_MS;
    network.conditions = Conditions {
        delay_ms: if has("delay") {
            rng.next_u64() % (slot / 10)
        } else {
            50
        },
        jitter_ms: if has("delay") {
            rng.next_u64() % (slot / 10)
        } else {
            50
        },
        loss_permille: if has("loss") { rng.next_u32() % 150 } else { 0 },
        duplicate_permille: if has("duplicate") {
            rng.next_u32() % 100
        } else {
            0
        },
    };
    // At most one Byzantine node, and only among more than three, so that
    // fewer than a third of the members are dishonest.
    let byzantine: Vec<&str> = ["equivocate", "withhold", "leave-out"]
        .into_iter()
        .filter(|f| has(f))
        .collect();
    if options.nodes > 3 && !byzantine.is_empty() && rng.next_u32() % 2 == 0 {
        let peer = 1 + rng.next_u32() % (options.nodes - 1);
        let how = match byzantine[rng.next_u32() as usize % byzantine.len()] {
            "equivocate" => Byzantine::Equivocates,
            "withhold" => Byzantine::WithholdsVote,
            _ => Byzantine::LeavesOut(MemberId((peer + 1) % options.nodes)),
        };
        if std::env::var_os("ECLOUD_SIMULATE_TRACE").is_some() {
            println!("node {peer} is Byzantine: {how:?}");
        }
        network.set_byzantine(peer, how);
    }

    // Faults come in the first two thirds of the run; the rest is to heal.
    let fault_end = options.blocks * 2 / 3;
    let mut faults: Vec<Fault> = Vec::new();
    let mut last_fault_over = 0u64;
    let mut finals: HashMap<u64, ecloud_core::Hash> = HashMap::new();
    let mut seen_events = 0;
    let start_ms = network.now_ms();
    for b in 1..=options.blocks {
        let slot_start = start_ms + b * slot;
        // Faults over by now.
        faults.retain(|f| match *f {
            Fault::Partition { until } if b >= until => {
                network.heal();
                false
            }
            Fault::Crash { peer, until } if b >= until => {
                network
                    .restart(peer)
                    .expect("a node restarts from what it saved");
                false
            }
            Fault::Offline { peer, until } if b >= until => {
                network.set_online(peer, true);
                false
            }
            _ => true,
        });
        if b < fault_end && faults.is_empty() {
            let duration = 2 + rng.next_u64() % 10;
            let until = (b + duration).min(fault_end);
            let peer = rng.next_u32() % options.nodes;
            match rng.next_u32() % 4 {
                0 if has("partition") => {
                    let groups: Vec<u32> = (0..options.nodes).map(|_| rng.next_u32() % 2).collect();
                    network.partition(&groups);
                    if std::env::var_os("ECLOUD_SIMULATE_TRACE").is_some() {
                        println!("groups {groups:?}");
                    }
                    faults.push(Fault::Partition { until });
                }
                1 if has("crash") => {
                    network.crash(peer);
                    faults.push(Fault::Crash { peer, until });
                }
                2 if has("offline") => {
                    network.set_online(peer, false);
                    faults.push(Fault::Offline { peer, until });
                }
                _ => {}
            }
            if !faults.is_empty() {
                last_fault_over = until;
                if std::env::var_os("ECLOUD_SIMULATE_TRACE").is_some() {
                    let what = match faults[0] {
                        Fault::Partition { .. } => "partition".to_string(),
                        Fault::Crash { peer, .. } => format!("crash of node {peer}"),
                        Fault::Offline { peer, .. } => format!("node {peer} offline"),
                    };
                    println!(
                        "{} block {b}: {what} until block {until}",
                        (network.now_ms() - T0) / 1000
                    );
                }
            }
        }
        // Half a slot on, when the block before is sealed, George's
        // cryptometer reads (when his node runs).
        advance(
            &mut network,
            slot_start + slot / 2,
            &mut finals,
            &mut seen_events,
        )?;
        let _ = network.command(GEORGE, Command::Generate(Wh(1 + rng.next_u64() % 5_000)));
        advance(
            &mut network,
            slot_start + slot,
            &mut finals,
            &mut seen_events,
        )?;
        network.check_safety().map_err(|v| v.0)?;
        if std::env::var_os("ECLOUD_SIMULATE_TRACE").is_some() {
            let tips: Vec<String> = network
                .nodes()
                .map(|(n, on)| {
                    let tip = n.tip();
                    let ranking = tip
                        .election()
                        .map(|r| {
                            format!(
                                "{:?}",
                                ecloud_core::rules::election::ranked(r)
                                    .iter()
                                    .map(|m| m.0)
                                    .collect::<Vec<_>>()
                            )
                        })
                        .unwrap_or_default();
                    format!(
                        "{}{}@{} by {} next {ranking} final {}",
                        if on { "" } else { "(off)" },
                        tip.height(),
                        &tip.hash.to_hex()[..6],
                        tip.header.sealed_by,
                        n.finalized().height()
                    )
                })
                .collect();
            println!("end of slot {b}: {}", tips.join(" | "));
        }
    }
    // Heal what is left, then the online nodes must agree within a bound.
    network.heal();
    for peer in 0..options.nodes {
        let _ = network.restart(peer);
        network.set_online(peer, true);
    }
    let over = start_ms + (options.blocks.max(last_fault_over) + 1) * slot;
    let final_before = network.node(0).finalized().height();
    network.run_until(over + AGREE_SLOTS * slot);
    network.check_safety().map_err(|v| v.0)?;
    network.check_chains().map_err(|v| v.0)?;
    if std::env::var_os("ECLOUD_SIMULATE_TRACE").is_some() {
        for block in network.node(0).chain() {
            let voters: Vec<u32> = block
                .body
                .transactions
                .iter()
                .filter_map(|t| match &t.body {
                    ecloud_core::TxBody::Vote(v) => Some(v.voter.0),
                    _ => None,
                })
                .collect();
            println!(
                "block {} by {} rank {:?} at +{}s voters {voters:?}",
                block.height(),
                block.header.sealed_by,
                block.header.rank,
                block
                    .header
                    .sealed_at_ms
                    .unwrap_or(0)
                    .saturating_sub(block.header.period_start_ms)
                    / 1000
            );
        }
        for (t, p, e) in network.events() {
            if !matches!(e, Event::Accepted { .. } | Event::NewTip { .. }) {
                println!("{} node {p}: {e:?}", (t - T0) / 1000);
            }
        }
    }
    if !network.agree() {
        let tips: Vec<String> = network
            .nodes()
            .map(|(n, _)| format!("{}@{}", n.tip().height(), &n.tip().hash.to_hex()[..8]))
            .collect();
        return Err(format!(
            "{AGREE_SLOTS} slots after the last fault the nodes follow different tips: {}",
            tips.join(" ")
        ));
    }
    // With everyone connected and honest nodes a quorum, blocks keep
    // becoming final.
    network.run_until(over + (AGREE_SLOTS + 10) * slot);
    let final_after = network.node(0).finalized().height();
    if final_after <= final_before {
        return Err(format!(
            "no block became final in the last 10 slots with everyone connected (final height {final_after})"
        ));
    }
    Ok(format!(
        "height {}, final {}, {} messages",
        network.node(0).tip().height(),
        final_after,
        network.traffic().sent
    ))
}

/// One seed's run, a panic counted as a violation.
fn outcome(options: &Options, seed: u64) -> Result<String, String> {
    std::panic::catch_unwind(|| run(options, seed)).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Err(format!("panic: {why}"))
    })
}

fn main() -> ExitCode {
    let options = match parse() {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("simulate: {e}");
            }
            eprintln!("usage: scripts/simulate [--nodes N] [--seeds K | --seed S] [--from S0] [--faults LIST|none] [--blocks B] [--jobs J]");
            return ExitCode::from(2);
        }
    };
    let faults = if options.faults.is_empty() {
        "none".to_string()
    } else {
        options.faults.join(",")
    };
    let quiet = std::env::var_os("ECLOUD_SIMULATE_VERBOSE").is_none();
    // Seeds are independent: `jobs` threads take them in turn; the lines
    // come out in seed order.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let outcomes: Vec<Vec<(usize, Result<String, String>)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..options.jobs)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&seed) = options.seeds.get(i) else {
                            return done;
                        };
                        done.push((i, outcome(&options, seed)));
                        if (i + 1).is_multiple_of(1_000) {
                            eprintln!("{} seeds run", i + 1);
                        }
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a worker catches its panics"))
            .collect()
    });
    let mut outcomes: Vec<(usize, Result<String, String>)> =
        outcomes.into_iter().flatten().collect();
    outcomes.sort_by_key(|(i, _)| *i);
    let mut violations = 0;
    for (i, outcome) in outcomes {
        let seed = options.seeds[i];
        match outcome {
            Ok(summary) => {
                if !quiet {
                    println!("seed {seed}: ok, {summary}");
                }
            }
            Err(why) => {
                violations += 1;
                println!(
                    "seed {seed}: {why}\n  reproduce: scripts/simulate --nodes {} --seed {seed} --faults {faults} --blocks {}",
                    options.nodes, options.blocks
                );
            }
        }
    }
    println!("{} seeds, {violations} violations", options.seeds.len());
    if violations == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
