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
//!   every second.
//! - `{"error": {"what", "why"}}`: something the worker could not do or
//!   refused: `what` is "message from the page" (not one of [`Ask`]),
//!   "join" (the node could not start: no `/node.json`, a store that
//!   failed), "store", "dial", "request" or "peer"; the worker goes on
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

/// What `/node.json` says (node/src/http.rs).
#[derive(Clone, Debug, Deserialize)]
pub struct About {
    pub ws: String,
    pub genesis: serde_json::Value,
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
    fn anything_else_is_an_error_not_a_panic() {
        for bad in [
            "",
            "null",
            "[]",
            r#"{"join":1}"#,
            r#"{"leave":{}}"#,
            r#"{"join":{"x":1}}"#,
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
        });
        assert_eq!(
            s.to_json(),
            r#"{"status":{"height":1,"tip":"a","final_height":0,"final":"b","peers":1}}"#
        );
    }
}
