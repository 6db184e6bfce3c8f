//! A question the page asks before it does something that cannot be taken
//! back lightly: a modal `<dialog>`, so the browser moves the focus into it,
//! keeps it there, closes it on Escape and gives the focus back after;
//! screen readers hear its title and its question.

use web_sys::HtmlDialogElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConfirmProps {
    /// Used for the ids that name and describe the dialog.
    pub id: AttrValue,
    pub open: bool,
    pub title: AttrValue,
    pub question: AttrValue,
    /// The button that does it, saying what it does.
    pub confirm: AttrValue,
    pub on_confirm: Callback<()>,
    /// Cancel, Escape, or the dialog closed otherwise.
    pub on_cancel: Callback<()>,
}

#[function_component]
pub fn Confirm(props: &ConfirmProps) -> Html {
    let dialog = use_node_ref();
    {
        let dialog = dialog.clone();
        use_effect_with(props.open, move |open| {
            if let Some(d) = dialog.cast::<HtmlDialogElement>() {
                if *open && !d.open() {
                    let _ = d.show_modal();
                } else if !*open && d.open() {
                    d.close();
                }
            }
            || ()
        });
    }
    let title = format!("{}-title", props.id);
    let question = format!("{}-question", props.id);
    let on_close = props.on_cancel.reform(|_: Event| ());
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let on_confirm = props.on_confirm.reform(|_: MouseEvent| ());
    html! {
        <dialog
            ref={dialog}
            id={props.id.clone()}
            class="confirm"
            aria-labelledby={title.clone()}
            aria-describedby={question.clone()}
            onclose={on_close}
        >
            <h2 id={title}>{ props.title.clone() }</h2>
            <p id={question}>{ props.question.clone() }</p>
            <div class="row">
                <button type="button" class="primary" onclick={on_confirm}>
                    { props.confirm.clone() }
                </button>
                // The safe answer has the focus first.
                <button type="button" class="secondary" autofocus=true onclick={on_cancel}>
                    { "Cancel" }
                </button>
            </div>
        </dialog>
    }
}
