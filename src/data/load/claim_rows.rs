//! Reading claims.csv into compact [`Claims`]: each row checked on its own
//! (the rules are in `rows.rs`), metric and source ids interned, date specs
//! parsed once per distinct text, and the file's chunks (parsed on their
//! own threads, see `chunks.rs`) joined in file order.

use std::path::Path;

use polars::prelude::PlHashMap;

use super::draft::Draft;
use super::rows::{
    C_ALTERNATIVE_OF, C_BASED_ON, C_CLAIMED, C_DOCUMENT, C_METRIC, C_NOTES, C_ORIGIN, C_OUTLET,
    C_PUBLISHED, C_QUALIFIER, C_REFERS_TO, C_RESTATED, C_SOURCE, CLAIM_COLUMNS, quote, repeated,
    slug, stated,
};
use super::table::{Report, Row, Table};
use crate::data::claims::{Claims, Window};
use crate::data::{DateSpec, Qualifier};
use crate::{parallel, timing};

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
    pub claims: Claims<Draft>,
    /// The metric cells.
    pub metrics: Interner,
    /// The source cells.
    pub sources: Interner,
}

/// Memory a claims.csv row costs beyond its bytes: its record (120 bytes)
/// and its share of the id index, dates and links.
const ROW_COST: u64 = 160;

/// What one chunk of claims.csv parses into.
#[derive(Default)]
struct Chunk {
    claims: Claims<Draft>,
    /// A later chunk's rows in blocks of [`BLOCK`] rows, `claims` the last
    /// one: the merge frees each block as soon as it is copied, so a later
    /// chunk is never held twice (at ten million claims that was a gigabyte
    /// more at the load's peak).
    blocks: Vec<Claims<Draft>>,
    /// Whether rows go in blocks (a later chunk) or all in `claims` (the
    /// first, which the others are appended to).
    blocked: bool,
    metrics: Interner,
    sources: Interner,
    dates: Dates,
}

/// Rows in a block of a later chunk.
const BLOCK: usize = 1 << 15;

impl Chunk {
    /// The first chunk, with room for `rows` rows of `bytes` bytes of CSV
    /// (the text cells are never longer than the row). Room is address
    /// space even where it is never written to, which a limit (`ulimit
    /// -v`) counts: a guess of 40 bytes a row reserved three times the
    /// file.
    fn sized(rows: usize, bytes: usize) -> Chunk {
        Chunk {
            claims: Claims::with_capacity(rows, bytes),
            ..Chunk::default()
        }
    }

    /// A later chunk, its rows in blocks.
    fn blocked() -> Chunk {
        Chunk {
            claims: Claims::with_capacity(BLOCK, 0),
            blocked: true,
            ..Chunk::default()
        }
    }

    /// Starts a new block when the current one is full.
    fn next_block(&mut self) {
        if self.blocked && self.claims.records.len() >= BLOCK {
            let full = std::mem::replace(&mut self.claims, Claims::with_capacity(BLOCK, 0));
            self.blocks.push(full);
        }
    }

    /// Every block, in row order.
    fn into_blocks(mut self) -> Vec<Claims<Draft>> {
        self.blocks.push(self.claims);
        self.blocks
    }
}

/// Reads and checks every row of claims.csv, on several threads when the
/// file is large.
pub fn claims(dir: &Path, report: &mut Report) -> Option<ClaimRows> {
    let read = timing::phase("read claims.csv");
    let mut table = Table::open(dir, "claims.csv", CLAIM_COLUMNS, report)?;
    drop(read);
    // At most one row a line (a CR alone ends one too, where there is one).
    let lines = table.lines;
    let bytes = table.len();
    // The file, its text cells, and a record and its share of the indexes
    // a row (measured: 150 MB of one short row repeated took 590 MB).
    let needed = 2 * bytes as u64 + lines as u64 * ROW_COST;
    if let Err(message) = crate::input::afford(needed) {
        report.error(&table.file, 0, "", message);
        return None;
    }
    let parse = timing::phase("parse claims.csv");
    // The first chunk (the only one given the whole file's bytes) is sized
    // for the rows the file can hold, no more than its lines; the others
    // are appended to it (see below).
    let sized = |expect: usize| {
        if expect == bytes {
            Chunk::sized((bytes / 20 + 1).min(lines), bytes)
        } else {
            Chunk::blocked()
        }
    };
    let chunks = table.rows(report, parallel::cores(), sized, claim);
    drop(parse);
    let _merge = timing::phase("merge chunks");
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
    // Each later chunk's interned codes in the first's.
    let recodes: Vec<(Vec<u32>, Vec<u32>)> = chunks
        .as_slice()
        .iter()
        .map(|chunk| {
            let metric = chunk.metrics.names.iter().map(|m| metrics.code(m));
            let source = chunk.sources.names.iter().map(|s| sources.code(s));
            (metric.collect(), source.collect())
        })
        .collect();
    // Every block of the later chunks, in row order, with its chunk and
    // the offset its text will have.
    let mut offset = all.text.len();
    let mut texts = Vec::new();
    let mut blocks = Vec::new();
    for (k, chunk) in chunks.enumerate() {
        for block in chunk.into_blocks() {
            blocks.push((k, offset, block.records));
            offset += block.text.len();
            texts.push(block.text);
        }
    }
    // The text and the records are copied at once, on two threads, each
    // block freed once copied.
    let Claims { text, records, .. } = &mut all;
    crate::parallel::join(
        || {
            for block in texts {
                text.push_str(&block);
            }
        },
        || {
            for (k, offset, block) in blocks {
                let (metric, source) = &recodes[k];
                let recode = |codes: &[u32], code: u32| {
                    codes.get(code as usize).copied().unwrap_or(Draft::NONE)
                };
                records.extend(block.iter().map(|draft| {
                    let mut cells = draft.cells;
                    cells.text += offset;
                    Draft {
                        cells,
                        metric: recode(metric, draft.metric),
                        source: recode(source, draft.source),
                        ..draft.clone()
                    }
                }));
            }
        },
    );
    Some(ClaimRows {
        file: table.file.clone(),
        table,
        claims: all,
        metrics,
        sources,
    })
}

/// Checks one claims.csv row and adds it to `chunk`.
fn claim(chunk: &mut Chunk, row: &Row<'_>, report: &mut Report) {
    // A repeat may leave what its origin states empty: `links` fills it in
    // from the origin (and compares what is given).
    let repeat = row.get(C_ORIGIN).is_some();
    let restated = match row.get(C_RESTATED) {
        None => false,
        Some("yes") if repeat => true,
        Some("yes") => {
            let message = "\"yes\" on a claim without origin (restated marks a repeat that \
                           words its origin's claim differently: give origin, or leave \
                           restated empty)"
                .to_owned();
            row.error(C_RESTATED, message, report);
            false
        }
        Some(text) => {
            let message = format!(
                "unknown value \"{text}\" (expected yes, or empty: yes when a repeat words \
                 its origin's claim differently)"
            );
            row.error(C_RESTATED, message, report);
            false
        }
    };
    if repeat && row.get(C_ALTERNATIVE_OF).is_some() {
        let message = "a repeat cannot be an alternative (its origin's claim is what it \
                       reports): leave alternative_of empty, or origin"
            .to_owned();
        row.error(C_ALTERNATIVE_OF, message, report);
    }
    if repeat && row.get(C_BASED_ON).is_some() {
        let message = "a repeat is derived only as its origin is (give based_on on the \
                       origin claim): leave based_on empty, or origin"
            .to_owned();
        row.error(C_BASED_ON, message, report);
    }
    // A restated repeat gives its own wording: qualifier and numbers.
    let stated_cell = |column: usize, report: &mut Report| {
        if repeat && !(restated && column == C_QUALIFIER) {
            row.get(column)
        } else {
            row.required(column, report)
        }
    };
    let dates = &mut chunk.dates;
    let claimed =
        stated_cell(C_CLAIMED, report).and_then(|text| date(dates, row, C_CLAIMED, text, report));
    let published = row
        .get(C_PUBLISHED)
        .and_then(|text| date(dates, row, C_PUBLISHED, text, report));
    let refers = row
        .get(C_REFERS_TO)
        .and_then(|text| date(dates, row, C_REFERS_TO, text, report));
    if let (Some((claimed, claimed_text)), Some((refers, refers_text))) = (claimed, refers)
        && refers.end > claimed.end
    {
        let message = format!(
            "\"{refers_text}\" ends after the claimed window \"{claimed_text}\" (a claim \
             describes the past or the present, not a forecast)"
        );
        row.error(C_REFERS_TO, message, report);
    }
    if let (Some((claimed, claimed_text)), Some((published, published_text))) = (claimed, published)
        && published.end < claimed.start
    {
        let message = format!(
            "\"{published_text}\" ends before the claimed window \"{claimed_text}\" starts \
             (a document cannot report a claim made after it was published)"
        );
        row.error(C_PUBLISHED, message, report);
    }
    if let Some((claimed, claimed_text)) = claimed
        && claimed.start > crate::data::datespec::today()
    {
        let message = format!(
            "\"{claimed_text}\" is after today (a claim is recorded once it is made; a typo in \
             the year?): until it is fixed it sets every report's default as-of day"
        );
        row.warning(C_CLAIMED, message, report);
    }
    let qualifier = stated_cell(C_QUALIFIER, report).and_then(|text| {
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
    let metric = stated_cell(C_METRIC, report).map_or(Draft::NONE, |m| chunk.metrics.code(m));
    let source = stated_cell(C_SOURCE, report).map_or(Draft::NONE, |s| chunk.sources.code(s));
    let stated = match qualifier {
        Some(qualifier) if restated => stated(row, qualifier, report),
        _ if repeat => repeated(row, qualifier, report),
        Some(qualifier) => stated(row, qualifier, report),
        None => None,
    };
    // In `Cell` order.
    let cells = [
        slug(row, report),
        claimed.map(|(_, text)| text),
        row.required(C_DOCUMENT, report),
        row.get(C_OUTLET),
        published.map(|(_, text)| text),
        row.get(C_ORIGIN),
        quote(row, report),
        row.get(C_NOTES),
        refers.map(|(_, text)| text),
        row.get(C_ALTERNATIVE_OF),
        row.get(C_BASED_ON),
    ];
    let claims = &mut chunk.claims;
    let draft = Draft {
        metric,
        source,
        claimed: claimed.map(|(window, _)| window),
        published: published.map(|(window, _)| window),
        refers: refers.map(|(window, _)| window),
        derived: row.get(C_BASED_ON).is_some(),
        restated,
        qualifier,
        stated,
        ..Draft::new(
            row.line,
            claims.push_cells(cells.map(Option::unwrap_or_default)),
        )
    };
    claims.records.push(draft);
    chunk.next_block();
}

/// Parsed date spec windows by cell text: the same few thousand specs
/// recur over a million rows, so each is parsed once per chunk.
type Dates = PlHashMap<String, Window>;

/// The window of a date spec cell and the spec as written (the cell
/// trimmed, as [`DateSpec::parse`] keeps it); reports the cell when it does
/// not parse. A plain day or window of days, the common cases, is computed
/// without the cache.
fn date<'a>(
    dates: &mut Dates,
    row: &Row<'_>,
    column: usize,
    text: &'a str,
    report: &mut Report,
) -> Option<(Window, &'a str)> {
    let text = text.trim();
    let plain = DateSpec::plain_window(text).map(|(start, end)| Window {
        start,
        end,
        approximate: false,
        uncertain: false,
    });
    if let Some(window) = plain.or_else(|| dates.get(text).copied()) {
        return Some((window, text));
    }
    match DateSpec::parse(text) {
        Ok(spec) => {
            let window = Window::of(&spec);
            dates.insert(text.to_owned(), window);
            Some((window, text))
        }
        Err(message) => {
            row.error(column, message, report);
            None
        }
    }
}
