use crate::components::balances::{balances, BalancesProps};
use crate::components::block_list::{block_list, BlockListProps};
use crate::components::charts::{use_charts, ChartsProps};
use crate::components::election::election_panels;
use crate::components::files::{use_files, FilesProps};
use crate::components::generation::{generation, GenerationProps};
use crate::components::members::{members, MembersProps};
use crate::components::next_block::{use_next_block, NextBlockProps};
use crate::components::open_block::{use_open_block, OpenBlockProps};
use crate::components::pure::pure;
use crate::components::shares::{shares, SharesProps};
use crate::components::tamper::{tamper_panel, TamperPanelProps};
use crate::components::verify::{use_verify, VerifyProps};
use crate::hooks::use_block_timer;
use crate::state::{AppState, Verification};
use yew::functional::Hook;
use yew::prelude::*;

/// What the page starts from: the run (kept or fresh), or why there is none.
#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub started: Result<AppState, String>,
}

/// The page, mounted as the root `Pure` (`main`). If starting failed (no
/// secure random source, say), it says so instead of dying. Not a component
/// of its own, nor a starter and a dashboard: each Yew component costs about
/// 1 KB of WebAssembly (docs/PERFORMANCE.md, "Size").
#[hook]
pub fn use_app(props: &AppProps) -> Html {
    // The props never change (they are the root's), so either every render
    // returns here, before the hooks, or none does.
    let initial = match &props.started {
        Ok(state) => state,
        Err(why) => {
            return html! {
                <>
                    { masthead() }
                    <main class="failed">
                        <p role="alert">{ format!("E-Cloud could not start: {why}.") }</p>
                    </main>
                </>
            }
        }
    };
    let state = use_reducer(|| initial.clone());
    use_block_timer(state.dispatcher());
    crate::console::use_console(state.community.clone());
    crate::hooks::use_storage(
        state.community.clone(),
        state.explorer.foreign_keys,
        state.dispatcher(),
    );
    crate::hooks::use_settings_storage(state.settings());
    let on_action = state.dispatcher().to_callback();
    html! {
        <>
            { masthead() }
            <main class="dashboard">
                { pure(
                    NextBlockProps {
                        community: state.community.clone(),
                        clock: state.clock.clone(),
                        now_ms: state.now_ms,
                        notice: state.notices.clock.clone(),
                        sealing: state.notices.sealing.clone(),
                        fast_forward: state.fast_forward,
                        on_action: on_action.clone(),
                    },
                    |p, ctx| use_next_block(p).run(ctx),
                ) }
                { pure(BalancesProps { community: state.community.clone() }, |p, _| balances(p)) }
                { pure(
                    GenerationProps {
                        community: state.community.clone(),
                        drafts: state.energy_drafts.clone(),
                        auto: state.auto.clone(),
                        notice: state.notices.generation.clone(),
                        on_action: on_action.clone(),
                    },
                    |p, _| generation(p),
                ) }
                { election_panels(&state.community, &state.election, &on_action) }
                { pure(
                    SharesProps {
                        community: state.community.clone(),
                        drafts: state.share_drafts.clone(),
                        notice: state.notices.shares.clone(),
                        on_action: on_action.clone(),
                    },
                    |p, _| shares(p),
                ) }
                { pure(
                    MembersProps {
                        community: state.community.clone(),
                        membership: state.membership.clone(),
                        on_action: on_action.clone(),
                    },
                    |p, _| members(p),
                ) }
                { pure(
                    OpenBlockProps { community: state.community.clone() },
                    |p, ctx| use_open_block(p).run(ctx),
                ) }
                { pure(
                    ChartsProps { community: state.community.clone() },
                    |p, ctx| use_charts(p).run(ctx),
                ) }
                { pure(
                    VerifyProps {
                        community: state.community.clone(),
                        verification: state.verification.clone(),
                        notice: state.notices.verify.clone(),
                        on_action: on_action.clone(),
                    },
                    |p, ctx| use_verify(p).run(ctx),
                ) }
                { pure(
                    FilesProps {
                        community: state.community.clone(),
                        explorer: state.explorer.clone(),
                        on_action: on_action.clone(),
                    },
                    |p, ctx| use_files(p).run(ctx),
                ) }
                { pure(
                    TamperPanelProps {
                        community: state.community.clone(),
                        notice: state.explorer.notice.clone(),
                        on_action: on_action.clone(),
                    },
                    |p, _| tamper_panel(p),
                ) }
                { pure(
                    BlockListProps {
                        verification: block_statuses(&state.verification),
                        explorer: state.explorer.clone(),
                        community: state.community.clone(),
                        window: state.blocks.clone(),
                        notice: state.notices.blocks.clone(),
                        on_action,
                    },
                    |p, _| block_list(p),
                ) }
            </main>
            <footer class="colophon">
                <p>
                    { "Runs entirely in this browser: Rust compiled to WebAssembly, \
                       no server, nothing loaded from other sites." }
                </p>
            </footer>
        </>
    }
}

/// What the block list marks blocks by: the last verdict. A verification
/// under way marks none yet, the same as none run; handing it the progress
/// would re-render the list after every slice for nothing.
fn block_statuses(verification: &Verification) -> Verification {
    match verification {
        Verification::Running(_) => Verification::NotRun,
        other => other.clone(),
    }
}

/// The page's heading. A plain function: it has no state, and each Yew
/// component costs about 1 KB of WebAssembly (docs/PERFORMANCE.md, "Size").
fn masthead() -> Html {
    html! {
        <header class="masthead">
            <h1>{ "E-Cloud" }</h1>
            <p class="tagline">
                { "A community shares a generator's energy without a utility in the middle: \
                   every reading and every share change is signed, sealed into a block \
                   and checked by everyone." }
            </p>
        </header>
    }
}
