use crate::hooks::{ask_node, use_network};
use crate::network::{Network, Peer};
use serde_json::json;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NetworkProps {
    /// The teacher's page: it may cut links to show a partition.
    pub teacher: bool,
}

/// The class's network as the teacher's node sees it: its members, where
/// each one's node is and how far its chain is, newcomers and watchers,
/// and the peers it cut off. Put on the projector, it shows the class the
/// network they are.
#[function_component]
pub fn NetworkPanel(props: &NetworkProps) -> Html {
    let seen = use_network();
    let refused = use_state(|| None::<String>);
    // The teacher's asks: cut a peer off, or heal every cut.
    let ask = {
        let refused = refused.clone();
        Callback::from(move |(path, body): (&'static str, String)| {
            let refused = refused.clone();
            wasm_bindgen_futures::spawn_local(async move {
                refused.set(ask_node(path, &body).await.err());
            });
        })
    };
    // `classroom.html#network`, the projector's address: the panel in view
    // once it has something to show (it was not there when the page loaded).
    use_effect_with(seen.is_some(), |shown| {
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(document) = document.filter(|_| *shown) {
            let asked = document.location().and_then(|l| l.hash().ok());
            if asked.as_deref() == Some("#network") {
                if let Some(panel) = document.get_element_by_id("network") {
                    panel.scroll_into_view();
                }
            }
        }
    });
    html! {
        <section id="network" aria-labelledby="network-title" class="panel wide">
            <h2 id="network-title">{ "The class's network" }</h2>
            <p class="why">
                { "What the teacher's node sees, every 2 s: the class's members and their \
                   nodes, with each link's real address and round trip. On the projector, \
                   open this page without joining." }
                if props.teacher {
                    { " Cut a node off to show the class a partition: it seals on its own, \
                       none of what it seals becomes final, and after the heal it catches up \
                       and leaves its own blocks for the class's chain." }
                }
            </p>
            if let Some(why) = &*refused {
                <p class="verdict bad" role="alert">{ why }</p>
            }
            { match seen {
                None => html! { <p>{ "Asking the teacher's node…" }</p> },
                Some(Err(why)) => html! { <p class="verdict pending">{ why }</p> },
                Some(Ok(network)) => view(&network, props.teacher.then_some(&ask)),
            } }
        </section>
    }
}

/// The network; with `ask` (the teacher's page), buttons that cut a peer
/// off and heal.
fn view(network: &Network, ask: Option<&Callback<(&'static str, String)>>) -> Html {
    let this = &network.node;
    let cut = |peer: &Peer, what: String| -> Html {
        match ask {
            Some(ask) if !peer.apart && peer.link.is_some() => {
                let ask = ask.clone();
                let body = json!({"peer_id": peer.peer_id}).to_string();
                let onclick = Callback::from(move |_| ask.emit(("cut", body.clone())));
                html! { <>{ " " }<button type="button" class="secondary" {onclick}>{ what }</button></> }
            }
            _ => html! {},
        }
    };
    let heal = ask.filter(|_| network.apart().next().is_some()).map(|ask| {
        let ask = ask.clone();
        let onclick = Callback::from(move |_| ask.emit(("heal", String::new())));
        html! {
            <p>
                <button type="button" {onclick}>{ "Heal: let every cut peer link again" }</button>
                { " The cut nodes dial again within 2 s and catch up on what they missed." }
            </p>
        }
    });
    let linked = network.peers.iter().filter(|p| p.link.is_some()).count();
    let others: Vec<&Peer> = network.others().collect();
    html! {
        <>
            <p class="summary">
                { format!(
                    "The teacher's node holds the chain up to block {}; block {} is final. \
                     It is linked to {linked} {}{}.",
                    this.height,
                    this.final_height,
                    if linked == 1 { "node" } else { "nodes" },
                    match network.peers.len() - linked {
                        0 => String::new(),
                        more => format!(" and hears of {more} more through them"),
                    },
                ) }
            </p>
            <table class="members">
                <caption>{ "Members" }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Member" }</th>
                        <th scope="col">{ "Name" }</th>
                        <th scope="col">{ "Last signed" }</th>
                        <th scope="col">{ "Its node" }</th>
                        <th scope="col">{ "Its chain" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for network.members.iter().map(|m| {
                        let peer = network.peer_of(m.member);
                        let (node, chain) = if this.member == Some(m.member) {
                            ("the teacher's node".to_string(), format!("block {}, final {}", this.height, this.final_height))
                        } else {
                            match peer {
                                Some(p) => (p.reached(), p.chain()),
                                None => ("not heard of".to_string(), String::new()),
                            }
                        };
                        let button = peer.map(|p| cut(p, format!("Cut {} off", m.name)));
                        html! {
                            <tr>
                                <td class="number">{ m.member }</td>
                                <th scope="row">{ &m.name }{ if m.role == "generator" { " (generator)" } else { "" } }</th>
                                <td>{ m.signed.map_or("not lately".to_string(), |h| format!("block {h}")) }</td>
                                <td>{ node }{ for button }</td>
                                <td>{ chain }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            if !others.is_empty() {
                <table class="others">
                    <caption>{ "Not members" }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "Peer" }</th>
                            <th scope="col">{ "Who" }</th>
                            <th scope="col">{ "Its node" }</th>
                            <th scope="col">{ "Its chain" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for others.iter().map(|p| html! {
                            <tr>
                                <td><code>{ p.short_id() }</code></td>
                                <td>{ who(p) }</td>
                                <td>{ p.reached() }{ cut(p, format!("Cut {} off", p.short_id())) }</td>
                                <td>{ p.chain() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            { for heal }
            if !network.cut_off.is_empty() {
                <h3>{ "Cut off" }</h3>
                <ul class="cut-off">
                    { for network.cut_off.iter().map(|c| html! {
                        <li><code>{ &c.peer_id }</code>{ ": " }{ &c.why }</li>
                    }) }
                </ul>
            }
        </>
    }
}

/// A peer that signs for no member, in words.
fn who(peer: &Peer) -> String {
    match (&peer.asking, &peer.link) {
        (Some(name), _) => format!("asks to join as {name}"),
        (None, Some(link)) if link.kind == "node" => {
            "a node (another classroom's, or an observer)".to_string()
        }
        _ => "watches".to_string(),
    }
}
