//! Issue 18: a newcomer makes its own keys and asks to join; the registrar's
//! node alone can admit it, and the newcomer's node then signs for itself.

use ecloud_core::chain::genesis::{ANNE, GEORGE};
use ecloud_core::model::block::MARKET_PERIOD_MS;
use ecloud_core::model::member::Role;
use ecloud_core::node::{Applicant, Command, Event, JoinRequest, Message, Node, NodeError};
use ecloud_core::simulation::network::{community_genesis, node_keys, Network};
use ecloud_core::{verify_chain, CommunitySpec, MemberId, Wh};
use std::sync::Arc;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const T0: u64 = 1_528_711_200_000;
const NEWCOMER: u32 = 4;

/// The seed's community, one node per member (George, the first, is the
/// registrar), and a fifth node holding no member's keys.
fn community_and_a_newcomer(seed: u64) -> Network {
    let (genesis, keys) = community_genesis(&CommunitySpec::default(), seed, T0).unwrap();
    let nodes = keys.into_iter().map(Some).chain([None]).collect();
    Network::new(Arc::new(genesis), nodes, seed)
}

fn zoe(network: &Network) -> Applicant {
    let genesis = network.node(0).chain()[0].hash;
    Applicant::new(genesis, "Zoé", Role::Customer, Wh(0), [42; 32])
}

fn slot(n: u64) -> u64 {
    T0 + n * MARKET_PERIOD_MS
}

#[test]
fn a_newcomer_asks_the_registrar_admits_it_and_it_signs_for_itself() {
    let mut network = community_and_a_newcomer(1);
    network.run_until(slot(2));
    let zoe = zoe(&network);
    let key = zoe.request().public_key;
    network.ask_to_join(NEWCOMER, zoe.clone());
    network.run_until(slot(3));

    // Only the registrar's node keeps the request and tells its page.
    let asking = |network: &Network| -> Vec<_> {
        let requests = network.node(0).join_requests();
        requests
            .iter()
            .map(|r| (r.name.clone(), r.public_key))
            .collect()
    };
    assert_eq!(asking(&network), [("Zoé".to_string(), key)]);
    let told: Vec<u32> = network
        .events()
        .iter()
        .filter(|(_, _, e)| matches!(e, Event::JoinRequested(r) if r.public_key == key))
        .map(|(_, peer, _)| *peer)
        .collect();
    assert_eq!(told, [0]);
    assert_eq!(
        network.command(ANNE, Command::Admit { public_key: key }),
        Err(NodeError::NoSuchRequest),
        "Anne is not the registrar"
    );
    assert_eq!(
        network.node(NEWCOMER).member(),
        None,
        "not before it is admitted"
    );

    network
        .command(GEORGE, Command::Admit { public_key: key })
        .unwrap();
    network.run_until(slot(5));
    let member = MemberId(4);
    assert_eq!(network.node(NEWCOMER).member(), Some(member));
    assert!(network
        .events()
        .iter()
        .any(|(_, peer, e)| *peer == NEWCOMER && *e == Event::Admitted { member }));
    assert!(
        network.node(0).join_requests().is_empty(),
        "let go once admitted"
    );
    let ledger = network.node(0).tip().ledger().clone();
    let registered = ledger.member(member).expect("in the ledger");
    assert_eq!(
        (registered.name.as_str(), registered.public_key),
        ("Zoé", key)
    );

    // From then on it votes with its own keys, and its votes go into blocks.
    network.run_until(slot(10));
    let chain = network.node(0).chain_blocks();
    let voted = chain
        .iter()
        .flat_map(|b| &b.body.transactions)
        .any(|tx| tx.signer() == member);
    assert!(
        voted,
        "Zoé's node signed a transaction that went into a block"
    );
    assert!(network.agree());
    assert!(verify_chain(&chain).is_valid());
    assert!(network.check_chains().is_ok());

    // After a restart it finds itself in the chain again from its own keys.
    network.crash(NEWCOMER);
    network.restart(NEWCOMER).unwrap();
    assert_eq!(network.node(NEWCOMER).member(), Some(member));
}

#[test]
fn the_registrar_declines_a_newcomer_who_stops_asking_and_hears_it_again_if_it_asks_again() {
    use ecloud_core::node::JoinDecline;
    let mut network = community_and_a_newcomer(3);
    network.run_until(slot(2));
    let zoe = zoe(&network);
    let key = zoe.request().public_key;
    network.ask_to_join(NEWCOMER, zoe.clone());
    network.run_until(slot(3));
    assert_eq!(
        network.command(ANNE, Command::Decline { public_key: key }),
        Err(NodeError::NotRegistrar)
    );
    network
        .command(GEORGE, Command::Decline { public_key: key })
        .unwrap();
    assert!(network.node(0).join_requests().is_empty(), "let go");
    network.run_until(slot(4));
    let declined = |network: &Network| {
        network
            .events()
            .iter()
            .filter(|(_, peer, e)| {
                *peer == NEWCOMER && matches!(e, Event::Declined { name } if name == "Zoé")
            })
            .count()
    };
    assert_eq!(declined(&network), 1);
    assert!(
        network.node(NEWCOMER).applicant().is_none(),
        "it asks no more"
    );
    network.run_until(slot(8));
    assert!(network.node(0).join_requests().is_empty());
    assert_eq!(network.node(NEWCOMER).member(), None);

    // Asked again (a reload with the same keys): told again, not kept.
    network.ask_to_join(NEWCOMER, zoe);
    network.run_until(slot(10));
    assert_eq!(declined(&network), 2);
    assert!(network.node(0).join_requests().is_empty());

    // A decline not signed by the registrar is refused, and changes nothing.
    let mut newcomer: Node = network.node(NEWCOMER).clone();
    let again = Applicant::new(
        network.node(0).chain()[0].hash,
        "Yann",
        Role::Customer,
        Wh(0),
        [43; 32],
    );
    newcomer.ask_to_join(again.clone(), slot(10));
    let forged = JoinDecline::new(again.request(), node_keys(3, 1).signing());
    let out = newcomer.handle(2, Message::JoinDeclined(forged), slot(10));
    assert!(out
        .events
        .iter()
        .any(|e| matches!(e, Event::Refused { from: Some(2), .. })));
    assert!(newcomer.applicant().is_some(), "still asking");
    assert!(
        !out.sends
            .iter()
            .any(|s| matches!(s.message, Message::JoinDeclined(_))),
        "not passed on"
    );
}

#[test]
fn a_request_in_another_name_for_another_community_or_with_a_weak_key_is_refused() {
    let network = community_and_a_newcomer(2);
    let good = zoe(&network).request().clone();
    let now = slot(1);
    let refused = |request: JoinRequest| {
        let mut registrar: Node = network.node(0).clone();
        let out = registrar.handle(9, Message::JoinRequest(request), now);
        assert!(registrar.join_requests().is_empty());
        assert!(
            !out.sends
                .iter()
                .any(|s| matches!(s.message, Message::JoinRequest(_))),
            "not passed on"
        );
        out.events
            .iter()
            .find_map(|e| match e {
                Event::Refused { from, what, .. } => Some((*from, what.clone())),
                _ => None,
            })
            .expect("refused")
    };
    // Another name under Zoé's signature.
    let renamed = JoinRequest {
        name: "Mallory".into(),
        ..good.clone()
    };
    assert_eq!(
        refused(renamed),
        (
            Some(9),
            "a request to join: the request is not signed by the key it asks to register".into()
        )
    );
    // Someone else's key with Zoé's signature.
    let stolen = JoinRequest {
        public_key: node_keys(2, 1).public_key(),
        ..good.clone()
    };
    assert!(refused(stolen).1.contains("not signed by the key"));
    let other = ecloud_core::crypto::sha256(b"another community");
    let elsewhere = Applicant::new(other, "Zoé", Role::Customer, Wh(0), [42; 32]);
    assert!(refused(elsewhere.request().clone())
        .1
        .contains("another community"));
    // The identity point: anyone could sign for it.
    let mut weak = good.clone();
    weak.public_key = ecloud_core::crypto::PublicKey({
        let mut b = [0; 32];
        b[0] = 1;
        b
    });
    assert!(refused(weak).1.contains("may not be used"));
    let unnamed = Applicant::new(good.community, "  ", Role::Customer, Wh(0), [42; 32]);
    assert!(refused(unnamed.request().clone())
        .1
        .contains("needs a name"));
}

#[test]
fn a_registrar_offline_when_the_newcomer_first_asked_hears_it_ask_again() {
    let mut network = community_and_a_newcomer(3);
    network.run_until(slot(2));
    network.set_online(0, false);
    let zoe = zoe(&network);
    network.ask_to_join(NEWCOMER, zoe.clone());
    network.run_until(slot(3));
    assert!(network.node(0).join_requests().is_empty());
    network.set_online(0, true);
    network.run_until(slot(4));
    let heard: Vec<_> = network
        .node(0)
        .join_requests()
        .iter()
        .map(|r| r.public_key)
        .collect();
    assert_eq!(heard, [zoe.request().public_key]);
}

#[test]
fn a_node_behind_the_newcomers_join_drops_its_votes_without_blaming_the_peer() {
    let mut network = community_and_a_newcomer(4);
    network.run_until(slot(2));
    let zoe = zoe(&network);
    let key = zoe.request().public_key;
    network.ask_to_join(NEWCOMER, zoe);
    network.run_until(slot(3));
    network
        .command(GEORGE, Command::Admit { public_key: key })
        .unwrap();
    network.run_until(slot(10));
    let vote = network
        .node(0)
        .chain_blocks()
        .iter()
        .flat_map(|b| b.body.transactions.clone())
        .find(|tx| tx.signer() == MemberId(4))
        .expect("Zoé voted");

    // A node still at the genesis (one that just started to catch up) does
    // not know member 4: it cannot check the vote, and drops it, but the
    // peer that passed it on did nothing wrong.
    let genesis = network.node(0).chain()[0].clone();
    let mut behind = Node::new(genesis, None, 4);
    let out = behind.handle(9, Message::Transaction(vote), slot(10));
    assert!(
        !out.events
            .iter()
            .any(|e| matches!(e, Event::Refused { .. })),
        "{:?}",
        out.events
    );
    assert!(
        !out.sends
            .iter()
            .any(|s| matches!(s.message, Message::Transaction(_))),
        "not passed on"
    );
}

#[test]
fn a_signed_transaction_that_breaks_a_rule_of_this_nodes_chain_is_dropped_a_forged_one_is_blamed() {
    use ecloud_core::model::tx::Vote;
    use ecloud_core::{MilliTokens, Transaction, TxBody};
    let mut network = community_and_a_newcomer(5);
    network.run_until(slot(3));
    let mut node = network.node(2).clone();
    // Anne bets more than she holds: on another fork (or after blocks this
    // node lacks) what she holds differs, so her vote is no forgery.
    let vote = Transaction::sign(
        TxBody::Vote(Vote {
            voter: ANNE,
            seq: 0,
            election: node.tip().height() + 2,
            bet: MilliTokens(1 << 40),
            builds_on: Some(node.tip().hash),
            proof: None,
        }),
        node_keys(5, ANNE.0).signing(),
    )
    .unwrap();
    let refused = |out: ecloud_core::node::Output| {
        out.events
            .iter()
            .any(|e| matches!(e, Event::Refused { from: Some(9), .. }))
    };
    let now = slot(3) + 1;
    assert!(!refused(node.handle(
        9,
        Message::Transaction(vote.clone()),
        now
    )));
    // The same vote with its signature broken is what no honest node sends.
    let mut forged = vote;
    forged.signature.0[0] ^= 1;
    assert!(refused(node.handle(9, Message::Transaction(forged), now)));
}

/// A class whose registrar's keys were made in the teacher's browser: the
/// node that serves the class holds no registrar key, so it checks the
/// genesis block the browser sealed against the class it was told to run.
#[test]
fn a_teachers_genesis_block_checks_against_its_class_and_nothing_else() {
    use ecloud_core::node::NodeKeys;
    use ecloud_core::simulation::network::{
        check_classroom_genesis, classroom_genesis, GenesisMismatch,
    };
    let spec = CommunitySpec::classroom(4, 1_000).unwrap();
    let teacher = NodeKeys::from_seed(GEORGE, [7; 32]);
    let genesis = classroom_genesis(&spec, 11, T0, &teacher).unwrap();
    assert_eq!(check_classroom_genesis(&spec, 11, T0, &genesis), Ok(()));
    assert!(verify_chain(std::slice::from_ref(&genesis)).is_valid());
    let ledger = genesis.ledger();
    assert_eq!(
        ledger.member(GEORGE).unwrap().public_key,
        teacher.public_key()
    );
    assert_eq!(
        ledger.member(ANNE).unwrap().public_key,
        node_keys(11, 1).public_key(),
        "the others' keys come from the class's seed"
    );
    assert_ne!(teacher.public_key(), node_keys(11, 0).public_key());

    // Another class: another seed, start, slot or size.
    assert_eq!(
        check_classroom_genesis(&spec, 12, T0, &genesis),
        Err(GenesisMismatch::NotTheClass)
    );
    assert_eq!(
        check_classroom_genesis(&spec, 11, T0 + 1, &genesis),
        Err(GenesisMismatch::NotTheClass)
    );
    let other = CommunitySpec::classroom(5, 1_000).unwrap();
    assert_eq!(
        check_classroom_genesis(&other, 11, T0, &genesis),
        Err(GenesisMismatch::NotTheClass)
    );
    // A member's key swapped for one its maker holds.
    let mut swapped = genesis.clone();
    swapped.body.ledger.members[1].public_key = node_keys(99, 1).public_key();
    assert_eq!(
        check_classroom_genesis(&spec, 11, T0, &swapped),
        Err(GenesisMismatch::NotTheClass)
    );
    // A seal that is not the registrar's named in the block.
    let mut forged = genesis.clone();
    forged.seal = node_keys(11, 0).signing().sign(&genesis.hash);
    assert_eq!(
        check_classroom_genesis(&spec, 11, T0, &forged),
        Err(GenesisMismatch::BadSeal)
    );
    let mut no_vrf = genesis.clone();
    no_vrf.body.ledger.members[0].vrf_key = None;
    assert_eq!(
        check_classroom_genesis(&spec, 11, T0, &no_vrf),
        Err(GenesisMismatch::NoRegistrar)
    );

    // The teacher's node runs the class; an observer's node follows it.
    let mut network = Network::new(Arc::new(genesis), vec![Some(teacher), None], 11);
    network.run_until(T0 + 5 * 1_000);
    assert!(
        network.node(1).tip().height() >= 3,
        "the teacher's node seals alone"
    );
}

/// The classroom `scripts/classroom` starts: two founders, George (the
/// teacher's browser, the registrar) and Member 1, whom nobody runs when
/// there is no second classroom. Two students admitted make blocks final;
/// one is not enough (two signers of three members is not more than two
/// thirds).
#[test]
fn a_classroom_of_two_founders_finalises_once_two_students_sign() {
    use ecloud_core::node::NodeKeys;
    use ecloud_core::simulation::network::classroom_genesis;
    const SLOT: u64 = 1_000;
    let spec = CommunitySpec::classroom(2, SLOT).unwrap();
    let teacher = NodeKeys::from_seed(GEORGE, [5; 32]);
    let genesis = Arc::new(classroom_genesis(&spec, 1, T0, &teacher).unwrap());
    // The teacher's node, Member 1's (offline from the start) and two students'.
    let mut network = Network::new(genesis.clone(), vec![Some(teacher), None, None, None], 1);
    network.set_online(1, false);
    let at = |slots: u64| T0 + slots * SLOT;
    let student = |name: &str, seed: u8| {
        Applicant::new(genesis.hash, name, Role::Customer, Wh(0), [seed; 32])
    };
    let admit = |network: &mut Network, peer: u32, applicant: Applicant, until: u64| {
        let key = applicant.request().public_key;
        network.ask_to_join(peer, applicant);
        network.run_until(until);
        network
            .command(GEORGE, Command::Admit { public_key: key })
            .unwrap();
    };
    admit(&mut network, 2, student("Zoé", 11), at(3));
    network.run_until(at(20));
    let final_with_one = network.node(0).finalized().height();
    assert_eq!(final_with_one, 0, "teacher and one student: 2 of 3 members");

    admit(&mut network, 3, student("Yann", 12), at(22));
    network.run_until(at(45));
    let final_height = network.node(0).finalized().height();
    assert!(
        final_height > 10,
        "teacher and two students, 3 of 4 members: final {final_height}"
    );
    assert_eq!(network.node(3).finalized().height(), final_height);
    assert!(verify_chain(&network.node(0).chain_blocks()).is_valid());
}
