//! The block timer: the countdown to the next seal, pause and resume,
//! "Seal now" and fast forward. Time enters only through these actions, so
//! the reducer runs the same in native tests as in the page.

use super::{Action, AppState, Notice, Tone};
use crate::clock;
use crate::format::{count, decimal_mark, millis, thousands};
use ecloud_core::encoding::units::{parse_decimal, AmountError};

/// The stand-in for the 15-minute market period (SPEC section 8).
pub const DEFAULT_BLOCK_SECS: u64 = 15;
pub const MIN_BLOCK_SECS: u64 = 1;
pub const MAX_BLOCK_SECS: u64 = 60;

/// When the next block is sealed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Countdown {
    Running { seal_at_ms: f64 },
    Paused { left_ms: f64 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct BlockClock {
    pub block_secs: u64,
    pub countdown: Countdown,
}

impl BlockClock {
    /// A clock that seals every `block_secs` from `now_ms`.
    pub fn running(block_secs: u64, now_ms: f64) -> BlockClock {
        BlockClock {
            block_secs,
            countdown: Countdown::Running {
                seal_at_ms: now_ms + (block_secs * 1000) as f64,
            },
        }
    }

    pub fn period_ms(&self) -> f64 {
        (self.block_secs * 1000) as f64
    }

    /// Milliseconds to the next seal (frozen while paused).
    pub fn left_ms(&self, now_ms: f64) -> f64 {
        match self.countdown {
            Countdown::Running { seal_at_ms } => (seal_at_ms - now_ms).max(0.0),
            Countdown::Paused { left_ms } => left_ms,
        }
    }

    pub fn is_paused(&self) -> bool {
        matches!(self.countdown, Countdown::Paused { .. })
    }

    /// A whole period from `now_ms`, paused or not as before.
    pub(super) fn restart(&mut self, now_ms: f64) {
        let period = self.period_ms();
        self.countdown = match self.countdown {
            Countdown::Running { .. } => Countdown::Running {
                seal_at_ms: now_ms + period,
            },
            Countdown::Paused { .. } => Countdown::Paused { left_ms: period },
        };
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum TimerAction {
    /// The block timer fired: seal if the countdown is over.
    Tick {
        now_ms: f64,
    },
    SealNow {
        now_ms: f64,
    },
    /// Asked for; the blocks are sealed once the page has painted "Sealing".
    RequestFastForward(u64),
    /// Seals this many blocks in a row, as the timer would, without waiting.
    FastForward {
        blocks: u64,
        now_ms: f64,
    },
    Pause {
        now_ms: f64,
    },
    Resume {
        now_ms: f64,
    },
    SetBlockSecs {
        text: String,
        now_ms: f64,
    },
}

impl From<TimerAction> for Action {
    fn from(action: TimerAction) -> Action {
        Action::Timer(action)
    }
}

impl AppState {
    pub(super) fn apply_timer(&mut self, action: TimerAction) {
        match action {
            TimerAction::Tick { now_ms } => {
                self.now_ms = now_ms;
                // Nothing can be sealed (history is tampered, say): the
                // countdown holds at a whole period, and the panel says why.
                if self.sealing_held().is_some() {
                    self.clock.restart(now_ms);
                    return;
                }
                if let Countdown::Running { seal_at_ms } = self.clock.countdown {
                    if now_ms >= seal_at_ms {
                        self.seal();
                        self.clock.countdown = Countdown::Running {
                            seal_at_ms: now_ms + self.clock.period_ms(),
                        };
                    }
                }
            }
            TimerAction::SealNow { now_ms } => {
                self.now_ms = now_ms;
                // A refusal of this panel's is old news once its next button works.
                if self.seal()
                    && self
                        .notices
                        .clock
                        .as_ref()
                        .is_some_and(|n| n.tone == Tone::Refused)
                {
                    self.notices.clock = None;
                }
                self.clock.restart(now_ms);
            }
            TimerAction::RequestFastForward(blocks) => self.fast_forward = Some(blocks),
            TimerAction::FastForward { blocks, now_ms } => {
                self.now_ms = now_ms;
                self.fast_forward = None;
                self.seal_many(blocks);
                self.clock.restart(now_ms);
            }
            TimerAction::Pause { now_ms } => {
                self.now_ms = now_ms;
                if let Countdown::Running { .. } = self.clock.countdown {
                    self.clock.countdown = Countdown::Paused {
                        left_ms: self.clock.left_ms(now_ms),
                    };
                }
                self.notices.clock = Notice::done("Paused: no block is sealed until you resume.");
            }
            TimerAction::Resume { now_ms } => {
                self.now_ms = now_ms;
                if let Countdown::Paused { left_ms } = self.clock.countdown {
                    self.clock.countdown = Countdown::Running {
                        seal_at_ms: now_ms + left_ms,
                    };
                }
                self.notices.clock = None;
            }
            TimerAction::SetBlockSecs { text, now_ms } => {
                self.now_ms = now_ms;
                self.set_block_secs(&text, now_ms);
            }
        }
    }

    /// Why no block can be sealed now, if none can: history is tampered,
    /// or the chain's keys are not this page's. The timer holds meanwhile.
    pub fn sealing_held(&self) -> Option<String> {
        self.why_not_sealing()
    }

    /// Auto-generation (if on), then the block is sealed and the next opens.
    /// Leaves the timer's own answers alone: with 1-second blocks they would
    /// vanish before anyone could read them. Says whether a block was sealed.
    fn seal(&mut self) -> bool {
        if let Some(why) = self.why_not_sealing() {
            self.notices.sealing = Notice::refused(why);
            return false;
        }
        self.generate_automatically();
        let Some(mut sim) = self.community.write() else {
            self.notices.sealing = Notice::busy();
            return false;
        };
        let sealed = match sim.seal() {
            Ok(_) => Ok(()),
            Err(e) => Err(sim.explain(&e)),
        };
        drop(sim);
        match sealed {
            Ok(_) => {
                self.notices.sealing = None;
                // "Waits for block N" is no longer true once N is sealed.
                for notice in [&mut self.notices.shares, &mut self.notices.generation] {
                    if notice.as_ref().is_some_and(|n| n.tone == Tone::Done) {
                        *notice = None;
                    }
                }
                true
            }
            Err(e) => {
                self.notices.sealing =
                    Notice::refused(format!("The block could not be sealed: {e}"));
                false
            }
        }
    }

    /// Seals `blocks` blocks one after another, each with what the timer
    /// would add (auto-generation, votes, the election), and stops at the
    /// first block that cannot be sealed.
    fn seal_many(&mut self, blocks: u64) {
        let started = clock::precise_ms();
        let first = self.community.read().open_height();
        let mut sealed = 0;
        while sealed < blocks && self.seal() {
            sealed += 1;
        }
        let took = millis(clock::precise_ms() - started);
        self.notices.clock = match sealed {
            0 => None,
            _ => Notice::done(format!(
                "Fast forward: {} sealed in {took} ({}).",
                count(sealed, "block", "blocks"),
                match sealed {
                    1 => format!("block {first}"),
                    _ => format!("blocks {first} to {}", first + sealed - 1),
                }
            )),
        };
    }

    fn set_block_secs(&mut self, text: &str, now_ms: f64) {
        let secs = match parse_decimal(text, 0, decimal_mark()) {
            Ok(secs) => secs,
            Err(e) => {
                let why = match e {
                    AmountError::TooManyDecimals { .. } => format!(
                        "\u{201c}{}\u{201d} is not a whole number of seconds",
                        text.trim()
                    ),
                    e => e.to_string(),
                };
                self.notices.clock = Notice::refused(format!(
                    "Seconds per block: {why}; choose {MIN_BLOCK_SECS} to {MAX_BLOCK_SECS} s. The \
                     timer is unchanged."
                ));
                return;
            }
        };
        if !(MIN_BLOCK_SECS..=MAX_BLOCK_SECS).contains(&secs) {
            self.notices.clock = Notice::refused(format!(
                "A block every {} s is out of range: choose {MIN_BLOCK_SECS} to \
                 {MAX_BLOCK_SECS} s; the timer is unchanged.",
                thousands(secs)
            ));
            return;
        }
        self.clock.block_secs = secs;
        self.clock.restart(now_ms);
        self.notices.clock = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::{balance, run, state, T0};
    use crate::state::{ElectionAction, GenerationAction};
    use ecloud_core::chain::genesis::GEORGE;
    use ecloud_core::Wh;

    #[test]
    fn a_fast_forward_seals_blocks_in_a_row_with_auto_generation() {
        let s = run(
            state(),
            [
                GenerationAction::SetAuto(true).into(),
                TimerAction::RequestFastForward(50).into(),
            ],
        );
        assert_eq!(s.fast_forward, Some(50), "asked for, not yet run");
        assert_eq!(s.tip_height(), 0);
        let s = run(
            s,
            [TimerAction::FastForward {
                blocks: 50,
                now_ms: T0 + 1.0,
            }
            .into()],
        );
        assert_eq!(s.fast_forward, None);
        assert_eq!(s.tip_height(), 50);
        let text = s
            .notices
            .clock
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_default();
        assert!(
            text.starts_with("Fast forward: 50 blocks sealed in "),
            "{text}"
        );
        assert!(text.ends_with("(blocks 1 to 50)."), "{text}");
        // The solar profile produced by day: energy left George.
        assert!(balance(&s, GEORGE) < Wh(1_000_000));
        assert!(s.community.read().verify().is_valid());
    }

    #[test]
    fn a_fast_forward_stops_at_the_first_block_it_cannot_seal() {
        let s = run(
            state(),
            [
                ElectionAction::SetOnline {
                    member: GEORGE,
                    online: false,
                }
                .into(),
                TimerAction::FastForward {
                    blocks: 5,
                    now_ms: T0 + 1.0,
                }
                .into(),
            ],
        );
        assert_eq!(
            s.tip_height(),
            0,
            "George, the only possible sealer, is offline"
        );
        assert_eq!(s.notices.clock, None);
        assert_eq!(
            s.notices.sealing.as_ref().map(|n| n.tone),
            Some(Tone::Refused)
        );
    }

    #[test]
    fn the_timer_seals_when_the_countdown_ends_and_not_while_paused() {
        let period = (DEFAULT_BLOCK_SECS * 1000) as f64;
        let tick = |now_ms| TimerAction::Tick { now_ms }.into();
        let s = run(state(), [tick(T0 + period - 1.0)]);
        assert_eq!(s.tip_height(), 0);
        let s = run(s, [tick(T0 + period)]);
        assert_eq!(s.tip_height(), 1);
        let s = run(
            s,
            [
                TimerAction::Pause {
                    now_ms: T0 + period + 1_000.0,
                }
                .into(),
                tick(T0 + 10.0 * period),
            ],
        );
        assert_eq!(s.tip_height(), 1);
        assert_eq!(s.clock.left_ms(T0 + 10.0 * period), period - 1_000.0);
        let s = run(
            s,
            [
                TimerAction::SealNow {
                    now_ms: T0 + 10.0 * period,
                }
                .into(),
                TimerAction::Resume {
                    now_ms: T0 + 11.0 * period,
                }
                .into(),
                tick(T0 + 12.0 * period),
            ],
        );
        assert_eq!(s.tip_height(), 3);
    }

    #[test]
    fn while_history_is_tampered_the_countdown_holds_and_says_why() {
        use crate::state::{ExploreAction, FieldKind};
        let period = (DEFAULT_BLOCK_SECS * 1000) as f64;
        let tick = |now_ms| TimerAction::Tick { now_ms }.into();
        let s = run(
            state(),
            [
                TimerAction::SealNow { now_ms: T0 }.into(),
                ExploreAction::Tamper {
                    height: 1,
                    pointer: "/header/period_start_ms".into(),
                    text: "1".into(),
                    kind: FieldKind::Number,
                }
                .into(),
            ],
        );
        let held = s.sealing_held().expect("held");
        assert!(held.starts_with("History is tampered"), "{held}");
        let s = run(s, (1..=8).map(|i| tick(T0 + f64::from(i) * period)));
        assert_eq!(s.tip_height(), 1, "nothing sealed");
        assert_eq!(
            s.clock.left_ms(T0 + 8.0 * period),
            period,
            "held at a whole period"
        );
        assert_eq!(s.notices.sealing, None, "the panel says it, not a refusal");
        let s = run(
            s,
            [
                ExploreAction::UndoAll.into(),
                tick(T0 + 8.5 * period),
                tick(T0 + 9.0 * period),
            ],
        );
        assert_eq!(s.sealing_held(), None);
        assert_eq!(s.tip_height(), 2, "sealing goes on once undone");
    }

    #[test]
    fn the_block_period_stays_between_1_and_60_seconds() {
        let set = |text: &str| {
            TimerAction::SetBlockSecs {
                text: text.into(),
                now_ms: T0,
            }
            .into()
        };
        for (bad, why) in [
            ("0", "A block every 0 s is out of range: choose 1 to 60 s; the timer is unchanged."),
            ("100", "A block every 100 s is out of range: choose 1 to 60 s; the timer is unchanged."),
            ("1,000", "A block every 1,000 s is out of range: choose 1 to 60 s; the timer is unchanged."),
            ("-3", "Seconds per block: \u{201c}-3\u{201d} must not be negative; choose 1 to 60 s. The timer is unchanged."),
            ("10,5", "Seconds per block: \u{201c}10,5\u{201d} is not a whole number of seconds; choose 1 to 60 s. The timer is unchanged."),
            ("x", "Seconds per block: \u{201c}x\u{201d} is not a number; choose 1 to 60 s. The timer is unchanged."),
            ("", "Seconds per block: enter an amount; choose 1 to 60 s. The timer is unchanged."),
        ] {
            // A run of its own: states share their simulation.
            let s = run(state(), [set("2"), set(bad)]);
            assert_eq!(s.clock.block_secs, 2, "{bad}");
            let notice = s.notices.clock.clone().expect("a refusal");
            assert_eq!((notice.tone, notice.text.as_str()), (Tone::Refused, why));
            // Still there after the timer seals: a 1-second timer must not hide it.
            let s = run(s, [TimerAction::Tick { now_ms: T0 + 2_000.0 }.into()]);
            assert_eq!(s.tip_height(), 1);
            assert_eq!(s.notices.clock.as_ref().map(|n| n.tone), Some(Tone::Refused));
            // Gone once the panel's next button works.
            let s = run(s, [TimerAction::SealNow { now_ms: T0 + 2_500.0 }.into()]);
            assert_eq!(s.tip_height(), 2);
            assert_eq!(s.notices.clock, None);
        }
        let s = run(state(), [set(" 7 ")]);
        assert_eq!((s.clock.block_secs, s.notices.clock), (7, None));
    }
}
