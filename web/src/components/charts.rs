use crate::components::bar_chart::bar_chart;
use crate::components::line_chart::{line_chart, Measure};
use crate::components::panel::Panel;
use crate::state::{Community, OLDER_UNREAD};
use ecloud_core::simulation::history::{History, MAX_POINTS};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    pub community: Community,
}

/// Balances, voting tokens and blocks sealed over the whole chain.
#[function_component]
pub fn Charts(props: &ChartsProps) -> Html {
    // Drawn again only when the chain or the open block changed (a new
    // revision), never on the timer's ticks.
    let charts = use_memo(props.community.clone(), |community| {
        let sim = community.read();
        if !sim.chain().is_whole() {
            return html! { <p>{ OLDER_UNREAD }</p> };
        }
        let history = History::of(sim.chain().blocks(), MAX_POINTS);
        html! {
            <div class="charts">
                { figure(
                    "energy-history",
                    "Energy balances",
                    "Above, the generator's capacity left falls as it produces; below, on their \
                     own scale, the customers' balances rise, each by its share. The total never \
                     changes: energy is moved, not created.",
                    line_chart(&history, Measure::Energy),
                ) }
                { figure(
                    "tokens-history",
                    "Voting tokens",
                    "Free tokens can be bet in the elections. Bets go to the pot, won by the next \
                     sealer and frozen for a few blocks: the black dotted line counts them until \
                     they unlock. Generating energy mints new tokens.",
                    line_chart(&history, Measure::Tokens),
                ) }
                { figure(
                    "sealed-history",
                    "Blocks sealed per member",
                    "Who sealed each block: the elections decide it. Every block sealed adds to \
                     the sealer's reputation, which weighs in the next elections.",
                    bar_chart(&history),
                ) }
            </div>
        }
    });
    Panel {
        id: "charts",
        title: "Over time".into(),
        wide: true,
        why: "Every block carries the whole ledger, so the chain is the community's \
                 history: here it is drawn, from genesis to the last block, and it grows \
                 with each new block.",
    }
    .view((*charts).clone())
}

/// A chart's figure, with its heading and what to read in it.
fn figure(id: &'static str, heading: &'static str, hint: &'static str, chart: Html) -> Html {
    let heading_id = format!("{id}-heading");
    html! {
        <figure class="chart" {id} aria-labelledby={heading_id.clone()}>
            <h3 id={heading_id}>{ heading }</h3>
            <p class="hint">{ hint }</p>
            { chart }
        </figure>
    }
}
