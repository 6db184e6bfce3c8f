//! A [`Message`] as it travels between devices: JSON, named by its `type`,
//! at most [`MAX_WIRE_BYTES`] long. One encoding for every transport
//! (libp2p's gossip and requests, a browser's worker), so a message a
//! native node relays is the message a browser reads. Bytes from a peer
//! are decoded into a typed [`WireError`] or a message, never a panic; what
//! the message says is then checked by the node, as every message is.

use super::message::Message;
use crate::crypto::Hash;
use crate::model::block::Block;
use crate::model::tx::Transaction;
use crate::node::join::{JoinDecline, JoinRequest};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// The longest message a node reads: an answer of
/// [`BLOCKS_PER_ANSWER`](super::message::BLOCKS_PER_ANSWER) blocks of a
/// large community fits; anything longer is refused unread.
pub const MAX_WIRE_BYTES: usize = 8 * 1024 * 1024;

/// A message's encoded form, for transports whose codec serializes it
/// (libp2p's JSON requests); [`encode`] and [`decode`] give its bytes. Blocks
/// travel whole (with their ledger), as a chain file holds them, so the
/// receiver checks them with the same rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Wire {
    Transaction {
        transaction: Transaction,
    },
    Block {
        block: Block,
    },
    GetBlocks {
        from_height: u64,
        tip: Option<Hash>,
    },
    Blocks {
        blocks: Vec<Block>,
        tip: Option<Hash>,
    },
    Tip {
        hash: Hash,
        height: u64,
        final_height: u64,
    },
    JoinRequest {
        request: JoinRequest,
    },
    JoinDeclined {
        decline: JoinDecline,
    },
}

/// Why bytes from a peer are not a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WireError {
    /// Longer than [`MAX_WIRE_BYTES`]: not read.
    TooLong { bytes: usize },
    /// Not JSON, or not the shape of any message.
    Malformed(String),
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::TooLong { bytes } => write!(
                f,
                "a message of {bytes} bytes is longer than the {MAX_WIRE_BYTES} a node reads"
            ),
            WireError::Malformed(e) => write!(f, "not a message: {e}"),
        }
    }
}

impl std::error::Error for WireError {}

impl From<&Message> for Wire {
    fn from(message: &Message) -> Wire {
        match message {
            Message::Transaction(tx) => Wire::Transaction {
                transaction: tx.clone(),
            },
            Message::Block(block) => Wire::Block {
                block: (**block).clone(),
            },
            Message::GetBlocks { from_height, tip } => Wire::GetBlocks {
                from_height: *from_height,
                tip: *tip,
            },
            Message::Blocks { blocks, tip } => Wire::Blocks {
                blocks: blocks.iter().map(|b| (**b).clone()).collect(),
                tip: *tip,
            },
            Message::Tip {
                hash,
                height,
                final_height,
            } => Wire::Tip {
                hash: *hash,
                height: *height,
                final_height: *final_height,
            },
            Message::JoinRequest(request) => Wire::JoinRequest {
                request: request.clone(),
            },
            Message::JoinDeclined(decline) => Wire::JoinDeclined {
                decline: decline.clone(),
            },
        }
    }
}

impl From<Wire> for Message {
    fn from(wire: Wire) -> Message {
        match wire {
            Wire::Transaction { transaction } => Message::Transaction(transaction),
            Wire::Block { block } => Message::Block(Arc::new(block)),
            Wire::GetBlocks { from_height, tip } => Message::GetBlocks { from_height, tip },
            Wire::Blocks { blocks, tip } => Message::Blocks {
                blocks: blocks.into_iter().map(Arc::new).collect(),
                tip,
            },
            Wire::Tip {
                hash,
                height,
                final_height,
            } => Message::Tip {
                hash,
                height,
                final_height,
            },
            Wire::JoinRequest { request } => Message::JoinRequest(request),
            Wire::JoinDeclined { decline } => Message::JoinDeclined(decline),
        }
    }
}

/// `message` as bytes for a peer.
pub fn encode(message: &Message) -> Vec<u8> {
    serde_json::to_vec(&Wire::from(message)).expect("a message always serializes")
}

/// The message in `bytes` from a peer.
pub fn decode(bytes: &[u8]) -> Result<Message, WireError> {
    if bytes.len() > MAX_WIRE_BYTES {
        return Err(WireError::TooLong { bytes: bytes.len() });
    }
    let wire: Wire =
        serde_json::from_slice(bytes).map_err(|e| WireError::Malformed(e.to_string()))?;
    Ok(wire.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulation::network::Network;
    use crate::CommunitySpec;

    fn genesis() -> Arc<Block> {
        let spec = CommunitySpec::one_generator(3).unwrap();
        let network = Network::community(&spec, 7, 1_000_000).unwrap();
        network.node(0).tip().clone()
    }

    #[test]
    fn every_message_survives_the_trip() {
        let genesis = genesis();
        let tip = Some(genesis.hash);
        let request = crate::node::Applicant::new(
            genesis.hash,
            "Zoé",
            crate::model::member::Role::Customer,
            crate::Wh(0),
            [7; 32],
        )
        .request()
        .clone();
        let registrar = crate::crypto::SecretKey::from_bytes([8; 32]);
        for message in [
            Message::JoinDeclined(JoinDecline::new(&request, &registrar)),
            Message::Block(genesis.clone()),
            Message::Blocks {
                blocks: vec![genesis.clone(), genesis.clone()],
                tip,
            },
            Message::GetBlocks {
                from_height: 3,
                tip: None,
            },
            Message::Tip {
                hash: genesis.hash,
                height: 9,
                final_height: 2,
            },
            Message::JoinRequest(request),
        ] {
            assert_eq!(decode(&encode(&message)), Ok(message));
        }
    }

    #[test]
    fn a_message_says_what_it_is() {
        let text = String::from_utf8(encode(&Message::GetBlocks {
            from_height: 3,
            tip: None,
        }))
        .unwrap();
        assert_eq!(text, r#"{"type":"get_blocks","from_height":3,"tip":null}"#);
    }

    #[test]
    fn bytes_that_are_no_message_are_refused_with_a_reason() {
        for bad in [
            &b""[..],
            b"not json",
            br#"{"type":"get_blocks"}"#,
            br#"{"type":"teleport","to":"mars"}"#,
            br#"{"type":"tip","hash":"zz","height":1,"final_height":0}"#,
            br#"{"type":"get_blocks","from_height":-1,"tip":null}"#,
            br#"{"type":"get_blocks","from_height":1,"tip":null,"extra":1}"#,
            br#"{"type":"block","block":{"header":{}}}"#,
        ] {
            assert!(
                matches!(decode(bad), Err(WireError::Malformed(_))),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn a_message_past_the_limit_is_not_read() {
        let long = vec![b' '; MAX_WIRE_BYTES + 1];
        assert_eq!(
            decode(&long),
            Err(WireError::TooLong {
                bytes: MAX_WIRE_BYTES + 1
            })
        );
    }
}
