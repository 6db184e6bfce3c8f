//! Native nodes on loopback, as separate processes over real TCP: they
//! converge on one chain, a node killed with SIGKILL restarts from its
//! store without losing a final block and catches up, and a peer that
//! sends what no honest node sends is cut off while the others go on.

use ecloud_core::{verify_chain, Chain};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const SLOT_MS: u64 = 1_000;

/// A node process and every line it printed.
struct Process {
    child: Child,
    lines: Arc<Mutex<Vec<Value>>>,
}

impl Process {
    fn start(args: &[String]) -> Process {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ecloud-node"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the node starts");
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let keep = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str(&line) {
                    keep.lock().unwrap().push(v);
                }
            }
        });
        Process { child, lines }
    }

    fn find(&self, what: impl Fn(&Value) -> bool) -> Option<Value> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .rev()
            .find(|v| what(v))
            .cloned()
    }

    fn status(&self) -> Option<Value> {
        self.find(|v| v.get("status").is_some())
            .map(|v| v["status"].clone())
    }

    fn final_height(&self) -> u64 {
        self.status()
            .map_or(0, |s| s["final_height"].as_u64().unwrap())
    }

    fn address(&self) -> Option<String> {
        self.find(|v| v.get("listening").is_some())
            .map(|v| v["listening"].as_str().unwrap().to_string())
    }

    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }

    fn kill_9(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A classroom of `members` on loopback, all started on one genesis.
struct Class {
    dir: PathBuf,
    start_ms: u64,
    members: u32,
}

impl Class {
    fn new(name: &str, members: u32) -> Class {
        let dir = std::env::temp_dir().join(format!("ecloud-node-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        Class {
            dir,
            start_ms: now.as_millis() as u64,
            members,
        }
    }

    fn args(&self, member: Option<u32>, peers: &[&str]) -> Vec<String> {
        let name = member.map_or("observer".to_string(), |m| m.to_string());
        let mut args: Vec<String> = [
            "--data",
            self.data(&name).to_str().unwrap(),
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--class-seed",
            "42",
            "--members",
            &self.members.to_string(),
            "--start-ms",
            &self.start_ms.to_string(),
            "--slot-ms",
            &SLOT_MS.to_string(),
        ]
        .map(String::from)
        .to_vec();
        if let Some(m) = member {
            args.extend(["--member".to_string(), m.to_string()]);
        }
        for p in peers {
            args.extend(["--peer".to_string(), p.to_string()]);
        }
        args
    }

    fn data(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn export(&self, name: &str) -> Chain {
        let out = Command::new(env!("CARGO_BIN_EXE_ecloud-node"))
            .args(["export", "--data", self.data(name).to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Chain::parse_json(std::str::from_utf8(&out.stdout).unwrap()).unwrap()
    }
}

impl Drop for Class {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn wait_until(what: &str, limit: Duration, done: impl Fn() -> bool) {
    let until = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < until, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn first_address(p: &Process) -> String {
    wait_until("the node listens", Duration::from_secs(20), || {
        p.address().is_some()
    });
    p.address().unwrap()
}

fn block_at(chain: &Chain, height: u64) -> String {
    chain.blocks()[height as usize].hash.to_hex()
}

#[test]
fn four_nodes_agree_and_a_killed_node_comes_back_with_its_final_blocks() {
    let class = Class::new("four", 4);
    let hub = Process::start(&class.args(Some(0), &[]));
    let hub_address = first_address(&hub);
    let mut nodes = vec![hub];
    for m in 1..4 {
        nodes.push(Process::start(&class.args(Some(m), &[&hub_address])));
    }
    wait_until(
        "every node has final blocks",
        Duration::from_secs(90),
        || nodes.iter().all(|n| n.final_height() >= 4),
    );

    // Node 3 dies mid-run, with what it held final.
    let status = nodes[3].status().unwrap();
    let final_height = status["final_height"].as_u64().unwrap();
    let final_hash = status["final"].as_str().unwrap().to_string();
    nodes[3].kill_9();
    let moved_on = nodes[0].final_height() + 3;
    wait_until("the other three seal on", Duration::from_secs(60), || {
        nodes[..3].iter().all(|n| n.final_height() >= moved_on)
    });
    nodes[3] = Process::start(&class.args(Some(3), &[&hub_address]));
    wait_until(
        "the restarted node says where it stands",
        Duration::from_secs(20),
        || nodes[3].status().is_some(),
    );
    let first = nodes[3]
        .lines
        .lock()
        .unwrap()
        .iter()
        .find_map(|v| v.get("status").cloned());
    assert!(
        first.unwrap()["final_height"].as_u64().unwrap() >= final_height,
        "the restarted node starts from the final blocks its store kept, before any peer speaks"
    );
    let target = nodes[0].final_height();
    wait_until(
        "the restarted node catches up",
        Duration::from_secs(60),
        || nodes[3].final_height() >= target,
    );

    for n in &mut nodes {
        n.stop();
    }
    let chains: Vec<Chain> = (0..4).map(|m| class.export(&m.to_string())).collect();
    for (m, chain) in chains.iter().enumerate() {
        let report = verify_chain(chain.blocks());
        assert!(report.is_valid(), "node {m}: {:?}", report.findings);
    }
    assert_eq!(
        block_at(&chains[3], final_height),
        final_hash,
        "the block node 3 held final before it was killed is still in its chain"
    );
    let common = chains.iter().map(|c| c.len() as u64 - 1).min().unwrap();
    let agreed = target.min(common);
    for chain in &chains[1..] {
        assert_eq!(
            block_at(chain, agreed),
            block_at(&chains[0], agreed),
            "every node holds the same final block at height {agreed}"
        );
    }
}

#[test]
fn a_peer_that_sends_garbage_is_cut_off_and_the_others_go_on() {
    let class = Class::new("garbage", 3);
    let hub = Process::start(&class.args(Some(0), &[]));
    let hub_address = first_address(&hub);
    let honest = Process::start(&class.args(Some(1), &[&hub_address]));
    let other = Process::start(&class.args(Some(2), &[&hub_address]));
    wait_until("blocks are sealed", Duration::from_secs(60), || {
        honest
            .status()
            .is_some_and(|s| s["height"].as_u64().unwrap() >= 2)
    });

    // A peer of our own making, on the community's topic.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let genesis = class_genesis(&class);
    runtime.block_on(send_garbage(&hub_address, &genesis));

    wait_until(
        "the hub refuses the sender",
        Duration::from_secs(30),
        || hub.find(|v| v["peer"].get("refused").is_some()).is_some(),
    );
    let refused = hub.find(|v| v["peer"].get("refused").is_some()).unwrap();
    assert!(
        refused["peer"]["why"]
            .as_str()
            .unwrap()
            .contains("not a message"),
        "{refused}"
    );
    let height = honest.status().unwrap()["height"].as_u64().unwrap();
    wait_until("the honest nodes seal on", Duration::from_secs(30), || {
        honest.status().unwrap()["height"].as_u64().unwrap() >= height + 2
            && other.status().unwrap()["height"].as_u64().unwrap() >= height + 2
    });
}

fn class_genesis(class: &Class) -> ecloud_core::Hash {
    let config = ecloud_node::args::Config::parse(class.args(None, &[])).unwrap();
    ecloud_node::classroom(&config).unwrap().0.hash
}

/// Connects to `address` as a peer, waits until the node hears it on the
/// community's topic, and gossips bytes that are no message.
async fn send_garbage(address: &str, genesis: &ecloud_core::Hash) {
    use futures::StreamExt;
    use libp2p::swarm::SwarmEvent;
    let mut swarm =
        ecloud_node::peer::swarm(libp2p::identity::Keypair::generate_ed25519(), genesis).unwrap();
    swarm
        .dial(address.parse::<libp2p::Multiaddr>().unwrap())
        .unwrap();
    let topic = ecloud_node::peer::topic(genesis);
    let until = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let event = tokio::time::timeout_at(until, swarm.select_next_some())
            .await
            .expect("the node subscribes within 20 s");
        if let SwarmEvent::Behaviour(ecloud_node::peer::BehaviourEvent::Gossip(
            libp2p::gossipsub::Event::Subscribed { .. },
        )) = event
        {
            break;
        }
    }
    swarm
        .behaviour_mut()
        .gossip
        .publish(topic, b"this is not a block".to_vec())
        .expect("published");
    // Long enough for the bytes to leave.
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            swarm.select_next_some().await;
        }
    })
    .await;
}
