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
