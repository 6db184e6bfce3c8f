//! E-Cloud's native node: the core's [`Node`] state machine on rust-libp2p,
//! its chain kept in redb. The node itself decides everything (what to
//! accept, when to vote and seal, which fork to follow); this crate only
//! carries its messages, keeps its store and gives it the time.
//!
//! Each line the node prints on stdout is one JSON object: `listening`
//! (an address peers can dial), `page` and `open` (with `--http`: where
//! it serves browsers, and the addresses other machines open), an `event`
//! of the core's node (with the time it happened, `at_ms`), a `peer`
//! that came or went, and a `status` every second. Tests and the classroom
//! read them. Text for a person (the address to open, its QR code) goes
//! to stderr.

pub mod args;
pub mod http;
pub mod open;
pub mod peer;
pub mod store;

use args::Config;
use ecloud_core::chain::genesis::CommunitySpec;
use ecloud_core::node::wire::{self, Wire};
use ecloud_core::node::{Command, Event, Message, Node, NodeKeys, Output, To};
use ecloud_core::simulation::network::node_keys;
use ecloud_core::{Block, Chain};
use ecloud_net::{event_json, refused_from};
use futures::StreamExt;
use libp2p::gossipsub::{self, MessageAcceptance};
use libp2p::request_response::{self, ResponseChannel};
use libp2p::swarm::{ConnectionId, SwarmEvent};
use libp2p::{identity, Multiaddr, Swarm};
use peer::{Answer, Behaviour, BehaviourEvent, Peers};
use serde_json::json;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use store::Store;

/// Milliseconds since the epoch: the nodes' shared clock.
fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// One line of the node's output. A closed stdout stops no node.
fn say(line: serde_json::Value) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// The classroom's genesis block and member `member`'s keys, from the
/// class's seed: every node started with the same seed, members, start and
/// slot holds the same genesis block.
pub fn classroom(config: &Config) -> Result<(Block, Vec<NodeKeys>), String> {
    let mut spec = CommunitySpec::one_generator(config.members.saturating_sub(1))
        .map_err(|e| e.to_string())?;
    spec.rules.slot_ms = Some(config.slot_ms);
    let keys: Vec<NodeKeys> = (0..config.members)
        .map(|i| node_keys(config.class_seed, i))
        .collect();
    let genesis = spec
        .genesis_block_v2(
            |id| {
                let k = &keys[id.0 as usize];
                (k.public_key(), k.vrf_key())
            },
            keys[0].signing(),
            config.start_ms,
        )
        .map_err(|e| e.to_string())?;
    Ok((genesis, keys))
}

/// The best chain kept in `config`'s store, as a chain file.
pub fn export(config: &Config) -> Result<String, String> {
    let store = Store::open(&config.store_path()).map_err(|e| e.to_string())?;
    let (blocks, memo) = store.load().map_err(|e| e.to_string())?;
    let node = Node::restore_parts(blocks, memo.as_deref(), None, 0).map_err(|e| e.to_string())?;
    let blocks: Vec<Block> = node.chain_blocks();
    Chain::from_blocks_unchecked(blocks)
        .map(|c| c.to_json())
        .ok_or_else(|| "the store keeps no blocks".to_string())
}

/// The verdict on the chain file at `path`, as one JSON object: whether it
/// verifies, its blocks and tip, every finding, and the energy and voting
/// tokens its tip holds beside what conservation asks (the genesis total
/// plus generators that joined; the genesis supply plus all minted). An
/// error when the file is no chain file.
pub fn verify(path: &std::path::Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let chain = Chain::parse_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let report = chain.verify();
    let (genesis, tip) = (chain.blocks()[0].ledger(), chain.tip().ledger());
    let number = |n: u128| u64::try_from(n).unwrap_or(u64::MAX);
    Ok(json!({
        "verified": report.is_valid(),
        "blocks": chain.blocks().len(),
        "tip": chain.tip().hash.to_hex(),
        "energy_wh": {
            "held": number(tip.total_energy()),
            "conserved": number(tip.energy_due(genesis.total_energy())),
        },
        "tokens_milli": {
            "held": number(tip.total_tokens()),
            "conserved": number(tip.tokens_due(genesis.total_tokens())),
        },
        "findings": report.findings.iter().map(|f| json!({
            "height": f.height, "check": f.check.code(), "message": f.message,
        })).collect::<Vec<_>>(),
    }))
}

/// A running node: the state machine, its store and its swarm.
struct Running {
    node: Node,
    store: Store,
    swarm: Swarm<Behaviour>,
    topic: gossipsub::IdentTopic,
    peers: Peers,
    /// Peers that sent what no honest node sends: disconnected, refused.
    banned: HashSet<libp2p::PeerId>,
    /// The addresses given with --peer, and the connection to each while
    /// there is one: the others are dialled again every few seconds, so a
    /// peer that starts later, restarts or comes back after a cut link is
    /// found again.
    dialled: Vec<(Multiaddr, Option<ConnectionId>)>,
    /// Browsers' port (--http), served once the swarm's WebSocket
    /// listener on loopback has its address.
    http: Option<(tokio::net::TcpListener, Option<std::path::PathBuf>)>,
    /// The registrar's node admits every newcomer who asks (--admit).
    admit: bool,
}

/// Runs the node of `config` until interrupted.
pub async fn run(config: Config) -> Result<(), String> {
    let (genesis, keys) = classroom(&config)?;
    let keys = config.member.map(|m| keys[m as usize].clone());
    std::fs::create_dir_all(&config.data).map_err(|e| e.to_string())?;
    let store = Store::open(&config.store_path()).map_err(|e| e.to_string())?;
    let node = store
        .node(
            &genesis,
            keys,
            config.class_seed ^ u64::from(config.member.unwrap_or(u32::MAX)),
        )
        .map_err(|e| e.to_string())?;
    let swarm = peer::swarm(identity::Keypair::generate_ed25519(), &genesis.hash)?;
    let mut running = Running {
        node,
        store,
        swarm,
        topic: peer::topic(&genesis.hash),
        peers: Peers::default(),
        banned: HashSet::new(),
        dialled: config.peers.iter().map(|a| (a.clone(), None)).collect(),
        http: None,
        admit: config.admit,
    };
    if let Some(name) = &config.join {
        let newcomer = running
            .store
            .newcomer(&genesis.hash, name)
            .map_err(|e| e.to_string())?;
        say(
            json!({"newcomer": newcomer.request().name, "public_key": newcomer.request().public_key.to_hex()}),
        );
        let out = running.node.ask_to_join(newcomer, now_ms());
        running.after(out)?;
    }
    if let Some(at) = config.http {
        let listener = tokio::net::TcpListener::bind(at)
            .await
            .map_err(|e| format!("cannot serve browsers on {at}: {e}"))?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        say(json!({"page": format!("http://{bound}/")}));
        let open = open::addresses(bound, &open::interfaces());
        say(json!({"open": open.iter().map(|a| open::url(*a)).collect::<Vec<_>>()}));
        {
            use std::io::{IsTerminal, Write};
            let mut stderr = std::io::stderr().lock();
            let _ = stderr.write_all(open::tell(&open, stderr.is_terminal()).as_bytes());
        }
        running.http = Some((listener, config.page.clone()));
        running
            .swarm
            .listen_on(
                "/ip4/127.0.0.1/tcp/0/ws"
                    .parse()
                    .expect("a WebSocket address"),
            )
            .map_err(|e| format!("cannot listen for WebSockets: {e}"))?;
    }
    for address in &config.listen {
        running
            .swarm
            .listen_on(address.clone())
            .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    }
    let slot = running
        .node
        .tree()
        .genesis()
        .ledger()
        .rules
        .slot_ms
        .unwrap_or(15_000);
    let mut tick = tokio::time::interval(Duration::from_millis((slot / 16).max(10)));
    let mut status = tokio::time::interval(Duration::from_secs(1));
    let mut redial = tokio::time::interval(Duration::from_secs(2));
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| e.to_string())?;
    loop {
        tokio::select! {
            event = running.swarm.select_next_some() => running.swarm_event(event)?,
            _ = tick.tick() => {
                let out = running.node.tick(now_ms());
                running.after(out)?;
            }
            _ = status.tick() => running.status(),
            _ = redial.tick() => running.redial(),
            _ = terminate.recv() => return Ok(()),
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

impl Running {
    /// Dials each --peer address it holds no connection to.
    fn redial(&mut self) {
        for (address, connection) in &self.dialled {
            if connection.is_none() {
                // A refused dial is reported by the swarm and tried again.
                let _ = self.swarm.dial(address.clone());
            }
        }
    }

    fn status(&self) {
        let tip = self.node.tip();
        let fin = self.node.finalized();
        say(json!({"status": {
            "height": tip.height(),
            "tip": tip.hash.to_hex(),
            "final_height": fin.height(),
            "final": fin.hash.to_hex(),
            "peers": self.swarm.connected_peers().count(),
        }}));
    }

    /// After a step of the node: keep what it accepted and what it
    /// remembers, then send what it says and print what happened.
    fn after(&mut self, out: Output) -> Result<(), String> {
        self.keep(&out)?;
        let at_ms = now_ms();
        for event in &out.events {
            say(json!({"event": event_json(event), "at_ms": at_ms}));
        }
        let asking: Vec<_> = out
            .events
            .iter()
            .filter_map(|e| match e {
                Event::JoinRequested(request) if self.admit => Some(request.public_key),
                _ => None,
            })
            .collect();
        for send in out.sends {
            match send.to {
                To::All => {
                    // None subscribed yet, or the same bytes already sent:
                    // the tips said every half slot and catching up mend it.
                    let _ = self
                        .swarm
                        .behaviour_mut()
                        .gossip
                        .publish(self.topic.clone(), wire::encode(&send.message));
                }
                To::Peer(number) => {
                    if let Some(id) = self.peers.id(number) {
                        self.swarm
                            .behaviour_mut()
                            .direct
                            .send_request(&id, Wire::from(&send.message));
                    }
                }
            }
        }
        for public_key in asking {
            // Refused (no member numbers left, a name taken): said, not fatal.
            match self.node.command(Command::Admit { public_key }, now_ms()) {
                Ok(out) => self.after(out)?,
                Err(e) => say(json!({"not_admitted": public_key.to_hex(), "why": e.to_string()})),
            }
        }
        Ok(())
    }

    /// Writes the blocks a step accepted or sealed, and the node's memo,
    /// before anything of the step leaves the node.
    fn keep(&self, out: &Output) -> Result<(), String> {
        if out.events.is_empty()
            && out
                .sends
                .iter()
                .all(|s| matches!(s.message, Message::Tip { .. }))
        {
            return Ok(());
        }
        let blocks: Vec<Arc<Block>> = out
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Accepted { hash, .. } | Event::Sealed { hash, .. } => {
                    self.node.tree().block(hash).cloned()
                }
                _ => None,
            })
            .collect();
        self.store
            .write(&blocks, Some(&self.node.memo()))
            .map_err(|e| e.to_string())
    }

    fn swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) -> Result<(), String> {
        match event {
            SwarmEvent::NewListenAddr { address, .. } => {
                let id = *self.swarm.local_peer_id();
                if let Some(websocket) = loopback_websocket(&address) {
                    if let Some((listener, page)) = self.http.take() {
                        let port = listener.local_addr().map_or(0, |a| a.port());
                        say(json!({"browsers": format!("/tcp/{port}/ws/p2p/{id}")}));
                        let about = http::About {
                            peer_id: id.to_string(),
                            genesis: serde_json::to_string(&**self.node.tree().genesis())
                                .map_err(|e| e.to_string())?,
                        };
                        tokio::spawn(http::serve(listener, page, websocket, about));
                    }
                } else {
                    say(json!({"listening": format!("{address}/p2p/{id}")}));
                }
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                connection_id,
                endpoint,
                ..
            } => {
                if let Some(d) = self
                    .dialled
                    .iter_mut()
                    .find(|(a, _)| endpoint.is_dialer() && a == endpoint.get_remote_address())
                {
                    d.1 = Some(connection_id);
                }
                if self.banned.contains(&peer_id) {
                    let _ = self.swarm.disconnect_peer_id(peer_id);
                } else {
                    let number = self.peers.number(peer_id);
                    say(json!({"peer": {"connected": peer_id.to_string(), "number": number}}));
                    let out = self.node.greet(number, now_ms());
                    self.after(out)?;
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                connection_id,
                num_established,
                ..
            } => {
                // A --peer address whose connection closed is dialled again.
                for d in &mut self.dialled {
                    if d.1 == Some(connection_id) {
                        d.1 = None;
                    }
                }
                if num_established == 0 {
                    say(json!({"peer": {"disconnected": peer_id.to_string()}}));
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Gossip(gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            })) => self.gossip(propagation_source, message_id, &message.data)?,
            SwarmEvent::Behaviour(BehaviourEvent::Direct(event)) => self.direct(event)?,
            _ => {}
        }
        Ok(())
    }

    /// A message gossiped by `from`: passed on only if the node took it.
    fn gossip(
        &mut self,
        from: libp2p::PeerId,
        id: gossipsub::MessageId,
        data: &[u8],
    ) -> Result<(), String> {
        let (acceptance, out) = match wire::decode(data) {
            Err(e) => {
                self.misbehaved(from, &e.to_string());
                (MessageAcceptance::Reject, Output::default())
            }
            Ok(message) => match self.take_from(from, message) {
                (out, true) => (MessageAcceptance::Reject, out),
                (out, false) => (MessageAcceptance::Accept, out),
            },
        };
        self.swarm
            .behaviour_mut()
            .gossip
            .report_message_validation_result(&id, &from, acceptance);
        self.after(out)
    }

    fn direct(&mut self, event: request_response::Event<Wire, Answer>) -> Result<(), String> {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request {
                    request, channel, ..
                } => self.request(peer, request, channel),
                request_response::Message::Response {
                    response: Some(answer),
                    ..
                } => {
                    let (out, _) = self.take_from(peer, answer.into());
                    self.after(out)
                }
                request_response::Message::Response { response: None, .. } => Ok(()),
            },
            request_response::Event::InboundFailure { peer, error, .. } => {
                // A request that did not decode (malformed, or too long).
                if let request_response::InboundFailure::Io(e) = &error {
                    self.misbehaved(peer, &e.to_string());
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// A message sent to this node alone; a request for blocks is answered
    /// on its channel, with what the node would send that peer.
    fn request(
        &mut self,
        peer: libp2p::PeerId,
        request: Wire,
        channel: ResponseChannel<Answer>,
    ) -> Result<(), String> {
        let (mut out, _) = self.take_from(peer, request.into());
        let number = self.peers.number(peer);
        let answer = out
            .sends
            .iter()
            .position(|s| s.to == To::Peer(number) && matches!(s.message, Message::Blocks { .. }))
            .map(|at| Wire::from(&out.sends.remove(at).message));
        let _ = self
            .swarm
            .behaviour_mut()
            .direct
            .send_response(channel, answer);
        self.after(out)
    }

    /// The node takes `message` from `peer`; a peer whose message it
    /// refuses is cut off. The step's output, and whether it was refused.
    fn take_from(&mut self, peer: libp2p::PeerId, message: Message) -> (Output, bool) {
        let number = self.peers.number(peer);
        let out = self.node.handle(number, message, now_ms());
        let refused = refused_from(&out, number);
        if let Some(why) = &refused {
            self.misbehaved(peer, why);
        }
        (out, refused.is_some())
    }

    /// `peer` sent what no honest node sends: it is cut off and refused
    /// from now on; the node goes on with the others.
    fn misbehaved(&mut self, peer: libp2p::PeerId, why: &str) {
        if self.banned.insert(peer) {
            say(json!({"peer": {"refused": peer.to_string(), "why": why}}));
        }
        let _ = self.swarm.disconnect_peer_id(peer);
    }
}

/// The socket of the swarm's WebSocket listener on loopback, if `address`
/// is it.
fn loopback_websocket(address: &Multiaddr) -> Option<std::net::SocketAddr> {
    use libp2p::multiaddr::Protocol;
    let mut parts = address.iter();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Protocol::Ip4(ip)), Some(Protocol::Tcp(port)), Some(Protocol::Ws(_)))
            if ip.is_loopback() =>
        {
            Some((ip, port).into())
        }
        _ => None,
    }
}
