//! Pieces of the block explorer: a block's verification status, its hash
//! preimage with a Copy button and a command to check it, and links to its
//! parent and child.

use crate::components::markup::hint;
use crate::components::notice::notice_view;
use crate::state::{Action, BlocksAction, Notice, Verification};
use ecloud_core::{Check, Finding, Report};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// What the last verification said about one block.
#[derive(Clone, Debug, PartialEq)]
pub enum BlockStatus {
    /// Not verified yet, or sealed after the last verification.
    Unknown,
    Ok,
    /// The rules this block breaks itself (besides being a descendant).
    Broken(Vec<Finding>),
    /// Only after an earlier broken block.
    Descendant,
}

impl BlockStatus {
    /// The block's status from the last report: findings are in block order,
    /// so this is a binary search, cheap on a 10,000-block chain.
    pub fn of(verification: &Verification, height: u64) -> BlockStatus {
        let Verification::Done(done) = verification else {
            return BlockStatus::Unknown;
        };
        if height > done.tip_height {
            return BlockStatus::Unknown;
        }
        let findings = findings_at(&done.report, height);
        let own: Vec<Finding> = findings
            .iter()
            .filter(|f| f.check != Check::DescendantOfBroken)
            .cloned()
            .collect();
        if !own.is_empty() {
            BlockStatus::Broken(own)
        } else if findings.is_empty() {
            BlockStatus::Ok
        } else {
            BlockStatus::Descendant
        }
    }
}

fn findings_at(report: &Rc<Report>, height: u64) -> &[Finding] {
    let f = &report.findings;
    let start = f.partition_point(|x| x.height < height);
    let end = start + f[start..].partition_point(|x| x.height == height);
    &f[start..end]
}

/// The badge beside a block's title, and what broke.
pub fn status_view(status: &BlockStatus, height: u64) -> Html {
    match status {
        BlockStatus::Unknown => html! {},
        BlockStatus::Ok => html! {
            <p class="status ok"><span class="badge ok">{ "\u{2714} ok" }</span>{ " verified" }</p>
        },
        BlockStatus::Descendant => html! {
            <p class="status descendant">
                <span class="badge descendant">{ "descendant" }</span>
                { " comes after a broken block, so it cannot be trusted either" }
            </p>
        },
        BlockStatus::Broken(findings) => html! {
            <div class="status broken" role="group" aria-label={format!("what breaks in block {height}")}>
                <p><span class="badge broken">{ "\u{2718} broken" }</span></p>
                <ul class="findings">
                    { for findings.iter().map(|f| html! {
                        <li><code>{ f.check.code() }</code>{ format!(": {}", f.message) }</li>
                    }) }
                </ul>
            </div>
        },
    }
}

/// Buttons that open the parent and the child of a block.
pub fn neighbours(height: u64, tip: u64, on_action: &Callback<Action>) -> Html {
    let open = |h: u64, label: String| {
        let onclick = on_action.reform(move |_| {
            BlocksAction::Show {
                text: h.to_string(),
            }
            .into()
        });
        html! { <button type="button" class="secondary" {onclick}>{ label }</button> }
    };
    html! {
        <div class="row neighbours">
            if height > 0 { { open(height - 1, format!("\u{2190} Parent: block {}", height - 1)) } }
            if height < tip { { open(height + 1, format!("Child: block {} \u{2192}", height + 1)) } }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct PreimageProps {
    pub height: u64,
    pub text: AttrValue,
}

/// The exact text the block hash covers, a Copy button, and a one-line
/// check in a terminal.
#[function_component]
pub fn Preimage(props: &PreimageProps) -> Html {
    let copied = use_state(|| None::<Copied>);
    let on_copy = {
        let copied = copied.clone();
        let text = props.text.clone();
        Callback::from(move |_: MouseEvent| copy(&text, copied.setter()))
    };
    let command = format!("printf '%s' '{}' | sha256sum", props.text);
    let note = match *copied {
        None => None,
        Some(Copied::Done) => Notice::done("Copied."),
        Some(Copied::Refused) => Notice::refused(
            "This browser did not allow copying: select the text above and copy it by hand \
             (Ctrl+C).",
        ),
    };
    html! {
        <>
            { hint("The block hash is the SHA-256 of exactly this text (no final newline).".into()) }
            <pre class="preimage" tabindex="0" aria-label={format!("hash preimage of block {}", props.height)}>{ props.text.clone() }</pre>
            <div class="row">
                <button type="button" class="secondary" onclick={on_copy}>{ "Copy preimage" }</button>
            </div>
            { notice_view(note.as_ref()) }
            { hint("Check it in a terminal (the text holds no single quote, so this is exact):".into()) }
            <pre class="preimage command" tabindex="0" aria-label={format!("command to check block {}'s hash", props.height)}>{ command }</pre>
        </>
    }
}

/// What came of pressing Copy.
#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Done,
    Refused,
}

/// Copies `text` with the asynchronous clipboard; says where it cannot.
fn copy(text: &str, copied: UseStateSetter<Option<Copied>>) {
    let clipboard = gloo_utils::window().navigator().clipboard();
    // navigator.clipboard is missing on pages not served securely.
    if JsValue::from(&clipboard).is_undefined() {
        copied.set(Some(Copied::Refused));
        return;
    }
    let written = JsFuture::from(clipboard.write_text(text));
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = match written.await {
            Ok(_) => Copied::Done,
            Err(_) => Copied::Refused,
        };
        copied.set(Some(outcome));
    });
}
