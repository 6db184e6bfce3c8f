//! Bytes from a peer as a node of a four-node community takes them: the
//! first byte says which message (a transaction's JSON, a block's JSON, a
//! request for blocks, a tip, the network's encoding of any message), or
//! that the rest is a saved state to restart from. Nothing panics; a node
//! that took a message still holds a chain that verifies, and a restored
//! node's chain verifies too.
#![no_main]

use ecloud_core::node::{wire, Message, Node};
use ecloud_core::{verify_chain, Block, Hash, Transaction};
use ecloud_fuzz::node_in_community;
use std::sync::Arc;

fn number(bytes: &[u8]) -> u64 {
    let mut n = [0u8; 8];
    for (d, s) in n.iter_mut().zip(bytes) {
        *d = *s;
    }
    u64::from_le_bytes(n)
}

fn hash(bytes: &[u8]) -> Hash {
    ecloud_core::crypto::sha256(bytes)
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let (node, keys, now) = node_in_community();
    let mut node: Node = node.clone();
    let message = match kind % 6 {
        0 => match serde_json::from_slice::<Transaction>(rest) {
            Ok(tx) => Message::Transaction(tx),
            Err(_) => return,
        },
        1 => match serde_json::from_slice::<Block>(rest) {
            Ok(block) => Message::Block(Arc::new(block)),
            Err(_) => return,
        },
        2 => Message::GetBlocks {
            from_height: number(rest),
            tip: (rest.len() > 8).then(|| hash(rest)),
        },
        3 => Message::Tip {
            hash: hash(rest),
            height: number(rest),
            final_height: number(rest.get(8..).unwrap_or_default()),
        },
        4 => {
            let Ok(text) = std::str::from_utf8(rest) else {
                return;
            };
            if let Ok(restored) = Node::restore(text, Some(keys.clone()), 1) {
                let chain: Vec<Block> = restored.chain_blocks();
                assert!(verify_chain(&chain).is_valid(), "a restored chain verifies");
            }
            return;
        }
        // Bytes as a native node reads them off the network.
        _ => match wire::decode(rest) {
            Ok(message) => message,
            Err(_) => return,
        },
    };
    let _ = node.handle(2, message, *now);
    let _ = node.tick(now + 60_000);
    let chain: Vec<Block> = node.chain_blocks();
    assert!(verify_chain(&chain).is_valid(), "a node's chain verifies");
});
