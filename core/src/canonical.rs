//! The canonical encoding that is hashed and signed (SPEC section 6): JSON
//! with object keys sorted, no whitespace, UTF-8, integers only: RFC 8785 on
//! integer-only data.
//!
//! Key order is enforced here rather than trusted to serde_json's map type,
//! because another crate in the build turning on serde_json's
//! `preserve_order` feature would silently change every hash.

use serde::Serialize;
use serde_json::Value;
use std::fmt::Write;

/// Why a value has no canonical encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CanonicalError {
    /// A float or a number outside the integers JSON readers agree on.
    NotAnInteger(String),
    Serialize(String),
}

impl std::fmt::Display for CanonicalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CanonicalError::NotAnInteger(n) => {
                write!(f, "{n} is not an integer the canonical form can carry")
            }
            CanonicalError::Serialize(e) => write!(f, "cannot encode: {e}"),
        }
    }
}

/// The canonical JSON text of `value`.
pub fn to_canonical<T: Serialize + ?Sized>(value: &T) -> Result<String, CanonicalError> {
    let value =
        serde_json::to_value(value).map_err(|e| CanonicalError::Serialize(e.to_string()))?;
    let mut out = String::new();
    write_value(&value, &mut out)?;
    Ok(out)
}

fn write_value(value: &Value, out: &mut String) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            // RFC 8785 writes numbers as IEEE doubles would; integers up to
            // 2^53 are the ones that survive that unchanged.
            const SAFE: u64 = 1 << 53;
            match (n.as_u64(), n.as_i64()) {
                (Some(u), _) if u <= SAFE => write!(out, "{u}").expect("write to String"),
                (None, Some(i)) if i.unsigned_abs() <= SAFE => {
                    write!(out, "{i}").expect("write to String")
                }
                _ => return Err(CanonicalError::NotAnInteger(n.to_string())),
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            // RFC 8785 sorts keys by UTF-16 code units; for the ASCII keys
            // E-Cloud uses this equals byte order, but be exact anyway.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_value(item, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < '\u{20}' => write!(out, "\\u{:04x}", c as u32).expect("write to String"),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn keys_are_sorted_and_there_is_no_whitespace() {
        let v = json!({"b": 1, "a": [true, null, {"z": "x", "y": 2}], "A": -3});
        assert_eq!(
            to_canonical(&v).unwrap(),
            r#"{"A":-3,"a":[true,null,{"y":2,"z":"x"}],"b":1}"#
        );
    }

    #[test]
    fn strings_escape_as_rfc_8785_says() {
        let v = json!("Zo\u{eb} \"q\" \\ \n\u{1f} /");
        assert_eq!(
            to_canonical(&v).unwrap(),
            "\"Zo\u{eb} \\\"q\\\" \\\\ \\n\\u001f /\""
        );
    }

    #[test]
    fn floats_and_unsafe_integers_are_refused() {
        assert!(matches!(
            to_canonical(&json!(0.5)),
            Err(CanonicalError::NotAnInteger(_))
        ));
        assert!(matches!(
            to_canonical(&json!(u64::MAX)),
            Err(CanonicalError::NotAnInteger(_))
        ));
        assert_eq!(
            to_canonical(&json!(1u64 << 53)).unwrap(),
            "9007199254740992"
        );
    }
}
