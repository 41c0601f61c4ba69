//! The rules one row can break on its own: required cells, types, slugs,
//! qualifier against value/low/high, low ≤ high, `published` against
//! `claimed`. Rules that need other rows or files live in `links.rs`.

use std::path::Path;

use polars::prelude::PlHashMap;

use super::chunks;
use super::table::{Report, Row, Schema, Table};
use crate::data::claims::{Cell, Claims, Record, Window};
use crate::data::number::parse_number;
use crate::data::{DateSpec, Metric, Qualifier, Source, SourceKind, Stated};

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
];
pub const C_ID: usize = 0;
pub const C_METRIC: usize = 1;
const C_CLAIMED: usize = 2;
pub const C_SOURCE: usize = 3;
pub const C_QUALIFIER: usize = 4;
pub const C_VALUE: usize = 5;
pub const C_LOW: usize = 6;
pub const C_HIGH: usize = 7;
const C_DOCUMENT: usize = 8;
const C_OUTLET: usize = 9;
const C_PUBLISHED: usize = 10;
const C_ORIGIN: usize = 11;
const C_QUOTE: usize = 12;
const C_NOTES: usize = 13;

/// Columns of sources.csv.
const SOURCE_COLUMNS: &Schema = &[
    ("id", true),
    ("name", true),
    ("affiliation", true),
    ("kind", false),
    ("reliability", false),
    ("notes", false),
];

const S_NAME: usize = 1;
const S_AFFILIATION: usize = 2;
const S_KIND: usize = 3;
const S_RELIABILITY: usize = 4;
const S_NOTES: usize = 5;

/// Columns of metrics.csv.
const METRIC_COLUMNS: &Schema = &[
    ("id", true),
    ("label", true),
    ("unit", true),
    ("tolerance", false),
    ("description", false),
];
const M_LABEL: usize = 1;
const M_UNIT: usize = 2;
const M_TOLERANCE: usize = 3;
const M_DESCRIPTION: usize = 4;

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

/// The distinct texts of a column, each with a code in order of first use
/// (metric and source ids are interned while loading).
#[derive(Debug, Default)]
pub struct Interner {
    codes: PlHashMap<String, u32>,
    /// The texts, by code.
    pub names: Vec<String>,
}

impl Interner {
    /// The code of `text`, new when first seen.
    pub fn code(&mut self, text: &str) -> u32 {
        if let Some(&code) = self.codes.get(text) {
            return code;
        }
        let code = self.names.len() as u32;
        self.names.push(text.to_owned());
        self.codes.insert(text.to_owned(), code);
        code
    }
}

/// The rows of claims.csv: each row's cells that parsed (metric and source
/// as codes of the interners; links are checked later).
pub struct ClaimRows {
    /// The file as the user named it.
    pub file: String,
    /// The table, to ask which columns its header has.
    pub table: Table,
    /// The rows.
    pub claims: Claims,
    /// The metric cells.
    pub metrics: Interner,
    /// The source cells.
    pub sources: Interner,
}

/// What one chunk of claims.csv parses into.
#[derive(Default)]
struct Chunk {
    claims: Claims,
    metrics: Interner,
    sources: Interner,
    dates: Dates,
}

impl Chunk {
    /// A chunk with room for the rows of `bytes` bytes of CSV (at least
    /// 40 bytes a row; the text cells are never longer than the row).
    fn sized(bytes: usize) -> Chunk {
        Chunk {
            claims: Claims::with_capacity(bytes / 40, bytes),
            ..Chunk::default()
        }
    }
}

/// Reads and checks every row of claims.csv, on several threads when the
/// file is large.
pub fn claims(dir: &Path, report: &mut Report) -> Option<ClaimRows> {
    let mut table = Table::open(dir, "claims.csv", CLAIM_COLUMNS, report)?;
    let chunks = table.rows(report, chunks::parts(), Chunk::sized, claim);
    table.release();
    // Later chunks are appended to the first, which was sized for the
    // whole file (capacity not written to is never touched).
    let mut chunks = chunks.into_iter();
    let Chunk {
        claims: mut all,
        mut metrics,
        mut sources,
        ..
    } = chunks.next().unwrap_or_default();
    for chunk in chunks {
        let offset = all.text.len();
        all.text.push_str(&chunk.claims.text);
        let metric: Vec<u32> = chunk
            .metrics
            .names
            .iter()
            .map(|m| metrics.code(m))
            .collect();
        let source: Vec<u32> = chunk
            .sources
            .names
            .iter()
            .map(|s| sources.code(s))
            .collect();
        let recode =
            |codes: &[u32], code: u32| codes.get(code as usize).copied().unwrap_or(Record::NONE);
        all.records
            .extend(chunk.claims.records.into_iter().map(|mut record| {
                record.text += offset;
                record.metric = recode(&metric, record.metric);
                record.source = recode(&source, record.source);
                record
            }));
    }
    Some(ClaimRows {
        file: table.file.clone(),
        table,
        claims: all,
        metrics,
        sources,
    })
}

/// Reads and checks every row of sources.csv.
pub fn sources(dir: &Path, report: &mut Report) -> Option<Rows<Parsed<Source>>> {
    read(dir, "sources.csv", SOURCE_COLUMNS, report, source)
}

/// Reads and checks every row of metrics.csv.
pub fn metrics(dir: &Path, report: &mut Report) -> Option<Rows<Parsed<Metric>>> {
    read(dir, "metrics.csv", METRIC_COLUMNS, report, metric)
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

/// Checks one claims.csv row and adds it to `chunk`.
fn claim(chunk: &mut Chunk, row: &Row<'_>, report: &mut Report) {
    let claimed_cell = row.required(C_CLAIMED, report);
    let published_cell = row.get(C_PUBLISHED);
    let dates = &mut chunk.dates;
    let claimed_cell = claimed_cell.filter(|text| date(dates, row, C_CLAIMED, text, report));
    let published_cell = published_cell.filter(|text| date(dates, row, C_PUBLISHED, text, report));
    let claimed = claimed_cell.and_then(|text| dates.get(text));
    let published = published_cell.and_then(|text| dates.get(text));
    if let (Some((claimed, claimed_text)), Some((published, published_text))) = (claimed, published)
        && published.end < claimed.start
    {
        let message = format!(
            "\"{published_text}\" ends before the claimed window \"{claimed_text}\" starts \
             (a document cannot report a claim made after it was published)"
        );
        row.error(C_PUBLISHED, message, report);
    }
    let qualifier = row.required(C_QUALIFIER, report).and_then(|text| {
        let parsed = Qualifier::parse(text);
        if parsed.is_none() {
            let expected = Qualifier::ALL.map(Qualifier::as_str).join(", ");
            row.error(
                C_QUALIFIER,
                format!("unknown value \"{text}\" (expected {expected})"),
                report,
            );
        }
        parsed
    });
    let claims = &mut chunk.claims;
    let mut record = Record::new(row.line, claims.text.len());
    record.metric = row
        .required(C_METRIC, report)
        .map_or(Record::NONE, |m| chunk.metrics.code(m));
    record.source = row
        .required(C_SOURCE, report)
        .map_or(Record::NONE, |s| chunk.sources.code(s));
    record.claimed = claimed.map(|(window, _)| *window);
    record.published = published.map(|(window, _)| *window);
    record.stated = qualifier.and_then(|q| stated(row, q, report));
    record.qualifier = qualifier;
    let cells = [
        (Cell::Id, slug(row, report)),
        (Cell::Claimed, claimed.map(|(_, text)| text.as_str())),
        (Cell::Document, row.required(C_DOCUMENT, report)),
        (Cell::Outlet, row.get(C_OUTLET)),
        (Cell::Published, published.map(|(_, text)| text.as_str())),
        (Cell::Origin, row.get(C_ORIGIN)),
        (Cell::Quote, quote(row, report)),
        (Cell::Notes, row.get(C_NOTES)),
    ];
    for (cell, text) in cells {
        claims.push_text(&mut record, cell, text.unwrap_or_default());
    }
    claims.records.push(record);
}

/// The numbers of a claim row, checked against its qualifier.
fn stated(row: &Row<'_>, qualifier: Qualifier, report: &mut Report) -> Option<Stated> {
    let value = number(row, C_VALUE, report);
    let low = number(row, C_LOW, report);
    let high = number(row, C_HIGH, report);
    let shape = |column: usize, wanted: bool, report: &mut Report| {
        let given = row.get(column).is_some();
        let message = match (wanted, given) {
            (true, false) => format!("missing value (required with qualifier {qualifier})"),
            (false, true) if qualifier == Qualifier::Range => {
                "not allowed with qualifier range (give low and high)".to_owned()
            }
            (false, true) => {
                format!("not allowed with qualifier {qualifier} (only with range)")
            }
            _ => return true,
        };
        row.error(column, message, report);
        false
    };
    let range = qualifier == Qualifier::Range;
    let value_ok = shape(C_VALUE, !range, report);
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
    Some(Stated::Range(low, high))
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
    let value = (|| {
        Some(Source {
            id: id?.to_owned(),
            name: name?.to_owned(),
            affiliation: affiliation?.to_owned(),
            kind: kind.ok()?,
            reliability: reliability?,
            notes: row.get(S_NOTES).map(str::to_owned),
            line: row.line,
        })
    })();
    Parsed {
        line: row.line,
        id: id.map(str::to_owned),
        value,
    }
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
    let value = (|| {
        Some(Metric {
            id: id?.to_owned(),
            label: label?.to_owned(),
            unit: unit?.to_owned(),
            tolerance: tolerance?,
            description: row.get(M_DESCRIPTION).map(str::to_owned),
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
fn slug<'a>(row: &Row<'a>, report: &mut Report) -> Option<&'a str> {
    let id = row.required(0, report)?;
    if !is_slug(id) {
        let message = format!(
            "\"{id}\" is not a valid id (expected a slug: a-z or 0-9, then a-z, 0-9, _ or -)"
        );
        row.error(0, message, report);
    }
    Some(id)
}

/// Whether `text` matches `[a-z0-9][a-z0-9_-]*`.
pub fn is_slug(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// The optional number in `column`; reports it when it does not parse.
fn number(row: &Row<'_>, column: usize, report: &mut Report) -> Option<f64> {
    let text = row.get(column)?;
    parse_number(text)
        .map_err(|message| row.error(column, message, report))
        .ok()
}

/// Parsed date specs by cell text, with the spec's text as written: the
/// same few thousand days recur over a million rows, so each is parsed
/// (and its text allocated) once per chunk.
type Dates = PlHashMap<String, (Window, String)>;

/// Whether a date spec cell parses (it is then in `dates`); reports it
/// when it does not.
fn date(dates: &mut Dates, row: &Row<'_>, column: usize, text: &str, report: &mut Report) -> bool {
    if dates.contains_key(text) {
        return true;
    }
    match DateSpec::parse(text) {
        Ok(spec) => {
            dates.insert(text.to_owned(), (Window::of(&spec), spec.text));
            true
        }
        Err(message) => {
            row.error(column, message, report);
            false
        }
    }
}

/// The optional quote; warns when it is missing.
fn quote<'a>(row: &Row<'a>, report: &mut Report) -> Option<&'a str> {
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
