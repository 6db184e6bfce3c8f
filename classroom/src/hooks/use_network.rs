use crate::network::Network;
use gloo_timers::callback::Interval;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::Response;
use yew::prelude::*;

/// How often the view asks the teacher's node again, in ms.
const EVERY_MS: u32 = 2_000;

/// The class's network as the node that served this page last said
/// (`/network.json`, asked every 2 s), or why it could not be read; None
/// before its first answer.
#[hook]
pub fn use_network() -> Option<Result<Rc<Network>, String>> {
    let seen = use_state_eq(|| None);
    {
        let seen = seen.clone();
        use_effect_with((), move |_| {
            let ask = move || {
                let seen = seen.clone();
                spawn_local(async move { seen.set(Some(fetch().await.map(Rc::new))) });
            };
            ask();
            let interval = Interval::new(EVERY_MS, ask);
            move || drop(interval)
        });
    }
    (*seen).clone()
}

async fn fetch() -> Result<Network, String> {
    let window = web_sys::window().ok_or("no window")?;
    let failed = |_| "the teacher's node does not answer".to_string();
    let response: Response = JsFuture::from(window.fetch_with_str("network.json"))
        .await
        .map_err(failed)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!(
            "no network here (HTTP {}): the teacher's node serves it, not a plain web server",
            response.status()
        ));
    }
    let text = JsFuture::from(response.text().map_err(failed)?)
        .await
        .map_err(failed)?
        .as_string()
        .unwrap_or_default();
    Network::read(&text)
}

/// Asks the teacher's node, from the teacher's page on its computer, to cut
/// a peer off (`POST /cut`) or to heal every cut (`POST /heal`).
pub async fn ask_node(path: &str, body: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&wasm_bindgen::JsValue::from_str(body));
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| "the teacher's node does not answer".to_string())?
        .unchecked_into();
    if response.ok() {
        Ok(())
    } else {
        Err(format!(
            "the node refused (HTTP {}): only the teacher's computer may",
            response.status()
        ))
    }
}
