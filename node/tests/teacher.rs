//! A class whose registrar is the teacher's browser (`--teacher`): the node
//! makes the class's genesis block for the registrar's public keys, takes it
//! back sealed only when the seal is the registrar's, and never holds the
//! registrar's secret key.

use ecloud_core::chain::genesis::{CommunitySpec, GEORGE};
use ecloud_core::node::NodeKeys;
use ecloud_core::simulation::network::{classroom_genesis, node_keys};
use ecloud_core::Hash;
use ecloud_node::args::Config;
use ecloud_node::http::{self, Waiting};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn config() -> Config {
    let args = "--teacher --class-seed 5 --members 4 --start-ms 1000 --slot-ms 1000";
    Config::parse(args.split_whitespace().map(String::from)).unwrap()
}

fn public(keys: &NodeKeys) -> serde_json::Value {
    json!({"public_key": keys.public_key().to_hex(), "vrf_key": keys.vrf_key().to_hex()})
}

fn sealed(keys: &NodeKeys, signer: &NodeKeys, hash: &Hash) -> String {
    let mut body = public(keys);
    body["seal"] = json!(signer.signing().sign(hash).to_hex());
    body.to_string()
}

#[test]
fn the_teachers_keys_make_the_class_and_only_their_seal_starts_it() {
    let config = config();
    let teacher = NodeKeys::from_seed(GEORGE, [3; 32]);
    let hash = config
        .hash_to_sign(public(&teacher).to_string().as_bytes())
        .unwrap();
    let hash = Hash::from_hex(&hash).unwrap();
    let genesis = config
        .genesis(sealed(&teacher, &teacher, &hash).as_bytes())
        .unwrap();
    let spec = CommunitySpec::classroom(4, 1_000).unwrap();
    assert_eq!(
        genesis,
        classroom_genesis(&spec, 5, 1_000, &teacher).unwrap()
    );

    // Another key's seal, no seal, a body that is no keys: refused.
    let forger = node_keys(5, 0);
    assert!(config
        .genesis(sealed(&teacher, &forger, &hash).as_bytes())
        .unwrap_err()
        .contains("seal"));
    assert!(config
        .genesis(public(&teacher).to_string().as_bytes())
        .unwrap_err()
        .contains("no seal"));
    for bad in ["", "{}", "[1]", r#"{"public_key":"00","vrf_key":"00"}"#] {
        assert!(config.hash_to_sign(bad.as_bytes()).is_err(), "{bad}");
    }
    let mut extra = public(&teacher);
    extra["secret"] = json!("no");
    assert!(config.hash_to_sign(extra.to_string().as_bytes()).is_err());
    // Keys of small order (the identity point) never enter the chain.
    let identity = format!("01{}", "00".repeat(31));
    for field in ["public_key", "vrf_key"] {
        let mut weak = public(&teacher);
        weak[field] = json!(identity);
        let why = config
            .hash_to_sign(weak.to_string().as_bytes())
            .unwrap_err();
        assert!(why.contains("key"), "{field}: {why}");
    }
}

/// One request over HTTP/1.1 to `at`: the status and the body.
async fn request(at: std::net::SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(at).await.unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {at}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, body.to_string())
}

#[tokio::test(flavor = "current_thread")]
async fn the_node_waits_for_the_teacher_over_http_and_starts_on_their_seal() {
    let config = config();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = listener.local_addr().unwrap();
    let teacher = NodeKeys::from_seed(GEORGE, [4; 32]);
    let client = async {
        let (status, about) = request(at, "GET", "/node.json", "").await;
        assert_eq!(status, 200);
        let about: serde_json::Value = serde_json::from_str(&about).unwrap();
        assert_eq!(about["class"]["members"], 4);
        assert_eq!(about.get("genesis"), None, "no class yet");
        let keys = public(&teacher).to_string();
        let (status, hash) = request(at, "POST", "/genesis-hash", &keys).await;
        assert_eq!(status, 200);
        let hash = Hash::from_hex(&hash).unwrap();
        let forged = sealed(&teacher, &node_keys(5, 0), &hash);
        let (status, why) = request(at, "POST", "/genesis", &forged).await;
        assert_eq!(
            (status, why.trim()),
            (400, "refused: its seal is not the registrar's")
        );
        let (status, _) = request(at, "GET", "/", "").await;
        assert_eq!(status, 404, "no page given: none served, nothing started");
        request(at, "POST", "/genesis", &sealed(&teacher, &teacher, &hash)).await
    };
    let (genesis, (status, said)) =
        tokio::join!(http::wait_for_teacher(&listener, None, &config), client);
    assert_eq!((status, said.as_str()), (200, "the class started"));
    assert_eq!(
        genesis.ledger().member(GEORGE).unwrap().public_key,
        teacher.public_key()
    );
}
