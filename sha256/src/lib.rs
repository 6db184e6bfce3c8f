//! SHA-256 for one purpose, fast in the page: hashing many independent
//! messages, as verifying a chain does (every header, ledger, transaction
//! and Merkle node of every block).
//!
//! sha2 compiled to wasm hashes one message at a time with 32-bit scalar
//! code, about 4.5x as long as natively (where SHA-NI does it in
//! hardware). Here four messages go through the compression function at
//! once, one per lane of a wasm SIMD128 register: about 1.8x sha2's
//! throughput in Chromium on the chain's messages. A single message takes
//! one lane and costs about twice sha2's time, so callers hand over as many
//! messages at once as they can.
//!
//! Off wasm (tests) the lanes are plain arrays, and the tests compare every
//! digest with sha2's. Hashes public data only: nothing here is constant
//! time.

mod compress;
mod lanes;

use compress::{compress4, H0};
use lanes::Word4;

/// SHA-256 of `message`.
pub fn digest(message: &[u8]) -> [u8; 32] {
    hash_four([message, &[], &[], &[]], 1)[0]
}

/// SHA-256 of each message, in order.
pub fn digest_each(messages: &[&[u8]]) -> Vec<[u8; 32]> {
    let mut out = vec![[0; 32]; messages.len()];
    for group in by_block_count(messages).chunks(4) {
        let mut four: [&[u8]; 4] = [&[]; 4];
        for (lane, &i) in group.iter().enumerate() {
            four[lane] = messages[i];
        }
        let digests = hash_four(four, group.len());
        for (lane, &i) in group.iter().enumerate() {
            out[i] = digests[lane];
        }
    }
    out
}

/// The messages' indices ordered by block count (a counting sort: a block
/// count is at most a few hundred here), so that messages of the same
/// count share a group of four and no lane waits long for the others.
fn by_block_count(messages: &[&[u8]]) -> Vec<usize> {
    let mut most = 0;
    for m in messages {
        most = most.max(block_count(m.len()));
    }
    let mut starts = vec![0; most + 2];
    for m in messages {
        starts[block_count(m.len()) + 1] += 1;
    }
    for b in 1..starts.len() {
        starts[b] += starts[b - 1];
    }
    let mut order = vec![0; messages.len()];
    for (i, m) in messages.iter().enumerate() {
        let b = block_count(m.len());
        order[starts[b]] = i;
        starts[b] += 1;
    }
    order
}

/// 64-byte blocks in a message of `len` bytes once padded: a 1 bit, zeros,
/// and the length in bits as 8 bytes.
fn block_count(len: usize) -> usize {
    (len + 9).div_ceil(64)
}

/// The digests of the first `count` messages, one per lane; the other lanes
/// compress zeros, and nobody reads them.
fn hash_four(messages: [&[u8]; 4], count: usize) -> [[u8; 32]; 4] {
    const ZEROS: [u8; 64] = [0; 64];
    // The padded end of each message: its last partial block, then the
    // padding, in one or two blocks.
    let mut tails = [[0u8; 128]; 4];
    let mut full = [0; 4];
    let mut total = [0; 4];
    for lane in 0..count {
        let m = messages[lane];
        full[lane] = m.len() / 64;
        total[lane] = block_count(m.len());
        let rest = &m[64 * full[lane]..];
        let tail = &mut tails[lane];
        tail[..rest.len()].copy_from_slice(rest);
        tail[rest.len()] = 0x80;
        let end = 64 * (total[lane] - full[lane]);
        tail[end - 8..end].copy_from_slice(&(m.len() as u64 * 8).to_be_bytes());
    }
    let mut state = H0.map(Word4::splat);
    let mut digests = [[0; 32]; 4];
    let longest = total[0].max(total[1]).max(total[2]).max(total[3]);
    for k in 0..longest {
        let mut blocks = [&ZEROS; 4];
        for lane in 0..count {
            let bytes = if k < full[lane] {
                &messages[lane][64 * k..]
            } else if k < total[lane] {
                &tails[lane][64 * (k - full[lane])..]
            } else {
                continue;
            };
            blocks[lane] = bytes.first_chunk().unwrap_or(&ZEROS);
        }
        let mut w = Word4::gather(blocks);
        compress4(&mut state, &mut w);
        for lane in 0..count {
            if total[lane] == k + 1 {
                for (bytes, word) in digests[lane].chunks_exact_mut(4).zip(state) {
                    bytes.copy_from_slice(&word.lanes()[lane].to_be_bytes());
                }
            }
        }
    }
    digests
}

#[cfg(test)]
mod tests;
