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

/// The text of the input an event (input or change) came from ("" if it
/// came from something else): what every typed field hands to an action.
pub fn input_text(e: impl yew::TargetCast) -> String {
    e.target_dyn_into::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}

/// The value of the `<select>` an event came from ("" if none). Read as a
/// property, through the `Reflect.get` the page has anyway, rather than
/// through `HtmlSelectElement`, whose type check and getter would be glue
/// of their own in the page.
pub fn chosen(e: &yew::Event) -> String {
    e.target()
        .and_then(|t| js_sys::Reflect::get(&t, &"value".into()).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
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
    on_action.reform(move |e: yew::InputEvent| action.with_text(input_text(e)))
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
