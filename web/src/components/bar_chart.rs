use crate::components::chart::{count_axis, label, style, svg, text, Frame};
use crate::format::count;
use ecloud_core::simulation::history::History;
use std::fmt::Write;
use yew::prelude::*;

/// Height of one member's row.
const ROW: u64 = 44;

/// Blocks sealed per member: one horizontal bar per member, named at its
/// start and counted at its end, so no colour is needed to read it.
pub fn bar_chart(h: &History) -> Html {
    let rows = h.members.len() as u64;
    let frame = Frame {
        width: 640,
        height: 16 + rows.max(1) * ROW + 66,
        left: 150,
        right: 64,
        top: 16,
        bottom: 66,
    };
    let mut description = String::new();
    for (who, &n) in h.members.iter().zip(&h.sealed) {
        let comma = if description.is_empty() { "" } else { ", " };
        let _ = write!(
            description,
            "{comma}{} {}",
            who.name,
            count(n, "block", "blocks")
        );
    }
    let max = h.sealed.iter().copied().max().unwrap_or(0);
    let (x_axis, top) = count_axis(&frame, max, "blocks sealed");
    let bars = h
        .members
        .iter()
        .zip(&h.sealed)
        .enumerate()
        .map(|(i, (who, &n))| {
            let row_top = frame.top + i as u64 * ROW;
            let end = frame.x(n, top);
            let baseline = row_top + ROW / 2 + 8;
            html! {
                <g class="sealed" data-count={n.to_string()}>
                    { text("name", (frame.left - 10, baseline), "end", label(who)) }
                    <rect
                        class={classes!("bar", style(i))}
                        x={frame.left.to_string()}
                        y={(row_top + 8).to_string()}
                        width={(end - frame.left).to_string()}
                        height={(ROW - 16).to_string()}
                    />
                    { text("value", (end + 8, baseline), "start", n.to_string()) }
                </g>
            }
        });
    html! {
        <>
            { svg(
                "history-chart",
                "sealed-chart",
                &frame,
                format!(
                    "Blocks sealed by each member, {} in all",
                    count(h.blocks, "block", "blocks")
                ),
                format!("{description}."),
                html! { <>{ x_axis }{ for bars }</> },
            ) }
            <p class="hint sealed-total">
                { format!("{} in the chain, genesis included.", count(h.blocks, "block", "blocks")) }
            </p>
        </>
    }
}
