//! Every single-field edit the tamper panel can make, on every field of
//! every block of a few valid chains, with values chosen to sit on the
//! edges (0, one more, one less, 2^53, 2^53 + 1, 2^64 - 1, text):
//! verification gives findings or accepts the chain, and never panics.
//!
//! The page runs without overflow checks, the tests with them; the verdicts
//! must not depend on it. With `ECLOUD_VERDICTS=FILE` this test writes
//! every verdict to FILE, or, when FILE exists, compares them with it:
//! scripts/test runs it once in the test profile and once in the
//! `unchecked` profile (the page's arithmetic).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use ecloud_core::simulation::tamper::{edited_block, fields, Edit};
use ecloud_core::Chain;
use serde_json::Value;

/// The values tried in place of `old`.
fn candidates(old: &Value) -> Vec<Value> {
    let mut values = vec![
        Value::from(0u64),
        Value::from(1u64 << 53),
        Value::from((1u64 << 53) + 1),
        Value::from(u64::MAX),
        Value::from("x"),
    ];
    if let Some(n) = old.as_u64() {
        values.push(Value::from(n.wrapping_add(1)));
        values.push(Value::from(n.wrapping_sub(1)));
    }
    if let Some(s) = old.as_str() {
        let mut flipped: Vec<char> = s.chars().collect();
        if let Some(c) = flipped.first_mut() {
            *c = if *c == 'a' { 'b' } else { 'a' };
        }
        values.push(Value::from(flipped.into_iter().collect::<String>()));
    }
    values
}

/// One line per edit: where, what, and the report's findings.
fn verdicts(chain: &Chain, name: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for (height, block) in chain.blocks().iter().enumerate() {
        for (pointer, old) in fields(block) {
            for value in candidates(&old) {
                let edit = Edit {
                    height: height as u64,
                    pointer: pointer.clone(),
                    value: value.clone(),
                };
                let verdict = match edited_block(chain, &edit) {
                    Err(e) => format!("refused: {e}"),
                    Ok(edited) => {
                        let mut c = chain.clone();
                        c.blocks_mut()[height] = edited;
                        let report = c.verify();
                        report
                            .findings
                            .iter()
                            .map(|f| format!("{} {} {}", f.height, f.check.code(), f.message))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    }
                };
                // A changed value breaks something (or does not fit).
                assert!(
                    value == old || !verdict.is_empty(),
                    "{name}: block {height}'s {pointer} = {value} went unnoticed"
                );
                lines.push(format!("{name} {height} {pointer} = {value}: {verdict}"));
            }
        }
    }
    lines
}

#[test]
fn every_edit_of_every_field_gets_a_verdict_whatever_the_arithmetic() {
    let mut lines = Vec::new();
    for (name, seed, blocks) in [("a", 3, 4), ("b", 8, 6)] {
        let chain = sample_run(seed, blocks).chain().clone();
        lines.extend(verdicts(&chain, name));
    }
    assert!(lines.len() > 2_000, "{} edits", lines.len());
    let Ok(path) = std::env::var("ECLOUD_VERDICTS") else {
        return;
    };
    let text = lines.join("\n");
    match std::fs::read_to_string(&path) {
        Ok(before) => {
            let first_difference = before.lines().zip(text.lines()).find(|(a, b)| a != b);
            assert!(
                before == text,
                "the verdicts differ from {path}'s: {first_difference:?}"
            );
        }
        Err(_) => std::fs::write(&path, text).expect("the verdicts file"),
    }
}
