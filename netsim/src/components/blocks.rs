use crate::download::download;
use crate::format::short;
use crate::state::{Action, State};
use ecloud_core::encoding::order::sorted_by;
use ecloud_core::node::BlockTree;
use ecloud_core::{Block, Hash};
use std::cmp::Ordering;
use std::sync::Arc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Heights the block list shows, the newest last.
const HEIGHTS: u64 = 12;

#[derive(Properties, PartialEq)]
pub struct BlocksProps {
    pub state: UseReducerHandle<State>,
    pub dispatch: UseReducerDispatcher<State>,
}

/// The chosen node's newest blocks, forks included: the blocks competing at
/// a height, which one the node follows and why.
#[function_component]
pub fn Blocks(props: &BlocksProps) -> Html {
    let state = &props.state;
    let network = state.network();
    let count = network.len() as u32;
    let peer = state.selected.min(count.saturating_sub(1));
    let node = network.node(peer);
    let tree = node.tree();
    let tip = node.tip();
    let final_height = node.finalized().height();
    let recent = recent_blocks(tree);
    let top = recent.iter().map(|b| b.height()).max().unwrap_or(0);
    let from = top.saturating_sub(HEIGHTS - 1);

    let choose = {
        let d = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(peer) = select.value().parse() {
                d.dispatch(Action::Select(peer));
            }
        })
    };
    let failed = use_state(|| None::<String>);
    let export = {
        let (state, failed) = (props.state.clone(), failed.clone());
        Callback::from(move |_| {
            let file = state.network().node(peer).chain_file();
            let name = format!(
                "e-cloud-{}-chain.json",
                state.name(peer).to_ascii_lowercase()
            );
            failed.set(download(&name, &file).err());
        })
    };
    let block = |b: &Block| {
        let on_chain = tree.is_ancestor(&b.hash, &tip.hash);
        let is_final = on_chain && b.height() <= final_height;
        let (class, mark) = match (is_final, on_chain) {
            (true, _) => ("final", "final"),
            (false, true) => ("chain", "followed"),
            (false, false) => ("fork", "fork"),
        };
        html! {
            <li class={classes!("block", class)}>
                <code>{ short(&b.hash) }</code>
                { format!(" sealed by {}", state.name(b.header.sealed_by.0)) }
                if let Some(rank) = b.header.rank {
                    { format!(", rank {rank}") }
                }
                <span class="mark">{ mark }</span>
            </li>
        }
    };
    let rows = (from..=top).rev().map(|height| {
        let here: Vec<&Arc<Block>> = recent
            .iter()
            .filter(|b| b.height() == height)
            .copied()
            .collect();
        let here = sorted_by(&here, &|a, b| a.hash.cmp(&b.hash));
        let forked = here.len() > 1;
        html! {
            <li class={classes!("height", forked.then_some("forked"))}>
                <span class="num">{ format!("#{height}") }</span>
                <ul>{ for here.iter().map(|b| block(b)) }</ul>
            </li>
        }
    });
    let forks: Vec<Html> = tree
        .leaves()
        .iter()
        .filter(|leaf| **leaf != tip.hash)
        .filter_map(|leaf| tree.block(leaf))
        .map(|leaf| fork(tree, &tip.hash, leaf, state))
        .collect();

    html! {
        <section id="blocks" aria-labelledby="blocks-title" class="panel wide">
            <h2 id="blocks-title">{ "Blocks, as one node sees them" }</h2>
            <p class="why">
                { "Each node keeps every block it accepted, forks included, and follows one \
                   chain by a rule every node applies the same way. A final block is never \
                   given up." }
            </p>
            <label class="field">
                { "The view of " }
                <select onchange={choose}>
                    { for (0..count).map(|p| html! {
                        <option value={p.to_string()} selected={p == peer}>{ state.name(p) }</option>
                    }) }
                </select>
            </label>
            <p>
                { format!("{} follows block #{} and holds #{} as final.", state.name(peer), tip.height(), final_height) }
            </p>
            <p>
                <button type="button" onclick={export}>
                    { format!("Download {}'s chain", state.name(peer)) }
                </button>
                { " The chain this node follows, as a chain file: the " }
                <a href="./">{ "main page" }</a>
                { " imports it (\u{201c}Import a chain or run file\u{201d}), verifies every                    signature and VRF proof, and lets the class tamper with it." }
            </p>
            if let Some(why) = &*failed {
                <p class="verdict bad" role="alert">{ why }</p>
            }
            <ol class="heights">{ for rows }</ol>
            <h3>{ "Forks" }</h3>
            if forks.is_empty() {
                <p class="muted">{ "None: every block this node holds is on the chain it follows." }</p>
            } else {
                <ul class="forks">{ for forks }</ul>
            }
        </section>
    }
}

/// The blocks of the newest [`HEIGHTS`] heights, forks included: walked
/// down from each fork's tip (the tree holds the whole chain, which a
/// render at every step of a long run must not walk).
fn recent_blocks(tree: &BlockTree) -> Vec<&Arc<Block>> {
    let top = tree
        .leaves()
        .iter()
        .filter_map(|leaf| tree.block(leaf))
        .map(|b| b.height())
        .max()
        .unwrap_or(0);
    let from = top.saturating_sub(HEIGHTS - 1);
    let mut recent: Vec<&Arc<Block>> = Vec::new();
    for leaf in tree.leaves() {
        let mut at = tree.block(leaf);
        while let Some(block) = at.filter(|b| b.height() >= from) {
            if recent.iter().any(|b| b.hash == block.hash) {
                // Its ancestors were met from another tip.
                break;
            }
            recent.push(block);
            at = (block.height() > 0)
                .then(|| tree.block(&block.header.parent))
                .flatten();
        }
    }
    recent
}

/// A fork the node holds but does not follow, and why.
fn fork(tree: &BlockTree, tip: &Hash, leaf: &Block, state: &State) -> Html {
    let why = match tree.choose(tip, &leaf.hash) {
        Some((Ordering::Greater, decided)) => {
            format!("the chain it follows wins: {}", decided.describe())
        }
        // The fork leaves the node's final block: it can never be followed.
        _ => "it leaves a block that is final".to_string(),
    };
    html! {
        <li>
            { format!("A fork ending at #{} (", leaf.height()) }
            <code>{ short(&leaf.hash) }</code>
            { format!(", sealed by {}), not followed: {why}.", state.name(leaf.header.sealed_by.0)) }
        </li>
    }
}
