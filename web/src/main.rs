use yew::prelude::*;

#[function_component]
fn App() -> Html {
    html! { <h1>{ "E-Cloud" }</h1> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
