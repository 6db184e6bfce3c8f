//! The libp2p side: one swarm per node, over TCP (nodes) and WebSocket
//! (browsers), with gossipsub (transactions,
//! blocks and tips, on one topic per community), request-response (asking
//! a peer for blocks, JSON with the core's wire form), identify and ping.
//! The core names peers by small numbers; [`Peers`] keeps the two names.

use ecloud_core::node::wire::{Wire, MAX_WIRE_BYTES};
use ecloud_core::Hash;
use libp2p::core::upgrade;
use libp2p::gossipsub::{self, IdentTopic, MessageAuthenticity, MessageId, ValidationMode};
use libp2p::request_response::{self, ProtocolSupport};
use libp2p::swarm::NetworkBehaviour;
use libp2p::{
    identify, identity, noise, ping, tcp, yamux, PeerId, StreamProtocol, Swarm, Transport,
};
use std::collections::HashMap;
use std::time::Duration;

/// The protocol names this node speaks, so two versions never mix.
pub const PROTOCOL: &str = "/e-cloud/1";
const BLOCKS_PROTOCOL: &str = "/e-cloud/blocks/1";

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

/// A swarm listening on nothing yet, subscribed to `genesis`'s topic.
pub fn swarm(key: identity::Keypair, genesis: &Hash) -> Result<Swarm<Behaviour>, String> {
    let mut swarm = libp2p::SwarmBuilder::with_existing_identity(key)
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(|e| e.to_string())?
        .with_other_transport(
            |key| -> Result<_, Box<dyn std::error::Error + Send + Sync>> {
                let tcp = libp2p::tcp::tokio::Transport::new(tcp::Config::default().nodelay(true));
                Ok(libp2p_websocket::Config::new(tcp)
                    .upgrade(upgrade::Version::V1)
                    .authenticate(noise::Config::new(key)?)
                    .multiplex(yamux::Config::default()))
            },
        )
        .map_err(|e| e.to_string())?
        .with_behaviour(|key| {
            let gossip_config = gossipsub::ConfigBuilder::default()
                // Blocks carry their ledger: far past gossipsub's 64 KiB.
                .max_transmit_size(MAX_WIRE_BYTES)
                .validation_mode(ValidationMode::Strict)
                // Passed on only once the node has checked it.
                .validate_messages()
                // The same bytes are the same message, whoever sends them,
                // so a block every node passes on travels once.
                .message_id_fn(|m| MessageId::from(ecloud_core::crypto::sha256(&m.data).0.to_vec()))
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
        })
        .map_err(|e| e.to_string())?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(60)))
        .build();
    swarm
        .behaviour_mut()
        .gossip
        .subscribe(&topic(genesis))
        .map_err(|e| e.to_string())?;
    Ok(swarm)
}

/// The core's numbers for libp2p's peer ids, given out as peers appear.
#[derive(Default)]
pub struct Peers {
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
