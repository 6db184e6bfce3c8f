//! Reading a file takes memory in proportion to what it holds, not to what
//! an attacker can pack into it: the format and version are read without
//! building a tree of the file. This test binary counts every allocation.
#![cfg(not(target_arch = "wasm32"))]

use ecloud_core::Chain;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The counters are the whole process's: each test holds this while it runs.
fn alone() -> std::sync::MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// The most memory `f` held at once beyond what was held before it ran.
fn peak_of<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = NOW.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let r = f();
    (r, PEAK.load(Ordering::Relaxed) - before)
}

#[test]
fn numbers_packed_into_an_unknown_field_cost_no_tree() {
    let _alone = alone();
    // 20 MB of small numbers in a field nobody reads, before the format:
    // as a tree (serde_json::Value) that was about 16 bytes of node per
    // byte of text.
    let numbers = "1,".repeat(10_000_000);
    let text =
        format!(r#"{{"junk":[{numbers}1],"format":"e-cloud-chain","version":9,"blocks":[]}}"#);
    let (result, peak) = peak_of(|| Chain::parse_json(&text));
    let err = result.expect_err("version 9 is refused");
    assert!(err.to_string().contains("version 9"), "{err}");
    assert!(
        peak < text.len() / 10,
        "reading {} bytes took {peak} bytes",
        text.len()
    );
}

#[test]
fn numbers_packed_into_a_transaction_cost_no_tree() {
    let _alone = alone();
    // The same inside a transaction body, before its type: a reader that
    // kept every entry until it met the type (serde's derive for an
    // internally tagged enum) held 39 bytes per byte of it.
    let sim = ecloud_core::Simulation::start(
        &ecloud_core::CommunitySpec::default(),
        ecloud_core::Keyring::from_seed_number(1),
        1_700_000_000_000,
    )
    .unwrap();
    let numbers = "1,".repeat(10_000_000);
    let tx = format!(
        r#"{{"id":"{}","body":{{"junk":[{numbers}1],"type":"vote","voter":1,"seq":1,"election":1,"bet":0}},"signature":"{}"}}"#,
        "00".repeat(32),
        "00".repeat(64)
    );
    let text = sim.chain().to_json().replacen(
        r#""transactions": []"#,
        &format!(r#""transactions": [{tx}]"#),
        1,
    );
    let (result, peak) = peak_of(|| Chain::parse_json(&text));
    assert_eq!(result.map(|c| c.len()), Ok(1));
    assert!(
        peak < text.len() / 10,
        "reading {} bytes took {peak} bytes",
        text.len()
    );
}

/// Bytes held by what `make` returns (allocated while it ran and not freed).
fn held_by<R>(make: impl FnOnce() -> R) -> (R, usize) {
    let before = NOW.load(Ordering::Relaxed);
    let r = make();
    (r, NOW.load(Ordering::Relaxed).saturating_sub(before))
}

#[test]
fn four_nodes_in_one_page_share_their_blocks_so_a_block_costs_them_less_than_one_and_a_half_times_what_it_costs_one(
) {
    use ecloud_core::chain::genesis::GEORGE;
    use ecloud_core::model::block::MARKET_PERIOD_MS;
    use ecloud_core::node::{Command, Node};
    use ecloud_core::simulation::network::{node_keys, Network};
    use ecloud_core::{CommunitySpec, Wh};
    const T0: u64 = 1_528_711_200_000;
    let _alone = alone();
    // The Network page's community: four nodes, each with its own state,
    // sharing the blocks they pass each other (immutable, behind an Arc).
    let run = |network: &mut Network, slots: std::ops::RangeInclusive<u64>| {
        for slot in slots {
            network.run_until(T0 + slot * MARKET_PERIOD_MS + MARKET_PERIOD_MS / 2);
            let _ = network.command(GEORGE, Command::Generate(Wh(1_000)));
            network.run_until(T0 + (slot + 1) * MARKET_PERIOD_MS);
            network.take_events();
        }
    };
    let (mut network, four_at_300) = held_by(|| {
        let mut network = Network::community(&CommunitySpec::default(), 1, T0).unwrap();
        run(&mut network, 1..=300);
        network
    });
    let saved_at_300 = network.node(0).save();
    let before = NOW.load(Ordering::Relaxed);
    run(&mut network, 301..=600);
    let four_more = NOW.load(Ordering::Relaxed).saturating_sub(before);
    let saved_at_600 = network.node(0).save();
    assert!(network.node(0).tip().height() >= 590);
    drop(network);
    // One node holding the same chain: George's, restored from what it saved.
    let one = |saved: &str| {
        let (node, held) = held_by(|| Node::restore(saved, Some(node_keys(1, 0)), 1).unwrap());
        drop(node);
        held
    };
    let (one_at_300, one_at_600) = (one(&saved_at_300), one(&saved_at_600));
    let one_more = one_at_600 - one_at_300;
    // What 300 more blocks cost: the blocks once, each node's own state four
    // times (about 1.3x at the time of writing; at 10,000 blocks that makes
    // four nodes hold about 1.3x what one holds, the fixed part aside).
    assert!(
        four_more * 2 <= one_more * 3,
        "300 more blocks: {four_more} bytes more for four nodes, {one_more} for one ({:.2}x); \
         at 300 blocks four held {four_at_300}, one {one_at_300}",
        four_more as f64 / one_more as f64
    );
}
