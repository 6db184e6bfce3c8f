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

/// The size of the charts' text in SVG units (style.css draws it so). The
/// charts are 560 units wide: on a phone's 340-pixel column that is 13 px.
pub const FONT: u64 = 22;

/// About how wide `text` is drawn, in SVG units: generous (DejaVu Sans
/// Bold's advances, wider than most system fonts), so that text given this
/// much room is never clipped.
pub fn text_width(text: &str, bold: bool) -> u64 {
    let tenths_of_em: u64 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' | ' ' => 4,
            'f' | 't' | 'r' | '(' | ')' | '-' => 5,
            'm' | 'w' | 'M' | 'W' => 11,
            c if c.is_ascii_uppercase() || !c.is_ascii() => 9,
            _ => 7,
        })
        .sum();
    let width = tenths_of_em * FONT / 10;
    if bold {
        width
    } else {
        width * 9 / 10
    }
}

/// `text`, cut short with an ellipsis if it is wider than `room` units.
pub fn fit(text: &str, room: u64, bold: bool) -> String {
    if text_width(text, bold) <= room {
        return text.to_string();
    }
    let mut cut = String::new();
    for c in text.chars() {
        cut.push(c);
        if text_width(&cut, bold) + FONT > room {
            cut.pop();
            break;
        }
    }
    format!("{}\u{2026}", cut.trim_end())
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

/// The values on a value axis from 0 to `top` by `step`.
pub fn grid_values(step: u64, top: u64) -> impl Iterator<Item = u64> {
    (0..=top / step.max(1)).map(move |i| i.saturating_mul(step))
}

/// The room the values of a value axis take on its left, written by `show`.
pub fn grid_label_width(step: u64, top: u64, show: fn(u64) -> String) -> u64 {
    grid_values(step, top)
        .map(|v| text_width(&show(v), false))
        .max()
        .unwrap_or(0)
}

/// Horizontal grid lines with their values on the left, from 0 to `top`
/// by `step`, each value written by `show`.
pub fn value_grid(frame: &Frame, step: u64, top: u64, show: fn(u64) -> String) -> Html {
    let lines = grid_values(step, top).map(|value| {
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

/// The bottom axis for whole numbers from 0 to `max`, ticked, with `title`
/// under it; and the axis top. Block counts are written with thousands
/// separators (`show`); block heights, which name blocks, without.
pub fn count_axis(
    frame: &Frame,
    max: u64,
    title: &'static str,
    show: fn(u64) -> String,
) -> (Html, u64) {
    // Five intervals where they fit, fewer on a narrow plot.
    let (step, top) = axis(max, (frame.plot_width() / 80).clamp(2, 5), 1);
    let base = frame.base();
    let ticks = (0..=top / step).map(|i| {
        let value = i.saturating_mul(step);
        let x = frame.x(value, top);
        html! {
            <>
                { line("axis", (x, base), (x, base + 8)) }
                { text("tick", (x, base + 32), "middle", show(value)) }
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
