use crate::components::chart::{
    count_axis, fit, grid_label_width, key, label, style, svg, text, text_width, thousandths,
    value_grid, Frame, FONT,
};
use ecloud_core::encoding::order::sorted_by;
use ecloud_core::encoding::units::fixed_point;
use ecloud_core::simulation::history::{axis, History, Series};
use std::fmt::Write;
use yew::prelude::*;

/// What a line chart plots from the history.
#[derive(Clone, Copy, PartialEq)]
pub enum Measure {
    /// Each member's energy balance.
    Energy,
    /// Each member's free tokens, and the tokens frozen by all.
    Tokens,
}

struct Line<'a> {
    name: String,
    class: String,
    series: &'a Series,
    /// A generator's balance (capacity left), plotted apart from customers.
    generator: bool,
}

/// The charts' width in SVG units: on a projector two charts side by side,
/// each whole on the screen; on a phone text of 13 px (chart.rs, `FONT`).
const WIDTH: u64 = 560;
/// One plot: its height and the room above it (the value axis' caption)
/// and below it (the block heights and their caption).
const HEIGHT: u64 = 340;
const TOP: u64 = 40;
const BOTTOM: u64 = 66;
/// Two plots on one time axis: a generator's 1,000 kWh would flatten
/// every customer's line on a shared scale, and how they grow by their
/// shares is the point. The upper plot ends at 130, the lower starts at 180.
const SPLIT_HEIGHT: u64 = 400;
const UPPER_BOTTOM: u64 = SPLIT_HEIGHT - 130;
const LOWER_TOP: u64 = 180;

/// The widest a label at a line's end may be; a longer one is cut short
/// (the legend names everyone in full).
const MAX_END_LABEL: u64 = 180;
/// Room between two labels at the lines' ends, so close lines stay readable:
/// a line of text (chart.rs, `FONT`) and a little more.
const LABEL_GAP: i64 = FONT as i64 + 6;

/// One plot of a chart: its lines, value axis and caption.
struct Plot<'a, 'b> {
    lines: Vec<&'b Line<'a>>,
    caption: &'static str,
    top: u64,
    bottom: u64,
    step: u64,
    y_top: u64,
    /// The names at the lines' ends: lines that end on the same value share
    /// one label, so at block 0 they do not pile up.
    labels: Vec<EndLabel>,
}

struct EndLabel {
    value: u64,
    text: String,
    class: String,
}

impl<'a, 'b> Plot<'a, 'b> {
    fn new(
        lines: Vec<&'b Line<'a>>,
        caption: &'static str,
        (height, top, bottom): (u64, u64, u64),
    ) -> Self {
        let max = lines.iter().map(|l| l.series.max()).max().unwrap_or(0);
        let plot_height = height.saturating_sub(top + bottom);
        let ticks = if plot_height < 150 { 2 } else { 4 };
        let (step, y_top) = axis(max, ticks, 1_000);
        let mut labels: Vec<EndLabel> = Vec::new();
        for line in &lines {
            let Some(value) = line.series.last() else {
                continue;
            };
            match labels.iter_mut().find(|l| l.value == value) {
                Some(shared) => {
                    shared.text = format!("{}, {}", shared.text, line.name);
                    shared.class = "many".into();
                }
                None => labels.push(EndLabel {
                    value,
                    text: line.name.clone(),
                    class: line.class.clone(),
                }),
            }
        }
        Plot {
            lines,
            caption,
            top,
            bottom,
            step,
            y_top,
            labels,
        }
    }

    fn frame(&self, height: u64, left: u64, right: u64) -> Frame {
        Frame {
            width: WIDTH,
            height,
            left,
            right,
            top: self.top,
            bottom: self.bottom,
        }
    }
}

/// One line per member over the block heights, with its name at its end
/// and a legend; colour and dash pattern tell the lines apart.
pub fn line_chart(h: &History, measure: Measure) -> Html {
    let (id, unit, what) = match measure {
        Measure::Energy => ("energy-chart", "kWh", "Energy balance of each member"),
        Measure::Tokens => (
            "tokens-chart",
            "tokens",
            "Free voting tokens of each member and tokens frozen",
        ),
    };
    let values = match measure {
        Measure::Energy => &h.energy,
        Measure::Tokens => &h.free,
    };
    let mut lines: Vec<Line> = h
        .members
        .iter()
        .zip(values)
        .enumerate()
        .filter(|(_, (_, series))| series.values.iter().any(Option::is_some))
        .map(|(i, (who, series))| Line {
            name: label(who),
            class: style(i),
            series,
            generator: who.generator,
        })
        .collect();
    if measure == Measure::Tokens {
        lines.push(Line {
            name: "Frozen (all)".to_string(),
            class: "frozen".to_string(),
            series: &h.frozen,
            generator: false,
        });
    }

    let tip = h.heights.last().copied().unwrap_or(0);
    let mut at_tip = String::new();
    for line in &lines {
        if let Some(v) = line.series.last() {
            let comma = if at_tip.is_empty() { "" } else { ", " };
            let _ = write!(at_tip, "{comma}{} {}", line.name, fixed_point(v, 3));
        }
    }
    let (generators, customers): (Vec<&Line>, Vec<&Line>) = lines.iter().partition(|l| l.generator);
    let split = measure == Measure::Energy && !generators.is_empty() && !customers.is_empty();
    let (height, plots) = if split {
        (
            SPLIT_HEIGHT,
            vec![
                Plot::new(
                    generators,
                    "kWh left, generators",
                    (SPLIT_HEIGHT, TOP, UPPER_BOTTOM),
                ),
                Plot::new(
                    customers,
                    "kWh, customers",
                    (SPLIT_HEIGHT, LOWER_TOP, BOTTOM),
                ),
            ],
        )
    } else {
        (
            HEIGHT,
            vec![Plot::new(
                lines.iter().collect(),
                unit,
                (HEIGHT, TOP, BOTTOM),
            )],
        )
    };
    // Room for the values on the left and, once the lines have length, for
    // the names at their ends on the right; at block 0 the names stand in
    // the empty plot beside the first points.
    let left = 16
        + plots
            .iter()
            .map(|p| grid_label_width(p.step, p.y_top, thousandths))
            .max()
            .unwrap_or(0)
            .max(FONT);
    let widest_label = plots
        .iter()
        .flat_map(|p| &p.labels)
        .map(|l| text_width(&l.text, true))
        .max()
        .unwrap_or(0);
    let right = if tip == 0 {
        FONT
    } else {
        16 + widest_label.min(MAX_END_LABEL)
    };
    let axis_frame = plots[plots.len() - 1].frame(height, left, right);
    let (x_axis, x_top) = count_axis(&axis_frame, tip, "block height", |h| h.to_string());
    let drawn = plots
        .iter()
        .map(|p| plot(&p.frame(height, left, right), p, h, x_top, tip));
    html! {
        <>
            { svg(
                "history-chart",
                id,
                &axis_frame,
                format!("{what}, in {unit}, from block 0 to block {tip}"),
                format!("At block {tip}, in {unit}: {at_tip}."),
                html! { <>{ x_axis }{ for drawn }</> },
            ) }
            <ul class="legend">
                { for lines.iter().map(|line| key(&line.class, line.name.clone())) }
            </ul>
        </>
    }
}

/// One plot's lines in `frame`, on a value axis of its own.
fn plot(frame: &Frame, p: &Plot, h: &History, x_top: u64, tip: u64) -> Html {
    // A member in no ledger for a while (before it joined) leaves a gap:
    // one polyline per run of points.
    let mut polylines = Vec::new();
    for line in &p.lines {
        let mut run = String::new();
        let mut points = 0;
        for (&height, value) in h.heights.iter().zip(&line.series.values) {
            match value {
                Some(v) => {
                    let _ = write!(run, "{},{} ", frame.x(height, x_top), frame.y(*v, p.y_top));
                    points += 1;
                }
                None => {
                    polylines.extend(polyline(&line.class, &run, points));
                    run.clear();
                    points = 0;
                }
            }
        }
        polylines.extend(polyline(&line.class, &run, points));
    }
    let x = frame.x(tip, x_top) + 10;
    let room = if tip == 0 {
        frame.right_edge().saturating_sub(x)
    } else {
        MAX_END_LABEL
    };
    html! {
        <>
            { value_grid(frame, p.step, p.y_top, thousandths) }
            { text("axis-label", (8, frame.top - 16), "start", p.caption) }
            { for polylines }
            { end_labels(frame, &p.labels, x, p.y_top, room) }
        </>
    }
}

fn polyline(class: &str, run: &str, points: usize) -> Option<Html> {
    // A lone point (one block so far) is the same point twice: with round
    // caps, a dot.
    let again = if points == 1 { run } else { "" };
    (points > 0).then(|| {
        html! {
            <polyline class={classes!("line", class.to_string())} points={format!("{run}{again}")} />
        }
    })
}

/// Each label beside its lines' last point, moved apart just enough that
/// no two overlap, and cut to `room` units.
fn end_labels(frame: &Frame, labels: &[EndLabel], x: u64, y_top: u64, room: u64) -> Html {
    let placed: Vec<(i64, &EndLabel)> = labels
        .iter()
        .map(|l| (frame.y(l.value, y_top) as i64 + 8, l))
        .collect();
    let mut placed = sorted_by(&placed, &|a, b| a.0.cmp(&b.0));
    for i in 1..placed.len() {
        placed[i].0 = placed[i].0.max(placed[i - 1].0 + LABEL_GAP);
    }
    // Pushed past the bottom: move up from the last one.
    let mut limit = frame.base() as i64;
    for entry in placed.iter_mut().rev() {
        entry.0 = entry.0.min(limit);
        limit = entry.0 - LABEL_GAP;
    }
    // More lines than a column of names can hold: the legend names them.
    if placed.first().is_some_and(|(y, _)| *y < FONT as i64) {
        return html! {};
    }
    placed
        .into_iter()
        .map(|(y, l)| {
            let y = u64::try_from(y).unwrap_or(0);
            text(
                classes!("end-label", l.class.clone()),
                (x, y),
                "start",
                fit(&l.text, room, true),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_values_stay_inside_the_plot() {
        let f = Frame {
            width: WIDTH,
            height: HEIGHT,
            left: 96,
            right: 128,
            top: TOP,
            bottom: BOTTOM,
        };
        assert_eq!(f.y(u64::MAX, 1_000), f.top);
        assert_eq!(f.y(0, 1_000), f.base());
        assert_eq!(f.x(u64::MAX, u64::MAX), f.right_edge());
        assert_eq!(f.x(5, 0), f.right_edge());
    }
}
