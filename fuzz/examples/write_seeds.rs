//! Writes the seed corpus of each fuzz target into fuzz/seeds/ from real
//! runs: chain exports, saved runs, and the blocks and transactions of a
//! run as messages. Run by `scripts/fuzz --seeds`; the files are committed.

use ecloud_fuzz::full_run;
use std::fs;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let write = |target: &str, name: String, bytes: Vec<u8>| {
        let dir = root.join(target);
        fs::create_dir_all(&dir).expect("a seeds directory");
        fs::write(dir.join(name), bytes).expect("a seed file");
    };
    for seed in [1, 2] {
        let sim = full_run(seed);
        write(
            "chain_import",
            format!("run-{seed}.json"),
            sim.chain().to_json().into_bytes(),
        );
        write(
            "saved_run",
            format!("run-{seed}.json"),
            sim.save().into_bytes(),
        );
    }
    let sim = full_run(7);
    // The rest record of the run whose chain `fixed_chain` is: what the
    // page's store keeps beside the blocks.
    write(
        "saved_run",
        "rest-7.json".into(),
        sim.rest_record().into_bytes(),
    );
    for (i, block) in sim.chain().blocks().iter().enumerate().skip(1).step_by(2) {
        let mut message = vec![1u8];
        message.extend(serde_json::to_vec(block).expect("a block encodes"));
        write("message", format!("block-{i}"), message);
        for (j, tx) in block.body.transactions.iter().enumerate() {
            let mut message = vec![0u8];
            message.extend(serde_json::to_vec(tx).expect("a transaction encodes"));
            write("message", format!("tx-{i}-{j}"), message);
        }
    }
    // A node of four: the blocks and transactions of its chain as messages,
    // a request, a tip, and its saved state.
    let (node, _, _) = ecloud_fuzz::node_in_community();
    for block in node.chain().iter().skip(1) {
        let mut message = vec![1u8];
        message.extend(serde_json::to_vec(&**block).expect("a block encodes"));
        write("node", format!("block-{}", block.height()), message);
        for (j, tx) in block.body.transactions.iter().enumerate() {
            let mut message = vec![0u8];
            message.extend(serde_json::to_vec(tx).expect("a transaction encodes"));
            write("node", format!("tx-{}-{j}", block.height()), message);
        }
    }
    write("node", "get-blocks".into(), vec![2, 3, 0, 0, 0, 0, 0, 0, 0]);
    write("node", "tip".into(), vec![3, 40, 0, 0, 0, 0, 0, 0, 0, 2]);
    let mut saved = vec![4u8];
    saved.extend(node.save().into_bytes());
    write("node", "saved".into(), saved);
    // Edits: a few chosen byte strings (block, field, selector, value).
    for (i, edit) in [
        [2u8, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
        [3, 40, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0],
        [4, 7, 1, 0x81, 255, 255, 255, 255, 255, 255, 255, 255],
        [1, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0],
    ]
    .iter()
    .enumerate()
    {
        write("chain_edit", format!("edit-{i}"), edit.to_vec());
    }
}
