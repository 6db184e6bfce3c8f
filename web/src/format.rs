//! Small pieces of text the panels share.

use ecloud_core::encoding::units::fixed_point;
use ecloud_core::{Decimal, DecimalMark, Ledger, MemberId};

/// The member's name as the ledger has it, or its number if unknown.
pub fn name(ledger: &Ledger, id: MemberId) -> String {
    ledger
        .member(id)
        .map_or_else(|| format!("member {id}"), |m| m.name.clone())
}

/// The first hex digits of a long value: enough to tell blocks apart on a
/// projector; the full value stays one click (or hover) away.
pub fn short_hex(hex: &str) -> String {
    const SHOWN: usize = 10;
    match hex.get(..SHOWN) {
        Some(head) if hex.len() > SHOWN => format!("{head}\u{2026}"),
        _ => hex.to_string(),
    }
}

/// Whole seconds left, rounded up so "0 s" means now.
pub fn seconds_left(ms: f64) -> u64 {
    (ms / 1000.0).ceil().max(0.0) as u64
}

/// A duration in ms with the precision it deserves.
pub fn millis(ms: f64) -> String {
    let places = match ms {
        ms if ms < 10.0 => 2,
        ms if ms < 1000.0 => 1,
        _ => 0,
    };
    format!("{:.*} ms", places, Decimal(ms))
}

/// "1 block", "2 blocks", "10,000 blocks".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// A whole number with thousands separators: `10,000`.
pub fn thousands(n: u64) -> String {
    fixed_point(n, 0)
}

/// The market period of the day as a time span: `10:00\u{2013}10:15`.
pub fn market_period(period: u64) -> String {
    let start = period * 15;
    let end = start + 15;
    format!(
        "{:02}:{:02}\u{2013}{:02}:{:02}",
        start / 60 % 24,
        start % 60,
        end / 60 % 24,
        end % 60
    )
}

/// Energy as plain kWh text an input accepts back: `2.5`, `1000`.
pub fn kwh_text(energy: ecloud_core::Wh) -> String {
    field_text(energy.0, 3)
}

/// `value / 10^decimals` as text a field reads back the same: no thousands
/// separators, and the reader's decimal mark (`2.5`, or `2,5`), so that
/// `12.345` cannot be read as twelve thousand where `.` groups thousands.
pub fn field_text(value: u64, decimals: u32) -> String {
    let text = fixed_point(value, decimals).replace(',', "");
    match decimal_mark() {
        DecimalMark::Point => text,
        DecimalMark::Comma => text.replace('.', ","),
    }
}

/// How the reader writes decimals: the browser's own number format
/// (`Intl.NumberFormat`) writes 1.5 as `1,5` in French or German. Asked
/// once; natively (the reducer's tests) a point.
pub fn decimal_mark() -> DecimalMark {
    #[cfg(target_arch = "wasm32")]
    {
        thread_local! {
            static MARK: DecimalMark = browser_decimal_mark();
        }
        MARK.with(|mark| *mark)
    }
    #[cfg(not(target_arch = "wasm32"))]
    DecimalMark::Point
}

#[cfg(target_arch = "wasm32")]
fn browser_decimal_mark() -> DecimalMark {
    use wasm_bindgen::JsValue;
    let format = js_sys::Intl::NumberFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    let one_and_a_half = format
        .format()
        .call1(&JsValue::NULL, &JsValue::from_f64(1.5))
        .ok()
        .and_then(|text| text.as_string());
    match one_and_a_half {
        Some(text) if text.contains(',') => DecimalMark::Comma,
        _ => DecimalMark::Point,
    }
}
