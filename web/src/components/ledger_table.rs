use crate::components::markup::{num_cell, number_table};
use crate::format::thousands;
use ecloud_core::encoding::units::fixed_point;
use ecloud_core::model::member::Role;
use ecloud_core::{Chain, Ledger};
use yew::prelude::*;

/// How many of the blocks up to `height` each member sealed, genesis
/// included, by member number: what the "Blocks sealed" chart counts.
/// `None` while the chain's older blocks are still being read.
pub fn blocks_sealed(chain: &Chain, height: u64) -> Option<Vec<u64>> {
    let mut sealed = Vec::new();
    let blocks = chain.blocks().get(..=height as usize);
    for block in blocks.filter(|_| chain.is_whole())? {
        let i = block.header.sealed_by.0 as usize;
        if sealed.len() <= i {
            sealed.resize(i + 1, 0);
        }
        sealed[i] += 1;
    }
    Some(sealed)
}

/// What the last two columns mean, for a hint beside the table.
pub const REPUTATION_AND_SEALED: &str = "Reputation is what the elections weigh: one for each \
     block sealed, less one for each slot missed while elected. Blocks sealed counts every \
     block the member sealed, genesis included, as the chart \u{201c}Blocks sealed per \
     member\u{201d} does.";

/// Every member's balances in one ledger: energy (for a generator, the
/// capacity it has left), free and frozen voting tokens, reputation, and
/// the blocks each sealed (`sealed`, by member number; "…" while unknown).
pub fn ledger_table(ledger: &Ledger, caption: String, sealed: Option<&[u64]>) -> Html {
    let rows = ledger.members.iter().map(|m| {
        let role = match (&m.role, m.active) {
            (_, false) => "has left",
            (Role::Generator { .. }, true) => "generator",
            (Role::Customer, true) => "customer",
        };
        let frozen = m.frozen_total();
        let blocks = sealed.map_or_else(
            || "\u{2026}".into(),
            |s| thousands(s.get(m.id.0 as usize).copied().unwrap_or(0)),
        );
        html! {
            <tr key={m.id.0}>
                <th scope="row">
                    { m.name.clone() }
                    <span class="role">{ role }</span>
                </th>
                // The column heading says "tokens"; the cells stay narrow.
                { for [
                    m.balance.to_string(),
                    fixed_point(m.tokens.0, 3),
                    fixed_point(frozen.0, 3),
                    thousands(m.reputation),
                    blocks,
                ].into_iter().map(num_cell) }
            </tr>
        }
    });
    number_table(
        "ledger keep-last",
        caption.into(),
        "Member",
        &["Energy", "Tokens", "Frozen", "Reputation", "Blocks sealed"],
        rows.collect(),
    )
}
