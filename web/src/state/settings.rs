//! The page's settings kept across a reload: the block timer (seconds, and
//! whether it is paused) and auto-generation (on or off, profile, peak). The
//! run itself is kept by the core (`Simulation::save`); these belong to the
//! page, so they are kept beside it as a few `name=value` lines.

use super::{profile_name, AppState, Countdown, Notice, MAX_BLOCK_SECS, MIN_BLOCK_SECS};
use ecloud_core::simulation::profile::Profile;
use ecloud_core::Wh;

/// What is kept.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub block_secs: u64,
    pub paused: bool,
    pub auto: bool,
    pub profile: Profile,
    pub peak: Wh,
}

impl Settings {
    pub fn to_text(&self) -> String {
        format!(
            "block_secs={}\npaused={}\nauto={}\nprofile={}\npeak_wh={}\n",
            self.block_secs,
            self.paused,
            self.auto,
            profile_name(self.profile),
            self.peak.0
        )
    }

    /// Reads what [`Settings::to_text`] wrote; anything else is refused whole,
    /// so a damaged entry never half-applies.
    pub fn parse(text: &str) -> Result<Settings, String> {
        let mut block_secs = None;
        let mut paused = None;
        let mut auto = None;
        let mut profile = None;
        let mut peak = None;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (name, value) = line
                .split_once('=')
                .ok_or_else(|| format!("\u{201c}{line}\u{201d} is not a setting"))?;
            let bad = || format!("{name} cannot be \u{201c}{value}\u{201d}");
            match name {
                "block_secs" => {
                    let secs: u64 = value.parse().map_err(|_| bad())?;
                    if !(MIN_BLOCK_SECS..=MAX_BLOCK_SECS).contains(&secs) {
                        return Err(bad());
                    }
                    block_secs = Some(secs);
                }
                "paused" => paused = Some(value.parse::<bool>().map_err(|_| bad())?),
                "auto" => auto = Some(value.parse::<bool>().map_err(|_| bad())?),
                "profile" => {
                    profile = Some(match value {
                        "solar" => Profile::Solar,
                        "wind" => Profile::Wind,
                        _ => return Err(bad()),
                    })
                }
                "peak_wh" => match value.parse::<u64>() {
                    Ok(wh) if wh > 0 => peak = Some(Wh(wh)),
                    _ => return Err(bad()),
                },
                _ => return Err(format!("{name} is not a setting")),
            }
        }
        match (block_secs, paused, auto, profile, peak) {
            (Some(block_secs), Some(paused), Some(auto), Some(profile), Some(peak)) => {
                Ok(Settings {
                    block_secs,
                    paused,
                    auto,
                    profile,
                    peak,
                })
            }
            _ => Err("a setting is missing".into()),
        }
    }
}

impl AppState {
    /// The settings as they are now.
    pub fn settings(&self) -> Settings {
        Settings {
            block_secs: self.clock.block_secs,
            paused: self.clock.is_paused(),
            auto: self.auto.on,
            profile: self.auto.profile,
            peak: self.auto.peak,
        }
    }

    /// Puts kept settings back at start: `kept` is what storage held (text)
    /// or nothing. Damaged settings are said and replaced by the defaults.
    pub fn with_settings(mut self, kept: Option<&str>, now_ms: f64) -> AppState {
        let Some(text) = kept else {
            return self;
        };
        match Settings::parse(text) {
            Ok(s) => {
                self.clock.block_secs = s.block_secs;
                let period_ms = self.clock.period_ms();
                self.clock.countdown = if s.paused {
                    Countdown::Paused { left_ms: period_ms }
                } else {
                    Countdown::Running {
                        seal_at_ms: now_ms + period_ms,
                    }
                };
                self.auto.on = s.auto;
                self.auto.profile = s.profile;
                self.auto.peak = s.peak;
                self.auto.peak_text = crate::format::kwh_text(s.peak);
            }
            Err(why) => {
                self.notices.clock = Notice::refused(format!(
                    "The settings kept in this browser were damaged ({why}); the defaults are back."
                ));
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::{run, state, T0};
    use crate::state::{GenerationAction, TimerAction, Tone};

    #[test]
    fn settings_survive_the_round_trip_through_text() {
        let s = run(
            state(),
            [
                TimerAction::SetBlockSecs {
                    text: "5".into(),
                    now_ms: T0,
                }
                .into(),
                TimerAction::Pause { now_ms: T0 }.into(),
                GenerationAction::SetAuto(true).into(),
                GenerationAction::SetProfile(Profile::Wind).into(),
                GenerationAction::EditPeak("2.5".into()).into(),
            ],
        );
        let text = s.settings().to_text();
        let back = state().with_settings(Some(&text), T0);
        assert_eq!(back.settings(), s.settings());
        assert_eq!(back.clock.block_secs, 5);
        assert!(back.clock.is_paused());
        assert_eq!(back.auto.peak, Wh(2_500));
        assert_eq!(back.auto.peak_text, "2.5");
        assert_eq!(back.notices.clock, None);
    }

    #[test]
    fn damaged_settings_are_said_and_the_defaults_stay() {
        let good = state().settings().to_text();
        for text in [
            "nonsense",
            "block_secs=0\npaused=false\nauto=false\nprofile=solar\npeak_wh=4000",
            "block_secs=15\npaused=maybe\nauto=false\nprofile=solar\npeak_wh=4000",
            "block_secs=15\npaused=false\nauto=false\nprofile=tidal\npeak_wh=4000",
            "block_secs=15\npaused=false\nauto=false\nprofile=solar",
            &good.replace("peak_wh=4000", "peak_wh=0"),
        ] {
            let s = state().with_settings(Some(text), T0);
            assert_eq!(s.settings(), state().settings(), "{text:?}");
            assert_eq!(
                s.notices.clock.as_ref().map(|n| n.tone),
                Some(Tone::Refused),
                "{text:?}"
            );
        }
        let untouched = state().with_settings(None, T0);
        assert_eq!(untouched.notices.clock, None);
    }
}
