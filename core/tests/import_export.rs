//! Export and import of a chain as a JSON file.

mod common;
use common::*;
use ecloud_core::{Chain, ImportError};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[test]
fn export_then_import_gives_an_identical_chain() {
    let sim = sample_run(4, 5);
    let text = sim.chain().to_json();
    let (back, report) = Chain::import_json(&text).unwrap();
    assert_eq!(&back, sim.chain());
    assert!(report.is_valid());
    assert_eq!(back.to_json(), text);
}

#[test]
fn the_export_file_is_laid_out_as_serde_json_pretty_prints() {
    let mut sim = sample_run(4, 5);
    // A name with what the indenting must leave alone inside strings.
    sim.rename(
        ecloud_core::chain::genesis::ANNE,
        "Anne \"{[,:]}\" \\ Zo\u{eb}",
    )
    .unwrap();
    sim.seal().unwrap();
    let text = sim.chain().to_json();
    // What Chain::to_json wrote before it indented compact text itself.
    #[derive(serde::Serialize)]
    struct Out<'a> {
        format: &'a str,
        version: u32,
        blocks: &'a [ecloud_core::Block],
    }
    let pretty = serde_json::to_string_pretty(&Out {
        format: "e-cloud-chain",
        version: 1,
        blocks: sim.chain().blocks(),
    })
    .unwrap();
    assert_eq!(text, pretty);
}

#[test]
fn a_tampered_file_is_refused_naming_the_first_failure() {
    let sim = sample_run(4, 5);
    let mut file: serde_json::Value = serde_json::from_str(&sim.chain().to_json()).unwrap();
    file["blocks"][3]["body"]["ledger"]["members"][1]["balance"] = 999_999.into();
    let err = Chain::import_json(&file.to_string()).unwrap_err();
    let ImportError::Invalid(report) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(report.first_broken(), Some(3));
    let text = err.to_string();
    assert!(
        text.contains("block 3") && text.contains("ledger-hash-mismatch"),
        "{text}"
    );
}

#[test]
fn bad_files_get_a_clear_error_never_a_panic() {
    let cases = [
        ("", "not a readable"),
        ("{not json", "not a readable"),
        ("[1, 2, 3]", "not an E-Cloud chain"),
        (
            r#"{"format":"e-cloud-chain","version":7,"blocks":[]}"#,
            "version 7",
        ),
        (
            r#"{"format":"e-cloud-chain","version":1,"blocks":[]}"#,
            "no blocks",
        ),
        (
            r#"{"format":"e-cloud-chain","version":1,"blocks":[{"header":1}]}"#,
            "not a readable",
        ),
        (
            r#"{"format":"e-cloud-chain","version":1}"#,
            "not a readable",
        ),
    ];
    for (text, says) in cases {
        let err = Chain::import_json(text).unwrap_err();
        assert!(err.to_string().contains(says), "{text:?} gave {err}");
    }
}

#[test]
fn a_file_with_huge_numbers_is_refused_not_crashed() {
    let sim = sample_run(4, 2);
    let mut file: serde_json::Value = serde_json::from_str(&sim.chain().to_json()).unwrap();
    file["blocks"][1]["header"]["period_start_ms"] = u64::MAX.into();
    let err = Chain::import_json(&file.to_string()).unwrap_err();
    assert!(err.to_string().contains("block 1"), "{err}");
}
