//! What the page's SVG charts share: the frame, the axes, titles, lines,
//! labels and the legend keys.
//!
//! Charts are Yew nodes, so a new block patches the few points and numbers
//! that moved. Text from the chain (member names) goes into text nodes and
//! attribute values, never into markup. Coordinates are whole units of the
//! SVG's own box (it scales to its container), so no float is formatted.

use ecloud_core::encoding::units::fixed_point;
use ecloud_core::simulation::history::{axis, Who};
use yew::prelude::*;

/// The box of a chart, in SVG units.
#[derive(Clone, Copy)]
pub struct Frame {
    pub width: u64,
    pub height: u64,
    pub left: u64,
    pub right: u64,
    pub top: u64,
    pub bottom: u64,
}

impl Frame {
    pub fn plot_width(&self) -> u64 {
        self.width.saturating_sub(self.left + self.right).max(1)
    }

    pub fn plot_height(&self) -> u64 {
        self.height.saturating_sub(self.top + self.bottom).max(1)
    }

    /// The bottom of the plot area.
    pub fn base(&self) -> u64 {
        self.top + self.plot_height()
    }

    pub fn right_edge(&self) -> u64 {
        self.left + self.plot_width()
    }

    /// `value` of `top` as a horizontal position, clamped to the plot.
    pub fn x(&self, value: u64, top: u64) -> u64 {
        self.left + scale(value, top, self.plot_width())
    }

    /// `value` of `top` as a vertical position, clamped to the plot.
    pub fn y(&self, value: u64, top: u64) -> u64 {
        self.base() - scale(value, top, self.plot_height())
    }
}

/// `value / top` of `length`, in u128 so huge (tampered) values cannot
/// overflow.
fn scale(value: u64, top: u64, length: u64) -> u64 {
    let top = u128::from(top.max(1));
    let value = u128::from(value).min(top);
    (value * u128::from(length) / top) as u64
}

/// How many line and bar styles there are before they repeat.
pub const STYLES: usize = 8;

/// The CSS class of member `i`'s colour and line pattern: the same member
/// looks the same in every chart.
pub fn style(i: usize) -> String {
    format!("s{}", i % STYLES)
}

/// A member's name, marked when it has left.
pub fn label(who: &Who) -> String {
    if who.active {
        who.name.clone()
    } else {
        format!("{} (left)", who.name)
    }
}

/// An SVG chart of CSS class `class`; `title` and `desc` name it for
/// screen readers (`role="img"`).
pub fn svg(
    class: &'static str,
    id: &str,
    frame: &Frame,
    title: String,
    desc: String,
    children: Html,
) -> Html {
    html! {
        <svg
            {class}
            viewBox={format!("0 0 {} {}", frame.width, frame.height)}
            role="img"
            aria-labelledby={format!("{id}-title {id}-desc")}
        >
            <title id={format!("{id}-title")}>{ title }</title>
            <desc id={format!("{id}-desc")}>{ desc }</desc>
            { children }
        </svg>
    }
}

pub fn line(class: &'static str, (x1, y1): (u64, u64), (x2, y2): (u64, u64)) -> Html {
    html! {
        <line
            {class}
            x1={x1.to_string()}
            y1={y1.to_string()}
            x2={x2.to_string()}
            y2={y2.to_string()}
        />
    }
}

/// `text` at (x, y); `anchor` is `start`, `middle` or `end`.
pub fn text(
    class: impl Into<Classes>,
    (x, y): (u64, u64),
    anchor: &'static str,
    text: impl Into<AttrValue>,
) -> Html {
    html! {
        <text class={class} x={x.to_string()} y={y.to_string()} text-anchor={anchor}>
            { text.into() }
        </text>
    }
}

/// A legend entry: a short sample of the line (colour and dash pattern)
/// beside the name.
pub fn key(class: &str, name: String) -> Html {
    html! {
        <li>
            <svg class="key" viewBox="0 0 48 12" aria-hidden="true">
                <line class={classes!("line", class.to_string())} x1="2" x2="46" y1="6" y2="6" />
            </svg>
            { name }
        </li>
    }
}

/// Horizontal grid lines with their values on the left, from 0 to `top`
/// by `step`, each value written by `show`.
pub fn value_grid(frame: &Frame, step: u64, top: u64, show: fn(u64) -> String) -> Html {
    let lines = (0..=top / step.max(1)).map(|i| {
        let value = i.saturating_mul(step);
        let y = frame.y(value, top);
        html! {
            <>
                { line("grid", (frame.left, y), (frame.right_edge(), y)) }
                { text("tick", (frame.left - 8, y + 8), "end", show(value)) }
            </>
        }
    });
    // In a group of their own: when the scale gains a line, what follows
    // is still patched in place.
    html! { <g>{ for lines }</g> }
}

/// Thousandths as units: Wh as kWh, milli-tokens as tokens.
pub fn thousandths(value: u64) -> String {
    fixed_point(value, 3)
}

/// The bottom axis for whole numbers from 0 to `max` (block heights or
/// block counts), ticked, with `title` under it; and the axis top.
pub fn count_axis(frame: &Frame, max: u64, title: &'static str) -> (Html, u64) {
    let (step, top) = axis(max, 5, 1);
    let base = frame.base();
    let ticks = (0..=top / step).map(|i| {
        let value = i.saturating_mul(step);
        let x = frame.x(value, top);
        html! {
            <>
                { line("axis", (x, base), (x, base + 8)) }
                { text("tick", (x, base + 32), "middle", value.to_string()) }
            </>
        }
    });
    let axis = html! {
        <>
            <g>
                { line("axis", (frame.left, base), (frame.right_edge(), base)) }
                { for ticks }
            </g>
            { text(
                "axis-label",
                (frame.left + frame.plot_width() / 2, frame.height - 6),
                "middle",
                title,
            ) }
        </>
    };
    (axis, top)
}

#[cfg(test)]
mod tests {
    #[test]
    fn huge_values_stay_inside_the_plot() {
        // The line charts' own plot.
        let f = crate::components::line_chart::FRAME;
        assert_eq!(f.y(u64::MAX, 1_000), f.top);
        assert_eq!(f.y(0, 1_000), f.base());
        assert_eq!(f.x(u64::MAX, u64::MAX), f.right_edge());
        assert_eq!(f.x(5, 0), f.right_edge());
    }
}
