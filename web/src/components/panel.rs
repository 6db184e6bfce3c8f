use yew::prelude::*;

/// One of the page's panels: a section named by its heading, with one
/// sentence telling a student what it shows and why it matters.
pub struct Panel {
    /// Used for the section's heading id, so the section is named by it.
    pub id: &'static str,
    pub title: AttrValue,
    /// Two grid columns wide.
    pub wide: bool,
    pub why: &'static str,
}

impl Panel {
    pub fn view(self, children: Html) -> Html {
        let heading = format!("{}-title", self.id);
        html! {
            <section
                id={self.id}
                aria-labelledby={heading.clone()}
                class={classes!("panel", self.wide.then_some("wide"))}
            >
                <h2 id={heading}>{ self.title }</h2>
                <p class="why">{ self.why }</p>
                { children }
            </section>
        }
    }
}
