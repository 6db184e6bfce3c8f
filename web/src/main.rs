//! E-Cloud's page: mounts the app; everything else lives in the modules.

mod clock;
mod components;
mod console;
mod format;
mod hooks;
mod state;

fn main() {
    yew::Renderer::<components::app::App>::new().render();
}
