use crate::state::Asking;
use serde_json::json;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RequestsProps {
    pub requests: Rc<Vec<Asking>>,
    /// Sends the browser's node a message.
    pub send: Callback<String>,
}

/// The registrar's desk: the newcomers asking to join, each admitted with
/// a click (the registrar's node signs the membership change) or declined
/// (the newcomer's node is told, and asks no more).
#[function_component]
pub fn Requests(props: &RequestsProps) -> Html {
    html! {
        <section id="requests" aria-labelledby="requests-title" class="panel">
            <h2 id="requests-title">{ "Asking to join" }</h2>
            if props.requests.is_empty() {
                <p class="why">
                    { "Nobody is asking. Students open this page's address without \
                       \u{201c}?teacher\u{201d}, type their name and press Join as a member." }
                </p>
            } else {
                <ul class="requests">
                    { for props.requests.iter().map(|asking| {
                        // "admit" or "decline", for this newcomer's key.
                        let answer = |what: &'static str| {
                            let send = props.send.clone();
                            let key = asking.public_key.clone();
                            Callback::from(move |_| {
                                send.emit(json!({ what: {"public_key": key} }).to_string())
                            })
                        };
                        html! {
                            <li>
                                { format!("{} ", asking.name) }
                                <button type="button" onclick={answer("admit")}>{ format!("Admit {}", asking.name) }</button>
                                { " " }
                                <button type="button" class="secondary" onclick={answer("decline")}>{ format!("Decline {}", asking.name) }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}
