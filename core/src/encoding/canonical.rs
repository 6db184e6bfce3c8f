//! The canonical encoding that is hashed and signed (SPEC section 6): JSON
//! with object keys sorted, no whitespace, UTF-8, integers only: RFC 8785 on
//! integer-only data.
//!
//! [`to_canonical`] writes it in one pass: each object's entries are written
//! in the order serde gives them and, unless that is already key order,
//! moved into key order when the object closes. [`to_canonical_reference`]
//! is the slow and obvious definition (a `serde_json::Value` tree, written
//! with sorted keys); the tests hold the two equal. Key order is enforced
//! here rather than trusted to serde_json's map type, because another crate
//! in the build turning on serde_json's `preserve_order` feature would
//! silently change every hash.

use crate::encoding::order::sort_indices_into;
use serde::ser::{self, Serialize, Serializer};
use serde_json::Value;
use std::cmp::Ordering;
use std::fmt::{self, Write};
use std::ops::Range;

/// Why a value has no canonical encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CanonicalError {
    /// A float, or an integer beyond 2^53 (the integers every JSON reader
    /// agrees on).
    NotAnInteger(String),
    /// Something JSON cannot carry (a map key that is not a string) or an
    /// error from a `Serialize` impl.
    Serialize(String),
}

impl fmt::Display for CanonicalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CanonicalError::NotAnInteger(n) => {
                write!(f, "{n} is not an integer the canonical form can carry")
            }
            CanonicalError::Serialize(e) => write!(f, "cannot encode: {e}"),
        }
    }
}

impl std::error::Error for CanonicalError {}

impl ser::Error for CanonicalError {
    fn custom<M: fmt::Display>(msg: M) -> CanonicalError {
        CanonicalError::Serialize(msg.to_string())
    }
}

/// Integers up to 2^53 in magnitude are the ones that survive RFC 8785's
/// IEEE doubles.
pub const MAX_SAFE: u64 = 1 << 53;

/// The canonical JSON text of `value`.
pub fn to_canonical<T: Serialize + ?Sized>(value: &T) -> Result<String, CanonicalError> {
    let mut out = String::new();
    write_canonical(value, &mut out)?;
    Ok(out)
}

/// Appends the canonical JSON text of `value` to `out` (on an error, `out`
/// is left as it was). The encoder's working memory is kept from call to
/// call: verification encodes a ledger and every transaction of every
/// block, and allocating it afresh each time made it twice as slow.
pub fn write_canonical<T: Serialize + ?Sized>(
    value: &T,
    out: &mut String,
) -> Result<(), CanonicalError> {
    thread_local! {
        static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::default();
    }
    BUFFERS.with(|buffers| {
        // A `Serialize` impl that encodes canonically inside its own
        // `serialize` (none of ours does) gets working memory of its own.
        let mut spare = Buffers::default();
        let mut held = buffers.try_borrow_mut();
        let buffers = match &mut held {
            Ok(buffers) => &mut **buffers,
            Err(_) => &mut spare,
        };
        let start = out.len();
        buffers.clear();
        let result = value.serialize(Encoder { out, buffers });
        if result.is_err() {
            out.truncate(start);
        }
        result
    })
}

/// The canonical JSON text of `value`, the slow and obvious way: through a
/// `serde_json::Value` tree, then written with sorted keys. The definition
/// [`to_canonical`] must agree with, byte for byte, on integer-only data.
pub fn to_canonical_reference<T: Serialize + ?Sized>(value: &T) -> Result<String, CanonicalError> {
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
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) if u <= MAX_SAFE => write!(out, "{u}").expect("write to String"),
            (None, Some(i)) if i.unsigned_abs() <= MAX_SAFE => {
                write!(out, "{i}").expect("write to String")
            }
            _ => return Err(CanonicalError::NotAnInteger(n.to_string())),
        },
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
            let entries: Vec<(&String, &Value)> = map.iter().collect();
            let entries = crate::encoding::order::sorted_by(&entries, &|a, b| {
                key_order(a.0.as_bytes(), b.0.as_bytes())
            });
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

/// A JSON string: only '"', '\\' and control characters are escaped, the
/// short forms where JSON has them.
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    // Most strings (names, hex digests) need no escape at all.
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0c => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        // Every byte of a multi-byte UTF-8 character is 0x80 or above, so
        // `i` is always at a character boundary here.
        out.push_str(&s[run..i]);
        if escape.is_empty() {
            write!(out, "\\u{b:04x}").expect("write to String");
        } else {
            out.push_str(escape);
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// RFC 8785 orders keys by their UTF-16 code units. UTF-8 bytes compare as
/// code points do, and code points compare as UTF-16 does except between a
/// character from U+E000 to U+FFFF (UTF-8 lead byte 0xEE or 0xEF) and one
/// past U+FFFF (lead byte 0xF0 to 0xF4), which UTF-16 writes as surrogates
/// (0xD800 to 0xDFFF) and so sorts first. At the first byte where two keys
/// differ both are at the start of a character or inside characters with
/// the same lead byte, so that one byte decides.
fn key_order(a: &[u8], b: &[u8]) -> Ordering {
    for (&x, &y) in a.iter().zip(b) {
        if x != y {
            let bmp_top = |c: u8| c == 0xee || c == 0xef;
            let astral = |c: u8| c >= 0xf0;
            return if (bmp_top(x) && astral(y)) || (astral(x) && bmp_top(y)) {
                y.cmp(&x)
            } else {
                x.cmp(&y)
            };
        }
    }
    a.len().cmp(&b.len())
}

fn integer(out: &mut String, magnitude: u128, negative: bool) -> Result<(), CanonicalError> {
    if magnitude > u128::from(MAX_SAFE) {
        let sign = if negative { "-" } else { "" };
        return Err(CanonicalError::NotAnInteger(format!("{sign}{magnitude}")));
    }
    if negative {
        out.push('-');
    }
    // At most 2^53 here, so a u64.
    out.push_str(itoa::Buffer::new().format(magnitude as u64));
    Ok(())
}

/// A float is never an integer the canonical form carries. Named as
/// serde_json writes it (ryu), which is in the page anyway: the standard
/// library's float formatting would add 7 KB to it.
fn not_an_integer(v: f64) -> CanonicalError {
    CanonicalError::NotAnInteger(match serde_json::Number::from_f64(v) {
        Some(n) => n.to_string(),
        None => "a number that is not finite".to_string(),
    })
}

/// The encoder's working memory, shared by every object being written and
/// kept from call to call (see [`write_canonical`]).
#[derive(Default)]
struct Buffers {
    /// The keys of every object being written, one after the other.
    keys: String,
    /// The entries of every object being written: each one's key (a range
    /// of `keys`) and its text `"key":value` (a range of the output).
    entries: Vec<(Range<usize>, Range<usize>)>,
    /// An object's entries while they are put in key order.
    scratch: String,
    /// The order an object's entries are written in.
    order: Vec<usize>,
}

impl Buffers {
    fn clear(&mut self) {
        self.keys.clear();
        self.entries.clear();
        self.scratch.clear();
    }
}

/// Writes one value into `out`.
struct Encoder<'o> {
    out: &'o mut String,
    buffers: &'o mut Buffers,
}

impl Encoder<'_> {
    /// An encoder for a value inside this one.
    fn inner(&mut self) -> Encoder<'_> {
        Encoder {
            out: &mut *self.out,
            buffers: &mut *self.buffers,
        }
    }
}

impl<'o> Serializer for Encoder<'o> {
    type Ok = ();
    type Error = CanonicalError;
    type SerializeSeq = Array<'o>;
    type SerializeTuple = Array<'o>;
    type SerializeTupleStruct = Array<'o>;
    type SerializeTupleVariant = Array<'o>;
    type SerializeMap = Object<'o>;
    type SerializeStruct = Object<'o>;
    type SerializeStructVariant = Object<'o>;

    fn serialize_bool(self, v: bool) -> Result<(), CanonicalError> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), CanonicalError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), CanonicalError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), CanonicalError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), CanonicalError> {
        integer(self.out, v.unsigned_abs().into(), v < 0)
    }
    fn serialize_i128(self, v: i128) -> Result<(), CanonicalError> {
        integer(self.out, v.unsigned_abs(), v < 0)
    }
    fn serialize_u8(self, v: u8) -> Result<(), CanonicalError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), CanonicalError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), CanonicalError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), CanonicalError> {
        integer(self.out, v.into(), false)
    }
    fn serialize_u128(self, v: u128) -> Result<(), CanonicalError> {
        integer(self.out, v, false)
    }
    fn serialize_f32(self, v: f32) -> Result<(), CanonicalError> {
        Err(not_an_integer(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<(), CanonicalError> {
        Err(not_an_integer(v))
    }
    fn serialize_char(self, v: char) -> Result<(), CanonicalError> {
        write_string(v.encode_utf8(&mut [0; 4]), self.out);
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), CanonicalError> {
        write_string(v, self.out);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), CanonicalError> {
        // As serde_json writes bytes: an array of numbers.
        v.serialize(self)
    }
    fn serialize_none(self) -> Result<(), CanonicalError> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), CanonicalError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), CanonicalError> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), CanonicalError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), CanonicalError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), CanonicalError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), CanonicalError> {
        // `{"variant":value}`: one key, already in order.
        self.out.push('{');
        write_string(variant, self.out);
        self.out.push(':');
        v.serialize(self.inner())?;
        self.out.push('}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Array<'o>, CanonicalError> {
        self.out.push('[');
        Ok(Array {
            encoder: self,
            empty: true,
            in_variant: false,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Array<'o>, CanonicalError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Array<'o>, CanonicalError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Array<'o>, CanonicalError> {
        self.out.push('{');
        write_string(variant, self.out);
        self.out.push(':');
        let mut array = self.serialize_seq(Some(len))?;
        array.in_variant = true;
        Ok(array)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Object<'o>, CanonicalError> {
        Ok(Object::open(self, false))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object<'o>, CanonicalError> {
        Ok(Object::open(self, false))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Object<'o>, CanonicalError> {
        self.out.push('{');
        write_string(variant, self.out);
        self.out.push(':');
        Ok(Object::open(self, true))
    }
}

/// An array being written; `in_variant`: inside `{"variant":...}`.
struct Array<'o> {
    encoder: Encoder<'o>,
    empty: bool,
    in_variant: bool,
}

impl Array<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), CanonicalError> {
        if !self.empty {
            self.encoder.out.push(',');
        }
        self.empty = false;
        v.serialize(self.encoder.inner())
    }

    fn close(self) -> Result<(), CanonicalError> {
        self.encoder.out.push(']');
        if self.in_variant {
            self.encoder.out.push('}');
        }
        Ok(())
    }
}

impl ser::SerializeSeq for Array<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), CanonicalError> {
        self.element(v)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

impl ser::SerializeTuple for Array<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), CanonicalError> {
        self.element(v)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Array<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), CanonicalError> {
        self.element(v)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

impl ser::SerializeTupleVariant for Array<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), CanonicalError> {
        self.element(v)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

/// An object being written: its entries go to the output as they come
/// (`"key":value`, comma-separated), and `close` puts them in key order.
struct Object<'o> {
    encoder: Encoder<'o>,
    /// Where the first entry starts in the output (just after the `{`).
    body: usize,
    /// Where this object's keys and entries start in the shared buffers.
    first_key: usize,
    first_entry: usize,
    /// Inside `{"variant":...}`: one more `}` at the end.
    in_variant: bool,
    /// A map's key, waiting for its value.
    pending_key: Option<Range<usize>>,
}

impl<'o> Object<'o> {
    fn open(encoder: Encoder<'o>, in_variant: bool) -> Object<'o> {
        encoder.out.push('{');
        Object {
            body: encoder.out.len(),
            first_key: encoder.buffers.keys.len(),
            first_entry: encoder.buffers.entries.len(),
            encoder,
            in_variant,
            pending_key: None,
        }
    }

    fn key(&mut self, key: &str) -> Range<usize> {
        let keys = &mut self.encoder.buffers.keys;
        let start = keys.len();
        keys.push_str(key);
        start..keys.len()
    }

    fn entry<T: Serialize + ?Sized>(
        &mut self,
        key: Range<usize>,
        v: &T,
    ) -> Result<(), CanonicalError> {
        if self.encoder.buffers.entries.len() > self.first_entry {
            self.encoder.out.push(',');
        }
        let start = self.encoder.out.len();
        write_string(&self.encoder.buffers.keys[key.clone()], self.encoder.out);
        self.encoder.out.push(':');
        v.serialize(self.encoder.inner())?;
        let end = self.encoder.out.len();
        self.encoder.buffers.entries.push((key, start..end));
        Ok(())
    }

    /// Writes the entries again in key order, unless they are in it
    /// already; of two entries with one key the later is kept, as a JSON
    /// reader keeps it.
    fn close(self) -> Result<(), CanonicalError> {
        let Encoder { out, buffers } = self.encoder;
        let Buffers {
            keys,
            entries,
            scratch,
            order,
        } = buffers;
        let entries = &entries[self.first_entry..];
        let key = |i: usize| &keys.as_bytes()[entries[i].0.clone()];
        let in_order = (1..entries.len()).all(|i| key_order(key(i - 1), key(i)) == Ordering::Less);
        if !in_order {
            // A stable sort: entries with one key stay in the order written.
            sort_indices_into(order, entries.len(), &|a, b| key_order(key(a), key(b)));
            scratch.clear();
            scratch.push_str(&out[self.body..]);
            out.truncate(self.body);
            let mut first = true;
            for (n, &i) in order.iter().enumerate() {
                if order.get(n + 1).is_some_and(|&next| key(next) == key(i)) {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                let text = &entries[i].1;
                out.push_str(&scratch[text.start - self.body..text.end - self.body]);
            }
        }
        out.push('}');
        if self.in_variant {
            out.push('}');
        }
        buffers.entries.truncate(self.first_entry);
        buffers.keys.truncate(self.first_key);
        Ok(())
    }
}

impl ser::SerializeStruct for Object<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), CanonicalError> {
        let key = self.key(key);
        self.entry(key, v)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

impl ser::SerializeStructVariant for Object<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), CanonicalError> {
        let key = self.key(key);
        self.entry(key, v)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), CanonicalError> {
        let mut text = String::new();
        key.serialize(Encoder {
            out: &mut text,
            buffers: &mut *self.encoder.buffers,
        })?;
        // Only a string is a key: its JSON text without the quotes, unescaped.
        let key: String = serde_json::from_str(&text)
            .map_err(|_| CanonicalError::Serialize("key must be a string".into()))?;
        self.pending_key = Some(self.key(&key));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), CanonicalError> {
        let key = self
            .pending_key
            .take()
            .ok_or_else(|| CanonicalError::Serialize("a map value without its key".into()))?;
        self.entry(key, v)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

#[cfg(test)]
#[allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are not in the page"
)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Both encoders on `v`: the same text, or both refuse it.
    fn agree<T: Serialize + ?Sized>(v: &T) -> Result<String, CanonicalError> {
        let fast = to_canonical(v);
        let reference = to_canonical_reference(v);
        match (&fast, &reference) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Err(_), Err(_)) => {}
            _ => panic!("one pass {fast:?}, reference {reference:?}"),
        }
        fast
    }

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
        agree(&json!("\u{0}\u{1f}\u{7f}\t\r\n\u{8}\u{c}\"\\/é😀")).unwrap();
    }

    #[test]
    fn floats_and_unsafe_integers_are_refused() {
        let refused = |e: Result<String, CanonicalError>| {
            assert!(matches!(e, Err(CanonicalError::NotAnInteger(_))), "{e:?}")
        };
        refused(to_canonical(&0.5));
        refused(to_canonical(&u64::MAX));
        refused(to_canonical(&[(1i64 << 53) + 1]));
        refused(to_canonical(&(-(1i64 << 53) - 1)));
        refused(to_canonical(&u128::MAX));
        assert_eq!(to_canonical(&(1u64 << 53)).unwrap(), "9007199254740992");
        assert_eq!(to_canonical(&-(1i64 << 53)).unwrap(), "-9007199254740992");
        assert_eq!(
            to_canonical(&u64::MAX).unwrap_err().to_string(),
            "18446744073709551615 is not an integer the canonical form can carry"
        );
    }

    #[derive(Serialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum Tagged {
        Unit,
        Fields { zeta: u8, alpha: Option<i32> },
        Inner(Inner),
    }

    #[derive(Serialize)]
    struct Inner {
        y: Vec<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        b: (i8, char),
    }

    #[derive(Serialize)]
    enum External {
        Unit,
        Newtype(u16),
        Tuple(u8, String),
        Struct { z: bool, a: () },
    }

    /// A map of `n` entries written in reverse key order, each key twice
    /// (the first with a wrong value).
    struct Many(u32);
    impl Serialize for Many {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(None)?;
            for i in (0..self.0).rev() {
                m.serialize_entry(&format!("k{i:03}"), &0)?;
                m.serialize_entry(&format!("k{i:03}"), &i)?;
            }
            m.end()
        }
    }

    #[test]
    fn small_and_large_objects_sort_alike_and_the_last_of_a_key_wins() {
        for n in [0, 1, 2, 15, 16, 17, 40, 300] {
            let text = agree(&Many(n)).unwrap();
            let want: Vec<String> = (0..n).map(|i| format!("\"k{i:03}\":{i}")).collect();
            assert_eq!(text, format!("{{{}}}", want.join(",")), "{n} keys");
        }
    }

    #[test]
    fn the_one_pass_encoder_agrees_with_the_reference_on_every_shape() {
        let inner = Inner {
            y: vec![1, 1 << 53],
            skipped: None,
            b: (-128, '\u{7}'),
        };
        assert_eq!(
            agree(&Tagged::Inner(inner)).unwrap(),
            r#"{"b":[-128,"\u0007"],"type":"inner","y":[1,9007199254740992]}"#
        );
        agree(&Tagged::Unit).unwrap();
        agree(&Tagged::Fields {
            zeta: 255,
            alpha: None,
        })
        .unwrap();
        assert_eq!(
            agree(&[
                External::Unit,
                External::Newtype(7),
                External::Tuple(1, "t".into()),
                External::Struct { z: true, a: () },
            ])
            .unwrap(),
            r#"["Unit",{"Newtype":7},{"Tuple":[1,"t"]},{"Struct":{"a":null,"z":true}}]"#
        );
        // U+E000 sorts after U+10000 in UTF-8 but before it in UTF-16.
        assert_eq!(
            agree(&json!({"\u{10000}": 1, "\u{e000}": 2, "é": 3, "z": 4})).unwrap(),
            "{\"z\":4,\"é\":3,\"\u{10000}\":1,\"\u{e000}\":2}"
        );
        agree(&json!([i64::MIN, -(1i64 << 53), (1i64 << 53) + 1])).unwrap_err();
        agree(&json!([-(1i64 << 53), 0, -1])).unwrap();
        agree(&(1u128, -1i128)).unwrap();
        agree(&json!({})).unwrap();
        agree(&json!([])).unwrap();
        agree(&json!({"b": {"d": {}, "c": []}, "a": null})).unwrap();
        let mut by_name = std::collections::BTreeMap::new();
        by_name.insert("ten", 10);
        by_name.insert("nine", 9);
        assert_eq!(agree(&by_name).unwrap(), r#"{"nine":9,"ten":10}"#);
    }

    #[test]
    fn a_key_that_is_not_a_string_is_refused() {
        let mut by_number = std::collections::BTreeMap::new();
        by_number.insert(10u32, "ten");
        assert_eq!(
            to_canonical(&by_number),
            Err(CanonicalError::Serialize("key must be a string".into()))
        );
    }

    #[test]
    fn keys_sort_by_utf_16_code_units() {
        let keys = [
            "",
            "a",
            "ab",
            "b",
            "\u{7ff}",
            "\u{d7ff}",
            "\u{10000}",
            "\u{10ffff}",
            "\u{e000}",
            "\u{ffff}",
        ];
        for a in keys {
            for b in keys {
                assert_eq!(
                    key_order(a.as_bytes(), b.as_bytes()),
                    a.encode_utf16().cmp(b.encode_utf16()),
                    "{a:?} vs {b:?}"
                );
            }
        }
    }

    #[test]
    fn an_impl_s_own_error_stops_the_encoding() {
        struct Fails;
        impl Serialize for Fails {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::{Error, SerializeSeq};
                let mut seq = s.serialize_seq(None)?;
                seq.serialize_element(&1)?;
                Err(S::Error::custom("no"))
            }
        }
        assert_eq!(
            to_canonical(&Fails),
            Err(CanonicalError::Serialize("no".into()))
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Integer-only JSON values, some past 2^53.
        fn value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<u64>().prop_map(|n| json!(n >> (n % 16))),
                any::<i64>().prop_map(|n| json!(n >> (n.rem_euclid(16)))),
                ".{0,6}".prop_map(Value::String),
            ];
            leaf.prop_recursive(4, 48, 6, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                    prop::collection::btree_map("[a-cé\u{e000}\u{10000}\"]{0,3}", inner, 0..6)
                        .prop_map(|m| Value::Object(m.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #[test]
            fn the_one_pass_encoder_agrees_with_the_reference(v in value()) {
                let fast = to_canonical(&v);
                let reference = to_canonical_reference(&v);
                prop_assert_eq!(fast.is_ok(), reference.is_ok());
                if let (Ok(a), Ok(b)) = (fast, reference) {
                    prop_assert_eq!(a, b);
                }
            }
        }
    }
}
