use crate::components::chart::{count_axis, label, num, style, Drawing, Frame};
use crate::format::count;
use ecloud_core::history::History;
use std::fmt::Write;

/// Height of one member's row.
const ROW: u64 = 44;

/// Blocks sealed per member: one horizontal bar per member, named at its
/// start and counted at its end, so no colour is needed to read it.
pub fn bar_chart(svg: &mut Drawing, h: &History) {
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
    svg.svg(
        "history-chart",
        "sealed-chart",
        &frame,
        format!(
            "Blocks sealed by each member, {} in all",
            count(h.blocks, "block", "blocks")
        ),
        format!("{description}."),
    );
    let max = h.sealed.iter().copied().max().unwrap_or(0);
    let top = count_axis(svg, &frame, max, "blocks sealed");
    for (i, (who, &n)) in h.members.iter().zip(&h.sealed).enumerate() {
        let row_top = frame.top + i as u64 * ROW;
        let end = frame.x(n, top);
        let baseline = row_top + ROW / 2 + 8;
        let name = label(who);
        svg.open("g", &["class", "data-count"], vec!["sealed".into(), num(n)]);
        svg.text("name", (frame.left - 10, baseline), "end", name);
        svg.leaf(
            "rect",
            &["class", "x", "y", "width", "height"],
            vec![
                format!("bar {}", style(i)).into(),
                num(frame.left),
                num(row_top + 8),
                num(end - frame.left),
                num(ROW - 16),
            ],
        );
        svg.text("value", (end + 8, baseline), "start", n.to_string());
        svg.close();
    }
    svg.close();
    svg.open("p", &["class"], vec!["hint sealed-total".into()])
        .content(format!(
            "{} in the chain, genesis included.",
            count(h.blocks, "block", "blocks")
        ))
        .close();
}
