use crate::components::markup::TextField;
use crate::components::notice::notice_view;
use crate::components::panel::Panel;
use crate::format::{market_period, name};
use crate::state::{
    period_of_day, profile_name, Action, AutoGeneration, Community, EnergyDraft, GenerationAction,
    Notice,
};
use ecloud_core::simulation::profile::Profile;
use ecloud_core::Wh;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct GenerationProps {
    pub community: Community,
    pub drafts: Vec<EnergyDraft>,
    pub auto: AutoGeneration,
    pub notice: Option<Notice>,
    pub on_action: Callback<Action>,
}

/// Generation by hand, and by a production profile before each block.
#[function_component]
pub fn Generation(props: &GenerationProps) -> Html {
    let sim = props.community.read();
    let open_height = sim.open_height();
    let ledger = sim.open_ledger();

    let manual = props.drafts.iter().map(|draft| {
        let generator = draft.generator;
        let who = name(ledger, generator);
        let id = format!("energy-{}", generator.0);
        let on_input = props.on_action.reform(move |e: InputEvent| {
            GenerationAction::EditEnergy {
                generator,
                text: e.target_unchecked_into::<HtmlInputElement>().value(),
            }
            .into()
        });
        let on_submit = props.on_action.reform(move |e: SubmitEvent| {
            e.prevent_default();
            GenerationAction::Generate { generator }.into()
        });
        html! {
            <form class="row" onsubmit={on_submit} key={generator.0}>
                { TextField {
                    id: id.into(),
                    label: format!("Energy {who} generates (kWh)").into(),
                    mode: Some("decimal"),
                    max: None,
                    placeholder: None,
                    value: draft.text.clone().into(),
                    oninput: on_input,
                }.view() }
                <button type="submit">{ "Generate" }</button>
            </form>
        }
    });

    let auto = &props.auto;
    let period = period_of_day(open_height);
    let next_output = auto.profile.energy(period, auto.peak);
    let forecast = if next_output == Wh(0) {
        format!(
            "Block {open_height} closes the market period {}: the {} profile gives nothing then.",
            market_period(period),
            profile_name(auto.profile)
        )
    } else {
        format!(
            "Block {open_height} closes the market period {}: the {} profile gives {next_output}.",
            market_period(period),
            profile_name(auto.profile)
        )
    };
    let on_toggle = props.on_action.reform(|e: Event| {
        GenerationAction::SetAuto(e.target_unchecked_into::<HtmlInputElement>().checked()).into()
    });
    let on_profile = props.on_action.reform(|e: Event| {
        GenerationAction::SetProfile(
            if e.target_unchecked_into::<HtmlSelectElement>().value() == "wind" {
                Profile::Wind
            } else {
                Profile::Solar
            },
        )
        .into()
    });
    let on_peak = props.on_action.reform(|e: InputEvent| {
        GenerationAction::EditPeak(e.target_unchecked_into::<HtmlInputElement>().value()).into()
    });
    let profile_option = |profile: Profile, label: &'static str| {
        html! {
            <option value={profile_name(profile)} selected={auto.profile == profile}>
                { label }
            </option>
        }
    };

    Panel {
        id: "generation",
        title: "Generate energy".into(),
        wide: false,
        why: "The generator's cryptometer signs how much energy it produced; the \
                 energy is split among the customers by their shares and the \
                 generator's remaining capacity goes down. It cannot produce more \
                 than it has left.",
    }
    .view(html! {
        <>
            { for manual }
            <fieldset class="auto">
                <legend>{ "Auto-generation" }</legend>
                <div class="row check">
                    <input
                        id="auto-on"
                        type="checkbox"
                        checked={auto.on}
                        onchange={on_toggle}
                    />
                    <label for="auto-on">{ "Generate automatically before each block" }</label>
                </div>
                <div class="row">
                    <label for="auto-profile">{ "Production profile" }</label>
                    <select id="auto-profile" onchange={on_profile}>
                        { profile_option(Profile::Solar, "Solar park") }
                        { profile_option(Profile::Wind, "Wind turbine") }
                    </select>
                </div>
                <div class="row">
                    { TextField {
                        id: "auto-peak".into(),
                        label: "Peak output per market period (kWh)".into(),
                        mode: Some("decimal"),
                        max: None,
                        placeholder: None,
                        value: auto.peak_text.clone().into(),
                        oninput: on_peak,
                    }.view() }
                </div>
                <p class="forecast">{ forecast }</p>
            </fieldset>
            { notice_view(props.notice.as_ref()) }
        </>
    })
}
