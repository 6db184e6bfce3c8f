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
