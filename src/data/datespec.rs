//! Date specs, a subset of EDTF (ISO 8601-2): a day, a month, a year, or a
//! window `A/B` of those; a trailing `~` (approximate) or `?` (uncertain).
//! Every spec is a closed window of days.

use std::fmt;

/// A calendar day.
pub type Day = chrono::NaiveDate;

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
    pub fn parse(text: &str) -> Result<DateSpec, String> {
        let _ = text;
        todo!("data helper")
    }

    /// A single day.
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

impl fmt::Display for DateSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
