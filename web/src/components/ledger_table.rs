use crate::components::markup::{num_cell, number_table};
use ecloud_core::encoding::units::fixed_point;
use ecloud_core::model::member::Role;
use ecloud_core::Ledger;
use yew::prelude::*;

/// Every member's balances in one ledger: energy (for a generator, the
/// capacity it has left), free and frozen voting tokens, blocks sealed.
pub fn ledger_table(ledger: &Ledger, caption: String) -> Html {
    let rows = ledger.members.iter().map(|m| {
        let role = match (&m.role, m.active) {
            (_, false) => "has left",
            (Role::Generator { .. }, true) => "generator",
            (Role::Customer, true) => "customer",
        };
        let frozen = m.frozen_total();
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
                    m.reputation.to_string(),
                ].into_iter().map(num_cell) }
            </tr>
        }
    });
    number_table(
        "ledger",
        caption.into(),
        "Member",
        &["Energy", "Tokens", "Frozen", "Sealed"],
        rows.collect(),
    )
}
