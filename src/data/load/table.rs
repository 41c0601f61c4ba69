//! One CSV file as a table: read it whole, reject what is not a CSV file we
//! can read (missing, empty, not UTF-8), map its header onto a schema, and
//! hand out its rows with the physical line each starts on. Problems go to a
//! [`Report`]; nothing here stops at the first one.

use std::io::ErrorKind;
use std::path::Path;

use csv::{ByteRecord, StringRecord};

use super::stream::Stream;
use super::{chunks, quoting};
use crate::data::{Diagnostic, Severity};
use crate::error::bounded;
use crate::{input, parallel};

/// The diagnostics collected so far, across all files.
#[derive(Debug, Default)]
pub struct Report {
    /// Every diagnostic, in the order found.
    pub list: Vec<Diagnostic>,
    /// Diagnostics counted but not kept, by file, with the worst severity
    /// among them: a check that finds more than can be listed keeps its
    /// first ones by line (the only ones a listing could show) and counts
    /// the rest here.
    pub unlisted: Vec<(String, usize, Severity)>,
}

/// How many diagnostics a report holds before it keeps only the first
/// ones of each file by line and counts the rest: a file of a million bad
/// rows made millions of messages (1.9 GB for 150 MB of one repeated row)
/// where at most [`LISTED_PER_FILE`](super::LISTED_PER_FILE) per file are
/// ever shown.
const COMPACT_AT: usize = 4096;

impl Report {
    /// Records an error.
    pub fn error(&mut self, file: &str, line: usize, column: &str, message: String) {
        self.push(file, line, column, message, Severity::Error);
    }

    /// Records a warning.
    pub fn warning(&mut self, file: &str, line: usize, column: &str, message: String) {
        self.push(file, line, column, message, Severity::Warning);
    }

    fn push(&mut self, file: &str, line: usize, column: &str, message: String, s: Severity) {
        self.list.push(Diagnostic {
            file: file.to_owned(),
            line,
            // A header cell can be 64 MB: the column is cut like the message.
            column: bounded(column),
            message: bounded(&message),
            severity: s,
        });
        if self.list.len() >= COMPACT_AT {
            self.compact();
        }
    }

    /// Adds what another report (a part of a file read on another core)
    /// found.
    pub fn merge(&mut self, other: Report) {
        self.list.extend(other.list);
        self.unlisted.extend(other.unlisted);
        if self.list.len() >= COMPACT_AT {
            self.compact();
        }
    }

    /// Keeps the first [`LISTED_PER_FILE`](super::LISTED_PER_FILE)
    /// diagnostics of each file by line (the only ones a listing shows) and
    /// counts the rest in `unlisted`, with their worst severity, so an error
    /// among them still fails the check.
    fn compact(&mut self) {
        self.list.sort();
        let mut kept = Vec::new();
        for file in self.list.chunk_by(|a, b| a.file == b.file) {
            let (shown, rest) = file.split_at(file.len().min(super::LISTED_PER_FILE));
            kept.extend_from_slice(shown);
            if let Some(worst) = rest.iter().map(|d| d.severity).min() {
                self.unlisted
                    .push((file[0].file.clone(), rest.len(), worst));
            }
        }
        self.list = kept;
    }
}

/// A file's columns: name and whether it is required, in the docs' order.
pub type Schema = [(&'static str, bool)];

/// A readable CSV file with its header mapped onto a schema.
pub struct Table {
    /// The file as the user named it (`data/claims.csv`).
    pub file: String,
    /// The schema the header was mapped onto.
    schema: &'static Schema,
    /// The bytes after any BOM; known to be UTF-8.
    pub(super) data: Vec<u8>,
    /// For each schema column, its position in the header, if present.
    index: Vec<Option<usize>>,
    /// For each header position, its schema column, if any (the inverse
    /// of `index`: each row's cells are sorted into schema order in one
    /// pass over the row).
    columns: Vec<Option<usize>>,
    /// How many cells the header has.
    pub(super) width: usize,
    /// Whether a CR alone ends a line somewhere: the csv crate counts only
    /// `\n`, so lines are then counted by `quoting::breaks` instead.
    pub(super) lone_cr: bool,
    /// A large file is read window by window as its rows are parsed, not
    /// held in `data` (which then holds nothing).
    pub(super) stream: Option<Stream>,
    /// At most how many rows the file holds: one a physical line.
    pub(super) lines: usize,
}

impl Table {
    /// Reads `dir/name`; reports file and header problems. `None` when the
    /// file cannot be read as CSV at all (the rows cannot be checked).
    pub fn open(
        dir: &Path,
        name: &str,
        schema: &'static Schema,
        report: &mut Report,
    ) -> Option<Table> {
        let file = dir.join(name).display().to_string();
        // A large file is streamed when its first window holds the whole
        // header and the first pass found it UTF-8 without a lone CR;
        // otherwise (and for small files) it is read whole, and the checks
        // below say what is wrong with it.
        let stream = Stream::at(&dir.join(name), 2 * chunks::CHUNK, parallel::cores());
        let head = stream.as_ref().and_then(|stream| {
            let mut head = vec![0u8; stream.len.min(HEAD)];
            stream.read(0, &mut head)?;
            let cut = memchr::memrchr(b'\n', &head)? + 1;
            head.truncate(cut);
            header_within(&head).then_some(head)
        });
        let (stream, read) = match (stream, head) {
            (Some(stream), Some(head)) => (Some(stream), Ok(head)),
            _ => (None, read(&dir.join(name))),
        };
        let mut data = match read {
            Ok(data) => data,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                report.error(&file, 0, "", "file not found".into());
                return None;
            }
            // Refused by `input` (a FIFO, a device, too large, no memory
            // left for it): it says why.
            Err(e) if matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::OutOfMemory) => {
                report.error(&file, 0, "", e.to_string());
                return None;
            }
            Err(e) => {
                report.error(&file, 0, "", format!("cannot read: {e}"));
                return None;
            }
        };
        if data.starts_with(b"\xEF\xBB\xBF") {
            data.drain(..3);
        }
        if let Err(e) = std::str::from_utf8(&data) {
            let (line, column) = line_and_column(&data, e.valid_up_to());
            let byte = data.get(e.valid_up_to()).copied().unwrap_or_default();
            let message =
                format!("not UTF-8 (byte 0x{byte:02X} at column {column}; save the file as UTF-8)");
            report.error(&file, line, "", message);
            return None;
        }
        let expected = schema
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(", ");
        let mut reader = reader(&data);
        let mut header = ByteRecord::new();
        if data.trim_ascii().is_empty() || !matches!(reader.read_byte_record(&mut header), Ok(true))
        {
            report.error(
                &file,
                0,
                "",
                format!("empty file (expected a header row: {expected})"),
            );
            return None;
        }
        // A header with malformed quoting is not a header one can map (an
        // unclosed quote takes in the whole file): that one error is all.
        let start = header.position().map_or(0, |p| p.byte() as usize);
        // Past the blank lines the csv crate skipped before the header.
        let blank = data.get(start..).unwrap_or_default();
        let start = start
            + blank
                .iter()
                .take_while(|&&b| matches!(b, b'\r' | b'\n'))
                .count();
        // The header's physical line: 1, or later past blank lines.
        let header_line = line_and_column(&data, start).0;
        let end = (reader.position().byte() as usize).min(data.len());
        let raw = data.get(start..end).unwrap_or_default();
        if let Some(problem) = quoting::malformed(raw) {
            let (line, message) = quoting::describe(problem, raw, header_line);
            report.error(&file, line, "", message);
            return None;
        }
        let names: Vec<&str> = header
            .iter()
            .map(|cell| std::str::from_utf8(cell.trim_ascii()).unwrap_or_default())
            .collect();
        // Excel saves "CSV" with `;` where the decimal comma is the custom:
        // the header is then one cell, and every row would be reported.
        if let [only] = names[..]
            && only.contains(';')
        {
            let message = "the file is separated by semicolons, not commas (Excel's European \
                           default): save it as CSV, comma-separated"
                .to_owned();
            report.error(&file, header_line, "", message);
            return None;
        }
        let columns = || schema.iter().map(|(column, _)| *column);
        let near = |name: &str| crate::error::nearest(name, columns());
        // Not the file it should be (a link to another file, say): one
        // line, and none of the header quoted, which may be anything.
        let expected_somewhere = |name: &&str| {
            columns().any(|c| c == *name) || name.starts_with("x_") || near(name).is_some()
        };
        if !names.iter().any(expected_somewhere) {
            let message = format!(
                "header names none of the expected columns (expected {expected}): is this a {name}?"
            );
            report.error(&file, header_line, "", message);
            return None;
        }
        // Another of the three files shares a column or two (`id`, `notes`)
        // but lacks most of this one's required columns: the same one line,
        // not a missing column each and a problem per row.
        let required: Vec<&str> = schema.iter().filter(|c| c.1).map(|c| c.0).collect();
        let given = |column: &&str| {
            names
                .iter()
                .any(|name| name == column || near(name) == Some(*column))
        };
        let missing: Vec<&str> = required.iter().filter(|c| !given(c)).copied().collect();
        if missing.len() * 2 > required.len() {
            let message = format!(
                "header lacks {} of the {} required columns ({}): is this a {name}? \
                 (expected {expected})",
                missing.len(),
                required.len(),
                missing.join(", ")
            );
            report.error(&file, header_line, "", message);
            return None;
        }
        let mut index = vec![None; schema.len()];
        let mut unknown = Vec::new();
        for (position, &name) in names.iter().enumerate() {
            let known = schema.iter().position(|(column, _)| *column == name);
            match known {
                _ if name.is_empty() => {
                    let message = format!("column {} has no name", position + 1);
                    report.error(&file, header_line, "", message);
                }
                Some(k) => match index[k] {
                    Some(first) => {
                        let message = format!(
                            "duplicate column (columns {} and {})",
                            first + 1,
                            position + 1
                        );
                        report.error(&file, header_line, name, message);
                    }
                    None => index[k] = Some(position),
                },
                None if name.starts_with("x_") => {}
                None => unknown.push((position, name)),
            }
        }
        // A name that differs from a missing column by case or a typo is
        // that column: one hint, and its cells are checked as that column's
        // (rather than "required column is missing" and an error per row).
        for (position, name) in unknown {
            let hint = near(name).and_then(|column| {
                let k = schema.iter().position(|(c, _)| *c == column)?;
                index[k].is_none().then(|| {
                    index[k] = Some(position);
                    column
                })
            });
            let message = match hint {
                Some(column) => format!("unknown column (did you mean \"{column}\"?)"),
                None => {
                    format!("unknown column (expected {expected}, or a name starting with x_)")
                }
            };
            report.error(&file, header_line, name, message);
        }
        for ((name, required), at) in schema.iter().zip(&index) {
            if *required && at.is_none() {
                report.error(
                    &file,
                    header_line,
                    name,
                    "required column is missing".into(),
                );
            }
        }
        let width = header.len();
        let (data, lone_cr, lines) = match &stream {
            // The stream's first pass found no lone CR (or it would not
            // be streamed).
            Some(stream) => (Vec::new(), false, 1 + stream.newlines()),
            None => {
                let lone_cr = quoting::has_lone_cr(&data);
                let breaks = |byte| memchr::memchr_iter(byte, &data).count();
                let lines = 1 + breaks(b'\n') + if lone_cr { breaks(b'\r') } else { 0 };
                (data, lone_cr, lines)
            }
        };
        let mut columns = vec![None; width];
        for (column, at) in index.iter().enumerate() {
            if let Some(slot) = at.and_then(|at| columns.get_mut(at)) {
                *slot = Some(column);
            }
        }
        Some(Table {
            file,
            schema,
            data,
            index,
            columns,
            width,
            lone_cr,
            stream,
            lines,
        })
    }

    /// The data's length in bytes (the file's, without a BOM).
    pub fn len(&self) -> usize {
        self.stream.as_ref().map_or(self.data.len(), |s| s.len)
    }

    /// Frees the file's bytes once its rows have been read (files may be
    /// hundreds of megabytes); the header map stays for [`Table::has`].
    pub fn release(&mut self) {
        crate::parallel::drop_in_background(std::mem::take(&mut self.data));
    }

    /// The schema name of the header's cell at `position` ("" for an
    /// `x_` column or one beyond the header).
    pub(super) fn header_name(&self, position: usize) -> &'static str {
        self.index
            .iter()
            .position(|&at| at == Some(position))
            .and_then(|k| self.schema.get(k))
            .map_or("", |(name, _)| name)
    }

    /// Whether the header has schema column `column`.
    pub fn has(&self, column: usize) -> bool {
        self.index.get(column).is_some_and(Option::is_some)
    }
}

/// The most columns a schema has (a row keeps its cells in an array of
/// this size).
const MAX_COLUMNS: usize = 24;

const _: () = assert!(
    super::rows::CLAIM_COLUMNS.len() <= MAX_COLUMNS
        && super::rows::SOURCE_COLUMNS.len() <= MAX_COLUMNS
        && super::rows::METRIC_COLUMNS.len() <= MAX_COLUMNS
        && super::rows::EVENT_COLUMNS.len() <= MAX_COLUMNS
);

/// One data row of a [`Table`].
pub struct Row<'a> {
    table: &'a Table,
    /// The trimmed non-empty cell of each schema column, found once: a
    /// claims.csv row asks for its cells about 25 times, and finding and
    /// trimming each cell every time was a tenth of a million-row load.
    cells: [Option<&'a str>; MAX_COLUMNS],
    /// The physical line the row starts on.
    pub line: usize,
    /// Only the id cell is read: the row's quoting is malformed, so its
    /// other cells are not what the user wrote (and were not checked).
    id_only: bool,
}

impl<'a> Row<'a> {
    /// Row `record` of `table`, starting on physical line `line`.
    pub(super) fn new(table: &'a Table, record: &'a StringRecord, line: usize) -> Row<'a> {
        let mut cells = [None; MAX_COLUMNS];
        for (cell, column) in record.iter().zip(&table.columns) {
            let cell = cell.trim_ascii();
            if let Some(slot) = column.and_then(|c| cells.get_mut(c))
                && !cell.is_empty()
            {
                *slot = Some(cell);
            }
        }
        Row {
            table,
            cells,
            line,
            id_only: false,
        }
    }

    /// Row `record` of which only the id cell is read (see `id_only`).
    pub(super) fn id_only(table: &'a Table, record: &'a StringRecord, line: usize) -> Row<'a> {
        Row {
            id_only: true,
            ..Row::new(table, record, line)
        }
    }

    /// The trimmed cell of schema column `column`; `None` when the column
    /// is absent or the cell is empty (empty = missing).
    pub fn get(&self, column: usize) -> Option<&'a str> {
        if self.id_only && column != 0 {
            return None;
        }
        self.cells.get(column).copied().flatten()
    }

    /// The cell of a required column; reports it when empty. An absent
    /// column was already reported at the header, so it is not repeated.
    pub fn required(&self, column: usize, report: &mut Report) -> Option<&'a str> {
        let cell = self.get(column);
        if cell.is_none() && self.table.has(column) {
            self.error(column, "missing value (required)".into(), report);
        }
        cell
    }

    /// Reports an error in schema column `column` of this row.
    pub fn error(&self, column: usize, message: String, report: &mut Report) {
        report.error(&self.table.file, self.line, self.name(column), message);
    }

    /// Reports a warning in schema column `column` of this row.
    pub fn warning(&self, column: usize, message: String, report: &mut Report) {
        report.warning(&self.table.file, self.line, self.name(column), message);
    }

    fn name(&self, column: usize) -> &'static str {
        self.table.schema.get(column).map_or("", |(name, _)| name)
    }
}

/// The bytes of the file at `path`: a regular file of at most
/// [`input::DATA_LIMIT`] bytes (a FIFO or a link to `/dev/zero` is refused,
/// never read). A large file is read in parts, one thread each, straight
/// into one buffer: copying 100 MB out of the page cache (and faulting in
/// the pages it lands on) is a good part of a million-row load, and both
/// halves go at once.
fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let (file, len) = input::open(path, input::DATA_LIMIT)?;
    let parts = parallel::cores();
    let plain = || input::read(path, input::DATA_LIMIT);
    let Ok(len) = usize::try_from(len) else {
        return plain();
    };
    if parts < 2 || len < 2 * chunks::CHUNK {
        return plain();
    }
    // Zeroed by the allocator (fresh pages, not written here: writing the
    // zeros cost 37 ms at 1M claims); a file larger than the memory left
    // is refused first, as an allocation that fails would abort.
    if input::afford(len as u64).is_err() {
        return Err(input::out_of_memory(len as u64));
    }
    let mut data = vec![0u8; len];
    let size = len.div_ceil(parts);
    let parts: Vec<(usize, &mut [u8])> = data.chunks_mut(size).enumerate().collect();
    let read_all = parallel::map(parts, |(k, part)| {
        file.read_exact_at(part, (k * size) as u64)
    })
    .iter()
    .all(Result::is_ok);
    // The file changed size while it was read or a read failed: read it
    // the plain way, which reports a real error as such.
    if !read_all || file.metadata()?.len() != len as u64 {
        return plain();
    }
    Ok(data)
}

/// How much of a streamed file is read to find its header.
const HEAD: usize = 1 << 20;

/// Whether `head`, the start of a file cut after a line end, holds its
/// whole header row (so the header checks can read it there): a non-blank
/// row that ends before `head` does, or a header longer than that is read
/// from the whole file.
fn header_within(head: &[u8]) -> bool {
    let mut reader = reader(head);
    let mut header = ByteRecord::new();
    !head.trim_ascii().is_empty()
        && matches!(reader.read_byte_record(&mut header), Ok(true))
        && (reader.position().byte() as usize) < head.len()
}

/// A csv reader that leaves header handling, cell counts and UTF-8 to us.
pub(super) fn reader(data: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data)
}

/// The 1-based physical line and byte column of byte `at` (a CR alone
/// ends a line too).
fn line_and_column(data: &[u8], at: usize) -> (usize, usize) {
    let before = &data[..at.min(data.len())];
    let line = 1 + quoting::breaks(before, data.get(at).copied());
    let column = 1 + before
        .iter()
        .rev()
        .take_while(|&&b| b != b'\n' && b != b'\r')
        .count();
    (line, column)
}

// Tests unwrap literals: a panic is how a test reports failure.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    // A file large enough to be read in parts reads as one read does.
    #[test]
    fn large_files_read_in_parts_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        let bytes: Vec<u8> = (0..2 * chunks::CHUNK + 12_345)
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read(&path).unwrap(), bytes);
        assert_eq!(
            read(&dir.path().join("none")).unwrap_err().kind(),
            ErrorKind::NotFound
        );
    }

    // Lines and columns are 1-based and count every newline before the byte.
    #[test]
    fn lines_and_columns() {
        assert_eq!(line_and_column(b"ab\ncd\xff", 5), (2, 3));
        assert_eq!(line_and_column(b"\xff", 0), (1, 1));
        assert_eq!(line_and_column(b"a\rb\r\ncd\xff", 7), (3, 3));
    }
}
