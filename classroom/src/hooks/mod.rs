mod use_worker;

pub use use_worker::use_worker;
