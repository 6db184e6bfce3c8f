use crate::components::markup::element;
use yew::prelude::*;

/// One of the page's panels: a section named by its heading, with one
/// sentence telling a student what it shows and why it matters. A plain
/// value with a `view` rather than a component: each Yew component costs
/// about 1 KB of WebAssembly (docs/PERFORMANCE.md, "Size"), and a panel is
/// always the root of its own component's view anyway.
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
        let body = html! {
            <>
                <h2 id={heading.clone()}>{ self.title }</h2>
                <p class="why">{ self.why }</p>
                { children }
            </>
        };
        element(
            "section",
            None,
            &["id", "aria-labelledby", "class"],
            vec![
                Some(self.id.into()),
                Some(heading.into()),
                Some(if self.wide { "panel wide" } else { "panel" }.into()),
            ],
            body,
        )
    }
}
