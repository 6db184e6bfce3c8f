//! Share tables being edited, and applied as signed share updates.

use super::{Action, AppState, Notice};
use crate::format::{decimal_mark, field_text};
use ecloud_core::{BasisPoints, MemberId, Share, ShareTable};

/// What the class typed for one customer's share, before it is applied.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareRow {
    pub member: MemberId,
    pub text: String,
}

/// A generator's share table as being edited.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareDraft {
    pub generator: MemberId,
    pub rows: Vec<ShareRow>,
}

impl ShareDraft {
    /// The running total, or the first row that is not a percentage.
    pub fn total(&self) -> Result<BasisPoints, MemberId> {
        let mut total: u64 = 0;
        for row in &self.rows {
            let bp =
                BasisPoints::parse_percent(&row.text, decimal_mark()).map_err(|_| row.member)?;
            total = total.saturating_add(u64::from(bp.0));
        }
        Ok(BasisPoints(u32::try_from(total).unwrap_or(u32::MAX)))
    }
}

/// Basis points as plain percent text an input accepts back: `33.33`.
pub(super) fn percent_text(bp: BasisPoints) -> String {
    field_text(u64::from(bp.0), 2)
}

/// A customer's share in `table` as editable percent text; "0" when the
/// table does not name it.
pub(super) fn share_text(table: Option<&ShareTable>, member: MemberId) -> String {
    table
        .and_then(|t| t.share_of(member))
        .map_or_else(|| "0".to_string(), percent_text)
}

#[derive(Clone, Debug, PartialEq)]
pub enum SharesAction {
    Edit {
        generator: MemberId,
        member: MemberId,
        text: String,
    },
    Apply {
        generator: MemberId,
    },
    /// Back to the table that will be in force after the open block.
    Reset {
        generator: MemberId,
    },
}

impl From<SharesAction> for Action {
    fn from(action: SharesAction) -> Action {
        Action::Shares(action)
    }
}

impl AppState {
    pub(super) fn apply_shares(&mut self, action: SharesAction) {
        match action {
            SharesAction::Edit {
                generator,
                member,
                text,
            } => {
                let row = self
                    .share_drafts
                    .iter_mut()
                    .filter(|d| d.generator == generator)
                    .flat_map(|d| d.rows.iter_mut())
                    .find(|r| r.member == member);
                if let Some(row) = row {
                    row.text = text;
                }
            }
            SharesAction::Apply { generator } => self.sign_shares(generator),
            SharesAction::Reset { generator } => self.reset_shares(generator),
        }
    }

    fn sign_shares(&mut self, generator: MemberId) {
        let Some(draft) = self
            .share_drafts
            .iter()
            .find(|d| d.generator == generator)
            .cloned()
        else {
            return;
        };
        let mut shares = Vec::with_capacity(draft.rows.len());
        for row in &draft.rows {
            match BasisPoints::parse_percent(&row.text, decimal_mark()) {
                Ok(share) => shares.push(Share {
                    member: row.member,
                    share,
                }),
                Err(e) => {
                    let who = self.name_of(row.member);
                    self.notices.shares =
                        Notice::refused(format!("{who}'s share: {e}. Nothing was changed."));
                    return;
                }
            }
        }
        // A customer with 0 % is left out of the table, so it is free to
        // leave the community once the new table is in force.
        if shares.iter().any(|s| s.share.0 > 0) {
            shares.retain(|s| s.share.0 > 0);
        }
        let table = match ShareTable::new(shares) {
            Ok(table) => table,
            Err(e) => {
                self.notices.shares = Notice::refused(format!("Refused: {e}."));
                return;
            }
        };
        let name = self.name_of(generator);
        let Some((height, result)) =
            self.sign(|sim| sim.update_shares(generator, table).map(|_| ()))
        else {
            self.notices.shares = Notice::busy();
            return;
        };
        self.notices.shares = match result {
            Ok(()) => Notice::done(format!(
                "{name} signed the new shares. The share update waits in block {height} and is \
                 in force from block {}.",
                height + 1
            )),
            Err(e) => Notice::refused(format!("Refused: {e}. Nothing was changed.")),
        };
    }

    fn reset_shares(&mut self, generator: MemberId) {
        let sim = self.community.read();
        let table = sim.upcoming_shares(generator);
        if let Some(draft) = self
            .share_drafts
            .iter_mut()
            .find(|d| d.generator == generator)
        {
            for row in &mut draft.rows {
                row.text = share_text(table, row.member);
            }
        }
        drop(sim);
        self.notices.shares = None;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::state::tests::{balance, run, state, T0};
    use crate::state::{GenerationAction, TimerAction, Tone};
    use ecloud_core::chain::genesis::{ANNE, BOB, CARLA, GEORGE};
    use ecloud_core::model::tx::TxBody;
    use ecloud_core::Wh;

    /// George's share table: `member`'s share typed as `text`.
    pub(crate) fn set_share(member: MemberId, text: &str) -> Action {
        SharesAction::Edit {
            generator: GEORGE,
            member,
            text: text.into(),
        }
        .into()
    }

    fn apply() -> Action {
        SharesAction::Apply { generator: GEORGE }.into()
    }

    #[test]
    fn applied_shares_govern_the_block_after_the_update() {
        let s = run(
            state(),
            [
                set_share(ANNE, "60"),
                set_share(BOB, "25"),
                set_share(CARLA, "15"),
                apply(),
                TimerAction::SealNow { now_ms: T0 + 1.0 }.into(),
                GenerationAction::EditEnergy {
                    generator: GEORGE,
                    text: "10".into(),
                }
                .into(),
                GenerationAction::Generate { generator: GEORGE }.into(),
                TimerAction::SealNow { now_ms: T0 + 2.0 }.into(),
            ],
        );
        assert_eq!(s.tip_height(), 2);
        assert_eq!(balance(&s, ANNE), Wh(6_000));
        assert_eq!(balance(&s, BOB), Wh(2_500));
        assert_eq!(balance(&s, CARLA), Wh(1_500));
        assert_eq!(balance(&s, GEORGE), Wh(990_000));
        let sim = s.community.read();
        let kinds: Vec<_> = sim.chain().blocks()[1]
            .body
            .transactions
            .iter()
            .map(|t| t.body.kind())
            .collect();
        assert_eq!(kinds.first(), Some(&"share update"));
        assert!(!kinds.contains(&"generation"));
    }

    #[test]
    fn a_table_off_100_percent_is_refused_and_changes_nothing() {
        let before = state();
        let revision = before.community.revision();
        let s = run(before, [set_share(ANNE, "60"), apply()]);
        let notice = s.notices.shares.clone().expect("a message");
        assert_eq!(notice.tone, Tone::Refused);
        assert!(notice.text.contains("110 %"), "{}", notice.text);
        assert_eq!(s.community.read().pending().len(), 0);
        assert_eq!(s.community.revision(), revision);
        assert_eq!(s.share_drafts[0].total(), Ok(BasisPoints(11_000)));
    }

    #[test]
    fn a_share_that_is_not_a_number_names_the_member() {
        let s = run(state(), [set_share(BOB, "abc"), apply()]);
        let notice = s.notices.shares.expect("a message");
        assert!(notice.text.starts_with("Bob's share"), "{}", notice.text);
        assert_eq!(s.share_drafts[0].total(), Err(BOB));
    }

    #[test]
    fn reset_brings_back_the_upcoming_table() {
        let s = run(
            state(),
            [
                set_share(ANNE, "60"),
                set_share(BOB, "25"),
                set_share(CARLA, "15"),
                apply(),
                set_share(ANNE, "1"),
                SharesAction::Reset { generator: GEORGE }.into(),
            ],
        );
        let texts: Vec<_> = s.share_drafts[0]
            .rows
            .iter()
            .map(|r| r.text.as_str())
            .collect();
        assert_eq!(texts, ["60", "25", "15"]);
        let sim = s.community.read();
        assert!(matches!(sim.pending()[0].body, TxBody::ShareUpdate(_)));
    }
}
