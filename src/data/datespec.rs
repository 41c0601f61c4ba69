//! Date specs, a subset of EDTF (ISO 8601-2): a day, a month, a year, or a
//! window `A/B` of those; a trailing `~` (approximate) or `?` (uncertain).
//! Every spec is a closed window of days.

use std::fmt;

/// A calendar day.
pub type Day = chrono::NaiveDate;

/// Today (UTC), from the system clock, read once per process. Only
/// validation asks for it, to warn about claims made in the future: no
/// report, chart or figure depends on it.
pub fn today() -> Day {
    static TODAY: std::sync::OnceLock<Day> = std::sync::OnceLock::new();
    *TODAY.get_or_init(|| {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let days = i64::try_from(seconds / 86_400).unwrap_or(0);
        Day::from_ymd_opt(1970, 1, 1)
            .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(days)))
            .unwrap_or(Day::MAX)
    })
}

/// What every date spec error says was expected.
const EXPECTED: &str = "expected YYYY-MM-DD, YYYY-MM, YYYY or a window A/B of those, \
                        optionally followed by ~ or ?";

/// A parsed date spec: the closed window [start, end] of days it covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateSpec {
    /// First day of the window.
    pub start: Day,
    /// Last day of the window (equal to `start` for a single day).
    pub end: Day,
    /// A trailing `~`.
    pub approximate: bool,
    /// A trailing `?`.
    pub uncertain: bool,
    /// The spec as written (trimmed), for display.
    pub text: String,
}

impl DateSpec {
    /// Parses a date spec; the error says what was expected.
    ///
    /// A window's start is the first day of its left side and its end the
    /// last day of its right side; a window that starts after it ends is an
    /// error. One trailing `~` or `?` applies to the whole spec.
    pub fn parse(text: &str) -> Result<DateSpec, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err(format!("empty date ({EXPECTED})"));
        }
        let (body, approximate, uncertain) = match text.as_bytes()[text.len() - 1] {
            b'~' => (&text[..text.len() - 1], true, false),
            b'?' => (&text[..text.len() - 1], false, true),
            _ => (text, false, false),
        };
        let (start, end) = match body.split_once('/') {
            None => side(body, text)?,
            Some((left, right)) => {
                let (start, _) = side(left, text)?;
                let (_, end) = side(right, text)?;
                if start > end {
                    return Err(format!(
                        "window \"{text}\" starts after it ends ({start} is after {end})"
                    ));
                }
                (start, end)
            }
        };
        Ok(DateSpec {
            start,
            end,
            approximate,
            uncertain,
            text: text.to_owned(),
        })
    }

    /// The first and last day of a plain `YYYY-MM-DD` day, or of a window
    /// `YYYY-MM-DD/YYYY-MM-DD` of two such days in order, as [`DateSpec::parse`]
    /// gives them, without building the spec: the common cases when loading a
    /// million claims. `None` for any other text (the parser decides).
    pub fn plain_window(text: &str) -> Option<(Day, Day)> {
        let (start, end) = match text.split_once('/') {
            Some((start, end)) => (plain_day(start)?, plain_day(end)?),
            None => (plain_day(text)?, plain_day(text)?),
        };
        (start <= end).then_some((start, end))
    }

    /// A single day `YYYY-MM-DD`, parsed by [`DateSpec::parse`] so that a
    /// day on the command line or in front matter is read, and its errors
    /// worded, exactly as in the CSV files; a month, a year, a window or a
    /// `~`/`?` flag, valid in a CSV cell, is not one day and is refused.
    /// Text not shaped like a day at all (`03/20/2025`) is told the one
    /// form a day takes, not every form of a spec.
    pub fn parse_day(text: &str) -> Result<Day, String> {
        let not_a_day = || {
            format!(
                "\"{}\" is not a single day (expected YYYY-MM-DD)",
                text.trim()
            )
        };
        if text.split('-').count() != 3 {
            return Err(not_a_day());
        }
        let spec = DateSpec::parse(text)?;
        if spec.start != spec.end || spec.approximate || spec.uncertain {
            return Err(not_a_day());
        }
        Ok(spec.start)
    }

    /// A single day.
    #[cfg(test)]
    pub fn day(day: Day) -> DateSpec {
        DateSpec {
            start: day,
            end: day,
            approximate: false,
            uncertain: false,
            text: day.format("%Y-%m-%d").to_string(),
        }
    }
}

/// One side of a spec (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) as its first and
/// last day; `whole` is the full spec, quoted in errors.
fn side(part: &str, whole: &str) -> Result<(Day, Day), String> {
    let not_a_spec = || format!("\"{whole}\" is not a date spec ({EXPECTED})");
    let mut pieces = part.split('-');
    let year = pieces
        .next()
        .and_then(|p| digits(p, 4))
        .ok_or_else(not_a_spec)?;
    let month = match pieces.next() {
        None => None,
        Some(p) => Some(digits(p, 2).ok_or_else(not_a_spec)?),
    };
    let day = match pieces.next() {
        None => None,
        Some(p) => Some(digits(p, 2).ok_or_else(not_a_spec)?),
    };
    if pieces.next().is_some() {
        return Err(not_a_spec());
    }
    let year = year as i32;
    let Some(month) = month else {
        let first = Day::from_ymd_opt(year, 1, 1).ok_or_else(not_a_spec)?;
        let last = Day::from_ymd_opt(year, 12, 31).ok_or_else(not_a_spec)?;
        return Ok((first, last));
    };
    if !(1..=12).contains(&month) {
        return Err(format!(
            "\"{whole}\": month {month:02} does not exist (expected 01 to 12)"
        ));
    }
    let first = Day::from_ymd_opt(year, month, 1).ok_or_else(not_a_spec)?;
    let days = days_in_month(year, month);
    let Some(day) = day else {
        let last = Day::from_ymd_opt(year, month, days).ok_or_else(not_a_spec)?;
        return Ok((first, last));
    };
    match Day::from_ymd_opt(year, month, day) {
        Some(d) => Ok((d, d)),
        None => Err(format!(
            "\"{whole}\": day {day:02} does not exist ({} {year} has {days} days)",
            first.format("%B")
        )),
    }
}

/// The day `text` names when it is exactly a valid `YYYY-MM-DD`.
fn plain_day(text: &str) -> Option<Day> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = digits(&text[..4], 4)? as i32;
    Day::from_ymd_opt(year, digits(&text[5..7], 2)?, digits(&text[8..], 2)?)
}

/// The number in `text` when it is exactly `width` ASCII digits.
fn digits(text: &str, width: usize) -> Option<u32> {
    if text.len() == width && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

/// How many days `month` (1–12) of `year` has.
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for DateSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

// Tests unwrap literals: a panic is how a test reports failure.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A day from literal parts (test helper).
    fn ymd(y: i32, m: u32, d: u32) -> Day {
        Day::from_ymd_opt(y, m, d).unwrap()
    }

    /// The window of a spec that must parse (test helper).
    fn window(text: &str) -> (Day, Day) {
        let spec = DateSpec::parse(text).unwrap();
        (spec.start, spec.end)
    }

    // One day parses as the CSV parses it: the same wording for a day that
    // does not exist or a malformed date; months, windows and flags are
    // not one day.
    #[test]
    fn single_days() {
        assert_eq!(DateSpec::parse_day(" 2024-02-29 "), Ok(ymd(2024, 2, 29)));
        assert_eq!(
            DateSpec::parse_day("2024-02-30"),
            Err("\"2024-02-30\": day 30 does not exist (February 2024 has 29 days)".into())
        );
        assert_eq!(
            DateSpec::parse_day("2024-1-5"),
            DateSpec::parse("2024-1-5").map(|s| s.start)
        );
        for text in [
            "2024-10",
            "2024",
            "03/20/2025",
            "2024-10-01/2024-10-02",
            "2024-10-01~",
            "2024-10-01?",
        ] {
            assert_eq!(
                DateSpec::parse_day(text),
                Err(format!(
                    "\"{text}\" is not a single day (expected YYYY-MM-DD)"
                ))
            );
        }
    }

    // A day is a window of one day, and keeps its text.
    #[test]
    fn day() {
        let spec = DateSpec::parse("2024-11-04").unwrap();
        assert_eq!(spec, DateSpec::day(ymd(2024, 11, 4)));
    }

    // A month covers its first to its last day, 30 or 31 alike.
    #[test]
    fn months() {
        assert_eq!(window("2024-10"), (ymd(2024, 10, 1), ymd(2024, 10, 31)));
        assert_eq!(window("2024-11"), (ymd(2024, 11, 1), ymd(2024, 11, 30)));
    }

    // A year covers 1 January to 31 December.
    #[test]
    fn years() {
        assert_eq!(window("2024"), (ymd(2024, 1, 1), ymd(2024, 12, 31)));
    }

    // February has 29 days in leap years only (2000 yes, 1900 no).
    #[test]
    fn leap_years() {
        assert_eq!(window("2024-02").1, ymd(2024, 2, 29));
        assert_eq!(window("2023-02").1, ymd(2023, 2, 28));
        assert_eq!(window("2000-02-29").0, ymd(2000, 2, 29));
        assert!(DateSpec::parse("1900-02-29").is_err());
    }

    // A window runs from the start of its left side to the end of its right.
    #[test]
    fn windows() {
        assert_eq!(
            window("2024-10-21/2024-10-31"),
            (ymd(2024, 10, 21), ymd(2024, 10, 31))
        );
        assert_eq!(
            window("2024-10/2024-11"),
            (ymd(2024, 10, 1), ymd(2024, 11, 30))
        );
        assert_eq!(
            window("2024/2025-01-02"),
            (ymd(2024, 1, 1), ymd(2025, 1, 2))
        );
        assert_eq!(window("2024-10-27/2024-10-27").0, ymd(2024, 10, 27));
    }

    // A window that starts after it ends says so, with both days.
    #[test]
    fn reversed_window() {
        assert_eq!(
            DateSpec::parse("2024-11/2024-10-31").unwrap_err(),
            "window \"2024-11/2024-10-31\" starts after it ends (2024-11-01 is after 2024-10-31)"
        );
    }

    // `~` and `?` are flags on the whole spec and stay in its text.
    #[test]
    fn flags() {
        let approx = DateSpec::parse("2024-10~").unwrap();
        assert!(approx.approximate && !approx.uncertain);
        assert_eq!(approx.text, "2024-10~");
        assert_eq!(approx.end, ymd(2024, 10, 31));
        let uncertain = DateSpec::parse("2024-10-21/2024-10-31?").unwrap();
        assert!(uncertain.uncertain && !uncertain.approximate);
        assert_eq!(uncertain.start, ymd(2024, 10, 21));
    }

    // Days and months that do not exist name the problem.
    #[test]
    fn invalid_days() {
        assert_eq!(
            DateSpec::parse("2023-02-29").unwrap_err(),
            "\"2023-02-29\": day 29 does not exist (February 2023 has 28 days)"
        );
        assert_eq!(
            DateSpec::parse("2024-13-01").unwrap_err(),
            "\"2024-13-01\": month 13 does not exist (expected 01 to 12)"
        );
        assert!(DateSpec::parse("2024-04-31").is_err());
        assert!(DateSpec::parse("2024-00").is_err());
        assert!(DateSpec::parse("2024-01-00").is_err());
    }

    // An empty spec is an error that says what was expected.
    #[test]
    fn empty() {
        assert_eq!(
            DateSpec::parse("  ").unwrap_err(),
            format!("empty date ({EXPECTED})")
        );
    }

    // Anything outside the subset is rejected, never guessed at.
    #[test]
    fn garbage() {
        for text in [
            "late October",
            "2024-1-5",
            "24-10-05",
            "2024/",
            "/2024",
            "2024-10-05/2024-10-06/2024-10-07",
            "2024-10~~",
            "2024~/2025",
            "2024-10-05T10:00",
            "２０２４",
            "~",
            "+2024",
        ] {
            assert_eq!(
                DateSpec::parse(text).unwrap_err(),
                format!("\"{text}\" is not a date spec ({EXPECTED})"),
                "{text}"
            );
        }
    }

    proptest::proptest! {
        // The shortcut agrees with the parser on every text it accepts,
        // and accepts every valid plain day.
        #[test]
        fn plain_days_match_the_parser(
            text in "[0-9]{4}-[0-9]{2}-[0-9]{2}(/[0-9]{4}-[0-9]{2}-[0-9]{2})?|[0-9/-]{10,21}|.{0,12}"
        ) {
            let parsed = DateSpec::parse(&text).ok().map(|spec| (spec.start, spec.end, spec.approximate, spec.uncertain));
            let trimmed = text.trim();
            let sides: Vec<&str> = trimmed.split('/').collect();
            match DateSpec::plain_window(trimmed) {
                Some((start, end)) => proptest::prop_assert_eq!(Some((start, end, false, false)), parsed),
                None => proptest::prop_assert!(
                    parsed.is_none()
                        || sides.len() > 2
                        || sides.iter().any(|side| side.len() != 10)
                        || trimmed.contains(['~', '?']),
                    "{} parses but was not taken", text
                ),
            }
        }
    }

    #[test]
    fn plain_windows() {
        let plain =
            |text| DateSpec::plain_window(text).map(|(s, e)| (s.to_string(), e.to_string()));
        let both = |day: &str| Some((day.to_string(), day.to_string()));
        assert_eq!(plain("2024-02-29"), both("2024-02-29"));
        assert_eq!(plain("2023-02-29"), None);
        assert_eq!(
            plain("2024-10-21/2024-10-31"),
            Some(("2024-10-21".into(), "2024-10-31".into()))
        );
        assert_eq!(plain("2024-10-31/2024-10-21"), None);
        assert_eq!(plain("2024-10-21/2024-10"), None);
        assert_eq!(plain("2024-13-01"), None);
        assert_eq!(plain("2024-10"), None);
        assert_eq!(plain("+024-10-01"), None);
        assert_eq!(plain("0000-01-01"), both("0000-01-01"));
    }
}
