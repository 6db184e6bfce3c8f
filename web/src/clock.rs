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

/// `ms` since the epoch as the class's local time of day, `14:05:09`: the
/// time zone's offset at that moment asked of the browser (one binding,
/// where hours, minutes and seconds would be three), the rest computed.
#[cfg(target_arch = "wasm32")]
pub fn time_of_day(ms: u64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let offset_ms = (date.get_timezone_offset() * 60_000.0) as i64;
    hms((ms as i64).saturating_sub(offset_ms).div_euclid(1000))
}

/// Seconds since midnight of some day as `hh:mm:ss`.
fn hms(secs: i64) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        secs.div_euclid(3600).rem_euclid(24),
        secs.div_euclid(60).rem_euclid(60),
        secs.rem_euclid(60)
    )
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
    hms((ms / 1000) as i64)
}
