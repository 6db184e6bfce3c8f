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
pub mod view;

use args::Config;
use ecloud_core::chain::genesis::CommunitySpec;
use ecloud_core::crypto::vrf::VrfPublicKey;
use ecloud_core::crypto::{PublicKey, Signature};
use ecloud_core::node::{Command, Event, Node, NodeKeys};
use ecloud_core::simulation::network::{
    check_classroom_genesis, community_genesis, node_keys, UnsealedGenesis,
};
use ecloud_core::{Block, Chain};
use ecloud_net::{event_json, Driver, Notice, Step};
use futures::StreamExt;
use libp2p::{identity, Multiaddr};
use serde_json::json;
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
    let spec = class_spec(config)?;
    community_genesis(&spec, config.class_seed, config.start_ms).map_err(|e| e.to_string())
}

fn class_spec(config: &Config) -> Result<CommunitySpec, String> {
    CommunitySpec::classroom(config.members, config.slot_ms).map_err(|e| e.to_string())
}

/// The genesis block of a class whose registrar is the teacher's browser
/// (--teacher), if it is known: from --genesis, or kept in --data; each
/// checked against the class's seed, members, start and slot.
pub fn teacher_genesis(config: &Config) -> Result<Option<Block>, String> {
    let file = config
        .genesis
        .clone()
        .unwrap_or_else(|| config.kept_genesis());
    match std::fs::read(&file) {
        Ok(bytes) => read_teacher_genesis(config, &bytes)
            .map(Some)
            .map_err(|e| format!("{}: {e}", file.display())),
        Err(_) if config.genesis.is_none() => Ok(None),
        Err(e) => Err(format!("{}: {e}", file.display())),
    }
}

/// `bytes` as the genesis block of `config`'s class, started by the
/// teacher's browser, or why not.
pub fn read_teacher_genesis(config: &Config, bytes: &[u8]) -> Result<Block, String> {
    let genesis: Block =
        serde_json::from_slice(bytes).map_err(|e| format!("not a genesis block: {e}"))?;
    check_classroom_genesis(
        &class_spec(config)?,
        config.class_seed,
        config.start_ms,
        &genesis,
    )
    .map_err(|e| e.to_string())?;
    Ok(genesis)
}

/// The class, as the teacher's browser needs it to make the genesis block
/// (`/node.json` while the node waits for the teacher).
pub fn class_json(config: &Config) -> serde_json::Value {
    json!({
        "seed": config.class_seed,
        "members": config.members,
        "start_ms": config.start_ms,
        "slot_ms": config.slot_ms,
    })
}

/// The best chain kept in `config`'s store, as a chain file.
pub fn export(config: &Config) -> Result<String, String> {
    let store = Store::open(&config.store_path()).map_err(|e| e.to_string())?;
    let (blocks, memo) = store.load().map_err(|e| e.to_string())?;
    let node = Node::restore_parts(blocks, memo.as_deref(), None, 0).map_err(|e| e.to_string())?;
    Ok(node.chain_file())
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

/// Binds the browsers' port and says where it is: a line `page`, a line
/// `open` with the addresses other machines open, and on stderr the first
/// with its QR code.
async fn serve_at(at: std::net::SocketAddr) -> Result<tokio::net::TcpListener, String> {
    let listener = tokio::net::TcpListener::bind(at)
        .await
        .map_err(|e| format!("cannot serve browsers on {at}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    say(json!({"page": format!("http://{bound}/")}));
    let open = open::addresses(bound, &open::interfaces());
    say(json!({"open": open.iter().map(|a| open::url(*a)).collect::<Vec<_>>()}));
    use std::io::{IsTerminal, Write};
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(open::tell(&open, stderr.is_terminal()).as_bytes());
    Ok(listener)
}

/// Serves the page until the teacher's page on this computer starts the
/// class, then keeps its genesis block in --data.
async fn wait_for_teacher(
    config: &Config,
    listener: Option<&tokio::net::TcpListener>,
) -> Result<Block, String> {
    let listener = listener.ok_or(
        "--teacher needs --http while --data holds no class: the teacher's page starts it",
    )?;
    let port = listener.local_addr().map_or(0, |a| a.port());
    let teacher = format!("http://localhost:{port}/classroom.html?teacher");
    say(json!({"waiting_for_teacher": teacher}));
    eprintln!("Teacher: open {teacher} on this computer to start the class.");
    let genesis = http::wait_for_teacher(listener, config.page.as_deref(), config).await;
    // Kept before anything is built on it: a restart finds the same class.
    let kept = config.kept_genesis();
    let part = kept.with_extension("json.part");
    std::fs::write(
        &part,
        serde_json::to_vec(&genesis).map_err(|e| e.to_string())?,
    )
    .and_then(|()| std::fs::rename(&part, &kept))
    .map_err(|e| format!("cannot keep the class in {}: {e}", kept.display()))?;
    say(json!({"class_started": genesis.hash.to_hex()}));
    Ok(genesis)
}

/// The registrar's public keys, and its seal of the genesis block, as the
/// teacher's page posts them.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Registrar {
    public_key: PublicKey,
    vrf_key: VrfPublicKey,
    #[serde(default)]
    seal: Option<Signature>,
}

impl Config {
    /// The class's genesis block for the registrar `body` names, unsealed.
    fn unsealed(&self, body: &[u8]) -> Result<(UnsealedGenesis, Registrar), String> {
        let registrar: Registrar =
            serde_json::from_slice(body).map_err(|e| format!("not the registrar's keys: {e}"))?;
        registrar
            .public_key
            .check()
            .map_err(|e| format!("the registrar's key: {e}"))?;
        let keys = (registrar.public_key, registrar.vrf_key);
        let unsealed =
            UnsealedGenesis::classroom(&class_spec(self)?, self.class_seed, self.start_ms, keys)
                .map_err(|e| e.to_string())?;
        Ok((unsealed, registrar))
    }
}

impl http::Waiting for Config {
    fn class(&self) -> String {
        class_json(self).to_string()
    }

    fn hash_to_sign(&self, body: &[u8]) -> Result<String, String> {
        Ok(self.unsealed(body)?.0.hash.to_hex())
    }

    fn genesis(&self, body: &[u8]) -> Result<Block, String> {
        let (unsealed, registrar) = self.unsealed(body)?;
        let seal = registrar.seal.ok_or("no seal")?;
        let genesis = unsealed.sealed(seal);
        check_classroom_genesis(&class_spec(self)?, self.class_seed, self.start_ms, &genesis)
            .map_err(|e| e.to_string())?;
        Ok(genesis)
    }
}

/// A running node: the state machine on its swarm, and its store.
struct Running {
    driver: Driver,
    store: Store,
    /// Browsers' port (--http), served once the swarm's WebSocket
    /// listener on loopback has its address.
    http: Option<(tokio::net::TcpListener, Option<std::path::PathBuf>)>,
    /// The registrar's node admits every newcomer who asks (--admit).
    admit: bool,
    /// `/network.json`, written every second while browsers are served.
    network: Option<std::sync::Arc<std::sync::Mutex<String>>>,
    proxied: http::Proxied,
    cut_off: view::CutOff,
    /// Where the teacher's page's asks reach the loop.
    control: tokio::sync::mpsc::UnboundedSender<http::Control>,
}

/// Runs the node of `config` until interrupted.
pub async fn run(config: Config) -> Result<(), String> {
    std::fs::create_dir_all(&config.data).map_err(|e| e.to_string())?;
    let listener = match config.http {
        Some(at) => Some(serve_at(at).await?),
        None => None,
    };
    let (genesis, keys) = if config.teacher {
        let genesis = match teacher_genesis(&config)? {
            Some(genesis) => genesis,
            None => wait_for_teacher(&config, listener.as_ref()).await?,
        };
        // Member 0 is the teacher's browser; another member's keys come
        // from the class's seed, as for the genesis block.
        (
            genesis,
            config.member.map(|m| node_keys(config.class_seed, m)),
        )
    } else {
        let (genesis, keys) = classroom(&config)?;
        (genesis, config.member.map(|m| keys[m as usize].clone()))
    };
    let store = Store::open(&config.store_path()).map_err(|e| e.to_string())?;
    let node = store
        .node(
            &genesis,
            keys,
            config.class_seed ^ u64::from(config.member.unwrap_or(u32::MAX)),
        )
        .map_err(|e| e.to_string())?;
    let swarm = peer::swarm(identity::Keypair::generate_ed25519())?;
    let (control, mut asked) = tokio::sync::mpsc::unbounded_channel();
    let mut running = Running {
        driver: Driver::new(node, swarm, config.peers.iter().cloned())?,
        store,
        http: None,
        admit: config.admit,
        network: None,
        proxied: http::Proxied::default(),
        cut_off: view::CutOff::new(),
        control,
    };
    if let Some(name) = &config.join {
        let newcomer = running
            .store
            .newcomer(&genesis.hash, name)
            .map_err(|e| e.to_string())?;
        say(
            json!({"newcomer": newcomer.request().name, "public_key": newcomer.request().public_key.to_hex()}),
        );
        let out = running.driver.node.ask_to_join(newcomer, now_ms());
        running.after(out.into())?;
    }
    if let Some(listener) = listener {
        running.http = Some((listener, config.page.clone()));
        running
            .driver
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
            .driver
            .swarm
            .listen_on(address.clone())
            .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    }
    let mut tick = tokio::time::interval(Duration::from_millis(running.driver.tick_ms()));
    let mut status = tokio::time::interval(Duration::from_secs(1));
    let mut redial = tokio::time::interval(Duration::from_secs(2));
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| e.to_string())?;
    loop {
        tokio::select! {
            event = running.driver.swarm.select_next_some() => {
                let step = running.driver.handle(event, now_ms());
                running.notices()?;
                if let Some(step) = step {
                    running.after(step)?;
                }
            }
            _ = tick.tick() => {
                let step = running.driver.tick(now_ms());
                running.after(step)?;
            }
            _ = status.tick() => running.status(),
            _ = redial.tick() => running.driver.redial(),
            Some(control) = asked.recv() => running.control(control),
            _ = terminate.recv() => return Ok(()),
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

impl Running {
    fn status(&self) {
        if let Some(network) = &self.network {
            let json = view::network_json(&self.driver, &self.proxied, &self.cut_off, now_ms());
            if let Ok(mut network) = network.lock() {
                *network = json.to_string();
            }
        }
        let status = self.driver.status();
        say(json!({"status": {
            "height": status.height,
            "tip": status.tip.to_hex(),
            "final_height": status.final_height,
            "final": status.final_hash.to_hex(),
            "peers": status.peers,
        }}));
    }

    /// What the teacher's page asked: a link cut to show a partition, or
    /// the heal.
    fn control(&mut self, control: http::Control) {
        match control {
            http::Control::Cut(peer) => match peer.parse::<libp2p::PeerId>() {
                Ok(id) => {
                    self.driver.hold_apart(id);
                    say(json!({"teacher": {"cut": peer}}));
                }
                Err(e) => say(json!({"teacher": {"not_cut": peer, "why": e.to_string()}})),
            },
            http::Control::Heal => {
                self.driver.heal();
                say(json!({"teacher": "healed"}));
            }
        }
    }

    /// After a step of the node: keep what it accepted and what it
    /// remembers, print what happened, then send what it says; the
    /// registrar's node (--admit) admits whoever asked.
    fn after(&mut self, step: Step) -> Result<(), String> {
        if let Some(blocks) = self.driver.to_keep(&step) {
            self.store
                .write(&blocks, Some(&self.driver.node.memo()))
                .map_err(|e| e.to_string())?;
        }
        let at_ms = now_ms();
        for event in &step.out.events {
            say(json!({"event": event_json(event), "at_ms": at_ms}));
        }
        let asking: Vec<_> = step
            .out
            .events
            .iter()
            .filter_map(|e| match e {
                Event::JoinRequested(request) if self.admit => Some(request.public_key),
                _ => None,
            })
            .collect();
        self.driver.send(step);
        for public_key in asking {
            // Refused (no member numbers left, a name taken): said, not fatal.
            match self
                .driver
                .node
                .command(Command::Admit { public_key }, now_ms())
            {
                Ok(out) => self.after(out.into())?,
                Err(e) => say(json!({"not_admitted": public_key.to_hex(), "why": e.to_string()})),
            }
        }
        Ok(())
    }

    /// Prints what happened on the swarm; the first WebSocket listener on
    /// loopback starts serving browsers.
    fn notices(&mut self) -> Result<(), String> {
        let id = *self.driver.swarm.local_peer_id();
        let notices: Vec<Notice> = self.driver.notices().collect();
        for notice in notices {
            match notice {
                Notice::Listening(address) => match loopback_websocket(&address) {
                    Some(websocket) => self.serve_browsers(websocket)?,
                    None => say(json!({"listening": format!("{address}/p2p/{id}")})),
                },
                Notice::Connected { peer, number } => {
                    say(json!({"peer": {"connected": peer.to_string(), "number": number}}))
                }
                Notice::Disconnected(peer) => {
                    say(json!({"peer": {"disconnected": peer.to_string()}}))
                }
                Notice::CutOff { peer, why } => {
                    say(json!({"peer": {"refused": peer.to_string(), "why": why}}));
                    self.cut_off.push_front((peer, why, now_ms()));
                    self.cut_off.truncate(view::CUT_OFF);
                }
                // Dialled again every 2 s; a closed port is no news.
                Notice::Failed { .. } => {}
            }
        }
        Ok(())
    }

    /// Serves the page and `/node.json` on the --http port, its WebSockets
    /// passed to the swarm's listener at `websocket`.
    fn serve_browsers(&mut self, websocket: std::net::SocketAddr) -> Result<(), String> {
        let Some((listener, page)) = self.http.take() else {
            return Ok(());
        };
        let id = *self.driver.swarm.local_peer_id();
        let port = listener.local_addr().map_or(0, |a| a.port());
        say(json!({"browsers": format!("/tcp/{port}/ws/p2p/{id}")}));
        let network = std::sync::Arc::new(std::sync::Mutex::new(
            view::network_json(&self.driver, &self.proxied, &self.cut_off, now_ms()).to_string(),
        ));
        self.network = Some(network.clone());
        let about = http::About {
            peer_id: id.to_string(),
            genesis: serde_json::to_string(&**self.driver.node.tree().genesis())
                .map_err(|e| e.to_string())?,
            network,
            proxied: self.proxied.clone(),
            control: self.control.clone(),
        };
        tokio::spawn(http::serve(listener, page, websocket, about));
        Ok(())
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
