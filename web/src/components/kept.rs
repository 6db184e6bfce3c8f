//! The banner under the title about the run kept in this browser: that
//! this tab follows another, that the kept chain turned out bad or
//! incomplete, and the background verification of a reopened run under
//! way (which it drives, a slice per task).

use crate::format::{count, thousands};
use crate::hooks::use_next_task;
use crate::state::{Action, Community, Keeping, KeepingAction, StoreCheck, FOLLOWING};
use crate::store::Store;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct KeptRunProps {
    pub community: Community,
    pub keeping: Keeping,
    pub on_action: Callback<Action>,
}

#[function_component]
pub fn KeptRun(props: &KeptRunProps) -> Html {
    let keeping = &props.keeping;
    let tampered = props.community.read().is_tampered();
    let running = match &keeping.check {
        StoreCheck::Running(checking) => Some(checking),
        _ => None,
    };
    {
        // Each slice done asks for the next; none while history is
        // tampered (the check waits for it to be undone).
        let on_action = props.on_action.clone();
        let asked = running.filter(|_| !tampered).map(|c| c.slices);
        use_next_task(asked, move |_| {
            on_action.emit(KeepingAction::CheckSlice.into())
        });
    }
    let following = keeping.following().then(|| {
        html! { <p class="kept-banner follows" role="status">{ FOLLOWING }</p> }
    });
    let held = keeping.held.as_ref().map(|why| {
        let go_on = keeping.go_on_from.map(|tip| {
            html! {
                <button type="button" class="secondary"
                    onclick={props.on_action.reform(|_| {
                        Store::forget_unkept();
                        KeepingAction::GoOn.into()
                    })}>
                    { format!("Go on from block {tip}") }
                </button>
            }
        });
        html! {
            <div class="kept-banner held" role="alert">
                <p>{ why.clone() }</p>
                { for go_on }
            </div>
        }
    });
    let reading = match keeping.check {
        StoreCheck::Reading { total } => Some(html! {
            <p class="kept-banner checking" role="status">
                { format!(
                    "Reading the {} older blocks kept in this browser\u{2026} The page is usable \
                     meanwhile: its newest blocks were read and checked; the charts, the counts of \
                     blocks sealed, export and verification wait for the rest.",
                    thousands(total)
                ) }
            </p>
        }),
        _ => None,
    };
    let checking = running.map(|checking| {
        let blocks = props.community.read().chain().len() as u64;
        let progress = checking.progress_of(blocks);
        let text = if tampered {
            "The chain kept in this browser is being verified in the background; it waits \
             while history is tampered with."
                .to_string()
        } else {
            format!(
                "Verifying the chain kept in this browser in the background: {} of {} checked. \
                 The page is usable meanwhile; only its newest blocks were checked at start.",
                thousands(progress.done),
                count(progress.total, "block", "blocks")
            )
        };
        html! { <p class="kept-banner checking">{ text }</p> }
    });
    if following.is_none() && held.is_none() && checking.is_none() && reading.is_none() {
        return html! {};
    }
    html! {
        <div class="kept">
            { for following }
            { for held }
            { for reading }
            { for checking }
        </div>
    }
}
