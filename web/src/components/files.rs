//! Export and import of the chain, the run with its keys (to go on another
//! day or on another machine), the run kept in this browser, a
//! reproducible run from a seed number, and starting afresh (asked first,
//! and undoable).

use crate::clock;
use crate::components::dialog::Confirm;
use crate::components::markup::{hint, TextField};
use crate::components::notice::notice_view;
use crate::components::panel::Panel;
use crate::format::{count, millis};
use crate::hooks::{undo, url_seed, StoreHandle};
use crate::state::{
    seed_of, Action, Community, ExploreAction, Explorer, Keeping, Role, StoreCheck,
};
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
    pub keeping: Keeping,
    pub store: Option<StoreHandle>,
    pub on_action: Callback<Action>,
}

/// The exported run's file name says what it holds.
const RUN_FILE: &str = "e-cloud-run-PRIVATE-keys.json";

/// Export and import, the run kept in this browser, seeded runs, reset.
#[function_component]
pub fn Files(props: &FilesProps) -> Html {
    let seed_text = use_state(String::new);
    let asking_reset = use_state(|| false);
    let keeping = &props.keeping;
    // A tab that follows another changes nothing; an undo under way waits.
    let frozen = keeping.following() || keeping.undoing;
    let (seed, tampered, blocks, partial) = {
        let sim = props.community.read();
        let chain = sim.chain();
        (
            seed_of(&sim),
            sim.is_tampered(),
            chain.len(),
            !chain.is_whole(),
        )
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
            let text = serde_json::to_string(&community.read().chain().file());
            let text = text.map_err(|e| e.to_string()).map(|t| indented(&t));
            if let Err(why) = text.and_then(|t| download("e-cloud-chain.json", &t)) {
                on_action.emit(Action::Explore(ExploreAction::FilesProblem(format!(
                    "The file could not be saved: {why}."
                ))));
            }
        })
    };
    let on_export_run = {
        let community = props.community.clone();
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| {
            let text = indented(&community.read().export_with_keys_compact());
            if let Err(why) = download(RUN_FILE, &text) {
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
    let on_reset = {
        let asking_reset = asking_reset.clone();
        Callback::from(move |_: MouseEvent| asking_reset.set(true))
    };
    let on_reset_confirmed = {
        let asking_reset = asking_reset.clone();
        props.on_action.reform(move |()| {
            asking_reset.set(false);
            Action::Explore(ExploreAction::Reset {
                seed: url_seed(),
                now_ms: clock::wall_ms(),
            })
        })
    };
    let on_reset_cancelled = {
        let asking_reset = asking_reset.clone();
        Callback::from(move |()| asking_reset.set(false))
    };
    let reset_question = match (keeping.keeps_a_run(), keeping.previous) {
        (false, _) => format!(
            "This browser keeps no storage for this page: the run in use ({}) will be gone. \
             Export it with its keys first to keep it.",
            count(blocks as u64, "block", "blocks")
        ),
        (true, None) => format!(
            "The run in use ({}) is put aside, and \u{201c}Undo reset\u{201d} brings it back \
             until the next reset.",
            count(blocks as u64, "block", "blocks")
        ),
        (true, Some(aside)) => format!(
            "The run in use ({}) is put aside, and \u{201c}Undo reset\u{201d} brings it back \
             until the next reset. The run put aside before ({}) is deleted.",
            count(blocks as u64, "block", "blocks"),
            count(aside.blocks, "block", "blocks")
        ),
    };
    let undo_offer = match (keeping.previous, &props.store) {
        (Some(aside), Some(store)) => {
            let on_undo = {
                let store = store.clone();
                let epoch = keeping.run.epoch;
                let on_action = props.on_action.clone();
                Callback::from(move |_: MouseEvent| undo(store.clone(), epoch, on_action.clone()))
            };
            html! {
                <div class="row">
                    <button type="button" onclick={on_undo} disabled={frozen}>
                        { aside.why.undo_label() }
                    </button>
                    { hint(if keeping.undoing {
                        "Bringing back the run put aside\u{2026}".into()
                    } else {
                        format!(
                            "Brings back the run put aside ({}); the run in use now is then dropped.",
                            count(aside.blocks, "block", "blocks")
                        ).into()
                    }) }
                </div>
            }
        }
        _ => html! {},
    };
    let check = match &keeping.check {
        StoreCheck::Passed { blocks, elapsed_ms } if *elapsed_ms > 0.0 => html! {
            <p class="hint">
                { format!(
                    "The chain kept in this browser ({}) was verified in the background in {}: \
                     every hash, signature and balance.",
                    count(*blocks, "block", "blocks"),
                    millis(*elapsed_ms)
                ) }
            </p>
        },
        _ => html! {},
    };
    let kept = match keeping.role {
        Role::Writer if keeping.run.origin == crate::state::Origin::Unkept => {
            "This chain is not kept in this browser (its keys are another run's)."
        }
        Role::Writer => "Every change is kept in this browser as it is made.",
        Role::Follower => "Another tab keeps this run; this tab follows it.",
        Role::Alone => "This browser keeps nothing for this page.",
    };
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
                <button type="button" onclick={on_export} disabled={partial}>
                    { if tampered { "Export chain (tampered)" } else { "Export chain" } }
                </button>
                <input id="import-file" class="file-input" type="file" accept=".json,application/json" onchange={on_file} disabled={frozen} />
                <label class="file-button" for="import-file" aria-disabled={frozen.to_string()}>{ "Import a chain or run file" }</label>
            </div>
            { hint(format!("{}. You can also drop a chain or run file anywhere on the page.", crate::format::count(blocks as u64, "block", "blocks")).into()) }
            <div class="row">
                <button type="button" onclick={on_export_run} disabled={partial}>
                    { "Export run with keys (private)" }
                </button>
            </div>
            { hint("The run file holds every member's secret key, so that the class can import it \
                    on another day or machine and go on sealing: keep it like a password. To \
                    share the chain, export the chain.".into()) }
            { notice_view(props.explorer.files_notice.as_ref()) }
            { hint(kept.into()) }
            { notice_view(props.explorer.storage_notice.as_ref()) }
            { check }
            { undo_offer }
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
                <button type="submit" class="secondary" disabled={frozen}>{ "Start" }</button>
            </form>
            <div class="row">
                <button type="button" class="secondary" onclick={on_reset} disabled={frozen}>{ "Reset: start afresh" }</button>
            </div>
            <Confirm
                id="reset-dialog"
                open={*asking_reset}
                title="Start a fresh run?"
                question={reset_question}
                confirm="Start a fresh run"
                on_confirm={on_reset_confirmed}
                on_cancel={on_reset_cancelled}
            />
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

/// JSON indented by two spaces, the text `serde_json::to_string_pretty`
/// writes, by the browser's `JSON`: the page then compiles one JSON
/// formatter instead of two (3.1 KB gzipped less). Exact, as every number
/// the page writes is an integer below 2^53.
fn indented(json: &str) -> String {
    js_sys::JSON::parse(json)
        .and_then(|value| {
            js_sys::JSON::stringify_with_replacer_and_space(&value, &JsValue::NULL, &2.into())
        })
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| json.to_string())
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
