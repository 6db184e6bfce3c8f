use crate::components::bar_chart::bar_chart;
use crate::components::chart::Markup;
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
        let mut m = Markup::default();
        m.raw("<div class=\"charts\">");
        m.raw(
            "<figure class=\"chart\" id=\"energy-history\" aria-labelledby=\"energy-history-heading\">\
             <h3 id=\"energy-history-heading\">Energy balances</h3>\
             <p class=\"hint\">Above, the generator's capacity left falls as it produces; \
             below, on their own scale, the customers' balances rise, each by its share. The \
             total never changes: energy is moved, not created.</p>",
        );
        line_chart(&mut m, &history, Measure::Energy);
        m.raw(
            "</figure><figure class=\"chart\" id=\"tokens-history\" aria-labelledby=\"tokens-history-heading\">\
             <h3 id=\"tokens-history-heading\">Voting tokens</h3>\
             <p class=\"hint\">Free tokens can be bet in the elections. Bets go to the pot, won \
             by the next sealer and frozen for a few blocks: the black dotted line counts them \
             until they unlock. Generating energy mints new tokens.</p>",
        );
        line_chart(&mut m, &history, Measure::Tokens);
        m.raw(
            "</figure><figure class=\"chart\" id=\"sealed-history\" aria-labelledby=\"sealed-history-heading\">\
             <h3 id=\"sealed-history-heading\">Blocks sealed per member</h3>\
             <p class=\"hint\">Who sealed each block: the elections decide it. Every block \
             sealed adds to the sealer's reputation, which weighs in the next elections.</p>",
        );
        bar_chart(&mut m, &history);
        m.raw("</figure></div>");
        m.finish()
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
