use crate::clock;
use crate::components::hex::Hex;
use crate::components::ledger_table::LedgerTable;
use crate::components::transaction::transaction_view;
use crate::format::{count, name};
use crate::state::{Action, Community};
use ecloud_core::Block;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BlockCardProps {
    pub community: Community,
    pub height: u64,
    pub expanded: bool,
    pub on_action: Callback<Action>,
}

/// One sealed block: its links and transactions, and on demand its full
/// header, hash preimage, seal and the ledger after it.
#[function_component]
pub fn BlockCard(props: &BlockCardProps) -> Html {
    let sim = props.community.read();
    let Some(block) = usize::try_from(props.height)
        .ok()
        .and_then(|i| sim.chain().blocks().get(i))
    else {
        return html! {};
    };
    let ledger = block.ledger();
    let height = block.height();
    let title_id = format!("block-{height}-title");
    let details_id = format!("block-{height}-details");
    let txs = &block.body.transactions;
    let tx_list = if txs.is_empty() {
        html! { <p class="empty">{ "No transactions." }</p> }
    } else {
        html! {
            <ol class="txs">
                { for txs.iter().map(|tx| transaction_view(tx, ledger, height, false)) }
            </ol>
        }
    };
    let toggle = props
        .on_action
        .reform(move |_: MouseEvent| Action::ToggleBlock(height));
    html! {
        <li class="block">
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
                </header>
                <dl class="links">
                    <dt>{ "hash" }</dt>
                    <dd><Hex value={block.hash.to_hex()} what="block hash" /></dd>
                    <dt>{ "parent" }</dt>
                    <dd><Hex value={block.header.parent.to_hex()} what="parent hash" /></dd>
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
                        { details(block) }
                    </div>
                }
            </article>
        </li>
    }
}

fn details(block: &Block) -> Html {
    let h = &block.header;
    let ledger = block.ledger();
    let preimage = match h.preimage() {
        Ok(text) => html! {
            <>
                <p class="hint">
                    { "The block hash is the SHA-256 of exactly this text. Check it: save it \
                       without a final newline and run " }
                    <code>{ "sha256sum" }</code>
                    { ", or paste it into any SHA-256 tool." }
                </p>
                <pre class="preimage" tabindex="0" aria-label={format!("hash preimage of block {}", h.height)}>{ text }</pre>
            </>
        },
        Err(e) => html! { <p role="alert">{ format!("The header cannot be encoded: {e}") }</p> },
    };
    html! {
        <>
            <h4>{ "Header" }</h4>
            <dl class="header-fields">
                <dt>{ "version" }</dt><dd>{ h.version }</dd>
                <dt>{ "height" }</dt><dd>{ h.height }</dd>
                <dt>{ "parent" }</dt><dd><code class="full">{ h.parent.to_hex() }</code></dd>
                <dt>{ "period start" }</dt>
                <dd>{ format!("{} ms ({})", h.period_start_ms, clock::time_of_day(h.period_start_ms)) }</dd>
                <dt>{ "sealed by" }</dt><dd>{ format!("{} ({})", name(ledger, h.sealed_by), h.sealed_by) }</dd>
                <dt>{ "next miner" }</dt><dd>{ format!("{} ({})", name(ledger, h.next_miner), h.next_miner) }</dd>
                <dt>{ "Merkle root" }</dt><dd><code class="full">{ h.merkle_root.to_hex() }</code></dd>
                <dt>{ "ledger hash" }</dt><dd><code class="full">{ h.ledger_hash.to_hex() }</code></dd>
                <dt>{ "hash" }</dt><dd><code class="full">{ block.hash.to_hex() }</code></dd>
                <dt>{ "seal" }</dt><dd><code class="full">{ block.seal.to_hex() }</code></dd>
            </dl>
            <h4>{ "Hash preimage" }</h4>
            { preimage }
            <h4>{ "Ledger" }</h4>
            <LedgerTable ledger={ledger.clone()} caption={format!("After block {}", h.height)} />
        </>
    }
}
