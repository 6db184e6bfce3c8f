//! E-Cloud's Network page (network.html): the seed's community as one node
//! per member, each holding only its own keys, on a simulated network that a
//! class can slow down, make lossy, split in two and heal. Loaded only when
//! someone opens it, so the main page's first load does not carry it.

mod components;
mod download;
mod format;
mod hooks;
mod state;

use components::app::App;

fn main() {
    yew::Renderer::<App>::new().render();
}
