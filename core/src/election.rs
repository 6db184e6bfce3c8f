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

use crate::ledger::{Ledger, Rules};
use crate::member::MemberId;
use crate::tagged::{fill, fill_tag, named, next_field, read_struct, read_tagged, req, skip};
use crate::units::{fixed_point, Decimal, MilliTokens};
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use serde::Serialize;
use std::cmp::Ordering;

/// One candidate's line in an election record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub member: MemberId,
    /// Voting tokens staked.
    pub bet: MilliTokens,
    /// Blocks since the candidate last sealed, plus one.
    pub age: u64,
    /// Blocks the candidate has sealed.
    pub reputation: u64,
    /// alpha x bet + beta x age + gamma x reputation, in millionths of a token.
    pub wealth: u64,
    /// The random draw d, below 2^53; u = (d + 1) / 2^53, so u lies in
    /// (0, 1]. 53 bits keep it an integer every JSON reader agrees on.
    pub draw: u64,
    /// W / u in tokens with three decimals, rounded down: for reading only.
    pub score: String,
}

read_struct!(Candidate {
    member: MemberId,
    bet: MilliTokens,
    age: u64,
    reputation: u64,
    wealth: u64,
    draw: u64,
    score: String
});

/// The full record of one election: the "mining winner" transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ElectionRecord {
    /// The height of the block this election picks a miner for.
    pub height: u64,
    /// The miner who held the election (the sealer of the block before).
    pub miner: MemberId,
    /// In member order.
    pub candidates: Vec<Candidate>,
    pub winner: MemberId,
    /// Seals instead if the winner misses its slot.
    pub runner_up: Option<MemberId>,
    /// All bets, paid frozen to whoever seals block `height`.
    pub pot: MilliTokens,
}

read_struct!(alone ElectionRecord { height: u64, miner: MemberId, candidates: Vec<Candidate>, winner: MemberId, runner_up: Option<MemberId> = None, pot: MilliTokens });

impl Candidate {
    /// u as a number between 0 and 1, for display (`{:.4}`).
    pub fn u(&self) -> Decimal {
        Decimal((self.draw as f64 + 1.0) / DRAW_RANGE as f64)
    }

    /// The three wealth terms (bet, age, reputation), in millionths of a token.
    pub fn wealth_terms(&self, rules: &Rules) -> [u64; 3] {
        wealth_terms(rules, self.bet, self.age, self.reputation)
    }
}

fn wealth_terms(rules: &Rules, bet: MilliTokens, age: u64, reputation: u64) -> [u64; 3] {
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

/// Draws lie in 0 .. 2^53.
pub const DRAW_RANGE: u64 = 1 << 53;

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
        Err(_) => crate::units::Digits(scaled / 1_000).to_string(),
    }
}

/// The age of a member at height `height`: blocks since it last sealed,
/// plus one. A member that never sealed counts as having sealed genesis.
pub fn age(last_sealed: Option<u64>, height: u64) -> u64 {
    height.saturating_sub(last_sealed.unwrap_or(0)) + 1
}

/// Candidates' indices ordered best first: by score, ties to the earlier member.
fn ranking(candidates: &[Candidate]) -> Vec<usize> {
    crate::order::sorted_indices(candidates.len(), &|a, b| {
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
    mut draw_of: impl FnMut(MemberId) -> u64,
) -> Option<ElectionRecord> {
    let candidates: Vec<Candidate> = candidates_after(ledger, sealer)
        .into_iter()
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
        height: sealed_height + 1,
        miner: sealer,
        runner_up: order.get(1).map(|&i| candidates[i].member),
        pot: MilliTokens(candidates.iter().map(|c| c.bet.0).sum()),
        winner,
        candidates,
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
    let recorded = |id: MemberId| record.candidates.iter().find(|c| c.member == id);
    hold_election(
        ledger,
        sealed_height,
        sealer,
        |id| recorded(id).map(|c| c.bet).unwrap_or_default(),
        |id| recorded(id).map(|c| c.draw).unwrap_or_default(),
    )
}

/// How a member decides its bet. (`Deserialize` is written out below: see
/// `crate::tagged`.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Strategy {
    /// A fixed percentage (1 to 100) of its free tokens.
    FixedPercent { percent: u8 },
    /// A uniformly random 1 to 100 % of its free tokens (the seed's rule).
    #[default]
    RandomPercent,
    /// A set amount, capped at its free tokens.
    Manual { amount: MilliTokens },
}

impl Strategy {
    /// The bet from `free` tokens; `random` is a fresh random number.
    pub fn bet(self, free: MilliTokens, random: u64) -> MilliTokens {
        let percent = match self {
            Strategy::FixedPercent { percent } => u64::from(percent.min(100)),
            Strategy::RandomPercent => 1 + random % 100,
            Strategy::Manual { amount } => return amount.min(free),
        };
        MilliTokens((u128::from(free.0) * u128::from(percent) / 100) as u64)
    }
}

named!(
    /// `Strategy`'s tag values, in declaration order.
    enum StrategyKind {
        FixedPercent = "fixed_percent",
        RandomPercent = "random_percent",
        Manual = "manual",
    }
);

named!(
    /// `Strategy`'s field names and its tag.
    enum StrategyField {
        Kind = "kind",
        Percent = "percent",
        Amount = "amount";
        other Other
    }
);

read_tagged!(Strategy, |map| {
    let mut kind: Option<StrategyKind> = None;
    let (mut percent, mut amount) = (None, None);
    while let Some(field) = next_field(&mut map, StrategyField::Other)? {
        use StrategyKind::*;
        match (field, kind) {
            (StrategyField::Kind, _) => fill_tag(&mut map, &mut kind, "kind")?,
            // Another variant's field is skipped once the tag is known.
            (StrategyField::Percent, None | Some(FixedPercent)) => {
                fill(&mut map, &mut percent, "percent")?
            }
            (StrategyField::Amount, None | Some(Manual)) => fill(&mut map, &mut amount, "amount")?,
            _ => skip(&mut map)?,
        }
    }
    Ok(match req(kind, "kind")? {
        StrategyKind::FixedPercent => Strategy::FixedPercent {
            percent: req(percent, "percent")?,
        },
        StrategyKind::RandomPercent => Strategy::RandomPercent,
        StrategyKind::Manual => Strategy::Manual {
            amount: req(amount, "amount")?,
        },
    })
});

/// Where draws come from.
#[derive(Clone, Debug)]
pub enum DrawSource {
    /// A seeded run: the draws for height h come from ChaCha20 keyed by
    /// SHA-256 of the master seed and h, so they are the same on every
    /// machine and after a reload.
    Seeded([u8; 32]),
    /// The OS CSPRNG (`crypto.getRandomValues` in the browser).
    Os,
}

impl DrawSource {
    /// A generator of draws for the election held at `height`.
    pub fn for_height(&self, height: u64) -> Draws {
        match self {
            DrawSource::Seeded(master) => {
                let seed = crate::crypto::sha256(
                    &[&b"e-cloud draws"[..], master, &height.to_le_bytes()].concat(),
                );
                Draws::Seeded(Box::new(ChaCha20Rng::from_seed(seed.0)))
            }
            DrawSource::Os => Draws::Os,
        }
    }
}

/// Random numbers for one election.
pub enum Draws {
    Seeded(Box<ChaCha20Rng>),
    Os,
}

impl Draws {
    /// A draw in 0 .. 2^53.
    pub fn next_draw(&mut self) -> u64 {
        self.next_u64() >> 11
    }

    pub fn next_u64(&mut self) -> u64 {
        match self {
            Draws::Seeded(rng) => rng.next_u64(),
            Draws::Os => {
                let mut bytes = [0u8; 8];
                // The browser's CSPRNG does not fail once the page has
                // loaded; should it, a fixed draw keeps the page alive and
                // the record shows it.
                if getrandom::fill(&mut bytes).is_err() {
                    return u64::MAX / 2;
                }
                u64::from_le_bytes(bytes)
            }
        }
    }
}

/// Wins per candidate over `rounds` elections with the same wealth and
/// fresh draws: what the seed's author tallied in a spreadsheet.
pub fn simulate_wins(wealths: &[u64], rounds: u32, draws: &mut Draws) -> Vec<u32> {
    let mut wins = vec![0u32; wealths.len()];
    let mut round_draws = vec![0u64; wealths.len()];
    for _ in 0..rounds {
        for d in round_draws.iter_mut() {
            *d = draws.next_draw();
        }
        let mut best = 0;
        for k in 1..wealths.len() {
            if compare_scores(wealths[k], round_draws[k], wealths[best], round_draws[best])
                == Ordering::Greater
            {
                best = k;
            }
        }
        if let Some(w) = wins.get_mut(best) {
            *w += 1;
        }
    }
    wins
}

/// The probability that each candidate wins, given wealths: with scores
/// W/u and u uniform, P(k wins) = the integral over u in (0, 1] of the
/// product over j != k of max(0, 1 - (W_j / W_k) u). Computed numerically;
/// for display beside the simulated frequencies, never for consensus.
pub fn expected_win_shares(wealths: &[u64]) -> Vec<f64> {
    const STEPS: usize = 4_000;
    let ws: Vec<f64> = wealths.iter().map(|&w| w as f64).collect();
    let total_zero = ws.iter().all(|&w| w == 0.0);
    if total_zero {
        let n = ws.len().max(1) as f64;
        return vec![1.0 / n; ws.len()];
    }
    ws.iter()
        .enumerate()
        .map(|(k, &wk)| {
            if wk == 0.0 {
                return 0.0;
            }
            // Midpoint rule over u.
            (0..STEPS)
                .map(|i| {
                    let u = (i as f64 + 0.5) / STEPS as f64;
                    ws.iter()
                        .enumerate()
                        .filter(|&(j, _)| j != k)
                        .map(|(_, &wj)| (1.0 - wj / wk * u).max(0.0))
                        .product::<f64>()
                })
                .sum::<f64>()
                / STEPS as f64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
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
    fn strategies_bet_from_free_tokens() {
        let free = MilliTokens(50_000);
        assert_eq!(
            Strategy::FixedPercent { percent: 10 }.bet(free, 0),
            MilliTokens(5_000)
        );
        assert_eq!(Strategy::FixedPercent { percent: 200 }.bet(free, 0), free);
        assert_eq!(Strategy::RandomPercent.bet(free, 0), MilliTokens(500));
        assert_eq!(Strategy::RandomPercent.bet(free, 99), free);
        assert_eq!(
            Strategy::Manual {
                amount: MilliTokens(70_000)
            }
            .bet(free, 0),
            free
        );
        assert_eq!(
            Strategy::Manual {
                amount: MilliTokens(7)
            }
            .bet(free, 0),
            MilliTokens(7)
        );
    }

    #[test]
    fn the_score_text_is_w_over_u() {
        // u = 1 (d = 2^53 - 1): the score is W itself.
        assert_eq!(score_text(9_000_000, DRAW_RANGE - 1), "9");
        // u = 1/2: twice W.
        assert_eq!(score_text(9_000_000, DRAW_RANGE / 2 - 1), "18");
    }

    #[test]
    fn expected_shares_are_uniform_for_equal_wealth_and_sum_to_one() {
        let e = expected_win_shares(&[5, 5, 5, 5]);
        for p in &e {
            assert!((p - 0.25).abs() < 1e-3, "{e:?}");
        }
        let e = expected_win_shares(&[1, 2, 3]);
        assert!((e.iter().sum::<f64>() - 1.0).abs() < 1e-3, "{e:?}");
        assert!(e[0] < e[1] && e[1] < e[2]);
    }

    #[test]
    fn seeded_draws_are_reproducible_per_height() {
        let src = DrawSource::Seeded([7; 32]);
        let a: Vec<u64> = {
            let mut d = src.for_height(3);
            (0..4).map(|_| d.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut d = src.for_height(3);
            (0..4).map(|_| d.next_u64()).collect()
        };
        let c: Vec<u64> = {
            let mut d = src.for_height(4);
            (0..4).map(|_| d.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
