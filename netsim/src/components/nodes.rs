use crate::format::short;
use crate::state::{Action, Classroom};
use ecloud_core::node::PeerId;
use ecloud_core::Role;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NodesProps {
    pub state: UseReducerHandle<Classroom>,
    pub dispatch: UseReducerDispatcher<Classroom>,
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
        let toggle = {
            let d = dispatch.clone();
            Callback::from(move |_| d.dispatch(Action::SetOnline(peer, !online)))
        };
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
                <td>
                    <button type="button" onclick={toggle}>
                        { if online { "Online: take offline" } else { "Offline: bring online" } }
                    </button>
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
                   catches up by asking the others when it comes back." }
            </p>
            <div class="scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{ "Member" }</th>
                            <th scope="col">{ "Status" }</th>
                            <th scope="col">{ "Side when split" }</th>
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
