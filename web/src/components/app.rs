use crate::components::balances::Balances;
use crate::components::block_list::BlockList;
use crate::components::charts::Charts;
use crate::components::election::ElectionPanel;
use crate::components::files::Files;
use crate::components::generation::Generation;
use crate::components::kept::KeptRun;
use crate::components::members::Members;
use crate::components::next_block::NextBlock;
use crate::components::open_block::OpenBlock;
use crate::components::shares::Shares;
use crate::components::tamper::TamperPanel;
use crate::components::verify::Verify;
use crate::components::voting_tokens::VotingTokens;
use crate::components::win_chart::WinChart;
use crate::console::use_console;
use crate::hooks::{
    use_block_timer, use_following, use_older_blocks, use_opening, use_settings_storage,
    use_storage, Opening, StoreHandle,
};
use crate::state::{AppState, Verification};
use yew::prelude::*;

/// The page: the run kept in this browser is opened first (a long one
/// takes a moment, said as it is read). If starting failed (no secure
/// random source, say), it says so instead of dying.
#[function_component]
pub fn App() -> Html {
    let opening = use_opening();
    match &*opening {
        Opening::Opened(opened) => html! {
            <Dashboard
                initial={opened.state.clone()}
                store={opened.store.clone().map(StoreHandle)}
            />
        },
        Opening::Reading => html! {
            <>
                { masthead() }
                <main class="opening">
                    <p role="status">{ "Opening the run kept in this browser\u{2026}" }</p>
                </main>
            </>
        },
        Opening::Failed(why) => html! {
            <>
                { masthead() }
                <main class="failed">
                    <p role="alert">{ format!("E-Cloud could not start: {why}.") }</p>
                </main>
            </>
        },
    }
}

#[derive(Properties, PartialEq)]
struct DashboardProps {
    initial: AppState,
    store: Option<StoreHandle>,
}

/// Every panel, around the page's one state.
#[function_component]
fn Dashboard(props: &DashboardProps) -> Html {
    let state = use_reducer(|| props.initial.clone());
    use_block_timer(state.dispatcher());
    use_console(state.community.clone());
    use_storage(props.store.clone(), &state, state.dispatcher());
    use_following(props.store.clone(), &state, state.dispatcher());
    use_older_blocks(props.store.clone(), &state, state.dispatcher());
    use_settings_storage(props.store.clone(), state.settings(), state.keeping.role);
    let on_action = state.dispatcher().to_callback();
    let community = &state.community;
    // A tab that follows another changes nothing: the panels that change
    // the run are disabled, the banner says why.
    let following = state.keeping.following();
    html! {
        <>
            { masthead() }
            <KeptRun
                community={community.clone()}
                keeping={state.keeping.clone()}
                on_action={on_action.clone()}
            />
            <main class="dashboard">
                <fieldset class="follows" disabled={following}>
                <NextBlock
                    community={community.clone()}
                    clock={state.clock.clone()}
                    now_ms={state.now_ms}
                    notice={state.notices.clock.clone()}
                    sealing={state.notices.sealing.clone()}
                    fast_forward={state.fast_forward}
                    held={state.sealing_held()}
                    on_action={on_action.clone()}
                />
                </fieldset>
                <Balances community={community.clone()} />
                <fieldset class="follows" disabled={following}>
                <Generation
                    community={community.clone()}
                    drafts={state.energy_drafts.clone()}
                    auto={state.auto.clone()}
                    notice={state.notices.generation.clone()}
                    on_action={on_action.clone()}
                />
                <VotingTokens
                    community={community.clone()}
                    election={state.election.clone()}
                    on_action={on_action.clone()}
                />
                </fieldset>
                <ElectionPanel
                    community={community.clone()}
                    election={state.election.clone()}
                    on_action={on_action.clone()}
                />
                <WinChart
                    community={community.clone()}
                    election={state.election.clone()}
                    on_action={on_action.clone()}
                />
                <fieldset class="follows" disabled={following}>
                <Shares
                    community={community.clone()}
                    drafts={state.share_drafts.clone()}
                    notice={state.notices.shares.clone()}
                    on_action={on_action.clone()}
                />
                <Members
                    community={community.clone()}
                    membership={state.membership.clone()}
                    on_action={on_action.clone()}
                />
                </fieldset>
                <OpenBlock community={community.clone()} />
                <Charts community={community.clone()} />
                <Verify
                    community={community.clone()}
                    verification={state.verification.clone()}
                    notice={state.notices.verify.clone()}
                    on_action={on_action.clone()}
                />
                <Files
                    community={community.clone()}
                    explorer={state.explorer.clone()}
                    keeping={state.keeping.clone()}
                    store={props.store.clone()}
                    on_action={on_action.clone()}
                />
                <fieldset class="follows" disabled={following}>
                <TamperPanel
                    community={community.clone()}
                    notice={state.explorer.notice.clone()}
                    on_action={on_action.clone()}
                />
                </fieldset>
                <BlockList
                    community={community.clone()}
                    window={state.blocks.clone()}
                    notice={state.notices.blocks.clone()}
                    verification={block_statuses(&state.verification)}
                    explorer={state.explorer.clone()}
                    {on_action}
                />
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
        Verification::Running { .. } => Verification::NotRun,
        other => other.clone(),
    }
}

/// The page's heading.
fn masthead() -> Html {
    html! {
        <header class="masthead">
            <h1>{ "E-Cloud" }</h1>
            <p class="tagline">
                { "A community shares a generator's energy without a utility in the middle: \
                   every reading and every share change is signed, sealed into a block \
                   and checked by everyone. " }
                <a href="network.html">{ "See it as one node per member, on a network that fails." }</a>
            </p>
        </header>
    }
}
