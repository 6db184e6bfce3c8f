use crate::state::{Action, Phase, State};
use serde_json::{json, Value};
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};
use yew::prelude::*;

/// The browser's node: a Web Worker of its own wasm (`browser/`), built
/// beside this page, fetched only when a student joins.
const WORKER: &str = "./ecloud-browser-node_loader.js";

/// Starts this browser's node when the state asks to join or teach, sends
/// it the ask once it is ready, and hands each of its reports to the state.
/// The worker lives as long as the page. Returns what sends the worker a
/// message (JSON text) later: the registrar's admissions.
#[hook]
pub fn use_worker(state: &UseReducerHandle<State>) -> Callback<String> {
    let dispatcher = state.dispatcher();
    let running = use_mut_ref(|| None::<Worker>);
    {
        let running = running.clone();
        use_effect_with(state.phase.clone(), move |phase| {
            let ask = match phase {
                Phase::Joining { name: Some(name) } => Some(json!({"join": {"name": name}})),
                Phase::Joining { name: None } => Some(json!({"join": {}})),
                Phase::Teaching => Some(json!({"teach": {}})),
                Phase::Idle => None,
            };
            let started = ask.and_then(|ask| match start(ask.to_string(), dispatcher.clone()) {
                Ok(started) => Some(started),
                Err(e) => {
                    let why = e.as_string().unwrap_or_else(|| format!("{e:?}"));
                    let report = json!({"error": {"what": "worker", "why": why}});
                    dispatcher.dispatch(Action::Report(report.to_string()));
                    None
                }
            });
            *running.borrow_mut() = started.as_ref().map(|s| s.worker.clone());
            move || {
                if let Some(started) = started {
                    started.worker.terminate();
                }
                running.borrow_mut().take();
            }
        });
    }
    Callback::from(move |message: String| {
        if let Some(worker) = running.borrow().as_ref() {
            let _ = worker.post_message(&JsValue::from_str(&message));
        }
    })
}

/// The worker and the listeners it calls, which live as long as it does.
struct Started {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut()>,
}

/// The worker, listened to: its messages go to the state, and the first,
/// `ready`, is answered with `ask`.
fn start(ask: String, dispatcher: UseReducerDispatcher<State>) -> Result<Started, JsValue> {
    let worker = Worker::new(WORKER)?;
    let asked = Cell::new(false);
    let to_worker = worker.clone();
    let on_failure = dispatcher.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let Some(text) = e.data().as_string() else {
            return;
        };
        let ready = serde_json::from_str::<Value>(&text).is_ok_and(|v| v.get("ready").is_some());
        if ready && !asked.replace(true) {
            if let Err(e) = to_worker.post_message(&JsValue::from_str(&ask)) {
                let report = json!({"error": {"what": "worker", "why": format!("{e:?}")}});
                dispatcher.dispatch(Action::Report(report.to_string()));
            }
        }
        dispatcher.dispatch(Action::Report(text));
    });
    // The worker's script could not load or run (a page served without
    // it: GitHub Pages, say, has no classroom).
    let on_error = Closure::<dyn FnMut()>::new(move || {
        let why = "this browser's node could not start: open this page from the teacher's computer";
        let report = json!({"error": {"what": "worker", "why": why}});
        on_failure.dispatch(Action::Report(report.to_string()));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Started {
        worker,
        _on_message: on_message,
        _on_error: on_error,
    })
}
