use crate::components::panel::Panel;
use crate::format::{count, millis};
use crate::hooks::use_after_paint;
use crate::state::{Action, Community, Verification, Verified};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VerifyProps {
    pub community: Community,
    pub verification: Verification,
    pub on_action: Callback<Action>,
}

/// Recomputes every hash, signature and balance of the chain and says what
/// it found and how long it took.
#[function_component]
pub fn Verify(props: &VerifyProps) -> Html {
    let running = props.verification == Verification::Running;
    {
        let on_action = props.on_action.clone();
        use_after_paint(running.then_some(()), move |()| {
            on_action.emit(Action::Verify)
        });
    }
    let blocks = props.community.read().chain().len() as u64;
    let on_click = props
        .on_action
        .reform(|_: MouseEvent| Action::RequestVerify);
    let result = match &props.verification {
        Verification::NotRun => html! {
            <p>{ format!("Not verified yet: {} to check.", count(blocks, "block", "blocks")) }</p>
        },
        Verification::Running => html! {
            <p>{ format!("Verifying {}\u{2026}", count(blocks, "block", "blocks")) }</p>
        },
        Verification::Done(done) => {
            verified_view(done, props.community.read().chain().tip().height())
        }
    };
    Panel {
        id: "verify",
        title: "Verify the chain".into(),
        wide: false,
        why: "Anyone holding a copy can recompute every hash, signature and balance \
                 from the first block: no one has to be trusted, and a changed value \
                 shows up at the exact block and rule it breaks.",
    }
    .view(html! {
        <>
            <button type="button" class="primary" onclick={on_click} disabled={running}>
                { "Verify chain" }
            </button>
            <div class="verify-result" aria-live="polite">{ result }</div>
        </>
    })
}

fn verified_view(done: &Verified, tip: u64) -> Html {
    let r = &done.report;
    let checked = format!(
        "{} checked ({}, {}) in {}.",
        count(r.blocks_checked, "block", "blocks"),
        count(r.transactions_checked, "transaction", "transactions"),
        count(r.signatures_checked, "signature", "signatures"),
        millis(done.millis)
    );
    let grown = (tip > done.tip_height).then(|| {
        html! {
            <p class="hint">
                { format!(
                    "{} sealed since; verify again to include them.",
                    count(tip - done.tip_height, "block was", "blocks were")
                ) }
            </p>
        }
    });
    match r.first_failure() {
        None => html! {
            <>
                <p class="verdict ok"><strong>{ "\u{2714} Valid. " }</strong>{ checked }</p>
                { for grown }
            </>
        },
        Some(first) => html! {
            <>
                <p class="verdict broken">
                    <strong>{ format!("\u{2718} Broken at block {}. ", first.height) }</strong>
                    { checked }
                </p>
                <p>
                    { "First failure: rule " }
                    <code>{ first.check.code() }</code>
                    { format!(": {}", first.message) }
                </p>
                <p>{ format!("{} in all.", count(r.findings.len() as u64, "finding", "findings")) }</p>
                { for grown }
            </>
        },
    }
}
