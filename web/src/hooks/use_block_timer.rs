use crate::clock;
use crate::state::{AppState, TimerAction};
use gloo_timers::callback::Interval;
use yew::prelude::*;

/// How often the timer looks at the clock: often enough for a smooth
/// countdown, rarely enough to leave the CPU to the class's projector.
const TICK_MS: u32 = 250;

/// Drives the block timer: tells the state the time, which seals a block
/// when the countdown is over. The interval lives as long as the component.
#[hook]
pub fn use_block_timer(dispatcher: UseReducerDispatcher<AppState>) {
    use_effect_with((), move |_| {
        let interval = Interval::new(TICK_MS, move || {
            dispatcher.dispatch(
                TimerAction::Tick {
                    now_ms: clock::wall_ms(),
                }
                .into(),
            )
        });
        move || drop(interval)
    });
}
