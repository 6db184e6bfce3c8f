//! The members' part of the page state: the join form, the names being
//! typed for renames, and keeping the share and energy editors in step with
//! who is a member. Joining, renaming and leaving are the core's rules and
//! its signed transactions; this turns the class's typing into those calls.

use super::generation::DEFAULT_ENERGY_TEXT;
use super::shares::share_text;
use super::{Action, AppState, EnergyDraft, Notice, ShareDraft, ShareRow};
use crate::format::decimal_mark;
use ecloud_core::model::member::Role;
use ecloud_core::{MemberId, ShareTable, Simulation, Wh};

/// What a new member will be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RoleKind {
    #[default]
    Customer,
    Generator,
}

impl RoleKind {
    /// The value of the page's radio button.
    pub fn value(self) -> &'static str {
        match self {
            RoleKind::Customer => "customer",
            RoleKind::Generator => "generator",
        }
    }
}

/// What the class asks of the members panel.
#[derive(Clone, Debug, PartialEq)]
pub enum MembershipAction {
    EditName(String),
    ChooseRole(RoleKind),
    EditCapacity(String),
    Join,
    EditRename { member: MemberId, text: String },
    Rename { member: MemberId },
    Leave { member: MemberId },
}

impl From<MembershipAction> for Action {
    fn from(action: MembershipAction) -> Action {
        Action::Membership(action)
    }
}

/// The members panel's state.
#[derive(Clone, Debug, PartialEq)]
pub struct MembershipUi {
    pub name: String,
    pub role: RoleKind,
    /// A new generator's capacity in kWh, as typed.
    pub capacity: String,
    /// New names being typed; a member without one shows its name.
    pub renames: Vec<(MemberId, String)>,
    pub notice: Option<Notice>,
}

impl Default for MembershipUi {
    fn default() -> Self {
        MembershipUi {
            name: String::new(),
            role: RoleKind::Customer,
            capacity: "100".into(),
            renames: Vec::new(),
            notice: None,
        }
    }
}

impl MembershipUi {
    /// The name typed for `member`, or `None` when nothing was typed.
    pub fn rename_text(&self, member: MemberId) -> Option<&str> {
        self.renames
            .iter()
            .find(|(m, _)| *m == member)
            .map(|(_, t)| t.as_str())
    }
}

/// The active customers of the open block, in member order: who a share
/// table may name.
pub fn active_customers(sim: &Simulation) -> Vec<MemberId> {
    sim.open_ledger()
        .active_members()
        .filter(|m| !m.is_generator())
        .map(|m| m.id)
        .collect()
}

impl AppState {
    pub(super) fn apply_membership(&mut self, action: MembershipAction) {
        match action {
            MembershipAction::EditName(text) => self.membership.name = text,
            MembershipAction::ChooseRole(role) => self.membership.role = role,
            MembershipAction::EditCapacity(text) => self.membership.capacity = text,
            MembershipAction::Join => self.join(),
            MembershipAction::EditRename { member, text } => {
                self.membership.renames.retain(|(m, _)| *m != member);
                self.membership.renames.push((member, text));
            }
            MembershipAction::Rename { member } => self.rename(member),
            MembershipAction::Leave { member } => self.leave(member),
        }
    }

    fn join(&mut self) {
        let name = self.membership.name.trim().to_string();
        let (role, capacity) = match self.membership.role {
            RoleKind::Customer => (Role::Customer, Wh(0)),
            RoleKind::Generator => {
                let capacity = match Wh::parse_kwh(&self.membership.capacity, decimal_mark()) {
                    Ok(c) => c,
                    Err(e) => {
                        self.membership.notice =
                            Notice::refused(format!("Capacity in kWh: {e}. Nobody joined."));
                        return;
                    }
                };
                let customers = active_customers(&self.community.read());
                match ShareTable::equal(&customers) {
                    Ok(shares) => (Role::Generator { shares }, capacity),
                    Err(e) => {
                        self.membership.notice = Notice::refused(format!(
                            "A generator needs customers to share its output with: {e}. Nobody joined."
                        ));
                        return;
                    }
                }
            }
        };
        let is_generator = matches!(role, Role::Generator { .. });
        let registrar = self.name_of(self.community.read().registrar());
        let Some((height, result)) = self.sign(|sim| sim.join(&name, role, capacity)) else {
            self.membership.notice = Notice::busy();
            return;
        };
        self.membership.notice = match result {
            Ok(member) => {
                self.membership.name.clear();
                let then = if is_generator {
                    format!(
                        " {name} brings {capacity} and shares it equally among the customers until its shares are changed."
                    )
                } else {
                    " Give them a share of a generator in Shares.".to_string()
                };
                Notice::done(format!(
                    "{registrar} signed {name}'s joining as member {member}; it waits in block {height}.{then}"
                ))
            }
            Err(e) => Notice::refused(format!("Refused: {e}. Nobody joined.")),
        };
    }

    fn rename(&mut self, member: MemberId) {
        let old = self.name_of(member);
        let Some(new) = self.membership.rename_text(member).map(str::to_string) else {
            return;
        };
        let new = new.trim().to_string();
        let Some((height, result)) = self.sign(|sim| sim.rename(member, &new).map(|_| ())) else {
            self.membership.notice = Notice::busy();
            return;
        };
        self.membership.notice = match result {
            Ok(()) => {
                self.membership.renames.retain(|(m, _)| *m != member);
                Notice::done(format!(
                    "{old} is now {new}; the rename waits in block {height}."
                ))
            }
            Err(e) => Notice::refused(format!("Refused: {e}. {old} keeps the name.")),
        };
    }

    fn leave(&mut self, member: MemberId) {
        let who = self.name_of(member);
        // The generators whose share tables the departure changes.
        let holding: Vec<MemberId> = {
            let sim = self.community.read();
            let ledger = sim.open_ledger();
            ledger
                .active_members()
                .filter(|g| {
                    sim.upcoming_shares(g.id)
                        .is_some_and(|t| t.share_of(member).is_some_and(|s| s.0 > 0))
                })
                .map(|g| g.id)
                .collect()
        };
        let Some((height, result)) = self.sign(|sim| sim.leave(member).map(|_| ())) else {
            self.membership.notice = Notice::busy();
            return;
        };
        self.membership.notice = match result {
            Ok(()) => {
                self.membership.renames.retain(|(m, _)| *m != member);
                // Their share editors show the new tables, not what was there.
                self.share_drafts
                    .retain(|d| !holding.contains(&d.generator));
                Notice::done(format!(
                    "{who} leaves the community in block {height}: any share {who} held goes to \
                     the other customers in proportion to theirs. {who}'s balances stay in the \
                     ledger; {who} no longer signs, bets, seals or holds shares."
                ))
            }
            Err(e) => Notice::refused(format!("Refused: {e}. {who} is still a member.")),
        };
    }

    /// Keeps one energy editor per active generator and, in each generator's
    /// share editor, one row per active customer, so a member who joins or
    /// leaves shows up (or disappears) at once. What was typed is kept.
    pub(super) fn follow_members(&mut self) {
        let sim = self.community.read();
        let ledger = sim.open_ledger();
        let customers = active_customers(&sim);
        let generators: Vec<MemberId> = ledger
            .active_members()
            .filter(|m| m.is_generator())
            .map(|m| m.id)
            .collect();
        let share_drafts = generators
            .iter()
            .map(|&generator| {
                let typed = self.share_drafts.iter().find(|d| d.generator == generator);
                let upcoming = sim.upcoming_shares(generator);
                ShareDraft {
                    generator,
                    rows: customers
                        .iter()
                        .map(|&member| {
                            let text = match typed {
                                Some(draft) => draft
                                    .rows
                                    .iter()
                                    .find(|r| r.member == member)
                                    .map_or_else(|| "0".to_string(), |r| r.text.clone()),
                                None => share_text(upcoming, member),
                            };
                            ShareRow { member, text }
                        })
                        .collect(),
                }
            })
            .collect();
        let energy_drafts = generators
            .iter()
            .map(|&generator| {
                self.energy_drafts
                    .iter()
                    .find(|d| d.generator == generator)
                    .cloned()
                    .unwrap_or_else(|| EnergyDraft {
                        generator,
                        text: DEFAULT_ENERGY_TEXT.into(),
                    })
            })
            .collect();
        drop(sim);
        self.share_drafts = share_drafts;
        self.energy_drafts = energy_drafts;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::{run, state, T0};
    use crate::state::{GenerationAction, TimerAction, Tone};
    use ecloud_core::chain::genesis::{ANNE, BOB, CARLA, GEORGE};
    use ecloud_core::BasisPoints;

    fn act(action: MembershipAction) -> Action {
        action.into()
    }

    fn seal() -> Action {
        TimerAction::SealNow { now_ms: T0 + 1.0 }.into()
    }

    fn joins(name: &str, role: RoleKind, capacity: &str) -> Vec<Action> {
        vec![
            act(MembershipAction::EditName(name.into())),
            act(MembershipAction::ChooseRole(role)),
            act(MembershipAction::EditCapacity(capacity.into())),
            act(MembershipAction::Join),
        ]
    }

    fn tone(s: &AppState) -> Option<Tone> {
        s.membership.notice.as_ref().map(|n| n.tone)
    }

    fn rows(s: &AppState, generator: MemberId) -> Vec<(MemberId, String)> {
        s.share_drafts
            .iter()
            .find(|d| d.generator == generator)
            .map(|d| d.rows.iter().map(|r| (r.member, r.text.clone())).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_customer_joins_gets_a_share_row_and_is_on_the_ledger_after_the_seal() {
        let s = run(state(), joins("Dora", RoleKind::Customer, "100"));
        assert_eq!(tone(&s), Some(Tone::Done));
        assert!(
            s.membership.name.is_empty(),
            "the form is ready for the next"
        );
        let dora = MemberId(4);
        assert_eq!(
            rows(&s, GEORGE),
            [
                (ANNE, "50".into()),
                (BOB, "30".into()),
                (CARLA, "20".into()),
                (dora, "0".into())
            ]
        );
        assert!(s.community.read().ledger().member(dora).is_none());
        let s = run(s, [seal()]);
        let sim = s.community.read();
        let m = sim.ledger().member(dora).expect("Dora is on the chain");
        assert_eq!(m.name, "Dora");
        assert!(!m.is_generator());
    }

    #[test]
    fn a_generator_joins_with_equal_shares_and_its_own_editors() {
        let s = run(state(), joins("Solar Co-op", RoleKind::Generator, "50"));
        assert_eq!(tone(&s), Some(Tone::Done));
        let coop = MemberId(4);
        assert_eq!(
            s.energy_drafts
                .iter()
                .map(|d| d.generator)
                .collect::<Vec<_>>(),
            [GEORGE, coop]
        );
        assert_eq!(
            rows(&s, coop),
            [
                (ANNE, "33.34".into()),
                (BOB, "33.33".into()),
                (CARLA, "33.33".into())
            ]
        );
        // Sealed, it generates, and its 3 kWh go a third to each customer.
        let s = run(
            s,
            [
                seal(),
                GenerationAction::EditEnergy {
                    generator: coop,
                    text: "3".into(),
                }
                .into(),
                GenerationAction::Generate { generator: coop }.into(),
                seal(),
            ],
        );
        let sim = s.community.read();
        let ledger = sim.ledger();
        assert_eq!(ledger.member(coop).map(|m| m.balance), Some(Wh(47_000)));
        for customer in [ANNE, BOB, CARLA] {
            assert_eq!(ledger.member(customer).map(|m| m.balance), Some(Wh(1_000)));
        }
    }

    #[test]
    fn a_bad_name_or_capacity_is_refused_and_nobody_joins() {
        for (name, role, capacity) in [
            ("  ", RoleKind::Customer, "0"),
            ("Anne", RoleKind::Customer, "0"),
            ("Wind", RoleKind::Generator, "lots"),
        ] {
            let s = run(state(), joins(name, role, capacity));
            assert_eq!(tone(&s), Some(Tone::Refused), "{name:?} {capacity:?}");
            assert!(s.community.read().pending().is_empty());
            assert_eq!(s.community.read().open_ledger().members.len(), 4);
            assert_eq!(s.membership.name, name, "what was typed stays");
        }
    }

    #[test]
    fn a_rename_is_signed_and_takes_effect_when_sealed() {
        let s = run(
            state(),
            [
                act(MembershipAction::EditRename {
                    member: BOB,
                    text: " Robert ".into(),
                }),
                act(MembershipAction::Rename { member: BOB }),
                seal(),
            ],
        );
        assert_eq!(tone(&s), Some(Tone::Done));
        assert_eq!(
            s.community
                .read()
                .ledger()
                .member(BOB)
                .map(|m| m.name.clone()),
            Some("Robert".into())
        );
        assert_eq!(s.membership.rename_text(BOB), None);

        let s = run(
            s,
            [
                act(MembershipAction::EditRename {
                    member: CARLA,
                    text: "anne".into(),
                }),
                act(MembershipAction::Rename { member: CARLA }),
            ],
        );
        assert_eq!(tone(&s), Some(Tone::Refused));
        assert_eq!(
            s.community
                .read()
                .open_ledger()
                .member(CARLA)
                .map(|m| m.name.clone()),
            Some("Carla".into())
        );
    }

    #[test]
    fn a_customer_leaves_in_one_block_its_share_spread_over_the_others() {
        let s = run(state(), [act(MembershipAction::Leave { member: BOB })]);
        assert_eq!(tone(&s), Some(Tone::Done));
        let text = s
            .membership
            .notice
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_default();
        assert!(text.contains("goes to the other customers"), "{text}");
        let table = s.community.read().upcoming_shares(GEORGE).cloned();
        // Bob's 30 % over Anne's 50 % and Carla's 20 %.
        assert_eq!(
            table.map(|t| (t.share_of(ANNE), t.share_of(BOB), t.share_of(CARLA))),
            Some((Some(BasisPoints(7_143)), None, Some(BasisPoints(2_857))))
        );
        assert_eq!(
            rows(&s, GEORGE),
            [(ANNE, "71.43".into()), (CARLA, "28.57".into())],
            "Bob's row goes; the others show the table from the next block"
        );
        let s = run(s, [seal()]);
        assert_eq!(
            s.community.read().ledger().member(BOB).map(|m| m.active),
            Some(false)
        );
        assert_eq!(s.share_drafts[0].total(), Ok(BasisPoints::WHOLE));
    }

    #[test]
    fn the_registrar_cannot_leave() {
        let s = run(state(), [act(MembershipAction::Leave { member: GEORGE })]);
        assert_eq!(tone(&s), Some(Tone::Refused));
        assert!(s.community.read().pending().is_empty());
    }
}
