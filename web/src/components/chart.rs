//! What the page's SVG charts share: the frame, the axes, the drawing
//! and the legend keys.
//!
//! A chart is drawn as Yew nodes ([`Drawing`]), built in a loop rather than
//! with `html!` (which costs download size per chart). A new block moves a
//! few points and numbers, so Yew patches those few attributes and texts;
//! the charts once went in as one piece of markup, which the browser parsed
//! and laid out again whole on every seal (about 4 ms of layout, style and
//! parsing a seal, measured on a loaded machine; docs/PERFORMANCE.md). Text from the chain (member names) goes into text
//! nodes and attribute values, never into markup. Coordinates are whole
//! units of the SVG's own box (it scales to its container), so no float is
//! formatted.

use ecloud_core::history::{axis, Who};
use ecloud_core::units::fixed_point;
use yew::prelude::*;
use yew::virtual_dom::{AttributeOrProperty, Attributes, VList, VNode, VTag, VText};

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

/// A drawing being built: elements are opened, given attributes and text,
/// and closed, inside whichever element is open.
#[derive(Default)]
pub struct Drawing {
    open: Vec<VTag>,
    done: Vec<VNode>,
}

/// A number as an attribute value.
pub fn num(value: u64) -> AttrValue {
    value.to_string().into()
}

impl Drawing {
    /// Starts element `tag` inside the open one, its attributes `keys` set
    /// to `values`. Keys fixed per kind of element let Yew compare two
    /// drawings attribute by attribute, with no map to build.
    pub fn open(
        &mut self,
        tag: &'static str,
        keys: &'static [&'static str],
        values: Vec<AttrValue>,
    ) -> &mut Self {
        debug_assert_eq!(keys.len(), values.len(), "<{tag}>");
        let mut element = VTag::new(tag);
        element.set_attributes(Attributes::Dynamic {
            keys,
            values: values
                .into_iter()
                .map(|v| Some(AttributeOrProperty::Attribute(v)))
                .collect(),
        });
        self.open.push(element);
        self
    }

    /// An element with nothing inside.
    pub fn leaf(
        &mut self,
        tag: &'static str,
        keys: &'static [&'static str],
        values: Vec<AttrValue>,
    ) {
        self.open(tag, keys, values).close();
    }

    /// Text inside the open element.
    pub fn content(&mut self, text: impl Into<AttrValue>) -> &mut Self {
        self.add(VText::new(text).into());
        self
    }

    /// Ends the element last opened.
    pub fn close(&mut self) -> &mut Self {
        if let Some(tag) = self.open.pop() {
            self.add(tag.into());
        }
        self
    }

    fn add(&mut self, node: VNode) {
        match self.open.last_mut() {
            Some(parent) => parent.add_child(node),
            None => self.done.push(node),
        }
    }

    /// Opens an SVG chart of CSS class `class`; `title` and `desc` name it
    /// for screen readers (`role="img"`).
    pub fn svg(
        &mut self,
        class: &'static str,
        id: &str,
        frame: &Frame,
        title: String,
        desc: String,
    ) {
        self.open(
            "svg",
            &["class", "viewBox", "role", "aria-labelledby"],
            vec![
                class.into(),
                format!("0 0 {} {}", frame.width, frame.height).into(),
                "img".into(),
                format!("{id}-title {id}-desc").into(),
            ],
        );
        self.open("title", &["id"], vec![format!("{id}-title").into()])
            .content(title)
            .close();
        self.open("desc", &["id"], vec![format!("{id}-desc").into()])
            .content(desc)
            .close();
    }

    pub fn line(&mut self, class: &'static str, (x1, y1): (u64, u64), (x2, y2): (u64, u64)) {
        self.leaf(
            "line",
            &["class", "x1", "y1", "x2", "y2"],
            vec![class.into(), num(x1), num(y1), num(x2), num(y2)],
        );
    }

    /// `text` at (x, y); `anchor` is `start`, `middle` or `end`.
    pub fn text(
        &mut self,
        class: impl Into<AttrValue>,
        (x, y): (u64, u64),
        anchor: &'static str,
        text: impl Into<AttrValue>,
    ) {
        self.open(
            "text",
            &["class", "x", "y", "text-anchor"],
            vec![class.into(), num(x), num(y), anchor.into()],
        )
        .content(text)
        .close();
    }

    /// A legend entry: a short sample of the line (colour and dash
    /// pattern) beside the name.
    pub fn key(&mut self, class: &str, name: String) {
        self.open("li", &[], Vec::new());
        self.open(
            "svg",
            &["class", "viewBox", "aria-hidden"],
            vec!["key".into(), "0 0 48 12".into(), "true".into()],
        );
        self.leaf(
            "line",
            &["class", "x1", "x2", "y1", "y2"],
            vec![
                format!("line {class}").into(),
                "2".into(),
                "46".into(),
                "6".into(),
                "6".into(),
            ],
        );
        self.close().content(name).close();
    }

    pub fn finish(mut self) -> Html {
        while !self.open.is_empty() {
            self.close();
        }
        VList::with_children(self.done, None).into()
    }
}

/// Horizontal grid lines with their values on the left, from 0 to `top`
/// by `step`, each value written by `show`.
pub fn value_grid(svg: &mut Drawing, frame: &Frame, step: u64, top: u64, show: fn(u64) -> String) {
    // In a group of their own: when the scale gains a line, what follows
    // is still patched in place.
    svg.open("g", &[], Vec::new());
    for i in 0..=top / step.max(1) {
        let value = i.saturating_mul(step);
        let y = frame.y(value, top);
        svg.line("grid", (frame.left, y), (frame.right_edge(), y));
        svg.text("tick", (frame.left - 8, y + 8), "end", show(value));
    }
    svg.close();
}

/// Thousandths as units: Wh as kWh, milli-tokens as tokens.
pub fn thousandths(value: u64) -> String {
    fixed_point(value, 3)
}

/// The bottom axis for whole numbers from 0 to `max` (block heights or
/// block counts), ticked, with `title` under it. Returns the axis top.
pub fn count_axis(svg: &mut Drawing, frame: &Frame, max: u64, title: &'static str) -> u64 {
    let (step, top) = axis(max, 5, 1);
    let base = frame.base();
    svg.open("g", &[], Vec::new());
    svg.line("axis", (frame.left, base), (frame.right_edge(), base));
    for i in 0..=top / step {
        let value = i.saturating_mul(step);
        let x = frame.x(value, top);
        svg.line("axis", (x, base), (x, base + 8));
        svg.text("tick", (x, base + 32), "middle", value.to_string());
    }
    svg.close();
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
