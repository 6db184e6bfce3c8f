//! The verification benchmarks of `core/benches/verify.rs`, as WebAssembly for
//! headless Chromium. The same workload (`core/benches/workload.rs`, included
//! below) builds the same chain from the same seed; `bench/run.mjs` times each
//! call from JavaScript with `performance.now()` and compares with the native
//! figures. Nothing here reads a clock.

use ecloud_core::chain::verify::{
    chain_signatures, verify_chain, verify_signatures, verify_structure,
};
use ecloud_core::crypto::SignedDigest;
use ecloud_core::Block;
use wasm_bindgen::prelude::*;

#[path = "../../core/benches/workload.rs"]
mod workload;
use workload::{build_chain, hashed_messages, sha256_all, Limit};

/// One chain and everything its benchmarks need, prepared untimed.
#[wasm_bindgen]
pub struct Bench {
    blocks: Vec<Block>,
    signatures: Vec<SignedDigest>,
    messages: Vec<Vec<u8>>,
    limit: Limit,
}

#[wasm_bindgen]
impl Bench {
    /// Builds the workload's chain of `blocks` blocks (timed as "build").
    #[wasm_bindgen(constructor)]
    pub fn new(blocks: u32) -> Bench {
        let blocks = build_chain(u64::from(blocks));
        Bench {
            blocks,
            signatures: Vec::new(),
            messages: Vec::new(),
            limit: Limit::default(),
        }
    }

    /// Gathers the signatures and hashed bytes the limit needs (untimed).
    pub fn prepare(&mut self) {
        self.signatures = chain_signatures(&self.blocks);
        self.messages = hashed_messages(&self.blocks);
        self.limit = Limit::new(&self.signatures);
    }

    /// The tip's hash: the same as the native run's, or it is not the same chain.
    pub fn tip(&self) -> String {
        self.blocks
            .last()
            .map(|b| b.hash.to_hex())
            .unwrap_or_default()
    }

    #[wasm_bindgen(js_name = signatureCount)]
    pub fn signature_count(&self) -> usize {
        self.signatures.len()
    }

    #[wasm_bindgen(js_name = hashedBytes)]
    pub fn hashed_bytes(&self) -> usize {
        self.messages.iter().map(Vec::len).sum()
    }

    /// `verify_chain`: true when the chain verifies.
    pub fn full(&self) -> bool {
        verify_chain(&self.blocks).is_valid()
    }

    /// Every check but the Ed25519 equations.
    pub fn structure(&self) -> bool {
        verify_structure(&self.blocks).is_valid()
    }

    /// The signatures alone, as `verify_chain` checks them.
    pub fn signatures(&self) -> bool {
        verify_signatures(&self.signatures)
    }

    /// ed25519-dalek's batch verification of the same signatures.
    #[wasm_bindgen(js_name = limitEd25519)]
    pub fn limit_ed25519(&self) -> bool {
        self.limit.verify_batched()
    }

    /// The batch equation `verify_chain` uses (each signer's key terms merged)
    /// alone on the same signatures, keys decoded beforehand.
    #[wasm_bindgen(js_name = limitMerged)]
    pub fn limit_merged(&self) -> bool {
        self.limit.verify_merged()
    }

    /// The same signatures verified one at a time.
    #[wasm_bindgen(js_name = limitEd25519Single)]
    pub fn limit_ed25519_single(&self) -> bool {
        self.limit.verify_single()
    }

    /// SHA-256 of the same bytes; returns a byte of the digests so none is skipped.
    #[wasm_bindgen(js_name = limitSha256)]
    pub fn limit_sha256(&self) -> u8 {
        sha256_all(&self.messages)
    }
}

/// A classroom's chain of version 2 (four members, one node each, on the
/// core's simulated network, 1 s slots), and a fresh observer node taking
/// it in answers of 64 blocks, as a browser's node catching up does.
#[wasm_bindgen]
pub struct NodeBench {
    genesis: std::sync::Arc<Block>,
    blocks: Vec<std::sync::Arc<Block>>,
    chain: Vec<Block>,
}

#[wasm_bindgen]
impl NodeBench {
    #[wasm_bindgen(constructor)]
    pub fn new(blocks: u32) -> NodeBench {
        use ecloud_core::chain::genesis::CommunitySpec;
        use ecloud_core::simulation::network::Network;
        let start = 1_700_000_000_000;
        let mut spec = CommunitySpec::one_generator(3).expect("four members");
        spec.rules.slot_ms = Some(1_000);
        let mut network = Network::community(&spec, 7, start).expect("a classroom");
        network.run_until(start + u64::from(blocks) * 1_000);
        NodeBench {
            genesis: network.node(0).tree().genesis().clone(),
            blocks: network.node(0).chain(),
            chain: network.node(0).chain_blocks(),
        }
    }

    pub fn height(&self) -> usize {
        self.blocks.len() - 1
    }

    /// The chain's tip: where [`NodeBench::catch_up`] must end.
    pub fn tip(&self) -> String {
        self.blocks
            .last()
            .map(|b| b.hash.to_hex())
            .unwrap_or_default()
    }

    /// `verify_chain` on the whole chain.
    pub fn verify(&self) -> bool {
        verify_chain(&self.chain).is_valid()
    }

    /// A fresh observer node takes the chain in answers of 64 blocks; the
    /// tip it ends on.
    #[wasm_bindgen(js_name = catchUp)]
    pub fn catch_up(&self) -> String {
        use ecloud_core::node::{Message, Node};
        let tip = self.blocks.last().map(|b| b.hash);
        let mut node = Node::new(self.genesis.clone(), None, 1);
        for answer in self.blocks[1..].chunks(64) {
            let _ = node.handle(
                0,
                Message::Blocks {
                    blocks: answer.to_vec(),
                    tip,
                },
                u64::MAX / 2,
            );
        }
        node.tip().hash.to_hex()
    }
}
