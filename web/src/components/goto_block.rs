use crate::components::markup::TextField;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct GotoBlockProps {
    /// The input's id, so its label names it.
    pub id: AttrValue,
    pub label: AttrValue,
    /// The newest block, for the hint "0–tip".
    pub tip: u64,
    /// Receives the typed text when the form is submitted; the reducer
    /// parses it and says why when it is not a block height.
    pub on_show: Callback<String>,
}

/// "Go to block N": a text field and a Show button, for the block list and
/// the election panel alike.
#[function_component]
pub fn GotoBlock(props: &GotoBlockProps) -> Html {
    let typed = use_state(String::new);
    let on_input = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| {
            typed.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_submit = {
        let typed = typed.clone();
        props.on_show.reform(move |e: SubmitEvent| {
            e.prevent_default();
            (*typed).clone()
        })
    };
    html! {
        <form class="row" onsubmit={on_submit}>
            { TextField {
                id: props.id.clone(),
                label: props.label.clone(),
                mode: Some("numeric"),
                max: None,
                placeholder: Some(format!("0\u{2013}{}", props.tip).into()),
                value: (*typed).clone().into(),
                oninput: on_input,
            }.view() }
            <button type="submit" class="secondary">{ "Show" }</button>
        </form>
    }
}
