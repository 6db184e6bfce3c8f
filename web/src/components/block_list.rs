use crate::components::block_card::BlockCard;
use crate::components::explorer::BlockStatus;
use crate::components::goto_block::GotoBlock;
use crate::components::notice::notice_view;
use crate::components::panel::Panel;
use crate::format::thousands;
use crate::state::{Action, BlockWindow, BlocksAction, Community, Explorer, Notice, Verification};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BlockListProps {
    pub community: Community,
    pub window: BlockWindow,
    pub notice: Option<Notice>,
    pub on_action: Callback<Action>,
    #[prop_or(Verification::NotRun)]
    pub verification: Verification,
    #[prop_or_default]
    pub explorer: Explorer,
}

/// The chain, newest first, one page of blocks at a time: a long chain is
/// never rendered whole.
#[function_component]
pub fn BlockList(props: &BlockListProps) -> Html {
    let tip = props.community.read().chain().tip().height();
    let heights: Vec<u64> = props.window.heights(tip).collect();
    let newest = heights.first().copied().unwrap_or(tip);
    let oldest = heights.last().copied().unwrap_or(0);
    let follows_tip = props.window.newest.is_none();

    let (tampered, base) = {
        let sim = props.community.read();
        (sim.is_tampered(), sim.chain().base())
    };
    // A card's blocks-sealed counts wait for the older blocks.
    let changes = if tampered || base > 0 {
        props.community.revision()
    } else {
        0
    };
    let cards = heights.iter().map(|&height| {
        let expanded = props.window.expanded.contains(&height);
        let editing = props.explorer.editing == Some(height);
        html! {
            <BlockCard
                key={height}
                community={props.community.clone()}
                content={(changes, if expanded { tip } else { 0 })}
                {height}
                {expanded}
                on_action={props.on_action.clone()}
                status={BlockStatus::of(&props.verification, height)}
                {editing}
                edit_notice={editing.then(|| props.explorer.edit_notice.clone()).flatten()}
            />
        }
    });
    let nav = |label: &'static str, action: BlocksAction, enabled: bool| {
        let onclick = props.on_action.reform(move |_| action.clone().into());
        html! {
            <button type="button" class="secondary" disabled={!enabled} {onclick}>{ label }</button>
        }
    };
    let on_goto = props
        .on_action
        .reform(|text| BlocksAction::Show { text }.into());
    // Heights name blocks, as in "Block 1001"; the chain's length is a count.
    let range = if oldest == newest {
        format!("Block {oldest}")
    } else {
        format!("Blocks {oldest}\u{2013}{newest}")
    };
    let following = if follows_tip {
        ", following new blocks"
    } else {
        ""
    };
    let showing = format!(
        "{range} of {}, newest first{following}.",
        thousands(tip + 1)
    );
    Panel {
        id: "blocks",
        title: "Blocks".into(),
        wide: true,
        why: "The chain itself. Each block records its parent's hash, so changing \
                 any past block changes its hash and breaks every link after it. \
                 Open a block to see the exact text that is hashed.",
    }
    .view(html! {
        <>
            <nav class="block-nav" aria-label="Pages of blocks">
                <p class="showing">{ showing }</p>
                <div class="row">
                    { nav("Newest", BlocksAction::ShowNewest, !follows_tip) }
                    { nav("Newer", BlocksAction::ShowNewer, !follows_tip) }
                    { nav("Older", BlocksAction::ShowOlder, oldest > base) }
                </div>
                <GotoBlock id="goto-block" label="Go to block" {tip} on_show={on_goto} />
                { notice_view(props.notice.as_ref()) }
            </nav>
            <ol class="blocks" reversed=true>{ for cards }</ol>
        </>
    })
}
