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
/// a click (the registrar's node signs the membership change).
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
                        let admit = {
                            let send = props.send.clone();
                            let key = asking.public_key.clone();
                            Callback::from(move |_| {
                                send.emit(json!({"admit": {"public_key": key}}).to_string())
                            })
                        };
                        html! {
                            <li>
                                { format!("{} ", asking.name) }
                                <button type="button" onclick={admit}>{ format!("Admit {}", asking.name) }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}
