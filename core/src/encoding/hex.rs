//! Lowercase hex, as the chain writes digests, keys and signatures in JSON.

use std::fmt;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `bytes` as lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

/// Writes `bytes` as lowercase hex into `buf` (twice as long) and returns it:
/// hex on the stack, for serializers that write a digest without allocating.
pub fn hex_into<'b>(bytes: &[u8], buf: &'b mut [u8]) -> &'b str {
    for (pair, b) in buf.chunks_exact_mut(2).zip(bytes) {
        pair[0] = HEX[usize::from(b >> 4)];
        pair[1] = HEX[usize::from(b & 0xf)];
    }
    std::str::from_utf8(buf).expect("hex digits are ASCII")
}

/// Decodes exactly `N` bytes of lowercase or uppercase hex.
pub fn from_hex<const N: usize>(text: &str) -> Result<[u8; N], String> {
    let mut out = [0u8; N];
    hex_decode(text, &mut out)?;
    Ok(out)
}

/// Decodes hex filling `out` exactly.
pub fn hex_decode(text: &str, out: &mut [u8]) -> Result<(), String> {
    let bytes = text.as_bytes();
    if bytes.len() != 2 * out.len() {
        return Err(format!(
            "expected {} hex digits, found {}",
            2 * out.len(),
            bytes.len()
        ));
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(format!("\u{201c}{}\u{201d} is not a hex digit", c as char)),
    };
    for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        *o = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Ok(())
}

/// Reads a JSON string of hex into `out` (exactly its length), without
/// allocating a `String` per value: a chain holds many digests and keys.
pub fn read_hex<'de, D: serde::Deserializer<'de>>(d: D, out: &mut [u8]) -> Result<(), D::Error> {
    struct HexText<'o>(&'o mut [u8]);
    impl<'de> serde::de::Visitor<'de> for HexText<'_> {
        type Value = Result<(), String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
            Ok(hex_decode(text, self.0))
        }
    }
    d.deserialize_str(HexText(out))?
        .map_err(serde::de::Error::custom)
}

/// `Display`, `Debug`, `to_hex`, `from_hex` and serde as a hex string, for
/// a newtype over a byte array of length `$len`.
macro_rules! hex_newtype {
    ($name:ident, $len:expr) => {
        impl $name {
            pub fn to_hex(&self) -> String {
                $crate::encoding::hex::to_hex(&self.0)
            }
            pub fn from_hex(text: &str) -> Result<Self, String> {
                $crate::encoding::hex::from_hex::<$len>(text).map($name)
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.to_hex())
            }
        }
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.to_hex())
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut buf = [0u8; 2 * $len];
                s.serialize_str($crate::encoding::hex::hex_into(&self.0, &mut buf))
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let mut bytes = [0u8; $len];
                $crate::encoding::hex::read_hex(d, &mut bytes)?;
                Ok($name(bytes))
            }
        }
    };
}
pub(crate) use hex_newtype;

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[derive(PartialEq)]
    struct Bytes4([u8; 4]);
    hex_newtype!(Bytes4, 4);

    /// What `String::deserialize` then `from_hex` would give, for comparison.
    #[derive(Debug, PartialEq)]
    struct ViaString([u8; 4]);
    impl<'de> Deserialize<'de> for ViaString {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let text = String::deserialize(d)?;
            from_hex::<4>(&text)
                .map(ViaString)
                .map_err(serde::de::Error::custom)
        }
    }

    #[test]
    fn hex_reads_as_a_string_then_from_hex_would_with_the_same_messages() {
        let cases = [
            "\"abcdef01\"",
            "\"ABCDEF01\"",
            "[\"abcdef01\", \"00\"]",
            "\"abcdefzz\"",
            "\"abcdef\u{e9}\"",
            "\"\\u0030\\u0030\\u0030\\u0030\\u0030\\u0030\\u0030\\u0030\"",
            "7",
            "null",
            "{}",
            "\"abc",
        ];
        for json in cases {
            let new = serde_json::from_str::<Vec<Bytes4>>(json)
                .map(|v| v.iter().map(|s| s.0).collect::<Vec<_>>())
                .map_err(|e| e.to_string());
            let old = serde_json::from_str::<Vec<ViaString>>(json)
                .map(|v| v.iter().map(|s| s.0).collect::<Vec<_>>())
                .map_err(|e| e.to_string());
            assert_eq!(new, old, "on {json}");
            let new = serde_json::from_str::<Bytes4>(json).map_err(|e| e.to_string());
            let old = serde_json::from_str::<ViaString>(json).map_err(|e| e.to_string());
            assert_eq!(new.map(|s| s.0), old.map(|s| s.0), "on {json}");
        }
    }

    #[test]
    fn hex_round_trips_and_refuses_garbage() {
        let b = Bytes4([0, 0x7f, 0xab, 0xff]);
        assert_eq!(b.to_hex(), "007fabff");
        assert_eq!(Bytes4::from_hex("007FABff"), Ok(b));
        assert_eq!(
            Bytes4::from_hex("00"),
            Err("expected 8 hex digits, found 2".into())
        );
        assert_eq!(
            Bytes4::from_hex("zz7fabff"),
            Err("\u{201c}z\u{201d} is not a hex digit".into())
        );
    }
}
