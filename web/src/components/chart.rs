//! What the page's SVG charts share: the frame, the axes, the markup and
//! the legend keys.
//!
//! A chart is written as text and handed to Yew in one piece: its few
//! hundred elements change together (with each block), so diffing them one
//! by one buys nothing, and building them with `html!` measured about
//! 1.5 KB more gzipped download per chart. Everything that comes from the chain (member names) goes through
//! [`escape`]; the rest is numbers and fixed class names. Coordinates are
//! whole units of the SVG's own box (it scales to its container), so no
//! float is formatted.

use ecloud_core::history::{axis, Who};
use ecloud_core::units::fixed_point;
use std::fmt::Write;
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

/// Text made safe inside markup, as element content or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Markup being written: a chart's SVG and what goes around it (figures,
/// legends). Only [`Markup::text`], [`Markup::svg`] and [`Markup::key`]
/// take text from the chain, and they escape it; `write!` is for numbers
/// and this code's own class names.
#[derive(Default)]
pub struct Markup(String);

impl Markup {
    /// Opens an SVG chart of CSS class `class`; `title` and `desc` name it
    /// for screen readers (`role="img"`).
    pub fn svg(&mut self, class: &str, id: &str, frame: &Frame, title: &str, desc: &str) {
        let _ = write!(
            self.0,
            "<svg class=\"{class}\" viewBox=\"0 0 {} {}\" role=\"img\" \
             aria-labelledby=\"{id}-title {id}-desc\">\
             <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
            frame.width,
            frame.height,
            escape(title),
            escape(desc)
        );
    }

    pub fn line(&mut self, class: &str, (x1, y1): (u64, u64), (x2, y2): (u64, u64)) {
        let _ = write!(
            self.0,
            "<line class=\"{class}\" x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\"/>"
        );
    }

    /// `text` at (x, y); `anchor` is `start`, `middle` or `end`.
    pub fn text(&mut self, class: &str, (x, y): (u64, u64), anchor: &str, text: &str) {
        let _ = write!(
            self.0,
            "<text class=\"{class}\" x=\"{x}\" y=\"{y}\" text-anchor=\"{anchor}\">{}</text>",
            escape(text)
        );
    }

    /// A legend entry: a short sample of the line (colour and dash
    /// pattern) beside the name.
    pub fn key(&mut self, class: &str, name: &str) {
        let _ = write!(
            self.0,
            "<li><svg class=\"key\" viewBox=\"0 0 48 12\" aria-hidden=\"true\">\
             <line class=\"line {class}\" x1=\"2\" x2=\"46\" y1=\"6\" y2=\"6\"/></svg>{}</li>",
            escape(name)
        );
    }

    /// Markup written here, never text from the chain.
    pub fn raw(&mut self, markup: &'static str) {
        self.0.push_str(markup);
    }

    pub fn finish(self) -> Html {
        Html::from_html_unchecked(self.0.into())
    }
}

/// Raw markup, for what the chart code writes itself: text from the chain
/// goes through the methods above.
impl Write for Markup {
    fn write_str(&mut self, markup: &str) -> std::fmt::Result {
        self.0.push_str(markup);
        Ok(())
    }
}

/// Horizontal grid lines with their values on the left, from 0 to `top`
/// by `step`, each value written by `show`.
pub fn value_grid(svg: &mut Markup, frame: &Frame, step: u64, top: u64, show: fn(u64) -> String) {
    for i in 0..=top / step.max(1) {
        let value = i.saturating_mul(step);
        let y = frame.y(value, top);
        svg.line("grid", (frame.left, y), (frame.right_edge(), y));
        svg.text("tick", (frame.left - 8, y + 8), "end", &show(value));
    }
}

/// Thousandths as units: Wh as kWh, milli-tokens as tokens.
pub fn thousandths(value: u64) -> String {
    fixed_point(value, 3)
}

/// The bottom axis for whole numbers from 0 to `max` (block heights or
/// block counts), ticked, with `title` under it. Returns the axis top.
pub fn count_axis(svg: &mut Markup, frame: &Frame, max: u64, title: &str) -> u64 {
    let (step, top) = axis(max, 5, 1);
    let base = frame.base();
    svg.line("axis", (frame.left, base), (frame.right_edge(), base));
    for i in 0..=top / step {
        let value = i.saturating_mul(step);
        let x = frame.x(value, top);
        svg.line("axis", (x, base), (x, base + 8));
        svg.text("tick", (x, base + 32), "middle", &value.to_string());
    }
    svg.text(
        "axis-label",
        (frame.left + frame.plot_width() / 2, frame.height - 6),
        "middle",
        title,
    );
    top
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_the_chain_cannot_write_markup() {
        assert_eq!(
            escape("<img src=x onerror=\"alert('1')\"> & Co"),
            "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; Co"
        );
        assert_eq!(escape("Anne"), "Anne");
    }

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
