//! Parsing a table's rows in chunks, one thread each: where to cut a large
//! CSV file, and [`Table::rows`], which parses the chunks and joins them.
//!
//! A cut is only a guess: the first byte of a line, just after a `\n`. It
//! is wrong when that `\n` is inside a quoted cell. The guess is checked
//! by the chunk before it, which parses from a known row start (the first
//! chunk starts at the file's start) and must find a row starting exactly
//! at the cut; csv parsing from a row start does not depend on anything
//! before it, so the next chunk then parses exactly what one sequential
//! pass would. When the check fails, that chunk reads on to the end of the
//! file and the later chunks are dropped: a wrong guess costs time, never
//! correctness. Line numbers stay exact because each chunk adds the `\n`
//! bytes before its start (the csv crate counts lines the same way).

use csv::StringRecord;

use super::quoting::{self, Malformed};
use super::stream::Stream;
use super::table::{Report, Row, Table, reader};

/// The least chunk worth a thread of its own (bytes).
pub const CHUNK: usize = 4 << 20;

impl Table {
    /// Calls `each` for every data row that has a non-empty cell, in file
    /// order within each chunk; reports rows whose cell count differs from
    /// the header's. Files over [`CHUNK`] bytes are cut into up to `parts`
    /// chunks parsed on their own threads, each with a state from `init`;
    /// the states come back in file order (see `chunks` for why the cuts
    /// are exact).
    pub fn rows<S: Send>(
        &self,
        report: &mut Report,
        parts: usize,
        init: impl Fn(usize) -> S + Sync,
        each: impl Fn(&mut S, &Row<'_>, &mut Report) + Sync,
    ) -> Vec<S> {
        match &self.stream {
            Some(stream) => self.rows_streamed(stream, report, parts, WINDOW, init, each),
            None => self.rows_in_chunks(report, parts, CHUNK, init, each),
        }
    }

    /// [`Table::rows`] of a file read window by window (`window` bytes at a
    /// time, more for a row longer than that), each part of the stream on
    /// its own thread. A file that changed while it was read is reported:
    /// what was read of it is no one version of it.
    pub fn rows_streamed<S: Send>(
        &self,
        stream: &Stream,
        report: &mut Report,
        parts: usize,
        window: usize,
        init: impl Fn(usize) -> S + Sync,
        each: impl Fn(&mut S, &Row<'_>, &mut Report) + Sync,
    ) -> Vec<S> {
        let chosen: Vec<(usize, usize)> = if parts >= stream.parts.len().saturating_sub(1) {
            stream.parts.clone()
        } else {
            let ends = [stream.parts.first(), stream.parts.last()];
            ends.into_iter().flatten().copied().collect()
        };
        let (starts, lines): (Vec<usize>, Vec<usize>) = chosen.into_iter().unzip();
        let states = self.in_parts(&starts, report, init, each, |k, stop, local, each| {
            self.streamed(stream, (starts[k], lines[k]), window, stop, local, each)
        });
        if !stream.unchanged() {
            let message = "changed while it was read (saved by another program meanwhile?): \
                           build again"
                .to_owned();
            report.error(&self.file, 0, "", message);
        }
        states
    }

    /// Parses the rows that start in the part from `start` (on the line
    /// after `lines` line ends) to `stop`, as [`Table::chunk`] does, reading
    /// the stream a window at a time; `None` when a read fails.
    fn streamed(
        &self,
        stream: &Stream,
        (start, lines): (usize, usize),
        window: usize,
        stop: &mut Option<usize>,
        report: &mut Report,
        mut each: impl FnMut(&Row<'_>, &mut Report),
    ) -> Option<Outcome> {
        let (mut at, mut lines_before, mut size) = (start, lines, window.max(1));
        let mut buf: Vec<u8> = Vec::new();
        loop {
            let want = size.min(stream.len - at);
            if buf.len() < want {
                buf.resize(want, 0);
            }
            stream.read(at, &mut buf[..want])?;
            // A window ends after a line end (or at the data's end), so a
            // character or a CRLF is never cut.
            let cut = if at + want == stream.len {
                want
            } else if let Some(newline) = memchr::memrchr(b'\n', &buf[..want]) {
                newline + 1
            } else {
                size = size.saturating_mul(2);
                continue;
            };
            let bytes = &buf[..cut];
            let window = Window {
                bytes,
                start: at,
                lines_before,
                len: stream.len,
            };
            match self.chunk(window, stop, report, &mut each) {
                Outcome::More(next) if next == at => size = size.saturating_mul(2),
                Outcome::More(next) => {
                    lines_before += newlines(&bytes[..next - at]);
                    at = next;
                }
                outcome => return Some(outcome),
            }
        }
    }

    /// [`Table::rows`] with the least chunk size given (tests cut tiny files).
    pub fn rows_in_chunks<S: Send>(
        &self,
        report: &mut Report,
        parts: usize,
        least: usize,
        init: impl Fn(usize) -> S + Sync,
        each: impl Fn(&mut S, &Row<'_>, &mut Report) + Sync,
    ) -> Vec<S> {
        // Lines a CR alone ends are counted row by row from the file's
        // start (see `chunk`), so such a file is one chunk.
        let bounds = if self.lone_cr {
            vec![0, self.data.len()]
        } else {
            bounds(&self.data, parts, least)
        };
        self.in_parts(&bounds, report, init, each, |k, stop, local, each| {
            let start = bounds[k];
            let window = Window {
                bytes: self.data.get(start..).unwrap_or_default(),
                start,
                lines_before: newlines(&self.data[..start]),
                len: self.data.len(),
            };
            Some(self.chunk(window, stop, local, each))
        })
    }

    /// Parses the parts starting at `starts` (the data's length last), each
    /// on its own thread by `parse`, with a state from `init` — the first
    /// sized for the whole data: the others are appended to it, and a
    /// missed cut makes it read on — and joins their states and reports in
    /// order. A part that read on to the end of the file (`ToTheEnd`) ends
    /// the list: the later parts started mid-record. A part whose read
    /// failed (`None`) ends it with an error.
    fn in_parts<S: Send>(
        &self,
        starts: &[usize],
        report: &mut Report,
        init: impl Fn(usize) -> S + Sync,
        each: impl Fn(&mut S, &Row<'_>, &mut Report) + Sync,
        parse: impl Fn(usize, &mut Option<usize>, &mut Report, &mut Each<'_>) -> Option<Outcome> + Sync,
    ) -> Vec<S> {
        let len = starts.last().copied().unwrap_or(0);
        let run = |k: usize| {
            let expect = if k == 0 {
                len
            } else {
                starts[k + 1] - starts[k]
            };
            let mut state = init(expect);
            let mut local = Report::default();
            let mut stop = (k + 2 < starts.len()).then(|| starts[k + 1]);
            let outcome = parse(k, &mut stop, &mut local, &mut |row, r| {
                each(&mut state, row, r)
            });
            (state, local, outcome)
        };
        let results = crate::parallel::map((0..starts.len().saturating_sub(1)).collect(), run);
        let mut states = Vec::with_capacity(results.len());
        for (state, local, outcome) in results {
            let Some(outcome) = outcome else {
                let message = "cannot read: the file could not be read again".to_owned();
                report.error(&self.file, 0, "", message);
                return states;
            };
            states.push(state);
            report.merge(local);
            if outcome == Outcome::ToTheEnd {
                break;
            }
        }
        states
    }

    /// Parses the rows of `window` that start before `stop` (all of them
    /// when `stop` is `None`, or once a row starts past it: the cut was
    /// wrong, and the parse reads on to the end of the file). A row that
    /// reaches the end of a window that is not the data's end may go on
    /// past it: it is left for the next window, which starts where the
    /// last row taken ended ([`Outcome::More`]).
    fn chunk(
        &self,
        window: Window<'_>,
        stop: &mut Option<usize>,
        report: &mut Report,
        mut each: impl FnMut(&Row<'_>, &mut Report),
    ) -> Outcome {
        let (data, start, lines_before) = (window.bytes, window.start, window.lines_before);
        let whole = start + data.len() == window.len;
        let mut reader = reader(data);
        // A StringRecord checks UTF-8 once per row (the file is known to be
        // UTF-8, so this never fails) and then hands out &str cells without
        // checking each again.
        let mut record = StringRecord::new();
        let mut header = start == 0;
        // With CRs alone ending lines: the byte and line of the last row
        // start, from which the next row's line is counted.
        let mut counted = (start, 1 + lines_before);
        // Where the last row taken (or skipped) ends.
        let mut taken = start;
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) if whole => break,
                Ok(false) => return Outcome::More(taken),
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line() as usize + lines_before);
                    report.error(&self.file, line, "", format!("cannot read: {e}"));
                    break;
                }
            }
            let (at, mut line) = window.start_of(&record);
            if let Some(end) = *stop {
                if at == end {
                    return Outcome::AtCut;
                }
                if at > end {
                    *stop = None;
                }
            }
            // The row's bytes, up to and including its line end.
            let end = start.saturating_add(reader.position().byte() as usize);
            let end = end.min(start + data.len());
            if end == start + data.len() && !whole {
                return Outcome::More(taken);
            }
            taken = end;
            let raw = window.get(at..end);
            // All cells blank: their bytes, run together, are all blank; but
            // a row holding a quote is not blank (a last line of a lone `"`
            // is a cell that never closes, not an empty line).
            let blank =
                record.as_slice().trim_ascii().is_empty() && memchr::memchr(b'"', raw).is_none();
            if std::mem::take(&mut header) || blank {
                continue;
            }
            line += lines_before;
            if self.lone_cr {
                let (from, from_line) = counted;
                let between = window.get(from..at);
                line =
                    from_line + quoting::breaks(between, window.get(at..at + 1).first().copied());
                counted = (at, line);
            }
            // A row holds a quote exactly when its bytes are more than its
            // cells and commas; the row that ends the file is always scanned
            // (a cell that never closes takes in the file's last line end).
            let scan = end == window.len || !plain(raw, &record);
            let problem = (scan && !quoting::well_formed(raw))
                .then(|| quoting::malformed(raw))
                .flatten();
            if let Some(problem) = problem {
                let column = match problem {
                    Malformed::Unclosed { cell, .. } | Malformed::TextAfter { cell, .. } => cell,
                };
                let (line, message) = quoting::describe(problem, raw, line);
                report.error(&self.file, line, self.header_name(column), message);
                // The row still counts (its id, for links), but what its
                // other cells say is a consequence of this one mistake.
                each(&Row::id_only(self, &record, line), &mut Report::default());
                continue;
            }
            if record.len() > self.width
                && let Some(joined) = self.split_numbers(&record, line, report)
            {
                each(&Row::new(self, &joined, line), report);
                continue;
            }
            if record.len() != self.width {
                let message = format!("{} cells, but the header has {}", record.len(), self.width);
                report.error(&self.file, line, "", message);
            }
            each(&Row::new(self, &record, line), report);
        }
        Outcome::ToTheEnd
    }

    /// `record`, longer than the header, with every pair of cells an
    /// unquoted thousands comma split joined again ([`split_number`]), when
    /// that gives exactly the header's width; each comma is reported.
    /// `None` (and nothing reported) otherwise.
    ///
    /// [`split_number`]: Self::split_number
    fn split_numbers(
        &self,
        record: &StringRecord,
        line: usize,
        report: &mut Report,
    ) -> Option<StringRecord> {
        let mut found = Report::default();
        let mut joined = self.split_number(record, line, &mut found)?;
        while joined.len() > self.width {
            joined = self.split_number(&joined, line, &mut found)?;
        }
        report.merge(found);
        Some(joined)
    }

    /// `record`, one cell longer than the header, with the two cells an
    /// unquoted thousands comma split (`11,300` in a numeric column) joined
    /// again; that comma is reported, as the one mistake it is (every later
    /// cell was shifted by one). `None` when no such pair is found.
    fn split_number(
        &self,
        record: &StringRecord,
        line: usize,
        report: &mut Report,
    ) -> Option<StringRecord> {
        const NUMERIC: [&str; 4] = ["value", "low", "high", "tolerance"];
        let digits = |cell: &str, len: std::ops::RangeInclusive<usize>| {
            len.contains(&cell.len()) && cell.bytes().all(|b| b.is_ascii_digit())
        };
        let at = (0..self.width).find(|&i| {
            let (Some(left), Some(right)) = (record.get(i), record.get(i + 1)) else {
                return false;
            };
            let (left, right) = (left.trim_ascii(), right.trim_ascii());
            NUMERIC.contains(&self.header_name(i))
                && digits(left, 1..=3)
                && !left.starts_with('0')
                && digits(right, 3..=3)
        })?;
        let (left, right) = (
            record.get(at)?.trim_ascii(),
            record.get(at + 1)?.trim_ascii(),
        );
        let message = format!(
            "the comma in {left},{right} splits the cell in two, which shifts every later \
             cell by one (quote the cell: \"{left},{right}\", or write {left}{right})"
        );
        report.error(&self.file, line, self.header_name(at), message);
        let joined = format!("{left},{right}");
        let cells = record.iter().take(at);
        let rest = record.iter().skip(at + 2);
        Some(cells.chain([joined.as_str()]).chain(rest).collect())
    }
}

/// Bytes of the data from `start` on, as far as they have been read (to
/// the data's end for a file held in memory).
struct Window<'a> {
    bytes: &'a [u8],
    /// Where `bytes` start in the data.
    start: usize,
    /// The line ends before `start`.
    lines_before: usize,
    /// The data's length.
    len: usize,
}

impl Window<'_> {
    /// The bytes of data range `range` that the window holds.
    fn get(&self, range: std::ops::Range<usize>) -> &[u8] {
        let from = range.start.saturating_sub(self.start).min(self.bytes.len());
        let to = range
            .end
            .saturating_sub(self.start)
            .clamp(from, self.bytes.len());
        &self.bytes[from..to]
    }

    /// The byte where a record of this window really starts, and its
    /// physical line counted from the window. The csv crate positions a
    /// record where the previous one ended, before any blank lines or the
    /// `\n` of a `\r\n`; skip those.
    fn start_of(&self, record: &StringRecord) -> (usize, usize) {
        let Some(position) = record.position() else {
            return (usize::MAX, 0);
        };
        let mut line = position.line() as usize;
        let mut at = self
            .start
            .saturating_add(usize::try_from(position.byte()).unwrap_or(usize::MAX));
        for &byte in self.get(at..usize::MAX) {
            match byte {
                b'\n' => line += 1,
                b'\r' => {}
                _ => break,
            }
            at += 1;
        }
        (at, line)
    }
}

/// Whether `raw`, the bytes of `record` up to and including its line end,
/// are its cells joined by commas: then no cell was quoted.
fn plain(raw: &[u8], record: &StringRecord) -> bool {
    let ending = if raw.ends_with(b"\r\n") {
        2
    } else {
        usize::from(matches!(raw.last(), Some(b'\n' | b'\r')))
    };
    let cells = record.as_slice().len() + record.len().saturating_sub(1);
    raw.len() - ending == cells
}

/// How a chunk's parse ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// A row started exactly at the next cut: the next chunk is right.
    AtCut,
    /// The parse went on to the end of the file.
    ToTheEnd,
    /// The window ended; the next one starts at this byte of the data.
    More(usize),
}

/// What a part's parse calls with each row.
type Each<'a> = dyn FnMut(&Row<'_>, &mut Report) + 'a;

/// Bytes of a large file read at a time by each thread.
pub const WINDOW: usize = 8 << 20;

/// The byte offsets where chunks start, always beginning with 0 and
/// followed by the file's length: `[0, cut1, …, len]`. At most `parts`
/// chunks, none shorter than `least` bytes.
pub fn bounds(data: &[u8], parts: usize, least: usize) -> Vec<usize> {
    let parts = parts.min(data.len() / least.max(1)).max(1);
    let mut bounds = vec![0];
    for k in 1..parts {
        let target = data.len() / parts * k;
        let Some(cut) = line_start_after(data, target) else {
            break;
        };
        if cut > *bounds.last().unwrap_or(&0) && cut < data.len() {
            bounds.push(cut);
        }
    }
    bounds.push(data.len());
    bounds
}

/// How many `\n` bytes `data` holds. Counted in blocks of 255 into a byte,
/// which the compiler turns into vector instructions: a plain filter and
/// count took a 58 MB chunk's thread ~30 ms before it could start parsing.
fn newlines(data: &[u8]) -> usize {
    data.chunks(255)
        .map(|block| {
            let count = block.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n'));
            usize::from(count)
        })
        .sum()
}

/// The first byte at or after `at` that starts a non-blank line.
fn line_start_after(data: &[u8], at: usize) -> Option<usize> {
    let newline = at + data.get(at..)?.iter().position(|&b| b == b'\n')?;
    let start = newline + 1;
    let blank = data[start..]
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .count();
    Some(start + blank)
}

// Tests unwrap literals: a panic is how a test reports failure.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::data::load::table::Schema;

    // Newlines are counted across block edges, whatever the length.
    #[test]
    fn counts_newlines() {
        for len in [0usize, 1, 254, 255, 256, 1000, 70_000] {
            let data: Vec<u8> = (0..len)
                .map(|i| if i % 3 == 0 { b'\n' } else { b'x' })
                .collect();
            assert_eq!(newlines(&data), len.div_ceil(3), "{len}");
        }
        assert_eq!(newlines(&[b'\n'; 1000]), 1000);
    }

    // Cuts fall at line starts, skip blank lines, and small files stay whole.
    #[test]
    fn cuts_at_line_starts() {
        let data = b"aaaa\nbbbb\n\r\ncccc\ndddd\n";
        assert_eq!(bounds(data, 2, 1), [0, 12, data.len()]);
        assert_eq!(bounds(data, 4, 100), [0, data.len()]);
        assert_eq!(bounds(b"", 4, 1), [0, 0]);
    }

    /// An `id,quote` table of `count` rows (blank ones among them): cells
    /// over several lines, doubled quotes, CRLFs, a cell too many, and
    /// with `more`, text after a closing quote and characters of several
    /// bytes.
    fn tricky(count: usize, more: bool) -> String {
        let kinds = if more { 9 } else { 7 };
        let mut text = String::from("id,quote\r\n");
        for i in 0..count {
            let row = match i % kinds {
                0 => format!("r{i},\"two\nlines\"\n"),
                1 => format!("r{i},\"many\n\n\nlines, \"\"quoted\"\"\"\r\n"),
                2 => "\n\r\n".to_string(),
                3 => format!("r{i},x,extra\n"),
                4 if more => format!("r{i},\"after\"text\n"),
                5 if more => format!("r{i},\"\u{e9}t\u{e9}, \u{1F600}\"\n"),
                _ => format!("r{i},plain\n"),
            };
            text.push_str(&row);
        }
        text
    }

    // Rows parsed in chunks on threads are the rows of one sequential pass,
    // with the same lines and problems, also when a cut falls inside a
    // quoted cell, on a blank line or after a CRLF.
    #[test]
    fn chunks_match_one_pass() {
        let text = tricky(300, false);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.csv"), &text).unwrap();
        const SCHEMA: &Schema = &[("id", true), ("quote", false)];
        let table = Table::open(dir.path(), "t.csv", SCHEMA, &mut Report::default()).unwrap();
        let collect = |parts: usize, least: usize| {
            let mut report = Report::default();
            let rows: Vec<(usize, String, String)> = table
                .rows_in_chunks(
                    &mut report,
                    parts,
                    least,
                    |_| Vec::new(),
                    |v, row, _| {
                        let cell = |c| row.get(c).unwrap_or_default().to_string();
                        v.push((row.line, cell(0), cell(1)));
                    },
                )
                .into_iter()
                .flatten()
                .collect();
            (rows, report.list)
        };
        let one = collect(1, usize::MAX);
        assert_eq!(one.0.len(), 300 - 300 / 7 - 1);
        assert_eq!(
            one.0[1],
            (4, "r1".into(), "many\n\n\nlines, \"quoted\"".into())
        );
        for parts in 2..60 {
            assert!(bounds(&table.data, parts, 1).len() > 2);
            assert_eq!(collect(parts, 1), one, "{parts} parts");
        }
    }

    // Rows read window by window from a file on several threads are the
    // rows of one pass over the file in memory, with the same lines and
    // problems: windows shorter than a row, cuts inside quoted cells,
    // CRLFs, blank lines, a BOM, text after a closing quote, and a quote
    // that never closes at the end of the file.
    #[test]
    fn streamed_rows_match_one_pass() {
        let text = tricky(200, true);
        let endings = ["", "r-last,\"never\nclosed\n"];
        for (bom, ending) in [(false, endings[0]), (true, endings[0]), (false, endings[1])] {
            let text = format!("{}{text}{ending}", if bom { "\u{feff}" } else { "" });
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("t.csv");
            std::fs::write(&path, &text).unwrap();
            const SCHEMA: &Schema = &[("id", true), ("quote", false)];
            let table = Table::open(dir.path(), "t.csv", SCHEMA, &mut Report::default()).unwrap();
            assert!(table.stream.is_none(), "a small file is read whole");
            let cell = |row: &Row<'_>, c| row.get(c).unwrap_or_default().to_string();
            let mut report = Report::default();
            let one: Vec<(usize, String, String)> = table
                .rows_in_chunks(
                    &mut report,
                    1,
                    usize::MAX,
                    |_| Vec::new(),
                    |v, row, _| {
                        v.push((row.line, cell(row, 0), cell(row, 1)));
                    },
                )
                .concat();
            let one = (one, report.list);
            assert!(one.0.len() > 150 && !one.1.is_empty());
            for parts in 2..12 {
                let file = std::fs::File::open(&path).unwrap();
                let stream = Stream::open(file, text.len() as u64, parts).unwrap();
                assert!(stream.utf8 && !stream.lone_cr);
                assert_eq!(stream.parts.len(), parts + 1, "{parts} parts");
                assert_eq!(stream.len, text.len() - if bom { 3 } else { 0 });
                for window in [1, 7, 40, 300, 1 << 20] {
                    let mut report = Report::default();
                    let rows = table
                        .rows_streamed(
                            &stream,
                            &mut report,
                            parts,
                            window,
                            |_| Vec::new(),
                            |v, row, _| {
                                v.push((row.line, cell(row, 0), cell(row, 1)));
                            },
                        )
                        .concat();
                    assert_eq!(
                        (rows, report.list),
                        one,
                        "{parts} parts, window {window}, bom {bom}"
                    );
                }
            }
        }
    }
}
