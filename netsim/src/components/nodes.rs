use crate::format::short;
use crate::state::{Action, State};
use ecloud_core::node::{Byzantine, PeerId};
use ecloud_core::Role;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// What a class can make a node do: each a value for the select, the
/// behaviour, and its words.
const BEHAVIOURS: [(&str, Byzantine, &str); 3] = [
    ("honest", Byzantine::Honest, "honestly"),
    ("equivocates", Byzantine::Equivocates, "seals twice a turn"),
    ("withholds", Byzantine::WithholdsVote, "never votes"),
];

#[derive(Properties, PartialEq)]
pub struct NodesProps {
    pub state: UseReducerHandle<State>,
    pub dispatch: UseReducerDispatcher<State>,
}

/// Every node: its tip, its final block, whom it hears, and the controls
/// that take it offline or move it to the other side of a split.
#[function_component]
pub fn Nodes(props: &NodesProps) -> Html {
    let state = &props.state;
    let network = state.network();
    let dispatch = &props.dispatch;
    let count = network.len() as PeerId;
    let rows = (0..count).map(|peer| {
        let node = network.node(peer);
        let online = network.is_online(peer);
        let tip = node.tip();
        let peers = (0..count)
            .filter(|&other| other != peer && online && network.reachable(peer, other))
            .count();
        let role = match node
            .tip()
            .ledger()
            .members
            .iter()
            .find(|m| Some(m.id) == node.member())
            .map(|m| &m.role)
        {
            Some(Role::Generator { .. }) => "generator",
            Some(Role::Customer) => "customer",
            None => "observer",
        };
        let select = {
            let d = dispatch.clone();
            Callback::from(move |_| d.dispatch(Action::Select(peer)))
        };
        let crashed = network.is_crashed(peer);
        let toggle = {
            let d = dispatch.clone();
            Callback::from(move |_| d.dispatch(Action::SetOnline(peer, !online)))
        };
        let crash = {
            let d = dispatch.clone();
            Callback::from(move |_| {
                d.dispatch(if crashed {
                    Action::Restart(peer)
                } else {
                    Action::Crash(peer)
                })
            })
        };
        let behaviour = {
            let d = dispatch.clone();
            Callback::from(move |e: Event| {
                let select: HtmlSelectElement = e.target_unchecked_into();
                let chosen = BEHAVIOURS.iter().find(|(value, ..)| *value == select.value());
                if let Some((_, behaviour, _)) = chosen {
                    d.dispatch(Action::SetBehaviour(peer, *behaviour));
                }
            })
        };
        let behaves = state.behaviours.get(peer as usize).copied().unwrap_or_default();
        let side = {
            let d = dispatch.clone();
            Callback::from(move |e: Event| {
                let select: HtmlSelectElement = e.target_unchecked_into();
                d.dispatch(Action::SetSide(peer, u32::from(select.value() == "B")));
            })
        };
        let on_side = state.sides.get(peer as usize).copied().unwrap_or(0);
        let selected = peer == state.selected;
        html! {
            <tr class={classes!(selected.then_some("selected"), (!online).then_some("offline"))}>
                <th scope="row">
                    <button type="button" class="link" aria-pressed={selected.to_string()} onclick={select}>
                        { state.name(peer) }
                    </button>
                    <span class="muted">{ format!(" {role}") }</span>
                </th>
                <td class="status">
                    if crashed {
                        <button type="button" onclick={crash}>{ "Crashed: restart" }</button>
                    } else {
                        <button type="button" onclick={toggle}>
                            { if online { "Online: take offline" } else { "Offline: bring online" } }
                        </button>
                        <button type="button" class="secondary" onclick={crash}>{ "Crash" }</button>
                    }
                </td>
                <td>
                    <select aria-label={format!("How {}'s node behaves", state.name(peer))} onchange={behaviour}>
                        { for BEHAVIOURS.iter().map(|(value, b, label)| html! {
                            <option value={*value} selected={*b == behaves}>{ *label }</option>
                        }) }
                    </select>
                </td>
                <td>
                    <select aria-label={format!("{}'s side of a split", state.name(peer))} onchange={side}>
                        <option value="A" selected={on_side == 0}>{ "A" }</option>
                        <option value="B" selected={on_side == 1}>{ "B" }</option>
                    </select>
                </td>
                <td class="num tip">{ format!("#{} ", tip.height()) }<code>{ short(&tip.hash) }</code></td>
                <td class="num final">{ format!("#{}", node.finalized().height()) }</td>
                <td class="num">{ peers }</td>
                <td class="num">{ node.pending().len() }</td>
            </tr>
        }
    });
    html! {
        <section id="nodes" aria-labelledby="nodes-title" class="panel wide">
            <h2 id="nodes-title">{ "Nodes" }</h2>
            <p class="why">
                { "One node per member, each on its own device in a real class. Choose a node \
                   to see the chain as it sees it. A node that is offline hears nothing and \
                   catches up by asking the others when it comes back; one that crashed \
                   restarts from what it saved. A node that cheats is caught: two blocks \
                   for one turn are both signed by it, and every node keeps the same one." }
            </p>
            <div class="scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{ "Member" }</th>
                            <th scope="col">{ "Status" }</th>
                            <th scope="col">{ "Behaves" }</th>
                            <th scope="col">{ "Side" }</th>
                            <th scope="col">{ "Tip" }</th>
                            <th scope="col">{ "Final" }</th>
                            <th scope="col">{ "Hears" }</th>
                            <th scope="col">{ "Pending" }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </section>
    }
}
