mod common;
use common::*;

#[test]
fn a_sample_run_verifies() {
    let sim = sample_run(7, 12);
    let report = sim.verify();
    assert!(report.is_valid(), "{:#?}", report.findings);
    assert_eq!(report.blocks_checked, 13);
}
