//! Edits the tamper panel can make, chosen by the fuzzer: every few bytes
//! pick a block, one of its fields and a new value; the edited chain is
//! verified (and the edited block re-hashed, as a forger without keys
//! would). Verification gives findings or accepts it, never panics.
#![no_main]

use ecloud_core::simulation::tamper::{edited_block, fields, rehashed, Edit};
use ecloud_fuzz::fixed_chain;
use serde_json::Value;

/// A value for a field, from a selector byte and eight bytes of data.
fn value(old: &Value, select: u8, bytes: [u8; 8]) -> Value {
    let n = u64::from_le_bytes(bytes);
    match select % 6 {
        0 => Value::from(n),
        1 => Value::from(n >> (n % 64)),
        2 => Value::from(old.as_u64().unwrap_or(0).wrapping_add(1)),
        3 => Value::from(old.as_u64().unwrap_or(0).wrapping_sub(1)),
        4 => Value::String(format!("{n:x}")),
        _ => match old {
            Value::String(s) => Value::String(s.chars().rev().collect()),
            other => other.clone(),
        },
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut chain = fixed_chain().clone();
    for chunk in data.chunks_exact(12) {
        let height = u64::from(chunk[0]) % chain.len() as u64;
        let block = &chain.blocks()[height as usize];
        let editable = fields(block);
        if editable.is_empty() {
            continue;
        }
        let pick = usize::from(u16::from_le_bytes([chunk[1], chunk[2]])) % editable.len();
        let (pointer, old) = &editable[pick];
        let bytes = chunk[4..12].try_into().expect("eight bytes");
        let edit = Edit {
            height,
            pointer: pointer.clone(),
            value: value(old, chunk[3], bytes),
        };
        if let Ok(mut edited) = edited_block(&chain, &edit) {
            if chunk[3] & 0x80 != 0 {
                if let Ok(again) = rehashed(&edited) {
                    edited = again;
                }
            }
            chain.blocks_mut()[height as usize] = edited;
        }
    }
    let _ = chain.verify();
});
