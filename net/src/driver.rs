//! The loop every node on libp2p runs, written once: the swarm's events in,
//! the core's [`Node`] stepped, its messages out. The native node (redb,
//! stdout) and the browser's node (IndexedDB, the page) differ only in how
//! they keep a step and what they tell; each runs
//!
//! ```text
//! event = driver.swarm.select_next_some()
//! if let Some(step) = driver.handle(event, now) {
//!     keep driver.to_keep(&step)          // the blocks and the memo
//!     tell step.out.events                // and driver.notices()
//!     driver.send(step)                   // only now does anything leave
//! }
//! ```
//!
//! and the same with [`Driver::tick`] on a timer and [`Driver::redial`]
//! every few seconds.

use crate::{refused_from, topic, Answer, Behaviour, BehaviourEvent, Peers};
use ecloud_core::model::member::MemberId;
use ecloud_core::node::wire::{self, Wire};
use ecloud_core::node::{Event, Message, Node, Output, To};
use ecloud_core::Block;
use libp2p::gossipsub::{self, IdentTopic, MessageAcceptance, MessageId};
use libp2p::request_response::{self, ResponseChannel};
use libp2p::swarm::{ConnectionId, SwarmEvent};
use libp2p::{ping, Multiaddr, PeerId, Swarm};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A node on a swarm: the state machine, the peers it knows by number, the
/// ones it cut off and the addresses it keeps dialling.
pub struct Driver {
    pub node: Node,
    pub swarm: Swarm<Behaviour>,
    topic: IdentTopic,
    peers: Peers,
    /// Peers that sent what no honest node sends: disconnected, refused.
    banned: HashSet<PeerId>,
    /// Peers the teacher cut off to show a partition, refused until the
    /// heal ([`Driver::hold_apart`]).
    apart: HashSet<PeerId>,
    /// The addresses to keep one connection to, and that connection while
    /// there is one: the others are dialled again by [`Driver::redial`], so
    /// a peer that starts later, restarts or comes back after a cut link is
    /// found again.
    dialled: Vec<(Multiaddr, Option<ConnectionId>)>,
    notices: Vec<Notice>,
    /// What the node knows of the peers it is linked to or heard of.
    heard: HashMap<PeerId, Heard>,
}

/// The most peers [`Driver::heard`] remembers: past it, the one heard of
/// longest ago and not linked is forgotten.
pub const HEARD: usize = 256;

/// What a node knows of another node, for a page to show: one linked to it,
/// or one heard of through gossip (a gossiped message names the peer that
/// published it, under that peer's signature).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Heard {
    /// The link to it, when there is one: its address, and since when (ms).
    pub link: Option<(Multiaddr, u64)>,
    /// The last ping's round trip, in ms.
    pub rtt_ms: Option<u64>,
    /// The member it signs for, as the last vote, reading or block it
    /// published says (nodes pass on others' messages under their authors'
    /// names, so this is the author's).
    pub member: Option<MemberId>,
    /// The name it asked to join with, while it is no member.
    pub asking: Option<String>,
    /// Its chain as it last said: tip height and final height.
    pub chain: Option<(u64, u64)>,
    /// When it was last linked or heard of (ms).
    pub heard_ms: u64,
}

/// One step of the node, not yet out: the transport keeps
/// [`Driver::to_keep`], tells the events, then gives it to
/// [`Driver::send`].
#[must_use = "a step is sent only by Driver::send"]
pub struct Step {
    pub out: Output,
    /// A gossiped message's verdict (passed on or not), told to gossipsub.
    verdict: Option<(MessageId, PeerId, MessageAcceptance)>,
    /// The answer to a peer's request.
    answer: Option<(ResponseChannel<Answer>, Answer)>,
}

impl From<Output> for Step {
    fn from(out: Output) -> Step {
        Step {
            out,
            verdict: None,
            answer: None,
        }
    }
}

/// What happened on the swarm besides the node's steps, for the transport
/// to tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The swarm listens on `address` (its peer id not included).
    Listening(Multiaddr),
    Connected {
        peer: PeerId,
        number: u32,
    },
    Disconnected(PeerId),
    /// `peer` sent what no honest node sends: it is cut off and refused
    /// from now on.
    CutOff {
        peer: PeerId,
        why: String,
    },
    /// A dial or a request failed; dials are tried again.
    Failed {
        what: &'static str,
        why: String,
    },
}

/// The node's state at a glance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub height: u64,
    pub tip: ecloud_core::Hash,
    pub final_height: u64,
    pub final_hash: ecloud_core::Hash,
    pub peers: usize,
}

impl Driver {
    /// `node` on `swarm`, subscribed to its community's topic, keeping a
    /// connection to each of `dial` (dialled at the first
    /// [`Driver::redial`]).
    pub fn new(
        node: Node,
        mut swarm: Swarm<Behaviour>,
        dial: impl IntoIterator<Item = Multiaddr>,
    ) -> Result<Driver, String> {
        let topic = topic(&node.tree().genesis().hash);
        swarm
            .behaviour_mut()
            .gossip
            .subscribe(&topic)
            .map_err(|e| e.to_string())?;
        Ok(Driver {
            node,
            swarm,
            topic,
            peers: Peers::default(),
            banned: HashSet::new(),
            apart: HashSet::new(),
            dialled: dial.into_iter().map(|a| (a, None)).collect(),
            notices: Vec::new(),
            heard: HashMap::new(),
        })
    }

    /// How often to call [`Driver::tick`]: 16 times a slot, at most every
    /// 10 ms.
    pub fn tick_ms(&self) -> u64 {
        let slot = self.node.tree().genesis().ledger().rules.slot_ms;
        (slot.unwrap_or(15_000) / 16).max(10)
    }

    /// The node's step at `now_ms`: its votes, seals and tips fall due.
    pub fn tick(&mut self, now_ms: u64) -> Step {
        self.node.tick(now_ms).into()
    }

    /// Dials each address it holds no connection to.
    pub fn redial(&mut self) {
        for (address, connection) in &self.dialled {
            if connection.is_none() {
                // A refused dial comes back as a swarm event, and is tried again.
                let _ = self.swarm.dial(address.clone());
            }
        }
    }

    pub fn status(&self) -> Status {
        let (tip, fin) = (self.node.tip(), self.node.finalized());
        Status {
            height: tip.height(),
            tip: tip.hash,
            final_height: fin.height(),
            final_hash: fin.hash,
            peers: self.swarm.connected_peers().count(),
        }
    }

    /// Cuts the link to `peer` and refuses it until [`Driver::heal`]: a
    /// partition made on purpose, for a class to watch.
    pub fn hold_apart(&mut self, peer: PeerId) {
        let _ = self.swarm.disconnect_peer_id(peer);
        if let Some(heard) = self.heard.get_mut(&peer) {
            (heard.link, heard.rtt_ms) = (None, None);
        }
        self.notices.push(Notice::Disconnected(peer));
        self.apart.insert(peer);
    }

    /// Lets every peer held apart link again (they dial again themselves).
    pub fn heal(&mut self) {
        self.apart.clear();
    }

    /// The peers held apart now.
    pub fn apart(&self) -> &HashSet<PeerId> {
        &self.apart
    }

    /// The peers linked to this node or heard of, at most [`HEARD`].
    pub fn heard(&self) -> &HashMap<PeerId, Heard> {
        &self.heard
    }

    /// The record of `peer`, heard of at `now_ms`; a new one may push out
    /// the peer heard of longest ago that is not linked.
    fn hear(&mut self, peer: PeerId, now_ms: u64) -> &mut Heard {
        if !self.heard.contains_key(&peer) && self.heard.len() >= HEARD {
            let oldest = self
                .heard
                .iter()
                .filter(|(_, h)| h.link.is_none())
                .min_by_key(|(_, h)| h.heard_ms)
                .map(|(id, _)| *id);
            if let Some(oldest) = oldest {
                self.heard.remove(&oldest);
            }
        }
        let heard = self.heard.entry(peer).or_default();
        heard.heard_ms = now_ms;
        heard
    }

    /// What `message`, published by `author` and taken by the node, says of
    /// its author.
    fn heard_from(&mut self, author: PeerId, message: &Said, now_ms: u64) {
        let heard = self.hear(author, now_ms);
        match message {
            Said::Chain(height, final_height) => heard.chain = Some((*height, *final_height)),
            Said::Signed(member) => {
                heard.member = Some(*member);
                heard.asking = None;
            }
            Said::Asking(name) => heard.asking = Some(name.clone()),
            Said::Nothing => {}
        }
    }

    /// What happened besides the node's steps since the last call.
    pub fn notices(&mut self) -> std::vec::Drain<'_, Notice> {
        self.notices.drain(..)
    }

    /// One event of the swarm: the node's step, if it took a step.
    pub fn handle(&mut self, event: SwarmEvent<BehaviourEvent>, now_ms: u64) -> Option<Step> {
        match event {
            SwarmEvent::NewListenAddr { address, .. } => {
                self.notices.push(Notice::Listening(address));
                None
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
                    if d.1.is_some() {
                        // A dial of an earlier try came through late (a
                        // link mended): one connection per address.
                        self.swarm.close_connection(connection_id);
                        return None;
                    }
                    d.1 = Some(connection_id);
                }
                if self.banned.contains(&peer_id) || self.apart.contains(&peer_id) {
                    let _ = self.swarm.disconnect_peer_id(peer_id);
                    return None;
                }
                let heard = self.hear(peer_id, now_ms);
                if heard.link.is_none() {
                    heard.link = Some((endpoint.get_remote_address().clone(), now_ms));
                }
                let number = self.peers.number(peer_id);
                self.notices.push(Notice::Connected {
                    peer: peer_id,
                    number,
                });
                Some(self.node.greet(number, now_ms).into())
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                connection_id,
                num_established,
                ..
            } => {
                for d in &mut self.dialled {
                    if d.1 == Some(connection_id) {
                        d.1 = None;
                    }
                }
                // A peer held apart dials again and is closed again: no news.
                if num_established == 0 && !self.apart.contains(&peer_id) {
                    if let Some(heard) = self.heard.get_mut(&peer_id) {
                        heard.link = None;
                        heard.rtt_ms = None;
                    }
                    self.notices.push(Notice::Disconnected(peer_id));
                }
                None
            }
            SwarmEvent::OutgoingConnectionError { error, .. } => {
                self.notices.push(Notice::Failed {
                    what: "dial",
                    why: error.to_string(),
                });
                None
            }
            SwarmEvent::Behaviour(BehaviourEvent::Gossip(gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            })) => Some(self.gossip(
                propagation_source,
                message.source,
                message_id,
                &message.data,
                now_ms,
            )),
            SwarmEvent::Behaviour(BehaviourEvent::Ping(ping::Event {
                peer,
                result: Ok(rtt),
                ..
            })) => {
                if let Some(heard) = self.heard.get_mut(&peer) {
                    heard.rtt_ms = Some(rtt.as_millis().try_into().unwrap_or(u64::MAX));
                }
                None
            }
            SwarmEvent::Behaviour(BehaviourEvent::Direct(event)) => self.direct(event, now_ms),
            _ => None,
        }
    }

    /// The blocks `step` accepted or sealed, to be written with the node's
    /// [`Node::memo`] before the step is sent; `None` when the step changed
    /// nothing worth keeping (it only says the tip again).
    pub fn to_keep(&self, step: &Step) -> Option<Vec<Arc<Block>>> {
        let out = &step.out;
        if out.events.is_empty()
            && out
                .sends
                .iter()
                .all(|s| matches!(s.message, Message::Tip { .. }))
        {
            return None;
        }
        Some(
            out.events
                .iter()
                .filter_map(|e| match e {
                    Event::Accepted { hash, .. } | Event::Sealed { hash, .. } => {
                        self.node.tree().block(hash).cloned()
                    }
                    _ => None,
                })
                .collect(),
        )
    }

    /// Sends what `step` says: its messages, its verdict on a gossiped
    /// message, its answer to a request. Call it once the step is kept.
    pub fn send(&mut self, step: Step) {
        let behaviour = self.swarm.behaviour_mut();
        if let Some((id, from, acceptance)) = step.verdict {
            behaviour
                .gossip
                .report_message_validation_result(&id, &from, acceptance);
        }
        if let Some((channel, answer)) = step.answer {
            // A peer that went away meanwhile asks again elsewhere.
            let _ = behaviour.direct.send_response(channel, answer);
        }
        for send in step.out.sends {
            match send.to {
                To::All => {
                    // None subscribed yet, or the same bytes already sent:
                    // the tips said every half slot and catching up mend it.
                    let _ = behaviour
                        .gossip
                        .publish(self.topic.clone(), wire::encode(&send.message));
                }
                To::Peer(number) => {
                    if let Some(id) = self.peers.id(number) {
                        behaviour
                            .direct
                            .send_request(&id, Wire::from(&send.message));
                    }
                }
            }
        }
    }

    /// A message gossiped by `from`, published by `author`: passed on only
    /// if the node took it.
    fn gossip(
        &mut self,
        from: PeerId,
        author: Option<PeerId>,
        id: MessageId,
        data: &[u8],
        now_ms: u64,
    ) -> Step {
        let (acceptance, out) = match wire::decode(data) {
            Err(e) => {
                self.misbehaved(from, e.to_string());
                (MessageAcceptance::Reject, Output::default())
            }
            Ok(message) => match self.take_from(from, author, message, now_ms) {
                (out, true) => (MessageAcceptance::Reject, out),
                (out, false) => (MessageAcceptance::Accept, out),
            },
        };
        Step {
            out,
            verdict: Some((id, from, acceptance)),
            answer: None,
        }
    }

    fn direct(
        &mut self,
        event: request_response::Event<Wire, Answer>,
        now_ms: u64,
    ) -> Option<Step> {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request {
                    request, channel, ..
                } => Some(self.request(peer, request, channel, now_ms)),
                request_response::Message::Response {
                    response: Some(answer),
                    ..
                } => Some(
                    self.take_from(peer, Some(peer), answer.into(), now_ms)
                        .0
                        .into(),
                ),
                request_response::Message::Response { response: None, .. } => None,
            },
            request_response::Event::InboundFailure { peer, error, .. } => {
                // A request that did not decode (malformed, or too long).
                if let request_response::InboundFailure::Io(e) = &error {
                    self.misbehaved(peer, e.to_string());
                }
                None
            }
            request_response::Event::OutboundFailure { error, .. } => {
                self.notices.push(Notice::Failed {
                    what: "request",
                    why: error.to_string(),
                });
                None
            }
            _ => None,
        }
    }

    /// A message sent to this node alone; a request for blocks is answered
    /// on its channel, with what the node would send that peer.
    fn request(
        &mut self,
        peer: PeerId,
        request: Wire,
        channel: ResponseChannel<Answer>,
        now_ms: u64,
    ) -> Step {
        let (mut out, _) = self.take_from(peer, Some(peer), request.into(), now_ms);
        let number = self.peers.number(peer);
        let answer = out
            .sends
            .iter()
            .position(|s| s.to == To::Peer(number) && matches!(s.message, Message::Blocks { .. }))
            .map(|at| Wire::from(&out.sends.remove(at).message));
        Step {
            out,
            verdict: None,
            answer: Some((channel, answer)),
        }
    }

    /// The node takes `message` from `peer`, written by `author`; a peer
    /// whose message it refuses is cut off. The step's output, and whether
    /// it was refused.
    fn take_from(
        &mut self,
        peer: PeerId,
        author: Option<PeerId>,
        message: Message,
        now_ms: u64,
    ) -> (Output, bool) {
        let said = Said::of(&message);
        let number = self.peers.number(peer);
        let out = self.node.handle(number, message, now_ms);
        let refused = refused_from(&out, number);
        let was_refused = refused.is_some();
        if let Some(why) = refused {
            self.misbehaved(peer, why);
        } else if let Some(author) = author {
            self.heard_from(author, &said, now_ms);
        }
        (out, was_refused)
    }

    /// `peer` sent what no honest node sends: it is cut off and refused
    /// from now on; the node goes on with the others.
    fn misbehaved(&mut self, peer: PeerId, why: String) {
        if self.banned.insert(peer) {
            self.notices.push(Notice::CutOff { peer, why });
        }
        let _ = self.swarm.disconnect_peer_id(peer);
    }
}

/// What a message says of the node that wrote it.
enum Said {
    /// Its chain: tip height and final height.
    Chain(u64, u64),
    /// It signs for this member.
    Signed(MemberId),
    /// It asks to join with this name.
    Asking(String),
    Nothing,
}

impl Said {
    fn of(message: &Message) -> Said {
        match message {
            Message::Tip {
                height,
                final_height,
                ..
            } => Said::Chain(*height, *final_height),
            Message::Transaction(tx) => Said::Signed(tx.body.signer()),
            Message::Block(block) => Said::Signed(block.header.sealed_by),
            Message::JoinRequest(request) => Said::Asking(request.name.clone()),
            Message::GetBlocks { .. } | Message::Blocks { .. } | Message::JoinDeclined(_) => {
                Said::Nothing
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecloud_core::chain::genesis::CommunitySpec;
    use ecloud_core::simulation::network::community_genesis;
    use futures::{FutureExt, StreamExt};
    use libp2p::core::transport::{MemoryTransport, Transport};
    use libp2p::core::upgrade::Version;
    use libp2p::{identity, noise, yamux};
    use std::time::Duration;

    /// A driver of an observer node on a swarm over libp2p's in-memory
    /// transport, listening on `/memory/{port}` when a port is given.
    fn driver(listen: Option<u64>, dial: Vec<Multiaddr>) -> Driver {
        let spec = CommunitySpec::one_generator(2).unwrap();
        let (genesis, _) = community_genesis(&spec, 7, 1_000).unwrap();
        let node = Node::new(Arc::new(genesis), None, 1);
        let key = identity::Keypair::generate_ed25519();
        let transport = MemoryTransport::default()
            .upgrade(Version::V1)
            .authenticate(noise::Config::new(&key).unwrap())
            .multiplex(yamux::Config::default())
            .boxed();
        let mut swarm = Swarm::new(
            transport,
            crate::behaviour(&key).unwrap(),
            key.public().to_peer_id(),
            libp2p::swarm::Config::without_executor()
                .with_idle_connection_timeout(Duration::from_secs(60)),
        );
        if let Some(port) = listen {
            swarm
                .listen_on(format!("/memory/{port}").parse().unwrap())
                .unwrap();
        }
        Driver::new(node, swarm, dial).unwrap()
    }

    #[test]
    fn dials_that_come_through_together_leave_one_connection_per_address() {
        let port = 7_000 + u64::from(std::process::id() % 1_000);
        let mut listener = driver(Some(port), vec![]);
        let mut dialler = driver(None, vec![format!("/memory/{port}").parse().unwrap()]);
        // Three tries before any came through, as when a cut link is
        // mended while dials of the tries before it are under way.
        for _ in 0..3 {
            dialler.dialled[0].1 = None;
            dialler.redial();
        }
        // Both swarms polled in turn until the dialler is left with one
        // connection and no dial under way, or for a bounded while (the
        // memory transport needs no waiting).
        for _ in 0..10_000 {
            if let Some(Some(e)) = listener.swarm.next().now_or_never() {
                let _ = listener.handle(e, 1_000);
            }
            if let Some(Some(e)) = dialler.swarm.next().now_or_never() {
                let _ = dialler.handle(e, 1_000);
            }
            let info = dialler.swarm.network_info();
            let counters = info.connection_counters();
            if counters.num_pending_outgoing() == 0 && counters.num_established() == 1 {
                break;
            }
        }
        assert_eq!(
            dialler
                .swarm
                .network_info()
                .connection_counters()
                .num_established(),
            1
        );
        assert_eq!(
            dialler
                .notices()
                .filter(|n| matches!(n, Notice::Connected { .. }))
                .count(),
            1
        );
        // Each knows the other as linked, at the address of the link.
        let listener_id = *listener.swarm.local_peer_id();
        let heard = &dialler.heard()[&listener_id];
        assert_eq!(
            heard.link.as_ref().map(|(a, _)| a.to_string()),
            Some(format!("/memory/{port}"))
        );
        let dialler_id = *dialler.swarm.local_peer_id();
        assert!(listener.heard()[&dialler_id].link.is_some());
    }

    /// Polls both swarms in turn until `done` or for a bounded while (the
    /// memory transport needs no waiting).
    fn pump(a: &mut Driver, b: &mut Driver, done: impl Fn(&Driver, &Driver) -> bool) -> bool {
        for _ in 0..20_000 {
            if let Some(Some(e)) = a.swarm.next().now_or_never() {
                let _ = a.handle(e, 1_000);
            }
            if let Some(Some(e)) = b.swarm.next().now_or_never() {
                let _ = b.handle(e, 1_000);
            }
            if done(a, b) {
                return true;
            }
        }
        false
    }

    #[test]
    fn a_peer_held_apart_is_refused_until_the_heal() {
        let port = 8_000 + u64::from(std::process::id() % 1_000);
        let mut hub = driver(Some(port), vec![]);
        let mut student = driver(None, vec![format!("/memory/{port}").parse().unwrap()]);
        let linked = |d: &Driver| d.swarm.connected_peers().count() == 1;
        student.redial();
        assert!(pump(&mut hub, &mut student, |h, _| linked(h)));
        let id = *student.swarm.local_peer_id();
        hub.hold_apart(id);
        assert!(pump(&mut hub, &mut student, |h, s| !linked(h) && !linked(s)));
        assert_eq!(hub.heard()[&id].link, None);
        // It dials again: the link is closed at once, and nothing is said of it.
        let _ = hub.notices().count();
        student.redial();
        pump(&mut hub, &mut student, |_, _| false);
        assert!(!linked(&hub));
        assert_eq!(hub.notices().count(), 0);
        hub.heal();
        student.redial();
        assert!(pump(&mut hub, &mut student, |h, _| linked(h)));
        assert!(hub.heard()[&id].link.is_some());
    }

    #[test]
    fn peers_heard_of_are_bounded_and_the_linked_ones_kept() {
        let mut node = driver(None, vec![]);
        let linked = PeerId::random();
        node.hear(linked, 0).link = Some(("/memory/1".parse().unwrap(), 0));
        let first = PeerId::random();
        node.hear(first, 1);
        for at in 2..=HEARD as u64 {
            node.hear(PeerId::random(), at);
        }
        assert_eq!(node.heard().len(), HEARD);
        node.hear(PeerId::random(), 1_000);
        assert_eq!(node.heard().len(), HEARD);
        assert!(
            node.heard().contains_key(&linked),
            "linked, though heard of first"
        );
        assert!(
            !node.heard().contains_key(&first),
            "the oldest not linked goes"
        );
    }

    #[test]
    fn a_message_names_what_its_author_is() {
        let mut node = driver(None, vec![]);
        let author = PeerId::random();
        let tip = Message::Tip {
            hash: node.node.tip().hash,
            height: 7,
            final_height: 3,
        };
        node.heard_from(author, &Said::of(&tip), 5);
        node.heard_from(author, &Said::Asking("Zoé".into()), 6);
        assert_eq!(node.heard()[&author].chain, Some((7, 3)));
        assert_eq!(node.heard()[&author].asking.as_deref(), Some("Zoé"));
        node.heard_from(author, &Said::Signed(MemberId(4)), 7);
        let heard = &node.heard()[&author];
        assert_eq!(
            (heard.member, heard.asking.as_deref(), heard.heard_ms),
            (Some(MemberId(4)), None, 7)
        );
    }
}
