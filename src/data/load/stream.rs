//! A large CSV file read window by window instead of whole: one pass over
//! it first (on every core, through a small buffer each) finds what the
//! whole-file checks need — whether it is UTF-8, its line ends, whether a
//! CR alone ends a line — and where each core's part starts and on which
//! line; then each part's rows are parsed from windows of a few megabytes
//! read as the parse goes (`chunks.rs`). The file is never held in memory:
//! at a million claims that was 116 MB of fresh pages, faulted in on every
//! build and a tenth of its peak memory (a gigabyte at ten million).
//!
//! What the pass finds is only trusted while the file is unchanged: its
//! length and modification time are compared after the rows are read (see
//! [`Stream::unchanged`]), and a file that changed is read again whole.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::time::SystemTime;

/// Bytes read at a time by the first pass.
const BLOCK: usize = 1 << 20;

/// A file read window by window: where its data starts (after any BOM),
/// how long it is, and what the first pass found.
pub struct Stream {
    file: File,
    /// Where the data starts in the file (3 after a UTF-8 BOM).
    skip: u64,
    /// The data's length (the file's without a BOM).
    pub len: usize,
    /// The file's modification time when opened.
    modified: Option<SystemTime>,
    /// Where each part starts (a byte after a `\n`, or 0) with the `\n`
    /// bytes before it, and the data's length last: `[(0, 0), …, (len, n)]`.
    pub parts: Vec<(usize, usize)>,
    /// Every `\r` byte.
    pub crs: usize,
    /// Whether a `\r` not followed by `\n` ends a line somewhere.
    pub lone_cr: bool,
    /// Whether the data is UTF-8.
    pub utf8: bool,
}

impl Stream {
    /// The stream of data file `path` when it is a regular file of at
    /// least `least` bytes (and at most [`input::DATA_LIMIT`]) that is
    /// UTF-8 and has no lone CR; `None` otherwise, for the file to be read
    /// whole (and any problem reported from there).
    ///
    /// [`input::DATA_LIMIT`]: crate::input::DATA_LIMIT
    pub fn at(path: &std::path::Path, least: usize, parts: usize) -> Option<Stream> {
        let (file, len) = crate::input::open(path, crate::input::DATA_LIMIT).ok()?;
        if parts < 2 || len < least as u64 {
            return None;
        }
        Stream::open(file, len, parts).filter(|s| s.utf8 && !s.lone_cr)
    }

    /// Opens `file` (of `len` bytes) for reading window by window, in at
    /// most `parts` parts; `None` when a read fails (the caller then reads
    /// it whole, which reports a real error as such).
    pub fn open(file: File, len: u64, parts: usize) -> Option<Stream> {
        Stream::open_in_blocks(file, len, parts, BLOCK)
    }

    /// [`Stream::open`] with the first pass reading `block` bytes at a
    /// time (tests cut tiny files).
    fn open_in_blocks(file: File, len: u64, parts: usize, block: usize) -> Option<Stream> {
        let modified = file.metadata().ok()?.modified().ok();
        let mut bom = [0u8; 3];
        let skip = if len >= 3 && file.read_exact_at(&mut bom, 0).is_ok() && bom == *b"\xEF\xBB\xBF"
        {
            3
        } else {
            0
        };
        let len = usize::try_from(len - skip).ok()?;
        let mut stream = Stream {
            file,
            skip,
            len,
            modified,
            parts: Vec::new(),
            crs: 0,
            lone_cr: false,
            utf8: true,
        };
        let cuts = stream.cuts(parts)?;
        let scanned = crate::parallel::map(
            cuts.windows(2).map(|w| (w[0], w[1])).collect(),
            |(from, to)| stream.scan(from, to, block),
        );
        let mut newlines = 0;
        for (&start, scan) in cuts.iter().zip(&scanned) {
            let scan = scan.as_ref()?;
            stream.parts.push((start, newlines));
            newlines += scan.newlines;
            stream.crs += scan.crs;
            stream.lone_cr |= scan.lone_cr;
            stream.utf8 &= scan.utf8;
        }
        stream.parts.push((len, newlines));
        Some(stream)
    }

    /// Every `\n` byte of the data.
    pub fn newlines(&self) -> usize {
        self.parts.last().map_or(0, |&(_, n)| n)
    }

    /// Reads data bytes `at..at + buf.len()` into `buf`.
    pub fn read(&self, at: usize, buf: &mut [u8]) -> Option<()> {
        self.file.read_exact_at(buf, at as u64 + self.skip).ok()
    }

    /// Whether the file is still as it was when opened (same length and
    /// modification time): what the first pass found still holds.
    pub fn unchanged(&self) -> bool {
        self.file.metadata().is_ok_and(|meta| {
            meta.len() == self.len as u64 + self.skip && meta.modified().ok() == self.modified
        })
    }

    /// Where the parts start: 0, the first byte after the first `\n` at or
    /// after each even share of the data, and the length last.
    fn cuts(&self, parts: usize) -> Option<Vec<usize>> {
        let mut cuts = vec![0];
        let mut buf = vec![0u8; 64 << 10];
        for k in 1..parts.max(1) {
            let mut at = self.len / parts * k;
            let cut = loop {
                if at >= self.len {
                    break None;
                }
                let piece = (self.len - at).min(buf.len());
                self.read(at, &mut buf[..piece])?;
                if let Some(newline) = memchr::memchr(b'\n', &buf[..piece]) {
                    break Some(at + newline + 1);
                }
                at += piece;
            };
            match cut {
                Some(cut) if cut > *cuts.last().unwrap_or(&0) && cut < self.len => cuts.push(cut),
                _ => break,
            }
        }
        cuts.push(self.len);
        Some(cuts)
    }

    /// One pass over data bytes `from..to` (`from` a line start): its line
    /// ends, and whether it is UTF-8 and has a lone CR.
    fn scan(&self, from: usize, to: usize, block: usize) -> Option<Scan> {
        let mut scan = Scan {
            utf8: true,
            ..Scan::default()
        };
        let block = block.max(1);
        let mut buf = vec![0u8; block + 4];
        // Bytes of a character cut by the end of the last block, moved to
        // the front of the buffer.
        let mut carried = 0;
        let mut at = from;
        while at < to {
            let piece = (to - at).min(block);
            self.read(at, &mut buf[carried..carried + piece])?;
            let block = &buf[..carried + piece];
            let fresh = &block[carried..];
            scan.newlines += memchr::memchr_iter(b'\n', fresh).count();
            scan.crs += memchr::memchr_iter(b'\r', fresh).count();
            // A CR at the end of a block is judged by the next byte: the
            // next block's first, or none at the end of the data (a part
            // ends after a `\n`, so never on a CR but at the data's end).
            let next = if at + piece < self.len {
                let mut byte = [0u8];
                self.read(at + piece, &mut byte)?;
                Some(byte[0])
            } else {
                None
            };
            scan.lone_cr |= memchr::memchr_iter(b'\r', fresh)
                .any(|i| fresh.get(i + 1).copied().or(next) != Some(b'\n'));
            carried = match std::str::from_utf8(block) {
                Ok(_) => 0,
                // A character cut by the block's end: checked with the next.
                Err(e) if e.error_len().is_none() && at + piece < to => {
                    let valid = e.valid_up_to();
                    buf.copy_within(valid..carried + piece, 0);
                    carried + piece - valid
                }
                Err(_) => {
                    scan.utf8 = false;
                    0
                }
            };
            at += piece;
        }
        Some(scan)
    }
}

/// What [`Stream::scan`] finds in one part.
#[derive(Debug, Default, Clone, Copy)]
struct Scan {
    utf8: bool,
    newlines: usize,
    crs: usize,
    lone_cr: bool,
}

// Tests unwrap literals: a panic is how a test reports failure.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    // In parts and blocks of any size, the first pass finds what one look
    // at the whole data finds: UTF-8 or not (characters cut by a block's
    // end, a stray continuation byte, a character cut by the file's end),
    // every line end, a lone CR (also at a block's end or the file's).
    #[test]
    fn first_pass_finds_what_the_whole_data_says() {
        let line = "a,\u{e9}t\u{e9}\r\nb,\u{1F600}x\n\u{20AC}\n";
        let cases: Vec<Vec<u8>> = vec![
            line.repeat(9).into_bytes(),
            [line.repeat(9).as_bytes(), b"\r"].concat(),
            [
                line.repeat(4).as_bytes(),
                b"x\ry\n",
                line.repeat(4).as_bytes(),
            ]
            .concat(),
            [
                line.repeat(4).as_bytes(),
                b"\x80\n",
                line.repeat(4).as_bytes(),
            ]
            .concat(),
            [line.repeat(9).as_bytes(), &"\u{1F600}".as_bytes()[..2]].concat(),
            [b"\xEF\xBB\xBF".as_slice(), line.repeat(9).as_bytes()].concat(),
        ];
        for data in cases {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("t.csv");
            std::fs::write(&path, &data).unwrap();
            let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&data);
            let count = |byte| body.iter().filter(|&&b| b == byte).count();
            for parts in 1..6 {
                for block in [1, 2, 3, 5, 64, 1 << 20] {
                    let file = File::open(&path).unwrap();
                    let len = data.len() as u64;
                    let stream = Stream::open_in_blocks(file, len, parts, block).unwrap();
                    let case = format!(
                        "{:?}, {parts} parts, block {block}",
                        String::from_utf8_lossy(body)
                    );
                    assert_eq!(stream.utf8, std::str::from_utf8(body).is_ok(), "{case}");
                    assert_eq!(stream.newlines(), count(b'\n'), "{case}");
                    assert_eq!(stream.crs, count(b'\r'), "{case}");
                    assert_eq!(
                        stream.lone_cr,
                        crate::data::load::quoting::has_lone_cr(body),
                        "{case}"
                    );
                    assert_eq!(stream.len, body.len(), "{case}");
                    // Each part starts after a line end, with the line ends
                    // before it counted; the data's length comes last.
                    assert_eq!(stream.parts.last().map(|p| p.0), Some(body.len()));
                    for &(start, before) in &stream.parts {
                        let ends = start == body.len();
                        assert!(start == 0 || ends || body[start - 1] == b'\n', "{case}");
                        assert_eq!(
                            before,
                            body[..start].iter().filter(|&&b| b == b'\n').count()
                        );
                    }
                }
            }
        }
    }
}
