use crate::clock;
use crate::components::markup::empty;
use crate::components::panel::Panel;
use crate::components::transaction::transaction_view;
use crate::format::count;
use crate::hooks::use_hex_disclosures;
use crate::state::Community;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OpenBlockProps {
    pub community: Community,
}

/// Transactions signed since the last block, waiting to be sealed.
#[function_component]
pub fn OpenBlock(props: &OpenBlockProps) -> Html {
    let open_hex = use_hex_disclosures();
    let sim = props.community.read();
    let height = sim.open_height();
    let ledger = sim.open_ledger();
    let pending = sim.pending();
    let list = if pending.is_empty() {
        html! {
            { empty("Nothing waits yet: generate energy or change the shares.".into()) }
        }
    } else {
        html! {
            <ol class="txs">
                { for pending.iter().map(|tx| transaction_view(tx, ledger, height, true, &open_hex)) }
            </ol>
        }
    };
    Panel {
        id: "open-block",
        title: format!("Open block {height}").into(),
        wide: false,
        why: "Signed transactions wait here. They count only once a block seals \
                 them; until then they are pending.",
    }
    .view(html! {
        <>
            <p class="summary">
                { format!(
                    "Open since {}: {} waiting.",
                    clock::time_of_day(sim.open_period_start_ms()),
                    count(pending.len() as u64, "transaction", "transactions")
                ) }
            </p>
            { list }
        </>
    })
}
