//! The voting-token miner election (SPEC section 5, after PSCC 2018).
//!
//! When block h is sealed by miner m, everyone but m is a candidate for
//! block h+1. Candidate k's wealth is W = alpha x bet + beta x age + gamma x
//! reputation; with a draw u uniform in (0, 1], its score is W / u and the
//! highest score wins, ties to the earlier member. Scores are compared
//! exactly by cross-multiplying integers; the decimal score in the record is
//! for people to read.
//!
//! What verification can and cannot check: it recomputes every wealth,
//! score, winner and runner-up from the recorded inputs, and checks bets,
//! ages and reputations against the chain. It cannot check that the draws
//! were random: the miner writes them. (A verifiable random function or a
//! commit-reveal round would close that gap.)

use crate::crypto::vrf::{proof_to_hash, VrfOutput};
use crate::crypto::{sha256, Hash};
use crate::encoding::units::{fixed_point, MilliTokens};
use crate::model::block::Block;
use crate::model::election::{Candidate, ElectionRecord};
use crate::model::ledger::{Ledger, Rules};
use crate::model::member::MemberId;
use crate::model::tx::TxBody;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// The three wealth terms (bet, age, reputation), in millionths of a token.
pub fn wealth_terms(rules: &Rules, bet: MilliTokens, age: u64, reputation: u64) -> [u64; 3] {
    // alpha is in thousandths and bets in thousandths of a token, so
    // alpha x bet is already in millionths; age and reputation are counts.
    [
        rules.alpha_permille.saturating_mul(bet.0),
        rules
            .beta_permille
            .saturating_mul(age)
            .saturating_mul(1_000),
        rules
            .gamma_permille
            .saturating_mul(reputation)
            .saturating_mul(1_000),
    ]
}

/// W in millionths of a token.
pub fn wealth(rules: &Rules, bet: MilliTokens, age: u64, reputation: u64) -> u64 {
    wealth_terms(rules, bet, age, reputation)
        .iter()
        .fold(0u64, |a, &t| a.saturating_add(t))
}

/// Compares the scores W_a / u_a and W_b / u_b exactly:
/// W_a / u_a > W_b / u_b  <=>  W_a x (d_b + 1) > W_b x (d_a + 1).
pub fn compare_scores(wealth_a: u64, draw_a: u64, wealth_b: u64, draw_b: u64) -> Ordering {
    let lhs = u128::from(wealth_a) * (u128::from(draw_b) + 1);
    let rhs = u128::from(wealth_b) * (u128::from(draw_a) + 1);
    lhs.cmp(&rhs)
}

/// The decimal score for display: floor(W / u) in tokens, three decimals.
pub fn score_text(wealth: u64, draw: u64) -> String {
    // W x 2^53 / (d + 1) in millionths, then down to thousandths.
    let scaled = (u128::from(wealth) << 53) / (u128::from(draw) + 1) / 1_000;
    match u64::try_from(scaled) {
        Ok(v) => fixed_point(v, 3),
        Err(_) => (scaled / 1_000).to_string(),
    }
}

/// A candidate's VRF input for the election of block `height` (chains of
/// version 2): a domain tag, the genesis hash, the height and the election
/// seed. Not the parent block's hash, which that block's sealer could
/// grind by sealing again.
pub fn election_input(genesis: &Hash, height: u64, seed: &Hash) -> Vec<u8> {
    [
        b"e-cloud election draw".as_slice(),
        &genesis.0,
        &height.to_be_bytes(),
        &seed.0,
    ]
    .concat()
}

/// The seed of the election of block `height`, chained from the last one:
/// `previous` (the seed and the winner's VRF output of the election held in
/// the block before) or, with no election there, from the genesis hash and
/// the height alone.
pub fn election_seed(genesis: &Hash, height: u64, previous: Option<(&Hash, &VrfOutput)>) -> Hash {
    match previous {
        Some((seed, output)) => {
            sha256(&[b"e-cloud election seed".as_slice(), &seed.0, &output.0].concat())
        }
        None => sha256(
            &[
                b"e-cloud election seed".as_slice(),
                &genesis.0,
                &height.to_be_bytes(),
            ]
            .concat(),
        ),
    }
}

/// The seed of the election held in the block after `parent` (the
/// election of block `parent.height + 2`): chained from the election
/// `parent` holds, with its winner's VRF output, which `parent`'s votes
/// prove (chains of version 2).
pub fn election_seed_after(parent: &Block, genesis: &Hash) -> Hash {
    let election = parent.height().saturating_add(2);
    let previous = parent.election().and_then(|record| {
        let seed = record.seed?;
        let proof = parent
            .body
            .transactions
            .iter()
            .find_map(|t| match &t.body {
                TxBody::Vote(v) if v.voter == record.winner => v.proof,
                _ => None,
            })?;
        Some((seed, proof_to_hash(&proof).ok()?))
    });
    election_seed(genesis, election, previous.as_ref().map(|(s, o)| (s, o)))
}

/// A draw from a VRF output: its top 53 bits, so u = (d + 1) / 2^53 lies
/// in (0, 1], exactly as a seeded draw's.
pub fn draw_from(output: &VrfOutput) -> u64 {
    let top: [u8; 8] = output.0[..8].try_into().expect("8 bytes");
    u64::from_be_bytes(top) >> 11
}

/// The age of a member at height `height`: blocks since it last sealed,
/// plus one. A member that never sealed counts as having sealed genesis.
pub fn age(last_sealed: Option<u64>, height: u64) -> u64 {
    height
        .saturating_sub(last_sealed.unwrap_or(0))
        .saturating_add(1)
}

/// The members of an election ranked best first: rank r may seal block
/// `record.height` from its slot's start plus r turns (chains of version 2).
pub fn ranked(record: &ElectionRecord) -> Vec<MemberId> {
    ranking(&record.candidates)
        .into_iter()
        .map(|i| record.candidates[i].member)
        .collect()
}

/// Who may seal the block after a block, in turn order (chains of version
/// 2): rank r may seal from the slot's start plus r turns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Turns {
    pub order: Vec<MemberId>,
    /// How many of `order`, from the first, stood in the election: only
    /// they are penalized for a turn they missed.
    pub candidates: usize,
}

/// The turns after `parent`: first the candidates of the election it holds,
/// best first; then, so that the chain goes on when none of them is there
/// (a partition, members offline), every other active member: `parent`'s
/// sealer first, then by member number.
pub fn turns_after(parent: &Block) -> Turns {
    let mut order = parent.election().map(ranked).unwrap_or_default();
    let candidates = order.len();
    let mut placed: HashSet<MemberId> = order.iter().copied().collect();
    let sealer = parent.header.sealed_by;
    let active: Vec<MemberId> = parent.ledger().active_members().map(|m| m.id).collect();
    let sealer_first = active.iter().filter(|id| **id == sealer);
    for id in sealer_first.chain(active.iter()) {
        if placed.insert(*id) {
            order.push(*id);
        }
    }
    Turns { order, candidates }
}

/// Candidates' indices ordered best first: by score, ties to the earlier member.
fn ranking(candidates: &[Candidate]) -> Vec<usize> {
    crate::encoding::order::sorted_indices(candidates.len(), &|a, b| {
        let (ca, cb) = (&candidates[a], &candidates[b]);
        compare_scores(cb.wealth, cb.draw, ca.wealth, ca.draw).then(ca.member.cmp(&cb.member))
    })
}

/// The members who may stand when `sealer` has just sealed: every other
/// member who has not left.
pub fn candidates_after(ledger: &Ledger, sealer: MemberId) -> Vec<MemberId> {
    ledger
        .active_members()
        .map(|m| m.id)
        .filter(|&id| id != sealer)
        .collect()
}

/// Holds the election for block `sealed_height + 1` after `sealer` sealed
/// block `sealed_height`, on the ledger after that block. `bet_of` gives each
/// candidate's stake, `draw_of` its draw. None when nobody can stand.
pub fn hold_election(
    ledger: &Ledger,
    sealed_height: u64,
    sealer: MemberId,
    bet_of: impl Fn(MemberId) -> MilliTokens,
    draw_of: impl FnMut(MemberId) -> u64,
) -> Option<ElectionRecord> {
    let candidates = candidates_after(ledger, sealer);
    hold_election_among(ledger, sealed_height, sealer, &candidates, bet_of, draw_of)
}

/// [`hold_election`] among `candidates` only (in member order): in a chain
/// of version 2, the members who voted, each with a proved draw.
pub fn hold_election_among(
    ledger: &Ledger,
    sealed_height: u64,
    sealer: MemberId,
    candidates: &[MemberId],
    bet_of: impl Fn(MemberId) -> MilliTokens,
    mut draw_of: impl FnMut(MemberId) -> u64,
) -> Option<ElectionRecord> {
    let candidates: Vec<Candidate> = candidates
        .iter()
        .copied()
        .filter_map(|id| ledger.member(id))
        .map(|m| {
            let bet = bet_of(m.id);
            let age = age(m.last_sealed, sealed_height);
            let wealth = wealth(&ledger.rules, bet, age, m.reputation);
            let draw = draw_of(m.id);
            Candidate {
                member: m.id,
                bet,
                age,
                reputation: m.reputation,
                wealth,
                draw,
                score: score_text(wealth, draw),
            }
        })
        .collect();
    let order = ranking(&candidates);
    let winner = candidates.get(*order.first()?)?.member;
    Some(ElectionRecord {
        height: sealed_height.saturating_add(1),
        miner: sealer,
        runner_up: order.get(1).map(|&i| candidates[i].member),
        // Bets are within the token supply (limits::MAX_TOKENS) when they
        // come from votes; a recorded election's may be anything.
        pot: MilliTokens(
            candidates
                .iter()
                .fold(0u64, |pot, c| pot.saturating_add(c.bet.0)),
        ),
        winner,
        candidates,
        seed: None,
    })
}

/// Recomputes a recorded election from its recorded bets and draws on the
/// ledger after the block that holds it. Ages, reputations, wealth, scores,
/// winner, runner-up and pot must all come out the same.
pub fn recompute(
    record: &ElectionRecord,
    ledger: &Ledger,
    sealed_height: u64,
    sealer: MemberId,
) -> Option<ElectionRecord> {
    // The first line of each member, as a search from the start finds it.
    let mut lines: HashMap<MemberId, &Candidate> = HashMap::new();
    for c in &record.candidates {
        lines.entry(c.member).or_insert(c);
    }
    let recorded = |id: MemberId| lines.get(&id);
    hold_election(
        ledger,
        sealed_height,
        sealer,
        |id| recorded(id).map(|c| c.bet).unwrap_or_default(),
        |id| recorded(id).map(|c| c.draw).unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::election::DRAW_RANGE;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn wealth_uses_the_seeds_weights() {
        let rules = Rules::default();
        // 0.6 x 10 tokens + 0.8 x 3 + 0.3 x 2 = 6 + 2.4 + 0.6 = 9 tokens.
        assert_eq!(wealth(&rules, MilliTokens(10_000), 3, 2), 9_000_000);
    }

    #[test]
    fn scores_compare_exactly_where_floats_would_tie() {
        // W/u with u = (d+1)/2^53: scores that differ past f64's precision.
        let (w_a, w_b, d) = ((1u64 << 60) + 1, 1u64 << 60, DRAW_RANGE - 1);
        let float_score = |w: u64| w as f64 / ((d + 1) as f64 / DRAW_RANGE as f64);
        assert_eq!(
            float_score(w_a),
            float_score(w_b),
            "as floats these two scores tie"
        );
        assert_eq!(compare_scores(w_a, d, w_b, d), Ordering::Greater);
        assert_eq!(compare_scores(10, 9, 20, 19), Ordering::Equal);
        assert_eq!(compare_scores(10, 0, 20, 0), Ordering::Less);
    }

    #[test]
    fn age_counts_blocks_since_the_last_seal_plus_one() {
        assert_eq!(age(Some(5), 5), 1);
        assert_eq!(age(Some(2), 5), 4);
        assert_eq!(age(None, 5), 6);
    }

    #[test]
    fn the_score_text_is_w_over_u() {
        // u = 1 (d = 2^53 - 1): the score is W itself.
        assert_eq!(score_text(9_000_000, DRAW_RANGE - 1), "9");
        // u = 1/2: twice W.
        assert_eq!(score_text(9_000_000, DRAW_RANGE / 2 - 1), "18");
    }
}
