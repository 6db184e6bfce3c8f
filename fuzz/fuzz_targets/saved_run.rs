//! A saved run, as the page restores it after a reload: whatever it holds,
//! a restored run must go on sealing blocks that verify.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut sim) = ecloud_core::Simulation::restore(text) else {
        return;
    };
    assert!(sim.verify().is_valid(), "a restored run verifies");
    // The page's next seal: refused with a reason or sealed; if sealed, the
    // chain still verifies (a restored run never seals a bad block).
    if sim.seal().is_ok() {
        assert!(
            sim.verify().is_valid(),
            "a block sealed after a restore verifies"
        );
    }
});
