//! Custom hooks.

mod use_after_paint;
mod use_block_timer;
mod use_hex_disclosures;
mod use_next_task;
mod use_overflows;
mod use_storage;

pub use use_after_paint::use_after_paint;
pub use use_block_timer::use_block_timer;
pub use use_hex_disclosures::{use_hex_disclosures, OpenHex};
pub use use_next_task::use_next_task;
pub use use_overflows::use_overflows;
pub use use_storage::{
    undo, url_seed, use_following, use_older_blocks, use_opening, use_settings_storage,
    use_storage, Opening, StoreHandle,
};
