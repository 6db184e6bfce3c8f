//! A message from a peer, as a node will receive it: the first byte says
//! which kind, the rest is its JSON. A transaction is admitted to the open
//! block on top of a valid chain; a block is verified as that chain's next.
#![no_main]

use ecloud_core::{Block, Transaction};
use ecloud_fuzz::{admit, fixed_chain};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&kind, json)) = data.split_first() else {
        return;
    };
    let chain = fixed_chain();
    if kind % 2 == 0 {
        if let Ok(tx) = serde_json::from_slice::<Transaction>(json) {
            let _ = admit(chain, &tx);
        }
    } else if let Ok(block) = serde_json::from_slice::<Block>(json) {
        let mut blocks = chain.blocks().to_vec();
        blocks.push(block);
        let report = ecloud_core::verify_chain(&blocks);
        // The valid prefix stays valid whatever is appended.
        assert!(report
            .findings
            .iter()
            .all(|f| f.height as usize == blocks.len() - 1));
    }
});
