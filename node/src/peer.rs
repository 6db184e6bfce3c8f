//! The libp2p side: one swarm per node, over TCP (nodes) and WebSocket
//! (browsers), with the behaviour every E-Cloud node shares (ecloud-net:
//! gossipsub, request-response, identify, ping).

use ecloud_core::Hash;
pub use ecloud_net::{topic, Answer, Behaviour, BehaviourEvent, Peers, PROTOCOL};
use libp2p::core::upgrade;
use libp2p::{identity, noise, tcp, yamux, Swarm, Transport};

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
            ecloud_net::behaviour(key).map_err(Box::<dyn std::error::Error + Send + Sync>::from)
        })
        .map_err(|e| e.to_string())?
        .with_swarm_config(|c| c.with_idle_connection_timeout(ecloud_net::IDLE_CONNECTION))
        .build();
    swarm
        .behaviour_mut()
        .gossip
        .subscribe(&topic(genesis))
        .map_err(|e| e.to_string())?;
    Ok(swarm)
}
