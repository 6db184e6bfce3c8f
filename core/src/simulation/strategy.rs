//! How the page's members take part in elections in a chain of version 1:
//! where the draws come from (the miner draws them), and the 1,000-election
//! simulation with its expectation. How a member bets is
//! `node::strategy::Strategy`.

use crate::rules::election::compare_scores;
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use std::cmp::Ordering;

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
