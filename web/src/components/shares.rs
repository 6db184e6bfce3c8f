use crate::components::notice::notice_view;
use crate::components::panel::Panel;
use crate::format::{decimal_mark, name};
use crate::state::{Action, Community, Notice, ShareDraft, SharesAction};
use ecloud_core::encoding::units::fixed_point;
use ecloud_core::model::tx::TxBody;
use ecloud_core::{BasisPoints, Ledger, ShareTable};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SharesProps {
    pub community: Community,
    pub drafts: Vec<ShareDraft>,
    pub notice: Option<Notice>,
    pub on_action: Callback<Action>,
}

fn table_text(table: &ShareTable, ledger: &Ledger) -> String {
    table
        .shares()
        .iter()
        .map(|s| format!("{} {}", name(ledger, s.member), s.share))
        .collect::<Vec<_>>()
        .join(" \u{b7} ")
}

/// Each generator's share table, edited with sliders or typed percentages,
/// and applied as a signed share update.
#[function_component]
pub fn Shares(props: &SharesProps) -> Html {
    let sim = props.community.read();
    let ledger = sim.open_ledger();
    let open_height = sim.open_height();

    let editors = props.drafts.iter().map(|draft| {
        let generator = draft.generator;
        let rows = draft.rows.iter().map(|row| {
            let member = row.member;
            let who = name(ledger, member);
            let id = format!("share-{}-{}", generator.0, member.0);
            // The slider and the text field edit the same share.
            let edit = props.on_action.reform(move |e: InputEvent| {
                SharesAction::Edit {
                    generator,
                    member,
                    text: e.target_unchecked_into::<HtmlInputElement>().value(),
                }
                .into()
            });
            // A slider cannot show text that is not a percentage; it rests
            // at 0 until the typed value reads as one again. Its value is
            // HTML's number text (a point, whatever the reader writes).
            let slider_value = BasisPoints::parse_percent(&row.text, decimal_mark())
                .map(|bp| {
                    fixed_point(u64::from(bp.0.min(BasisPoints::WHOLE.0)), 2).replace(',', "")
                })
                .unwrap_or_else(|_| "0".into());
            html! {
                <div class="share-row" key={member.0}>
                    <label for={id.clone()} class="who">{ format!("{who}'s share (%)") }</label>
                    // An arrow key moves it by 1 %; the text field takes
                    // hundredths.
                    <input
                        type="range"
                        min="0"
                        max="100"
                        step="1"
                        value={slider_value}
                        aria-label={format!("{who}'s share slider")}
                        oninput={edit.clone()}
                    />
                    <input
                        id={id}
                        type="text"
                        inputmode="decimal"
                        autocomplete="off"
                        class="percent"
                        value={row.text.clone()}
                        oninput={edit}
                    />
                </div>
            }
        });
        let (total_text, total_ok) = match draft.total() {
            Ok(total) => (total.to_string(), total == BasisPoints::WHOLE),
            Err(member) => (
                format!("? ({}'s share is not a percentage)", name(ledger, member)),
                false,
            ),
        };
        let total_hint = if total_ok {
            "ready to apply"
        } else {
            "must be exactly 100 %"
        };
        let on_submit = props.on_action.reform(move |e: SubmitEvent| {
            e.prevent_default();
            SharesAction::Apply { generator }.into()
        });
        let on_reset = props
            .on_action
            .reform(move |_| SharesAction::Reset { generator }.into());
        let member = ledger.member(generator);
        let in_force = member
            .and_then(|m| m.share_table())
            .map(|t| table_text(t, ledger))
            .unwrap_or_default();
        let pending = sim.pending().iter().rev().find_map(|tx| match &tx.body {
            TxBody::ShareUpdate(u) if u.generator == generator => Some(&u.shares),
            TxBody::ShareUpdate(_)
            | TxBody::Generation(_)
            | TxBody::Vote(_)
            | TxBody::Election(_)
            | TxBody::Penalty(_)
            | TxBody::Membership(_) => None,
        });
        let who = name(ledger, generator);
        html! {
            <form class="shares" onsubmit={on_submit} key={generator.0}>
                <h3>{ format!("{who}'s customers") }</h3>
                { for rows }
                <p class={classes!("share-total", if total_ok { "ok" } else { "off" })}>
                    { "Total: " }
                    <output>{ total_text }</output>
                    { format!(" \u{2014} {total_hint}") }
                </p>
                <div class="row">
                    <button type="submit">{ "Apply shares" }</button>
                    <button type="button" class="secondary" onclick={on_reset}>
                        { "Undo edits" }
                    </button>
                </div>
                <p class="in-force">
                    { format!("In force for block {open_height}: {in_force}") }
                </p>
                if let Some(table) = pending {
                    <p class="in-force pending">
                        { format!(
                            "Pending in block {open_height}, in force from block {}: {}",
                            open_height + 1,
                            table_text(table, ledger)
                        ) }
                    </p>
                }
            </form>
        }
    });

    Panel {
        id: "shares",
        title: "Shares".into(),
        wide: false,
        why: "Each customer owns a share of the generator's output. A change is \
                 signed by the generator and goes on the chain like everything else; \
                 it splits energy from the block after the one that records it.",
    }
    .view(html! {
        <>
            { for editors }
            { notice_view(props.notice.as_ref()) }
        </>
    })
}
