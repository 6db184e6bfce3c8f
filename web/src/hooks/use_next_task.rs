//! Work cut into slices (verifying a long chain) runs one slice per task,
//! so between two slices the browser handles clicks and repaints.
//!
//! The next slice is asked for with a message on a `MessageChannel`, which
//! runs as a task of its own as soon as the browser has handled what is
//! waiting. Not `setTimeout(0)`: a timeout set from within a timeout's task,
//! five deep, is clamped to 4 ms, so each 8 ms slice would be followed by
//! 4 ms of idling (gloo-timers is `setTimeout` too). Not
//! `requestAnimationFrame`: one slice a frame would leave half of each frame
//! idle.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageChannel;
use yew::prelude::*;

/// Calls `then` with what was `asked` for, once, in the next task; a request
/// withdrawn before then is not run. Asking again with an equal value does
/// not ask twice, so `asked` should change with each slice done.
#[hook]
pub fn use_next_task<K>(asked: Option<K>, then: impl Fn(K) + 'static)
where
    K: PartialEq + Clone + 'static,
{
    use_effect_with(asked, move |asked| {
        let posted = asked.clone().and_then(|k| post(move || then(k)));
        move || drop(posted)
    });
}

/// A call waiting for its task; dropping it withdraws the call.
struct Posted {
    channel: MessageChannel,
    _on_message: Closure<dyn FnMut()>,
}

impl Drop for Posted {
    // The closure goes with this; a message still on its way must find no
    // handler rather than a freed one.
    fn drop(&mut self) {
        self.channel.port1().set_onmessage(None);
    }
}

fn post(then: impl FnOnce() + 'static) -> Option<Posted> {
    // A message posted before the port listens waits for it.
    let channel = MessageChannel::new()
        .ok()
        .filter(|c| c.port2().post_message(&JsValue::NULL).is_ok());
    let Some(channel) = channel else {
        // No browser that runs WebAssembly lacks MessageChannel; were one to,
        // the work would still get done, only without a pause between slices.
        then();
        return None;
    };
    let on_message = Closure::once(then);
    channel
        .port1()
        .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    Some(Posted {
        channel,
        _on_message: on_message,
    })
}
