//! Malformed quoting and physical line breaks, which the csv crate lets
//! through: it reads a quoted cell that never closes to the end of the file
//! (silently merging every later row into it) and keeps text after a
//! closing quote as part of the cell. DESIGN 1 makes both an error at the
//! line where the cell starts. The csv crate also counts only `\n` as a
//! line break, while a CR alone (old Mac files) ends a physical line too.
//!
//! Rows are only scanned here when they hold a quote (see [`Table::rows`]),
//! so a file without quoted cells pays nothing for this.
//!
//! [`Table::rows`]: super::table::Table::rows

/// How a row's quoting is malformed. Offsets are bytes into the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// The quote at `open` starts a cell that the row (which then runs to
    /// the end of the file) never closes.
    Unclosed {
        /// Offset of the opening quote.
        open: usize,
        /// Which cell of the row (0-based).
        cell: usize,
    },
    /// The quoted cell opened at `open` closes at `close`, and text other
    /// than a comma or a line end follows.
    TextAfter {
        /// Offset of the opening quote.
        open: usize,
        /// Offset of the closing quote.
        close: usize,
        /// Which cell of the row (0-based).
        cell: usize,
    },
}

/// The first quoting problem of `row`, the bytes of one record as the csv
/// crate read it (from its first byte up to and including its line end).
/// Spaces and tabs after a closing quote are accepted (cells are trimmed).
pub fn malformed(row: &[u8]) -> Option<Malformed> {
    let mut at = 0;
    let mut cell = 0;
    loop {
        if row.get(at) != Some(&b'"') {
            // An unquoted cell ends at the next comma or line end; a quote
            // inside it is a plain character (as the csv crate reads it).
            let end = at + memchr::memchr3(b',', b'\n', b'\r', row.get(at..)?)?;
            if row[end] != b',' {
                return None;
            }
            at = end + 1;
            cell += 1;
            continue;
        }
        let open = at;
        let mut from = open + 1;
        let close = loop {
            let Some(quote) = row.get(from..).and_then(|rest| memchr::memchr(b'"', rest)) else {
                return Some(Malformed::Unclosed { open, cell });
            };
            let quote = from + quote;
            // A doubled quote is a quote inside the cell.
            if row.get(quote + 1) == Some(&b'"') {
                from = quote + 2;
                continue;
            }
            break quote;
        };
        at = close + 1;
        while matches!(row.get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        match row.get(at) {
            None | Some(b'\n' | b'\r') => return None,
            Some(b',') => {
                at += 1;
                cell += 1;
            }
            Some(_) => return Some(Malformed::TextAfter { open, close, cell }),
        }
    }
}

/// Whether `row` (as for [`malformed`]) has no quoting problem: the same
/// answer as `malformed(row).is_none()`, found by visiting only the quotes
/// (one `memchr` over the row rather than one per cell). A file whose
/// every row has a quoted cell pays this on every row; `malformed`, which
/// also says where the problem is, runs only on the rows this refuses.
pub fn well_formed(row: &[u8]) -> bool {
    let mut quoted = false;
    // Where the text outside quoted cells resumes (after the last closing
    // quote), and the first quote byte not yet consumed (a doubled quote
    // inside a quoted cell takes two).
    let (mut outside, mut next) = (0, 0);
    for q in memchr::memchr_iter(b'"', row) {
        if q < next {
            continue;
        }
        if quoted {
            if row.get(q + 1) == Some(&b'"') {
                next = q + 2;
                continue;
            }
            quoted = false;
            let mut at = q + 1;
            while matches!(row.get(at), Some(b' ' | b'\t')) {
                at += 1;
            }
            match row.get(at) {
                None | Some(b'\n' | b'\r') => return true,
                Some(b',') => outside = at,
                Some(_) => return false,
            }
        } else if memchr::memchr2(b'\n', b'\r', &row[outside..q]).is_some() {
            // The row ended (at a line end outside any quoted cell) before
            // this quote.
            return true;
        } else if q == 0 || row[q - 1] == b',' {
            quoted = true;
        }
        // Otherwise a plain character of an unquoted cell.
    }
    !quoted
}

/// Where malformed quoting in `row` (which starts on physical line
/// `line`) is reported: the line where the cell starts, and the message.
pub fn describe(problem: Malformed, row: &[u8], line: usize) -> (usize, String) {
    const INSIDE: &str = "write a quote inside a quoted cell as \"\"";
    let open = match problem {
        Malformed::Unclosed { open, .. } | Malformed::TextAfter { open, .. } => open,
    };
    let start = line + breaks(&row[..open], Some(b'"'));
    let message = match problem {
        Malformed::Unclosed { .. } => {
            let body = row.trim_ascii_end();
            let after = breaks(body.get(open..).unwrap_or_default(), None);
            if after == 0 {
                format!("quoted cell never closes (add the closing quote; {INSIDE})")
            } else {
                let lines = if after == 1 { "line" } else { "lines" };
                format!(
                    "quoted cell never closes: it runs to the end of the file (line {}), \
                     taking in the {after} {lines} after this one (close the quote where the \
                     cell ends; {INSIDE})",
                    start + after
                )
            }
        }
        Malformed::TextAfter { close, .. } => {
            let end = start + breaks(&row[open..close], Some(b'"'));
            if end == start {
                format!(
                    "text after the closing quote of a quoted cell (quote the whole cell and {INSIDE})"
                )
            } else {
                format!(
                    "quoted cell runs on to line {end}, where text follows its closing quote \
                     (close the quote on this line if the cell ends here; {INSIDE})"
                )
            }
        }
    };
    (start, message)
}

/// How many physical line breaks `data` holds: each `\n`, and each `\r`
/// not followed by `\n` (`next` is the byte after `data`, if any).
pub fn breaks(data: &[u8], next: Option<u8>) -> usize {
    let newlines = memchr::memchr_iter(b'\n', data).count();
    let lone = memchr::memchr_iter(b'\r', data)
        .filter(|&at| data.get(at + 1).copied().or(next) != Some(b'\n'))
        .count();
    newlines + lone
}

/// Whether `data` has a `\r` that is not followed by `\n`: then the csv
/// crate's line numbers (which count `\n`) are wrong and lines are counted
/// here instead.
pub fn has_lone_cr(data: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', data).any(|at| data.get(at + 1) != Some(&b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Well-formed rows pass: plain, quoted, doubled quotes, multi-line
    // cells, spaces after a closing quote, a quote inside a plain cell.
    #[test]
    fn well_formed_rows() {
        for row in [
            "a,b,c\n",
            "a,\"b,c\",d\r\n",
            "\"a\"\"b\",\"\"\n",
            "a,\"two\nlines\"\n",
            "a,\"b\"  ,c",
            "a,b\"c,d\n",
            "",
            "\"\"",
        ] {
            assert_eq!(malformed(row.as_bytes()), None, "{row:?}");
        }
    }

    // PapaParse's must-fail cases: a quote that never closes, text after a
    // closing quote on the same line or on a later one.
    #[test]
    fn malformed_rows() {
        assert_eq!(
            malformed(b"a,\"b,c\nd,e,f"),
            Some(Malformed::Unclosed { open: 2, cell: 1 })
        );
        assert_eq!(
            malformed(b"a,\"b\"c,d\n"),
            Some(Malformed::TextAfter {
                open: 2,
                close: 4,
                cell: 1
            })
        );
        assert_eq!(
            malformed(b"a,\"b,c\nd\"e,f,g\n"),
            Some(Malformed::TextAfter {
                open: 2,
                close: 8,
                cell: 1
            })
        );
        assert_eq!(
            malformed(b"\"a\"\"\n"),
            Some(Malformed::Unclosed { open: 0, cell: 0 })
        );
    }

    // The quick check says what the full scan says, on rows made of the
    // bytes that matter to quoting.
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn quick_check_matches_the_scan(
            row in proptest::collection::vec(
                proptest::sample::select(b"a,\" \t\n\r".to_vec()), 0..24,
            )
        ) {
            proptest::prop_assert_eq!(well_formed(&row), malformed(&row).is_none(), "{:?}", String::from_utf8_lossy(&row));
        }
    }

    // Every LF, CRLF and lone CR is one break; a CR whose LF is the next
    // byte outside the slice is not counted twice.
    #[test]
    fn counts_breaks() {
        assert_eq!(breaks(b"a\nb\r\nc\rd", None), 3);
        assert_eq!(breaks(b"a\r", Some(b'\n')), 0);
        assert_eq!(breaks(b"a\r", None), 1);
        assert!(has_lone_cr(b"a\rb"));
        assert!(!has_lone_cr(b"a\r\nb\n"));
        assert!(has_lone_cr(b"a\r"));
    }
}
