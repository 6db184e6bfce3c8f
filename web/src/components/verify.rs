use crate::components::markup::hint;
use crate::components::notice::notice_view;
use crate::components::panel::Panel;
use crate::format::{count, millis, thousands};
use crate::hooks::use_next_task;
use crate::state::{
    Action, Community, Notice, Verification, VerificationAction, Verified, Verifying,
};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VerifyProps {
    pub community: Community,
    pub verification: Verification,
    /// Why a verification under way started again or was cancelled.
    pub notice: Option<Notice>,
    pub on_action: Callback<Action>,
}

/// Recomputes every hash, signature and balance of the chain and says what
/// it found and how long it took.
#[function_component]
pub fn Verify(props: &VerifyProps) -> Html {
    let running = match &props.verification {
        Verification::Running(running) => Some(running),
        _ => None,
    };
    {
        // Each slice done asks for the next, in a task of its own.
        let on_action = props.on_action.clone();
        use_next_task(running.map(|r| r.slices), move |_| {
            on_action.emit(VerificationAction::Slice.into())
        });
    }
    let blocks = props.community.read().chain().len() as u64;
    let on_click = props
        .on_action
        .reform(|_| VerificationAction::Request.into());
    let (status, verdict) = match &props.verification {
        Verification::NotRun => (
            html! {
                <p>{ format!("Not verified yet: {} to check.", count(blocks, "block", "blocks")) }</p>
            },
            html! {},
        ),
        Verification::Running(running) => (progress_view(running), html! {}),
        Verification::Done(done) => (
            html! {},
            verified_view(done, props.community.read().chain().tip().height()),
        ),
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
            <button type="button" class="primary" onclick={on_click} disabled={running.is_some()}>
                { "Verify chain" }
            </button>
            { notice_view(props.notice.as_ref()) }
            <div class="verify-result">
                { status }
                <div aria-live="polite">{ verdict }</div>
            </div>
        </>
    })
}

/// How far a verification has got. The sentence changes a hundred times a
/// second, so it is not a live region: screen readers hear the verdict.
fn progress_view(running: &Verifying) -> Html {
    let p = running.progress;
    html! {
        <>
            <p>
                { format!(
                    "Verifying\u{2026} {} of {}",
                    thousands(p.done),
                    count(p.total, "block", "blocks")
                ) }
            </p>
            <progress
                aria-label="Blocks verified"
                max={p.total.to_string()}
                value={p.done.to_string()}
            />
        </>
    }
}

fn verified_view(done: &Verified, tip: u64) -> Html {
    let r = &done.report;
    // The time is the verification's own; the time from the click also
    // counts what the page did in between (repaints, clicks, seals).
    let elapsed = done
        .elapsed_ms
        .map(|ms| format!(" ({} from the click)", millis(ms)))
        .unwrap_or_default();
    let checked = format!(
        "{} checked ({}, {}) in {}{elapsed}.",
        count(r.blocks_checked, "block", "blocks"),
        count(r.transactions_checked, "transaction", "transactions"),
        count(r.signatures_checked, "signature", "signatures"),
        millis(done.millis)
    );
    let grown = (tip > done.tip_height).then(|| {
        hint(
            format!(
                "{} sealed since; verify again to include them.",
                count(tip - done.tip_height, "block was", "blocks were")
            )
            .into(),
        )
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
