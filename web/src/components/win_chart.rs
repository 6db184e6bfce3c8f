use crate::components::election::{head_row, num_cell, ElectionProps};
use crate::components::panel::Panel;
use crate::components::voting_tokens::tokens;
use crate::format::{millis, name};
use crate::state::{Action, ElectionAction, SimulatedWins, WinSimulation};
use ecloud_core::units::fixed_point;
use gloo_timers::callback::Timeout;
use yew::prelude::*;

/// "Simulate 1,000 elections": how often each candidate wins with its
/// current wealth, against what the formula expects.
#[function_component]
pub fn WinChart(props: &ElectionProps) -> Html {
    let running = props.election.simulation == WinSimulation::Running;
    {
        // The simulation runs once "Simulating" has been painted, so the
        // click is answered at once.
        let on_action = props.on_action.clone();
        use_effect_with(running, move |running| {
            let timeout = running.then(|| {
                Timeout::new(20, move || {
                    on_action.emit(Action::Election(ElectionAction::Simulate))
                })
            });
            move || drop(timeout)
        });
    }
    let (last_sealer, tip) = {
        let sim = props.community.read();
        let tip = sim.chain().tip();
        (name(sim.open_ledger(), tip.header.sealed_by), tip.height())
    };
    let on_click = props
        .on_action
        .reform(|_: MouseEvent| Action::Election(ElectionAction::RequestSimulation));
    let result = match &props.election.simulation {
        WinSimulation::NotRun => html! {},
        WinSimulation::Running => html! { <p>{ "Simulating 1,000 elections\u{2026}" }</p> },
        WinSimulation::Done(done) => result_view(done, tip),
    };
    html! {
        <Panel
            id="simulation"
            title="1,000 elections"
            why="One election is luck; a thousand show the odds. The seed's author ran 1,000 \
                 in a spreadsheet: here the browser does it in a blink."
        >
            <p>
                { format!(
                    "Holds 1,000 elections among everyone but {last_sealer}, who sealed the \
                     last block, each with their current wealth and fresh random draws, and \
                     compares how often each wins with what the formula expects. A member \
                     betting at random counts at its expected bet, 50.5 % of its free tokens; \
                     an offline member bets nothing."
                ) }
            </p>
            <button type="button" class="primary" onclick={on_click} disabled={running}>
                { "Simulate 1,000 elections" }
            </button>
            <div class="simulation-result" aria-live="polite">{ result }</div>
        </Panel>
    }
}

fn percent(share: f64) -> String {
    format!("{:.1} %", share * 100.0)
}

fn result_view(done: &SimulatedWins, tip: u64) -> Html {
    let rounds = f64::from(done.rounds.max(1));
    let source = if done.seeded {
        "draws from the run's seed, the same on every machine"
    } else {
        "draws from this browser's secure random source"
    };
    let summary = format!(
        "{} elections after block {} in {} ({source}).",
        fixed_point(u64::from(done.rounds), 0),
        done.after_block,
        millis(done.millis)
    );
    let grown = (tip > done.after_block).then(|| {
        html! {
            <p class="hint">{ "The chain has grown since: simulate again for today's wealth." }</p>
        }
    });
    let rows = done.candidates.iter().map(|c| {
        html! {
            <tr key={c.member.0}>
                <th scope="row">{ c.name.clone() }</th>
                { for [
                    tokens(c.bet),
                    fixed_point(c.wealth / 1_000, 3),
                    c.wins.to_string(),
                    percent(f64::from(c.wins) / rounds),
                    percent(c.expected),
                ].into_iter().map(num_cell) }
            </tr>
        }
    });
    html! {
        <>
            <p class="verdict">{ summary }</p>
            { grown }
            { chart(done) }
            <ul class="legend" aria-hidden="true">
                <li><span class="swatch simulated"></span>{ "Simulated share of wins" }</li>
                <li><span class="swatch expected"></span>{ "Expected from the wealth" }</li>
            </ul>
            <div class="table-wrap" tabindex="0">
                <table class="wins">
                    <caption>{ "Wins per candidate (bet and wealth in tokens)" }</caption>
                    <thead>{ head_row(&["Bet", "Wealth", "Wins", "Simulated", "Expected"]) }</thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </>
    }
}

// The chart's own coordinates; the SVG scales to its box.
const W: f64 = 640.0;
const H: f64 = 380.0;
const LEFT: f64 = 92.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 72.0;

fn num(v: f64) -> String {
    format!("{v:.1}")
}

/// A bar chart: per candidate, the simulated share of wins (solid) beside
/// the expected share (hatched), with a percentage axis.
fn chart(done: &SimulatedWins) -> Html {
    let rounds = f64::from(done.rounds.max(1));
    let n = done.candidates.len().max(1) as f64;
    let top_share = done
        .candidates
        .iter()
        .map(|c| (f64::from(c.wins) / rounds).max(c.expected))
        .fold(0.0, f64::max);
    // The axis ends at the next 10 % above the tallest bar.
    let axis_max = ((top_share * 10.0).ceil() / 10.0).clamp(0.1, 1.0);
    let step = if axis_max > 0.5 { 0.2 } else { 0.1 };
    let plot_h = H - TOP - BOTTOM;
    let plot_w = W - LEFT - RIGHT;
    let y = |share: f64| TOP + plot_h * (1.0 - (share / axis_max).min(1.0));
    let ticks = (0..=((axis_max / step).round() as u32)).map(|i| {
        let share = f64::from(i) * step;
        html! {
            <g class="tick">
                <line x1={num(LEFT)} x2={num(W - RIGHT)} y1={num(y(share))} y2={num(y(share))} />
                <text x={num(LEFT - 8.0)} y={num(y(share) + 9.0)} text-anchor="end">
                    { format!("{:.0} %", share * 100.0) }
                </text>
            </g>
        }
    });
    let slot = plot_w / n;
    let bar_w = (slot * 0.34).min(90.0);
    let groups = done.candidates.iter().enumerate().map(|(i, c)| {
        let centre = LEFT + slot * (i as f64 + 0.5);
        let simulated = f64::from(c.wins) / rounds;
        let bar = |class: &'static str, share: f64, x: f64, label: String| {
            html! {
                <>
                    <rect
                        class={classes!("bar", class)}
                        x={num(x)}
                        y={num(y(share))}
                        width={num(bar_w)}
                        height={num(TOP + plot_h - y(share))}
                        data-wins={(class == "simulated").then(|| c.wins.to_string())}
                    />
                    <text class="value" x={num(x + bar_w / 2.0)} y={num(y(share) - 6.0)} text-anchor="middle">
                        { label }
                    </text>
                </>
            }
        };
        html! {
            <g class="candidate" key={c.member.0}>
                { bar("simulated", simulated, centre - bar_w - 2.0, format!("{:.0} %", simulated * 100.0)) }
                { bar("expected", c.expected, centre + 2.0, format!("{:.0} %", c.expected * 100.0)) }
                <text class="name" x={num(centre)} y={num(H - BOTTOM + 32.0)} text-anchor="middle">
                    { c.name.clone() }
                </text>
                <text class="wins-label" x={num(centre)} y={num(H - BOTTOM + 62.0)} text-anchor="middle">
                    { format!("{} wins", c.wins) }
                </text>
            </g>
        }
    });
    let description = done
        .candidates
        .iter()
        .map(|c| {
            format!(
                "{}: {} wins ({}), expected {}",
                c.name,
                c.wins,
                percent(f64::from(c.wins) / rounds),
                percent(c.expected)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        <svg
            class="win-chart"
            viewBox={format!("0 0 {W} {H}")}
            role="img"
            aria-labelledby="win-chart-title win-chart-desc"
        >
            <title id="win-chart-title">
                { format!(
                    "Share of {} simulated elections won, against the expectation",
                    fixed_point(u64::from(done.rounds), 0)
                ) }
            </title>
            <desc id="win-chart-desc">{ format!("{description}.") }</desc>
            <defs>
                <pattern id="hatch" width="10" height="10" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <rect width="10" height="10" class="hatch-bg" />
                    <line x1="0" y1="0" x2="0" y2="10" class="hatch-line" />
                </pattern>
            </defs>
            { for ticks }
            <text class="axis-label" x="4" y="20">{ "share of wins" }</text>
            <line class="axis" x1={num(LEFT)} x2={num(W - RIGHT)} y1={num(TOP + plot_h)} y2={num(TOP + plot_h)} />
            { for groups }
        </svg>
    }
}
