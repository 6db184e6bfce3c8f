use crate::components::chart::{
    count_axis, key, label, style, svg, text, thousandths, value_grid, Frame,
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

/// One plot.
pub(crate) const FRAME: Frame = Frame {
    width: 640,
    height: 360,
    left: 96,
    right: 128,
    top: 40,
    bottom: 66,
};

/// Two plots on one time axis: a generator's 1,000 kWh would flatten
/// every customer's line on a shared scale, and how they grow by their
/// shares is the point.
const UPPER: Frame = Frame {
    height: 500,
    bottom: 350,
    ..FRAME
};
const LOWER: Frame = Frame {
    height: 500,
    top: 210,
    ..FRAME
};

/// Room between two labels at the lines' ends, so close lines stay readable.
const LABEL_GAP: i64 = 24;

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
    let frame = if split { LOWER } else { FRAME };
    let (x_axis, x_top) = count_axis(&frame, tip, "block height");
    let plots = if split {
        html! {
            <>
                { plot(&UPPER, &generators, h, x_top, "kWh left, generators") }
                { plot(&LOWER, &customers, h, x_top, "kWh, customers") }
            </>
        }
    } else {
        plot(&FRAME, &lines.iter().collect::<Vec<_>>(), h, x_top, unit)
    };
    html! {
        <>
            { svg(
                "history-chart",
                id,
                &frame,
                format!("{what}, in {unit}, from block 0 to block {tip}"),
                format!("At block {tip}, in {unit}: {at_tip}."),
                html! { <>{ x_axis }{ plots }</> },
            ) }
            <ul class="legend">
                { for lines.iter().map(|line| key(&line.class, line.name.clone())) }
            </ul>
        </>
    }
}

/// `lines` in `frame`, on a value axis of their own titled `caption`.
fn plot(frame: &Frame, lines: &[&Line], h: &History, x_top: u64, caption: &'static str) -> Html {
    let max = lines.iter().map(|l| l.series.max()).max().unwrap_or(0);
    let ticks = if frame.plot_height() < 200 { 2 } else { 4 };
    let (step, y_top) = axis(max, ticks, 1_000);
    // A member in no ledger for a while (before it joined) leaves a gap:
    // one polyline per run of points.
    let mut polylines = Vec::new();
    for line in lines {
        let mut run = String::new();
        let mut points = 0;
        for (&height, value) in h.heights.iter().zip(&line.series.values) {
            match value {
                Some(v) => {
                    let _ = write!(run, "{},{} ", frame.x(height, x_top), frame.y(*v, y_top));
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
    let tip = h.heights.last().copied().unwrap_or(0);
    html! {
        <>
            { value_grid(frame, step, y_top, thousandths) }
            { text("axis-label", (8, frame.top - 16), "start", caption) }
            { for polylines }
            { end_labels(frame, lines, frame.x(tip, x_top) + 10, y_top) }
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

/// Each line's name beside its last point, moved apart just enough that
/// no two overlap.
fn end_labels(frame: &Frame, lines: &[&Line], x: u64, y_top: u64) -> Html {
    let placed: Vec<(i64, &Line)> = lines
        .iter()
        .filter_map(|l| l.series.last().map(|v| (frame.y(v, y_top) as i64 + 8, *l)))
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
    placed
        .into_iter()
        .map(|(y, line)| {
            let y = u64::try_from(y).unwrap_or(0);
            text(
                classes!("end-label", line.class.clone()),
                (x, y),
                "start",
                line.name.clone(),
            )
        })
        .collect()
}
