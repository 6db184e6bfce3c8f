use crate::clock;
use crate::components::notice::notice_view;
use crate::components::panel::Panel;
use crate::format::{count, name, seconds_left};
use crate::hooks::use_after_paint;
use crate::state::{
    Action, BlockClock, Community, Notice, TimerAction, Tone, MAX_BLOCK_SECS, MIN_BLOCK_SECS,
};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The fast-forward buttons: enough blocks for the charts and the election's
/// long-run shares to show, sealed in a second or two.
const FAST_FORWARDS: [u64; 2] = [100, 1_000];

#[derive(Properties, PartialEq)]
pub struct NextBlockProps {
    pub community: Community,
    pub clock: BlockClock,
    pub now_ms: f64,
    pub notice: Option<Notice>,
    pub sealing: Option<Notice>,
    /// Blocks a fast forward was asked to seal, until it has run.
    pub fast_forward: Option<u64>,
    /// Why no block can be sealed now (history is tampered, say), if so.
    #[prop_or_default]
    pub held: Option<String>,
    pub on_action: Callback<Action>,
}

/// The countdown to the next block, who will seal it, and the timer's controls.
#[function_component]
pub fn NextBlock(props: &NextBlockProps) -> Html {
    {
        let on_action = props.on_action.clone();
        use_after_paint(props.fast_forward, move |blocks| {
            on_action.emit(
                TimerAction::FastForward {
                    blocks,
                    now_ms: clock::wall_ms(),
                }
                .into(),
            )
        });
    }
    let (open_height, miner, why_miner, stand_in) = {
        let sim = props.community.read();
        let ledger = sim.ledger();
        let elected = sim.next_miner();
        let tip = sim.chain().tip().height();
        let how = if tip == 0 {
            ", who sealed the genesis block".to_string()
        } else if sim.last_election().is_some() {
            format!(", who won the election held in block {tip}")
        } else {
            String::new()
        };
        // Who stands in, and what the elected miner loses, if it is offline.
        let stand_in = match sim.due_sealer() {
            Ok(sealer) if sealer == elected => None,
            Ok(sealer) => {
                let who = name(ledger, elected);
                let loses = match sim.open_ledger().member(elected) {
                    Some(m) if m.reputation > 0 => format!("{who} loses 1 reputation"),
                    _ => format!("{who}, with no reputation, loses none"),
                };
                Some(format!(
                    "{who} is offline: {} (runner-up) will seal and {loses}.",
                    name(ledger, sealer)
                ))
            }
            Err(e) => Some(format!("{}.", sim.explain(&e))),
        };
        (sim.open_height(), name(ledger, elected), how, stand_in)
    };
    let left_ms = props.clock.left_ms(props.now_ms);
    let period_ms = props.clock.period_ms();
    let paused = props.clock.is_paused();
    let progress_max = (period_ms as u64).to_string();
    let progress_value = ((period_ms - left_ms).max(0.0).round() as u64).to_string();

    // What is typed into "Seconds per block": shown while it is typed (the
    // countdown re-renders the panel four times a second and must not put
    // the old number back meanwhile), and once committed (Enter or leaving
    // the field) for as long as it stands refused, beside the refusal.
    let typed_secs = use_state(|| None::<(String, bool)>);
    let refused = props
        .notice
        .as_ref()
        .is_some_and(|n| n.tone == Tone::Refused);
    let secs_text = match &*typed_secs {
        Some((text, committed)) if !committed || refused => text.clone(),
        _ => props.clock.block_secs.to_string(),
    };
    let on_secs_input = {
        let typed_secs = typed_secs.clone();
        move |e: InputEvent| {
            typed_secs.set(Some((
                e.target_unchecked_into::<HtmlInputElement>().value(),
                false,
            )))
        }
    };
    let on_secs = {
        let typed_secs = typed_secs.clone();
        props.on_action.reform(move |e: Event| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            typed_secs.set(Some((text.clone(), true)));
            TimerAction::SetBlockSecs {
                text,
                now_ms: clock::wall_ms(),
            }
            .into()
        })
    };
    let on_pause = props.on_action.reform(move |_: MouseEvent| {
        let now_ms = clock::wall_ms();
        if paused {
            TimerAction::Resume { now_ms }.into()
        } else {
            TimerAction::Pause { now_ms }.into()
        }
    });
    let on_seal = props.on_action.reform(|_: MouseEvent| {
        TimerAction::SealNow {
            now_ms: clock::wall_ms(),
        }
        .into()
    });

    let held = props.held.as_deref();
    let countdown = if held.is_some() {
        "on hold".to_string()
    } else if paused {
        format!("paused, {} s left", seconds_left(left_ms))
    } else {
        format!("in {} s", seconds_left(left_ms))
    };
    // The reason is said once, here; a refusal repeating it is left out.
    let sealing = props
        .sealing
        .as_ref()
        .filter(|n| held.is_none_or(|why| n.text != why));
    Panel {
        id: "next-block",
        title: "Next block".into(),
        wide: false,
        why: "Each block closes one market period: it seals the waiting transactions \
                 and links to the block before it by its hash, so history cannot be \
                 changed quietly.",
    }
    .view(html! {
        <>
            <div class={classes!("countdown", (paused || held.is_some()).then_some("paused"))}>
                <p class="countdown-line">
                    <span>{ format!("Block {open_height} ") }</span>
                    <strong class="big" id="countdown">{ countdown }</strong>
                </p>
                if let Some(why) = held {
                    <p class="held" id="sealing-held" role="status">
                        <strong>{ "Sealing waits. " }</strong>{ why }
                    </p>
                } else {
                    <progress
                        max={progress_max}
                        value={progress_value}
                        aria-label="time until the next block"
                    />
                }
                <p class="miner">
                    { "Next miner: " }<strong>{ miner }</strong>
                    <span class="hint">{ why_miner }</span>
                </p>
                <p class="miner-warning" role="status">{ stand_in }</p>
            </div>
            <div class="controls">
                <label for="block-secs">{ "Seconds per block" }</label>
                // Text, not type="number": a browser's number field turns
                // "10,5" or "-3" into nothing before the page can say why
                // it is refused.
                <input
                    id="block-secs"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    aria-describedby="block-secs-range"
                    aria-invalid={(refused && typed_secs.is_some()).then_some("true")}
                    value={secs_text}
                    oninput={on_secs_input}
                    onchange={on_secs}
                />
                <span id="block-secs-range" class="hint">
                    { format!("{MIN_BLOCK_SECS} to {MAX_BLOCK_SECS} s") }
                </span>
                <button type="button" onclick={on_pause}>
                    { if paused { "Resume" } else { "Pause" } }
                </button>
                <button
                    type="button"
                    onclick={on_seal}
                    disabled={held.is_some()}
                    aria-describedby={held.map(|_| "sealing-held")}
                >
                    { "Seal now" }
                </button>
            </div>
            <div class="controls fast-forward" role="group" aria-labelledby="fast-forward-label">
                <span id="fast-forward-label">{ "Fast forward" }</span>
                { for FAST_FORWARDS.into_iter().map(|blocks| {
                    let onclick = props
                        .on_action
                        .reform(move |_| TimerAction::RequestFastForward(blocks).into());
                    html! {
                        <button
                            type="button"
                            class="secondary"
                            disabled={props.fast_forward.is_some() || held.is_some()}
                            aria-describedby={held.map(|_| "sealing-held")}
                            {onclick}
                        >
                            { format!("Seal {}", count(blocks, "block", "blocks")) }
                        </button>
                    }
                }) }
                if let Some(blocks) = props.fast_forward {
                    <span role="status">
                        { format!("Sealing {}\u{2026}", count(blocks, "block", "blocks")) }
                    </span>
                }
            </div>
            { notice_view(sealing) }
            { notice_view(props.notice.as_ref()) }
        </>
    })
}
