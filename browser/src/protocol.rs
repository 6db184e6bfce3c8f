//! What the page and the browser's node (a Web Worker) say to each other:
//! one JSON object per `postMessage`, as a string. The one place this is
//! written down.
//!
//! The page sends [`Ask`]:
//!
//! - `{"join": {}}`: open the chain kept in IndexedDB, fetch `/node.json`
//!   from the worker's origin (the native node that served the page: its
//!   peer id, WebSocket address and genesis block), dial it and keep up
//!   with its chain. `{"join": {"node": URL}}` fetches another URL.
//!   `{"join": {"name": "Zoé"}}` also asks the registrar to admit this
//!   browser as a member named Zoé: the worker makes the member's keys the
//!   first time (kept in IndexedDB, never sent) and signs for it once
//!   admitted (an `event` `admitted`); the same ask after a reload finds
//!   the member again from the kept keys.
//! - `{"teach": {}}`: be the class's registrar (member 0), whose keys only
//!   this browser holds. If the native node waits for the teacher
//!   (`/node.json` says `{"class": ...}`), make the registrar's keys (kept
//!   in IndexedDB, never sent), seal the class's genesis block with them
//!   and post it to the node (`POST /genesis`, taken from the node's own
//!   computer only); then run as `join` does, signing as member 0. A class
//!   another browser started is refused (an `error` of `what` "teach").
//! - `{"admit": {"public_key": HEX}}`: the registrar admits the newcomer
//!   whose request its node holds (`status`'s `requests`);
//!   `{"decline": {"public_key": HEX}}` declines it (the newcomer's node
//!   hears so, an `event` `declined`, and asks no more).
//!
//! The worker sends [`Report`], each an object with one key:
//!
//! - `{"ready": {}}`: the worker runs and listens.
//! - `{"restored": {"height", "hash"}}`: what IndexedDB held, before
//!   dialling (height 0: nothing but the genesis, or nothing at all).
//! - `{"dialling": {"ws"}}`: the address the node dials.
//! - `{"peer": {"connected" | "disconnected": id}}`, or `{"peer":
//!   {"refused": id, "why"}}` for a peer cut off for what it sent (with an
//!   `error` of `what` "peer").
//! - `{"event": {...}}`: an event of the core's node, as the native node
//!   prints it (`accepted`, `tip`, `final`, `refused`, ...).
//! - `{"status": {"height", "tip", "final_height", "final", "peers"}}`,
//!   every second; the registrar's also has `requests`, the newcomers
//!   asking to join, `[{"name", "public_key"}]`.
//! - `{"error": {"what", "why"}}`: something the worker could not do or
//!   refused: `what` is "message from the page" (not one of [`Ask`]),
//!   "join" or "teach" (the node could not start: no `/node.json`, a class
//!   not started yet or started by another browser, a store that failed,
//!   another tab of this browser running its node),
//!   "admit", "store", "dial", "request" or "peer"; the worker goes on
//!   where it can (a failed join may be asked again). "panic" is a bug of
//!   the worker's own, its last word.

use serde::{Deserialize, Serialize};

/// A message from the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Ask {
    Join {
        /// Where to read the node's `/node.json` (default: `/node.json`
        /// on the worker's origin).
        #[serde(default)]
        node: Option<String>,
        /// A newcomer's name: ask to be admitted as a member.
        #[serde(default)]
        name: Option<String>,
    },
    /// Be the class's registrar; start the class if the node waits for it.
    Teach {
        #[serde(default)]
        node: Option<String>,
    },
    /// The registrar admits the newcomer of this public key (hex).
    Admit { public_key: String },
    /// The registrar declines the newcomer of this public key (hex).
    Decline { public_key: String },
}

/// A newcomer asking the registrar to admit it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asking {
    pub name: String,
    pub public_key: String,
}

/// A tip: its height and hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tip {
    pub height: u64,
    pub hash: String,
}

/// The worker's state, every second.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub height: u64,
    pub tip: String,
    pub final_height: u64,
    #[serde(rename = "final")]
    pub final_hash: String,
    pub peers: usize,
    /// The registrar's: who asks to join.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<Asking>,
}

/// A message to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Report {
    Ready {},
    Restored(Tip),
    Dialling { ws: String },
    Peer(serde_json::Value),
    Event(serde_json::Value),
    Status(Status),
    Error { what: String, why: String },
}

/// What `text` from the page asks, or a [`Report::Error`] saying why it
/// is no message.
pub fn read_ask(text: &str) -> Result<Ask, Report> {
    serde_json::from_str(text).map_err(|e| Report::Error {
        what: "message from the page".into(),
        why: e.to_string(),
    })
}

impl Report {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What `/node.json` says (node/src/http.rs): the node's address and the
/// class's genesis block, or, while the node waits for the teacher, the
/// class the teacher's browser starts.
#[derive(Clone, Debug, Deserialize)]
pub struct About {
    #[serde(default)]
    pub ws: Option<String>,
    #[serde(default)]
    pub genesis: Option<serde_json::Value>,
    #[serde(default)]
    pub class: Option<Class>,
}

/// A class before it starts: what its genesis block is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub struct Class {
    pub seed: u64,
    pub members: u32,
    pub start_ms: u64,
    pub slot_ms: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_asks_to_join() {
        assert_eq!(
            read_ask(r#"{"join":{}}"#),
            Ok(Ask::Join {
                node: None,
                name: None
            })
        );
        assert_eq!(
            read_ask(r#"{"join":{"node":"http://x:1/node.json","name":"Zoé"}}"#),
            Ok(Ask::Join {
                node: Some("http://x:1/node.json".into()),
                name: Some("Zoé".into())
            })
        );
    }

    #[test]
    fn the_teacher_asks_to_teach_and_admit() {
        assert_eq!(read_ask(r#"{"teach":{}}"#), Ok(Ask::Teach { node: None }));
        assert_eq!(
            read_ask(r#"{"admit":{"public_key":"ab"}}"#),
            Ok(Ask::Admit {
                public_key: "ab".into()
            })
        );
        assert_eq!(
            read_ask(r#"{"decline":{"public_key":"ab"}}"#),
            Ok(Ask::Decline {
                public_key: "ab".into()
            })
        );
        let about: About = serde_json::from_str(
            r#"{"class":{"seed":1,"members":4,"start_ms":5,"slot_ms":15000}}"#,
        )
        .unwrap();
        assert_eq!((about.ws, about.genesis), (None, None));
        assert_eq!(about.class.unwrap().members, 4);
    }

    #[test]
    fn anything_else_is_an_error_not_a_panic() {
        for bad in [
            "",
            "null",
            "[]",
            r#"{"join":1}"#,
            r#"{"leave":{}}"#,
            r#"{"join":{"x":1}}"#,
            r#"{"admit":{}}"#,
            r#"{"teach":{"name":"x"}}"#,
        ] {
            match read_ask(bad) {
                Err(Report::Error { what, .. }) => assert_eq!(what, "message from the page"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn reports_are_one_key_objects() {
        let r = Report::Restored(Tip {
            height: 3,
            hash: "ab".into(),
        });
        assert_eq!(r.to_json(), r#"{"restored":{"height":3,"hash":"ab"}}"#);
        assert_eq!(Report::Ready {}.to_json(), r#"{"ready":{}}"#);
        let s = Report::Status(Status {
            height: 1,
            tip: "a".into(),
            final_height: 0,
            final_hash: "b".into(),
            peers: 1,
            requests: Vec::new(),
        });
        assert_eq!(
            s.to_json(),
            r#"{"status":{"height":1,"tip":"a","final_height":0,"final":"b","peers":1}}"#
        );
    }
}
