//! Pieces of markup the panels share.

use crate::hooks::use_overflows;
use yew::prelude::*;

/// A table of numbers, scrolling sideways on a narrow screen: `first`
/// heads the column that names each row, `numbers` the columns of numbers
/// (ledgers, elections, simulated wins). While it scrolls, the names stay
/// in view, and so does the last column in a table of class `keep-last`
/// (the score that decides an election, the blocks each member sealed).
pub fn number_table(
    class: &'static str,
    caption: AttrValue,
    first: &'static str,
    numbers: &[&str],
    rows: Html,
) -> Html {
    let numbers: Vec<AttrValue> = numbers
        .iter()
        .map(|&t| AttrValue::from(t.to_string()))
        .collect();
    html! { <NumberTable {class} {caption} {first} {numbers} {rows} /> }
}

#[derive(Properties, PartialEq)]
struct NumberTableProps {
    class: &'static str,
    caption: AttrValue,
    first: &'static str,
    numbers: Vec<AttrValue>,
    rows: Html,
}

/// [`number_table`]'s table, with a hint above it while it is too wide for
/// its box.
#[function_component]
fn NumberTable(props: &NumberTableProps) -> Html {
    let wrap = use_node_ref();
    let overflows = use_overflows(wrap.clone());
    let cols = props.numbers.iter().map(|t| {
        html! { <th scope="col" class="num">{ t.clone() }</th> }
    });
    html! {
        <div class="table-wrap" tabindex="0" ref={wrap}>
            if overflows {
                <p class="scroll-hint">
                    { "\u{2190} Scroll the table sideways to see every column \u{2192}" }
                </p>
            }
            <table class={props.class}>
                <caption>{ props.caption.clone() }</caption>
                <thead><tr><th scope="col">{ props.first }</th>{ for cols }</tr></thead>
                <tbody>{ props.rows.clone() }</tbody>
            </table>
        </div>
    }
}

/// A right-aligned cell of a table of numbers.
pub fn num_cell(text: String) -> Html {
    html! { <td class="num">{ text }</td> }
}

/// A labelled text field.
pub struct TextField {
    pub id: AttrValue,
    pub label: AttrValue,
    /// The keyboard a phone shows (`inputmode`): "decimal", "numeric".
    pub mode: Option<&'static str>,
    /// The longest text accepted (`maxlength`).
    pub max: Option<&'static str>,
    pub placeholder: Option<AttrValue>,
    pub value: AttrValue,
    pub oninput: Callback<InputEvent>,
}

impl TextField {
    pub fn view(self) -> Html {
        html! {
            <>
                <label for={self.id.clone()}>{ self.label }</label>
                <input
                    id={self.id}
                    type="text"
                    inputmode={self.mode}
                    autocomplete="off"
                    maxlength={self.max}
                    placeholder={self.placeholder}
                    value={self.value}
                    oninput={self.oninput}
                />
            </>
        }
    }
}

/// A line of help beside a control.
pub fn hint(text: AttrValue) -> Html {
    html! { <p class="hint">{ text }</p> }
}

/// What a list says when it has nothing to show.
pub fn empty(text: AttrValue) -> Html {
    html! { <p class="empty">{ text }</p> }
}

/// One name and its value in a `<dl>`.
pub fn term(name: &'static str, value: Html) -> Html {
    html! { <><dt>{ name }</dt><dd>{ value }</dd></> }
}
