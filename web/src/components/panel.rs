use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    /// Used for the section's heading id, so the section is named by it.
    pub id: AttrValue,
    pub title: AttrValue,
    /// One sentence telling a student what the panel shows and why it matters.
    pub why: AttrValue,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub children: Html,
}

#[function_component]
pub fn Panel(props: &PanelProps) -> Html {
    let heading = format!("{}-title", props.id);
    html! {
        <section
            id={props.id.clone()}
            class={classes!("panel", props.class.clone())}
            aria-labelledby={heading.clone()}
        >
            <h2 id={heading}>{ props.title.clone() }</h2>
            <p class="why">{ props.why.clone() }</p>
            { props.children.clone() }
        </section>
    }
}
