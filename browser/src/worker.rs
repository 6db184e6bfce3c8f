//! The worker: the page's messages in, the core's [`Node`] driven by the
//! swarm's events and the time, as node/src/lib.rs drives the native node,
//! with IndexedDB instead of redb and the page instead of stdout.

use crate::idb::{self, Store};
use crate::lock;
use crate::protocol::{read_ask, About, Ask, Asking, Report, Status, Tip};
use ecloud_core::chain::genesis::GEORGE;
use ecloud_core::model::member::Role;
use ecloud_core::node::{Applicant, Command, Node, NodeKeys};
use ecloud_core::{Block, Hash, PublicKey, Wh};
use ecloud_net::{event_json, Behaviour, Driver, Notice, Step};
use futures::channel::mpsc;
use futures::stream::{self, LocalBoxStream};
use futures::{FutureExt, StreamExt};
use libp2p::core::upgrade;
use libp2p::{noise, yamux, Multiaddr, Swarm, Transport};
use serde_json::json;
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

/// Waits for the page to ask to join or teach, then runs the node; one
/// that fails is told and may be asked again. Only one tab of a browser
/// runs its node ([`lock::hold`]).
async fn serve(mut page: mpsc::UnboundedReceiver<String>) {
    let mut held = false;
    while let Some(text) = page.next().await {
        let ask = read_ask(&text);
        if matches!(ask, Ok(Ask::Join { .. } | Ask::Teach { .. })) && !held {
            match lock::hold().await {
                Ok(()) => held = true,
                Err(why) => {
                    error("join", why);
                    continue;
                }
            }
        }
        match ask {
            Err(report) => post(report),
            Ok(Ask::Join { node, name }) => {
                let url = node.unwrap_or_else(|| "/node.json".into());
                if let Err(why) = join(&url, name.as_deref(), &mut page).await {
                    error("join", why);
                }
            }
            Ok(Ask::Teach { node }) => {
                let url = node.unwrap_or_else(|| "/node.json".into());
                if let Err(why) = teach(&url, &mut page).await {
                    error("teach", why);
                }
            }
            Ok(Ask::Admit { .. } | Ask::Decline { .. }) => {
                error("admit", "this browser is no registrar: teach first")
            }
        }
    }
}

/// Joins the class of the node at `url` (its `/node.json`): as a newcomer
/// named `name`, or to watch.
async fn join(
    url: &str,
    name: Option<&str>,
    page: &mut mpsc::UnboundedReceiver<String>,
) -> Result<(), String> {
    let store = Store::open().await?;
    let about = about(url).await?;
    run(url, store, about, None, name, page).await
}

/// Runs the class's registrar: this browser's own keys for member 0 (made
/// once, kept in IndexedDB, never sent). A node waiting for the teacher
/// gets the class's genesis block, sealed here.
async fn teach(url: &str, page: &mut mpsc::UnboundedReceiver<String>) -> Result<(), String> {
    let store = Store::open().await?;
    let seed = match store.teacher().await? {
        Some(hex) => Hash::from_hex(&hex).map_err(|e| format!("the kept registrar's keys: {e}"))?,
        None => {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| format!("no randomness for keys: {e}"))?;
            store.keep_teacher(&Hash(seed).to_hex()).await?;
            Hash(seed)
        }
    };
    let keys = NodeKeys::from_seed(GEORGE, seed.0);
    let mut about = about(url).await?;
    if about.genesis.is_none() && about.class.is_some() {
        start_class(url, &keys).await?;
        // The node starts its swarm on the class: asked again until it serves it.
        for _ in 0..40 {
            futures_timer::Delay::new(Duration::from_millis(250)).await;
            about = self::about(url).await?;
            if about.genesis.is_some() {
                break;
            }
        }
    }
    run(url, store, about, Some(keys), None, page).await
}

/// Starts the class the node at `url` waits for, as its registrar: the
/// node makes the class's genesis block for the registrar's public keys
/// (the class's seed, members, start and slot are the node's), this
/// browser seals it, and the node checks the seal and starts. Only the
/// hash is signed here: the node is the teacher's own computer, which
/// served this page.
async fn start_class(url: &str, keys: &NodeKeys) -> Result<(), String> {
    let base = url.rsplit_once('/').map_or("", |(base, _)| base);
    let registrar = json!({
        "public_key": keys.public_key().to_hex(),
        "vrf_key": keys.vrf_key().to_hex(),
    });
    let hash = post_text(&format!("{base}/genesis-hash"), &registrar.to_string()).await?;
    let hash = Hash::from_hex(hash.trim()).map_err(|e| format!("the node's genesis hash: {e}"))?;
    let mut sealed = registrar;
    sealed["seal"] = json!(keys.signing().sign(&hash).to_hex());
    post_text(&format!("{base}/genesis"), &sealed.to_string()).await?;
    Ok(())
}

/// POSTs `body` to `to`; the answer's text, or why there is none.
async fn post_text(to: &str, body: &str) -> Result<String, String> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let response: web_sys::Response = JsFuture::from(scope.fetch_with_str_and_init(to, &init))
        .await
        .map_err(|e| format!("cannot reach {to}: {e:?}"))?
        .unchecked_into();
    let text = JsFuture::from(response.text().map_err(|e| format!("{e:?}"))?)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    if response.ok() {
        Ok(text)
    } else {
        Err(format!(
            "the node did not start the class (HTTP {}): {}",
            response.status(),
            text.trim()
        ))
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

/// The node kept in `store`, signing with `keys`, if it holds one that
/// restores.
async fn restore(store: &Store, keys: Option<NodeKeys>) -> Option<Node> {
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
        .and_then(|b| Node::restore_parts(b, memo.as_deref(), keys, 0).map_err(|e| e.to_string()));
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

/// Restores or starts the node (signing with `keys`, if any), dials the
/// native node of `about` and keeps up with its chain until the store
/// fails; with a `name`, asks to be admitted.
async fn run(
    url: &str,
    store: Store,
    about: About,
    keys: Option<NodeKeys>,
    name: Option<&str>,
    page: &mut mpsc::UnboundedReceiver<String>,
) -> Result<(), String> {
    let (Some(genesis), Some(ws)) = (about.genesis, about.ws) else {
        return Err(format!(
            "{url}: the teacher has not started the class yet; ask again once they have"
        ));
    };
    let genesis: Block = serde_json::from_value(genesis)
        .map_err(|e| format!("the node's genesis is not a block: {e}"))?;
    if let Some(keys) = &keys {
        let registrar = genesis.ledger().member(GEORGE).map(|m| m.public_key);
        if registrar != Some(keys.public_key()) {
            return Err(
                "another browser started this class: the registrar's keys stay in \
                        that browser, so only it admits newcomers"
                    .into(),
            );
        }
    }
    let kept = restore(&store, keys.clone()).await;
    if let Some(node) = &kept {
        post(Report::Restored(tip_of(node)));
    }
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
            let node = Node::restore_parts(vec![genesis.clone()], None, keys, 0)
                .map_err(|e| format!("the node's genesis: {e}"))?;
            store
                .write(&[block_record(&genesis)], Some(&node.memo()))
                .await?;
            post(Report::Restored(tip_of(&node)));
            node
        }
    };
    let ws: Multiaddr = ws.parse().map_err(|e| format!("{ws} is no address: {e}"))?;
    // Dialled without its /p2p/ peer id: a native node makes a new identity
    // at each start, and the node that served the page is trusted by its
    // address (as for the page and the genesis), so a restarted one is
    // found again.
    let ws: Multiaddr = ws
        .into_iter()
        .filter(|p| !matches!(p, libp2p::multiaddr::Protocol::P2p(_)))
        .collect();
    let dialling = Report::Dialling { ws: ws.to_string() };
    let mut running = Running {
        driver: Driver::new(node, swarm()?, [ws])?,
        store,
    };
    if let Some(name) = name {
        let applicant = newcomer(&running.store, &genesis, name).await?;
        let out = running.driver.node.ask_to_join(applicant, now_ms());
        running.after(out.into()).await?;
    }
    post(dialling);
    running.driver.redial();
    let mut tick = every(running.driver.tick_ms());
    let mut status = every(1000);
    let mut redial = every(2000);
    loop {
        futures::select! {
            event = running.driver.swarm.select_next_some() => {
                let step = running.driver.handle(event, now_ms());
                running.notices();
                if let Some(step) = step {
                    running.after(step).await?;
                }
            }
            _ = tick.next().fuse() => {
                let step = running.driver.tick(now_ms());
                running.after(step).await?;
            }
            _ = status.next().fuse() => running.status(),
            _ = redial.next().fuse() => running.driver.redial(),
            text = page.next().fuse() => match text.map(|t| read_ask(&t)) {
                None => return Ok(()),
                Some(Err(report)) => post(report),
                Some(Ok(Ask::Admit { public_key })) => running.answer(&public_key, true).await?,
                Some(Ok(Ask::Decline { public_key })) => running.answer(&public_key, false).await?,
                Some(Ok(Ask::Join { .. } | Ask::Teach { .. })) => error("join", "already joined"),
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

/// The node on its swarm, and its store.
struct Running {
    driver: Driver,
    store: Store,
}

impl Running {
    fn status(&self) {
        let status = self.driver.status();
        post(Report::Status(Status {
            height: status.height,
            tip: status.tip.to_hex(),
            final_height: status.final_height,
            final_hash: status.final_hash.to_hex(),
            peers: status.peers,
            requests: self
                .driver
                .node
                .join_requests()
                .iter()
                .map(|r| Asking {
                    name: r.name.clone(),
                    public_key: r.public_key.to_hex(),
                })
                .collect(),
        }));
    }

    /// The registrar admits (or declines) the newcomer of `public_key`
    /// (hex); what cannot be done (no such request, a name taken, no member
    /// numbers left) is told.
    async fn answer(&mut self, public_key: &str, admit: bool) -> Result<(), String> {
        let Ok(public_key) = PublicKey::from_hex(public_key) else {
            error("admit", format!("{public_key} is no public key"));
            return Ok(());
        };
        let command = if admit {
            Command::Admit { public_key }
        } else {
            Command::Decline { public_key }
        };
        match self.driver.node.command(command, now_ms()) {
            Ok(out) => self.after(out.into()).await,
            Err(e) => {
                error("admit", e);
                Ok(())
            }
        }
    }

    /// After a step of the node: keep what it accepted and what it
    /// remembers, tell the page what happened, then send what it says.
    async fn after(&mut self, step: Step) -> Result<(), String> {
        if let Some(blocks) = self.driver.to_keep(&step) {
            let records: Vec<_> = blocks.iter().map(|b| block_record(b)).collect();
            self.store
                .write(&records, Some(&self.driver.node.memo()))
                .await
                .map_err(|e| format!("the store failed: {e}"))?;
        }
        for event in &step.out.events {
            post(Report::Event(event_json(event)));
        }
        self.driver.send(step);
        Ok(())
    }

    /// Tells the page what happened on the swarm.
    fn notices(&mut self) {
        for notice in self.driver.notices() {
            match notice {
                Notice::Connected { peer, .. } => {
                    post(Report::Peer(json!({"connected": peer.to_string()})))
                }
                Notice::Disconnected(peer) => {
                    post(Report::Peer(json!({"disconnected": peer.to_string()})))
                }
                Notice::CutOff { peer, why } => {
                    post(Report::Peer(
                        json!({"refused": peer.to_string(), "why": why}),
                    ));
                    error(
                        "peer",
                        format!("{peer} sent what no honest node sends: {why}"),
                    );
                }
                Notice::Failed { what, why } => error(what, why),
                // A browser listens on nothing.
                Notice::Listening(_) => {}
            }
        }
    }
}
