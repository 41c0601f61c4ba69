//! Plain text, the bottom of the module graph: it imports nothing of the
//! crate, so every stage can use it (`input` and `error` without reaching
//! into `render`, which reaches into `data` and `analysis`).
//!
//! - [`clean`]: the one cleaner of text from the data for a terminal, used
//!   by every text writer (`show`, `changes`, the metric list, `diff`) and
//!   by every diagnostic (`error::one_line`). A control character (an
//!   escape sequence, a carriage return, a line break) could move the
//!   cursor, erase a line or start a fake one, and a bidirectional control
//!   could reorder what a reviewer reads; each is shown as its escape
//!   (`\u{1b}`, `\r`, `\u{202e}`) instead, so the line says exactly what
//!   the file holds and stays one line.
//! - [`number`]: how every output writes a number.
//! - [`round_half_even`]: a figure at the precision it is shown at.

/// Characters that must not reach a terminal or a report as they are: C0
/// and C1 controls, DEL, the line and paragraph separators, and the
/// bidirectional marks, embeddings, overrides and isolates.
pub(crate) fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{2028}' | '\u{2029}'
        )
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// `text` for a terminal: every [`is_hidden`] character written as its
/// Rust escape (`\u{1b}`, `\n`), everything else as it is.
pub fn clean(text: &str) -> String {
    if !text.chars().any(is_hidden) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// `value` rounded to `decimals` places, half to even, on the decimal it
/// reads as (its shortest decimal form: 0.15 is 0.15, not the binary
/// 0.1499…): 1,493.5 at 0 places is 1,494, 2,649.75 at 1 is 2,649.8.
pub fn round_half_even(value: f64, decimals: u32) -> f64 {
    if !value.is_finite() {
        return value;
    }
    let text = format!("{}", value.abs());
    let Some((whole, fraction)) = text.split_once('.') else {
        return value;
    };
    let places = decimals as usize;
    if fraction.len() <= places {
        return value;
    }
    let (kept, dropped) = fraction.split_at(places);
    let digits = format!("{whole}{kept}");
    let Ok(mut scaled) = digits.parse::<u128>() else {
        return value;
    };
    let first = dropped.as_bytes()[0];
    let rest_zero = dropped[1..].bytes().all(|b| b == b'0');
    let up = first > b'5' || (first == b'5' && (!rest_zero || scaled % 2 == 1));
    if up {
        scaled += 1;
    }
    let mut shown = scaled.to_string();
    if places > 0 {
        if shown.len() <= places {
            shown = format!("{}{shown}", "0".repeat(places + 1 - shown.len()));
        }
        shown.insert(shown.len() - places, '.');
    }
    let rounded: f64 = shown.parse().unwrap_or(value.abs());
    if value < 0.0 { -rounded } else { rounded }
}

/// A number with thousands separators and at most two decimals, trailing
/// zeros dropped: `9,900`, `112.5`, `0.25`.
pub fn number(value: f64) -> String {
    // In hundredths, as an integer: exact below 2^53, where every figure
    // of real data lies; larger or odd values go the float way.
    let cents = (value * 100.0).round();
    if cents.abs() >= 9e15 || !cents.is_finite() {
        return number_by_float(value);
    }
    let cents = cents as i64;
    let (whole, fraction) = (cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
    let digits = whole.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 4);
    if cents < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    match fraction {
        0 => {}
        f if f % 10 == 0 => out.push_str(&format!(".{}", f / 10)),
        f => out.push_str(&format!(".{f:02}")),
    }
    out
}

/// [`number`] through the float formatter (slow: its exact mode is a
/// bignum algorithm), for values past 2^53 hundredths.
fn number_by_float(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let negative = rounded < 0.0;
    let fixed = format!("{:.2}", rounded.abs());
    let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let fraction = fraction.trim_end_matches('0');
    let mut out = String::with_capacity(fixed.len() + whole.len() / 3 + 1);
    if negative && (whole != "0" || !fraction.is_empty()) {
        out.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// True for an absolute `http`/`https` URL with a host and no whitespace or
/// control characters: the only documents that become links.
pub fn is_web_url(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !text.chars().any(|c| c.is_whitespace() || is_hidden(c))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Half to even on the decimal as written (DESIGN §2, Precision shown).
    #[test]
    fn rounds_half_to_even_on_the_decimal() {
        let cases = [
            (1493.5, 0, 1494.0),
            (1492.5, 0, 1492.0),
            (2649.75, 1, 2649.8),
            (2649.65, 1, 2649.6),
            (1025.1, 0, 1025.0),
            (0.15, 1, 0.2),
            (0.25, 1, 0.2),
            (976.5, 0, 976.0),
            (65575.5, 0, 65576.0),
            (9.96, 1, 10.0),
            (0.05, 1, 0.0),
            (-2.5, 0, -2.0),
            (12.0, 0, 12.0),
            (12.345, 5, 12.345),
        ];
        for (value, places, expected) in cases {
            assert_eq!(
                round_half_even(value, places),
                expected,
                "{value} at {places}"
            );
        }
    }

    // The integer path writes what the float formatter writes, for whole
    // numbers, hundredths, halves of a hundredth, negatives and large values.
    proptest::proptest! {
        #[test]
        fn number_matches_the_float_formatter(
            whole in -10_000_000_000i64..10_000_000_000,
            hundredths in 0u32..200,
            big in proptest::num::f64::NORMAL,
        ) {
            for value in [
                whole as f64,
                whole as f64 + f64::from(hundredths) / 100.0,
                whole as f64 + f64::from(hundredths) / 200.0,
                big,
                big / 1e300,
            ] {
                proptest::prop_assert_eq!(number(value), number_by_float(value), "{}", value);
            }
        }
    }

    // An erase-line sequence, a carriage return, a line break and a bidi
    // override become visible escapes; other text is untouched.
    #[test]
    fn controls_become_escapes() {
        assert_eq!(
            clean("a\u{1b}[2K\r(unchanged)\nb\u{202E}c\u{85}"),
            "a\\u{1b}[2K\\r(unchanged)\\nb\\u{202e}c\\u{85}"
        );
        assert_eq!(clean("8,000–11,000 Україна"), "8,000–11,000 Україна");
    }
}
