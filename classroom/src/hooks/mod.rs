mod use_network;
mod use_worker;

pub use use_network::{ask_node, use_network};
pub use use_worker::use_worker;
