//! What every E-Cloud node on rust-libp2p shares, whatever carries its
//! bytes: the native node (node/, over TCP and WebSocket on tokio) and the
//! browser's node (browser/, a Web Worker dialling WebSocket). One
//! [`Behaviour`] (gossipsub for transactions, blocks and tips on one topic
//! per community; request-response for catching up, JSON with the core's
//! wire form; identify; ping), configured once here, so the two can never
//! disagree on a limit or a protocol name; and one [`Driver`], the loop
//! that steps the node on the swarm's events (gossip verdicts, requests and
//! answers, cutting off a peer that misbehaves, redialling), so the two
//! never handle a peer differently. The core's [`Node`] decides everything;
//! the transports keep its steps and carry its messages.
//!
//! [`Node`]: ecloud_core::node::Node

use ecloud_core::node::wire::{Wire, MAX_WIRE_BYTES};
use ecloud_core::node::{Event, Output};
use ecloud_core::Hash;
use libp2p::gossipsub::{self, IdentTopic, MessageAuthenticity, MessageId, ValidationMode};
use libp2p::request_response::{self, ProtocolSupport};
use libp2p::swarm::NetworkBehaviour;
use libp2p::{identify, identity, ping, PeerId, StreamProtocol};
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;

mod driver;

pub use driver::{Driver, Heard, Notice, Status, Step, HEARD};
pub use libp2p;

/// The protocol names this node speaks, so two versions never mix.
pub const PROTOCOL: &str = "/e-cloud/1";
/// Asking one peer for blocks (and telling it anything else directly).
pub const BLOCKS_PROTOCOL: &str = "/e-cloud/blocks/1";
/// A connection with nothing on it for this long is closed.
pub const IDLE_CONNECTION: Duration = Duration::from_secs(60);

/// A request to one peer carries any message; the answer to a request
/// for blocks carries them, to anything else nothing.
pub type Answer = Option<Wire>;

#[derive(NetworkBehaviour)]
pub struct Behaviour {
    pub gossip: gossipsub::Behaviour,
    pub direct: request_response::json::Behaviour<Wire, Answer>,
    pub identify: identify::Behaviour,
    pub ping: ping::Behaviour,
}

/// The community's gossip topic: one per genesis block.
pub fn topic(genesis: &Hash) -> IdentTopic {
    IdentTopic::new(format!("e-cloud/{genesis}"))
}

/// A gossip message's id: the hash of its bytes. The same bytes are the
/// same message, whoever sends them, so a block every node passes on
/// travels once.
pub fn message_id(message: &gossipsub::Message) -> MessageId {
    MessageId::from(ecloud_core::crypto::sha256(&message.data).0.to_vec())
}

/// The behaviour of a node whose identity is `key`, not yet subscribed.
pub fn behaviour(key: &identity::Keypair) -> Result<Behaviour, String> {
    let gossip_config = gossipsub::ConfigBuilder::default()
        // Blocks carry their ledger: far past gossipsub's 64 KiB.
        .max_transmit_size(MAX_WIRE_BYTES)
        .validation_mode(ValidationMode::Strict)
        // Passed on only once the node has checked it.
        .validate_messages()
        .message_id_fn(message_id)
        .heartbeat_interval(Duration::from_millis(500))
        // A classroom's node keeps every student's node in its mesh:
        // beyond gossipsub's default of 12, the others heard of a
        // block only by gossip at heartbeats (measured with 30
        // nodes around one: p99 5.6 s, against 0.2 s kept in).
        .mesh_n_high(128)
        .build()
        .map_err(|e| e.to_string())?;
    let gossip =
        gossipsub::Behaviour::new(MessageAuthenticity::Signed(key.clone()), gossip_config)?;
    let direct = request_response::json::Behaviour::with_codec(
        request_response::json::codec::Codec::default()
            .set_request_size_maximum(MAX_WIRE_BYTES as u64)
            .set_response_size_maximum(MAX_WIRE_BYTES as u64),
        [(StreamProtocol::new(BLOCKS_PROTOCOL), ProtocolSupport::Full)],
        request_response::Config::default().with_request_timeout(Duration::from_secs(20)),
    );
    let identify =
        identify::Behaviour::new(identify::Config::new(PROTOCOL.to_string(), key.public()));
    Ok(Behaviour {
        gossip,
        direct,
        identify,
        ping: ping::Behaviour::default(),
    })
}

/// The core's numbers for libp2p's peer ids, given out as peers appear.
#[derive(Default)]
pub(crate) struct Peers {
    numbers: HashMap<PeerId, u32>,
    ids: Vec<PeerId>,
}

impl Peers {
    pub fn number(&mut self, id: PeerId) -> u32 {
        *self.numbers.entry(id).or_insert_with(|| {
            self.ids.push(id);
            (self.ids.len() - 1) as u32
        })
    }

    pub fn id(&self, number: u32) -> Option<PeerId> {
        self.ids.get(number as usize).copied()
    }
}

/// Why the node refused something peer `number` sent, if it did.
pub(crate) fn refused_from(out: &Output, number: u32) -> Option<String> {
    out.events.iter().find_map(|e| match e {
        Event::Refused {
            from: Some(from),
            what,
            findings,
        } if *from == number => Some(match findings.first() {
            Some(f) => format!("{what}: {}", f.message),
            None => what.clone(),
        }),
        _ => None,
    })
}

/// A node's event as JSON: a line of the native node's output, a message
/// from the browser's node to its page.
pub fn event_json(event: &Event) -> serde_json::Value {
    match event {
        Event::Accepted { hash, height } => json!({"accepted": height, "hash": hash.to_hex()}),
        Event::Refused { what, findings, .. } => json!({
            "refused": what,
            "findings": findings.iter().map(|f| f.message.clone()).collect::<Vec<_>>(),
        }),
        Event::NewTip { hash, height } => json!({"tip": height, "hash": hash.to_hex()}),
        Event::Reorganised { dropped, returned } => {
            json!({"reorganised": dropped, "returned": returned})
        }
        Event::Final { hash, height } => json!({"final": height, "hash": hash.to_hex()}),
        Event::Equivocation {
            sealer,
            height,
            kept,
            refused,
        } => json!({
            "equivocation": height, "sealer": sealer.0,
            "kept": kept.to_hex(), "refused": refused.to_hex(),
        }),
        Event::Sealed { hash, height, rank } => {
            json!({"sealed": height, "hash": hash.to_hex(), "rank": rank})
        }
        Event::Voted { election } => json!({"voted": election}),
        Event::JoinRequested(request) => json!({
            "join_requested": request.name, "public_key": request.public_key.to_hex(),
        }),
        Event::Admitted { member } => json!({"admitted": member.0}),
        Event::Declined { name } => json!({"declined": name}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers_keep_their_numbers() {
        let mut peers = Peers::default();
        let (a, b) = (PeerId::random(), PeerId::random());
        assert_eq!(peers.number(a), 0);
        assert_eq!(peers.number(b), 1);
        assert_eq!(peers.number(a), 0);
        assert_eq!(peers.id(1), Some(b));
        assert_eq!(peers.id(2), None);
    }

    #[test]
    fn the_behaviour_builds() {
        assert!(behaviour(&identity::Keypair::generate_ed25519()).is_ok());
    }
}
