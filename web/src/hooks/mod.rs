//! Custom hooks.

mod use_block_timer;

pub use use_block_timer::use_block_timer;
