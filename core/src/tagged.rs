//! Reading the internally tagged enums (`TxBody`, `MembershipChange`, `Role`,
//! `Strategy`: `{"type": "vote", "voter": 1, ...}`) without serde's derive,
//! and the core's structs, through two small macros (`read_tagged!` and
//! `read_struct!`, below).
//!
//! The derive buffers the whole object in serde's private `Content` tree
//! (the tag may come last), then reads the variant from the buffer: a
//! second copy of every field's reader, for a buffer, in the WebAssembly
//! build. Here each enum reads its object once, straight from the JSON, into
//! one slot per field name of any variant, then builds the variant its tag
//! names. The format and the error messages are serde's: `missing field`,
//! `duplicate field`, `unknown variant ..., expected one of ...`, and the
//! fields' own `invalid type` errors (now with the position of the field
//! itself rather than of the object's end).
//!
//! One difference, on input the page never writes: a field that belongs to
//! another variant is skipped when the tag came before it (as the derive
//! skips it), but when it comes before the tag (keys in alphabetical order)
//! its value must have that field's type. An array for an object (which the
//! derive read as tag then fields) is refused.
//!
//! Every type the page reads goes through one visitor, [`Reader`], told
//! which type to read: the deserializer's object reading around a visitor is
//! then in the page once rather than once per type.

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, Error, IgnoredAny, MapAccess};
use std::fmt;

/// Reads the next value into `slot`, which must still be empty.
pub(crate) fn fill<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the next value.
pub(crate) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// The value of a required field.
pub(crate) fn req<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// A key of a struct's object: the index of its name in `self.0`, or
/// `usize::MAX` for a name the struct does not have (its value is skipped,
/// as the derive skips it). One reader of keys for every struct.
pub(crate) struct FieldIndex(pub(crate) &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> de::Visitor<'de> for FieldIndex {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("field identifier")
    }
    fn visit_str<E: Error>(self, v: &str) -> Result<usize, E> {
        Ok(self.0.iter().position(|n| *n == v).unwrap_or(usize::MAX))
    }
}

/// A type read from a JSON object by [`read_struct!`] or [`read_tagged!`]:
/// the loop over the object's entries, given the map.
pub(crate) trait ReadFields: Sized {
    /// Its field names, as serde's derive hands them to the deserializer.
    const NAMES: &'static [&'static str];
    fn read_fields<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The one visitor of every struct and tagged enum the page reads. Each
/// visitor type costs a copy of the deserializer's object reading around it
/// (whitespace, `{`, the depth limit, `}`, the `invalid type` and position
/// handling: about 500 bytes of WebAssembly each); with one visitor that is
/// told which type to read, there is one copy for all of them. It puts what
/// it read in the caller's [`Read`] (which starts as `Read::Nothing`) rather
/// than returning it, so that only the type read is moved, not a value the
/// size of the largest.
pub(crate) struct Reader<'o>(pub(crate) Kind, pub(crate) &'o mut Read);

/// Lists the types read through [`Reader`]: `structs` by `read_struct!`,
/// `tagged` by `read_tagged!`. A type the page does not read stays out (it
/// would bring its reader into the page), and is read by
/// `read_struct!(alone ...)`.
macro_rules! readers {
    (structs: $($s:ident),*; tagged: $($t:ident),*; seqs: $($e:ident),* $(,)?) => {
        /// Which type's sequence a [`SeqReader`] reads.
        #[derive(Clone, Copy)]
        pub(crate) enum SeqKind { $($e,)* }

        /// What a [`SeqReader`] read.
        pub(crate) enum ReadSeq { Nothing, $($e(Vec<$e>),)* }

        impl<'de> de::Visitor<'de> for SeqReader<'_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                // `Vec`'s words.
                f.write_str("a sequence")
            }
            fn visit_seq<S: de::SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
                match self.0 {
                    $(SeqKind::$e => *self.1 = ReadSeq::$e(elements(&mut seq)?),)*
                }
                Ok(())
            }
        }

        $(impl Element for $e {
            const SEQ: SeqKind = SeqKind::$e;
            fn take(read: ReadSeq) -> Vec<$e> {
                match read {
                    ReadSeq::$e(v) => v,
                    _ => mismatch(),
                }
            }
        })*

        /// Which type a [`Reader`] reads.
        #[derive(Clone, Copy)]
        pub(crate) enum Kind { $($s,)* $($t,)* }

        /// What a [`Reader`] read.
        pub(crate) enum Read { Nothing, $($s($s),)* $($t($t),)* }

        impl<'de> de::Visitor<'de> for Reader<'_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                // The derive's words.
                f.write_str(match self.0 {
                    $(Kind::$s => concat!("struct ", stringify!($s)),)*
                    $(Kind::$t => concat!("internally tagged enum ", stringify!($t)),)*
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
                match self.0 {
                    $(Kind::$s => *self.1 = Read::$s(ReadFields::read_fields(map)?),)*
                    $(Kind::$t => *self.1 = Read::$t(ReadFields::read_fields(map)?),)*
                }
                Ok(())
            }
        }
    };
}

use crate::block::{Block, BlockBody, BlockHeader};
use crate::chain::{Chain, ChainFile};
use crate::election::{Candidate, Strategy};
use crate::ledger::{Ledger, Rules};
use crate::member::{FrozenLot, Member, Role};
use crate::saved::SavedRun;
use crate::shares::Share;
use crate::tx::{Allocation, MembershipChange, Mint, Transaction, TxBody};

readers!(
    structs: Block, BlockHeader, BlockBody, Transaction, Allocation, Mint, Candidate, Ledger,
        Rules, Member, FrozenLot, Share, Chain, ChainFile, SavedRun;
    tagged: TxBody, MembershipChange, Role, Strategy;
    seqs: Block, Transaction, Member, FrozenLot, Allocation, Mint, Candidate, Share,
);

/// The one visitor of every `Vec` of an [`Element`] (`readers!`'s `seqs`), as
/// [`Reader`] is of structs: serde_json's array reading once, not once per
/// element type. The same values and messages as `Vec`'s own `Deserialize`.
pub(crate) struct SeqReader<'o>(pub(crate) SeqKind, pub(crate) &'o mut ReadSeq);

impl<'de> DeserializeSeed<'de> for SeqReader<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

/// A type whose `Vec` is read by [`SeqReader`].
pub(crate) trait Element: Sized {
    const SEQ: SeqKind;
    /// The `Vec` a [`SeqReader`] told `SEQ` read.
    fn take(read: ReadSeq) -> Vec<Self>;
}

/// A sequence's elements, as `Vec`'s visitor reads them.
fn elements<'de, T: Deserialize<'de>, S: de::SeqAccess<'de>>(
    seq: &mut S,
) -> Result<Vec<T>, S::Error> {
    let mut values = Vec::new();
    while let Some(value) = seq.next_element()? {
        values.push(value);
    }
    Ok(values)
}

/// A `Vec` of an [`Element`], read by [`SeqReader`].
pub(crate) fn read_seq<'de, D: Deserializer<'de>, T: Element>(d: D) -> Result<Vec<T>, D::Error> {
    let mut read = ReadSeq::Nothing;
    SeqReader(T::SEQ, &mut read).deserialize(d)?;
    Ok(T::take(read))
}

/// [`fill`] for a `Vec` of an [`Element`], through [`SeqReader`].
pub(crate) fn fill_seq<'de, A: MapAccess<'de>, T: Element>(
    map: &mut A,
    slot: &mut Option<Vec<T>>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    let mut read = ReadSeq::Nothing;
    map.next_value_seed(SeqReader(T::SEQ, &mut read))?;
    *slot = Some(T::take(read));
    Ok(())
}

/// A field's slot in a `read_struct!` reader, which picks its filler:
/// [`fill_seq`] for a `Vec` of an [`Element`] ([`FillSeq`]), [`fill`] for
/// anything else ([`FillAny`], implemented one reference further, so that
/// method lookup tries it second).
pub(crate) struct Slot<'s, T>(pub(crate) &'s mut Option<T>);

pub(crate) trait FillSeq<'de> {
    fn fill_slot<A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        name: &'static str,
    ) -> Result<(), A::Error>;
}

impl<'de, T: Element> FillSeq<'de> for Slot<'_, Vec<T>> {
    fn fill_slot<A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        name: &'static str,
    ) -> Result<(), A::Error> {
        fill_seq(map, self.0, name)
    }
}

pub(crate) trait FillAny<'de> {
    fn fill_slot<A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        name: &'static str,
    ) -> Result<(), A::Error>;
}

impl<'de, T: Deserialize<'de>> FillAny<'de> for &mut Slot<'_, T> {
    fn fill_slot<A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        name: &'static str,
    ) -> Result<(), A::Error> {
        fill(map, self.0, name)
    }
}

/// A [`Reader`] that returned without error read the type it was told to.
#[cold]
pub(crate) fn mismatch() -> ! {
    unreachable!("a reader gives the type it is asked for")
}

/// The field names of a tagged enum's variants (and its tag), or its tag's
/// values, read by index through [`FieldIndex`] and [`VariantIndex`]:
/// one reader of names for all of them, where serde's derived identifiers
/// were a reader each. Written by [`named!`].
pub(crate) trait Named: Copy + 'static {
    /// The names, in the order of `ALL`.
    const NAMES: &'static [&'static str];
    const ALL: &'static [Self];
}

/// An enum of names implementing [`Named`], as
/// `#[derive(Deserialize)] #[serde(field_identifier)]` (with `other`: any
/// other name) or `#[serde(variant_identifier)]` had it.
macro_rules! named {
    ($(#[$meta:meta])* enum $name:ident { $($variant:ident = $text:literal),* $(; other $other:ident)? $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq)]
        enum $name { $($variant,)* $($other)? }
        impl $crate::tagged::Named for $name {
            const NAMES: &'static [&'static str] = &[$($text),*];
            const ALL: &'static [$name] = &[$($name::$variant),*];
        }
    };
}
pub(crate) use named;

/// The next key of a tagged enum's object, `other` for a name not in `T`.
pub(crate) fn next_field<'de, A: MapAccess<'de>, T: Named>(
    map: &mut A,
    other: T,
) -> Result<Option<T>, A::Error> {
    Ok(map
        .next_key_seed(FieldIndex(T::NAMES))?
        .map(|i| T::ALL.get(i).copied().unwrap_or(other)))
}

/// A tag's value: the index of its name in `self.0`, or serde's
/// `unknown variant` error, as a derived `variant_identifier` gives it.
pub(crate) struct VariantIndex(pub(crate) &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for VariantIndex {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> de::Visitor<'de> for VariantIndex {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("variant identifier")
    }
    fn visit_str<E: Error>(self, v: &str) -> Result<usize, E> {
        self.0
            .iter()
            .position(|n| *n == v)
            .ok_or_else(|| E::unknown_variant(v, self.0))
    }
}

/// [`fill`] for a tag.
pub(crate) fn fill_tag<'de, A: MapAccess<'de>, T: Named>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    // Always a value: the index is one of `T::NAMES`, which match `T::ALL`.
    *slot = T::ALL
        .get(map.next_value_seed(VariantIndex(T::NAMES))?)
        .copied();
    Ok(())
}

/// `impl Deserialize` for a struct with named fields, reading a JSON object
/// as serde's derive does: fields in any order, unknown ones skipped, the
/// derive's `missing field` and `duplicate field` messages, and a missing
/// field given with `= default` (as `#[serde(default)]`; an `Option` field
/// must say `= None`, which the derive does by itself) takes that value.
/// What it leaves out is the derive's second reader, for a struct written as
/// an array (`[1, "x"]`), which the page never writes: that is refused as
/// `invalid type: sequence, expected struct Name`.
///
/// Through the shared [`Reader`] (the type must be listed in `readers!`),
/// or with `alone` through a visitor of its own, for a type only the tests
/// read on its own (a transaction body's parts are read by `TxBody`'s reader).
macro_rules! read_struct {
    (alone $name:ident { $($field:ident: $ty:ty $(= $default:expr)?),* $(,)? }) => {
        $crate::tagged::read_struct!(@fields $name { $($field: $ty $(= $default)?),* });
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        map: A,
                    ) -> Result<$name, A::Error> {
                        $crate::tagged::ReadFields::read_fields(map)
                    }
                }
                d.deserialize_struct(
                    stringify!($name),
                    <$name as $crate::tagged::ReadFields>::NAMES,
                    V,
                )
            }
        }
    };
    ($name:ident { $($field:ident: $ty:ty $(= $default:expr)?),* $(,)? }) => {
        $crate::tagged::read_struct!(@fields $name { $($field: $ty $(= $default)?),* });
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use $crate::tagged::{mismatch, Kind, Read, ReadFields, Reader};
                let mut read = Read::Nothing;
                d.deserialize_struct(
                    stringify!($name),
                    <$name as ReadFields>::NAMES,
                    Reader(Kind::$name, &mut read),
                )?;
                match read {
                    Read::$name(v) => Ok(v),
                    _ => mismatch(),
                }
            }
        }
    };
    (@fields $name:ident { $($field:ident: $ty:ty $(= $default:expr)?),* }) => {
        impl $crate::tagged::ReadFields for $name {
            const NAMES: &'static [&'static str] = &[$(stringify!($field)),*];
            fn read_fields<'de, A: serde::de::MapAccess<'de>>(
                mut map: A,
            ) -> Result<$name, A::Error> {
                #[allow(non_camel_case_types)]
                enum F { $($field),* }
                $(let mut $field: Option<$ty> = None;)*
                while let Some(i) = map.next_key_seed($crate::tagged::FieldIndex(Self::NAMES))? {
                    $(
                        if i == F::$field as usize {
                            #[allow(unused_imports)]
                            use $crate::tagged::{FillAny, FillSeq};
                            (&mut $crate::tagged::Slot(&mut $field))
                                .fill_slot(&mut map, stringify!($field))?;
                            continue;
                        }
                    )*
                    $crate::tagged::skip(&mut map)?;
                }
                Ok($name {
                    $($field: $crate::tagged::read_struct!(@value $field $(, $default)?),)*
                })
            }
        }
    };
    (@value $field:ident) => {
        $crate::tagged::req($field, stringify!($field))?
    };
    (@value $field:ident, $default:expr) => {
        $field.unwrap_or_else(|| $default)
    };
}
pub(crate) use read_struct;

/// `impl Deserialize` for an internally tagged enum `$name` (listed in
/// `readers!`): `$read` reads the fields from `$map` (with [`fill`], [`skip`]
/// and [`req`]) and builds the variant the tag names.
macro_rules! read_tagged {
    ($name:ident, |$map:ident| $read:block) => {
        impl $crate::tagged::ReadFields for $name {
            const NAMES: &'static [&'static str] = &[];
            fn read_fields<'de, A: serde::de::MapAccess<'de>>(
                mut $map: A,
            ) -> Result<$name, A::Error> {
                $read
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use $crate::tagged::{mismatch, Kind, Read, Reader};
                let mut read = Read::Nothing;
                d.deserialize_map(Reader(Kind::$name, &mut read))?;
                match read {
                    Read::$name(v) => Ok(v),
                    _ => mismatch(),
                }
            }
        }
    };
}
pub(crate) use read_tagged;

#[cfg(test)]
mod tests {
    //! The hand-written readers against serde's derive on the same types:
    //! the same values, and the same error messages (but for where they
    //! point), on good and bad input.
    use crate::crypto::PublicKey;
    use crate::election::{ElectionRecord, Strategy};
    use crate::member::{MemberId, Role};
    use crate::shares::ShareTable;
    use crate::tx::{Generation, MembershipChange, Penalty, ShareUpdate, TxBody, Vote};
    use crate::units::{MilliTokens, Wh};
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Serialize};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[derive(Serialize, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum DerivedTxBody {
        Generation(Generation),
        ShareUpdate(ShareUpdate),
        Vote(Vote),
        Election(ElectionRecord),
        Penalty(Penalty),
        Membership(crate::tx::Membership),
    }

    #[derive(Serialize, Deserialize)]
    #[serde(tag = "change", rename_all = "snake_case")]
    enum DerivedMembershipChange {
        Join {
            member: MemberId,
            name: String,
            role: Role,
            public_key: PublicKey,
            capacity: Wh,
        },
        Rename {
            member: MemberId,
            name: String,
        },
        Leave {
            member: MemberId,
        },
    }

    #[derive(Serialize, Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum DerivedRole {
        Generator { shares: ShareTable },
        Customer,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum DerivedStrategy {
        FixedPercent { percent: u8 },
        RandomPercent,
        Manual { amount: MilliTokens },
    }

    /// The result as text: the value written back, or the error without
    /// its position (and the mirror types' prefix).
    fn read<T: DeserializeOwned + Serialize>(json: &str) -> Result<String, String> {
        match serde_json::from_str::<T>(json) {
            Ok(v) => Ok(serde_json::to_string(&v).unwrap()),
            Err(e) => {
                let e = e.to_string();
                let e = e.replace("Derived", "");
                Err(match e.rfind(" at line ") {
                    Some(i) => e[..i].to_string(),
                    None => e,
                })
            }
        }
    }

    fn same<Mine, Derived>(cases: &[&str])
    where
        Mine: DeserializeOwned + Serialize,
        Derived: DeserializeOwned + Serialize,
    {
        for json in cases {
            assert_eq!(read::<Mine>(json), read::<Derived>(json), "on {json}");
        }
    }

    const KEY: &str = "\"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a\"";

    #[test]
    fn tx_bodies_read_as_the_derive_reads_them() {
        same::<TxBody, DerivedTxBody>(&[
            // Every kind, the tag first (as written) and last (as sorted).
            r#"{"type":"generation","generator":1,"period":3,"seq":2,"energy":500,"allocation":[{"member":2,"energy":500}],"minted":[{"member":1,"tokens":7}]}"#,
            r#"{"allocation":[],"energy":0,"generator":1,"minted":[],"period":3,"seq":2,"type":"generation"}"#,
            r#"{"type":"share_update","generator":1,"seq":4,"shares":[{"member":2,"share":10000}]}"#,
            r#"{"type":"vote","voter":2,"seq":1,"election":5,"bet":1000}"#,
            r#"{"bet":1000,"election":5,"seq":1,"type":"vote","voter":2}"#,
            r#"{"type":"election","height":5,"miner":1,"candidates":[{"member":2,"bet":1,"age":2,"reputation":0,"wealth":9,"draw":77,"score":"1.000"}],"winner":2,"runner_up":null,"pot":1}"#,
            r#"{"type":"election","height":5,"miner":1,"candidates":[],"winner":2,"runner_up":3,"pot":1}"#,
            r#"{"type":"election","height":5,"miner":1,"candidates":[],"winner":2,"pot":1}"#,
            r#"{"type":"penalty","height":5,"missed":2,"sealed_by":3,"reputation_lost":1,"pot":10}"#,
            &format!(
                r#"{{"type":"membership","registrar":0,"seq":1,"change":{{"change":"join","member":4,"name":"Dana","role":{{"kind":"customer"}},"public_key":{KEY},"capacity":0}}}}"#
            ),
            r#"{"type":"membership","registrar":0,"seq":2,"change":{"change":"leave","member":4}}"#,
            // Unknown fields, and another kind's fields after the tag, are skipped.
            r#"{"type":"vote","voter":2,"seq":1,"election":5,"bet":1000,"extra":[1,{"a":null}]}"#,
            r#"{"type":"vote","voter":2,"seq":1,"election":5,"bet":1000,"height":"not a number"}"#,
            // Bad input: no tag, an unknown tag, a tag of the wrong type, a
            // missing field, a field of the wrong type, a repeated field or
            // tag, not an object.
            r#"{"voter":2,"seq":1,"election":5,"bet":1000}"#,
            r#"{"type":"ballot","voter":2}"#,
            r#"{"type":7,"voter":2}"#,
            r#"{"type":null}"#,
            r#"{"type":"vote","voter":2,"seq":1,"bet":1000}"#,
            r#"{"type":"generation","generator":1}"#,
            r#"{"type":"penalty","height":5,"missed":2,"sealed_by":3,"pot":10}"#,
            r#"{"type":"vote","voter":"two","seq":1,"election":5,"bet":1000}"#,
            r#"{"type":"vote","voter":2,"seq":-1,"election":5,"bet":1000}"#,
            r#"{"type":"vote","voter":2,"seq":1.5,"election":5,"bet":1000}"#,
            r#"{"type":"vote","voter":2,"seq":1,"seq":2,"election":5,"bet":1000}"#,
            r#"{"type":"vote","type":"vote","voter":2,"seq":1,"election":5,"bet":1000}"#,
            r#"{"type":"share_update","generator":1,"seq":4,"shares":{"member":2}}"#,
            r#"{"type":"membership","registrar":0,"seq":2,"change":{"change":"quit","member":4}}"#,
            r#"{"type":"membership","registrar":0,"seq":2,"change":{"member":4}}"#,
            r#""vote""#,
            r#"42"#,
            r#"null"#,
        ]);
    }

    #[test]
    fn roles_changes_and_strategies_read_as_the_derive_reads_them() {
        same::<Role, DerivedRole>(&[
            r#"{"kind":"customer"}"#,
            r#"{"kind":"customer","shares":"ignored"}"#,
            r#"{"kind":"generator","shares":[{"member":1,"share":10000}]}"#,
            r#"{"shares":[],"kind":"generator"}"#,
            r#"{"kind":"generator"}"#,
            r#"{"kind":"miner"}"#,
            r#"{"shares":[]}"#,
            r#"{"kind":"generator","shares":5}"#,
            r#"{"kind":"customer","kind":"customer"}"#,
            r#""customer""#,
        ]);
        same::<MembershipChange, DerivedMembershipChange>(&[
            &format!(
                r#"{{"change":"join","member":4,"name":"Dana","role":{{"kind":"generator","shares":[]}},"public_key":{KEY},"capacity":900}}"#
            ),
            &format!(r#"{{"change":"join","member":4,"name":"Dana","public_key":{KEY}}}"#),
            r#"{"change":"join","member":4,"name":"Dana","role":{"kind":"customer"},"public_key":"00","capacity":0}"#,
            r#"{"change":"rename","member":4,"name":"Dee"}"#,
            r#"{"name":"Dee","member":4,"change":"rename"}"#,
            r#"{"change":"rename","member":4,"name":7}"#,
            r#"{"change":"rename","member":4,"capacity":"x","name":"Dee"}"#,
            r#"{"change":"leave"}"#,
            r#"{"change":"stay","member":4}"#,
            r#"{"member":4}"#,
        ]);
        same::<Strategy, DerivedStrategy>(&[
            r#"{"kind":"fixed_percent","percent":40}"#,
            r#"{"percent":40,"kind":"fixed_percent"}"#,
            r#"{"kind":"fixed_percent","percent":400}"#,
            r#"{"kind":"fixed_percent"}"#,
            r#"{"kind":"random_percent"}"#,
            r#"{"kind":"random_percent","percent":"x","amount":null}"#,
            r#"{"kind":"manual","amount":1500}"#,
            r#"{"kind":"manual","percent":"x","amount":1500}"#,
            r#"{"kind":"manual","amount":-1}"#,
            r#"{"kind":"all_in"}"#,
            r#"{}"#,
        ]);
    }

    /// The messages a user sees on a bad import, spelled out.
    #[test]
    fn bad_tags_and_fields_get_serdes_messages() {
        let err = |json: &str| {
            serde_json::from_str::<TxBody>(json)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(r#"{"voter":2}"#),
            "missing field `type` at line 1 column 11"
        );
        assert_eq!(
            err(r#"{"type":"ballot"}"#),
            "unknown variant `ballot`, expected one of `generation`, `share_update`, `vote`, \
             `election`, `penalty`, `membership` at line 1 column 16"
        );
        assert_eq!(
            err(r#"{"type":"vote","voter":2,"seq":1,"bet":1000}"#),
            "missing field `election` at line 1 column 44"
        );
        assert_eq!(
            err(r#"{"type":"vote","voter":"two","seq":1,"election":5,"bet":1000}"#),
            "invalid type: string \"two\", expected u32 at line 1 column 28"
        );
        assert_eq!(
            err(r#"{"type":"vote","seq":1,"seq":1}"#),
            "duplicate field `seq` at line 1 column 28"
        );
        // The one difference from the derive: it took an array as the tag
        // then the fields in order; the page never writes one.
        assert_eq!(
            err(r#"["vote",2,1,5,1000]"#),
            "invalid type: sequence, expected internally tagged enum TxBody at line 1 column 0"
        );
    }

    // The structs read by `read_struct!`, against the derive on mirrors.

    #[derive(Serialize, Deserialize)]
    struct DerivedMember {
        id: MemberId,
        name: String,
        role: Role,
        public_key: PublicKey,
        balance: Wh,
        tokens: MilliTokens,
        frozen: Vec<crate::member::FrozenLot>,
        reputation: u64,
        last_sealed: Option<u64>,
        seq: u64,
        #[serde(default = "yes", skip_serializing_if = "is_yes")]
        active: bool,
    }

    fn yes() -> bool {
        true
    }

    fn is_yes(b: &bool) -> bool {
        *b
    }

    #[derive(Serialize, Deserialize)]
    struct DerivedLedger {
        members: Vec<crate::member::Member>,
        rules: crate::ledger::Rules,
        minted: MilliTokens,
        pot: MilliTokens,
        #[serde(default, skip_serializing_if = "is_no_energy")]
        joined_energy: Wh,
    }

    fn is_no_energy(w: &Wh) -> bool {
        w.0 == 0
    }

    /// The result as text, the error with its position.
    fn read_exactly<T: DeserializeOwned + Serialize>(json: &str) -> Result<String, String> {
        serde_json::from_str::<T>(json)
            .map(|v| serde_json::to_string(&v).unwrap())
            .map_err(|e| e.to_string().replace("Derived", ""))
    }

    fn same_exactly<Mine, Derived>(cases: &[&str])
    where
        Mine: DeserializeOwned + Serialize,
        Derived: DeserializeOwned + Serialize,
    {
        for json in cases {
            assert_eq!(
                read_exactly::<Mine>(json),
                read_exactly::<Derived>(json),
                "on {json}"
            );
        }
    }

    #[test]
    fn structs_read_as_the_derive_reads_them() {
        let member = |rest: &str| {
            format!(
                r#"{{"id":3,"name":"Ann","role":{{"kind":"customer"}},"public_key":{KEY},"balance":10,"tokens":5,"frozen":[{{"amount":1,"unlocks_at":9}}],"reputation":2{rest}}}"#
            )
        };
        let cases = [
            member(r#","last_sealed":4,"seq":7"#),
            member(r#","last_sealed":4,"seq":7,"active":false"#),
            member(r#","last_sealed":4,"seq":7,"active":true"#),
            // An `Option` may be missing or null; a defaulted field missing.
            member(r#","seq":7"#),
            member(r#","last_sealed":null,"seq":7"#),
            // Unknown fields are skipped; a key may be escaped.
            member(r#","seq":7,"extra":{"a":[1,null]}"#),
            member(r#","seq":7"#),
            // Bad input: a missing, repeated or mistyped field, not an object.
            member(""),
            member(r#","seq":7,"seq":8"#),
            member(r#","seq":"seven""#),
            member(r#","seq":7,"active":"no""#),
            member(r#","seq":7,"frozen":[{"amount":1}]"#),
            member(r#","seq":7,"frozen":[{"amount":1,"unlocks_at":2,"amount":3}]"#),
            r#""member""#.to_string(),
            "7".to_string(),
            "null".to_string(),
            "{".to_string(),
            r#"{"id":3"#.to_string(),
        ];
        let cases: Vec<&str> = cases.iter().map(String::as_str).collect();
        same_exactly::<crate::member::Member, DerivedMember>(&cases);

        let rules = r#"{"alpha_permille":600,"beta_permille":800,"gamma_permille":300,"freeze_blocks":6,"milli_tokens_per_wh":1,"generator_mint_share":2000}"#;
        let cases = [
            format!(r#"{{"members":[],"rules":{rules},"minted":1,"pot":2}}"#),
            format!(r#"{{"members":[],"rules":{rules},"minted":1,"pot":2,"joined_energy":0}}"#),
            format!(r#"{{"members":[],"rules":{rules},"minted":1,"pot":2,"joined_energy":5}}"#),
            format!(r#"{{"pot":2,"minted":1,"rules":{rules},"members":[]}}"#),
            format!(r#"{{"members":[],"rules":{rules},"minted":1}}"#),
            format!(r#"{{"members":{{}},"rules":{rules},"minted":1,"pot":2}}"#),
            r#"{"members":[],"rules":{"alpha_permille":600},"minted":1,"pot":2}"#.to_string(),
            r#"{"members":[],"rules":[],"minted":1,"pot":2}"#.to_string(),
            "{}".to_string(),
        ];
        let cases: Vec<&str> = cases.iter().map(String::as_str).collect();
        same_exactly::<crate::ledger::Ledger, DerivedLedger>(&cases);
    }

    /// `SeqReader` against `Vec`'s own `Deserialize`, on the same elements.
    #[test]
    fn sequences_read_as_vec_reads_them() {
        struct Shared(Vec<crate::tx::Allocation>);
        impl<'de> Deserialize<'de> for Shared {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                super::read_seq(d).map(Shared)
            }
        }
        let cases = [
            "[]",
            r#"[{"member":1,"energy":2}]"#,
            r#"[{"member":1,"energy":2}, {"energy":3,"member":4}]"#,
            r#"[{"member":1,"energy":2},]"#,
            r#"[{"member":1}]"#,
            r#"[{"member":1,"energy":"x"}]"#,
            r#"[1]"#,
            r#"{"member":1}"#,
            r#""x""#,
            "null",
            "[",
            r#"[{"member":1,"energy":2}"#,
        ];
        for json in cases {
            let shared = serde_json::from_str::<Shared>(json)
                .map(|v| v.0)
                .map_err(|e| e.to_string());
            let vec =
                serde_json::from_str::<Vec<crate::tx::Allocation>>(json).map_err(|e| e.to_string());
            assert_eq!(shared, vec, "on {json}");
        }
    }

    /// The one difference from the derive: it also read a struct written as
    /// an array of its fields in order, which the page never writes.
    #[test]
    fn a_struct_as_an_array_is_refused() {
        assert_eq!(
            serde_json::from_str::<crate::member::FrozenLot>("[1,9]")
                .unwrap_err()
                .to_string(),
            "invalid type: sequence, expected struct FrozenLot at line 1 column 1"
        );
    }
}
