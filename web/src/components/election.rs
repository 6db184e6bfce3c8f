use crate::components::goto_block::GotoBlock;
use crate::components::markup::{empty, num_cell, number_table};
use crate::components::notice::notice_view;
use crate::components::panel::Panel;
use crate::components::voting_tokens::tokens;
use crate::format::{count, name, thousands};
use crate::state::{Action, Community, ElectionAction, ElectionUi};
use ecloud_core::encoding::units::fixed_point;
use ecloud_core::ElectionRecord;
use ecloud_core::{Block, Ledger, Simulation};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ElectionProps {
    pub community: Community,
    pub election: ElectionUi,
    pub on_action: Callback<Action>,
}

/// Millionths of a token as tokens with three decimals (rounded down).
pub fn micro_tokens(millionths: u64) -> String {
    fixed_point(millionths / 1_000, 3)
}

/// Weights in thousandths as decimals: 600 reads 0.6.
fn weight(permille: u64) -> String {
    fixed_point(permille, 3)
}

/// The election held in one block: every candidate's bet, age, reputation,
/// wealth terms, draw and score, the winner, and where the pot went.
#[function_component]
pub fn ElectionPanel(props: &ElectionProps) -> Html {
    let sim = props.community.read();
    let tip = sim.chain().tip().height();
    let height = props.election.shown_height(tip);
    let follows_tip = props.election.shown.is_none();
    let Some(block) = sim.chain().block_at(height) else {
        return html! {};
    };
    let ledger = block.ledger();
    let r = &ledger.rules;
    let explain = format!(
        "Wealth W = {} \u{d7} bet + {} \u{d7} age + {} \u{d7} reputation: the tokens staked; \
         the blocks since the candidate last sealed, plus one; and their reputation, one for \
         each block they sealed less one for each slot they missed while elected. \
         Each candidate draws a random u between 0 and 1 and scores W \u{f7} u; the highest \
         score wins. Wealth helps, luck decides: a small u can lift a poorer candidate \
         above a richer one.",
        weight(r.alpha_permille),
        weight(r.beta_permille),
        weight(r.gamma_permille)
    );

    let show = |label: &'static str, h: Option<u64>, enabled: bool| {
        let onclick = props
            .on_action
            .reform(move |_| ElectionAction::ShowElection(h).into());
        html! {
            <button type="button" class="secondary" disabled={!enabled} {onclick}>{ label }</button>
        }
    };
    let on_goto = props
        .on_action
        .reform(|text| ElectionAction::ShowElectionAt { text }.into());
    let body = match block.election() {
        Some(record) => record_view(record, block, &sim, tip),
        None => empty(
            format!(
                "Block {height} holds no election: {}, who {}, seals block {}.",
                name(ledger, block.header.next_miner),
                if height == 0 {
                    "sealed the genesis block"
                } else {
                    "sealed it"
                },
                height + 1
            )
            .into(),
        ),
    };
    let showing = if follows_tip {
        format!(
            "Held in block {height}, the newest, for the miner of block {}.",
            height + 1
        )
    } else {
        format!(
            "Held in block {height}, for the miner of block {}.",
            height + 1
        )
    };
    Panel {
        id: "election",
        title: "Election".into(),
        wide: true,
        why: "After each block, every member except its sealer stands to seal the next \
                 one. This is how the miner was chosen, step by step.",
    }
    .view(html! {
        <>
            <p class="election-explain">{ explain }</p>
            <nav class="block-nav" aria-label="Elections">
                <p class="showing">{ showing }</p>
                <div class="row">
                    { show("Earlier", height.checked_sub(1), height > sim.chain().base()) }
                    { show("Later", Some(height + 1), !follows_tip) }
                    { show("Newest", None, !follows_tip) }
                </div>
                <GotoBlock id="goto-election" label="Election of block" {tip} on_show={on_goto} />
                { notice_view(props.election.election_notice.as_ref()) }
            </nav>
            { body }
        </>
    })
}

fn record_view(e: &ElectionRecord, block: &Block, sim: &Simulation, tip: u64) -> Html {
    let ledger = block.ledger();
    let r = &ledger.rules;
    let next = sim.chain().block_at(e.height);
    let missed = next
        .and_then(|b| b.penalty())
        .is_some_and(|p| p.missed == e.winner);
    let rows = e.candidates.iter().map(|c| {
        let winner = c.member == e.winner;
        let runner_up = e.runner_up == Some(c.member);
        let [bet_term, age_term, reputation_term] =
            ecloud_core::rules::election::wealth_terms(r, c.bet, c.age, c.reputation);
        let tag = if winner {
            html! {
                <span class="tag winner-tag">
                    { if missed { "\u{2605} winner, missed the slot" } else { "\u{2605} winner" } }
                </span>
            }
        } else if runner_up {
            html! { <span class="tag">{ "runner-up" }</span> }
        } else {
            html! {}
        };
        html! {
            <tr
                key={c.member.0}
                class={classes!(winner.then_some("winner"), runner_up.then_some("runner-up"))}
            >
                <th scope="row">{ name(ledger, c.member) }{ " " }{ tag }</th>
                { for [
                    tokens(c.bet),
                    thousands(c.age),
                    thousands(c.reputation),
                    micro_tokens(bet_term),
                    micro_tokens(age_term),
                    micro_tokens(reputation_term),
                    micro_tokens(c.wealth),
                    format!("{:.4}", c.u()),
                    c.score.clone(),
                ].into_iter().map(num_cell) }
            </tr>
        }
    });
    let winner = name(ledger, e.winner);
    let outcome = match e.runner_up {
        Some(r) => format!(
            "{winner} has the highest score, so {winner} is elected to seal block {}. \
             If {winner} is offline, {} (runner-up) seals instead.",
            e.height,
            name(ledger, r)
        ),
        None => format!(
            "{winner} is the only candidate, so {winner} is elected to seal block {}.",
            e.height
        ),
    };
    html! {
        <>
            { number_table(
                "election big-table keep-last",
                format!(
                    "Election held in block {} for the miner of block {}: wealth terms, \
                     wealth and scores in tokens",
                    block.height(),
                    e.height
                )
                .into(),
                "Candidate",
                &[
                    "Bet",
                    "Age",
                    "Reputation",
                    &format!("{} \u{d7} bet", weight(r.alpha_permille)),
                    &format!("{} \u{d7} age", weight(r.beta_permille)),
                    &format!("{} \u{d7} rep.", weight(r.gamma_permille)),
                    "Wealth W",
                    "Draw u",
                    "Score W \u{f7} u",
                ],
                rows.collect(),
            ) }
            <p class="outcome">{ outcome }</p>
            <p class="pot">{ pot_text(e, next, ledger, tip) }</p>
        </>
    }
}

/// Where the pot of election `e` goes, and when it unlocks.
fn pot_text(e: &ElectionRecord, next: Option<&Block>, ledger: &Ledger, tip: u64) -> String {
    let unlocks_at = e.height.saturating_add(ledger.rules.freeze_blocks);
    let pot = format!("Pot: {}, all the bets.", e.pot);
    if e.pot.0 == 0 {
        return "Pot: nothing, no one bet.".into();
    }
    let Some(next) = next else {
        return format!(
            "{pot} Whoever seals block {} receives it frozen, until block {unlocks_at}.",
            e.height
        );
    };
    let next_ledger = next.ledger();
    let sealer = name(next_ledger, next.header.sealed_by);
    let penalty = next
        .penalty()
        .map(|p| {
            format!(
                " ({} missed the slot and lost {} reputation)",
                name(next_ledger, p.missed),
                p.reputation_lost
            )
        })
        .unwrap_or_default();
    let when = if unlocks_at > tip {
        format!(
            "it unlocks at block {unlocks_at} ({})",
            count(unlocks_at - tip, "block left", "blocks left")
        )
    } else {
        format!("it unlocked at block {unlocks_at}")
    };
    format!(
        "{pot} {sealer} sealed block {}{penalty} and received it frozen: {when}.",
        e.height
    )
}
