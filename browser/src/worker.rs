//! The worker: the page's messages in, the core's [`Node`] driven by the
//! swarm's events and the time, as node/src/lib.rs drives the native node,
//! with IndexedDB instead of redb and the page instead of stdout.

use crate::idb::{self, Store};
use crate::protocol::{read_ask, About, Ask, Report, Status, Tip};
use ecloud_core::model::member::Role;
use ecloud_core::node::wire::{self, Wire};
use ecloud_core::node::{Applicant, Event, Message, Node, Output, To};
use ecloud_core::{Block, Wh};
use ecloud_net::{event_json, refused_from, Answer, Behaviour, BehaviourEvent, Peers};
use futures::channel::mpsc;
use futures::stream::{self, LocalBoxStream};
use futures::{FutureExt, StreamExt};
use libp2p::core::upgrade;
use libp2p::gossipsub::{self, MessageAcceptance};
use libp2p::request_response::{self, ResponseChannel};
use libp2p::swarm::{ConnectionId, SwarmEvent};
use libp2p::{noise, yamux, Multiaddr, PeerId, Swarm, Transport};
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Milliseconds since the epoch: the nodes' shared clock.
fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// One message to the page.
fn post(report: Report) {
    let _ = scope().post_message(&JsValue::from_str(&report.to_json()));
}

fn error(what: &str, why: impl ToString) {
    post(Report::Error {
        what: what.into(),
        why: why.to_string(),
    });
}

/// Listens to the page: each message, a string of JSON (or an object, read
/// as its JSON), goes to the node's loop.
pub fn start() {
    // A bug in the worker (never something from outside: that is an error
    // report) stops it; the page hears why before it does.
    std::panic::set_hook(Box::new(|info| error("panic", info)));
    let (tx, rx) = mpsc::unbounded::<String>();
    let listen = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let data = e.data();
        let text = data.as_string().unwrap_or_else(|| {
            js_sys::JSON::stringify(&data)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default()
        });
        let _ = tx.unbounded_send(text);
    });
    scope().set_onmessage(Some(listen.as_ref().unchecked_ref()));
    listen.forget();
    post(Report::Ready {});
    wasm_bindgen_futures::spawn_local(serve(rx));
}

/// Waits for the page to ask to join, then runs the node; a join that
/// fails is told and may be asked again.
async fn serve(mut page: mpsc::UnboundedReceiver<String>) {
    while let Some(text) = page.next().await {
        match read_ask(&text) {
            Err(report) => post(report),
            Ok(Ask::Join { node, name }) => {
                let url = node.unwrap_or_else(|| "/node.json".into());
                if let Err(why) = join(&url, name.as_deref(), &mut page).await {
                    error("join", why);
                }
            }
        }
    }
}

/// What `url` (the native node's `/node.json`) says.
async fn about(url: &str) -> Result<About, String> {
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let response: web_sys::Response = JsFuture::from(scope.fetch_with_str(url))
        .await
        .map_err(|e| format!("cannot fetch {url}: {e:?}"))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("{e:?}"))?
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text).map_err(|e| format!("{url} is not the node's: {e}"))
}

/// The node kept in `store`, if it holds one that restores.
async fn restore(store: &Store) -> Option<Node> {
    let (texts, memo) = match store.load().await {
        Ok(kept) => kept,
        Err(why) => {
            error("store", why);
            return None;
        }
    };
    if texts.is_empty() {
        return None;
    }
    let blocks: Result<Vec<Block>, _> = texts.iter().map(|t| serde_json::from_str(t)).collect();
    let restored = blocks
        .map_err(|e| e.to_string())
        .and_then(|b| Node::restore_parts(b, memo.as_deref(), None, 0).map_err(|e| e.to_string()));
    match restored {
        Ok(node) => Some(node),
        Err(why) => {
            error(
                "store",
                format!("the kept chain does not restore ({why}): starting afresh"),
            );
            None
        }
    }
}

fn every(ms: u64) -> LocalBoxStream<'static, ()> {
    stream::unfold((), move |_| async move {
        futures_timer::Delay::new(Duration::from_millis(ms)).await;
        Some(((), ()))
    })
    .boxed_local()
}

/// The newcomer named `name` in the community of `genesis`: its keys made
/// now from the browser's randomness if `store` keeps none, and kept (the
/// name they were made for stays with them).
async fn newcomer(store: &Store, genesis: &Block, name: &str) -> Result<Applicant, String> {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Kept {
        name: String,
        seed: String,
    }
    let kept = match store.newcomer().await? {
        Some(text) => serde_json::from_str(&text).map_err(|e| format!("the kept keys: {e}"))?,
        None => {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| format!("no randomness for keys: {e}"))?;
            let kept = Kept {
                name: name.to_string(),
                seed: ecloud_core::Hash(seed).to_hex(),
            };
            store
                .keep_newcomer(&serde_json::to_string(&kept).unwrap_or_default())
                .await?;
            kept
        }
    };
    let seed =
        ecloud_core::Hash::from_hex(&kept.seed).map_err(|e| format!("the kept keys: {e}"))?;
    Ok(Applicant::new(
        genesis.hash,
        &kept.name,
        Role::Customer,
        Wh(0),
        seed.0,
    ))
}

/// Restores or starts the node, dials the native node and keeps up with
/// its chain until the store fails; with a `name`, asks to be admitted.
async fn join(
    url: &str,
    name: Option<&str>,
    page: &mut mpsc::UnboundedReceiver<String>,
) -> Result<(), String> {
    let store = Store::open().await?;
    let kept = restore(&store).await;
    if let Some(node) = &kept {
        post(Report::Restored(tip_of(node)));
    }
    let about = about(url).await?;
    let genesis: Block = serde_json::from_value(about.genesis.clone())
        .map_err(|e| format!("the node's genesis is not a block: {e}"))?;
    let node = match kept {
        Some(node) if node.tree().genesis().hash == genesis.hash => node,
        other => {
            if other.is_some() {
                error(
                    "store",
                    "it kept another community's chain: starting afresh",
                );
            }
            store.clear().await?;
            // Checked as a restart checks its genesis block.
            let node = Node::restore_parts(vec![genesis.clone()], None, None, 0)
                .map_err(|e| format!("the node's genesis: {e}"))?;
            store
                .write(&[block_record(&genesis)], Some(&node.memo()))
                .await?;
            post(Report::Restored(tip_of(&node)));
            node
        }
    };
    let ws: Multiaddr = about
        .ws
        .parse()
        .map_err(|e| format!("{} is no address: {e}", about.ws))?;
    // Dialled without its /p2p/ peer id: a native node makes a new identity
    // at each start, and the node that served the page is trusted by its
    // address (as for the page and the genesis), so a restarted one is
    // found again.
    let ws: Multiaddr = ws
        .into_iter()
        .filter(|p| !matches!(p, libp2p::multiaddr::Protocol::P2p(_)))
        .collect();
    let mut swarm = swarm()?;
    let topic = ecloud_net::topic(&node.tree().genesis().hash);
    swarm
        .behaviour_mut()
        .gossip
        .subscribe(&topic)
        .map_err(|e| e.to_string())?;
    let slot = node
        .tree()
        .genesis()
        .ledger()
        .rules
        .slot_ms
        .unwrap_or(15_000);
    let mut running = Running {
        node,
        store,
        swarm,
        topic,
        peers: Peers::default(),
        banned: HashSet::new(),
        dialled: (ws.clone(), None),
    };
    if let Some(name) = name {
        let applicant = newcomer(&running.store, &genesis, name).await?;
        let out = running.node.ask_to_join(applicant, now_ms());
        running.after(out).await?;
    }
    post(Report::Dialling { ws: about.ws });
    running.redial();
    let mut tick = every((slot / 16).max(10));
    let mut status = every(1000);
    let mut redial = every(2000);
    loop {
        futures::select! {
            event = running.swarm.select_next_some() => running.swarm_event(event).await?,
            _ = tick.next().fuse() => {
                let out = running.node.tick(now_ms());
                running.after(out).await?;
            }
            _ = status.next().fuse() => running.status(),
            _ = redial.next().fuse() => running.redial(),
            text = page.next().fuse() => match text.map(|t| read_ask(&t)) {
                None => return Ok(()),
                Some(Err(report)) => post(report),
                Some(Ok(Ask::Join { .. })) => error("join", "already joined"),
            },
        }
    }
}

fn tip_of(node: &Node) -> Tip {
    Tip {
        height: node.tip().height(),
        hash: node.tip().hash.to_hex(),
    }
}

fn block_record(block: &Block) -> (String, String) {
    (
        idb::key(block.height(), &block.hash.to_hex()),
        serde_json::to_string(block).unwrap_or_default(),
    )
}

/// A swarm over the browser's WebSocket, with the behaviour every node
/// shares (ecloud-net).
fn swarm() -> Result<Swarm<Behaviour>, String> {
    Ok(libp2p::SwarmBuilder::with_new_identity()
        .with_wasm_bindgen()
        .with_other_transport(
            |key| -> Result<_, Box<dyn std::error::Error + Send + Sync>> {
                Ok(libp2p::websocket_websys::Transport::default()
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

struct Running {
    node: Node,
    store: Store,
    swarm: Swarm<Behaviour>,
    topic: gossipsub::IdentTopic,
    peers: Peers,
    /// Peers that sent what no honest node sends: disconnected, refused.
    banned: HashSet<PeerId>,
    /// The native node's address, and the connection to it while there is
    /// one: dialled again every 2 s without one.
    dialled: (Multiaddr, Option<ConnectionId>),
}

impl Running {
    fn redial(&mut self) {
        if self.dialled.1.is_none() {
            // A refused dial is reported by the swarm and tried again.
            let _ = self.swarm.dial(self.dialled.0.clone());
        }
    }

    fn status(&self) {
        let tip = self.node.tip();
        let fin = self.node.finalized();
        post(Report::Status(Status {
            height: tip.height(),
            tip: tip.hash.to_hex(),
            final_height: fin.height(),
            final_hash: fin.hash.to_hex(),
            peers: self.swarm.connected_peers().count(),
        }));
    }

    /// After a step of the node: keep what it accepted and what it
    /// remembers, then send what it says and tell the page what happened.
    async fn after(&mut self, out: Output) -> Result<(), String> {
        self.keep(&out).await?;
        for event in &out.events {
            post(Report::Event(event_json(event)));
        }
        for send in out.sends {
            match send.to {
                To::All => {
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
        Ok(())
    }

    /// Writes the blocks a step accepted, and the node's memo, before
    /// anything of the step leaves the node.
    async fn keep(&self, out: &Output) -> Result<(), String> {
        if out.events.is_empty()
            && out
                .sends
                .iter()
                .all(|s| matches!(s.message, Message::Tip { .. }))
        {
            return Ok(());
        }
        let blocks: Vec<(String, String)> = out
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Accepted { hash, .. } | Event::Sealed { hash, .. } => {
                    self.node.tree().block(hash).map(|b| block_record(b))
                }
                _ => None,
            })
            .collect();
        self.store
            .write(&blocks, Some(&self.node.memo()))
            .await
            .map_err(|e| format!("the store failed: {e}"))
    }

    async fn swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) -> Result<(), String> {
        match event {
            SwarmEvent::ConnectionEstablished {
                peer_id,
                connection_id,
                endpoint,
                ..
            } => {
                if endpoint.is_dialer() {
                    self.dialled.1 = Some(connection_id);
                }
                if self.banned.contains(&peer_id) {
                    let _ = self.swarm.disconnect_peer_id(peer_id);
                } else {
                    let number = self.peers.number(peer_id);
                    post(Report::Peer(json!({"connected": peer_id.to_string()})));
                    let out = self.node.greet(number, now_ms());
                    self.after(out).await?;
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                connection_id,
                num_established,
                ..
            } => {
                if self.dialled.1 == Some(connection_id) {
                    self.dialled.1 = None;
                }
                if num_established == 0 {
                    post(Report::Peer(json!({"disconnected": peer_id.to_string()})));
                }
            }
            SwarmEvent::OutgoingConnectionError { error: e, .. } => error("dial", e),
            SwarmEvent::Behaviour(BehaviourEvent::Gossip(gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            })) => {
                self.gossip(propagation_source, message_id, &message.data)
                    .await?
            }
            SwarmEvent::Behaviour(BehaviourEvent::Direct(event)) => self.direct(event).await?,
            _ => {}
        }
        Ok(())
    }

    /// A message gossiped by `from`: passed on only if the node took it.
    async fn gossip(
        &mut self,
        from: PeerId,
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
        self.after(out).await
    }

    async fn direct(&mut self, event: request_response::Event<Wire, Answer>) -> Result<(), String> {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request {
                    request, channel, ..
                } => self.request(peer, request, channel).await,
                request_response::Message::Response {
                    response: Some(answer),
                    ..
                } => {
                    let (out, _) = self.take_from(peer, answer.into());
                    self.after(out).await
                }
                request_response::Message::Response { response: None, .. } => Ok(()),
            },
            request_response::Event::InboundFailure { peer, error, .. } => {
                if let request_response::InboundFailure::Io(e) = &error {
                    self.misbehaved(peer, &e.to_string());
                }
                Ok(())
            }
            request_response::Event::OutboundFailure { error: e, .. } => {
                error("request", e);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// A message sent to this node alone; a request for blocks is answered
    /// on its channel.
    async fn request(
        &mut self,
        peer: PeerId,
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
        self.after(out).await
    }

    /// The node takes `message` from `peer`; a peer whose message it
    /// refuses is cut off. The step's output, and whether it was refused.
    fn take_from(&mut self, peer: PeerId, message: Message) -> (Output, bool) {
        let number = self.peers.number(peer);
        let out = self.node.handle(number, message, now_ms());
        let refused = refused_from(&out, number);
        if let Some(why) = &refused {
            self.misbehaved(peer, why);
        }
        (out, refused.is_some())
    }

    fn misbehaved(&mut self, peer: PeerId, why: &str) {
        if self.banned.insert(peer) {
            post(Report::Peer(
                json!({"refused": peer.to_string(), "why": why}),
            ));
            error(
                "peer",
                format!("{peer} sent what no honest node sends: {why}"),
            );
        }
        let _ = self.swarm.disconnect_peer_id(peer);
    }
}
