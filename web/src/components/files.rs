//! Export and import of the chain, the run kept in this browser, a
//! reproducible run from a seed number, and starting afresh.

use crate::clock;
use crate::components::input_text;
use crate::components::markup::{hint, TextField};
use crate::components::notice::notice_view;
use crate::components::panel::Panel;
use crate::hooks::{page_url, url_seed};
use crate::state::{seed_of, Action, Community, ExploreAction, Explorer};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FilesProps {
    pub community: Community,
    pub explorer: Explorer,
    pub on_action: Callback<Action>,
}

#[hook]
pub fn use_files(props: &FilesProps) -> Html {
    let seed_text = use_state(String::new);
    let (seed, tampered, blocks) = {
        let sim = props.community.read();
        (seed_of(&sim), sim.is_tampered(), sim.chain().len())
    };
    // Dropping a file anywhere on the page imports it.
    {
        let on_action = props.on_action.clone();
        use_effect_with((), move |_| {
            let document = web_sys::window().and_then(|w| w.document());
            // Closures of one type, `FnMut(JsValue)`, the file reader's
            // too: each type of closure is glue of its own in the page.
            let over = Closure::<dyn FnMut(JsValue)>::new(|e: JsValue| {
                e.unchecked_into::<web_sys::Event>().prevent_default()
            });
            let drop = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
                e.unchecked_ref::<web_sys::Event>().prevent_default();
                let dropped = js_sys::Reflect::get(&e, &"dataTransfer".into());
                if let Some(file) = dropped.ok().and_then(|d| first_file(&d)) {
                    read_file(file, on_action.clone());
                }
            });
            if let Some(d) = &document {
                let _ =
                    d.add_event_listener_with_callback("dragover", over.as_ref().unchecked_ref());
                let _ = d.add_event_listener_with_callback("drop", drop.as_ref().unchecked_ref());
            }
            move || {
                if let Some(d) = &document {
                    let _ = d.remove_event_listener_with_callback(
                        "dragover",
                        over.as_ref().unchecked_ref(),
                    );
                    let _ = d
                        .remove_event_listener_with_callback("drop", drop.as_ref().unchecked_ref());
                }
            }
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
            let Some(input) = e.target() else {
                return;
            };
            if let Some(file) = first_file(&input) {
                read_file(file, on_action.clone());
            }
            // The same file chosen again still counts as a change.
            let _ = js_sys::Reflect::set(&input, &"value".into(), &"".into());
        })
    };
    let on_seed_input = {
        let seed_text = seed_text.clone();
        Callback::from(move |e: InputEvent| seed_text.set(input_text(&e)))
    };
    let on_seed = {
        let seed_text = seed_text.clone();
        let on_action = props.on_action.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match seed_text.trim().parse::<u64>() {
                Ok(n) if n <= MAX_SEED => {
                    if let Some(w) = web_sys::window() {
                        // Loads the page again as ?seed=n: a run anyone can repeat.
                        let _ = w.location().set_search(&format!("seed={n}"));
                    }
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

fn share_url(seed: u64) -> String {
    let url = page_url().unwrap_or_default();
    let base = url.split(['?', '#']).next().unwrap_or_default();
    format!("{base}?seed={seed}")
}

/// The first of the files a file input or a drop holds. Read as
/// properties, through the `Reflect.get` the page has anyway, rather than
/// through `DataTransfer` and `FileList`, whose bindings would be glue of
/// their own in the page.
fn first_file(holder: &JsValue) -> Option<web_sys::File> {
    let files = js_sys::Reflect::get(holder, &"files".into()).ok()?;
    let file = js_sys::Reflect::get(&files, &0.into()).ok()?;
    // Past the last file (or with no files at all) the index reads undefined;
    // with no transfer at all the first read throws, an `Err` above.
    (!file.is_undefined()).then(|| file.unchecked_into())
}

/// Reads a chosen or dropped file and hands its text to the state.
fn read_file(file: web_sys::File, on_action: Callback<Action>) {
    let name = file.name();
    let failed_name = name.clone();
    let failed_action = on_action.clone();
    let ok = Closure::<dyn FnMut(JsValue)>::new(move |text: JsValue| {
        on_action.emit(Action::Explore(ExploreAction::Import {
            name: name.clone(),
            text: text.as_string().unwrap_or_default(),
            now_ms: clock::wall_ms(),
        }))
    });
    let failed = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
        failed_action.emit(Action::Explore(ExploreAction::FilesProblem(format!(
            "\u{201c}{failed_name}\u{201d} could not be read. The chain in use is unchanged."
        ))))
    });
    let _ = file.text().then2(&ok, &failed);
    ok.forget();
    failed.forget();
}

/// Offers `text` as a file download through a Blob and an object URL.
fn download(name: &str, text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser refused to make the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser refused to make the file")?;
    // A link made here is an `<a>`; its attributes are set as attributes,
    // through the binding Yew has anyway, rather than through
    // `HtmlAnchorElement`'s (each binding is glue of its own in the page).
    let a = document.create_element("a").map_err(|_| "no link")?;
    a.set_attribute("href", &url).map_err(|_| "no link")?;
    a.set_attribute("download", name).map_err(|_| "no link")?;
    a.unchecked_into::<web_sys::HtmlElement>().click();
    // Freed once the download has started.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
