use crate::format::short_hex;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HexProps {
    pub value: AttrValue,
    /// What the value is, for screen readers: "block hash", "signature".
    pub what: AttrValue,
}

/// A long hex value shown short; the full value is in the tooltip and one
/// keyboard press away (a disclosure), for copying and comparing.
#[function_component]
pub fn Hex(props: &HexProps) -> Html {
    html! {
        <details class="hex">
            <summary title={props.value.clone()} aria-label={format!("{} {}", props.what, short_hex(&props.value))}>
                <code>{ short_hex(&props.value) }</code>
            </summary>
            <code class="full">{ props.value.clone() }</code>
        </details>
    }
}
