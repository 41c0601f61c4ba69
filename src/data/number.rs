//! Numbers as analysts type them: `11000`, `11000.5`, `11,000`, `11 000`.
//!
//! Accepted: ASCII digits, optionally grouped in threes by one kind of
//! separator used throughout (`,`, a space, U+00A0 or U+202F), optionally
//! followed by `.` and at least one digit. Anything else is an error
//! (docs/data.md): signs, scientific notation (`1e3`: no analyst types a
//! troop count that way, and accepting it would let `1e309` through),
//! `NaN`/`inf`, badly grouped digits (`1,1000`), non-ASCII digits, and values
//! too large to be finite.

/// The largest number a claim may state: 10^15, a thousand trillion. Far
/// above any count or sum an analyst tracks, and far below f64's largest
/// (1.8e308), where a chart's axis overflows to infinity and a sum of a
/// few claims is no longer finite.
pub const MAX_VALUE: f64 = 1e15;

/// How many digits follow the point in the shortest decimal that reads back
/// as `value` (11000 → 0, 976.5 → 1, 0.07 → 2): the decimals the number was
/// written with, trailing zeros aside.
pub fn decimals(value: f64) -> u32 {
    if value.fract() == 0.0 || !value.is_finite() {
        return 0;
    }
    let text = value.to_string();
    text.split_once('.')
        .map_or(0, |(_, digits)| digits.len() as u32)
}

/// For an `approx` claim of `value` on a metric of tolerance `tolerance`:
/// 10 to the power of the decimals its interval ends are exact to (those of
/// the value plus those of the tolerance), or 0 where the scaled ends would
/// be past what a double holds exactly (they are then left unrounded).
pub fn exact_scale(value: f64, tolerance: f64) -> f64 {
    let places = decimals(value) + decimals(tolerance);
    let scale = 10f64.powi(places.min(22) as i32);
    if value * (1.0 + tolerance) * scale >= 2f64.powi(52) {
        0.0
    } else {
        scale
    }
}

/// `value` rounded to `places` decimals, as the nearest double to that
/// decimal (half away from zero): `v · (1 ± t)` computed in binary is
/// off the exact decimal by a few units in the last place (220,000 · 1.1
/// is 242000.00000000003), and an interval end is an exact decimal — the
/// decimals of v plus those of t (DESIGN §2). Left as it is where the
/// scaled number is past what a double holds exactly.
pub fn round_to(value: f64, places: u32) -> f64 {
    let scale = 10f64.powi(places.min(22) as i32);
    let scaled = value * scale;
    if !scaled.is_finite() || scaled.abs() >= 2f64.powi(52) {
        return value;
    }
    scaled.round() / scale
}

/// What every number error says was expected.
const EXPECTED: &str = "expected a number ≥ 0 like 11000, 11000.5, 11,000 or 11 000";

/// The group separators accepted between thousands.
const SEPARATORS: [char; 4] = [',', ' ', '\u{a0}', '\u{202f}'];

/// Parses a non-negative finite number; the error says what was expected.
pub fn parse_number(text: &str) -> Result<f64, String> {
    // The common case, digits with an optional fraction, parses as written
    // (without the copy that ungrouping makes); anything else, errors
    // included, takes the general path.
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let simple = match text.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(text),
    };
    match simple.then(|| text.parse::<f64>()) {
        Some(Ok(value)) if value.is_finite() => Ok(value),
        _ => parse_general(text),
    }
}

/// [`parse_number`] for any text.
fn parse_general(text: &str) -> Result<f64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("empty ({EXPECTED})"));
    }
    let not_a_number = || format!("\"{text}\" is not a number ({EXPECTED})");
    // One `-` before a number is named as negative. A second `-` is not
    // looked at: recursing once per `-` overflowed the stack on a long run.
    if let Some(rest) = text.strip_prefix('-')
        && !rest.trim_start().starts_with('-')
        && parse_number(rest).is_ok()
    {
        return Err(format!("\"{text}\" is negative ({EXPECTED})"));
    }
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let mut plain = ungroup(whole).ok_or_else(not_a_number)?;
    if let Some(fraction) = fraction {
        if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_a_number());
        }
        plain.push('.');
        plain.push_str(fraction);
    }
    let value: f64 = plain.parse().map_err(|_| not_a_number())?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(format!("\"{text}\" is too large ({EXPECTED})"))
    }
}

/// The digits of a whole part, plain (`11000`) or grouped in threes by one
/// separator (`11,000`); `None` for anything else.
fn ungroup(whole: &str) -> Option<String> {
    let Some(separator) = whole.chars().find(|c| SEPARATORS.contains(c)) else {
        let plain = !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit());
        return plain.then(|| whole.to_owned());
    };
    let mut digits = String::with_capacity(whole.len());
    for (i, group) in whole.split(separator).enumerate() {
        let size_ok = if i == 0 {
            (1..=3).contains(&group.len())
        } else {
            group.len() == 3
        };
        if !size_ok || !group.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

// Tests unwrap literals: a panic is how a test reports failure.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    proptest::proptest! {
        // The shortcut gives what the general path gives, for any text.
        #[test]
        fn shortcut_matches_the_general_path(text in "[0-9., -]{0,12}|[0-9]{1,400}(\\.[0-9]{0,3})?|.{0,8}") {
            proptest::prop_assert_eq!(parse_number(&text), parse_general(&text));
        }
    }

    // Plain integers and decimals parse as written.
    #[test]
    fn plain() {
        assert_eq!(parse_number("11000"), Ok(11000.0));
        assert_eq!(parse_number("11000.5"), Ok(11000.5));
        assert_eq!(parse_number("0"), Ok(0.0));
        assert_eq!(parse_number("0.25"), Ok(0.25));
    }

    // Thousands grouped by commas, spaces, no-break or narrow no-break spaces.
    #[test]
    fn grouped() {
        assert_eq!(parse_number("11,000"), Ok(11000.0));
        assert_eq!(parse_number("1,234,567.5"), Ok(1234567.5));
        assert_eq!(parse_number("11 000"), Ok(11000.0));
        assert_eq!(parse_number("11\u{a0}000"), Ok(11000.0));
        assert_eq!(parse_number("100\u{202f}000"), Ok(100000.0));
    }

    // Badly grouped or mixed separators are errors, not guesses.
    #[test]
    fn bad_grouping() {
        for text in [
            "1,1000",
            "1,00",
            "1000,000",
            ",100",
            "1,000 000",
            "1,,000",
            "1,000,",
        ] {
            assert_eq!(
                parse_number(text).unwrap_err(),
                format!("\"{text}\" is not a number ({EXPECTED})"),
                "{text}"
            );
        }
    }

    // Negative numbers are named as such.
    #[test]
    fn negative() {
        assert_eq!(
            parse_number("-5").unwrap_err(),
            format!("\"-5\" is negative ({EXPECTED})")
        );
        assert_eq!(
            parse_number("-1,000").unwrap_err(),
            format!("\"-1,000\" is negative ({EXPECTED})")
        );
    }

    // Scientific notation, NaN, infinities, signs and odd decimals are rejected.
    #[test]
    fn rejected_forms() {
        for text in [
            "1e3", "1E3", "1e309", "NaN", "nan", "inf", "-inf", "+5", ".5", "5.", "1.2.3", "0x10",
            "about 5", "5k",
        ] {
            assert!(parse_number(text).is_err(), "{text}");
        }
    }

    // Digits outside ASCII (full-width, Arabic-Indic) are rejected.
    #[test]
    fn non_ascii_digits() {
        assert!(parse_number("１１０００").is_err());
        assert!(parse_number("١٢").is_err());
    }

    // An empty cell says it is empty.
    #[test]
    fn empty() {
        assert_eq!(
            parse_number(" ").unwrap_err(),
            format!("empty ({EXPECTED})")
        );
    }

    // Found by review for the fuzz targets: a cell of 200,000 `-` overflowed
    // the stack (one recursive call per leading `-`); it is now an error.
    #[test]
    fn many_minus_signs() {
        let dashes = "-".repeat(200_000);
        assert!(parse_number(&dashes).is_err());
        assert!(parse_number(&format!("{dashes}5")).is_err());
        assert!(parse_number("--5").unwrap_err().contains("is not a number"));
    }

    // Digits beyond f64's range are too large rather than infinite.
    #[test]
    fn too_large() {
        let huge = "9".repeat(400);
        assert_eq!(
            parse_number(&huge).unwrap_err(),
            format!("\"{huge}\" is too large ({EXPECTED})")
        );
    }
}
