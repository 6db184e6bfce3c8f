use crate::format::short_hex;
use yew::prelude::*;

/// A long hex value shown short; the full value is in the tooltip and one
/// keyboard press away (a disclosure), for copying and comparing. `what`
/// says what the value is, for screen readers: "block hash", "signature".
/// A plain function rather than a component: a block card shows up to 17
/// of them, and as components each was created, scheduled and destroyed
/// with its card, and each Yew component costs about 1 KB of WebAssembly.
pub fn hex(value: String, what: &str) -> Html {
    let short = short_hex(&value);
    html! {
        <details class="hex">
            <summary title={value.clone()} aria-label={format!("{what} {short}")}>
                <code>{ short }</code>
            </summary>
            <code class="full">{ value }</code>
        </details>
    }
}
