//! Writes a long chain into a node's store, for bench/catch-up.mjs: a
//! seeded classroom (the same genesis `ecloud-node` makes from the same
//! flags) run on the core's simulated network for `--blocks` slots ending
//! now, its chain kept in `--data` as a node keeps it. Prints one JSON line:
//! the blocks written, the genesis time to start the nodes with, and how
//! long verifying the chain takes here (`verify_chain`, the fastest of 3).
//!
//!   cargo run --profile native -p ecloud-node --example chain_store -- \
//!       --data DIR --blocks 2000 --members 4 --slot-ms 1000

use ecloud_core::simulation::network::Network;
use ecloud_core::{verify_chain, Block};
use ecloud_node::args::Config;
use ecloud_node::store::Store;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

fn main() -> Result<(), String> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let at = args
        .iter()
        .position(|a| a == "--blocks")
        .ok_or("--blocks N")?;
    let blocks: u64 = args[at + 1].parse().map_err(|_| "--blocks N")?;
    args.drain(at..at + 2);
    let mut config = Config::parse(args)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_millis() as u64;
    // The last simulated slot ends about now, so the nodes started next
    // find the chain's tip current.
    config.start_ms = now - blocks * config.slot_ms;
    let (genesis, keys) = ecloud_node::classroom(&config)?;
    let mut network = Network::new(
        std::sync::Arc::new(genesis),
        keys.into_iter().map(Some).collect(),
        config.class_seed,
    );
    network.run_until(config.start_ms + blocks * config.slot_ms);
    let chain: Vec<Block> = network.node(0).chain_blocks();
    std::fs::create_dir_all(&config.data).map_err(|e| e.to_string())?;
    let store = Store::open(&config.store_path()).map_err(|e| e.to_string())?;
    let arcs: Vec<_> = chain.iter().cloned().map(std::sync::Arc::new).collect();
    store.write(&arcs, None).map_err(|e| e.to_string())?;
    let fastest = (0..3)
        .map(|_| {
            let t = Instant::now();
            assert!(verify_chain(&chain).is_valid());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .fold(f64::INFINITY, f64::min);
    println!(
        "{}",
        serde_json::json!({
            "blocks": chain.len() - 1,
            "start_ms": config.start_ms,
            "verify_ms": fastest,
        })
    );
    Ok(())
}
