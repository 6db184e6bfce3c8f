use crate::format::chain_time;
use crate::state::{Action, Speed, State, MAX_DELAY_S};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub state: UseReducerHandle<State>,
    pub dispatch: UseReducerDispatcher<State>,
}

/// Time, the network's conditions, the split, and what the network did.
#[function_component]
pub fn Controls(props: &ControlsProps) -> Html {
    let state = &props.state;
    let network = state.network();
    let conditions = network.conditions;
    let traffic = network.traffic();
    let dispatch = &props.dispatch;

    let pause = {
        let d = dispatch.clone();
        let paused = state.paused;
        Callback::from(move |_| d.dispatch(Action::SetPaused(!paused)))
    };
    let speed = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let chosen = Speed::CHOICES
                .into_iter()
                .find(|s| s.0.to_string() == select.value());
            if let Some(speed) = chosen {
                d.dispatch(Action::SetSpeed(speed));
            }
        })
    };
    let next_block = {
        let d = dispatch.clone();
        Callback::from(move |_| d.dispatch(Action::NextBlock))
    };
    let fast_forward = {
        let d = dispatch.clone();
        Callback::from(move |_| d.dispatch(Action::FastForward(100)))
    };
    let split = {
        let d = dispatch.clone();
        let split = state.split;
        Callback::from(move |_| d.dispatch(if split { Action::Heal } else { Action::Split }))
    };
    let number = |make: fn(u64) -> Action| {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            // A field left empty or holding nonsense changes nothing.
            if let Ok(value) = input.value().trim().parse::<u64>() {
                d.dispatch(make(value));
            }
        })
    };
    let chains = network.tips_followed().len();
    let agree = chains <= 1;

    html! {
        <section id="controls" aria-labelledby="controls-title" class="panel">
            <h2 id="controls-title">{ "The network" }</h2>
            <p class="why">
                { "Split the network and both sides go on sealing, but a block is final only \
                   when more than two thirds of the members signed the blocks built on it: the \
                   side that cannot gather them waits. Heal it, and every node takes the chain \
                   the fork choice prefers." }
            </p>
            <p class="clock">
                <span class="time">{ chain_time(network.now_ms()) }</span>
                <button type="button" onclick={pause}>
                    { if state.paused { "Run" } else { "Pause" } }
                </button>
            </p>
            <p class="steps">
                <button type="button" class="secondary" onclick={next_block}>{ "Next block" }</button>
                <button type="button" class="secondary" onclick={fast_forward}>{ "Fast forward 100 blocks" }</button>
            </p>
            <label class="field">
                { "Speed " }
                <select onchange={speed}>
                    { for Speed::CHOICES.iter().map(|s| html! {
                        <option value={s.0.to_string()} selected={*s == state.speed}>
                            { s.label() }
                        </option>
                    }) }
                </select>
            </label>
            <label class="field">
                { "Delay, seconds (plus up to as much again) " }
                <input type="number" min="0" max={MAX_DELAY_S.to_string()} value={(conditions.delay_ms / 1_000).to_string()}
                    onchange={number(Action::SetDelay)} />
            </label>
            <label class="field">
                { "Messages lost, % " }
                <input type="number" min="0" max="100" value={(conditions.loss_permille / 10).to_string()}
                    onchange={number(|p| Action::SetLoss(p.min(100) as u32))} />
            </label>
            <p>
                <button type="button" class={classes!("split", state.split.then_some("on"))} onclick={split}>
                    { if state.split { "Heal the network" } else { "Split the network in two" } }
                </button>
            </p>
            <p class={classes!("verdict", if agree { "ok" } else { "pending" })} role="status">
                { if agree {
                    "Every online node follows the same chain.".to_string()
                } else {
                    format!("The online nodes follow {chains} different chains.")
                } }
            </p>
            <p class={classes!("verdict", if state.safety.is_ok() { "ok" } else { "bad" })}>
                { match &state.safety {
                    Ok(()) => "No two nodes hold different final blocks.".to_string(),
                    Err(e) => format!("Safety broken: {e}"),
                } }
            </p>
            if let Some(notice) = &state.notice {
                <p class="verdict pending">{ notice }</p>
            }
            <p class="muted">
                { format!("Seed {}: the same seed (network.html?seed={0}) runs the same way again.", state.seed) }
            </p>
            <dl class="traffic">
                <dt>{ "Messages sent" }</dt><dd>{ traffic.sent }</dd>
                <dt>{ "Delivered" }</dt><dd>{ traffic.delivered }</dd>
                <dt>{ "Lost" }</dt><dd>{ traffic.lost }</dd>
                <dt>{ "Not reachable" }</dt><dd>{ traffic.unreachable }</dd>
                <dt>{ "In flight" }</dt><dd>{ network.in_flight() }</dd>
            </dl>
        </section>
    }
}
