//! The rules one row can break on its own: required cells, types, slugs,
//! qualifier against value/low/high, low ≤ high, `published` against
//! `claimed`. Rules that need other rows or files live in `links.rs`.

use std::path::Path;

use super::table::{Report, Row, Schema, Table};
use crate::data::number::{MAX_VALUE, parse_number};
use crate::data::{DateSpec, Event, Metric, Qualifier, Source, SourceKind, Stated, is_slug};

/// Columns of claims.csv, in the docs' order (indexes are the `C_*` consts).
pub const CLAIM_COLUMNS: &Schema = &[
    ("id", true),
    ("metric", true),
    ("claimed", true),
    ("source", true),
    ("qualifier", true),
    ("value", false),
    ("low", false),
    ("high", false),
    ("document", true),
    ("outlet", false),
    ("published", false),
    ("origin", false),
    ("quote", false),
    ("notes", false),
    ("refers_to", false),
    ("restated", false),
    ("alternative_of", false),
    ("based_on", false),
];
pub const C_ID: usize = 0;
pub const C_METRIC: usize = 1;
pub const C_CLAIMED: usize = 2;
pub const C_SOURCE: usize = 3;
pub const C_QUALIFIER: usize = 4;
pub const C_VALUE: usize = 5;
pub const C_LOW: usize = 6;
pub const C_HIGH: usize = 7;
pub const C_DOCUMENT: usize = 8;
pub const C_OUTLET: usize = 9;
pub const C_PUBLISHED: usize = 10;
pub const C_ORIGIN: usize = 11;
pub const C_QUOTE: usize = 12;
pub const C_NOTES: usize = 13;
pub const C_REFERS_TO: usize = 14;
pub const C_RESTATED: usize = 15;
pub const C_ALTERNATIVE_OF: usize = 16;
pub const C_BASED_ON: usize = 17;

/// Columns of sources.csv.
pub(super) const SOURCE_COLUMNS: &Schema = &[
    ("id", true),
    ("name", true),
    ("affiliation", true),
    ("kind", false),
    ("reliability", false),
    ("notes", false),
    ("short", false),
    ("color", false),
    ("party", false),
];

const S_NAME: usize = 1;
const S_AFFILIATION: usize = 2;
const S_KIND: usize = 3;
const S_RELIABILITY: usize = 4;
const S_NOTES: usize = 5;
const S_SHORT: usize = 6;
const S_COLOR: usize = 7;
const S_PARTY: usize = 8;

/// Columns of metrics.csv.
pub(super) const METRIC_COLUMNS: &Schema = &[
    ("id", true),
    ("label", true),
    ("unit", true),
    ("tolerance", false),
    ("description", false),
    ("stale_after", false),
];
const M_LABEL: usize = 1;
const M_UNIT: usize = 2;
const M_TOLERANCE: usize = 3;
const M_DESCRIPTION: usize = 4;
const M_STALE_AFTER: usize = 5;

/// Columns of the optional events.csv.
pub(super) const EVENT_COLUMNS: &Schema = &[
    ("id", true),
    ("date", true),
    ("label", true),
    ("metrics", false),
    ("document", false),
    ("notes", false),
];
const E_DATE: usize = 1;
const E_LABEL: usize = 2;
const E_METRICS: usize = 3;
const E_DOCUMENT: usize = 4;
const E_NOTES: usize = 5;

/// The rows of one file that could be opened.
pub struct Rows<T> {
    /// The file as the user named it.
    pub file: String,
    /// The table, to ask which columns its header has.
    pub table: Table,
    /// One entry per data row, in file order.
    pub rows: Vec<T>,
}

/// A sources.csv or metrics.csv row: its id and, when the row is valid on
/// its own, the parsed value.
pub struct Parsed<T> {
    /// Physical line of the row.
    pub line: usize,
    /// The `id` cell, if any.
    pub id: Option<String>,
    /// The row, when every cell of it is valid.
    pub value: Option<T>,
}

/// Reads and checks every row of sources.csv.
pub fn sources(dir: &Path, report: &mut Report) -> Option<Rows<Parsed<Source>>> {
    read(dir, "sources.csv", SOURCE_COLUMNS, report, source)
}

/// Reads and checks every row of metrics.csv.
pub fn metrics(dir: &Path, report: &mut Report) -> Option<Rows<Parsed<Metric>>> {
    read(dir, "metrics.csv", METRIC_COLUMNS, report, metric)
}

/// Reads and checks every row of events.csv; `None` without the file
/// (it is optional) or when it cannot be read (reported).
pub fn events(dir: &Path, report: &mut Report) -> Option<Rows<Parsed<Event>>> {
    // A dangling link or anything else at the name is read, and refused
    // there with a reason; only no entry at all means no events.
    std::fs::symlink_metadata(dir.join("events.csv")).ok()?;
    read(dir, "events.csv", EVENT_COLUMNS, report, event)
}

/// Checks one events.csv row on its own (metric ids are checked against
/// metrics.csv in `links`).
fn event(row: &Row<'_>, report: &mut Report) -> Parsed<Event> {
    let id = slug(row, report);
    let date = row.required(E_DATE, report).and_then(|text| {
        DateSpec::parse(text)
            .map_err(|message| row.error(E_DATE, message, report))
            .ok()
    });
    let label = row.required(E_LABEL, report);
    let metrics: Vec<String> = row
        .get(E_METRICS)
        .map(|text| text.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    let value = (|| {
        Some(Event {
            id: id?.to_owned(),
            date: date?,
            label: label?.to_owned(),
            metrics,
            document: row.get(E_DOCUMENT).map(str::to_owned),
            notes: row.get(E_NOTES).map(str::to_owned),
            line: row.line,
        })
    })();
    Parsed {
        line: row.line,
        id: id.map(str::to_owned),
        value,
    }
}

/// Opens `dir/name` and parses each row with `parse`.
fn read<T: Send>(
    dir: &Path,
    name: &str,
    schema: &'static Schema,
    report: &mut Report,
    parse: fn(&Row<'_>, &mut Report) -> T,
) -> Option<Rows<T>> {
    let mut table = Table::open(dir, name, schema, report)?;
    let rows = table
        .rows(
            report,
            1,
            |_| Vec::new(),
            |rows, row, report| rows.push(parse(row, report)),
        )
        .into_iter()
        .flatten()
        .collect();
    table.release();
    Some(Rows {
        file: table.file.clone(),
        table,
        rows,
    })
}

/// The numbers of a claim row, checked against its qualifier.
pub(super) fn stated(row: &Row<'_>, qualifier: Qualifier, report: &mut Report) -> Option<Stated> {
    let value = claimed_number(row, C_VALUE, report);
    let low = claimed_number(row, C_LOW, report);
    let high = claimed_number(row, C_HIGH, report);
    let shape = |column: usize, wanted: bool, report: &mut Report| {
        let given = row.get(column).is_some();
        let message = match (wanted, given) {
            (true, false) => format!("missing value (required with qualifier {qualifier})"),
            (false, true) => {
                format!("not allowed with qualifier {qualifier} (only with range)")
            }
            _ => return true,
        };
        row.error(column, message, report);
        false
    };
    let range = qualifier == Qualifier::Range;
    // On a range, `value` is optional: the central estimate.
    let value_ok = range || shape(C_VALUE, true, report);
    let low_ok = shape(C_LOW, range, report);
    let high_ok = shape(C_HIGH, range, report);
    if !(value_ok && low_ok && high_ok) {
        return None;
    }
    if !range {
        return value.map(Stated::Value);
    }
    let (low, high) = (low?, high?);
    if low > high {
        let (low_text, high_text) = (row.get(C_LOW)?, row.get(C_HIGH)?);
        let message =
            format!("\"{low_text}\" is greater than high \"{high_text}\" (expected low ≤ high)");
        row.error(C_LOW, message, report);
        return None;
    }
    if let Some(central) = value
        && !(low <= central && central <= high)
    {
        let text = row.get(C_VALUE).unwrap_or_default();
        let message = format!(
            "\"{text}\" is outside the range {}–{} (on a range, value is the central estimate \
             the range surrounds: low ≤ value ≤ high)",
            row.get(C_LOW).unwrap_or_default(),
            row.get(C_HIGH).unwrap_or_default()
        );
        row.error(C_VALUE, message, report);
        return None;
    }
    if row.get(C_VALUE).is_some() && value.is_none() {
        return None;
    }
    Some(Stated::Range(low, high, value))
}

/// The numbers of a repeat (a row with `origin`): none given (they are the
/// origin's), or as for any claim, checked against the qualifier when it is
/// given, else by their shape (value alone, or low and high).
pub(super) fn repeated(
    row: &Row<'_>,
    qualifier: Option<Qualifier>,
    report: &mut Report,
) -> Option<Stated> {
    let given = [C_VALUE, C_LOW, C_HIGH].map(|column| row.get(column).is_some());
    if given == [false; 3] {
        return None;
    }
    if let Some(qualifier) = qualifier {
        return stated(row, qualifier, report);
    }
    let value = claimed_number(row, C_VALUE, report);
    let low = claimed_number(row, C_LOW, report);
    let high = claimed_number(row, C_HIGH, report);
    match given {
        [true, false, false] => value.map(Stated::Value),
        [false, true, true] => Some(Stated::Range(low?, high?, None)),
        [true, true, true] => Some(Stated::Range(low?, high?, Some(value?))),
        _ => {
            let message = "give value, or low and high, or leave all three empty to take \
                           the origin's"
                .to_owned();
            row.error(C_VALUE, message, report);
            None
        }
    }
}

/// Checks one sources.csv row.
fn source(row: &Row<'_>, report: &mut Report) -> Parsed<Source> {
    let id = slug(row, report);
    let name = row.required(S_NAME, report);
    let affiliation = row.required(S_AFFILIATION, report);
    let kind = match row.get(S_KIND) {
        None => Ok(None),
        Some(text) => SourceKind::parse(text).map(Some).ok_or_else(|| {
            let expected = SourceKind::ALL.map(SourceKind::as_str).join(", ");
            let message = format!("unknown value \"{text}\" (expected {expected})");
            row.error(S_KIND, message, report);
        }),
    };
    let reliability = match row.get(S_RELIABILITY) {
        None => Some('F'),
        Some(text @ ("A" | "B" | "C" | "D" | "E" | "F")) => text.chars().next(),
        Some(text) => {
            let message = format!("unknown value \"{text}\" (expected A, B, C, D, E or F)");
            row.error(S_RELIABILITY, message, report);
            None
        }
    };
    let color = match row.get(S_COLOR) {
        None => Ok(None),
        Some(text) => parse_color(text).map(Some).ok_or_else(|| {
            let message = format!("\"{text}\" is not a colour (expected #rrggbb, e.g. #0072b2)");
            row.error(S_COLOR, message, report);
        }),
    };
    let party = match row.get(S_PARTY) {
        None | Some("no") => Some(false),
        Some("yes") => Some(true),
        Some(text) => {
            let message = format!(
                "unknown value \"{text}\" (expected yes, no, or empty: yes when the claimant \
                 speaks for a party to the conflict or dispute)"
            );
            row.error(S_PARTY, message, report);
            None
        }
    };
    let value = (|| {
        Some(Source {
            id: id?.to_owned(),
            name: name?.to_owned(),
            affiliation: affiliation?.to_owned(),
            kind: kind.ok()?,
            party: party?,
            reliability: reliability?,
            notes: row.get(S_NOTES).map(str::to_owned),
            short: row.get(S_SHORT).map(str::to_owned),
            color: color.ok()?,
            line: row.line,
        })
    })();
    Parsed {
        line: row.line,
        id: id.map(str::to_owned),
        value,
    }
}

/// A `#rrggbb` colour (either case) as its three bytes.
fn parse_color(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// Checks one metrics.csv row.
fn metric(row: &Row<'_>, report: &mut Report) -> Parsed<Metric> {
    let id = slug(row, report);
    let label = row.required(M_LABEL, report);
    let unit = row.required(M_UNIT, report);
    let tolerance = match (row.get(M_TOLERANCE), number(row, M_TOLERANCE, report)) {
        (None, _) => Some(0.1),
        (Some(text), Some(t)) if t >= 1.0 => {
            let message = format!("\"{text}\" is out of range (expected 0 ≤ tolerance < 1)");
            row.error(M_TOLERANCE, message, report);
            None
        }
        (Some(_), t) => t,
    };
    let stale_after = match row.get(M_STALE_AFTER) {
        None => Some(None),
        Some(text) => match text.parse::<u32>() {
            Ok(days) if days >= 1 && text.bytes().all(|b| b.is_ascii_digit()) => Some(Some(days)),
            _ => {
                let message =
                    format!("\"{text}\" is not a number of days (expected a whole number ≥ 1)");
                row.error(M_STALE_AFTER, message, report);
                None
            }
        },
    };
    let value = (|| {
        Some(Metric {
            id: id?.to_owned(),
            label: label?.to_owned(),
            unit: unit?.to_owned(),
            tolerance: tolerance?,
            description: row.get(M_DESCRIPTION).map(str::to_owned),
            stale_after: stale_after?,
            decimals: 0,
            line: row.line,
        })
    })();
    Parsed {
        line: row.line,
        id: id.map(str::to_owned),
        value,
    }
}

/// The `id` cell (column 0 in every file): required, and a slug.
pub(super) fn slug<'a>(row: &Row<'a>, report: &mut Report) -> Option<&'a str> {
    let id = row.required(0, report)?;
    if !is_slug(id) {
        let message = format!(
            "\"{id}\" is not a valid id (expected a slug: a-z or 0-9, then a-z, 0-9, _ or -)"
        );
        row.error(0, message, report);
    }
    Some(id)
}

/// The optional number in `column`; reports it when it does not parse.
pub(super) fn number(row: &Row<'_>, column: usize, report: &mut Report) -> Option<f64> {
    let text = row.get(column)?;
    parse_number(text)
        .map_err(|message| row.error(column, message, report))
        .ok()
}

/// [`number`] for value, low and high, which warns when the number looks
/// like thousands written with a dot (`10.100`, the Italian or Danish way).
fn claimed_number(row: &Row<'_>, column: usize, report: &mut Report) -> Option<f64> {
    let value = number(row, column, report)?;
    if value > MAX_VALUE {
        let message = format!(
            "\"{}\" is over the largest number rangefinder takes, {} (10^15; state it in a \
             larger unit, e.g. thousands)",
            row.get(column).unwrap_or_default(),
            crate::text::number(MAX_VALUE)
        );
        row.error(column, message, report);
        return None;
    }
    if let Some(text) = row.get(column).filter(|text| dotted_thousands(text)) {
        let grouped = text.replacen('.', ",", 1);
        let plain = text.replacen('.', "", 1);
        let message = format!(
            "\"{text}\" reads as {value}; if it means {grouped} (a dot as thousands separator, \
             the Italian or Danish way), write {plain} (or \"{grouped}\")"
        );
        row.warning(column, message, report);
    }
    Some(value)
}

/// Whether `text` is 1 to 3 digits (not starting with 0), a dot and
/// exactly three digits: a number a reader would take for thousands.
fn dotted_thousands(text: &str) -> bool {
    // Most numbers fail this first test, which reads no more than a byte.
    if !(5..=7).contains(&text.len()) || text.as_bytes()[text.len() - 4] != b'.' {
        return false;
    }
    let Some((whole, fraction)) = text.split_once('.') else {
        return false;
    };
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    (1..=3).contains(&whole.len())
        && !whole.starts_with('0')
        && digits(whole)
        && fraction.len() == 3
        && digits(fraction)
}

/// The optional quote; warns when it is missing.
pub(super) fn quote<'a>(row: &Row<'a>, report: &mut Report) -> Option<&'a str> {
    let quote = row.get(C_QUOTE);
    if quote.is_none() {
        let message = "no quote (give the words that carry the claim)".to_owned();
        row.warning(C_QUOTE, message, report);
    }
    quote
}

// Tests unwrap literals: a panic is how a test reports failure.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    // 10.100 looks like thousands with a dot; 0.125, 10.1, 1000.100 and 10.1000 do not.
    #[test]
    fn dotted_thousands_only() {
        for yes in ["10.100", "1.500", "999.000"] {
            assert!(dotted_thousands(yes), "{yes}");
        }
        for no in [
            "0.125", "10.1", "1000.100", "10.1000", "10100", "1.5e3", ".100",
        ] {
            assert!(!dotted_thousands(no), "{no}");
        }
    }

    // Slugs start with a lowercase letter or digit and use only a-z, 0-9, _ and -.
    #[test]
    fn slugs() {
        for ok in ["a", "0", "kp_troops-kursk", "9a"] {
            assert!(is_slug(ok), "{ok}");
        }
        for bad in ["", "_a", "-a", "A", "a b", "é", "a.b"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }
}
