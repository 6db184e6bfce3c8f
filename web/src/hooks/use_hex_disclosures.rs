//! Which of a card's long hex values (hashes, signatures, keys) are shown in
//! full. Each is a button that discloses its value; one click listener on
//! the card or list that shows them finds which button was pressed, so a new
//! block card registers one listener instead of one per value.

use std::rc::Rc;
use web_sys::Element;
use yew::prelude::*;

/// The values shown in full, by value: a key that appears twice in one card
/// (one signer's transactions) opens and closes as one.
#[derive(Clone, PartialEq, Default)]
pub struct OpenHex(Rc<Vec<String>>);

impl OpenHex {
    pub fn shows(&self, value: &str) -> bool {
        self.0.iter().any(|v| v == value)
    }
}

impl Reducible for OpenHex {
    /// The value whose button was pressed.
    type Action = String;

    fn reduce(self: Rc<Self>, value: String) -> Rc<Self> {
        let mut open = (*self.0).clone();
        match open.iter().position(|v| *v == value) {
            Some(i) => {
                open.swap_remove(i);
            }
            None => open.push(value),
        }
        Rc::new(OpenHex(Rc::new(open)))
    }
}

/// The open values, and the click listener for the element that holds the
/// buttons (see [`crate::components::hex::hex`]).
#[hook]
pub fn use_hex_disclosures() -> (OpenHex, Callback<MouseEvent>) {
    let open = use_reducer(OpenHex::default);
    let dispatcher = open.dispatcher();
    let on_click = Callback::from(move |e: MouseEvent| {
        if let Some(value) = pressed_value(&e) {
            dispatcher.dispatch(value);
        }
    });
    ((*open).clone(), on_click)
}

/// The full value of the hex button a click landed on, if it landed on one
/// (its text is not an element, so the button is the target).
fn pressed_value(e: &MouseEvent) -> Option<String> {
    let target: Element = e.target_dyn_into()?;
    if target.class_name() == "hex" {
        target.get_attribute("title")
    } else {
        None
    }
}
