//! The page's two clocks. The core is clock-free, so time enters here and
//! is passed in; off the browser (native unit tests) the system clock stands in.

/// Wall-clock time in ms since the epoch: what block headers record.
#[cfg(target_arch = "wasm32")]
pub fn wall_ms() -> f64 {
    js_sys::Date::now()
}

/// A monotonic clock in ms for measuring how long something took.
#[cfg(target_arch = "wasm32")]
pub fn precise_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// `ms` since the epoch as the class's local time of day, `14:05:09`.
#[cfg(target_arch = "wasm32")]
pub fn time_of_day(ms: u64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    hms(date.get_hours(), date.get_minutes(), date.get_seconds())
}

fn hms(hours: u32, minutes: u32, seconds: u32) -> String {
    format!("{hours:02}:{minutes:02}:{seconds:02}")
}

#[cfg(not(target_arch = "wasm32"))]
pub fn wall_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

#[cfg(not(target_arch = "wasm32"))]
pub fn precise_ms() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

/// Native stand-in: UTC, since there is no browser to ask for the time zone.
#[cfg(not(target_arch = "wasm32"))]
pub fn time_of_day(ms: u64) -> String {
    let secs = ms / 1000;
    hms(
        (secs / 3600 % 24) as u32,
        (secs / 60 % 60) as u32,
        (secs % 60) as u32,
    )
}
