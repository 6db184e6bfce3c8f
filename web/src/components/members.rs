use crate::components::markup::{hint, TextField};
use crate::components::notice::notice_view;
use crate::components::panel::Panel;
use crate::state::{Action, Community, MembershipAction, MembershipUi, RoleKind};
use ecloud_core::{Ledger, Member, MemberId};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MembersProps {
    pub community: Community,
    pub membership: MembershipUi,
    pub on_action: Callback<Action>,
}

/// Where a member stands: on the chain, or waiting in the open block.
fn standing(m: &Member, sealed: &Ledger, open_height: u64) -> String {
    let on_chain = sealed.member(m.id);
    match (on_chain, m.active) {
        (None, _) => format!("joins when block {open_height} is sealed"),
        (Some(before), false) if before.active => {
            format!("leaves when block {open_height} is sealed")
        }
        (Some(_), false) => "has left".into(),
        (Some(before), true) if before.name != m.name => {
            format!("was {} until block {open_height} is sealed", before.name)
        }
        (Some(_), true) => String::new(),
    }
}

/// Who belongs to the community: joining, renaming and leaving, each signed
/// by the registrar and recorded on the chain.
#[function_component]
pub fn Members(props: &MembersProps) -> Html {
    let sim = props.community.read();
    let ledger = sim.open_ledger();
    let sealed = sim.ledger();
    let open_height = sim.open_height();
    let registrar = sim.registrar();
    let ui = &props.membership;

    let rows = ledger.members.iter().map(|m| {
        member_row(
            m,
            standing(m, sealed, open_height),
            m.id == registrar,
            props,
        )
    });

    let role = ui.role;
    let choose = |kind: RoleKind| {
        props
            .on_action
            .reform(move |_: Event| MembershipAction::ChooseRole(kind).into())
    };
    let on_name = props.on_action.reform(|e: InputEvent| {
        MembershipAction::EditName(e.target_unchecked_into::<HtmlInputElement>().value()).into()
    });
    let on_capacity = props.on_action.reform(|e: InputEvent| {
        MembershipAction::EditCapacity(e.target_unchecked_into::<HtmlInputElement>().value()).into()
    });
    let on_join = props.on_action.reform(|e: SubmitEvent| {
        e.prevent_default();
        MembershipAction::Join.into()
    });
    let is_generator = role == RoleKind::Generator;

    Panel {
        id: "members",
        title: "Members".into(),
        wide: true,
        why: "Who belongs to the community is on the chain too: the registrar \
                 (the founder, who sealed the first block) signs every joining, \
                 renaming and leaving, so nobody can slip in a member or a meter \
                 of their own.",
    }
    .view(html! {
        <>
            <ul class="cards members">{ for rows }</ul>
            { hint("A member leaves in one block: any share they hold is spread over the \
                   other customers, in proportion to theirs, in that same block.".into()) }
            <form class="join" onsubmit={on_join}>
                <fieldset>
                    <legend>{ "A new member joins" }</legend>
                    <div class="row">
                        { TextField {
                            id: "join-name".into(),
                            label: "Name".into(),
                            mode: None,
                            max: Some("40"),
                            placeholder: None,
                            value: ui.name.clone().into(),
                            oninput: on_name,
                        }.view() }
                    </div>
                    <div class="row" role="radiogroup" aria-label="The new member is a">
                        <label>
                            <input
                                type="radio"
                                name="join-role"
                                value={RoleKind::Customer.value()}
                                checked={!is_generator}
                                onchange={choose(RoleKind::Customer)}
                            />
                            { " customer" }
                        </label>
                        <label>
                            <input
                                type="radio"
                                name="join-role"
                                value={RoleKind::Generator.value()}
                                checked={is_generator}
                                onchange={choose(RoleKind::Generator)}
                            />
                            { " generator" }
                        </label>
                    </div>
                    if is_generator {
                        <div class="row">
                            { TextField {
                                id: "join-capacity".into(),
                                label: "Capacity (kWh)".into(),
                                mode: Some("decimal"),
                                max: None,
                                placeholder: None,
                                value: ui.capacity.clone().into(),
                                oninput: on_capacity,
                            }.view() }
                        </div>
                        { hint("A new generator shares its output equally among the customers \
                                until its shares are changed in Shares.".into()) }
                    }
                    <button type="submit">{ "Join" }</button>
                </fieldset>
            </form>
            { notice_view(ui.notice.as_ref()) }
        </>
    })
}

fn member_row(m: &Member, standing: String, is_registrar: bool, props: &MembersProps) -> Html {
    let member: MemberId = m.id;
    let who = m.name.clone();
    let role = if m.is_generator() {
        "generator"
    } else {
        "customer"
    };
    let badge = if is_registrar {
        html! { <span class="badge">{ "registrar" }</span> }
    } else {
        html! {}
    };
    let note = if standing.is_empty() {
        html! {}
    } else {
        html! { <span class="standing">{ standing }</span> }
    };
    let controls = if m.active {
        let id = format!("rename-{}", member.0);
        let typed = props
            .membership
            .rename_text(member)
            .map_or_else(|| who.clone(), str::to_string);
        let on_input = props.on_action.reform(move |e: InputEvent| {
            MembershipAction::EditRename {
                member,
                text: e.target_unchecked_into::<HtmlInputElement>().value(),
            }
            .into()
        });
        let on_rename = props.on_action.reform(move |e: SubmitEvent| {
            e.prevent_default();
            MembershipAction::Rename { member }.into()
        });
        let leave = if is_registrar {
            // The registrar signs every change; without it nobody could join.
            html! {}
        } else {
            let onclick = props
                .on_action
                .reform(move |_| MembershipAction::Leave { member }.into());
            html! {
                <button type="button" class="secondary" {onclick}>{ format!("{who} leaves") }</button>
            }
        };
        html! {
            <form class="row rename" onsubmit={on_rename}>
                <label for={id.clone()} class="visually-hidden">
                    { format!("New name for {who}") }
                </label>
                <input
                    id={id}
                    type="text"
                    autocomplete="off"
                    maxlength="40"
                    value={typed}
                    oninput={on_input}
                />
                <button type="submit">{ "Rename" }</button>
                { leave }
            </form>
        }
    } else {
        html! {}
    };
    html! {
        <li key={member.0} class={classes!("card", "member", (!m.active).then_some("left"))}>
            <p class="who">
                <strong>{ who.clone() }</strong>
                <span class="role">{ role }</span>
                <span class="id">{ member.to_string() }</span>
                { badge }
                { note }
            </p>
            { controls }
        </li>
    }
}
