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
    /// Tokens with up to three decimals: `100.25 tokens`, `1 token`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = if self.0 == 1_000 { "token" } else { "tokens" };
        write!(f, "{} {unit}", fixed_point(self.0, 3))
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
    /// A number with a minus sign: amounts are never negative.
    Negative(String),
    TooManyDecimals {
        allowed: u32,
    },
    TooLarge,
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AmountError::Empty => write!(f, "enter an amount"),
            AmountError::NotANumber(s) => write!(f, "\u{201c}{s}\u{201d} is not a number"),
            AmountError::Negative(s) => write!(f, "\u{201c}{s}\u{201d} must not be negative"),
            AmountError::TooManyDecimals { allowed: 0 } => write!(f, "use a whole number"),
            AmountError::TooManyDecimals { allowed } => {
                write!(f, "use at most {allowed} decimals")
            }
            AmountError::TooLarge => write!(f, "the amount is too large"),
        }
    }
}

impl std::error::Error for AmountError {}

/// The character a reader writes between a number's whole part and its
/// decimals: `10.5` in English, `10,5` in French or German.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DecimalMark {
    #[default]
    Point,
    Comma,
}

impl DecimalMark {
    fn char(self) -> char {
        match self {
            DecimalMark::Point => '.',
            DecimalMark::Comma => ',',
        }
    }
}

/// Parses a non-negative decimal with at most `decimals` digits after the
/// point into an integer count of `10^-decimals` units, exactly: `.` is the
/// decimal point and `,` groups thousands, as the page writes numbers. See
/// [`parse_decimal`] for a reader's own way of writing them.
pub fn parse_fixed_point(text: &str, decimals: u32) -> Result<u64, AmountError> {
    parse_decimal(text, decimals, DecimalMark::Point)
}

/// [`parse_fixed_point`] as a reader writes numbers: a decimal point or a
/// decimal comma (`10.5`, `10,5`), thousands grouped by the other one or by
/// spaces and apostrophes (`1,000.5`, `1.000,5`, `1 000,5`, `1'000.5`).
/// Only a lone separator followed by exactly three digits (`1,000`, `1.000`)
/// can be read both ways; `mark`, the reader's decimal mark, decides it. A
/// minus sign is refused as negative, not as "not a number".
pub fn parse_decimal(text: &str, decimals: u32, mark: DecimalMark) -> Result<u64, AmountError> {
    let shown = text.trim();
    // Spaces (plain, no-break, narrow, thin), underscores and apostrophes
    // only group digits.
    let text: String = shown
        .chars()
        .filter(|c| {
            !matches!(
                c,
                ' ' | '_' | '\'' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2019}'
            )
        })
        .collect();
    if text.is_empty() {
        return Err(AmountError::Empty);
    }
    let bad = || AmountError::NotANumber(shown.to_string());
    if let Some(rest) = text
        .strip_prefix('-')
        .or_else(|| text.strip_prefix('\u{2212}'))
    {
        // A negative number, or not a number at all.
        return match parse_decimal(rest, decimals, mark) {
            Ok(_) | Err(AmountError::TooLarge | AmountError::TooManyDecimals { .. }) => {
                Err(AmountError::Negative(shown.to_string()))
            }
            Err(_) => Err(bad()),
        };
    }
    let text = text.strip_prefix('+').unwrap_or(&text);
    if !text
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return Err(bad());
    }
    let (points, commas) = (text.matches('.').count(), text.matches(',').count());
    // Which separator, if any, starts the decimals.
    let decimal = match (points, commas) {
        (0, 0) => None,
        // Both: the last one is the decimal mark, the other groups.
        (_, _) if points > 0 && commas > 0 => text
            .rfind(['.', ','])
            .map(|i| (i, text.as_bytes()[i] as char)),
        // One kind, several times: it groups.
        (1, 0) | (0, 1) => {
            let i = text.find(['.', ',']).unwrap_or(0);
            let sep = text.as_bytes()[i] as char;
            let (whole, frac) = (&text[..i], &text[i + 1..]);
            let could_group =
                frac.len() == 3 && (1..=3).contains(&whole.len()) && !whole.starts_with('0');
            (!could_group || sep == mark.char()).then_some((i, sep))
        }
        _ => None,
    };
    let (whole, frac) = match decimal {
        Some((i, _)) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    };
    if frac.contains(['.', ',']) {
        return Err(bad());
    }
    // What is left of the whole part is digits in groups of three after a
    // first group of one to three.
    let whole: String = match whole.find(['.', ',']) {
        None => whole.to_string(),
        Some(i) => {
            let sep = whole.as_bytes()[i] as char;
            if decimal.is_some_and(|(_, d)| d == sep) {
                return Err(bad());
            }
            let mut groups = whole.split(sep);
            let first = groups.next().unwrap_or_default();
            if !(1..=3).contains(&first.len())
                || !groups.all(|g| g.len() == 3 && !g.contains(['.', ',']))
            {
                return Err(bad());
            }
            whole.replace(sep, "")
        }
    };
    if whole.is_empty() && frac.is_empty() {
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
    /// Parses kWh text such as `12.5` (or `12,5`, see [`parse_decimal`])
    /// into 12,500 Wh.
    pub fn parse_kwh(text: &str, mark: DecimalMark) -> Result<Wh, AmountError> {
        parse_decimal(text, 3, mark).map(Wh)
    }
}

impl BasisPoints {
    /// Parses percent text such as `33.33` into 3,333 basis points.
    pub fn parse_percent(text: &str, mark: DecimalMark) -> Result<BasisPoints, AmountError> {
        let bp = parse_decimal(text, 2, mark)?;
        u32::try_from(bp)
            .map(BasisPoints)
            .map_err(|_| AmountError::TooLarge)
    }
}

impl MilliTokens {
    /// Parses token text such as `12.5` into 12,500 milli-tokens.
    pub fn parse_tokens(text: &str, mark: DecimalMark) -> Result<MilliTokens, AmountError> {
        parse_decimal(text, 3, mark).map(MilliTokens)
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
        assert_eq!(MilliTokens(1_000).to_string(), "1 token");
        assert_eq!(MilliTokens(1_500).to_string(), "1.5 tokens");
        assert_eq!(MilliTokens(0).to_string(), "0 tokens");
    }

    use DecimalMark::{Comma, Point};

    #[test]
    fn parsing_is_exact_decimal() {
        assert_eq!(Wh::parse_kwh("12.5", Point), Ok(Wh(12_500)));
        assert_eq!(Wh::parse_kwh(" 0.001 ", Point), Ok(Wh(1)));
        assert_eq!(Wh::parse_kwh(".25", Point), Ok(Wh(250)));
        assert_eq!(Wh::parse_kwh("7", Point), Ok(Wh(7_000)));
        assert_eq!(Wh::parse_kwh("+7", Point), Ok(Wh(7_000)));
        // 0.1 + 0.2 is exact here, unlike in floats.
        assert_eq!(Wh::parse_kwh("0.3", Point), Ok(Wh(300)));
        assert_eq!(
            BasisPoints::parse_percent("33.33", Point),
            Ok(BasisPoints(3_333))
        );
        assert_eq!(parse_fixed_point("1,234.5", 3), Ok(1_234_500));
        assert_eq!(
            Wh::parse_kwh(&u64::MAX.to_string(), Point),
            Err(AmountError::TooLarge)
        );
        assert_eq!(
            Wh::parse_kwh("18446744073709551.615", Point),
            Ok(Wh(u64::MAX))
        );
    }

    #[test]
    fn a_decimal_comma_is_read_whatever_the_reader_writes() {
        for mark in [Point, Comma] {
            for (text, wh) in [
                ("10,5", 10_500),
                ("10.5", 10_500),
                (",25", 250),
                ("0,125", 125),
                ("1234,5", 1_234_500),
                ("1,000.5", 1_000_500),
                ("1.000,5", 1_000_500),
                ("1 000,5", 1_000_500),
                ("1\u{202f}000,5", 1_000_500),
                ("1\u{a0}000.5", 1_000_500),
                ("1'000.5", 1_000_500),
                ("1,000,000", 1_000_000_000),
                ("1.000.000", 1_000_000_000),
                ("2,000.000", 2_000_000),
            ] {
                assert_eq!(Wh::parse_kwh(text, mark), Ok(Wh(wh)), "{text} ({mark:?})");
            }
        }
        // One separator then three digits: the reader's decimal mark decides.
        assert_eq!(Wh::parse_kwh("1,000", Point), Ok(Wh(1_000_000)));
        assert_eq!(Wh::parse_kwh("1,000", Comma), Ok(Wh(1_000)));
        assert_eq!(Wh::parse_kwh("1.000", Point), Ok(Wh(1_000)));
        assert_eq!(Wh::parse_kwh("1.000", Comma), Ok(Wh(1_000_000)));
        assert_eq!(
            BasisPoints::parse_percent("33,33", Point),
            Ok(BasisPoints(3_333))
        );
        assert_eq!(
            MilliTokens::parse_tokens("12,5", Comma),
            Ok(MilliTokens(12_500))
        );
        assert_eq!(
            parse_decimal("10,5", 0, Comma),
            Err(AmountError::TooManyDecimals { allowed: 0 })
        );
        assert_eq!(
            AmountError::TooManyDecimals { allowed: 0 }.to_string(),
            "use a whole number"
        );
    }

    #[test]
    fn parsing_refuses_what_is_not_an_amount() {
        assert_eq!(Wh::parse_kwh("", Point), Err(AmountError::Empty));
        assert_eq!(Wh::parse_kwh("  ", Point), Err(AmountError::Empty));
        for text in [
            "1e3",
            ".",
            ",",
            "1.2.3",
            "1,2,3",
            "1,0000,5",
            "1.2,3.4",
            "1,000.000.5",
            "abc",
            "1-",
            "--1",
            "1 000,000,5",
            "0x10",
        ] {
            assert_eq!(
                Wh::parse_kwh(text, Point),
                Err(AmountError::NotANumber(text.to_string())),
                "{text}"
            );
        }
        assert_eq!(
            Wh::parse_kwh("0.0001", Point),
            Err(AmountError::TooManyDecimals { allowed: 3 })
        );
        assert_eq!(
            Wh::parse_kwh("99999999999999999999", Point),
            Err(AmountError::TooLarge)
        );
    }

    #[test]
    fn a_minus_sign_is_negative_not_a_mistyped_number() {
        for text in [
            "-1",
            "\u{2212}1",
            "-10,5",
            "- 3",
            "-0.0001",
            "-99999999999999999999",
        ] {
            let e = Wh::parse_kwh(text, Point).expect_err(text);
            assert_eq!(e, AmountError::Negative(text.to_string()), "{text}");
            assert_eq!(
                e.to_string(),
                format!("\u{201c}{text}\u{201d} must not be negative")
            );
        }
        assert_eq!(
            Wh::parse_kwh("-x", Point),
            Err(AmountError::NotANumber("-x".into()))
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
