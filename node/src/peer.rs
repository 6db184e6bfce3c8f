//! The libp2p side: one swarm per node, over TCP (nodes) and WebSocket
//! (browsers), with the behaviour every E-Cloud node shares (ecloud-net:
//! gossipsub, request-response, identify, ping).

pub use ecloud_net::{topic, Behaviour, BehaviourEvent, PROTOCOL};
use libp2p::core::upgrade;
use libp2p::{identity, noise, tcp, yamux, Swarm, Transport};

/// A swarm listening on nothing yet, subscribed to nothing yet (a
/// [`Driver`](ecloud_net::Driver) subscribes it to its community).
pub fn swarm(key: identity::Keypair) -> Result<Swarm<Behaviour>, String> {
    Ok(libp2p::SwarmBuilder::with_existing_identity(key)
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
        .build())
}
