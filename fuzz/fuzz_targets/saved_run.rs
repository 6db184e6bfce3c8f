//! A saved run, as the page restores it after a reload: whatever it holds,
//! a restored run must go on sealing blocks that verify. The same bytes as
//! a rest record, as the page reopens a run kept one record per block: over
//! a valid chain, reopened or refused with a reason, and a reopened run
//! seals blocks that verify too; and as what a following tab takes from
//! the writing tab's store.
#![no_main]

use ecloud_core::Simulation;
use ecloud_fuzz::fixed_chain;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(mut sim) = Simulation::restore(text) {
        assert!(sim.verify().is_valid(), "a restored run verifies");
        // The page's next seal: refused with a reason or sealed; if sealed, the
        // chain still verifies (a restored run never seals a bad block).
        if sim.seal().is_ok() {
            assert!(
                sim.verify().is_valid(),
                "a block sealed after a restore verifies"
            );
        }
    }
    let chain = fixed_chain();
    if let Ok((mut sim, report)) = Simulation::reopen(text, chain.clone(), 16) {
        assert!(report.is_valid(), "the chain's newest blocks verify");
        if sim.seal().is_ok() {
            assert!(
                sim.verify().is_valid(),
                "a block sealed after a reopen verifies"
            );
        }
        // A follower handed the same record again with nothing sealed
        // since: it takes it or refuses it whole.
        let before = sim.chain().len();
        let _ = sim.follow(Vec::new(), text);
        assert_eq!(sim.chain().len(), before);
    }
});
