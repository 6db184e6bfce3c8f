//! Long work (simulating elections, fast-forwarding; verification goes in
//! slices instead, see `use_next_task`) starts only once the page has painted
//! that it is working, so a click is answered at once and the button does not
//! look dead meanwhile.

use gloo_timers::callback::Timeout;
use yew::prelude::*;

/// Long enough for the browser to paint the frame the request changed.
const AFTER_PAINT_MS: u32 = 30;

/// Calls `then` with what was `asked` for, once, shortly after it was asked
/// for; a request withdrawn before then is not run.
#[hook]
pub fn use_after_paint<K>(asked: Option<K>, then: impl Fn(K) + 'static)
where
    K: PartialEq + Clone + 'static,
{
    use_effect_with(asked, move |asked| {
        let timeout = asked
            .clone()
            .map(|k| Timeout::new(AFTER_PAINT_MS, move || then(k)));
        move || drop(timeout)
    });
}
