pub mod app;
mod network;
mod requests;

pub use network::NetworkPanel;
pub use requests::Requests;
