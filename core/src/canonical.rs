//! The canonical encoding that is hashed and signed (SPEC section 6): JSON
//! with object keys sorted, no whitespace, UTF-8, integers only: RFC 8785 on
//! integer-only data.
//!
//! Key order is enforced here rather than trusted to serde_json's map type,
//! because another crate in the build turning on serde_json's
//! `preserve_order` feature would silently change every hash.

use crate::crypto::{sha256, Hash};
use serde::ser::{self, Serialize, Serializer};
use serde_json::Value;
use std::cmp::Ordering;
use std::fmt::{self, Write};

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
///
/// Written in one pass by a serializer that sorts each object's entries in
/// place ([`Encoder`]), with exactly the errors of [`to_canonical_reference`]
/// (tests compare the two): what serde_json refuses to turn into a `Value`
/// stops it with serde_json's message; a number the canonical form cannot
/// carry is written between two NULs (which no JSON text written here holds
/// otherwise) and encoding goes on, so that once every object is in key order
/// the first one marked is the one the reference names. Not falling back on
/// the reference keeps a second serializer of every hashed type (through
/// `Value`) out of the WebAssembly page.
pub fn to_canonical<T: Serialize + ?Sized>(value: &T) -> Result<String, CanonicalError> {
    // One allocation of the exact size; the buffer stays for the next call.
    with_canonical(value, str::to_owned)
}

/// SHA-256 of [`to_canonical`]'s text: what a header, a ledger or a
/// transaction commits to. Natively hashed where the encoder wrote it,
/// without copying the text out, since verification hashes a ledger and
/// every transaction of every block; in the page (wasm32) through
/// [`to_canonical`], which is one copy of the encoding glue fewer.
pub fn canonical_sha256<T: Serialize + ?Sized>(value: &T) -> Result<Hash, CanonicalError> {
    #[cfg(not(target_arch = "wasm32"))]
    return with_canonical(value, |text| sha256(text.as_bytes()));
    #[cfg(target_arch = "wasm32")]
    return Ok(sha256(to_canonical(value)?.as_bytes()));
}

/// Encodes `value` into the thread's encoder and hands `then` the text.
fn with_canonical<T: Serialize + ?Sized, R>(
    value: &T,
    then: impl FnOnce(&str) -> R,
) -> Result<R, CanonicalError> {
    // The encoder's buffers (and the key orders it has learnt) are kept
    // from one call to the next.
    thread_local! {
        static SPARE: std::cell::Cell<Option<Box<Encoder>>> = const { std::cell::Cell::new(None) };
    }
    let mut enc = SPARE.take().unwrap_or_default();
    enc.out.clear();
    enc.refused = false;
    let result = match value.serialize(&mut *enc) {
        // A marked number may have gone with an entry that a later one of the
        // same key replaced.
        Ok(()) => match enc.refused.then(|| enc.out.split('\0').nth(1)).flatten() {
            Some(first) => Err(CanonicalError::NotAnInteger(first.to_owned())),
            None => Ok(then(&enc.out)),
        },
        Err(Unencodable(e)) => Err(CanonicalError::Serialize(*e)),
    };
    enc.keys.clear();
    enc.entries.clear();
    SPARE.set(Some(enc));
    result
}

/// `value` as `serde_json::to_string` writes it (fields in the order serde
/// gives them, any integer, serde_json's errors), through the canonical
/// encoder with its sorting and integer checks off: the page's JSON (the
/// export file, saved runs, tampering, the console's reports) then has one
/// serializer of every block type instead of two (docs/PERFORMANCE.md,
/// "Size"). Tests compare the text with serde_json's.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, Unencodable> {
    let mut enc = Encoder {
        plain: true,
        ..Encoder::default()
    };
    value.serialize(&mut enc)?;
    Ok(enc.out)
}

/// The canonical JSON text of `value`, the slow and obvious way: through a
/// `serde_json::Value` tree, then written with sorted keys. The definition
/// [`to_canonical`] must agree with, byte for byte (tests compare the two).
pub fn to_canonical_reference<T: Serialize + ?Sized>(value: &T) -> Result<String, CanonicalError> {
    let value =
        serde_json::to_value(value).map_err(|e| CanonicalError::Serialize(e.to_string()))?;
    let mut out = String::new();
    write_value(&value, &mut out)?;
    Ok(out)
}

/// Integers up to 2^53 are the ones that survive RFC 8785's IEEE doubles.
const SAFE: u64 = 1 << 53;

fn write_value(value: &Value, out: &mut String) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            // RFC 8785 writes numbers as IEEE doubles would.
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
            let entries: Vec<(&String, &Value)> = map.iter().collect();
            let entries = crate::order::sorted_by(&entries, &|a, b| {
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

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    // Copy runs that need no escape whole; only '"', '\\' and control
    // characters are escaped (every byte of a multi-byte UTF-8 character is
    // 0x80 or above, so scanning bytes finds exactly those).
    let bytes = s.as_bytes();
    if !needs_escape(bytes) {
        // The usual case (names, hex digests): nothing to escape.
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
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

/// Whether `bytes` hold a '"', a '\\' or a control character.
#[cfg(target_arch = "wasm32")]
fn needs_escape(bytes: &[u8]) -> bool {
    // A fold rather than any(): no early exit, so it vectorises.
    bytes.iter().fold(false, |seen, &b| {
        seen | (b < 0x20) | (b == b'"') | (b == b'\\')
    })
}

/// Whether `bytes` hold a '"', a '\\' or a control character: natively
/// eight bytes at a time, since every key and hex digest is scanned and
/// most are short (the fold above does not vectorise those); in the page
/// the fold, which is smaller.
#[cfg(not(target_arch = "wasm32"))]
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    // The word tricks of "Bit Twiddling Hacks" (haszero, hasless): exact
    // for the word as a whole, if not byte by byte.
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH != 0;
    // A byte below 0x20, or one equal to '"' or '\\'.
    let special = |x: u64| {
        x.wrapping_sub(ONES * 0x20) & !x & HIGH != 0
            || zero_byte(x ^ (ONES * u64::from(b'"')))
            || zero_byte(x ^ (ONES * u64::from(b'\\')))
    };
    let mut chunks = bytes.chunks_exact(8);
    let found = chunks.any(|c| {
        special(u64::from_le_bytes([
            c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
        ]))
    });
    // The tail as a word padded with a letter.
    let mut tail = [b'a'; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    found || special(u64::from_le_bytes(tail))
}

fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Natively as chars, which are ASCII: no UTF-8 validation of the
    // digits (a tenth of the encoding's time); in the page validated, which
    // is less code.
    #[cfg(not(target_arch = "wasm32"))]
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
    // Not `expect`: that would bring the error's `Debug` into the page.
    #[cfg(target_arch = "wasm32")]
    out.push_str(
        std::str::from_utf8(&digits[at..]).unwrap_or_else(|_| unreachable!("ASCII digits")),
    );
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

// ---- the one-pass encoder ---------------------------------------------------

/// Why the encoder stopped: what `serde_json::to_value` would refuse (an
/// error from a `Serialize` impl, a map key that is not a string, a 128-bit
/// number out of range), in serde_json's words.
#[derive(Debug)]
#[allow(
    clippy::box_collection,
    reason = "a thin pointer: the encoder's results are one word (see `new`)"
)]
pub struct Unencodable(Box<String>);

impl Unencodable {
    /// Boxed (not `Box<str>`, a fat pointer), so that every `Result<(),
    /// Unencodable>` of the encoder is one word returned as a value rather
    /// than through memory: 1.9 KB less of the gzipped page.
    fn new(message: String) -> Unencodable {
        Unencodable(Box::new(message))
    }
}

impl fmt::Display for Unencodable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unencodable {}

impl ser::Error for Unencodable {
    fn custom<M: fmt::Display>(msg: M) -> Unencodable {
        // As serde_json's own error would write it.
        Unencodable::new(<serde_json::Error as ser::Error>::custom(msg).to_string())
    }
}

/// A serializer called out of order (a value before its key, say), which
/// no derived `Serialize` does; serde_json's `Value` serializer panics.
fn misuse() -> Unencodable {
    Unencodable::new("a Serialize impl called the serializer out of order".into())
}

/// One entry of an object being written: its key (a range of `keys`) and
/// its text `"key":value` (a range of `out`).
#[derive(Clone, Copy)]
struct Entry {
    key: (usize, usize),
    text: (usize, usize),
}

/// How an object's keys, met in the order serde gives them, are written in
/// key order: learnt from the first object with those keys and reused for
/// the next, since the same keys in the same order always sort alike, and
/// a struct's field names are the same every time (a ledger alone has a
/// member struct per member).
#[derive(Default)]
struct FieldOrder {
    /// The field names, one after the other, and where each ends.
    #[cfg(not(target_arch = "wasm32"))]
    names: String,
    #[cfg(not(target_arch = "wasm32"))]
    ends: Vec<usize>,
    /// The entries to write, by position, in key order.
    emit: Vec<usize>,
    /// Serde's order is key order already: nothing to move.
    in_order: bool,
}

/// Key lists whose order is remembered at once: every type hashed, and
/// room to spare (past that, a new one takes the place its keys pick). In
/// the page, one: the object being closed.
#[cfg(not(target_arch = "wasm32"))]
const FIELD_ORDERS: usize = 64;
#[cfg(target_arch = "wasm32")]
const FIELD_ORDERS: usize = 1;

/// Writes canonical JSON in one pass. An object's entries are written in the
/// order serde gives them, then, unless that is already key order, moved
/// into key order in place. Keys and entries live on two stacks shared by
/// all the objects being written, so nothing is allocated per object.
#[derive(Default)]
pub struct Encoder {
    out: String,
    keys: String,
    entries: Vec<Entry>,
    scratch: String,
    field_orders: Vec<FieldOrder>,
    /// A hash of each remembered key list, side by side for a quick scan.
    #[cfg(not(target_arch = "wasm32"))]
    glances: Vec<u64>,
    /// A number the canonical form cannot carry has been marked in `out`.
    refused: bool,
    /// Written as serde_json writes it: entries as given, any integer.
    plain: bool,
}

/// An object being written: where it starts in each stack.
#[derive(Clone, Copy)]
pub struct Object {
    start: usize,
    entries: usize,
    keys: usize,
}

impl Encoder {
    fn begin_object(&mut self) -> Object {
        let obj = Object {
            start: self.out.len(),
            entries: self.entries.len(),
            keys: self.keys.len(),
        };
        self.out.push('{');
        obj
    }

    /// Writes the comma and the key; returns where the key and the text begin.
    fn begin_entry(&mut self, obj: &Object, key: &str) -> (usize, usize) {
        if self.entries.len() > obj.entries {
            self.out.push(',');
        }
        let k = self.keys.len();
        if !self.plain {
            self.keys.push_str(key);
        }
        let t = self.out.len();
        write_string(key, &mut self.out);
        self.out.push(':');
        (k, t)
    }

    fn end_entry(&mut self, (k, t): (usize, usize)) {
        self.entries.push(Entry {
            key: (k, self.keys.len()),
            text: (t, self.out.len()),
        });
    }

    fn end_object(&mut self, obj: Object) {
        if !self.plain {
            let body = obj.start + 1;
            let entries = &self.entries[obj.entries..];
            let at = match self.remembered(&obj) {
                Ok(at) => at,
                Err(glance) => {
                    // Learnt, in a new place while there is room.
                    let mut at = self.field_orders.len();
                    if at < FIELD_ORDERS {
                        self.field_orders.push(FieldOrder::default());
                    } else {
                        // In the page, the one place there is.
                        #[allow(clippy::modulo_one)]
                        let place = glance as usize % FIELD_ORDERS;
                        at = place;
                    }
                    #[cfg(not(target_arch = "wasm32"))]
                    {
                        self.glances.resize(self.field_orders.len(), 0);
                        self.glances[at] = glance;
                    }
                    let order = &mut self.field_orders[at];
                    order.in_order = key_order_of(entries, &self.keys, &mut order.emit);
                    #[cfg(not(target_arch = "wasm32"))]
                    {
                        order.names.clear();
                        order.names.push_str(&self.keys[obj.keys..]);
                        order.ends.clear();
                        order
                            .ends
                            .extend(entries.iter().map(|e| e.key.1 - obj.keys));
                    }
                    at
                }
            };
            let order = &self.field_orders[at];
            if !order.in_order {
                write_in_order(&mut self.out, &mut self.scratch, body, entries, &order.emit);
            }
        }
        self.out.push('}');
        self.entries.truncate(obj.entries);
        self.keys.truncate(obj.keys);
    }

    /// Where the order of `obj`'s keys is remembered, or, when it is not,
    /// a hash of them.
    #[cfg(not(target_arch = "wasm32"))]
    fn remembered(&self, obj: &Object) -> Result<usize, u64> {
        let entries = &self.entries[obj.entries..];
        // The object's keys, one after the other, told apart at a glance by
        // their count, their length and how they end.
        let names = &self.keys[obj.keys..];
        let glance = names.as_bytes()[names.len().saturating_sub(8)..]
            .iter()
            .fold((names.len() << 8 ^ entries.len()) as u64, |h, &b| {
                h.wrapping_mul(257) ^ u64::from(b)
            });
        // The same names, each ending at the same place.
        let same = |order: &FieldOrder| {
            order.names == names
                && order.ends.len() == entries.len()
                && order
                    .ends
                    .iter()
                    .zip(entries)
                    .all(|(&end, e)| end == e.key.1 - obj.keys)
        };
        let mut from = 0;
        while let Some(at) = self.glances[from..].iter().position(|&g| g == glance) {
            let at = from + at;
            if same(&self.field_orders[at]) {
                return Ok(at);
            }
            from = at + 1;
        }
        Err(glance)
    }

    /// In the page (wasm32) every object is sorted afresh: remembering
    /// orders makes the page's verification faster too, but adds more to
    /// the download than its size budget leaves (docs/PERFORMANCE.md).
    #[cfg(target_arch = "wasm32")]
    fn remembered(&self, _: &Object) -> Result<usize, u64> {
        Err(0)
    }

    fn write_u64(&mut self, v: u64) -> Result<(), Unencodable> {
        if v > SAFE && !self.plain {
            self.refuse(&v.to_string());
        } else {
            push_u64(&mut self.out, v);
        }
        Ok(())
    }

    fn write_i64(&mut self, v: i64) -> Result<(), Unencodable> {
        if v < 0 && v.unsigned_abs() > SAFE && !self.plain {
            self.refuse(&v.to_string());
            return Ok(());
        }
        if v < 0 {
            self.out.push('-');
        }
        self.write_u64(v.unsigned_abs())
    }

    /// Marks a number the canonical form cannot carry, as the reference
    /// would name it, and goes on (see [`to_canonical`]).
    fn refuse(&mut self, number: &str) {
        self.out.push('\0');
        self.out.push_str(number);
        self.out.push('\0');
        self.refused = true;
    }

    /// A rare shape (bytes, 128-bit or float numbers), left to serde_json and
    /// the reference writer.
    fn delegate<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unencodable> {
        if self.plain {
            let text = serde_json::to_string(v).map_err(|e| Unencodable::new(e.to_string()))?;
            self.out.push_str(&text);
            return Ok(());
        }
        let value = serde_json::to_value(v).map_err(|e| Unencodable::new(e.to_string()))?;
        match write_value(&value, &mut self.out) {
            Err(CanonicalError::NotAnInteger(n)) => self.refuse(&n),
            Err(CanonicalError::Serialize(e)) => return Err(Unencodable::new(e)),
            Ok(()) => {}
        }
        Ok(())
    }
}

/// Whether `entries` are in key order already; if not, `emit` gets the
/// positions of those to write, in key order. A stable sort, so of entries
/// with equal keys the last written stays last, and it alone is kept: in a
/// JSON map the last wins. Through the crate's shared sort (by insertion
/// for a struct's few fields): no copy of the standard library's stable
/// sort in the WebAssembly page (docs/PERFORMANCE.md, "Size").
fn key_order_of(entries: &[Entry], keys: &str, emit: &mut Vec<usize>) -> bool {
    let keys = keys.as_bytes();
    let key = |i: usize| &keys[entries[i].key.0..entries[i].key.1];
    let n = entries.len();
    if (1..n).all(|i| key_order(key(i - 1), key(i)) == Ordering::Less) {
        return true;
    }
    emit.clear();
    emit.extend(crate::order::sorted_indices(n, &|a, b| {
        key_order(key(a), key(b))
    }));
    let mut kept = 0;
    for at in 0..n {
        let i = emit[at];
        if emit.get(at + 1).is_some_and(|&next| key(next) == key(i)) {
            continue;
        }
        emit[kept] = i;
        kept += 1;
    }
    emit.truncate(kept);
    false
}

/// Writes again the object whose body starts at `body` in `out`: the
/// entries `emit` names, in that order. Those already in place at the
/// start stay where they are (a ledger's members come first), so only the
/// rest is copied out and back.
fn write_in_order(
    out: &mut String,
    scratch: &mut String,
    body: usize,
    entries: &[Entry],
    emit: &[usize],
) {
    let kept = emit
        .iter()
        .enumerate()
        .take_while(|&(n, &i)| n == i)
        .count();
    let from = match kept {
        0 => body,
        _ => entries[kept - 1].text.1,
    };
    scratch.clear();
    scratch.push_str(&out[from..]);
    out.truncate(from);
    for (n, &i) in emit.iter().enumerate().skip(kept) {
        if n > 0 {
            out.push(',');
        }
        let (start, end) = entries[i].text;
        out.push_str(&scratch[start - from..end - from]);
    }
}

/// A map key as serde_json turns it into a string: a string as it is,
/// anything else the way serde_json's own key serializer does
/// ([`map_key_slow`]), which is then only in the page for key types that
/// are not strings (it builds a `Value` map, B-tree and all).
fn map_key<T: Serialize + ?Sized>(key: &T, plain: bool) -> Result<String, Unencodable> {
    key.serialize(KeyName { plain })
}

/// `plain`: as `serde_json::to_string` has it, which takes `Some(key)` as
/// the key; `Value`'s (the canonical reference's) refuses it.
struct KeyName {
    plain: bool,
}

/// Each method hands its value to [`map_key_slow`], except a string's.
macro_rules! slow_keys {
    ($($method:ident($t:ty)),*) => {
        $(fn $method(self, v: $t) -> Result<String, Unencodable> {
            map_key_slow(&v)
        })*
    };
}

impl ser::Serializer for KeyName {
    type Ok = String;
    type Error = Unencodable;
    type SerializeSeq = ser::Impossible<String, Unencodable>;
    type SerializeTuple = ser::Impossible<String, Unencodable>;
    type SerializeTupleStruct = ser::Impossible<String, Unencodable>;
    type SerializeTupleVariant = ser::Impossible<String, Unencodable>;
    type SerializeMap = ser::Impossible<String, Unencodable>;
    type SerializeStruct = ser::Impossible<String, Unencodable>;
    type SerializeStructVariant = ser::Impossible<String, Unencodable>;

    fn serialize_str(self, v: &str) -> Result<String, Unencodable> {
        Ok(v.to_owned())
    }
    slow_keys!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_bytes(&[u8])
    );
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, Unencodable> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String, Unencodable> {
        v.serialize(self)
    }
    // What serde_json refuses as a key, refused in its words.
    fn serialize_unit(self) -> Result<String, Unencodable> {
        map_key_slow(&())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Unencodable> {
        map_key_slow(&())
    }
    fn serialize_none(self) -> Result<String, Unencodable> {
        map_key_slow(&())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<String, Unencodable> {
        if self.plain {
            return v.serialize(self);
        }
        map_key_slow(&())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Unencodable> {
        map_key_slow(&())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unencodable> {
        not_a_key()
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unencodable> {
        not_a_key()
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Unencodable> {
        not_a_key()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unencodable> {
        not_a_key()
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unencodable> {
        not_a_key()
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Unencodable> {
        not_a_key()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unencodable> {
        not_a_key()
    }
}

/// A compound value as a map key: serde_json's own refusal ("key must be a
/// string"), asked of its key serializer with `()` so the words are its own.
fn not_a_key<T>() -> Result<T, Unencodable> {
    Err(map_key_slow(&()).err().unwrap_or_else(misuse))
}

/// A map key through serde_json's own key serializer.
fn map_key_slow<T: Serialize + ?Sized>(key: &T) -> Result<String, Unencodable> {
    use serde::ser::SerializeMap;
    let refused = |e: serde_json::Error| Unencodable::new(e.to_string());
    let mut map = serde_json::value::Serializer
        .serialize_map(Some(1))
        .map_err(refused)?;
    map.serialize_entry(key, &()).map_err(refused)?;
    match map.end().map_err(refused)? {
        Value::Object(m) => m.into_iter().next().map(|(k, _)| k).ok_or_else(misuse),
        _ => Err(misuse()),
    }
}

/// A sequence or an object being written, and what closes it.
pub enum Compound<'a> {
    Seq {
        enc: &'a mut Encoder,
        first: bool,
        /// `]`, or `]}` for a tuple variant's `{"variant":[...]}`.
        close: &'static str,
    },
    Obj {
        enc: &'a mut Encoder,
        obj: Object,
        /// The entry a map key has begun.
        pending: Option<(usize, usize)>,
        /// A struct variant's `{"variant":{...}}` needs one more `}`.
        wrapped: bool,
    },
}

impl Compound<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unencodable> {
        match self {
            Compound::Seq { enc, first, .. } => {
                if !*first {
                    enc.out.push(',');
                }
                *first = false;
                v.serialize(&mut **enc)
            }
            Compound::Obj { .. } => Err(misuse()),
        }
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) -> Result<(), Unencodable> {
        match self {
            Compound::Obj { enc, obj, .. } => {
                let at = enc.begin_entry(obj, key);
                v.serialize(&mut **enc)?;
                enc.end_entry(at);
                Ok(())
            }
            Compound::Seq { .. } => Err(misuse()),
        }
    }

    fn close(self) -> Result<(), Unencodable> {
        match self {
            Compound::Seq { enc, close, .. } => enc.out.push_str(close),
            Compound::Obj {
                enc,
                obj,
                pending,
                wrapped,
            } => {
                if pending.is_some() {
                    return Err(misuse());
                }
                enc.end_object(obj);
                if wrapped {
                    enc.out.push('}');
                }
            }
        }
        Ok(())
    }
}

macro_rules! seq_like {
    ($trait:ident, $method:ident) => {
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Unencodable;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unencodable> {
                self.element(v)
            }
            fn end(self) -> Result<(), Unencodable> {
                self.close()
            }
        }
    };
}
seq_like!(SerializeSeq, serialize_element);
seq_like!(SerializeTuple, serialize_element);
seq_like!(SerializeTupleStruct, serialize_field);
seq_like!(SerializeTupleVariant, serialize_field);

macro_rules! struct_like {
    ($trait:ident) => {
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Unencodable;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                v: &T,
            ) -> Result<(), Unencodable> {
                self.field(key, v)
            }
            fn end(self) -> Result<(), Unencodable> {
                self.close()
            }
        }
    };
}
struct_like!(SerializeStruct);
struct_like!(SerializeStructVariant);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Unencodable;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unencodable> {
        match self {
            Compound::Obj {
                enc, obj, pending, ..
            } if pending.is_none() => {
                let key = map_key(key, enc.plain)?;
                *pending = Some(enc.begin_entry(obj, &key));
                Ok(())
            }
            _ => Err(misuse()),
        }
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unencodable> {
        match self {
            Compound::Obj { enc, pending, .. } => {
                let at = pending.take().ok_or_else(misuse)?;
                v.serialize(&mut **enc)?;
                enc.end_entry(at);
                Ok(())
            }
            Compound::Seq { .. } => Err(misuse()),
        }
    }
    fn end(self) -> Result<(), Unencodable> {
        self.close()
    }
}

impl<'a> ser::Serializer for &'a mut Encoder {
    type Ok = ();
    type Error = Unencodable;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Unencodable> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Unencodable> {
        self.write_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Unencodable> {
        self.write_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Unencodable> {
        self.write_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Unencodable> {
        self.write_i64(v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Unencodable> {
        self.delegate(&v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Unencodable> {
        self.write_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Unencodable> {
        self.write_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Unencodable> {
        self.write_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Unencodable> {
        self.write_u64(v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Unencodable> {
        self.delegate(&v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Unencodable> {
        self.delegate(&v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Unencodable> {
        // serde_json writes a finite double as `Value`'s `Display` does (the
        // reference's message) and anything else as null, as `to_value`
        // makes it: the same answer without `Value` and the reference writer
        // in the page, which reaches here through tampering's `Json`.
        let text = serde_json::to_string(&v).map_err(|e| Unencodable::new(e.to_string()))?;
        if self.plain || text == "null" {
            self.out.push_str(&text);
        } else {
            self.refuse(&text);
        }
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Unencodable> {
        write_string(v.encode_utf8(&mut [0; 4]), &mut self.out);
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Unencodable> {
        write_string(v, &mut self.out);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Unencodable> {
        if self.plain {
            // serde_json writes bytes as an array of numbers.
            use ser::SerializeSeq;
            let mut seq = self.serialize_seq(Some(v.len()))?;
            for b in v {
                seq.serialize_element(b)?;
            }
            return seq.end();
        }
        self.delegate(&Value::from(v))
    }
    fn serialize_none(self) -> Result<(), Unencodable> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Unencodable> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unencodable> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unencodable> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unencodable> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Unencodable> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), Unencodable> {
        self.out.push('{');
        write_string(variant, &mut self.out);
        self.out.push(':');
        v.serialize(&mut *self)?;
        self.out.push('}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, Unencodable> {
        self.out.push('[');
        Ok(Compound::Seq {
            enc: self,
            first: true,
            close: "]",
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, Unencodable> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, Unencodable> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Unencodable> {
        self.out.push('{');
        write_string(variant, &mut self.out);
        self.out.push_str(":[");
        Ok(Compound::Seq {
            enc: self,
            first: true,
            close: "]}",
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, Unencodable> {
        let obj = self.begin_object();
        Ok(Compound::Obj {
            enc: self,
            obj,
            pending: None,
            wrapped: false,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Compound<'a>, Unencodable> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Unencodable> {
        self.out.push('{');
        write_string(variant, &mut self.out);
        self.out.push(':');
        let obj = self.begin_object();
        Ok(Compound::Obj {
            enc: self,
            obj,
            pending: None,
            wrapped: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_scan_for_escapes_finds_exactly_what_needs_escaping() {
        let slow = |b: &[u8]| b.iter().any(|&c| c < 0x20 || c == b'"' || c == b'\\');
        // Every byte at every place of a word, a word and a tail, two words,
        // and beside bytes whose borrow could hide it.
        for len in [1, 7, 8, 9, 16] {
            for at in 0..len {
                for byte in 0..=255u8 {
                    for other in [b'a', 0x00, 0x1f, 0x20, 0x21, 0x7f, 0x80, 0xff] {
                        let mut text = vec![b'a'; len];
                        text[(at + 1) % len] = other;
                        text[at] = byte;
                        assert_eq!(
                            needs_escape(&text),
                            slow(&text),
                            "{byte:#x} at {at} of {len}"
                        );
                    }
                }
            }
        }
    }

    /// A struct's field order is learnt once and reused: every value below
    /// is written twice (learnt, then reused), and alternately with values
    /// whose fields differ, under the same name or after a skipped field.
    #[test]
    fn a_remembered_field_order_is_used_only_for_the_same_fields() {
        mod one {
            #[derive(serde::Serialize)]
            pub struct Same {
                pub zeta: u8,
                pub alpha: u8,
                #[serde(skip_serializing_if = "Option::is_none")]
                pub middle: Option<u8>,
            }
        }
        mod two {
            #[derive(serde::Serialize)]
            pub struct Same {
                pub beta: u8,
                pub zeta: u8,
                pub alpha: u8,
            }
        }
        /// The first field in place, the rest not: only the rest moves.
        #[derive(Serialize)]
        struct Head {
            alpha: Vec<u8>,
            zeta: u8,
            beta: Option<u8>,
        }
        /// A field written twice: the last wins.
        struct Clash;
        impl Serialize for Clash {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                let mut fields = s.serialize_struct("Same", 3)?;
                fields.serialize_field("zeta", &1)?;
                fields.serialize_field("alpha", &2)?;
                fields.serialize_field("zeta", &3)?;
                fields.end()
            }
        }
        for _ in 0..2 {
            for middle in [None, Some(5), None] {
                let v = one::Same {
                    zeta: 1,
                    alpha: 2,
                    middle,
                };
                agree(&v).unwrap();
                agree(&[&v, &v]).unwrap();
            }
            agree(&two::Same {
                beta: 3,
                zeta: 1,
                alpha: 2,
            })
            .unwrap();
            assert_eq!(agree(&Clash).unwrap(), r#"{"alpha":2,"zeta":3}"#);
            let head = Head {
                alpha: vec![1, 2],
                zeta: 3,
                beta: None,
            };
            assert_eq!(
                agree(&head).unwrap(),
                r#"{"alpha":[1,2],"beta":null,"zeta":3}"#
            );
        }
        assert_eq!(
            to_canonical(&one::Same {
                zeta: 1,
                alpha: 2,
                middle: Some(3),
            })
            .unwrap(),
            r#"{"alpha":2,"middle":3,"zeta":1}"#
        );
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

    /// Both encoders on `v`: the same text, or the same error; and
    /// [`to_json`] writes what `serde_json::to_string` writes, or fails with
    /// its message.
    fn agree<T: Serialize + ?Sized>(v: &T) -> Result<String, CanonicalError> {
        assert_eq!(
            to_json(v).map_err(|e| e.to_string()),
            serde_json::to_string(v).map_err(|e| e.to_string())
        );
        let fast = to_canonical(v);
        assert_eq!(fast, to_canonical_reference(v));
        // The hash verification takes: of that text, or its error.
        assert_eq!(
            canonical_sha256(v),
            fast.as_ref()
                .map(|text| sha256(text.as_bytes()))
                .map_err(Clone::clone)
        );
        fast
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

    /// Writes the key "k" twice, as a flattened field might.
    struct Twice;
    impl Serialize for Twice {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(None)?;
            m.serialize_entry("k", &1)?;
            m.serialize_entry("a", &2)?;
            m.serialize_entry("k", &3)?;
            m.end()
        }
    }

    /// A number past 2^53 that a later entry of the same key replaces.
    struct Replaced;
    impl Serialize for Replaced {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(None)?;
            m.serialize_entry("k", &u64::MAX)?;
            m.serialize_entry("k", &[0.5])?;
            m.serialize_entry("k", &3)?;
            m.end()
        }
    }

    /// A map of `n` entries written in reverse key order, each key twice
    /// (the first with a wrong value): sorted by insertion up to
    /// 16 entries, by merging beyond (the crate's shared sort).
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
        agree(&[
            External::Unit,
            External::Newtype(7),
            External::Tuple(1, "t".into()),
            External::Struct { z: true, a: () },
        ])
        .unwrap();
        assert_eq!(agree(&Twice).unwrap(), r#"{"a":2,"k":3}"#);
        assert_eq!(agree(&Replaced).unwrap(), r#"{"k":3}"#);
        let mut by_number = std::collections::BTreeMap::new();
        by_number.insert(10u32, "ten");
        by_number.insert(9u32, "nine");
        assert_eq!(agree(&by_number).unwrap(), r#"{"10":"ten","9":"nine"}"#);
        // U+E000 sorts after U+10000 in UTF-8 but before it in UTF-16.
        agree(&json!({"\u{10000}": 1, "\u{e000}": 2, "é": 3, "z": 4})).unwrap();
        agree(&json!("\u{0}\u{1f}\u{7f}\t\r\n\u{8}\u{c}\"\\/é😀")).unwrap();
        agree(&json!([i64::MIN, -(1i64 << 53), (1i64 << 53) + 1])).unwrap_err();
        agree(&json!([-(1i64 << 53), 0, -1])).unwrap();
        agree(&(u128::MAX, 1u128)).unwrap_err();
        agree(&(1u128, -1i128)).unwrap();
        agree(&[0.5f64]).unwrap_err();
        agree(&[f64::NAN]).unwrap();
        agree(&1.5f32).unwrap_err();
        agree(&serde_bytes_like()).unwrap();
        agree(&json!({})).unwrap();
        agree(&json!([])).unwrap();
        agree(&json!({"b": {"d": {}, "c": []}, "a": null})).unwrap();
        // Keys that are not strings, as serde_json writes them or refuses them.
        struct OneEntry<K>(K);
        impl<K: Serialize> Serialize for OneEntry<K> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry(&self.0, &1)?;
                m.end()
            }
        }
        agree(&OneEntry(true)).unwrap();
        agree(&OneEntry(-7i8)).unwrap();
        agree(&OneEntry('c')).unwrap();
        agree(&OneEntry(External::Unit)).unwrap();
        agree(&OneEntry(External::Newtype(1))).unwrap_err();
        agree(&OneEntry(Some("k"))).unwrap_err();
        agree(&OneEntry(())).unwrap_err();
        agree(&OneEntry(-1.5f64)).unwrap();
        agree(&OneEntry(f64::NAN)).unwrap_err();
        agree(&OneEntry(vec![1])).unwrap_err();
        #[derive(Serialize)]
        struct Name(String);
        agree(&OneEntry(Name("n".into()))).unwrap();
        agree(&[f64::INFINITY, -0.0, 1e300, 5e-324]).unwrap_err();
        agree(&[1.5f32, f32::NAN]).unwrap_err();
        agree(&[u64::MAX]).unwrap_err();
    }

    #[test]
    fn the_page_s_json_is_serde_json_s() {
        // The core's tree, as tampering writes it, floats included.
        let tree: crate::json::Json = serde_json::from_str(
            r#"{"b":[1.5,-2,18446744073709551615,1e300],"a":"\u0007é","b":null}"#,
        )
        .unwrap();
        assert_eq!(
            to_json(&tree).unwrap(),
            serde_json::to_string(&tree).unwrap()
        );
    }

    /// `serialize_bytes`, which derive never calls for a Vec<u8>.
    fn serde_bytes_like() -> impl Serialize {
        struct Bytes;
        impl Serialize for Bytes {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(&[0, 1, 255])
            }
        }
        Bytes
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
    fn an_error_is_the_references_error() {
        // Two numbers out of range: the reference names the first in key
        // order ("a"), though "z" is written first.
        #[derive(Serialize)]
        struct Two {
            z: u64,
            a: u64,
        }
        let err = to_canonical(&Two {
            z: u64::MAX,
            a: (1 << 53) + 1,
        })
        .unwrap_err();
        assert_eq!(err, CanonicalError::NotAnInteger("9007199254740993".into()));
        // A float and numbers past 2^53, nested, in and out of key order.
        agree(&json!({"b": [1, {"y": 0.5, "x": -(1i64 << 60)}], "a": {"z": u64::MAX}}))
            .unwrap_err();
        agree(&json!({"b": [1, {"y": 0.5, "x": -(1i64 << 60)}], "c": 2})).unwrap_err();
        agree(&json!([1.5, u64::MAX])).unwrap_err();
        agree(&(1u64 << 60, u128::MAX)).unwrap_err();
        agree(&(f64::INFINITY, 3i128 << 70)).unwrap_err();
    }

    #[test]
    fn what_serde_json_refuses_is_refused_in_its_words() {
        /// An impl that fails after writing an out-of-range number.
        struct Fails;
        impl Serialize for Fails {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::{Error, SerializeSeq};
                let mut seq = s.serialize_seq(None)?;
                seq.serialize_element(&u64::MAX)?;
                Err(S::Error::custom("no, at line 3 column 4"))
            }
        }
        let err = agree(&Fails).unwrap_err();
        assert!(matches!(err, CanonicalError::Serialize(_)), "{err:?}");
        let mut by_pair = std::collections::BTreeMap::new();
        by_pair.insert((1, 2), 3);
        let err = agree(&by_pair).unwrap_err();
        assert_eq!(
            err,
            CanonicalError::Serialize("key must be a string".into())
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<u64>().prop_map(|n| json!(n >> (n % 16))),
                any::<i64>().prop_map(|n| json!(n >> (n.rem_euclid(16)))),
                any::<f64>().prop_map(|f| json!(f)),
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
                prop_assert_eq!(to_canonical(&v), to_canonical_reference(&v));
                prop_assert_eq!(
                    to_json(&v).map_err(|e| e.to_string()),
                    serde_json::to_string(&v).map_err(|e| e.to_string())
                );
            }
        }
    }
}
