use crate::components::ledger_table::{blocks_sealed, ledger_table, REPUTATION_AND_SEALED};
use crate::components::markup::hint;
use crate::components::panel::Panel;
use crate::state::Community;
use ecloud_core::Wh;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BalancesProps {
    pub community: Community,
}

/// The ledger after the last sealed block, and each generator's capacity left.
#[function_component]
pub fn Balances(props: &BalancesProps) -> Html {
    let sim = props.community.read();
    let ledger = sim.ledger();
    let height = sim.chain().tip().height();
    let capacities = ledger.members.iter().filter(|m| m.is_generator()).map(|m| {
        let after_pending = sim
            .open_ledger()
            .member(m.id)
            .map_or(m.balance, |open| open.balance);
        let pending_note = if after_pending == m.balance {
            String::new()
        } else {
            format!(" ({after_pending} once the open block is sealed)")
        };
        html! {
            <p class="capacity" key={m.id.0}>
                { format!("{}'s remaining capacity: ", m.name) }
                <strong>{ m.balance.to_string() }</strong>
                { pending_note }
            </p>
        }
    });
    let total = ledger
        .energy()
        .map_or_else(|| "too large to show".to_string(), |e: Wh| e.to_string());
    Panel {
        id: "balances",
        title: "Balances".into(),
        wide: false,
        why: "The ledger every member holds. Energy is only ever moved from the \
                 generator's capacity to the customers, never created, so the total \
                 stays the same.",
    }
    .view(html! {
        <>
            { for capacities }
            { ledger_table(ledger, format!("After block {height}"), blocks_sealed(sim.chain(), height).as_deref()) }
            <p class="total">{ format!("Total energy held: {total}") }</p>
            { hint(REPUTATION_AND_SEALED.into()) }
        </>
    })
}
