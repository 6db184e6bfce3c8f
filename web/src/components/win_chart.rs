use crate::components::chart::{line, svg, text, value_grid, Frame};
use crate::components::election::ElectionProps;
use crate::components::markup::{hint, num_cell, number_table};
use crate::components::panel::Panel;
use crate::components::voting_tokens::tokens;
use crate::format::{count, millis, name, thousands};
use crate::hooks::use_after_paint;
use crate::state::{Action, ElectionAction, SimulatedWins, WinSimulation};
use ecloud_core::encoding::units::fixed_point;
use ecloud_core::simulation::history::axis;
use ecloud_core::Decimal;
use std::fmt::Write;
use yew::prelude::*;

/// "Simulate 1,000 elections": how often each candidate wins with its
/// current wealth, against what the formula expects.
#[function_component]
pub fn WinChart(props: &ElectionProps) -> Html {
    let running = props.election.simulation == WinSimulation::Running;
    {
        let on_action = props.on_action.clone();
        use_after_paint(running.then_some(()), move |()| {
            on_action.emit(Action::Election(ElectionAction::Simulate))
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
    Panel {
        id: "simulation",
        title: "1,000 elections".into(),
        wide: false,
        why: "One election is luck; a thousand show the odds. The seed's author ran 1,000 \
                 in a spreadsheet: here the browser does it in a blink.",
    }
    .view(html! {
        <>
            <p>
                { format!(
                    "Holds 1,000 elections among everyone but {last_sealer}, who sealed the \
                     last block, each with their current wealth and fresh random draws, and \
                     compares how often each wins with what the formula expects. A member \
                     betting at random counts at their expected bet, 50.5 % of their free tokens; \
                     an offline member bets nothing."
                ) }
            </p>
            <button type="button" class="primary" onclick={on_click} disabled={running}>
                { "Simulate 1,000 elections" }
            </button>
            <div class="simulation-result" aria-live="polite">{ result }</div>
        </>
    })
}

fn percent(share: f64) -> String {
    format!("{:.1} %", Decimal(share * 100.0))
}

fn result_view(done: &SimulatedWins, tip: u64) -> Html {
    let rounds = f64::from(done.rounds.max(1));
    let source = if done.seeded {
        "draws from the run's seed, the same on every machine"
    } else {
        "draws from this browser's secure random source"
    };
    let summary = format!(
        "{} after block {} in {} ({source}).",
        count(u64::from(done.rounds), "election", "elections"),
        done.after_block,
        millis(done.millis)
    );
    let grown = (tip > done.after_block).then(|| {
        html! {
            { hint("The chain has grown since: simulate again for today's wealth.".into()) }
        }
    });
    let rows = done.candidates.iter().map(|c| {
        html! {
            <tr key={c.member.0}>
                <th scope="row">{ c.name.clone() }</th>
                { for [
                    tokens(c.bet),
                    fixed_point(c.wealth / 1_000, 3),
                    thousands(u64::from(c.wins)),
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
            { number_table(
                "wins",
                "Wins per candidate (bet and wealth in tokens)".into(),
                "Candidate",
                &["Bet", "Wealth", "Wins", "Simulated", "Expected"],
                rows.collect(),
            ) }
        </>
    }
}

/// A share (0 to 1) in basis points, for drawing: the only float in the
/// chart is the share itself.
fn basis_points(share: f64) -> u64 {
    (share * 10_000.0).round().clamp(0.0, 10_000.0) as u64
}

/// Basis points as a whole percentage: `40 %`.
fn whole_percent(bp: u64) -> String {
    format!("{} %", (bp + 50) / 100)
}

const FRAME: Frame = Frame {
    width: 640,
    height: 380,
    left: 92,
    right: 12,
    top: 34,
    bottom: 72,
};

/// A bar chart: per candidate, the simulated share of wins (solid) beside
/// the expected share (hatched), with a percentage axis.
fn chart(done: &SimulatedWins) -> Html {
    let rounds = f64::from(done.rounds.max(1));
    let shares: Vec<(u64, u64)> = done
        .candidates
        .iter()
        .map(|c| {
            (
                basis_points(f64::from(c.wins) / rounds),
                basis_points(c.expected),
            )
        })
        .collect();
    let mut description = String::new();
    for c in &done.candidates {
        let sep = if description.is_empty() { "" } else { "; " };
        let _ = write!(
            description,
            "{sep}{}: {} ({}), expected {}",
            c.name,
            count(u64::from(c.wins), "win", "wins"),
            percent(f64::from(c.wins) / rounds),
            percent(c.expected)
        );
    }
    let tallest = shares.iter().map(|&(s, e)| s.max(e)).max().unwrap_or(0);
    let (step, top) = axis(tallest, 5, 1_000);
    let base = FRAME.base();
    let slot = FRAME.plot_width() / (shares.len().max(1) as u64);
    let bar_w = (slot * 34 / 100).min(90);
    let candidates = done.candidates.iter().zip(&shares).enumerate().map(|(i, (c, &(simulated, expected)))| {
        let centre = FRAME.left + slot * i as u64 + slot / 2;
        // The simulated share left of the centre, the expected one right of it.
        let bar = |class: &'static str, bp: u64, x: u64, wins: Option<u32>| {
            let y = FRAME.y(bp, top);
            html! {
                <>
                    <rect
                        class={classes!("bar", class)}
                        x={x.to_string()}
                        y={y.to_string()}
                        width={bar_w.to_string()}
                        height={(base - y).to_string()}
                        data-wins={wins.map(|w| w.to_string())}
                    />
                    { text("value", (x + bar_w / 2, y.saturating_sub(6)), "middle", whole_percent(bp)) }
                </>
            }
        };
        html! {
            <>
                { bar("simulated", simulated, centre.saturating_sub(bar_w + 2), Some(c.wins)) }
                { bar("expected", expected, centre + 2, None) }
                { text("name", (centre, base + 32), "middle", c.name.clone()) }
                { text("wins-label", (centre, base + 62), "middle", count(u64::from(c.wins), "win", "wins")) }
            </>
        }
    });
    svg(
        "win-chart",
        "win-chart",
        &FRAME,
        format!(
            "Share of {} won, against the expectation",
            count(
                u64::from(done.rounds),
                "simulated election",
                "simulated elections"
            )
        ),
        format!("{description}."),
        html! {
            <>
                <defs>
                    <pattern
                        id="hatch"
                        width="10"
                        height="10"
                        patternUnits="userSpaceOnUse"
                        patternTransform="rotate(45)"
                    >
                        <rect width="10" height="10" class="hatch-bg" />
                        { line("hatch-line", (0, 0), (0, 10)) }
                    </pattern>
                </defs>
                { value_grid(&FRAME, step, top, whole_percent) }
                { text("axis-label", (4, 20), "start", "share of wins") }
                { line("axis", (FRAME.left, base), (FRAME.right_edge(), base)) }
                { for candidates }
            </>
        },
    )
}
