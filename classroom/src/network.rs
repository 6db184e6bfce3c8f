//! The class's network as the teacher's node sees it: `/network.json`,
//! read as the node writes it (`node/src/view.rs`), for the projector view.

use serde::Deserialize;

/// The node that served this page, its class and its peers.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Network {
    pub at_ms: u64,
    pub node: This,
    pub members: Vec<Member>,
    pub peers: Vec<Peer>,
    pub cut_off: Vec<CutOff>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct This {
    pub member: Option<u32>,
    pub height: u64,
    pub final_height: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Member {
    pub member: u32,
    pub name: String,
    pub role: String,
    /// The last block (of the newest 64) in which it signed something.
    pub signed: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Peer {
    pub peer_id: String,
    pub link: Option<Link>,
    pub rtt_ms: Option<u64>,
    pub member: Option<u32>,
    pub asking: Option<String>,
    pub height: Option<u64>,
    pub final_height: Option<u64>,
    pub heard_ms: u64,
    /// The teacher cut it off, to show a partition.
    #[serde(default)]
    pub apart: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Link {
    /// "browser" or "node".
    pub kind: String,
    pub address: String,
    pub since_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CutOff {
    pub peer_id: String,
    pub why: String,
    pub at_ms: u64,
}

impl Network {
    /// What the node wrote, or why it cannot be read.
    pub fn read(text: &str) -> Result<Network, String> {
        serde_json::from_str(text).map_err(|e| format!("the node's /network.json: {e}"))
    }

    /// The peer that signs for `member`, if one is linked or heard of.
    pub fn peer_of(&self, member: u32) -> Option<&Peer> {
        self.peers.iter().find(|p| p.member == Some(member))
    }

    /// The peers that sign for no member of the class: newcomers asking to
    /// join, browsers that only watch, and nodes that pass blocks on.
    pub fn others(&self) -> impl Iterator<Item = &Peer> {
        let known = |m: u32| self.members.iter().any(|x| x.member == m);
        self.peers
            .iter()
            .filter(move |p| !p.member.is_some_and(known))
    }
}

impl Network {
    /// The peers the teacher cut off.
    pub fn apart(&self) -> impl Iterator<Item = &Peer> {
        self.peers.iter().filter(|p| p.apart)
    }
}

impl Peer {
    /// How it reaches the teacher's node, in words.
    pub fn reached(&self) -> String {
        if self.apart {
            return "cut off by the teacher: a partition".to_string();
        }
        match &self.link {
            Some(link) => {
                let rtt = self
                    .rtt_ms
                    .map_or(String::new(), |ms| format!(", {ms} ms there and back"));
                format!("{} at {}{rtt}", link.kind, link.address)
            }
            None => "through another node".to_string(),
        }
    }

    /// Its chain as it last said.
    pub fn chain(&self) -> String {
        match (self.height, self.final_height) {
            (Some(h), Some(f)) => format!("block {h}, final {f}"),
            _ => "…".to_string(),
        }
    }

    /// The first characters of its peer id, enough to tell peers apart.
    pub fn short_id(&self) -> &str {
        let id = &self.peer_id;
        let start = id.len().saturating_sub(6);
        id.get(start..).unwrap_or(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEEN: &str = r#"{"at_ms":10000,
        "node":{"peer_id":"12D3KooWteacher","member":0,"height":12,"final_height":6},
        "members":[
            {"member":0,"name":"George","role":"generator","signed":12},
            {"member":1,"name":"Anne","role":"customer","signed":null},
            {"member":4,"name":"Zoé","role":"customer","signed":11}],
        "peers":[
            {"peer_id":"12D3KooWzoe123456","link":{"kind":"browser","address":"192.168.1.40","since_ms":9000},
             "rtt_ms":4,"member":4,"asking":null,"height":12,"final_height":6,"heard_ms":9990},
            {"peer_id":"12D3KooWnew654321","link":null,"rtt_ms":null,"member":null,"asking":"Yann",
             "height":null,"final_height":null,"heard_ms":9500}],
        "cut_off":[{"peer_id":"12D3KooWbad","why":"block: forged seal","at_ms":8000}]}"#;

    #[test]
    fn the_nodes_view_reads_and_names_who_is_where() {
        let network = Network::read(SEEN).unwrap();
        let zoe = network.peer_of(4).unwrap();
        assert_eq!(
            zoe.reached(),
            "browser at 192.168.1.40, 4 ms there and back"
        );
        assert_eq!(zoe.chain(), "block 12, final 6");
        assert_eq!(zoe.short_id(), "123456");
        assert_eq!(network.peer_of(1), None);
        let others: Vec<_> = network.others().collect();
        assert_eq!(others.len(), 1);
        assert_eq!(others[0].asking.as_deref(), Some("Yann"));
        assert_eq!(others[0].reached(), "through another node");
        assert_eq!(network.cut_off[0].why, "block: forged seal");
        assert!(network.apart().next().is_none());
        let mut cut = network.clone();
        cut.peers[0].apart = true;
        assert_eq!(
            cut.peer_of(4).unwrap().reached(),
            "cut off by the teacher: a partition"
        );
        assert_eq!(cut.apart().count(), 1);
    }

    #[test]
    fn what_is_no_view_is_an_error_not_a_panic() {
        for bad in ["", "{}", "[]", r#"{"at_ms":"x"}"#] {
            assert!(Network::read(bad).unwrap_err().contains("/network.json"));
        }
    }
}
