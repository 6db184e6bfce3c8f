use ecloud_core::member::Role;
use ecloud_core::units::fixed_point;
use ecloud_core::Ledger;
use yew::prelude::*;

/// Every member's balances in one ledger: energy (for a generator, the
/// capacity it has left), free and frozen voting tokens, blocks sealed. A
/// plain function rather than a component (no copy of the ledger for its
/// props, and each Yew component costs about 1 KB of WebAssembly:
/// docs/PERFORMANCE.md, "Size").
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
                <td class="num">{ m.balance.to_string() }</td>
                // The column heading says "tokens"; the cells stay narrow.
                <td class="num">{ fixed_point(m.tokens.0, 3) }</td>
                <td class="num">{ fixed_point(frozen.0, 3) }</td>
                <td class="num">{ m.reputation }</td>
            </tr>
        }
    });
    html! {
        <div class="table-wrap" tabindex="0">
            <table class="ledger">
                <caption>{ caption }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Member" }</th>
                        <th scope="col" class="num">{ "Energy" }</th>
                        <th scope="col" class="num">{ "Tokens" }</th>
                        <th scope="col" class="num">{ "Frozen" }</th>
                        <th scope="col" class="num">{ "Sealed" }</th>
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}
