use crate::components::election::micro_tokens;
use crate::components::hex::hex;
use crate::components::markup::{num_cell, number_table, term};
use crate::components::voting_tokens::tokens;
use crate::format::{name, thousands};
use crate::hooks::OpenHex;
use ecloud_core::encoding::units::fixed_point;
use ecloud_core::model::member::Role;
use ecloud_core::model::tx::{
    Generation, Membership, MembershipChange, Penalty, ShareUpdate, Transaction, TxBody, Vote,
};
use ecloud_core::ElectionRecord;
use ecloud_core::Ledger;
use yew::prelude::*;

/// One transaction, in block `height` (sealed, or the open block when
/// `pending`): what it says, who signed it, its id and signature (shown in
/// full where `open` says).
pub fn transaction_view(
    tx: &Transaction,
    ledger: &Ledger,
    height: u64,
    pending: bool,
    open: &OpenHex,
) -> Html {
    // No catch-all arm: a new kind of transaction must get its own rendering.
    let (kind_class, what) = match &tx.body {
        TxBody::Generation(g) => ("generation", generation_view(g, ledger)),
        TxBody::ShareUpdate(u) => (
            "share-update",
            share_update_view(u, ledger, height, pending),
        ),
        TxBody::Vote(v) => ("vote", vote_view(v, ledger)),
        TxBody::Election(e) => ("election", election_view(e, ledger)),
        TxBody::Penalty(p) => ("penalty", penalty_view(p, ledger)),
        TxBody::Membership(m) => ("membership", membership_view(m, ledger)),
    };
    let signer = name(ledger, tx.signer());
    let seq = tx
        .body
        .seq()
        .map(|s| format!(", sequence number {s}"))
        .unwrap_or_default();
    html! {
        <li class={classes!("tx", kind_class)}>
            <p class="tx-head">
                <span class="kind">{ tx.body.kind() }</span>
                if pending { <span class="badge pending">{ "pending" }</span> }
                <span class="signer">{ format!("signed by {signer}{seq}") }</span>
            </p>
            { what }
            <dl class="tx-ids">
                { term("id", hex(tx.id.to_hex(), "transaction id", open)) }
                { term("signature", hex(tx.signature.to_hex(), "signature", open)) }
                if let Some(m) = ledger.member(tx.signer()) {
                    { term("signer key", hex(m.public_key.to_hex(), "signer's public key", open)) }
                }
            </dl>
        </li>
    }
}

/// What a transaction says, its key figure in bold.
fn what(before: String, figure: String, after: String) -> Html {
    html! { <p class="tx-what">{ before }<strong>{ figure }</strong>{ after }</p> }
}

/// One line of an allocation or a share table: who, and how much.
fn who_gets(who: String, amount: String) -> Html {
    html! {
        <li><span class="who">{ who }</span>{ " " }<span class="amount">{ amount }</span></li>
    }
}

fn generation_view(g: &Generation, ledger: &Ledger) -> Html {
    let allocation = g
        .allocation
        .iter()
        .map(|a| who_gets(name(ledger, a.member), a.energy.to_string()));
    let minted = g
        .minted
        .iter()
        .map(|m| format!("{} {}", name(ledger, m.member), m.tokens))
        .collect::<Vec<_>>()
        .join(" \u{b7} ");
    html! {
        <>
            { what(
                format!("{} generated ", name(ledger, g.generator)),
                g.energy.to_string(),
                format!(" in market period {}, allocated by shares:", g.period),
            ) }
            <ul class="allocation" aria-label="allocation">{ for allocation }</ul>
            <p class="minted">{ format!("Voting tokens minted: {minted}") }</p>
        </>
    }
}

fn share_update_view(u: &ShareUpdate, ledger: &Ledger, height: u64, pending: bool) -> Html {
    let shares = u
        .shares
        .shares()
        .iter()
        .map(|s| who_gets(name(ledger, s.member), s.share.to_string()));
    let when = if pending {
        format!(
            "Waits for block {height}; in force from block {} once sealed.",
            height + 1
        )
    } else {
        format!("In force from block {}.", height + 1)
    };
    html! {
        <>
            <p class="tx-what">{ format!("{} sets new shares:", name(ledger, u.generator)) }</p>
            <ul class="allocation" aria-label="new shares">{ for shares }</ul>
            <p class="minted">{ when }</p>
        </>
    }
}

fn vote_view(v: &Vote, ledger: &Ledger) -> Html {
    what(
        format!("{} bets ", name(ledger, v.voter)),
        v.bet.to_string(),
        format!(" to be elected miner of block {}.", v.election),
    )
}

fn election_view(e: &ElectionRecord, ledger: &Ledger) -> Html {
    let rows = e.candidates.iter().map(|c| {
        let winner = c.member == e.winner;
        html! {
            <tr key={c.member.0} class={classes!(winner.then_some("winner"))}>
                <th scope="row">
                    { name(ledger, c.member) }
                    if winner { { " \u{2605}" } }
                </th>
                { for [
                    tokens(c.bet),
                    thousands(c.age),
                    thousands(c.reputation),
                    // Wealth is kept in millionths of a token; thousandths read well.
                    micro_tokens(c.wealth),
                    format!("{:.4}", c.u()),
                    c.score.clone(),
                ].into_iter().map(num_cell) }
            </tr>
        }
    });
    let runner_up = e
        .runner_up
        .map(|r| {
            format!(
                " Runner-up, who seals if {} is offline: {}.",
                name(ledger, e.winner),
                name(ledger, r)
            )
        })
        .unwrap_or_default();
    let r = &ledger.rules;
    let weights = format!(
        "Score = wealth \u{f7} u, with wealth = {} \u{d7} bet + {} \u{d7} age + {} \u{d7} reputation",
        fixed_point(r.alpha_permille, 3),
        fixed_point(r.beta_permille, 3),
        fixed_point(r.gamma_permille, 3)
    );
    html! {
        <>
            { what(
                format!("Election of the miner of block {}: ", e.height),
                format!("{} wins", name(ledger, e.winner)),
                format!(" the pot of {}.{runner_up}", e.pot),
            ) }
            { number_table(
                "election keep-last",
                weights.into(),
                "Candidate",
                &["Bet (tokens)", "Age", "Reputation", "Wealth", "Draw u", "Score"],
                rows.collect(),
            ) }
        </>
    }
}

fn penalty_view(p: &Penalty, ledger: &Ledger) -> Html {
    let missed = name(ledger, p.missed);
    let sealer = name(ledger, p.sealed_by);
    let pot = if p.pot.0 == 0 {
        "there was no pot to win".to_string()
    } else {
        format!("the pot of {} went to {sealer}, frozen", p.pot)
    };
    html! {
        <p class="tx-what penalty-what">
            <strong>{ format!("{missed} missed the slot of block {}: ", p.height) }</strong>
            { format!(
                "{missed} was elected but offline, so {sealer} (runner-up) sealed; \
                 {missed} lost {} reputation; {pot}.",
                p.reputation_lost
            ) }
        </p>
    }
}

fn membership_view(m: &Membership, ledger: &Ledger) -> Html {
    let text = match &m.change {
        MembershipChange::Join {
            member,
            name: new_name,
            role,
            capacity,
            ..
        } => match role {
            Role::Generator { .. } => {
                format!("{new_name} joins as generator {member} with {capacity} of capacity.")
            }
            Role::Customer => format!("{new_name} joins as customer {member}."),
        },
        MembershipChange::Rename {
            member,
            name: new_name,
        } => format!("Member {member} is now called {new_name}."),
        MembershipChange::Leave { member } => format!(
            "{} leaves the community; the balances stay in the ledger.",
            name(ledger, *member)
        ),
    };
    html! { <p class="tx-what">{ text }</p> }
}
