use crate::components::{NetworkPanel, Requests};
use crate::hooks::use_worker;
use crate::state::{Action, Phase, State};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Where this browser keeps the name it joined with: the same name after a
/// reload finds the same member (its keys are kept by the node).
const KEPT_NAME: &str = "e-cloud-classroom-name";
/// Kept once this browser started teaching: a reload teaches again.
const KEPT_TEACHER: &str = "e-cloud-classroom-teacher";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The teacher's address: `classroom.html?teacher`.
fn is_teachers_page() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| q.trim_start_matches('?').split('&').any(|p| p == "teacher"))
}

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(State::default);
    let to_worker = use_worker(&state);
    let name = use_node_ref();
    let teachers_page = is_teachers_page();
    {
        // A member or the teacher after a reload: at it again at once, as
        // the same member.
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            if teachers_page {
                if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                    document.set_title("E-Cloud: the teacher's classroom");
                }
            }
            let kept = |key| storage().and_then(|s| s.get_item(key).ok().flatten());
            if teachers_page && kept(KEPT_TEACHER).is_some() {
                dispatcher.dispatch(Action::Teach);
            } else if let Some(name) = kept(KEPT_NAME).filter(|_| !teachers_page) {
                dispatcher.dispatch(Action::Join { name: Some(name) });
            }
        });
    }
    let teach = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| {
            if let Some(s) = storage() {
                let _ = s.set_item(KEPT_TEACHER, "yes");
            }
            dispatcher.dispatch(Action::Teach);
        })
    };
    let join = {
        let dispatcher = state.dispatcher();
        let name = name.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = name.cast::<HtmlInputElement>() else {
                return;
            };
            let typed = input.value().trim().to_string();
            if typed.is_empty() {
                return;
            }
            if let Some(s) = storage() {
                // Not kept (a private window): the student types it again.
                let _ = s.set_item(KEPT_NAME, &typed);
            }
            dispatcher.dispatch(Action::Join { name: Some(typed) });
        })
    };
    let watch = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::Join { name: None }))
    };

    let who = match (&state.phase, state.member) {
        (Phase::Idle, _) => None,
        (Phase::Teaching, Some(_)) => Some(
            "You are the registrar, member 0 (George): your node seals and votes for George \
             and admits the newcomers you choose. Its keys never leave this browser."
                .to_string(),
        ),
        (Phase::Teaching, None) => Some("Starting the class…".to_string()),
        (_, Some(member)) => Some(format!(
            "You are member {member}: your node votes and seals for you."
        )),
        (Phase::Joining { name: Some(name) }, None) if state.declined => Some(format!(
            "The teacher did not admit you as {name}. Ask them why; your node goes on \
             checking the class's chain."
        )),
        (Phase::Joining { name: Some(name) }, None) => Some(format!(
            "Asked to join as {name}: waiting for the registrar to admit you."
        )),
        (Phase::Joining { name: None }, None) => {
            Some("Watching: your node checks every block, and signs nothing.".to_string())
        }
    };
    html! {
        <>
            <header class="masthead">
                <h1>{ if teachers_page { "E-Cloud: the teacher's classroom" } else { "E-Cloud: join the classroom" } }</h1>
                <p class="tagline">
                    { if teachers_page {
                        "This browser is the class's registrar: it holds the registrar's keys, \
                         never sent, admits the students who ask, and shows the projector the \
                         class's network. "
                    } else {
                        "Your browser becomes a node of the class's chain: it keeps its own copy, \
                         checks every block, and, once you are a member, votes and seals with keys \
                         that never leave this browser. "
                    } }
                    <a href="./">{ "The single-page community" }</a>
                    { " · " }
                    <a href="network.html">{ "The network, simulated" }</a>
                </p>
            </header>
            <main class="dashboard">
                <section id="join" aria-labelledby="join-title" class="panel">
                    <h2 id="join-title">{ "Your node" }</h2>
                    if state.phase == Phase::Idle && teachers_page {
                        <p class="why">
                            { "On the teacher's computer: this browser becomes the class's \
                               registrar. It makes the registrar's keys, keeps them here and \
                               never sends them, seals the class's first block with them, and \
                               admits each student who asks to join." }
                        </p>
                        <button type="button" onclick={teach}>{ "Start the class as its registrar" }</button>
                    } else if state.phase == Phase::Idle {
                        <p class="why">
                            { "Give your name to ask the registrar (the teacher) to admit you as a \
                               member. Your keys are made here and kept in this browser." }
                        </p>
                        <form onsubmit={join}>
                            <label class="field">
                                { "Your name " }
                                <input type="text" ref={name} maxlength="40" autocomplete="off" required=true />
                            </label>
                            <button type="submit">{ "Join as a member" }</button>
                            { " " }
                            <button type="button" class="secondary" onclick={watch}>{ "Only watch" }</button>
                        </form>
                    } else {
                        if let Some(who) = who {
                            <p class={classes!("verdict", match (state.member, state.declined) {
                                (Some(_), _) => "ok",
                                (None, true) => "bad",
                                (None, false) => "pending",
                            })} role="status">
                                { who }
                            </p>
                        }
                        <dl class="facts">
                            <dt>{ "Teacher's node" }</dt>
                            <dd>{ if state.connected { "connected" } else { "not connected" } }</dd>
                            <dt>{ "Chain" }</dt>
                            <dd>{ state.status.as_ref().map_or("…".to_string(), |s| format!("up to block {}", s.height)) }</dd>
                            <dt>{ "Final" }</dt>
                            <dd>{ state.status.as_ref().map_or("…".to_string(), |s| format!("up to block {}", s.final_height)) }</dd>
                        </dl>
                    }
                    if let Some(hint) = state.still_waiting() {
                        <p class="verdict pending">{ hint }</p>
                    }
                    if let Some(problem) = &state.problem {
                        <p class="verdict bad" role="alert">{ problem }</p>
                    }
                </section>
                if state.phase == Phase::Teaching {
                    <Requests requests={state.requests.clone()} send={to_worker} />
                }
                <section id="log" aria-labelledby="log-title" class="panel">
                    <h2 id="log-title">{ "What your node did" }</h2>
                    <p class="why">{ "Newest first." }</p>
                    <ol class="log" reversed=true>
                        { for state.lines.iter().map(|l| html! { <li>{ l }</li> }) }
                    </ol>
                </section>
                <NetworkPanel teacher={teachers_page} />
            </main>
        </>
    }
}
