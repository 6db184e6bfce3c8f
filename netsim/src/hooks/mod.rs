mod use_clock;

pub use use_clock::use_clock;
