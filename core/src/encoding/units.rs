//! The three integer quantities of E-Cloud (SPEC section 3). Nothing that is
//! hashed, signed or checked for conservation is a float, so each quantity is
//! a newtype over an unsigned integer and parsing from text is exact decimal.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Energy in watt-hours.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Wh(pub u64);

/// A share in basis points (1/100 of a percent); a table sums to [`BasisPoints::WHOLE`].
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct BasisPoints(pub u32);

/// Voting tokens in thousandths of a token.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct MilliTokens(pub u64);

impl BasisPoints {
    /// 100 %.
    pub const WHOLE: BasisPoints = BasisPoints(10_000);
}

impl fmt::Display for Wh {
    /// kWh with up to three decimals and thousands separators: `1,234.5 kWh`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} kWh", fixed_point(self.0, 3))
    }
}

impl fmt::Display for BasisPoints {
    /// A percentage with up to two decimals: `33.33 %`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", fixed_point(u64::from(self.0), 2))
    }
}

impl fmt::Display for MilliTokens {
    /// Tokens with up to three decimals: `100.25 tokens`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} tokens", fixed_point(self.0, 3))
    }
}

/// `value / 10^decimals` as text, trailing zero decimals dropped, thousands grouped.
pub fn fixed_point(value: u64, decimals: u32) -> String {
    let scale = 10u64.pow(decimals);
    let (whole, frac) = (value / scale, value % scale);
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac == 0 {
        return grouped;
    }
    let frac = format!("{:0width$}", frac, width = decimals as usize);
    format!("{grouped}.{}", frac.trim_end_matches('0'))
}

/// Why a typed amount was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AmountError {
    Empty,
    NotANumber(String),
    TooManyDecimals { allowed: u32 },
    TooLarge,
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AmountError::Empty => write!(f, "enter an amount"),
            AmountError::NotANumber(s) => write!(f, "\u{201c}{s}\u{201d} is not a number"),
            AmountError::TooManyDecimals { allowed } => {
                write!(f, "use at most {allowed} decimals")
            }
            AmountError::TooLarge => write!(f, "the amount is too large"),
        }
    }
}

impl std::error::Error for AmountError {}

/// Parses a non-negative decimal with at most `decimals` digits after the
/// point into an integer count of `10^-decimals` units, exactly.
pub fn parse_fixed_point(text: &str, decimals: u32) -> Result<u64, AmountError> {
    let text = text.trim().replace(['_', ' '], "");
    if text.is_empty() {
        return Err(AmountError::Empty);
    }
    let bad = || AmountError::NotANumber(text.clone());
    let (whole, frac) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text.as_str(), ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !all_digits(whole) || !all_digits(frac) {
        return Err(bad());
    }
    if frac.len() > decimals as usize {
        return Err(AmountError::TooManyDecimals { allowed: decimals });
    }
    let scale = 10u64.pow(decimals);
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| AmountError::TooLarge)?
    };
    let frac_units: u64 = if frac.is_empty() {
        0
    } else {
        frac.parse::<u64>().map_err(|_| bad())? * 10u64.pow(decimals - frac.len() as u32)
    };
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac_units))
        .ok_or(AmountError::TooLarge)
}

impl Wh {
    /// Parses kWh text such as `12.5` into 12,500 Wh.
    pub fn parse_kwh(text: &str) -> Result<Wh, AmountError> {
        parse_fixed_point(text, 3).map(Wh)
    }
}

impl BasisPoints {
    /// Parses percent text such as `33.33` into 3,333 basis points.
    pub fn parse_percent(text: &str) -> Result<BasisPoints, AmountError> {
        let bp = parse_fixed_point(text, 2)?;
        u32::try_from(bp)
            .map(BasisPoints)
            .map_err(|_| AmountError::TooLarge)
    }
}

impl MilliTokens {
    /// Parses token text such as `12.5` into 12,500 milli-tokens.
    pub fn parse_tokens(text: &str) -> Result<MilliTokens, AmountError> {
        parse_fixed_point(text, 3).map(MilliTokens)
    }
}

/// `n`'s decimal digits, written at the end of `buf`.
fn decimal_digits(mut n: u128, buf: &mut [u8; 39]) -> &str {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[at..]).expect("ASCII digits")
}

/// An `f64` written with the decimals its format asks for (`{:.2}`): the
/// same text as the `f64` itself gives, exactly rounded (half to even, on the
/// float's exact binary value), but through integer arithmetic. The standard
/// library's float formatting (Grisu with a Dragon fallback and its bignums)
/// would otherwise be in the page for a few timings and shares: 7.2 KB of the
/// gzipped page. Exact up to 22 decimals (more are written as 22) while
/// |x| * 10^decimals is below 2^127; beyond, it saturates. No precision means
/// none.
/// Width, fill and alignment are ignored.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Decimal(pub f64);

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if x.is_nan() {
            return f.write_str("NaN");
        }
        if x.is_sign_negative() {
            f.write_str("-")?;
        }
        if x.is_infinite() {
            return f.write_str("inf");
        }
        let places = f.precision().unwrap_or(0).min(22);
        let bits = x.abs().to_bits();
        let (biased, fraction) = ((bits >> 52) as i32, bits & ((1 << 52) - 1));
        // |x| = mantissa * 2^exp exactly.
        let (mantissa, exp) = match biased {
            0 => (fraction, -1074),
            _ => (fraction | 1 << 52, biased - 1075),
        };
        // |x| * 10^places, rounded half to even; below 2^53 * 10^22 < 2^127,
        // so a shift of 128 or more leaves less than half.
        let scaled = u128::from(mantissa) * 10u128.pow(places as u32);
        let rounded = if exp >= 0 {
            match scaled.leading_zeros() > exp as u32 {
                true => scaled << exp,
                false => u128::MAX,
            }
        } else if exp <= -128 {
            0
        } else {
            let shift = (-exp) as u32;
            let (q, r, half) = (
                scaled >> shift,
                scaled & ((1 << shift) - 1),
                1u128 << (shift - 1),
            );
            q + u128::from(r > half || (r == half && q % 2 == 1))
        };
        let mut buf = [0u8; 39];
        let digits = decimal_digits(rounded, &mut buf);
        let whole = digits.len().saturating_sub(places);
        f.write_str(if whole == 0 { "0" } else { &digits[..whole] })?;
        if places > 0 {
            f.write_str(".")?;
            for _ in digits.len()..places {
                f.write_str("0")?;
            }
            f.write_str(&digits[whole..])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn energy_shows_as_kwh_with_at_most_three_decimals() {
        assert_eq!(Wh(1_000_000).to_string(), "1,000 kWh");
        assert_eq!(Wh(1_500).to_string(), "1.5 kWh");
        assert_eq!(Wh(1).to_string(), "0.001 kWh");
        assert_eq!(Wh(1_234_567_890).to_string(), "1,234,567.89 kWh");
        assert_eq!(BasisPoints(3_333).to_string(), "33.33 %");
        assert_eq!(MilliTokens(100_000).to_string(), "100 tokens");
    }

    #[test]
    fn parsing_is_exact_decimal() {
        assert_eq!(Wh::parse_kwh("12.5"), Ok(Wh(12_500)));
        assert_eq!(Wh::parse_kwh(" 0.001 "), Ok(Wh(1)));
        assert_eq!(Wh::parse_kwh(".25"), Ok(Wh(250)));
        assert_eq!(Wh::parse_kwh("7"), Ok(Wh(7_000)));
        // 0.1 + 0.2 is exact here, unlike in floats.
        assert_eq!(Wh::parse_kwh("0.3"), Ok(Wh(300)));
        assert_eq!(BasisPoints::parse_percent("33.33"), Ok(BasisPoints(3_333)));
    }

    #[test]
    fn parsing_refuses_what_is_not_an_amount() {
        assert_eq!(Wh::parse_kwh(""), Err(AmountError::Empty));
        assert!(matches!(
            Wh::parse_kwh("-1"),
            Err(AmountError::NotANumber(_))
        ));
        assert!(matches!(
            Wh::parse_kwh("1e3"),
            Err(AmountError::NotANumber(_))
        ));
        assert!(matches!(
            Wh::parse_kwh("."),
            Err(AmountError::NotANumber(_))
        ));
        assert!(matches!(
            Wh::parse_kwh("1.2.3"),
            Err(AmountError::NotANumber(_))
        ));
        assert_eq!(
            Wh::parse_kwh("0.0001"),
            Err(AmountError::TooManyDecimals { allowed: 3 })
        );
        assert_eq!(
            Wh::parse_kwh("99999999999999999999"),
            Err(AmountError::TooLarge)
        );
    }

    #[test]
    fn decimals_are_written_as_the_standard_library_writes_them() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -0.5,
            0.125,
            0.375,
            0.05,
            0.15,
            0.25,
            0.35,
            9.995,
            9.9949,
            12.35,
            99.95,
            999.95,
            1e-300,
            5e-324,
            0.000_05,
            1e15 + 0.5,
            1e20,
            5.25e-23,
            9.9e-23,
            2f64.powi(-74),
            2f64.powi(-75),
            123_456.789,
            f64::MAX,
            f64::MIN_POSITIVE,
            1.0 / 3.0,
            2.0 / 3.0,
        ];
        // Deterministic spread over many magnitudes (xorshift).
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            values.push(unit * 10f64.powi((state % 24) as i32 - 8));
            values.push(-unit);
            values.push((state % 100_000) as f64 / 1000.0);
        }
        for x in values {
            for places in (0..=6).chain([10, 17, 22]) {
                if x.abs() * 10f64.powi(places as i32) >= 2f64.powi(127) {
                    continue;
                }
                assert_eq!(
                    format!("{:.*}", places, Decimal(x)),
                    format!("{x:.places$}"),
                    "{x:e} with {places} decimals"
                );
            }
        }
        assert_eq!(Decimal(f64::NAN).to_string(), "NaN");
        assert_eq!(format!("{:.1}", Decimal(f64::NEG_INFINITY)), "-inf");
        assert_eq!(Decimal(2.5).to_string(), "2");
    }
}
