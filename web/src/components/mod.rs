//! The page's components, one per file.

pub mod app;
pub mod balances;
pub mod bar_chart;
pub mod block_card;
pub mod block_list;
pub mod chart;
pub mod charts;
pub mod election;
pub mod explorer;
pub mod files;
pub mod generation;
pub mod goto_block;
pub mod hex;
pub mod ledger_table;
pub mod line_chart;
pub mod markup;
pub mod members;
pub mod next_block;
pub mod notice;
pub mod open_block;
pub mod panel;
pub mod pure;
pub mod shares;
pub mod tamper;
pub mod transaction;
pub mod verify;
pub mod voting_tokens;
pub mod win_chart;

/// A property of the element an event came from: read through the
/// `Reflect.get` the page has anyway, rather than through the element's
/// own bindings (`HtmlInputElement`'s type check, value and checked;
/// `HtmlSelectElement`'s), each of which would be glue of its own.
fn target_property(e: &web_sys::Event, name: &str) -> wasm_bindgen::JsValue {
    e.target()
        .and_then(|t| js_sys::Reflect::get(&t, &name.into()).ok())
        .unwrap_or_default()
}

/// The text of the input (or `<select>`) an event came from ("" if it came
/// from something else): what every typed field hands to an action.
pub fn input_text(e: &web_sys::Event) -> String {
    target_property(e, "value").as_string().unwrap_or_default()
}

/// Whether the checkbox an event came from is ticked.
pub fn ticked(e: &web_sys::Event) -> bool {
    target_property(e, "checked").as_bool().unwrap_or_default()
}

/// A button's click as `action`. One closure for every such button: each
/// `reform` with a closure of its own is a copy of Yew's callback code in
/// the page (docs/PERFORMANCE.md, "Size").
pub fn on_click(
    on_action: &yew::Callback<crate::state::Action>,
    action: crate::state::Action,
) -> yew::Callback<web_sys::MouseEvent> {
    on_action.reform(move |_| action.clone())
}

/// A text field's input as `action` carrying the text typed
/// ([`Action::with_text`](crate::state::Action::with_text)): one closure
/// for every field, as [`on_click`] is for buttons.
pub fn on_text(
    on_action: &yew::Callback<crate::state::Action>,
    action: crate::state::Action,
) -> yew::Callback<yew::InputEvent> {
    on_action.reform(move |e: yew::InputEvent| action.with_text(input_text(&e)))
}

/// Text handed over whole (a "go to block" form's) as `action` carrying it.
pub fn on_typed(
    on_action: &yew::Callback<crate::state::Action>,
    action: crate::state::Action,
) -> yew::Callback<String> {
    on_action.reform(move |text: String| action.with_text(text))
}

/// A secondary button that sends `action`, greyed out unless `enabled`:
/// written once for the page's nine kinds (paging, undo, parent and child,
/// fast forward, leaving).
pub fn action_button(
    on_action: &yew::Callback<crate::state::Action>,
    label: yew::AttrValue,
    action: crate::state::Action,
    enabled: bool,
) -> yew::Html {
    yew::html! {
        <button
            type="button"
            class="secondary"
            disabled={!enabled}
            onclick={on_click(on_action, action)}
        >
            { label }
        </button>
    }
}

/// A form's submission as `action`, the page staying where it is (the
/// browser would otherwise load it again). One closure for every form, as
/// [`on_click`] is for buttons.
pub fn on_submit(
    on_action: &yew::Callback<crate::state::Action>,
    action: crate::state::Action,
) -> yew::Callback<yew::SubmitEvent> {
    on_action.reform(move |e: yew::SubmitEvent| {
        e.prevent_default();
        action.clone()
    })
}
