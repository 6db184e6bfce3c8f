//! E-Cloud's classroom page (classroom.html): a student's browser joins the
//! teacher's classroom as a node of its own. The node is the browser's node
//! (`browser/`, a Web Worker holding the member's keys in IndexedDB, never
//! sent); this page starts it, asks it to join, and says what it reports.
//! Served by the teacher's native node, whose address it dials.

mod components;
mod hooks;
mod network;
mod state;

use components::app::App;

fn main() {
    yew::Renderer::<App>::new().render();
}
