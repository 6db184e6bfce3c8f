use crate::format::short_hex;
use crate::hooks::OpenHex;
use yew::prelude::*;

/// A long hex value shown short; the full value is in the tooltip and one
/// press away, for copying and comparing. `what` says what the value is, for
/// screen readers: "block hash", "signature". Whether it is open is the
/// state of the card or panel around it (`use_hex_disclosures`), whose one
/// click listener finds the button by its class and the value by its title.
///
/// A button and, once open, the value, rather than a `<details>`: a block
/// card shows up to 17 of them, and each `<details>` brings a shadow tree of
/// its own to create, style and lay out: about 2 ms of a seal's 12-14 ms at
/// 1,000 blocks (`node bench/page.mjs --compare`, CPU medians). A plain
/// function rather than a component for the same reason.
pub fn hex(value: String, what: &str, open: &OpenHex) -> Html {
    let short = short_hex(&value);
    let shown = open.shows(&value);
    html! {
        <>
            <button
                type="button"
                class="hex"
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
