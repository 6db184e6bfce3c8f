//! Which of a card's long hex values (hashes, signatures, keys) are shown in
//! full: each is a button that discloses its value.

use std::rc::Rc;
use yew::prelude::*;

/// The values shown in full, by value: a key that appears twice in one card
/// (one signer's transactions) opens and closes as one.
#[derive(Clone, PartialEq, Default)]
struct Shown(Vec<String>);

impl Reducible for Shown {
    /// The value whose button was pressed.
    type Action = String;

    fn reduce(self: Rc<Self>, value: String) -> Rc<Self> {
        let mut shown = self.0.clone();
        match shown.iter().position(|v| *v == value) {
            Some(i) => {
                shown.swap_remove(i);
            }
            None => shown.push(value),
        }
        Rc::new(Shown(shown))
    }
}

/// The hex values of one card or panel shown in full, and their buttons'
/// clicks (see [`crate::components::hex::hex`]).
#[derive(Clone, PartialEq)]
pub struct OpenHex(UseReducerHandle<Shown>);

impl OpenHex {
    pub fn shows(&self, value: &str) -> bool {
        self.0 .0.iter().any(|v| v == value)
    }

    /// The click that shows `value` in full, or hides it again.
    pub fn toggle(&self, value: String) -> Callback<MouseEvent> {
        let shown = self.0.clone();
        Callback::from(move |_| shown.dispatch(value.clone()))
    }
}

#[hook]
pub fn use_hex_disclosures() -> OpenHex {
    OpenHex(use_reducer(Shown::default))
}
