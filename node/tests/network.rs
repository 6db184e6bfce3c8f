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
        Process::spawn(Command::new(env!("CARGO_BIN_EXE_ecloud-node")).args(args))
    }

    fn spawn(command: &mut Command) -> Process {
        let mut child = command
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

/// Where `nodes` stand and whom they talk to, for a failure's message.
fn describe(nodes: &[&Process]) -> String {
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let peers: Vec<String> = n
                .lines
                .lock()
                .unwrap()
                .iter()
                .filter(|v| v.get("peer").is_some())
                .map(|v| v.to_string())
                .collect();
            format!("node {i}: {:?}; {}", n.status(), peers.join(" "))
        })
        .collect::<Vec<_>>()
        .join("\n")
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

/// What a bad peer sends.
#[derive(Clone, Copy, Debug)]
enum Bad {
    /// Gossip that is no message at all.
    Garbage,
    /// A block heard from the hub, its header changed and its hash
    /// recomputed: the seal no longer signs it.
    Forged,
    /// A request past the longest message a node reads: libp2p's codec
    /// stops reading at the limit and drops it, unanswered (the failure
    /// does not reach the node, so the peer is not cut off for it).
    Oversized,
    /// Not bad: an ordinary request for blocks, which is answered.
    Asks,
}

#[test]
fn peers_sending_garbage_or_forged_blocks_are_cut_off_oversized_requests_go_unread() {
    let class = Class::new("bad", 3);
    let hub = Process::start(&class.args(Some(0), &[]));
    let hub_address = first_address(&hub);
    let honest = Process::start(&class.args(Some(1), &[&hub_address]));
    let other = Process::start(&class.args(Some(2), &[&hub_address]));
    wait_until("blocks are sealed", Duration::from_secs(60), || {
        honest
            .status()
            .is_some_and(|s| s["height"].as_u64().unwrap() >= 2)
    });

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let genesis = class_genesis(&class);
    for (bad, why) in [(Bad::Garbage, "not a message"), (Bad::Forged, "block")] {
        let before = refusals(&hub).len();
        runtime.block_on(send_bad(&hub_address, &genesis, bad));
        wait_until(
            &format!("the hub refuses the {bad:?} peer"),
            Duration::from_secs(30),
            || refusals(&hub).len() > before,
        );
        let refused = refusals(&hub)[before].clone();
        assert!(refused.contains(why), "{bad:?}: {refused}");
    }
    assert!(
        runtime.block_on(send_bad(&hub_address, &genesis, Bad::Asks)),
        "an ordinary request for blocks is answered"
    );
    let answered = runtime.block_on(send_bad(&hub_address, &genesis, Bad::Oversized));
    assert!(
        !answered,
        "an oversized request is not read, so not answered"
    );
    let height = honest.status().unwrap()["height"].as_u64().unwrap();
    wait_until("the honest nodes seal on", Duration::from_secs(30), || {
        honest.status().unwrap()["height"].as_u64().unwrap() >= height + 2
            && other.status().unwrap()["height"].as_u64().unwrap() >= height + 2
    });
}

/// Why the node refused each peer it cut off, in order.
fn refusals(node: &Process) -> Vec<String> {
    node.lines
        .lock()
        .unwrap()
        .iter()
        .filter_map(|v| v["peer"]["why"].as_str().map(String::from))
        .collect()
}

fn class_genesis(class: &Class) -> ecloud_core::Hash {
    let config = ecloud_node::args::Config::parse(class.args(None, &[])).unwrap();
    ecloud_node::classroom(&config).unwrap().0.hash
}

/// Connects to `address` as a new peer, waits until the node hears it on
/// the community's topic (and, for a forgery, for a block to forge), and
/// sends what `bad` says. Whether the node answered a request.
async fn send_bad(address: &str, genesis: &ecloud_core::Hash, bad: Bad) -> bool {
    use ecloud_core::node::wire::{self, Wire, MAX_WIRE_BYTES};
    use ecloud_core::node::Message;
    use ecloud_node::peer::BehaviourEvent;
    use futures::StreamExt;
    use libp2p::gossipsub::Event;
    use libp2p::swarm::SwarmEvent;
    let mut swarm = subscribed_swarm(genesis);
    swarm
        .dial(address.parse::<libp2p::Multiaddr>().unwrap())
        .unwrap();
    let topic = ecloud_node::peer::topic(genesis);
    let until = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut subscribed = None;
    let mut heard = None;
    while subscribed.is_none() || (heard.is_none() && !matches!(bad, Bad::Garbage)) {
        let event = tokio::time::timeout_at(until, swarm.select_next_some())
            .await
            .expect("the node subscribes and gossips a block within 30 s");
        match event {
            SwarmEvent::Behaviour(BehaviourEvent::Gossip(Event::Subscribed {
                peer_id, ..
            })) => subscribed = Some(peer_id),
            SwarmEvent::Behaviour(BehaviourEvent::Gossip(Event::Message { message, .. })) => {
                if let Ok(Message::Block(block)) = wire::decode(&message.data) {
                    heard = Some((*block).clone());
                }
            }
            _ => {}
        }
    }
    match bad {
        Bad::Garbage => {
            let _ = swarm
                .behaviour_mut()
                .gossip
                .publish(topic, b"this is not a block".to_vec());
        }
        Bad::Forged => {
            let mut block = heard.unwrap();
            block.header.period_start_ms += 1;
            block.hash = block.header.hash().unwrap();
            let _ = swarm.behaviour_mut().gossip.publish(
                topic,
                wire::encode(&Message::Block(std::sync::Arc::new(block))),
            );
        }
        Bad::Asks => {
            let ask = Wire::GetBlocks {
                from_height: 1,
                tip: None,
            };
            swarm
                .behaviour_mut()
                .direct
                .send_request(&subscribed.unwrap(), ask);
        }
        Bad::Oversized => {
            let block = heard.unwrap();
            let size = serde_json::to_vec(&block).unwrap().len();
            let blocks = vec![block; MAX_WIRE_BYTES / size + 1];
            swarm
                .behaviour_mut()
                .direct
                .send_request(&subscribed.unwrap(), Wire::Blocks { blocks, tip: None });
        }
    }
    // Long enough for the bytes to leave, and an answer to come.
    let answered = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            // An answer to our request; the node's own requests (its
            // greeting) are not answers.
            if let SwarmEvent::Behaviour(BehaviourEvent::Direct(
                libp2p::request_response::Event::Message {
                    message: libp2p::request_response::Message::Response { .. },
                    ..
                },
            )) = swarm.select_next_some().await
            {
                return true;
            }
        }
    })
    .await;
    answered.unwrap_or(false)
}

/// Two network namespaces joined by a veth pair: two schools, each with
/// its own native nodes, one link between them that a test can cut.
struct Schools {
    names: [String; 2],
}

impl Schools {
    /// None when this machine cannot make namespaces (not root, no
    /// iproute2); CI can, and there the test must run.
    fn new() -> Option<Schools> {
        let id = std::process::id();
        let names = [format!("ec-a-{id}"), format!("ec-b-{id}")];
        let veth = [format!("eca{id}"), format!("ecb{id}")];
        let schools = Schools { names };
        let steps: Vec<Vec<String>> = vec![
            vec!["netns", "add", &schools.names[0]],
            vec!["netns", "add", &schools.names[1]],
            vec![
                "link",
                "add",
                &veth[0],
                "netns",
                &schools.names[0],
                "type",
                "veth",
                "peer",
                "name",
                &veth[1],
                "netns",
                &schools.names[1],
            ],
        ]
        .into_iter()
        .map(|s| s.into_iter().map(String::from).collect())
        .collect();
        for step in steps {
            if !Command::new("ip")
                .args(&step)
                .status()
                .is_ok_and(|s| s.success())
            {
                return None;
            }
        }
        for (i, veth) in veth.iter().enumerate() {
            for cmd in [
                "ip link set lo up".to_string(),
                format!("ip addr add 10.77.0.{}/24 dev {veth}", i + 1),
                format!("ip link set {veth} up"),
            ] {
                schools.exec(i, &cmd);
            }
        }
        Some(schools)
    }

    fn exec(&self, school: usize, command: &str) {
        let status = Command::new("ip")
            .args(["netns", "exec", &self.names[school]])
            .args(command.split_whitespace())
            .status()
            .unwrap();
        assert!(status.success(), "{command} in {}", self.names[school]);
    }

    /// Drops `percent` of the packets each school receives over the link
    /// (nftables' `numgen random`; this kernel has no netem). False when
    /// nft is missing.
    fn lose(&self, percent: u32) -> bool {
        if !Command::new("nft")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return false;
        }
        let id = std::process::id();
        for (school, veth) in [(0, format!("eca{id}")), (1, format!("ecb{id}"))] {
            let rules = format!(
                "table inet ecloss {{\n  chain input {{\n    type filter hook input priority 0;\n    \
                 iifname \"{veth}\" numgen random mod 100 < {percent} drop\n  }}\n}}\n"
            );
            let file = std::env::temp_dir().join(format!("ecloss-{id}-{school}.nft"));
            std::fs::write(&file, rules).unwrap();
            let status = Command::new("ip")
                .args(["netns", "exec", &self.names[school], "nft", "-f"])
                .arg(&file)
                .status();
            let _ = std::fs::remove_file(&file);
            assert!(status.is_ok_and(|s| s.success()), "the loss rule applies");
        }
        true
    }

    /// The link between the schools, cut or mended.
    fn link(&self, up: bool) {
        let id = std::process::id();
        let state = if up { "up" } else { "down" };
        self.exec(0, &format!("ip link set eca{id} {state}"));
        self.exec(1, &format!("ip link set ecb{id} {state}"));
    }

    fn start(&self, school: usize, args: &[String]) -> Process {
        let mut all = vec![
            "netns".to_string(),
            "exec".to_string(),
            self.names[school].clone(),
            env!("CARGO_BIN_EXE_ecloud-node").to_string(),
        ];
        all.extend(args.iter().cloned());
        Process::spawn(Command::new("ip").args(all))
    }
}

impl Drop for Schools {
    fn drop(&mut self) {
        for name in &self.names {
            let _ = Command::new("ip").args(["netns", "del", name]).status();
        }
    }
}

#[test]
fn two_schools_on_a_lossy_link_split_seal_apart_without_finality_and_agree_when_joined_again() {
    let Some(schools) = Schools::new() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the two-schools test: it needs root and iproute2 (ip netns)"
        );
        eprintln!("skipped: making network namespaces needs root and iproute2");
        return;
    };
    let lossy = schools.lose(5);
    assert!(
        lossy || std::env::var_os("CI").is_none(),
        "CI must lose packets between the schools: scripts/setup installs nftables"
    );
    let class = Class::new("schools", 4);
    let listen = |school: usize| {
        let mut args = class.args(Some(school as u32 * 2), &[]);
        let at = args
            .iter()
            .position(|a| a == "/ip4/127.0.0.1/tcp/0")
            .unwrap();
        args[at] = format!("/ip4/10.77.0.{}/tcp/4001", school + 1);
        args.extend([
            "--listen".to_string(),
            "/ip4/127.0.0.1/tcp/4002".to_string(),
        ]);
        args
    };
    // School A: members 0 and 1; school B: members 2 and 3. Each school's
    // second member reaches its hub on the school's loopback, the hubs
    // reach each other over the link.
    let mut hub_a = schools.start(0, &listen(0));
    first_address(&hub_a);
    let mut b_args = listen(1);
    b_args.extend(["--peer".to_string(), "/ip4/10.77.0.1/tcp/4001".to_string()]);
    let mut hub_b = schools.start(1, &b_args);
    let mut a1 = schools.start(0, &class.args(Some(1), &["/ip4/127.0.0.1/tcp/4002"]));
    let mut b3 = schools.start(1, &class.args(Some(3), &["/ip4/127.0.0.1/tcp/4002"]));
    let all = |f: &dyn Fn(&Process) -> bool| [&hub_a, &a1, &hub_b, &b3].into_iter().all(f);
    let together = Instant::now() + Duration::from_secs(90);
    while !all(&|n: &Process| n.final_height() >= 3) {
        assert!(
            Instant::now() < together,
            "the schools never finalised blocks together:\n{}",
            describe(&[&hub_a, &a1, &hub_b, &b3])
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    schools.link(false);
    let split_final: Vec<(u64, String)> = [&hub_a, &a1, &hub_b, &b3]
        .iter()
        .map(|n| {
            let s = n.status().unwrap();
            (
                s["final_height"].as_u64().unwrap(),
                s["final"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let height_at_split = hub_a.status().unwrap()["height"].as_u64().unwrap();
    wait_until(
        "both sides seal while apart",
        Duration::from_secs(60),
        || {
            [&hub_a, &hub_b]
                .iter()
                .all(|n| n.status().unwrap()["height"].as_u64().unwrap() >= height_at_split + 5)
        },
    );
    // Two members of four are no quorum: nothing new is final on either side.
    let highest_final = split_final.iter().map(|(h, _)| *h).max().unwrap();
    for n in [&hub_a, &a1, &hub_b, &b3] {
        assert!(
            n.final_height() <= highest_final + 1,
            "a side without a quorum finalised blocks: {:?}",
            n.status()
        );
    }

    schools.link(true);
    let target = highest_final + 3;
    wait_until(
        "the schools agree again and finalise",
        Duration::from_secs(120),
        || all(&|n: &Process| n.final_height() >= target),
    );
    for n in [&mut hub_a, &mut a1, &mut hub_b, &mut b3] {
        n.stop();
    }
    let chains: Vec<Chain> = ["0", "1", "2", "3"].map(|m| class.export(m)).into();
    for (m, chain) in chains.iter().enumerate() {
        assert!(
            verify_chain(chain.blocks()).is_valid(),
            "node {m}'s chain verifies"
        );
        let (h, hash) = &split_final[m];
        assert_eq!(
            &block_at(chain, *h),
            hash,
            "node {m} kept its final block {h}"
        );
        assert_eq!(block_at(chain, target), block_at(&chains[0], target));
    }
}

/// A plain HTTP request to the node's browser port: the status line, the
/// content type and the body.
fn http(port: u16, request: &str) -> (String, String, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let end = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&response[..end]).to_string();
    let status = head.lines().next().unwrap().to_string();
    let content_type = head
        .lines()
        .find_map(|l| l.strip_prefix("content-type: "))
        .unwrap_or_default()
        .to_string();
    (status, content_type, response[end + 4..].to_vec())
}

#[test]
fn browsers_get_the_page_and_reach_the_node_over_websocket_on_one_port() {
    let class = Class::new("browsers", 2);
    let page = class.dir.join("page");
    std::fs::create_dir_all(&page).unwrap();
    std::fs::write(page.join("index.html"), "<h1>E-Cloud</h1>").unwrap();
    std::fs::write(page.join("app.wasm"), b"\0asm").unwrap();
    std::fs::write(class.dir.join("secret"), "not for browsers").unwrap();
    let mut args = class.args(Some(0), &[]);
    args.extend(["--http", "127.0.0.1:0", "--page", page.to_str().unwrap()].map(String::from));
    let node = Process::start(&args);
    wait_until("the node serves browsers", Duration::from_secs(20), || {
        node.find(|v| v.get("browsers").is_some()).is_some()
    });
    let url = node.find(|v| v.get("page").is_some()).unwrap()["page"]
        .as_str()
        .unwrap()
        .to_string();
    let port: u16 = url
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // Bound to loopback, loopback is the address to open.
    let open = node.find(|v| v.get("open").is_some()).unwrap();
    assert_eq!(open["open"], serde_json::json!([url]));

    let (status, kind, body) = http(port, "GET / HTTP/1.1\r\nhost: x\r\n\r\n");
    assert_eq!(
        (status.as_str(), kind.as_str()),
        ("HTTP/1.1 200 OK", "text/html; charset=utf-8")
    );
    assert_eq!(body, b"<h1>E-Cloud</h1>");
    let (_, kind, body) = http(port, "GET /app.wasm HTTP/1.1\r\nhost: x\r\n\r\n");
    assert_eq!(
        (kind.as_str(), body.as_slice()),
        ("application/wasm", &b"\0asm"[..])
    );
    for outside in ["/../secret", "/%2e%2e/secret", "/nothing.js"] {
        let (status, _, _) = http(port, &format!("GET {outside} HTTP/1.1\r\nhost: x\r\n\r\n"));
        assert_eq!(status, "HTTP/1.1 404 Not Found", "{outside}");
    }
    let (status, _, _) = http(
        port,
        "POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n",
    );
    assert_eq!(status, "HTTP/1.1 405 Method Not Allowed");
    let (status, _, _) = http(port, "\x16\x03\x01 not http\r\n\r\n");
    assert_eq!(status, "HTTP/1.1 400 Bad Request");

    // A libp2p peer over WebSocket on the same port hears the blocks.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let genesis = class_genesis(&class);
    let heard = runtime.block_on(hear_a_block(
        &format!("/ip4/127.0.0.1/tcp/{port}/ws"),
        &genesis,
    ));
    assert!(
        heard >= 1,
        "a block sealed after the genesis block arrived: {heard}"
    );
}

#[test]
fn a_node_serving_every_network_says_which_addresses_to_open() {
    let class = Class::new("open", 2);
    let mut args = class.args(None, &[]);
    args.extend(["--http", "0.0.0.0:0"].map(String::from));
    let node = Process::start(&args);
    wait_until(
        "the node says where to open",
        Duration::from_secs(20),
        || node.find(|v| v.get("open").is_some()).is_some(),
    );
    let page = node.find(|v| v.get("page").is_some()).unwrap()["page"]
        .as_str()
        .unwrap()
        .to_string();
    let port = page
        .strip_prefix("http://0.0.0.0:")
        .and_then(|p| p.strip_suffix('/'))
        .unwrap();
    let open = node.find(|v| v.get("open").is_some()).unwrap()["open"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!open.is_empty());
    for url in &open {
        let url = url.as_str().unwrap();
        let host = url
            .strip_prefix("http://")
            .and_then(|u| u.strip_suffix(&format!(":{port}/")))
            .unwrap_or_else(|| panic!("{url} is on port {port}"));
        let ip: std::net::Ipv4Addr = host.parse().unwrap();
        assert!(!ip.is_unspecified(), "{url}");
        // Loopback only when the machine has no other address.
        assert!(!ip.is_loopback() || open.len() == 1, "{open:?}");
    }
}

/// A peer of our own on the community of `genesis`, driven by hand.
fn subscribed_swarm(genesis: &ecloud_core::Hash) -> libp2p::Swarm<ecloud_node::peer::Behaviour> {
    let mut swarm =
        ecloud_node::peer::swarm(libp2p::identity::Keypair::generate_ed25519()).unwrap();
    swarm
        .behaviour_mut()
        .gossip
        .subscribe(&ecloud_node::peer::topic(genesis))
        .unwrap();
    swarm
}

/// Connects to `address`, and gives the height of the first block gossiped.
async fn hear_a_block(address: &str, genesis: &ecloud_core::Hash) -> u64 {
    use ecloud_core::node::{wire, Message};
    use futures::StreamExt;
    use libp2p::swarm::SwarmEvent;
    let mut swarm = subscribed_swarm(genesis);
    swarm
        .dial(address.parse::<libp2p::Multiaddr>().unwrap())
        .unwrap();
    let until = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let event = tokio::time::timeout_at(until, swarm.select_next_some())
            .await
            .expect("a block within 30 s");
        if let SwarmEvent::Behaviour(ecloud_node::peer::BehaviourEvent::Gossip(
            libp2p::gossipsub::Event::Message { message, .. },
        )) = event
        {
            if let Ok(Message::Block(block)) = wire::decode(&message.data) {
                return block.height();
            }
        }
    }
}

#[test]
fn a_newcomer_asks_to_join_and_the_registrars_node_admits_it() {
    let class = Class::new("join", 4);
    // The newcomer asks before the registrar's node is up: it asks again,
    // and a later ask reaches the registrar once it is.
    let hub = Process::start(&class.args(Some(1), &[]));
    let hub_address = first_address(&hub);
    let mut newcomer_args = class.args(None, &[&hub_address]);
    newcomer_args.extend(["--join".to_string(), "Zoé".to_string()]);
    let mut newcomer = Process::start(&newcomer_args);
    wait_until("the newcomer asks", Duration::from_secs(20), || {
        newcomer.find(|v| v.get("newcomer").is_some()).is_some()
            && newcomer
                .status()
                .is_some_and(|s| s["peers"].as_u64() >= Some(1))
    });
    std::thread::sleep(Duration::from_millis(2 * SLOT_MS));
    let mut registrar = class.args(Some(0), &[&hub_address]);
    registrar.push("--admit".into());
    let mut nodes = vec![Process::start(&registrar), hub];
    for m in 2..4 {
        nodes.push(Process::start(&class.args(Some(m), &[&hub_address])));
    }
    let admitted = |p: &Process| {
        p.find(|v| v["event"].get("admitted").is_some())
            .map(|v| v["event"]["admitted"].as_u64().unwrap())
    };
    wait_until("the newcomer is admitted", Duration::from_secs(30), || {
        admitted(&newcomer).is_some()
    });
    assert_eq!(admitted(&newcomer), Some(4));
    assert!(nodes[0]
        .find(|v| v["event"]["join_requested"] == "Zoé")
        .is_some());
    let key = newcomer.find(|v| v.get("newcomer").is_some()).unwrap()["public_key"]
        .as_str()
        .unwrap()
        .to_string();
    wait_until("the newcomer votes", Duration::from_secs(30), || {
        newcomer
            .find(|v| v["event"].get("voted").is_some())
            .is_some()
    });

    // Killed and started again, it is member 4 at once: its keys were kept.
    newcomer.kill_9();
    let newcomer = Process::start(&newcomer_args);
    wait_until("the newcomer is back", Duration::from_secs(20), || {
        admitted(&newcomer).is_some()
    });
    assert_eq!(admitted(&newcomer), Some(4));
    assert_eq!(
        newcomer.find(|v| v.get("newcomer").is_some()).unwrap()["public_key"],
        key.as_str()
    );

    for n in &mut nodes {
        n.stop();
    }
    let chain = class.export("0");
    let zoe = chain
        .tip()
        .ledger()
        .member(ecloud_core::MemberId(4))
        .unwrap();
    assert_eq!((zoe.name.as_str(), zoe.public_key.to_hex()), ("Zoé", key));
    assert!(verify_chain(chain.blocks()).is_valid());
}

#[test]
fn a_class_the_teachers_browser_started_runs_on_nodes_that_hold_no_registrar_key() {
    use ecloud_core::chain::genesis::{CommunitySpec, GEORGE};
    use ecloud_core::node::NodeKeys;
    use ecloud_core::simulation::network::{classroom_genesis, node_keys};
    let class = Class::new("teacher", 4);
    // The registrar's keys, as the teacher's browser makes them: not the
    // class seed's.
    let teacher = NodeKeys::from_seed(GEORGE, [9; 32]);
    let spec = CommunitySpec::classroom(4, SLOT_MS).unwrap();
    let genesis = classroom_genesis(&spec, 42, class.start_ms, &teacher).unwrap();
    assert_ne!(teacher.public_key(), node_keys(42, 0).public_key());
    let file = class.dir.join("genesis.json");
    std::fs::create_dir_all(&class.dir).unwrap();
    std::fs::write(&file, serde_json::to_vec(&genesis).unwrap()).unwrap();
    let teacher_args = |member: u32, peers: &[&str]| {
        let mut args = class.args(Some(member), peers);
        args.extend(["--teacher", "--genesis", file.to_str().unwrap()].map(String::from));
        args
    };

    // A node of another class (another seed) refuses the file and says why.
    let mut other = teacher_args(1, &[]);
    let seed = other.iter().position(|a| a == "--class-seed").unwrap() + 1;
    other[seed] = "43".into();
    let out = Command::new(env!("CARGO_BIN_EXE_ecloud-node"))
        .args(&other)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("not this class's genesis block"), "{said}");

    // Three members' nodes of the class (not the registrar: that is the
    // teacher's browser) seal, agree and make blocks final.
    let first = Process::start(&teacher_args(1, &[]));
    let hub = first_address(&first);
    let mut nodes = vec![first];
    for m in 2..4 {
        nodes.push(Process::start(&teacher_args(m, &[&hub])));
    }
    wait_until("blocks become final", Duration::from_secs(60), || {
        nodes.iter().all(|n| n.final_height() >= 3)
    });
    for n in &mut nodes {
        n.stop();
    }
    let chains: Vec<Chain> = (1..4).map(|m| class.export(&m.to_string())).collect();
    for chain in &chains {
        assert_eq!(chain.genesis().hash, genesis.hash);
        assert!(verify_chain(chain.blocks()).is_valid());
        assert_eq!(block_at(chain, 3), block_at(&chains[0], 3));
    }
    assert_eq!(
        chains[0]
            .genesis()
            .ledger()
            .member(GEORGE)
            .unwrap()
            .public_key,
        teacher.public_key()
    );
}
