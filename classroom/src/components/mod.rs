pub mod app;
mod network;

pub use network::NetworkPanel;
