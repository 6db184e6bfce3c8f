use crate::components::markup::{hint, term, TextField};
use crate::components::notice::notice_view;
use crate::components::panel::Panel;
use crate::format::count;
use crate::state::{strategy_text, Action, Community, ElectionAction, ElectionUi, StrategyKind};
use ecloud_core::encoding::units::fixed_point;
use ecloud_core::Strategy;
use ecloud_core::{Member, MilliTokens};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VotingTokensProps {
    pub community: Community,
    pub election: ElectionUi,
    pub on_action: Callback<Action>,
}

/// Tokens with three decimals at most, without the word: `12.5`.
pub fn tokens(amount: MilliTokens) -> String {
    fixed_point(amount.0, 3)
}

/// Each member's free and frozen voting tokens, reputation, betting
/// strategy and online switch.
#[function_component]
pub fn VotingTokens(props: &VotingTokensProps) -> Html {
    let sim = props.community.read();
    let tip = sim.chain().tip().height();
    let open_height = sim.open_height();
    let ledger = sim.open_ledger();
    let cards = ledger.active_members().map(|m| {
        let online = sim.is_online(m.id);
        let in_force = sim.strategy(m.id);
        voter_card(m, online, in_force, props, tip)
    });
    let caption = if sim.pending().is_empty() {
        format!("After block {tip}.")
    } else {
        format!("After block {tip} and the transactions waiting in block {open_height}.")
    };
    Panel {
        id: "voting-tokens",
        title: "Voting tokens".into(),
        wide: true,
        why: "Members stake voting tokens to be elected miner. Tokens won are frozen \
                 for a while and cannot be staked; sealing blocks builds reputation. \
                 An offline member neither bets nor seals.",
    }
    .view(html! {
        <>
            { hint(caption.into()) }
            <ul class="cards voters">{ for cards }</ul>
            { notice_view(props.election.members_notice.as_ref()) }
        </>
    })
}

fn voter_card(
    m: &Member,
    online: bool,
    in_force: Strategy,
    props: &VotingTokensProps,
    tip: u64,
) -> Html {
    let member = m.id;
    let who = m.name.clone();
    let draft = props.election.draft(member, in_force);
    let kind = draft.kind;
    let online_id = format!("online-{}", member.0);
    let strategy_id = format!("strategy-{}", member.0);
    let value_id = format!("bet-{}", member.0);
    let on_online = props.on_action.reform(move |e: Event| {
        ElectionAction::SetOnline {
            member,
            online: e.target_unchecked_into::<HtmlInputElement>().checked(),
        }
        .into()
    });
    let on_kind = props.on_action.reform(move |e: Event| {
        ElectionAction::ChooseStrategy {
            member,
            kind: StrategyKind::from_value(&e.target_unchecked_into::<HtmlSelectElement>().value())
                .unwrap_or(StrategyKind::Random),
        }
        .into()
    });
    let on_value = props.on_action.reform(move |e: InputEvent| {
        ElectionAction::EditStrategy {
            member,
            text: e.target_unchecked_into::<HtmlInputElement>().value(),
        }
        .into()
    });
    let on_submit = props.on_action.reform(move |e: SubmitEvent| {
        e.prevent_default();
        ElectionAction::ApplyStrategy { member }.into()
    });
    let options = StrategyKind::ALL.into_iter().map(|k| {
        html! { <option value={k.value()} selected={k == kind}>{ k.label() }</option> }
    });
    let value_input = match kind {
        StrategyKind::Random => html! {},
        StrategyKind::Fixed | StrategyKind::Manual => {
            let (label, text, mode) = if kind == StrategyKind::Fixed {
                (format!("{who} bets (%)"), draft.percent.clone(), "numeric")
            } else {
                (
                    format!("{who} bets (tokens)"),
                    draft.amount.clone(),
                    "decimal",
                )
            };
            html! {
                <>
                    { TextField {
                        id: value_id.into(),
                        label: label.into(),
                        mode: Some(mode),
                        max: None,
                        placeholder: None,
                        value: text.into(),
                        oninput: on_value,
                    }.view() }
                    <button type="submit" class="secondary">
                        { "Set" }<span class="visually-hidden">{ format!(" {who}'s bet") }</span>
                    </button>
                </>
            }
        }
    };
    let bet_now = match in_force {
        _ if !online => "Offline: bets nothing and cannot seal.".to_string(),
        Strategy::RandomPercent => format!(
            "In force: {who} {}: {} to {} tokens now.",
            strategy_text(in_force),
            tokens(in_force.bet(m.tokens, 0)),
            tokens(in_force.bet(m.tokens, 99))
        ),
        _ => format!(
            "In force: {who} {}: {} now.",
            strategy_text(in_force),
            in_force.bet(m.tokens, 0)
        ),
    };
    let lots = m.frozen.iter().map(|lot| {
        let left = lot.unlocks_at.saturating_sub(tip);
        html! {
            <li>
                { format!(
                    "{} unlocks at block {} ({})",
                    tokens(lot.amount),
                    lot.unlocks_at,
                    count(left, "block left", "blocks left")
                ) }
            </li>
        }
    });
    let last_sealed = m
        .last_sealed
        .map_or_else(|| "never".to_string(), |h| format!("block {h}"));
    html! {
        <li key={member.0} class={classes!("card", "voter", (!online).then_some("offline"))}>
            <div class="voter-head">
                <h3>{ who.clone() }</h3>
                if !online { <span class="badge offline">{ "offline" }</span> }
                <span class="check">
                    <input id={online_id.clone()} type="checkbox" checked={online} onchange={on_online} />
                    <label for={online_id}>{ format!("{who} online") }</label>
                </span>
            </div>
            <dl class="voter-facts">
                <dt>{ "Free" }</dt>
                <dd class="free">{ m.tokens.to_string() }</dd>
                <dt>{ "Frozen" }</dt>
                <dd class="frozen">
                    { m.frozen_total().to_string() }
                    if !m.frozen.is_empty() { <ul class="lots">{ for lots }</ul> }
                </dd>
                { term("Reputation", Html::from(m.reputation.to_string())) }
                { term("Last sealed", Html::from(last_sealed)) }
            </dl>
            <form class="row strategy" onsubmit={on_submit}>
                <label for={strategy_id.clone()}>{ format!("{who}'s strategy") }</label>
                <select id={strategy_id} onchange={on_kind}>{ for options }</select>
                { value_input }
            </form>
            { hint(bet_now.into()) }
        </li>
    }
}
