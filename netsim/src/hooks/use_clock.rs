use crate::state::{Action, State};
use gloo_timers::callback::Interval;
use std::cell::Cell;
use yew::prelude::*;

/// How often chain time moves on: smooth enough to watch a block travel,
/// rare enough to leave the CPU to the projector.
const TICK_MS: u32 = 100;

/// Tells the state how much real time passed, every tick, for as long as
/// the component lives.
#[hook]
pub fn use_clock(dispatcher: UseReducerDispatcher<State>) {
    use_effect_with((), move |_| {
        let last = Cell::new(now_ms());
        let interval = Interval::new(TICK_MS, move || {
            let now = now_ms();
            dispatcher.dispatch(Action::Advance {
                real_ms: now - last.replace(now),
            });
        });
        move || drop(interval)
    });
}

/// A monotonic clock in ms.
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}
