//! The node's one public port for browsers: the built page over HTTP, and
//! libp2p over WebSocket on the same address, so the page and the node it
//! dials share an origin (Chromium's Local Network Access refuses a page
//! opening `ws://` to a local address of another origin). A request that
//! asks to upgrade to WebSocket is passed, bytes and all, to the swarm's
//! WebSocket listener on loopback; `GET /node.json` tells a browser's node
//! what to dial and which community it joins ([`node_json`]); `GET
//! /genesis.json` is the class's genesis block (for a second classroom's
//! node); `GET /network.json` is the network as the node sees it
//! (`view.rs`, for the classroom page's projector view); any other GET is
//! a file of the page. Before a class the teacher's browser starts has
//! begun, [`wait_for_teacher`] serves instead.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The longest request head read; a longer one is refused.
const MAX_HEAD: usize = 16 * 1024;
/// How long a client may take to send its request's head.
const HEAD_TIME: Duration = Duration::from_secs(10);

/// What the node tells a browser's node at `/node.json`.
#[derive(Clone, Debug)]
pub struct About {
    /// The node's libp2p peer id.
    pub peer_id: String,
    /// The community's genesis block, as JSON (a chain file's block).
    pub genesis: String,
    /// `/network.json`, as the node's loop last wrote it.
    pub network: Arc<Mutex<String>>,
    /// The browsers whose WebSockets are passed to the swarm now.
    pub proxied: Proxied,
    /// What the teacher's page asks the node's loop to do.
    pub control: tokio::sync::mpsc::UnboundedSender<Control>,
}

/// What the teacher's page, on the node's own computer, asks the node to
/// do: to show a class a partition with real peers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Control {
    /// Cut the link to the peer of this id, and refuse it until the heal.
    Cut(String),
    /// Let every peer cut off link again.
    Heal,
}

/// The browsers passed to the swarm's WebSocket listener: the loopback port
/// each one's passing connection comes from (the address the swarm sees),
/// and the browser's own address.
pub type Proxied = Arc<Mutex<HashMap<u16, SocketAddr>>>;

/// Serves `page` (a folder, `dist/` of `trunk build --release`) and passes
/// WebSocket upgrades to `websocket`, until the listener fails.
pub async fn serve(
    listener: TcpListener,
    page: Option<PathBuf>,
    websocket: SocketAddr,
    about: About,
) {
    let about = std::sync::Arc::new(about);
    loop {
        let Ok((stream, client)) = listener.accept().await else {
            continue;
        };
        let page = page.clone();
        let about = about.clone();
        tokio::spawn(async move {
            let _ = answer(stream, client, page.as_deref(), websocket, &about).await;
        });
    }
}

/// `/node.json` for a browser that reached this node as `host` (the
/// request's Host header, `name:port`): the node's peer id, the address a
/// browser dials (the same host and port: the WebSocket upgrade is passed
/// to the swarm) and the genesis block. The browser gets the genesis from
/// the node that serves its page, as it gets the page itself: it needs it
/// before it can name the gossip topic or check a first block. None for a
/// host that is no `name:port`.
pub fn node_json(host: &str, about: &About) -> Option<String> {
    let (name, port) = host.rsplit_once(':')?;
    let port: u16 = port.parse().ok()?;
    let name = name.trim_start_matches('[').trim_end_matches(']');
    let place = match name.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => format!("/ip4/{ip}"),
        Ok(std::net::IpAddr::V6(ip)) => format!("/ip6/{ip}"),
        Err(_)
            if !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') =>
        {
            format!("/dns/{name}")
        }
        Err(_) => return None,
    };
    Some(format!(
        "{{\"peer_id\":\"{id}\",\"ws\":\"{place}/tcp/{port}/ws/p2p/{id}\",\"genesis\":{genesis}}}",
        id = about.peer_id,
        genesis = about.genesis
    ))
}

/// A request's head, as much of it as the node reads.
struct Head {
    method: String,
    /// The path without its query or fragment.
    path: String,
    /// It asks to upgrade to WebSocket.
    upgrade: bool,
    host: Option<String>,
    content_length: Option<usize>,
    /// The bytes read: the head, and any of the body after it.
    buffer: Vec<u8>,
    head_len: usize,
}

/// Reads and parses a request's head; None (after answering 400) when it
/// is none, or takes too long.
async fn head(stream: &mut TcpStream) -> io::Result<Option<Head>> {
    let Ok(read) = tokio::time::timeout(HEAD_TIME, read_head(stream)).await else {
        return Ok(None);
    };
    let Some((buffer, head_len)) = read? else {
        respond(stream, 400, "text/plain", b"bad request\n", true).await?;
        return Ok(None);
    };
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    if !matches!(
        request.parse(&buffer[..head_len]),
        Ok(httparse::Status::Complete(_))
    ) {
        respond(stream, 400, "text/plain", b"bad request\n", true).await?;
        return Ok(None);
    }
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .and_then(|h| std::str::from_utf8(h.value).ok())
    };
    let head = Head {
        method: request.method.unwrap_or("").to_string(),
        path: request
            .path
            .and_then(|p| p.split(['?', '#']).next())
            .unwrap_or("/")
            .to_string(),
        upgrade: header("upgrade").is_some_and(|v| v.eq_ignore_ascii_case("websocket")),
        host: header("host").map(str::to_string),
        content_length: header("content-length").and_then(|v| v.trim().parse().ok()),
        // The bytes move in once the parsed request, which borrows them, is done.
        buffer: Vec::new(),
        head_len,
    };
    Ok(Some(Head { buffer, ..head }))
}

async fn answer(
    mut stream: TcpStream,
    client: SocketAddr,
    page: Option<&Path>,
    websocket: SocketAddr,
    about: &About,
) -> io::Result<()> {
    let Some(head) = head(&mut stream).await? else {
        return Ok(());
    };
    if head.upgrade {
        // The swarm's WebSocket listener does the handshake itself.
        let mut node = TcpStream::connect(websocket).await?;
        let port = node.local_addr()?.port();
        if let Ok(mut proxied) = about.proxied.lock() {
            proxied.insert(port, client);
        }
        node.write_all(&head.buffer).await?;
        let passed = tokio::io::copy_bidirectional(&mut stream, &mut node).await;
        if let Ok(mut proxied) = about.proxied.lock() {
            proxied.remove(&port);
        }
        return passed.map(|_| ());
    }
    if head.method == "POST" && matches!(head.path.as_str(), "/cut" | "/heal") {
        return control(&mut stream, client, head, about).await;
    }
    if head.method != "GET" && head.method != "HEAD" {
        return respond(&mut stream, 405, "text/plain", b"only GET\n", true).await;
    }
    let body_too = head.method == "GET";
    let (status, content_type, body) = match head.path.as_str() {
        "/network.json" => {
            let json = about.network.lock().map(|n| n.clone()).unwrap_or_default();
            (200, "application/json", json.into_bytes())
        }
        "/genesis.json" => (200, "application/json", about.genesis.clone().into_bytes()),
        "/node.json" => match head.host.as_deref().and_then(|h| node_json(h, about)) {
            Some(json) => (200, "application/json", json.into_bytes()),
            None => (400, "text/plain", b"no usable Host\n".to_vec()),
        },
        path => return file(&mut stream, page, path, body_too).await,
    };
    respond(&mut stream, status, content_type, &body, body_too).await
}

/// `POST /cut` (`{"peer_id": ...}`) or `POST /heal`, from the node's own
/// computer only (the teacher's page): passed to the node's loop.
async fn control(
    stream: &mut TcpStream,
    client: SocketAddr,
    mut head: Head,
    about: &About,
) -> io::Result<()> {
    if !client.ip().is_loopback() {
        let why = b"only the teacher's computer cuts links\n";
        return respond(stream, 403, "text/plain", why, true).await;
    }
    let Some(body) = body(stream, &mut head).await? else {
        return Ok(());
    };
    let control = if head.path == "/heal" {
        Control::Heal
    } else {
        let peer = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| Some(v.get("peer_id")?.as_str()?.to_string()));
        let Some(peer) = peer else {
            let why = b"say which peer: {\"peer_id\": ...}\n";
            return respond(stream, 400, "text/plain", why, true).await;
        };
        Control::Cut(peer)
    };
    if about.control.send(control).is_err() {
        return respond(stream, 503, "text/plain", b"the node stopped\n", true).await;
    }
    respond(stream, 200, "text/plain", b"done\n", true).await
}

/// Answers with the file of `page` that `path` names.
async fn file(
    stream: &mut TcpStream,
    page: Option<&Path>,
    path: &str,
    body_too: bool,
) -> io::Result<()> {
    let Some(page) = page else {
        let why = b"this node serves no page\n";
        return respond(stream, 404, "text/plain", why, body_too).await;
    };
    match file_of(page, path) {
        Some(file) => match tokio::fs::read(&file).await {
            Ok(bytes) => respond(stream, 200, content_type(&file), &bytes, body_too).await,
            Err(_) => respond(stream, 404, "text/plain", b"not found\n", body_too).await,
        },
        None => respond(stream, 404, "text/plain", b"not found\n", body_too).await,
    }
}

/// The longest body the teacher's page may post.
const MAX_BODY: usize = 4 * 1024;

/// What the node answers the teacher's page while the class waits for it
/// to start (`node/src/lib.rs` holds the class).
pub trait Waiting {
    /// `/node.json`'s `class`: what the class's genesis block is made of.
    fn class(&self) -> String;
    /// `POST /genesis-hash` with the registrar's public keys: the hash of
    /// the class's genesis block for them, which the registrar signs.
    fn hash_to_sign(&self, body: &[u8]) -> Result<String, String>;
    /// `POST /genesis` with the registrar's public keys and seal: the
    /// class's genesis block, checked.
    fn genesis(&self, body: &[u8]) -> Result<ecloud_core::Block, String>;
}

/// Serves `page` while the class waits for the teacher, until the
/// teacher's page starts it: `/node.json` says `{"class": ...}`, and the
/// two POSTs of [`Waiting`], from this computer only (the teacher's
/// browser, where the registrar's key is made and stays), make and seal
/// its genesis block. One request at a time: only pages and the teacher
/// come before the class starts.
pub async fn wait_for_teacher(
    listener: &TcpListener,
    page: Option<&Path>,
    class: &dyn Waiting,
) -> ecloud_core::Block {
    loop {
        let Ok((mut stream, client)) = listener.accept().await else {
            continue;
        };
        let waiting = waiting(&mut stream, client, page, class);
        if let Ok(Ok(Some(genesis))) = tokio::time::timeout(2 * HEAD_TIME, waiting).await {
            return genesis;
        }
    }
}

async fn waiting(
    stream: &mut TcpStream,
    client: SocketAddr,
    page: Option<&Path>,
    class: &dyn Waiting,
) -> io::Result<Option<ecloud_core::Block>> {
    let Some(mut head) = head(stream).await? else {
        return Ok(None);
    };
    if head.upgrade {
        let why = b"the class has not started: the teacher starts it\n";
        respond(stream, 503, "text/plain", why, true).await?;
        return Ok(None);
    }
    let body_too = head.method != "HEAD";
    match (head.method.as_str(), head.path.as_str()) {
        ("POST", "/genesis-hash" | "/genesis") => {
            if !client.ip().is_loopback() {
                let why = b"only the teacher's computer starts the class\n";
                respond(stream, 403, "text/plain", why, true).await?;
                return Ok(None);
            }
            let Some(body) = body(stream, &mut head).await? else {
                return Ok(None);
            };
            let answer = if head.path == "/genesis" {
                class
                    .genesis(&body)
                    .map(|genesis| (String::from("the class started"), Some(genesis)))
            } else {
                class.hash_to_sign(&body).map(|hash| (hash, None))
            };
            match answer {
                Ok((text, genesis)) => {
                    respond(stream, 200, "text/plain", text.as_bytes(), true).await?;
                    Ok(genesis)
                }
                Err(why) => {
                    let why = format!("refused: {why}\n");
                    respond(stream, 400, "text/plain", why.as_bytes(), true).await?;
                    Ok(None)
                }
            }
        }
        ("GET" | "HEAD", "/node.json") => {
            let json = format!("{{\"class\":{}}}", class.class());
            respond(stream, 200, "application/json", json.as_bytes(), body_too).await?;
            Ok(None)
        }
        ("GET" | "HEAD", path) => {
            file(stream, page, path, body_too).await?;
            Ok(None)
        }
        _ => {
            let why = b"only GET, or the teacher's POST\n";
            respond(stream, 405, "text/plain", why, true).await?;
            Ok(None)
        }
    }
}

/// The request's body, at most [`MAX_BODY`]; None (after answering 400)
/// without a length or past it, or at an early end.
async fn body(stream: &mut TcpStream, head: &mut Head) -> io::Result<Option<Vec<u8>>> {
    let Some(length) = head.content_length.filter(|n| *n <= MAX_BODY) else {
        let why = b"a body needs its length, at most 4 KiB\n";
        respond(stream, 400, "text/plain", why, true).await?;
        return Ok(None);
    };
    let mut body = head.buffer.split_off(head.head_len);
    body.truncate(length);
    let mut chunk = [0u8; 1024];
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        body.extend_from_slice(&chunk[..n.min(length - body.len())]);
    }
    Ok(Some(body))
}

/// Reads until the end of the request's head: the bytes read (the head and
/// anything after it) and the head's length; None past [`MAX_HEAD`] or at
/// an early end.
async fn read_head(stream: &mut TcpStream) -> io::Result<Option<(Vec<u8>, usize)>> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            return Ok(Some((buffer, at + 4)));
        }
        if buffer.len() > MAX_HEAD {
            return Ok(None);
        }
    }
}

/// The file of the page a request path names, never outside `page`.
pub fn file_of(page: &Path, path: &str) -> Option<PathBuf> {
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let relative = Path::new(path.trim_start_matches('/'));
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(part) if !part.to_string_lossy().starts_with('.')))
    {
        return None;
    }
    let file = page.join(relative);
    Some(if path.ends_with('/') || file.is_dir() {
        file.join("index.html")
    } else {
        file
    })
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ftl") | Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    body_too: bool,
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        503 => "Service Unavailable",
        _ => "Method Not Allowed",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
         cache-control: no-cache\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    if body_too {
        stream.write_all(body).await?;
    }
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_json_names_the_address_the_browser_reached() {
        let about = About {
            peer_id: "12D3KooWx".into(),
            genesis: r#"{"hash":"ab"}"#.into(),
            network: Arc::default(),
            proxied: Arc::default(),
            control: tokio::sync::mpsc::unbounded_channel().0,
        };
        let read = |host: &str| -> serde_json::Value {
            serde_json::from_str(&node_json(host, &about).unwrap()).unwrap()
        };
        let v = read("127.0.0.1:8080");
        assert_eq!(v["peer_id"], "12D3KooWx");
        assert_eq!(v["ws"], "/ip4/127.0.0.1/tcp/8080/ws/p2p/12D3KooWx");
        assert_eq!(v["genesis"]["hash"], "ab");
        assert_eq!(read("[::1]:80")["ws"], "/ip6/::1/tcp/80/ws/p2p/12D3KooWx");
        assert_eq!(
            read("teacher.local:8080")["ws"],
            "/dns/teacher.local/tcp/8080/ws/p2p/12D3KooWx"
        );
        for bad in ["", "nohost", "a b:80", "host:99999", "x/y:80", ":80"] {
            assert_eq!(node_json(bad, &about), None, "{bad}");
        }
    }

    #[test]
    fn a_path_names_a_file_of_the_page_and_nothing_outside() {
        let page = Path::new("/srv/page");
        assert_eq!(file_of(page, "/app.wasm"), Some(page.join("app.wasm")));
        assert_eq!(
            file_of(page, "/locales/fr/page.ftl?v=2"),
            Some(page.join("locales/fr/page.ftl"))
        );
        assert_eq!(file_of(page, "/"), Some(page.join("index.html")));
        assert_eq!(file_of(page, "/?seed=42"), Some(page.join("index.html")));
        for outside in [
            "/../etc/passwd",
            "/a/../../b",
            "/.git/config",
            "//etc/passwd/..",
        ] {
            assert_eq!(file_of(page, outside), None, "{outside}");
        }
    }
}
