//! An exported chain file, as a teacher imports it: parsed, then verified.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok((chain, report)) = ecloud_core::Chain::import_json(text) {
            // Only a chain that verifies is accepted.
            assert!(report.is_valid());
            assert!(chain.verify().is_valid());
        }
    }
});
