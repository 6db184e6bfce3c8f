use crate::components::bar_chart::bar_chart;
use crate::components::chart::Drawing;
use crate::components::line_chart::{line_chart, Measure};
use crate::components::panel::Panel;
use crate::state::Community;
use ecloud_core::history::{History, MAX_POINTS};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    pub community: Community,
}

/// Balances, voting tokens and blocks sealed over the whole chain.
#[function_component]
pub fn Charts(props: &ChartsProps) -> Html {
    // Rebuilt only when the chain or the open block changed (a new
    // revision), never on the timer's ticks; the markup is compared as one
    // string, so an unchanged chart is not touched.
    let body = use_memo(props.community.clone(), |community| {
        let history = History::of(community.read().chain().blocks(), MAX_POINTS);
        let mut d = Drawing::default();
        d.open("div", &["class"], vec!["charts".into()]);
        figure(
            &mut d,
            "energy-history",
            "Energy balances",
            "Above, the generator's capacity left falls as it produces; below, on their own \
             scale, the customers' balances rise, each by its share. The total never changes: \
             energy is moved, not created.",
        );
        line_chart(&mut d, &history, Measure::Energy);
        d.close();
        figure(
            &mut d,
            "tokens-history",
            "Voting tokens",
            "Free tokens can be bet in the elections. Bets go to the pot, won by the next \
             sealer and frozen for a few blocks: the black dotted line counts them until they \
             unlock. Generating energy mints new tokens.",
        );
        line_chart(&mut d, &history, Measure::Tokens);
        d.close();
        figure(
            &mut d,
            "sealed-history",
            "Blocks sealed per member",
            "Who sealed each block: the elections decide it. Every block sealed adds to the \
             sealer's reputation, which weighs in the next elections.",
        );
        bar_chart(&mut d, &history);
        d.finish()
    });
    Panel {
        id: "charts",
        title: "Over time".into(),
        wide: true,
        why: "Every block carries the whole ledger, so the chain is the community's \
                 history: here it is drawn, from genesis to the last block, and it grows \
                 with each new block.",
    }
    .view(html! {
        <>
            { (*body).clone() }
        </>
    })
}

/// Opens a chart's figure, with its heading and what to read in it.
fn figure(d: &mut Drawing, id: &'static str, heading: &'static str, hint: &'static str) {
    let heading_id = format!("{id}-heading");
    d.open(
        "figure",
        &["class", "id", "aria-labelledby"],
        vec!["chart".into(), id.into(), heading_id.clone().into()],
    );
    d.open("h3", &["id"], vec![heading_id.into()])
        .content(heading)
        .close();
    d.open("p", &["class"], vec!["hint".into()])
        .content(hint)
        .close();
}
