//! Tampering with history: a block's every value as an input, re-hashing as
//! a keyless forger, and undo. The core makes each change; verification
//! then says which block and rule broke.

use crate::components::markup::hint;
use crate::components::notice::notice_view;
use crate::components::panel::Panel;
use crate::field_names::{field_name, section_rank, FieldName, Unit};
use crate::state::{Action, Community, ExploreAction, FieldKind, Notice};
use ecloud_core::encoding::order::sorted_by;
use ecloud_core::simulation::tamper::fields;
use serde_json::Value;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TamperPanelProps {
    pub community: Community,
    pub notice: Option<Notice>,
    pub on_action: Callback<Action>,
}

/// What has been changed, and the way back.
#[function_component]
pub fn TamperPanel(props: &TamperPanelProps) -> Html {
    let heights = props.community.read().tampered_heights();
    let undo = |label: &'static str, action: ExploreAction| {
        let onclick = props.on_action.reform(move |_| action.clone().into());
        html! {
            <button type="button" class="secondary" disabled={heights.is_empty()} {onclick}>
                { label }
            </button>
        }
    };
    let state = if heights.is_empty() {
        html! {
            <p>
                { "History is as it was sealed. Open a block below and press " }
                <strong>{ "Edit values" }</strong>
                { " to change anything in it: a share, an allocation, a balance, a bet, a signature." }
            </p>
        }
    } else {
        let list = heights
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        html! {
            <p class="tampered" role="status">
                <strong>{ "History is tampered: undo to continue." }</strong>
                { format!(" Changed: block {list}. The timer seals nothing until every change is undone.") }
            </p>
        }
    };
    Panel {
        id: "tamper",
        title: "Tamper with history".into(),
        wide: false,
        why: "Change any past value and watch verification point at the exact block \
                 and rule that broke. Re-hashing the block, as a forger would, still \
                 leaves its signatures, its seal and the next block's link broken: \
                 without the members' keys, history cannot be rewritten.",
    }
    .view(html! {
        <>
            { state }
            <div class="row">
                { undo("Undo last change", ExploreAction::UndoLast) }
                { undo("Undo all", ExploreAction::UndoAll) }
            </div>
            { notice_view(props.notice.as_ref()) }
        </>
    })
}

#[derive(Properties, PartialEq)]
pub struct BlockEditorProps {
    pub community: Community,
    pub height: u64,
    pub notice: Option<Notice>,
    pub on_action: Callback<Action>,
}

/// Every value of one block as a labelled input, named as a person reads it
/// and in its unit (kWh, tokens, %), grouped by header, transaction and
/// member; Enter or Set changes it.
#[function_component]
pub fn BlockEditor(props: &BlockEditorProps) -> Html {
    let filter = use_state(String::new);
    let height = props.height;
    let rows: Vec<(FieldName, String, Value)> = {
        let sim = props.community.read();
        match sim.chain().block_at(height) {
            Some(block) => {
                let all = fields(block);
                all.iter()
                    .map(|(pointer, value)| {
                        (
                            field_name(block, &all, pointer),
                            pointer.clone(),
                            value.clone(),
                        )
                    })
                    .collect()
            }
            None => Vec::new(),
        }
    };
    let wanted = ascii_lowercase(filter.trim());
    let shown: Vec<(usize, &(FieldName, String, Value))> = rows
        .iter()
        .enumerate()
        .filter(|(_, (name, pointer, _))| {
            wanted.is_empty()
                || ascii_lowercase(pointer).contains(&wanted)
                || ascii_lowercase(&name.section).contains(&wanted)
                || ascii_lowercase(&name.label()).contains(&wanted)
        })
        .collect();
    // Header first, then the transactions, then the ledger.
    let shown = sorted_by(&shown, &|a, b| {
        section_rank(&a.1 .1).cmp(&section_rank(&b.1 .1))
    });
    let mut sections: Vec<(&str, Vec<Html>)> = Vec::new();
    for (i, (name, pointer, value)) in shown {
        let text = name.unit.field_text(value);
        // A new value is a new row, its input showing the value afresh.
        let key = format!("{pointer}={text}");
        let row = html! {
            <FieldRow
                {key}
                {height}
                id={format!("field-{height}-{i}")}
                label={name.label()}
                unit={name.unit}
                pointer={pointer.clone()}
                value={text}
                kind={FieldKind::of(value)}
                on_action={props.on_action.clone()}
            />
        };
        match sections.last_mut() {
            Some((section, rows)) if *section == name.section => rows.push(row),
            _ => sections.push((&name.section, vec![row])),
        }
    }
    let sections = sections.into_iter().map(|(section, rows)| {
        html! {
            <fieldset class="field-group">
                <legend>{ section.to_string() }</legend>
                { for rows }
            </fieldset>
        }
    });
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let rehash = props
        .on_action
        .reform(move |_| ExploreAction::Rehash(height).into());
    let filter_id = format!("filter-{height}");
    html! {
        <section class="editor" aria-label={format!("edit block {height}'s values")}>
            { hint("Every value stored in the block, in kWh, tokens and % (under each, where \
                   the export file keeps it). Change one and press Enter or Set: the page \
                   does it the way a forger editing the file would.".into()) }
            <div class="row">
                <label for={filter_id.clone()}>{ "Find a field" }</label>
                <input
                    id={filter_id}
                    type="search"
                    placeholder="allocation, balance, bet, Anne"
                    value={(*filter).clone()}
                    oninput={on_filter}
                />
            </div>
            <div class="fields" tabindex="0" aria-label={format!("block {height}'s values")}>
                { for sections }
            </div>
            <div class="row">
                <button type="button" onclick={rehash}>{ "Re-hash this block" }</button>
            </div>
            { notice_view(props.notice.as_ref()) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FieldRowProps {
    height: u64,
    id: AttrValue,
    /// What the value is called, with its unit: "Anne's allocation (kWh)".
    label: AttrValue,
    unit: Unit,
    /// Where the block keeps it (the export file's JSON pointer).
    pointer: AttrValue,
    value: AttrValue,
    kind: FieldKind,
    on_action: Callback<Action>,
}

/// One value of a block, its input's text kept until Enter or Set; text
/// that is no amount in the field's unit is refused beside it.
#[function_component]
fn FieldRow(props: &FieldRowProps) -> Html {
    let text = use_state(|| props.value.to_string());
    let refused = use_state(|| None::<String>);
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_submit = {
        let text = text.clone();
        let refused = refused.clone();
        let height = props.height;
        let pointer = props.pointer.to_string();
        let (kind, unit) = (props.kind, props.unit);
        let on_action = props.on_action.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let stored = match kind {
                FieldKind::Number => unit.stored_text(&text),
                FieldKind::Text | FieldKind::Other => Ok((*text).clone()),
            };
            match stored {
                Ok(stored) => {
                    refused.set(None);
                    on_action.emit(
                        ExploreAction::Tamper {
                            height,
                            pointer: pointer.clone(),
                            text: stored,
                            kind,
                        }
                        .into(),
                    )
                }
                Err(why) => refused.set(Some(format!("Not changed: {why}."))),
            }
        })
    };
    let error_id = format!("{}-refused", props.id);
    let pointer_id = format!("{}-pointer", props.id);
    let described = match &*refused {
        Some(_) => format!("{pointer_id} {error_id}"),
        None => pointer_id.clone(),
    };
    html! {
        <form class="field" onsubmit={on_submit}>
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            <input
                id={props.id.clone()}
                type="text"
                inputmode={(props.kind == FieldKind::Number).then_some("decimal")}
                spellcheck="false"
                autocomplete="off"
                aria-describedby={described}
                aria-invalid={refused.is_some().then_some("true")}
                value={(*text).clone()}
                oninput={on_input}
            />
            <button type="submit" class="secondary" aria-label={format!("Set {}", props.label)}>{ "Set" }</button>
            <code class="pointer" id={pointer_id}>{ props.pointer.clone() }</code>
            if let Some(why) = &*refused {
                <p class="field-refused" id={error_id} role="alert">{ why.clone() }</p>
            }
        </form>
    }
}

/// Lowercase for the field filter, matching what `str::to_lowercase` would on
/// JSON pointers (ASCII; the Kelvin sign is the one other character whose
/// lowercase is ASCII). Saves 10.9 KB gzipped: no Unicode case tables.
fn ascii_lowercase(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{212A}' => 'k',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ascii_lowercase;

    /// Wherever Unicode's lowercase could match an ASCII pointer, ours is the
    /// same; wherever it could not, ours cannot either.
    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "the test compares with Unicode's lowercase, natively"
    )]
    fn the_filter_matches_what_to_lowercase_would() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let unicode: String = c.to_lowercase().collect();
            let ours = ascii_lowercase(c.encode_utf8(&mut [0; 4]));
            if unicode.is_ascii() {
                assert_eq!(ours, unicode, "{c:?}");
            } else {
                assert!(!ours.is_ascii(), "{c:?}");
            }
        }
        assert_eq!(ascii_lowercase("/Body/0/TX"), "/body/0/tx");
    }
}
