//! Small pieces of text the panels share.

use ecloud_core::{Decimal, Ledger, MemberId};

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
    ecloud_core::encoding::units::fixed_point(n, 0)
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
    ecloud_core::encoding::units::fixed_point(energy.0, 3).replace(',', "")
}
