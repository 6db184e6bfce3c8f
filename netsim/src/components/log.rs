use crate::format::{chain_time, event};
use crate::state::State;
use yew::prelude::*;

/// Lines the log shows.
const LINES: usize = 40;

#[derive(Properties, PartialEq)]
pub struct LogProps {
    pub state: UseReducerHandle<State>,
}

/// What the chosen node did and saw, newest first.
#[function_component]
pub fn Log(props: &LogProps) -> Html {
    let state = &props.state;
    let lines = state
        .log
        .iter()
        .rev()
        .filter(|s| s.node == state.selected)
        .take(LINES)
        .map(|s| {
            html! {
                <li>
                    <span class="time">{ chain_time(s.at_ms) }</span>
                    { format!(" {}", event(state, &s.event)) }
                </li>
            }
        });
    html! {
        <section id="log" aria-labelledby="log-title" class="panel">
            <h2 id="log-title">{ format!("What {}'s node did", state.name(state.selected)) }</h2>
            <p class="why">
                { "Every message is checked on arrival as verification would check it; a node \
                   that left its chain for another fork says so." }
            </p>
            <ol class="log">{ for lines }</ol>
        </section>
    }
}
