use crate::format::short_hex;
use crate::hooks::OpenHex;
use yew::prelude::*;

/// A long hex value shown short; the full value is in the tooltip and one
/// press away, for copying and comparing. `what` says what the value is, for
/// screen readers: "block hash", "signature". Whether it is open is the
/// state of the card or panel around it (`use_hex_disclosures`).
/// A button, not a `<details>` (a shadow tree each): 2 ms less per seal at 1,000 blocks (docs/PERFORMANCE.md).
pub fn hex(value: String, what: &str, open: &OpenHex) -> Html {
    let short = short_hex(&value);
    let shown = open.shows(&value);
    html! {
        <>
            <button
                type="button"
                class="hex"
                onclick={open.toggle(value.clone())}
                title={value.clone()}
                aria-label={format!("{what} {short}")}
                aria-expanded={if shown { "true" } else { "false" }}
            >
                { short }
            </button>
            if shown { <code class="full">{ value }</code> }
        </>
    }
}
