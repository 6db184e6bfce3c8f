//! Every digest compared with sha2's. These run natively (array lanes) and
//! in headless Chromium (SIMD128 lanes; scripts/test).

use super::*;
use sha2::{Digest, Sha256};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn reference(message: &[u8]) -> [u8; 32] {
    Sha256::digest(message).into()
}

/// Bytes that are the same on every run and every target.
fn bytes(len: usize, seed: u32) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(seed) >> 13) as u8)
        .collect()
}

fn hex(d: &[u8; 32]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_standard_vectors() {
    // FIPS 180-4's examples (NIST's "SHA256.pdf"), and the empty message.
    let cases: [(&[u8], &str); 4] = [
        (
            b"",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        (
            b"abc",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        ),
        (
            b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
        ),
    ];
    for (message, expected) in cases {
        assert_eq!(hex(&digest(message)), expected);
    }
    let many: Vec<&[u8]> = cases.iter().map(|c| c.0).collect();
    let digests: Vec<String> = digest_each(&many).iter().map(hex).collect();
    let expected: Vec<&str> = cases.iter().map(|c| c.1).collect();
    assert_eq!(digests, expected);
}

#[test]
fn every_length_across_the_padding_boundaries_hashes_as_sha2_does() {
    // 55 bytes still fit the length in the block, 56 do not; 64, 119, 120,
    // 128 and their neighbours move the last block and the tail around.
    for len in 0..300 {
        let m = bytes(len, len as u32);
        assert_eq!(digest(&m), reference(&m), "{len} bytes");
    }
}

#[test]
fn many_messages_of_mixed_lengths_come_back_in_order() {
    // Groups of four with lanes that finish at different blocks, lanes left
    // empty (counts not a multiple of four), equal lengths, long messages.
    for count in [0, 1, 2, 3, 4, 5, 7, 9, 16, 33] {
        let messages: Vec<Vec<u8>> = (0..count)
            .map(|i| {
                let len = [33, 65, 263, 0, 1327, 64, 55, 56, 415, 4100][i % 10] + i / 10;
                bytes(len, i as u32)
            })
            .collect();
        let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
        let ours = digest_each(&refs);
        let theirs: Vec<[u8; 32]> = refs.iter().map(|m| reference(m)).collect();
        assert_eq!(ours, theirs, "{count} messages");
    }
}

#[test]
fn equal_messages_and_the_same_message_twice_agree() {
    let m = bytes(200, 7);
    let refs: Vec<&[u8]> = vec![&m; 6];
    let d = reference(&m);
    assert!(digest_each(&refs).iter().all(|x| *x == d));
}

#[test]
fn a_changed_bit_anywhere_changes_the_digest() {
    let m = bytes(150, 3);
    let d = digest(&m);
    let changed: Vec<Vec<u8>> = (0..m.len() * 8)
        .step_by(7)
        .map(|bit| {
            let mut c = m.clone();
            c[bit / 8] ^= 1 << (bit % 8);
            c
        })
        .collect();
    let refs: Vec<&[u8]> = changed.iter().map(Vec::as_slice).collect();
    for (c, ours) in refs.iter().zip(digest_each(&refs)) {
        assert_ne!(ours, d);
        assert_eq!(ours, reference(c));
    }
}
