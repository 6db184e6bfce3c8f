//! Tabs of one browser never overwrite each other: a Web Lock elects the
//! one tab that writes the run, and a BroadcastChannel tells the others,
//! which follow, what it wrote.
//!
//! The lock is held for as long as the tab lives (the browser releases it
//! when the tab closes or reloads), and a following tab queues for it, so
//! it takes over when the writing tab goes. web-sys has the Web Locks API
//! only behind `web_sys_unstable_apis`, so its one call is bound here.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{BroadcastChannel, MessageEvent};

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks`.
    type LockManager;

    /// `navigator.locks.request(name, options, callback)`.
    #[wasm_bindgen(method, js_name = request)]
    fn request(this: &LockManager, name: &str, options: &Object, callback: &Function) -> Promise;
}

/// The lock the writing tab holds.
const LOCK: &str = "e-cloud-writer";
/// The channel the writing tab speaks on.
const CHANNEL: &str = "e-cloud-run";

/// What this tab is to the run kept in the browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elected {
    /// It holds the lock: it writes.
    Writer,
    /// Another tab holds it: this one follows.
    Follower,
    /// The browser has no Web Locks: this tab writes, unguarded.
    Unguarded,
}

fn locks() -> Option<LockManager> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then(|| locks.unchecked_into())
}

/// A promise that never settles: returned from a lock's callback, it holds
/// the lock until the tab goes.
fn held() -> JsValue {
    Promise::new(&mut |_, _| {}).into()
}

/// Takes the writer's lock if no other tab holds it.
pub async fn elect() -> Elected {
    let Some(locks) = locks() else {
        return Elected::Unguarded;
    };
    let options = Object::new();
    let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let got = Promise::new(&mut |resolve, _| {
        let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
            let ours = !lock.is_null();
            let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(ours));
            if ours {
                held()
            } else {
                JsValue::UNDEFINED
            }
        });
        let _ = locks.request(LOCK, &options, callback.unchecked_ref());
    });
    match JsFuture::from(got).await {
        Ok(v) if v.is_truthy() => Elected::Writer,
        _ => Elected::Follower,
    }
}

/// Queues for the writer's lock: `then` runs once the writing tab is gone
/// and this one holds the lock.
pub fn wait_for_turn(then: impl FnOnce() + 'static) {
    let Some(locks) = locks() else {
        return;
    };
    let callback = Closure::once_into_js(move |_: JsValue| -> JsValue {
        then();
        held()
    });
    let _ = locks.request(LOCK, &Object::new(), callback.unchecked_ref());
}

/// What the writing tab says after each write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Said {
    /// The run in `slot` was written up to block `tip`.
    Saved { slot: u32, tip: u64 },
    /// Another run now fills the store (a reset, an import, an undo).
    Replaced { slot: u32 },
}

impl Said {
    fn text(&self) -> String {
        match self {
            Said::Saved { slot, tip } => format!("saved {slot} {tip}"),
            Said::Replaced { slot } => format!("replaced {slot}"),
        }
    }

    fn read(text: &str) -> Option<Said> {
        let mut words = text.split(' ');
        let said = match (words.next()?, words.next()?.parse().ok()?) {
            ("saved", slot) => Said::Saved {
                slot,
                tip: words.next()?.parse().ok()?,
            },
            ("replaced", slot) => Said::Replaced { slot },
            _ => return None,
        };
        Some(said)
    }
}

/// The channel between the tabs. Listening stops when it is dropped.
pub struct Channel {
    channel: BroadcastChannel,
    _listener: Option<Closure<dyn FnMut(MessageEvent)>>,
}

impl Channel {
    pub fn open() -> Option<Channel> {
        Some(Channel {
            channel: BroadcastChannel::new(CHANNEL).ok()?,
            _listener: None,
        })
    }

    /// Tells the other tabs.
    pub fn say(&self, said: &Said) {
        let _ = self.channel.post_message(&JsValue::from_str(&said.text()));
    }

    /// Hears what the writing tab says.
    pub fn listen(mut self, hear: impl Fn(Said) + 'static) -> Channel {
        let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(said) = e.data().as_string().as_deref().and_then(Said::read) {
                hear(said);
            }
        });
        self.channel
            .set_onmessage(Some(listener.as_ref().unchecked_ref()));
        self._listener = Some(listener);
        self
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_said_is_heard() {
        for said in [
            Said::Saved {
                slot: 3,
                tip: 10_000,
            },
            Said::Replaced { slot: 4 },
        ] {
            assert_eq!(Said::read(&said.text()), Some(said));
        }
        for noise in ["", "saved", "saved 1", "saved x 2", "hello 1 2"] {
            assert_eq!(Said::read(noise), None, "{noise}");
        }
    }
}
