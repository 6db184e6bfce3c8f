//! What `/network.json` tells the classroom page's projector view: this
//! node's chain, the class's members and when each last signed, the peers
//! linked to it or heard of (with their real addresses and round trips,
//! and whether the teacher cut them off to show a partition), and the
//! peers it cut off for what they sent. Written once a second by the node's loop and
//! served as it stands.

use crate::http::Proxied;
use ecloud_core::encoding::order::sorted_by;
use ecloud_core::model::member::{MemberId, Role};
use ecloud_core::Block;
use ecloud_net::{Driver, Heard};
use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, PeerId};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};

/// How many blocks back from the tip a member's last signature is looked for.
pub const SIGNED_WITHIN: usize = 64;
/// How many cut-off peers are remembered, newest first.
pub const CUT_OFF: usize = 16;

/// Peers this node cut off, newest first: who, why and when (ms).
pub type CutOff = VecDeque<(PeerId, String, u64)>;

/// The network as this node sees it at `now_ms`.
pub fn network_json(driver: &Driver, proxied: &Proxied, cut_off: &CutOff, now_ms: u64) -> Value {
    let node = &driver.node;
    let (tip, fin) = (node.tip(), node.finalized());
    let from = tip.height().saturating_sub(SIGNED_WITHIN as u64 - 1);
    let signed = last_signed(
        node.tree()
            .chain_from(&tip.hash, from, SIGNED_WITHIN)
            .iter()
            .rev(),
    );
    let members: Vec<Value> = tip
        .ledger()
        .members
        .iter()
        .map(|m| {
            json!({
                "member": m.id.0,
                "name": m.name,
                "role": match m.role {
                    Role::Generator { .. } => "generator",
                    Role::Customer => "customer",
                },
                "signed": signed.get(&m.id),
            })
        })
        .collect();
    let proxied = proxied.lock().map(|p| p.clone()).unwrap_or_default();
    let peers: Vec<(&PeerId, &Heard)> = driver.heard().iter().collect();
    // Linked first, then by member, then the newest heard of.
    let key = |h: &Heard| {
        (
            h.link.is_none(),
            h.member.map(|m| m.0),
            u64::MAX - h.heard_ms,
        )
    };
    let peers = sorted_by(&peers, &|a, b| key(a.1).cmp(&key(b.1)));
    json!({
        "at_ms": now_ms,
        "node": {
            "peer_id": driver.swarm.local_peer_id().to_string(),
            "member": node.member().map(|m| m.0),
            "height": tip.height(),
            "final_height": fin.height(),
        },
        "members": members,
        "peers": peers
            .iter()
            .map(|(id, h)| peer_json(id, h, &proxied, driver.apart().contains(id)))
            .collect::<Vec<_>>(),
        "cut_off": cut_off.iter().map(|(id, why, at)| json!({
            "peer_id": id.to_string(), "why": why, "at_ms": at,
        })).collect::<Vec<_>>(),
    })
}

fn peer_json(
    id: &PeerId,
    heard: &Heard,
    proxied: &HashMap<u16, std::net::SocketAddr>,
    apart: bool,
) -> Value {
    let link = heard.link.as_ref().map(|(address, since_ms)| {
        let (kind, at) = link_of(address, proxied);
        json!({"kind": kind, "address": at, "since_ms": since_ms})
    });
    json!({
        "peer_id": id.to_string(),
        "link": link,
        "rtt_ms": heard.rtt_ms,
        "member": heard.member.map(|m| m.0),
        "asking": heard.asking,
        "height": heard.chain.map(|c| c.0),
        "final_height": heard.chain.map(|c| c.1),
        "heard_ms": heard.heard_ms,
        "apart": apart,
    })
}

/// A link's kind and the address a person recognises: a browser reaches
/// the node through its page's port, whose proxy dials the swarm's
/// WebSocket listener on loopback, so its address is the one the proxy
/// accepted from; a node dials TCP (or is dialled) at its own address.
fn link_of(
    address: &Multiaddr,
    proxied: &HashMap<u16, std::net::SocketAddr>,
) -> (&'static str, String) {
    let mut ip = None;
    let mut port = None;
    let mut ws = false;
    for part in address.iter() {
        match part {
            Protocol::Ip4(a) => ip = Some(std::net::IpAddr::V4(a)),
            Protocol::Ip6(a) => ip = Some(std::net::IpAddr::V6(a)),
            Protocol::Tcp(p) => port = Some(p),
            Protocol::Ws(_) => ws = true,
            _ => {}
        }
    }
    if ws {
        let client = port.and_then(|p| proxied.get(&p));
        return (
            "browser",
            client.map_or_else(|| address.to_string(), |c| c.ip().to_string()),
        );
    }
    match (ip, port) {
        (Some(ip), Some(port)) => ("node", std::net::SocketAddr::new(ip, port).to_string()),
        _ => ("node", address.to_string()),
    }
}

/// The height at which each member last signed (a seal or a transaction)
/// in `chain`, newest block first.
fn last_signed<'a>(
    chain: impl Iterator<Item = &'a std::sync::Arc<Block>>,
) -> HashMap<MemberId, u64> {
    let mut signed = HashMap::new();
    for block in chain.take(SIGNED_WITHIN) {
        let height = block.height();
        signed.entry(block.header.sealed_by).or_insert(height);
        for tx in &block.body.transactions {
            signed.entry(tx.body.signer()).or_insert(height);
        }
    }
    signed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_is_named_by_the_address_its_proxy_accepted_from() {
        let mut proxied = HashMap::new();
        proxied.insert(50_123, "192.168.1.40:61000".parse().unwrap());
        let browser: Multiaddr = "/ip4/127.0.0.1/tcp/50123/ws".parse().unwrap();
        assert_eq!(
            link_of(&browser, &proxied),
            ("browser", "192.168.1.40".to_string())
        );
        let gone: Multiaddr = "/ip4/127.0.0.1/tcp/50124/ws".parse().unwrap();
        assert_eq!(link_of(&gone, &proxied), ("browser", gone.to_string()));
        let node: Multiaddr = "/ip4/10.0.0.2/tcp/4001".parse().unwrap();
        assert_eq!(
            link_of(&node, &proxied),
            ("node", "10.0.0.2:4001".to_string())
        );
    }
}
