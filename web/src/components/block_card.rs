use crate::clock;
use crate::components::explorer::{neighbours, status_view, BlockStatus, Preimage};
use crate::components::hex::hex;
use crate::components::ledger_table::{blocks_sealed, ledger_table};
use crate::components::markup::{empty, term};
use crate::components::tamper::BlockEditor;
use crate::components::transaction::transaction_view;
use crate::format::{count, name};
use crate::hooks::use_hex_disclosures;
use crate::state::{Action, BlocksAction, Community, ExploreAction, Notice};
use ecloud_core::Block;
use yew::prelude::*;

#[derive(Properties)]
pub struct BlockCardProps {
    pub community: Community,
    /// What the card shows changes only with this: a sealed block never
    /// changes unless history is tampered with, so the list passes the
    /// community's revision while it is tampered and 0 otherwise, plus the
    /// tip while the card is open (its child link). Cards are then not
    /// re-rendered on every seal, which keeps a seal cheap on a long chain.
    pub content: (u64, u64),
    pub height: u64,
    pub expanded: bool,
    pub on_action: Callback<Action>,
    /// What the last verification said about this block.
    #[prop_or(BlockStatus::Unknown)]
    pub status: BlockStatus,
    /// Its values are listed for editing (tampering).
    #[prop_or_default]
    pub editing: bool,
    #[prop_or_default]
    pub edit_notice: Option<Notice>,
}

impl PartialEq for BlockCardProps {
    fn eq(&self, other: &Self) -> bool {
        // `community` is left out on purpose: see `content`.
        self.content == other.content
            && self.height == other.height
            && self.expanded == other.expanded
            && self.on_action == other.on_action
            && self.status == other.status
            && self.editing == other.editing
            && self.edit_notice == other.edit_notice
    }
}

/// One sealed block: its links and transactions, and on demand its full
/// header, hash preimage, seal and the ledger after it.
#[function_component]
pub fn BlockCard(props: &BlockCardProps) -> Html {
    let open_hex = use_hex_disclosures();
    let sim = props.community.read();
    let Some(block) = sim.chain().block_at(props.height) else {
        return html! {};
    };
    let ledger = block.ledger();
    let height = block.height();
    let title_id = format!("block-{height}-title");
    let details_id = format!("block-{height}-details");
    let txs = &block.body.transactions;
    let tx_list = if txs.is_empty() {
        empty("No transactions.".into())
    } else {
        html! {
            <ol class="txs">
                { for txs.iter().map(|tx| transaction_view(tx, ledger, height, false, &open_hex)) }
            </ol>
        }
    };
    let toggle = props
        .on_action
        .reform(move |_| BlocksAction::Toggle(height).into());
    let edit = props
        .on_action
        .reform(move |_| ExploreAction::EditValues(height).into());
    let tip = sim.chain().tip().height();
    let status_class = match &props.status {
        BlockStatus::Broken(_) => Some("broken"),
        BlockStatus::Descendant => Some("descendant"),
        BlockStatus::Ok | BlockStatus::Unknown => None,
    };
    html! {
        <li class={classes!("block", status_class)}>
            <article aria-labelledby={title_id.clone()}>
                <header class="block-head">
                    <h3 id={title_id}>{ format!("Block {height}") }</h3>
                    <p>
                        { format!(
                            "sealed by {}, period from {}, {}",
                            name(ledger, block.header.sealed_by),
                            clock::time_of_day(block.header.period_start_ms),
                            count(txs.len() as u64, "transaction", "transactions")
                        ) }
                    </p>
                    { status_view(&props.status, height) }
                </header>
                <dl class="links">
                    { term("hash", hex(block.hash.to_hex(), "block hash", &open_hex)) }
                    { term("parent", hex(block.header.parent.to_hex(), "parent hash", &open_hex)) }
                </dl>
                { tx_list }
                <button
                    type="button"
                    class="secondary"
                    aria-expanded={props.expanded.to_string()}
                    aria-controls={details_id.clone()}
                    onclick={toggle}
                >
                    { if props.expanded {
                        format!("Hide block {height}'s header and ledger")
                    } else {
                        format!("Show block {height}'s header and ledger")
                    } }
                </button>
                if props.expanded {
                    <div id={details_id} class="block-details">
                        { neighbours(height, tip, &props.on_action) }
                        { details(block, blocks_sealed(sim.chain(), props.height).as_deref()) }
                        <div class="row">
                            <button
                                type="button"
                                class="secondary"
                                aria-expanded={props.editing.to_string()}
                                onclick={edit}
                            >
                                { if props.editing { format!("Stop editing block {height}") } else { format!("Edit values of block {height}") } }
                            </button>
                        </div>
                        if props.editing {
                            <BlockEditor
                                community={props.community.clone()}
                                {height}
                                notice={props.edit_notice.clone()}
                                on_action={props.on_action.clone()}
                            />
                        }
                    </div>
                }
            </article>
        </li>
    }
}

/// A hex value written out whole.
fn full(hex: String) -> Html {
    html! { <code class="full">{ hex }</code> }
}

/// The block's header, hash preimage and ledger; `sealed` counts the blocks
/// each member had sealed by then.
fn details(block: &Block, sealed: Option<&[u64]>) -> Html {
    let h = &block.header;
    let ledger = block.ledger();
    let preimage = match h.preimage() {
        Ok(text) => html! { <Preimage height={h.height} text={text} /> },
        Err(e) => html! { <p role="alert">{ format!("The header cannot be encoded: {e}") }</p> },
    };
    html! {
        <>
            <h4>{ "Header" }</h4>
            <dl class="header-fields">
                { term("version", Html::from(h.version.to_string())) }
                { term("height", Html::from(h.height.to_string())) }
                { term("parent", full(h.parent.to_hex())) }
                { term("period start", Html::from(format!(
                    "{} ms ({})",
                    h.period_start_ms,
                    clock::time_of_day(h.period_start_ms)
                ))) }
                { term("sealed by", Html::from(format!("{} ({})", name(ledger, h.sealed_by), h.sealed_by))) }
                { term("next miner", Html::from(format!("{} ({})", name(ledger, h.next_miner), h.next_miner))) }
                { term("Merkle root", full(h.merkle_root.to_hex())) }
                { term("ledger hash", full(h.ledger_hash.to_hex())) }
                { term("hash", full(block.hash.to_hex())) }
                { term("seal", full(block.seal.to_hex())) }
            </dl>
            <h4>{ "Hash preimage" }</h4>
            { preimage }
            <h4>{ "Ledger" }</h4>
            { ledger_table(ledger, format!("After block {}", h.height), sealed) }
        </>
    }
}
