//! Generation: a generator's cryptometer reading typed by hand, and
//! auto-generation by a production profile before each block.

use super::{Action, AppState, Notice};
use crate::format::decimal_mark;
use ecloud_core::simulation::profile::{Profile, PERIODS_PER_DAY};
use ecloud_core::{MemberId, Wh};

/// What a generator's energy field holds until the class types: 10 kWh.
pub(super) const DEFAULT_ENERGY_TEXT: &str = "10";

/// The market period (of the day) that block 1 closes under auto-generation:
/// 10:00, so a class starts in daylight rather than at a dark midnight.
pub const FIRST_PERIOD: u64 = 40;

/// The market period of the day a block closes, for the production profile.
pub fn period_of_day(height: u64) -> u64 {
    (FIRST_PERIOD + height.saturating_sub(1)) % PERIODS_PER_DAY
}

pub fn profile_name(profile: Profile) -> &'static str {
    match profile {
        Profile::Solar => "solar",
        Profile::Wind => "wind",
    }
}

/// Generation that happens on its own before each block.
#[derive(Clone, Debug, PartialEq)]
pub struct AutoGeneration {
    pub on: bool,
    pub profile: Profile,
    /// Output per market period at the profile's 100 %.
    pub peak: Wh,
    pub peak_text: String,
}

impl Default for AutoGeneration {
    fn default() -> Self {
        AutoGeneration {
            on: false,
            profile: Profile::Solar,
            peak: Wh(4_000),
            peak_text: "4".into(),
        }
    }
}

/// What a generator's cryptometer will report when Generate is pressed.
#[derive(Clone, Debug, PartialEq)]
pub struct EnergyDraft {
    pub generator: MemberId,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum GenerationAction {
    EditEnergy { generator: MemberId, text: String },
    Generate { generator: MemberId },
    SetAuto(bool),
    SetProfile(Profile),
    EditPeak(String),
}

impl From<GenerationAction> for Action {
    fn from(action: GenerationAction) -> Action {
        Action::Generation(action)
    }
}

impl AppState {
    pub(super) fn apply_generation(&mut self, action: GenerationAction) {
        match action {
            GenerationAction::EditEnergy { generator, text } => {
                if let Some(d) = self
                    .energy_drafts
                    .iter_mut()
                    .find(|d| d.generator == generator)
                {
                    d.text = text;
                }
            }
            GenerationAction::Generate { generator } => self.generate(generator),
            GenerationAction::SetAuto(on) => {
                self.auto.on = on;
                self.notices.generation = if on {
                    Notice::done(format!(
                        "Auto-generation is on: before each block the {} profile adds its output.",
                        profile_name(self.auto.profile)
                    ))
                } else {
                    Notice::done("Auto-generation is off.")
                };
            }
            GenerationAction::SetProfile(profile) => self.auto.profile = profile,
            GenerationAction::EditPeak(text) => {
                match Wh::parse_kwh(&text, decimal_mark()) {
                    Ok(peak) if peak > Wh(0) => {
                        self.auto.peak = peak;
                        self.notices.generation = None;
                    }
                    Ok(_) => {
                        self.notices.generation =
                            Notice::refused("The peak must be more than 0 kWh; it stays as it was.")
                    }
                    Err(e) => {
                        self.notices.generation =
                            Notice::refused(format!("Peak output: {e}; it stays as it was."))
                    }
                }
                self.auto.peak_text = text;
            }
        }
    }

    fn generate(&mut self, generator: MemberId) {
        let text = self
            .energy_drafts
            .iter()
            .find(|d| d.generator == generator)
            .map(|d| d.text.clone())
            .unwrap_or_default();
        let energy = match Wh::parse_kwh(&text, decimal_mark()) {
            Ok(energy) => energy,
            Err(e) => {
                self.notices.generation =
                    Notice::refused(format!("Energy in kWh: {e}. Nothing was generated."));
                return;
            }
        };
        let name = self.name_of(generator);
        let Some((height, result)) = self.sign(|sim| sim.generate(generator, energy).map(|_| ()))
        else {
            self.notices.generation = Notice::busy();
            return;
        };
        self.notices.generation = match result {
            Ok(()) => Notice::done(format!(
                "{name}'s cryptometer signed a reading of {energy}; it waits for block {height}."
            )),
            Err(e) => Notice::refused(format!("Refused: {e}. Nothing changed.")),
        };
    }

    /// What the profile produces in the open block's market period, signed
    /// by every active generator; the first refusal turns auto-generation off.
    pub(super) fn generate_automatically(&mut self) {
        if !self.auto.on {
            return;
        }
        let generators: Vec<(MemberId, String)> = self
            .community
            .read()
            .open_ledger()
            .members
            .iter()
            .filter(|m| m.is_generator())
            .map(|m| (m.id, m.name.clone()))
            .collect();
        let profile = self.auto.profile;
        let peak = self.auto.peak;
        let Some(mut sim) = self.community.write() else {
            self.notices.generation = Notice::busy();
            return;
        };
        let energy = profile.energy(period_of_day(sim.open_height()), peak);
        if energy == Wh(0) {
            // Night for a solar park: nothing to report this period.
            return;
        }
        for (generator, name) in generators {
            if let Err(e) = sim.generate(generator, energy) {
                let why = sim.explain(&e);
                self.auto.on = false;
                self.notices.generation =
                    Notice::refused(format!("{name}: {why}. Auto-generation is now off."));
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::{balance, run, state, T0};
    use crate::state::{TimerAction, Tone};
    use ecloud_core::chain::genesis::GEORGE;

    fn energy(text: &str) -> Action {
        GenerationAction::EditEnergy {
            generator: GEORGE,
            text: text.into(),
        }
        .into()
    }

    fn generate() -> Action {
        GenerationAction::Generate { generator: GEORGE }.into()
    }

    #[test]
    fn generation_above_capacity_is_refused_with_the_core_message() {
        let s = run(state(), [energy("1000.001"), generate()]);
        let notice = s.notices.generation.clone().expect("a message");
        assert_eq!(notice.tone, Tone::Refused);
        assert!(notice.text.contains("cannot produce"), "{}", notice.text);
        assert!(s.community.read().pending().is_empty());
        assert_eq!(balance(&s, GEORGE), Wh(1_000_000));
    }

    #[test]
    fn unreadable_energy_is_refused() {
        let s = run(state(), [energy("ten"), generate()]);
        assert_eq!(s.notices.generation.map(|n| n.tone), Some(Tone::Refused));
    }

    #[test]
    fn auto_generation_follows_the_profile_and_stops_when_capacity_runs_out() {
        let seal = |i: f64| TimerAction::SealNow { now_ms: T0 + i }.into();
        let s = run(
            state(),
            [
                GenerationAction::SetAuto(true).into(),
                GenerationAction::EditPeak("600".into()).into(),
                seal(1.0),
            ],
        );
        let expected = Profile::Solar.energy(period_of_day(1), Wh(600_000));
        assert!(expected > Wh(0));
        assert_eq!(balance(&s, GEORGE), Wh(1_000_000 - expected.0));
        let s = run(s, [seal(2.0), seal(3.0)]);
        assert!(!s.auto.on);
        let notice = s.notices.generation.clone().expect("a message");
        assert!(notice.text.contains("cannot produce"), "{}", notice.text);
        assert_eq!(s.tip_height(), 3);
    }
}
