use crate::components::markup::hint;
use crate::components::notice::notice_view;
use crate::components::panel::Panel;
use crate::format::{count, millis, thousands};
use crate::hooks::use_next_task;
use crate::state::{
    Action, Community, Notice, SlicedVerification, Verification, VerificationAction, Verified,
};
use ecloud_core::{Check, Finding, Report};
use std::rc::Rc;
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
        Verification::Running { sliced, .. } => Some(sliced),
        _ => None,
    };
    {
        // Each slice done asks for the next, in a task of its own.
        let on_action = props.on_action.clone();
        use_next_task(running.map(|r| r.slices), move |_| {
            on_action.emit(VerificationAction::Slice.into())
        });
    }
    let (blocks, whole) = {
        let sim = props.community.read();
        (sim.chain().len() as u64, sim.chain().is_whole())
    };
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
        Verification::Running { sliced, .. } => (progress_view(sliced, blocks), html! {}),
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
            <button type="button" class="primary" onclick={on_click} disabled={running.is_some() || !whole}>
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
fn progress_view(running: &SlicedVerification, blocks: u64) -> Html {
    let p = running.progress_of(blocks);
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
                <AllFindings report={done.report.clone()} />
                { for grown }
            </>
        },
    }
}

#[derive(Properties)]
struct AllFindingsProps {
    report: Rc<Report>,
}

impl PartialEq for AllFindingsProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.report, &other.report)
    }
}

/// Every finding of a report, grouped by block, behind a disclosure
/// button: listed only once opened, so a chain broken at its start (every
/// later block a descendant) costs nothing until a student asks.
#[function_component]
fn AllFindings(props: &AllFindingsProps) -> Html {
    let open = use_state(|| false);
    let findings = &props.report.findings;
    let total = count(findings.len() as u64, "finding", "findings");
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <div class="all-findings">
            <p>
                { format!("{total} in all. ") }
                <button
                    type="button"
                    class="secondary"
                    aria-expanded={open.to_string()}
                    aria-controls="all-findings"
                    onclick={toggle}
                >
                    { if *open { "Hide the findings".to_string() } else { format!("Show all {total}") } }
                </button>
            </p>
            if *open {
                <ol id="all-findings" class="findings-by-block" aria-label="every finding, by block">
                    { for by_block(findings).into_iter().map(group_view) }
                </ol>
            }
        </div>
    }
}

/// One block's findings, or a run of blocks that only descend from a
/// broken one.
enum Group<'a> {
    Block(u64, &'a [Finding]),
    Descendants {
        from: u64,
        to: u64,
        first: &'a Finding,
    },
}

/// `findings` (in block order) by block; consecutive blocks whose only
/// finding is that they descend from a broken block make one group.
fn by_block(findings: &[Finding]) -> Vec<Group<'_>> {
    let mut groups = Vec::new();
    let mut rest = findings;
    while let Some(first) = rest.first() {
        let end = rest.partition_point(|f| f.height == first.height);
        let (block, after) = rest.split_at(end);
        rest = after;
        let only_descends = block.iter().all(|f| f.check == Check::DescendantOfBroken);
        match groups.last_mut() {
            Some(Group::Descendants { to, .. }) if only_descends && *to + 1 == first.height => {
                *to = first.height;
            }
            _ if only_descends => groups.push(Group::Descendants {
                from: first.height,
                to: first.height,
                first,
            }),
            _ => groups.push(Group::Block(first.height, block)),
        }
    }
    groups
}

fn finding_view(f: &Finding) -> Html {
    html! { <li><code>{ f.check.code() }</code>{ format!(": {}", f.message) }</li> }
}

fn group_view(group: Group<'_>) -> Html {
    match group {
        Group::Block(height, findings) => html! {
            <li>
                <strong>{ format!("Block {height}") }</strong>
                <ul>{ for findings.iter().map(finding_view) }</ul>
            </li>
        },
        Group::Descendants { from, to, first } if from == to => html! {
            <li>
                <strong>{ format!("Block {from}") }</strong>
                <ul>{ finding_view(first) }</ul>
            </li>
        },
        Group::Descendants { from, to, first } => html! {
            <li>
                <strong>{ format!("Blocks {from}\u{2013}{to}") }</strong>
                { format!(" ({}), each:", count(to - from + 1, "finding", "findings")) }
                <ul>
                    { finding_view(first) }
                </ul>
            </li>
        },
    }
}
