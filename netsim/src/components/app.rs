use crate::components::blocks::Blocks;
use crate::components::controls::Controls;
use crate::components::log::Log;
use crate::components::nodes::Nodes;
use crate::hooks::use_clock;
use crate::state::State;
use yew::prelude::*;

/// The run's seed: `?seed=N` in the address, 1 otherwise.
fn seed() -> u64 {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| {
            q.trim_start_matches('?')
                .split('&')
                .find_map(|kv| kv.strip_prefix("seed=").and_then(|v| v.parse().ok()))
        })
        .unwrap_or(1)
}

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(|| State::new(seed()));
    use_clock(state.dispatcher());
    let dispatch = state.dispatcher();
    html! {
        <>
            <header class="masthead">
                <h1>{ "E-Cloud: the network" }</h1>
                <p class="tagline">
                    { "The seed's community as one node per member. Each node holds only its \
                       own member's keys and its own copy of the chain; they agree only by \
                       sending each other messages over a network that can be slow, lose \
                       messages, or split in two." }
                    { " " }
                    <a href="./">{ "Back to the single-page community" }</a>
                </p>
            </header>
            <main class="dashboard">
                <Controls state={state.clone()} dispatch={dispatch.clone()} />
                <Log state={state.clone()} />
                <Nodes state={state.clone()} dispatch={dispatch.clone()} />
                <Blocks state={state.clone()} dispatch={dispatch.clone()} />
            </main>
        </>
    }
}
