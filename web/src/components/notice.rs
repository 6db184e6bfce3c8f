use crate::state::{Notice, Tone};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    pub notice: Option<Notice>,
}

/// A panel's answer to the last action. The live region is always in the
/// page, so screen readers announce what appears in it; a refusal is an
/// alert.
#[function_component]
pub fn NoticeView(props: &NoticeProps) -> Html {
    let inner = match &props.notice {
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
