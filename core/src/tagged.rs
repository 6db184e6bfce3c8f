//! Reading the internally tagged enums (`TxBody`, `MembershipChange`, `Role`,
//! `Strategy`: `{"type": "vote", "voter": 1, ...}`) without serde's derive.
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

use serde::de::{Deserialize, Error, IgnoredAny, MapAccess};

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
}
