use crate::components::chart::{count_axis, fit, label, style, svg, text, text_width, Frame, FONT};
use crate::format::{count, thousands};
use ecloud_core::simulation::history::History;
use std::fmt::Write;
use yew::prelude::*;

/// Height of one member's row.
const ROW: u64 = 44;
/// The widest a member's name before the bars may be; a longer one is cut
/// short (the chart's description names everyone in full).
const MAX_NAME: u64 = 170;

/// Blocks sealed per member: one horizontal bar per member, named at its
/// start and counted at its end, so no colour is needed to read it.
pub fn bar_chart(h: &History) -> Html {
    let rows = h.members.len() as u64;
    let names: Vec<String> = h.members.iter().map(label).collect();
    let max = h.sealed.iter().copied().max().unwrap_or(0);
    let widest_name = names.iter().map(|n| text_width(n, true)).max().unwrap_or(0);
    let frame = Frame {
        width: 560,
        height: 16 + rows.max(1) * ROW + 66,
        left: 16 + widest_name.min(MAX_NAME),
        // The longest count beyond the longest bar.
        right: 16 + text_width(&thousands(max), false).max(FONT),
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
    let (x_axis, top) = count_axis(&frame, max, "blocks sealed", thousands);
    let bars = names
        .iter()
        .zip(&h.sealed)
        .enumerate()
        .map(|(i, (name, &n))| {
            let row_top = frame.top + i as u64 * ROW;
            let end = frame.x(n, top);
            let baseline = row_top + ROW / 2 + 8;
            html! {
                <g class="sealed" data-count={n.to_string()}>
                    { text("name", (frame.left - 10, baseline), "end", fit(name, MAX_NAME, true)) }
                    <rect
                        class={classes!("bar", style(i))}
                        x={frame.left.to_string()}
                        y={(row_top + 8).to_string()}
                        width={(end - frame.left).to_string()}
                        height={(ROW - 16).to_string()}
                    />
                    { text("value", (end + 8, baseline), "start", thousands(n)) }
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
