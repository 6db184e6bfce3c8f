use crate::state::{Notice, Tone};
use yew::prelude::*;

/// A panel's answer to the last action. The live region is always in the
/// page, so screen readers announce what appears in it; a refusal is an
/// alert.
pub fn notice_view(notice: Option<&Notice>) -> Html {
    let inner = match notice {
        None => html! {},
        Some(Notice {
            tone: Tone::Refused,
            text,
        }) => html! { <p class="notice refused" role="alert">{ text.clone() }</p> },
        Some(Notice {
            tone: Tone::Done,
            text,
        }) => html! { <p class="notice done">{ text.clone() }</p> },
    };
    html! { <div class="notice-slot" aria-live="polite">{ inner }</div> }
}
