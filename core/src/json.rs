//! A JSON tree for the two places that need one: tampering (a block as a
//! tree, edited by JSON pointer) and the export file's format check. It
//! reads, holds and writes exactly what `serde_json::Value` would (objects in
//! key order, the last of a repeated key kept, numbers as serde_json sorts
//! them), so texts and error positions are the same; but its objects are
//! sorted vectors, not `BTreeMap<String, Value>`, whose B-tree code would be
//! in the WebAssembly page for this alone.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// A whole number from 0 up.
    UInt(u64),
    /// A negative whole number.
    Int(i64),
    Float(f64),
    String(String),
    Array(Vec<Json>),
    /// Entries in key order (byte order), each key once.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The value at a JSON pointer (RFC 6901), as `Value::pointer_mut`.
    pub fn pointer_mut(&mut self, pointer: &str) -> Option<&mut Json> {
        if pointer.is_empty() {
            return Some(self);
        }
        if !pointer.starts_with('/') {
            return None;
        }
        pointer
            .split('/')
            .skip(1)
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .try_fold(self, |target, token| match target {
                Json::Object(entries) => entries
                    .iter_mut()
                    .find(|(key, _)| *key == token)
                    .map(|(_, v)| v),
                Json::Array(items) => index(&token).and_then(move |i| items.get_mut(i)),
                _ => None,
            })
    }

    /// An object's value for `key`.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::UInt(n) => Some(*n),
            _ => None,
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Json::UInt(_) | Json::Int(_) | Json::Float(_))
    }
}

/// An array index as a JSON pointer writes it: digits, no sign, no leading zero.
fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::UInt(n) => s.serialize_u64(*n),
            Json::Int(n) => s.serialize_i64(*n),
            Json::Float(f) => s.serialize_f64(*f),
            Json::String(text) => s.serialize_str(text),
            Json::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(u64::try_from(v).map_or(Json::Int(v), Json::UInt))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::UInt(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        // As `Value`: a number that is not finite has no JSON form.
        Ok(if v.is_finite() {
            Json::Float(v)
        } else {
            Json::Null
        })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        Json::deserialize(d)
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries: Vec<(String, Json)> = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        // Key order, the last of a repeated key kept: what a map would hold.
        let order =
            crate::order::sorted_indices(entries.len(), &|a, b| entries[a].0.cmp(&entries[b].0));
        let mut slots: Vec<Option<(String, Json)>> = entries.into_iter().map(Some).collect();
        let mut sorted: Vec<(String, Json)> = Vec::with_capacity(slots.len());
        for i in order {
            if let Some(entry) = slots[i].take() {
                match sorted.last_mut() {
                    Some(last) if last.0 == entry.0 => *last = entry,
                    _ => sorted.push(entry),
                }
            }
        }
        Ok(Json::Object(sorted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// `Json` and `Value` read `text` alike: the same text back, or the same error.
    fn alike(text: &str) {
        let ours: Result<Json, _> = serde_json::from_str(text);
        let theirs: Result<Value, _> = serde_json::from_str(text);
        match (ours, theirs) {
            (Ok(ours), Ok(theirs)) => assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&theirs).unwrap(),
                "{text}"
            ),
            (Err(ours), Err(theirs)) => assert_eq!(ours.to_string(), theirs.to_string(), "{text}"),
            (ours, theirs) => panic!("{text}: {ours:?} vs {theirs:?}"),
        }
    }

    #[test]
    fn it_reads_and_writes_as_serde_json_value_does() {
        for text in [
            r#"{"b":1,"a":[true,null,{"z":"x","y":-2}],"A":1.5,"é":"\u00e9"}"#,
            r#"{"k":1,"a":2,"k":3}"#,
            r#"[18446744073709551615, -9223372036854775808, 18446744073709551616, 1e400, 0.1]"#,
            r#"{"format": "e-cloud-chain", "version": 1, "blocks": []}"#,
            "{\"a\":\"\\ud83d\\ude00\\n\"}",
            "[1, 2",
            "{\"a\" 1}",
            "nul",
            "[] x",
            "\"\\q\"",
            "",
        ] {
            alike(text);
        }
    }

    #[test]
    fn pointers_work_as_serde_json_value_pointers() {
        let text = r#"{"a/b":{"~":[10,11,{"x":1}]},"n":[0,1,2,3,4,5,6,7,8,9,10,11]}"#;
        let mut ours: Json = serde_json::from_str(text).unwrap();
        let mut theirs: Value = serde_json::from_str(text).unwrap();
        for pointer in [
            "",
            "/",
            "a",
            "/a~1b",
            "/a~1b/~0",
            "/a~1b/~0/2/x",
            "/a~1b/~0/3",
            "/n/01",
            "/n/+1",
            "/n/11",
            "/n/1/x",
            "/nope",
        ] {
            let ours = ours
                .pointer_mut(pointer)
                .map(|v| serde_json::to_string(v).unwrap());
            let theirs = theirs.pointer_mut(pointer).map(|v| v.to_string());
            assert_eq!(ours, theirs, "{pointer}");
        }
        let v: Json = serde_json::from_value(json!({"version": 1, "format": "f"})).unwrap();
        assert_eq!(v.get("version").and_then(Json::as_u64), Some(1));
        assert_eq!(v.get("format").and_then(Json::as_str), Some("f"));
        assert_eq!(v.get("nope"), None);
    }
}
