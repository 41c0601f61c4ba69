//! Where to cut a large CSV file so that its rows can be parsed on several
//! threads.
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

/// The least chunk worth a thread of its own (bytes).
pub const CHUNK: usize = 4 << 20;

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

/// The number of parts to cut a file into: one per core, at most 8.
pub fn parts() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

// Tests unwrap literals: a panic is how a test reports failure.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    // Cuts fall at line starts, skip blank lines, and small files stay whole.
    #[test]
    fn cuts_at_line_starts() {
        let data = b"aaaa\nbbbb\n\r\ncccc\ndddd\n";
        assert_eq!(bounds(data, 2, 1), [0, 12, data.len()]);
        assert_eq!(bounds(data, 4, 100), [0, data.len()]);
        assert_eq!(bounds(b"", 4, 1), [0, 0]);
    }
}
