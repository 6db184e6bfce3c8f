//! SPEC section 10: one node per member, on a simulated network.
#![allow(clippy::disallowed_methods, reason = "tests are not in the page")]

mod common;
use ecloud_core::chain::genesis::GEORGE;
use ecloud_core::model::block::MARKET_PERIOD_MS;
use ecloud_core::node::{BlockTree, Byzantine, Command, Event, Message};
use ecloud_core::simulation::network::Network;
use ecloud_core::{verify_chain, Block, CommunitySpec, Hash, MemberId, Wh};
use std::sync::Arc;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const T0: u64 = 1_528_711_200_000;

/// The seed's community as four nodes, each holding its own member's keys.
fn community(seed: u64) -> Network {
    Network::community(&CommunitySpec::default(), seed, T0).unwrap()
}

fn chain_of(network: &Network, peer: u32) -> Vec<Block> {
    network.node(peer).chain_blocks()
}

#[test]
fn four_nodes_agree_on_one_chain_that_verifies_and_becomes_final() {
    let mut network = community(1);
    for slot in 1..=20u64 {
        network
            .command(GEORGE, Command::Generate(Wh(1_000)))
            .unwrap();
        network.run_until(T0 + (slot + 1) * MARKET_PERIOD_MS);
    }
    let tip = network.node(0).tip().hash;
    for peer in 0..4 {
        assert_eq!(network.node(peer).tip().hash, tip, "node {peer}");
        let report = verify_chain(&chain_of(&network, peer));
        assert!(report.is_valid(), "node {peer}: {:#?}", report.findings);
    }
    let height = network.node(0).tip().height();
    assert!(height >= 18, "{height} blocks in 20 slots");
    let final_height = network.node(0).finalized().height();
    assert!(
        final_height + 8 >= height,
        "final {final_height} of {height}"
    );
    // A page that runs for hours takes the log as it goes.
    let said = network.take_events();
    assert!(said
        .iter()
        .any(|(_, _, e)| matches!(e, Event::Final { .. })));
    assert!(network.events().is_empty());
}

#[test]
fn a_nodes_chain_file_imports_verified_with_its_tip_and_its_vrf_proofs() {
    let mut network = community(3);
    run_slots(&mut network, 1, 8);
    let node = network.node(2);
    let (chain, report) = ecloud_core::Chain::import_json(&node.chain_file()).unwrap();
    assert!(report.is_valid(), "{:#?}", report.findings);
    assert_eq!(chain.tip().hash, node.tip().hash);
    assert_eq!(chain.len() as u64, node.tip().height() + 1);
    assert!(chain.tip().header.rank.is_some(), "a chain of version 2");
}

/// Runs the network slot by slot to the end of slot `to`, George reading
/// 1 kWh half-way through each slot his node runs.
fn run_slots(network: &mut Network, from: u64, to: u64) {
    for slot in from..=to {
        network.run_until(T0 + slot * MARKET_PERIOD_MS + MARKET_PERIOD_MS / 2);
        let _ = network.command(GEORGE, Command::Generate(Wh(1_000)));
        network.run_until(T0 + (slot + 1) * MARKET_PERIOD_MS);
    }
}

fn events_of(network: &Network, peer: u32) -> Vec<Event> {
    network
        .events()
        .iter()
        .filter(|(_, p, _)| *p == peer)
        .map(|(_, _, e)| e.clone())
        .collect()
}

#[test]
fn with_one_member_of_four_offline_blocks_still_become_final() {
    let mut network = community(2);
    network.set_online(3, false);
    run_slots(&mut network, 1, 20);
    let node = network.node(0);
    assert!(node.tip().height() >= 18);
    // Three signers of four is more than two thirds.
    assert!(node.finalized().height() + 8 >= node.tip().height());
    assert!(network.check_chains().is_ok());
}

#[test]
fn the_minority_side_of_a_partition_seals_but_finalises_nothing_and_is_reorganised_away_after_the_heal(
) {
    let mut network = community(3);
    run_slots(&mut network, 1, 10);
    // Nodes 0, 1 and 2 on one side, node 3 alone on the other.
    network.partition(&[0, 0, 0, 1]);
    // Blocks in flight still arrive.
    run_slots(&mut network, 11, 11);
    let shared = network.node(3).tip().height();
    run_slots(&mut network, 12, 30);
    assert!(network.check_safety().is_ok());
    let alone = network.node(3);
    let majority = network.node(0);
    assert!(
        alone.finalized().height() <= shared,
        "nothing sealed alone is final"
    );
    assert!(alone.tip().height() > shared + 10, "the minority seals on");
    assert!(majority.finalized().height() > alone.finalized().height() + 10);
    assert!(!majority.tree().contains(&alone.tip().hash));
    let minority_tip = alone.tip().hash;

    network.heal();
    run_slots(&mut network, 31, 40);
    assert!(network.agree(), "one tip after the heal");
    assert!(!network
        .node(3)
        .tree()
        .is_ancestor(&minority_tip, &network.node(3).tip().hash));
    let reorganised = events_of(&network, 3)
        .into_iter()
        .any(|e| matches!(e, Event::Reorganised { dropped, .. } if dropped > 0));
    assert!(reorganised, "node 3 left its own blocks");
    assert!(network.check_chains().is_ok());
}

#[test]
fn a_node_offline_for_a_while_catches_up_by_asking_for_the_blocks_it_lacks() {
    let mut network = community(4);
    run_slots(&mut network, 1, 3);
    network.set_online(2, false);
    run_slots(&mut network, 4, 40);
    let behind = network.node(2).tip().height();
    let ahead = network.node(0).tip().height();
    assert!(ahead > behind + 30, "{behind} vs {ahead}");
    network.set_online(2, true);
    run_slots(&mut network, 41, 43);
    assert_eq!(network.node(2).tip().hash, network.node(0).tip().hash);
    assert!(network.check_chains().is_ok());
}

#[test]
fn a_node_restarts_from_what_it_saved_and_goes_on() {
    let mut network = community(5);
    run_slots(&mut network, 1, 8);
    let tip = network.node(1).tip().hash;
    network.crash(1);
    run_slots(&mut network, 9, 12);
    network.restart(1).unwrap();
    assert!(network.node(1).tree().contains(&tip), "kept its blocks");
    run_slots(&mut network, 13, 16);
    assert!(network.agree());
    assert!(network.check_chains().is_ok());
}

#[test]
fn an_equivocating_sealer_is_caught_and_every_node_keeps_the_same_one_of_its_two_blocks() {
    let mut network = community(6);
    network.set_byzantine(2, Byzantine::Equivocates);
    run_slots(&mut network, 1, 30);
    let evidence: Vec<(u64, Hash, Hash)> = network
        .events()
        .iter()
        .filter_map(|(_, _, e)| match e {
            Event::Equivocation {
                sealer,
                height,
                kept,
                refused,
            } => {
                assert_eq!(*sealer, MemberId(2));
                assert!(kept < refused, "the lower hash stands");
                Some((*height, *kept, *refused))
            }
            _ => None,
        })
        .collect();
    assert!(!evidence.is_empty(), "the equivocation is seen");
    for (height, kept, refused) in &evidence {
        for peer in 0..4 {
            let chain = network.node(peer).chain();
            let at = chain.get(*height as usize).map(|b| b.hash);
            assert_ne!(at, Some(*refused), "node {peer} at {height}");
            if network.node(peer).finalized().height() >= *height {
                assert_eq!(at, Some(*kept), "node {peer} at {height}");
            }
        }
    }
    assert!(network.agree());
    assert!(
        network.node(0).finalized().height() > 10,
        "finality goes on"
    );
    assert!(network.check_safety().is_ok());
    assert!(network.check_chains().is_ok());
}

#[test]
fn a_member_who_withholds_its_vote_never_stands_and_the_others_go_on() {
    let mut network = community(7);
    network.set_byzantine(1, Byzantine::WithholdsVote);
    run_slots(&mut network, 1, 20);
    let chain = network.node(0).chain();
    for block in &chain {
        if let Some(record) = block.election() {
            assert!(record.candidates.iter().all(|c| c.member != MemberId(1)));
        }
    }
    assert!(network.node(0).finalized().height() > 5);
    assert!(network.check_chains().is_ok());
}

#[test]
fn a_forged_block_is_refused_with_the_findings_verification_gives_it() {
    let mut network = community(8);
    run_slots(&mut network, 1, 3);
    let parent = network.node(0).tip().clone();
    // Node 1's next block, its ledger changed after the seal.
    let mut forged = (*network.node(0).tip()).as_ref().clone();
    forged.body.ledger.members[1].balance = Wh(1_000_000);
    let genesis = network.node(0).chain()[0].clone();
    let grandparent = network.node(0).chain()[parent.height() as usize - 1].clone();
    let expected = ecloud_core::chain::verify::verify_extension(&genesis, &grandparent, &forged);
    assert!(!expected.is_valid());

    let mut node = ecloud_core::node::Node::new(genesis.clone(), None, 0);
    for block in network
        .node(0)
        .chain()
        .iter()
        .skip(1)
        .take(parent.height() as usize - 1)
    {
        node.handle(
            0,
            Message::Block(block.clone()),
            parent.header.sealed_at_ms.unwrap(),
        );
    }
    let out = node.handle(
        0,
        Message::Block(Arc::new(forged)),
        parent.header.sealed_at_ms.unwrap(),
    );
    let refused = out.events.iter().find_map(|e| match e {
        Event::Refused { findings, .. } => Some(findings.clone()),
        _ => None,
    });
    assert_eq!(refused, Some(expected.findings));
    assert!(!node.tree().contains(&parent.hash));
    // The forgery carried the good block's hash: the good block still
    // gets in when it comes.
    let out = node.handle(
        0,
        Message::Block(parent.clone()),
        parent.header.sealed_at_ms.unwrap(),
    );
    assert!(out.events.contains(&Event::Accepted {
        hash: parent.hash,
        height: parent.height()
    }));
    assert_eq!(node.tip().hash, parent.hash);
}

/// Every block of every node's tree after a run with partitions.
fn forked_blocks(seed: u64) -> Vec<Arc<Block>> {
    let mut network = community(seed);
    run_slots(&mut network, 1, 4);
    network.partition(&[0, 0, 1, 1]);
    run_slots(&mut network, 5, 12);
    network.partition(&[0, 1, 1, 0]);
    run_slots(&mut network, 13, 18);
    let mut blocks: Vec<Arc<Block>> = Vec::new();
    for (node, _) in network.nodes() {
        for block in node.tree().blocks() {
            if !blocks.iter().any(|b| b.hash == block.hash) {
                blocks.push(block.clone());
            }
        }
    }
    blocks
}

#[test]
fn fork_choice_does_not_depend_on_the_order_blocks_come_in() {
    use rand_chacha::ChaCha20Rng;
    use rand_core::{RngCore, SeedableRng};
    for seed in 0..3 {
        let blocks = forked_blocks(seed);
        let genesis = blocks.iter().find(|b| b.height() == 0).unwrap().clone();
        let forks = blocks.len() as u64 - blocks.iter().map(|b| b.height()).max().unwrap() - 1;
        assert!(forks > 0, "seed {seed}: the partitions made forks");
        let mut choices = Vec::new();
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        for _ in 0..20 {
            // Any order in which each block comes after its parent.
            let mut tree = BlockTree::new(genesis.clone());
            let mut waiting: Vec<Arc<Block>> =
                blocks.iter().filter(|b| b.height() > 0).cloned().collect();
            while !waiting.is_empty() {
                let ready: Vec<usize> = (0..waiting.len())
                    .filter(|&i| tree.contains(&waiting[i].header.parent))
                    .collect();
                let pick = ready[rng.next_u32() as usize % ready.len()];
                tree.insert(waiting.swap_remove(pick));
            }
            choices.push((tree.best(), tree.finalized().hash));
        }
        choices.dedup();
        assert_eq!(choices.len(), 1, "seed {seed}: {choices:?}");
    }
}

#[test]
fn the_fork_choice_names_the_first_of_its_steps_that_tells_two_chains_apart() {
    use ecloud_core::node::Decided;
    use std::cmp::Ordering;
    let mut decided = Vec::new();
    for seed in 0..3 {
        let blocks = forked_blocks(seed);
        let genesis = blocks.iter().find(|b| b.height() == 0).unwrap().clone();
        let mut tree = BlockTree::new(genesis);
        let mut waiting: Vec<Arc<Block>> = blocks.into_iter().filter(|b| b.height() > 0).collect();
        waiting.sort_by_key(|b| b.height());
        for block in waiting {
            tree.insert(block);
        }
        let hashes: Vec<Hash> = tree.blocks().map(|b| b.hash).collect();
        for a in &hashes {
            for b in &hashes {
                let Some((order, step)) = tree.choose(a, b) else {
                    assert_eq!(a, b);
                    continue;
                };
                assert_eq!(order, tree.prefer(a, b));
                assert_eq!(tree.choose(b, a), Some((order.reverse(), step)));
                // The steps before the one named do not tell the chains apart.
                let (ea, eb) = (tree.get(a).unwrap(), tree.get(b).unwrap());
                let earlier = [
                    (
                        Decided::LaterFinal,
                        tree.final_height_on(a) == tree.final_height_on(b),
                    ),
                    (
                        Decided::LaterQuorum,
                        tree.highest_quorum_on(a).0 == tree.highest_quorum_on(b).0,
                    ),
                    (Decided::MorePrimary, ea.rank0 == eb.rank0),
                    (Decided::Longer, ea.block.height() == eb.block.height()),
                ];
                for (before, tied) in earlier.iter().take_while(|(s, _)| *s != step) {
                    assert!(tied, "{before:?} tells them apart, yet {step:?} is named");
                }
                if let Some((_, tied)) = earlier.iter().find(|(s, _)| *s == step) {
                    assert!(!tied, "{step:?} named, yet it ties");
                }
                assert_ne!(order, Ordering::Equal);
                decided.push(step);
            }
        }
    }
    // The forks of these runs are told apart at several steps (a fork that
    // leaves a final block is pruned, so never by the later final block).
    for step in [Decided::LaterQuorum, Decided::MorePrimary, Decided::Longer] {
        assert!(decided.contains(&step), "no pair told apart by {step:?}");
    }
}

#[test]
fn safety_is_found_broken_when_more_than_a_third_of_the_members_sign_on_both_sides_of_a_split() {
    use ecloud_core::simulation::network::community_genesis;
    // Members 0, 1 and 2 each run two nodes with the same keys, one on each
    // side: both sides hold more than two thirds of the members' signatures,
    // the BFT bound is broken, and each side finalises its own chain.
    let (genesis, keys) = community_genesis(&CommunitySpec::default(), 9, T0).unwrap();
    let twice: Vec<_> = [0, 1, 2, 3, 0, 1, 2]
        .iter()
        .map(|&m| Some(keys[m].clone()))
        .collect();
    let mut network = Network::new(Arc::new(genesis), twice, 9);
    network.partition(&[0, 0, 0, 1, 1, 1, 1]);
    run_slots(&mut network, 1, 20);
    let (a, b) = (network.node(0), network.node(4));
    assert!(a.finalized().height() > 2 && b.finalized().height() > 2);
    let broken = network.check_safety().expect_err("two final chains");
    assert!(
        broken.0.contains("hold different final blocks at height 1"),
        "{broken}"
    );
}

#[test]
fn a_block_is_endorsed_by_the_blocks_built_on_it_not_by_the_votes_it_carries() {
    // The votes in block h name block h - 1: they endorse the parent. Two
    // blocks sealed on one parent can carry the same votes, so counting
    // them for the block itself would let both reach a quorum.
    let mut network = community(3);
    run_slots(&mut network, 1, 12);
    let chain = network.node(0).chain().to_vec();
    let (k, block) = chain
        .iter()
        .enumerate()
        .skip(2)
        .find(|(_, b)| {
            ecloud_core::node::tree::endorsers(b)
                .collect::<std::collections::HashSet<_>>()
                .len()
                >= 3
        })
        .expect("a block signed by three of the four members");
    let mut tree = BlockTree::new(chain[0].clone());
    for b in &chain[1..=k] {
        tree.insert(b.clone());
    }
    assert!(
        !tree.get(&block.hash).unwrap().quorum,
        "nothing is built on it yet"
    );
    assert!(
        tree.get(&block.header.parent).unwrap().quorum,
        "its parent is endorsed"
    );
}

#[test]
fn what_the_minority_side_sealed_goes_back_to_the_pending_pool_after_the_heal_and_into_the_chain() {
    let mut network = community(4);
    run_slots(&mut network, 1, 6);
    // George, the registrar, alone on one side: his rename is sealed there.
    network.partition(&[1, 0, 0, 0]);
    run_slots(&mut network, 7, 7);
    network
        .command(
            GEORGE,
            Command::Rename {
                member: MemberId(3),
                name: "Carla M.".into(),
            },
        )
        .unwrap();
    run_slots(&mut network, 8, 12);
    let renamed = |network: &Network, peer: u32| {
        network
            .node(peer)
            .tip()
            .ledger()
            .member(MemberId(3))
            .is_some_and(|m| m.name == "Carla M.")
    };
    assert!(renamed(&network, 0), "sealed on George's side");
    assert!(!renamed(&network, 1), "not on the other side");
    network.heal();
    run_slots(&mut network, 13, 24);
    assert!(network.agree());
    let returned = events_of(&network, 0)
        .into_iter()
        .any(|e| matches!(e, Event::Reorganised { returned, .. } if returned > 0));
    assert!(returned, "George's node took the rename back into its pool");
    for peer in 0..4 {
        assert!(renamed(&network, peer), "node {peer} holds the rename");
    }
}

#[test]
fn a_damaged_or_edited_saved_state_is_refused_with_a_reason_and_never_panics_the_node() {
    use ecloud_core::node::{Node, RestoreError};
    let mut network = community(8);
    run_slots(&mut network, 1, 8);
    let saved = network.node(1).save();
    let keys = || Some(ecloud_core::simulation::network::node_keys(8, 1));
    let again = Node::restore(&saved, keys(), 1).expect("its own state restores");
    assert_eq!(again.tip().hash, network.node(1).tip().hash);

    let mut value: serde_json::Value = serde_json::from_str(&saved).unwrap();
    value["blocks"][3]["header"]["period_start_ms"] = serde_json::json!(T0 + 1);
    match Node::restore(&value.to_string(), keys(), 1) {
        Err(RestoreError::BadBlock {
            height: 3,
            findings,
        }) => assert!(!findings.is_empty()),
        other => panic!("an edited block: {other:?}"),
    }
    let mut value: serde_json::Value = serde_json::from_str(&saved).unwrap();
    value["blocks"].as_array_mut().unwrap().remove(2);
    assert_eq!(
        Node::restore(&value.to_string(), keys(), 1).err(),
        Some(RestoreError::BlockBeforeParent { height: 3 })
    );
    assert!(matches!(
        Node::restore(&saved[..saved.len() / 2], keys(), 1),
        Err(RestoreError::Malformed(_))
    ));
    let other = saved.replacen("\"e-cloud-node\"", "\"e-cloud-chain\"", 1);
    assert_eq!(
        Node::restore(&other, keys(), 1).err(),
        Some(RestoreError::NotANodeState)
    );
}

#[test]
fn a_node_greets_a_new_peer_with_its_tip_and_the_peer_asks_for_what_it_lacks() {
    let mut network = community(3);
    run_slots(&mut network, 1, 10);
    let mut ahead = network.node(0).clone();
    let tip = ahead.tip().clone();
    let out = ahead.greet(7, T0 + 11 * MARKET_PERIOD_MS);
    assert_eq!(out.sends.len(), 1);
    assert_eq!(out.sends[0].to, ecloud_core::node::To::Peer(7));
    let Message::Tip { hash, height, .. } = out.sends[0].message.clone() else {
        panic!("a greeting is a tip: {:?}", out.sends[0].message);
    };
    assert_eq!((hash, height), (tip.hash, tip.height()));

    // A node that holds only the genesis block asks that peer for blocks at once.
    let genesis = Arc::new(chain_of(&network, 1)[0].clone());
    let mut fresh = ecloud_core::node::Node::new(genesis, None, 1);
    let asks = fresh.handle(7, out.sends[0].message.clone(), T0 + 11 * MARKET_PERIOD_MS);
    assert!(
        asks.sends
            .iter()
            .any(|s| s.to == ecloud_core::node::To::Peer(7)
                && matches!(s.message, Message::GetBlocks { tip: Some(t), .. } if t == tip.hash)),
        "{:?}",
        asks.sends
    );
}

#[test]
fn an_answer_is_checked_in_one_batch_and_a_forged_signature_in_it_is_still_found_exactly() {
    use ecloud_core::node::{Node, To};
    let mut network = community(5);
    run_slots(&mut network, 1, 12);
    let chain = network.node(0).chain();
    let (genesis, tip) = (chain[0].clone(), chain.last().unwrap().hash);
    let now = T0 + 13 * MARKET_PERIOD_MS;
    let answer = |blocks: Vec<Arc<Block>>| Message::Blocks { blocks, tip: None };

    // The whole chain in one answer: every block taken; none is passed on
    // to the peers (they hold it), the new tip is told instead.
    let mut fresh = Node::new(genesis.clone(), None, 1);
    let out = fresh.handle(7, answer(chain[1..].to_vec()), now);
    assert_eq!(fresh.tip().hash, tip);
    assert!(!out
        .sends
        .iter()
        .any(|s| matches!(s.message, Message::Block(_))));
    assert!(out
        .sends
        .iter()
        .any(|s| s.to == To::All && matches!(s.message, Message::Tip { hash, .. } if hash == tip)));

    // Block 6 with a transaction's signature swapped for another of the
    // same signer's (a valid signature, of another transaction): the batch
    // fails, each signature is then checked alone, and block 6 is refused
    // with the findings verification gives it; blocks 1 to 5 are taken.
    let mut forged = (*chain[6]).clone();
    let signer = forged.body.transactions[0].signer();
    let other = chain[5]
        .body
        .transactions
        .iter()
        .find(|tx| tx.signer() == signer)
        .expect("the signer signed in block 5 too");
    forged.body.transactions[0].signature = other.signature;
    let expected = ecloud_core::chain::verify::verify_extension(&genesis, &chain[5], &forged);
    assert!(!expected.is_valid());
    let mut blocks = chain[1..].to_vec();
    blocks[5] = Arc::new(forged);
    let mut fresh = Node::new(genesis, None, 1);
    let out = fresh.handle(7, answer(blocks), now);
    assert_eq!(fresh.tip().hash, chain[5].hash);
    let refused = out.events.iter().find_map(|e| match e {
        Event::Refused { findings, .. } => Some(findings.clone()),
        _ => None,
    });
    assert_eq!(refused, Some(expected.findings));
}

#[test]
fn a_restart_keeps_the_block_of_an_equivocation_that_stood_not_both() {
    use ecloud_core::node::Node;
    use ecloud_core::simulation::network::node_keys;
    use ecloud_core::simulation::tamper::rehashed;
    let mut network = community(9);
    run_slots(&mut network, 1, 6);
    let chain = network.node(0).chain();
    let genesis = chain[0].clone();
    let first = chain.last().unwrap().clone();
    // The same sealer's second block for the same slot, a millisecond later.
    let mut twin = (*first).clone();
    twin.header.sealed_at_ms = twin.header.sealed_at_ms.map(|t| t + 1);
    let mut twin = rehashed(&twin).unwrap();
    twin.seal = node_keys(9, first.header.sealed_by.0)
        .signing()
        .sign(&twin.hash);
    let twin = Arc::new(twin);
    let (stood, left) = (first.hash.min(twin.hash), first.hash.max(twin.hash));

    // A node that takes both as they come keeps the lower hash.
    let now = T0 + 8 * MARKET_PERIOD_MS;
    let mut live = Node::new(genesis, None, 1);
    for block in chain.iter().skip(1).chain([&twin]) {
        live.handle(0, Message::Block(block.clone()), now);
    }
    assert_eq!(live.tip().hash, stood);

    // Its store may hold both (it took the second when it replaced the
    // first): restarted from them, in either order, the same one stands.
    let mut kept: Vec<Block> = chain.iter().chain([&twin]).map(|b| (**b).clone()).collect();
    for _ in 0..2 {
        let back = Node::restore_parts(kept.clone(), None, None, 1).unwrap();
        assert_eq!(back.tip().hash, stood);
        assert!(!back.tree().contains(&left));
        let n = kept.len();
        kept.swap(n - 2, n - 1);
    }
}

#[test]
fn catching_up_keeps_answers_coming_ahead_and_asks_for_none_twice() {
    use ecloud_core::node::message::{ANSWERS_AHEAD, BLOCKS_PER_ANSWER};
    use ecloud_core::node::{Node, To};
    let mut network = community(4);
    network.run_until(T0 + 140 * MARKET_PERIOD_MS);
    let chain = network.node(0).chain();
    assert!(
        chain.len() > 2 * BLOCKS_PER_ANSWER + 1,
        "{} blocks",
        chain.len()
    );
    let tip = Some(chain.last().unwrap().hash);
    let now = T0 + 141 * MARKET_PERIOD_MS;
    let n = BLOCKS_PER_ANSWER as u64;
    let asked = |out: &ecloud_core::node::Output| -> Vec<u64> {
        out.sends
            .iter()
            .filter_map(|s| match s.message {
                Message::GetBlocks { from_height, .. } if s.to == To::Peer(7) => Some(from_height),
                _ => None,
            })
            .collect()
    };
    let answer = |from: u64| Message::Blocks {
        blocks: chain[from as usize..(from + n) as usize].to_vec(),
        tip,
    };
    let mut fresh = Node::new(chain[0].clone(), None, 1);
    // A full answer: the next ANSWERS_AHEAD answers are asked for at once.
    let out = fresh.handle(7, answer(1), now);
    let ahead: Vec<u64> = (1..=ANSWERS_AHEAD).map(|i| i * n + 1).collect();
    assert_eq!(asked(&out), ahead);
    // The next: only the one after those.
    let out = fresh.handle(7, answer(n + 1), now);
    assert_eq!(asked(&out), [(ANSWERS_AHEAD + 1) * n + 1]);
    assert_eq!(fresh.tip().height(), 2 * n);
}

#[test]
fn a_node_whose_answers_were_lost_asks_from_its_own_tip_not_its_final_block() {
    use ecloud_core::node::message::BLOCKS_PER_ANSWER;
    use ecloud_core::node::{Node, Output, To};
    // George's node alone: it seals every block, and with no quorum of
    // votes nothing becomes final (as in a classroom whose students only watch).
    let mut network = community(5);
    for peer in 1..4 {
        network.set_online(peer, false);
    }
    network.run_until(T0 + 140 * MARKET_PERIOD_MS);
    let mut ahead = network.node(0).clone();
    let chain = ahead.chain();
    let n = BLOCKS_PER_ANSWER;
    assert!(chain.len() > 2 * n, "{} blocks", chain.len());
    let now = T0 + 141 * MARKET_PERIOD_MS;
    let asks = |out: &Output| -> Vec<Message> {
        out.sends
            .iter()
            .filter(|s| s.to == To::Peer(7) && matches!(s.message, Message::GetBlocks { .. }))
            .map(|s| s.message.clone())
            .collect()
    };

    // A fresh node (its final block the genesis) takes a first answer and
    // loses the two it asks for next.
    let mut fresh = Node::new(chain[0].clone(), None, 1);
    let first = Message::Blocks {
        blocks: chain[1..=n].to_vec(),
        tip: Some(chain.last().unwrap().hash),
    };
    fresh.handle(7, first, now);
    assert_eq!(fresh.tip().height(), n as u64);
    assert_eq!(fresh.finalized().height(), 0);

    // A block far ahead comes by gossip: it asks from after its own tip.
    let far = chain[2 * n].clone();
    let mut pending = asks(&fresh.handle(7, Message::Block(far.clone()), now));
    assert!(
        matches!(pending[..], [Message::GetBlocks { from_height, tip: Some(t) }]
            if from_height == n as u64 + 1 && t == far.header.parent),
        "{pending:?}"
    );
    // Its peer answers whatever it asks: it reaches the far block.
    for _ in 0..10 {
        let Some(ask) = pending.pop() else { break };
        for send in ahead.handle(1, ask, now).sends {
            if matches!(send.message, Message::Blocks { .. }) {
                pending.extend(asks(&fresh.handle(7, send.message, now)));
            }
        }
    }
    assert!(
        fresh.tip().height() >= far.height(),
        "stuck at {}",
        fresh.tip().height()
    );
}
