pub mod app;
pub mod blocks;
pub mod controls;
pub mod log;
pub mod nodes;
