//! Export and import of the chain, the run kept in this browser, a
//! reproducible run from a seed number, and starting afresh.

use crate::clock;
use crate::components::markup::{hint, TextField};
use crate::components::notice::notice_view;
use crate::components::panel::Panel;
use crate::hooks::url_seed;
use crate::state::{seed_of, Action, Community, ExploreAction, Explorer};
use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, DragEvent, File, HtmlAnchorElement, HtmlInputElement, Url};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FilesProps {
    pub community: Community,
    pub explorer: Explorer,
    pub on_action: Callback<Action>,
}

/// Export and import, the run kept in this browser, seeded runs, reset.
#[function_component]
pub fn Files(props: &FilesProps) -> Html {
    let seed_text = use_state(String::new);
    let (seed, tampered, blocks) = {
        let sim = props.community.read();
        (seed_of(&sim), sim.is_tampered(), sim.chain().len())
    };
    // Dropping a file anywhere on the page imports it.
    {
        let on_action = props.on_action.clone();
        use_effect_with((), move |_| {
            let document = gloo_utils::document();
            // Both call preventDefault, which a passive listener may not.
            let active = || EventListenerOptions::enable_prevent_default();
            let on_over = EventListener::new_with_options(&document, "dragover", active(), |e| {
                e.prevent_default()
            });
            let on_drop = EventListener::new_with_options(&document, "drop", active(), move |e| {
                e.prevent_default();
                let file = e
                    .dyn_ref::<DragEvent>()
                    .and_then(DragEvent::data_transfer)
                    .and_then(|transfer| transfer.files())
                    .and_then(|files| files.get(0));
                if let Some(file) = file {
                    read_file(file, on_action.clone());
                }
            });
            // The listeners go when the panel goes.
            move || drop((on_over, on_drop))
        });
    }
    let on_export = {
        let community = props.community.clone();
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| {
            let text = community.read().chain().to_json();
            if let Err(why) = download("e-cloud-chain.json", &text) {
                on_action.emit(Action::Explore(ExploreAction::FilesProblem(format!(
                    "The file could not be saved: {why}."
                ))));
            }
        })
    };
    let on_file = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                read_file(file, on_action.clone());
            }
            // The same file chosen again still counts as a change.
            input.set_value("");
        })
    };
    let on_seed_input = {
        let seed_text = seed_text.clone();
        Callback::from(move |e: InputEvent| {
            seed_text.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_seed = {
        let seed_text = seed_text.clone();
        let on_action = props.on_action.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match seed_text.trim().parse::<u64>() {
                Ok(n) if n <= MAX_SEED => {
                    // Loads the page again as ?seed=n: a run anyone can repeat.
                    let _ = gloo_utils::window()
                        .location()
                        .set_search(&format!("seed={n}"));
                }
                _ => on_action.emit(Action::Explore(ExploreAction::FilesProblem(format!(
                    "\u{201c}{}\u{201d} is not a seed number: type a whole number from 0 to {MAX_SEED}.",
                    seed_text.trim()
                )))),
            }
        })
    };
    let on_reset = props.on_action.reform(|_: MouseEvent| {
        Action::Explore(ExploreAction::Reset {
            seed: url_seed(),
            now_ms: clock::wall_ms(),
        })
    });
    let share = match seed {
        Some(n) => {
            let url = share_url(n);
            html! {
                <p>
                    { format!("This run is reproducible from seed {n}: the same seed gives the same keys, draws and genesis block on any machine. Share this run: ") }
                    <a href={url.clone()}>{ url }</a>
                </p>
            }
        }
        None => html! {
            <p>{ "This run uses random keys. Start a run from a seed number to get one a class can repeat." }</p>
        },
    };
    Panel {
        id: "files",
        title: "Save, share, start again".into(),
        wide: false,
        why: "The chain is a file anyone can keep and check: export it, import one \
                 (it is verified before it replaces anything), or start a run from a \
                 seed number that gives the same keys and hashes on every machine.",
    }
    .view(html! {
        <>
            if props.explorer.foreign_keys {
                <p class="tampered" role="status">{ crate::state::FOREIGN }</p>
            }
            <div class="row">
                <button type="button" onclick={on_export}>
                    { if tampered { "Export chain (tampered)" } else { "Export chain" } }
                </button>
                <input id="import-file" class="file-input" type="file" accept=".json,application/json" onchange={on_file} />
                <label class="file-button" for="import-file">{ "Import a chain file" }</label>
            </div>
            { hint(format!("{}. You can also drop a chain file anywhere on the page.", crate::format::count(blocks as u64, "block", "blocks")).into()) }
            { notice_view(props.explorer.files_notice.as_ref()) }
            { notice_view(props.explorer.storage_notice.as_ref()) }
            { share }
            <form class="row" onsubmit={on_seed}>
                { TextField {
                    id: "seed-number".into(),
                    label: "New run from seed".into(),
                    mode: Some("numeric"),
                    max: None,
                    placeholder: Some("42".into()),
                    value: (*seed_text).clone().into(),
                    oninput: on_seed_input,
                }.view() }
                <button type="submit" class="secondary">{ "Start" }</button>
            </form>
            <div class="row">
                <button type="button" class="secondary" onclick={on_reset}>{ "Reset: start afresh" }</button>
            </div>
        </>
    })
}

/// Seeds above 2^53 would not survive a trip through JavaScript numbers.
const MAX_SEED: u64 = (1 << 53) - 1;

/// This page's address with `?seed=` and nothing after.
fn share_url(seed: u64) -> String {
    let href = gloo_utils::window().location().href().unwrap_or_default();
    let Ok(url) = Url::new(&href) else {
        return format!("?seed={seed}");
    };
    url.set_search(&format!("seed={seed}"));
    url.set_hash("");
    url.href()
}

/// Reads a chosen or dropped file and hands its text to the state.
fn read_file(file: File, on_action: Callback<Action>) {
    wasm_bindgen_futures::spawn_local(async move {
        let name = file.name();
        let action = match JsFuture::from(file.text()).await {
            Ok(text) => ExploreAction::Import {
                name,
                text: text.as_string().unwrap_or_default(),
                now_ms: clock::wall_ms(),
            },
            Err(_) => ExploreAction::FilesProblem(format!(
                "\u{201c}{name}\u{201d} could not be read. The chain in use is unchanged."
            )),
        };
        on_action.emit(action.into());
    });
}

/// Offers `text` as a file download through a Blob and an object URL.
fn download(name: &str, text: &str) -> Result<(), String> {
    let refused = |_| "the browser refused to make the file".to_string();
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(refused)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(refused)?;
    let link: HtmlAnchorElement = gloo_utils::document()
        .create_element("a")
        .map_err(|_| "no link")?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // Freed once the download has started.
    Timeout::new(10_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
