//! Pieces of markup the views share.
//!
//! Elements whose class changes from render to render: `html!` turns a class written as an expression (`class={..}`) into a
//! `Classes` set first (splitting the text on spaces into a hashed set,
//! then joining it again), even when the expression is one whole class
//! string. That code was in the page for nine elements alone; built here,
//! the same element carries its class as a plain attribute value, which is
//! what `html!` hands the DOM in the end (docs/PERFORMANCE.md, "Size").

use yew::prelude::*;
use yew::virtual_dom::{AttributeOrProperty, Attributes, Key, Listeners, VTag};

/// A table of numbers, scrolling sideways on a narrow screen: `first`
/// heads the column that names each row, `numbers` the columns of numbers.
/// Written once for the page's four (ledgers, elections, simulated wins).
pub fn number_table(
    class: &'static str,
    caption: AttrValue,
    first: &'static str,
    numbers: &[&str],
    rows: Html,
) -> Html {
    let cols = numbers.iter().map(|&t| {
        html! { <th scope="col" class="num">{ t.to_string() }</th> }
    });
    let table = html! {
        <>
            <caption>{ caption }</caption>
            <thead><tr><th scope="col">{ first }</th>{ for cols }</tr></thead>
            <tbody>{ rows }</tbody>
        </>
    };
    html! {
        <div class="table-wrap" tabindex="0">
            { element("table", None, &["class"], vec![Some(class.into())], table) }
        </div>
    }
}

/// A right-aligned cell of a table of numbers.
pub fn num_cell(text: String) -> Html {
    html! { <td class="num">{ text }</td> }
}

/// A labelled text field, written once for the page's seven.
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

/// `<p class="hint">text</p>`: a line of help beside a control, at ten places.
pub fn hint(text: AttrValue) -> Html {
    html! { <p class="hint">{ text }</p> }
}

/// `<p class="empty">text</p>`: what a list says when it has nothing to show.
pub fn empty(text: AttrValue) -> Html {
    html! { <p class="empty">{ text }</p> }
}

/// One name and its value in a `<dl>`: written once rather than as two
/// elements at each of the page's seventeen (each `html!` element is code
/// of its own).
pub fn term(name: &'static str, value: Html) -> Html {
    html! { <><dt>{ name }</dt><dd>{ value }</dd></> }
}

/// `<tag ..>children</tag>` with attributes `names` set to `values` (one
/// of them the class; `None` leaves an attribute out), as `html!` would
/// make it, keyed by `key` in a keyed list.
#[inline(never)]
pub fn element(
    tag: &'static str,
    key: Option<Key>,
    names: &'static [&'static str],
    values: Vec<Option<AttrValue>>,
    children: Html,
) -> Html {
    VTag::__new_other(
        AttrValue::Static(tag),
        NodeRef::default(),
        key,
        Attributes::Dynamic {
            keys: names,
            values: values
                .into_iter()
                .map(|v| v.map(AttributeOrProperty::Attribute))
                .collect(),
        },
        Listeners::None,
        children,
    )
    .into()
}
