//! The error type every stage returns; `main` is the one place that prints
//! errors and picks the exit code (docs/commands.md: 0 ok, 1 invalid data or
//! notebook, 2 usage error). Also the helpers that keep every message one
//! line of bounded length (a file's content is only ever quoted as a short
//! excerpt), for data diagnostics, notebook problems and usage errors alike.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a data file, pointing at a physical line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file as the user named it, e.g. `data/claims.csv`.
    pub file: String,
    /// Physical line (1-based; 1 is the header; 0 for the file as a whole).
    pub line: usize,
    /// The column, or another short subject such as `file` or `header`.
    pub column: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// Error (exit 1) or warning (exit 0).
    pub severity: Severity,
}

impl Diagnostic {
    /// An error at `line` of a file named later (a notebook's problems are
    /// found before the caller puts its path on them).
    pub fn at(line: usize, message: String) -> Diagnostic {
        Diagnostic {
            file: String::new(),
            line,
            column: String::new(),
            message,
            severity: Severity::Error,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let warning = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        // Line 0 is the file as a whole (`data/claims.csv: file not found`);
        // an empty column is a problem of the whole line.
        f.write_str(&self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        write!(f, ": {warning}")?;
        if !self.column.is_empty() {
            write!(f, "{}: ", self.column)?;
        }
        f.write_str(&self.message)
    }
}

/// Anything that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad flag or argument combination (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Data files or notebooks with errors: every diagnostic, errors and
    /// warnings, sorted by file and line.
    #[error("invalid data or notebook ({} problems)", .0.len())]
    Data(Vec<Diagnostic>),
    /// `build --check` found reports that differ: one line per file, each
    /// `path: what differs` (written by `write::check`).
    #[error("reports out of date ({} files)", .0.len())]
    Stale(Vec<String>),
    /// `diff`: a version whose data fail `check`: a line naming it, then
    /// each of its diagnostics (exit 1).
    #[error("a version of the data fails check")]
    Version(Vec<String>),
    /// I/O and everything else, with context (exit 1).
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }

    /// The lines to print on stderr.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Error::Data(diagnostics) => diagnostics.iter().map(ToString::to_string).collect(),
            Error::Stale(files) => files.clone(),
            Error::Version(lines) => lines.clone(),
            Error::Usage(message) => vec![format!("error: {message}")],
            Error::Other(error) => vec![format!("error: {error:#}")],
        }
    }
}

impl From<polars::error::PolarsError> for Error {
    fn from(error: polars::error::PolarsError) -> Self {
        Error::Other(anyhow::Error::new(error).context("analysis failed"))
    }
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// "unknown metric \"x\" (nearest known: …)": the one wording of an id
/// not in metrics.csv, its list of known ids bounded (see [`known_ids`]).
pub fn unknown_metric(metric: &str, known: &[&str]) -> String {
    bounded(&format!(
        "unknown metric \"{metric}\" ({})",
        known_ids(metric, known)
    ))
}

/// "SINCE must be before AS_OF": the one wording of days out of order,
/// each named as its caller knows it (`--since 2024-11-01`, `as_of
/// (2024-10-01)`).
pub fn not_before(since: &str, as_of: &str) -> String {
    format!("{since} must be before {as_of}")
}

/// `text` with control and bidirectional characters escaped (`\n`,
/// `\u{202e}`), so that a value quoted from a cell or a notebook (or a header
/// swallowed by an unclosed quote) keeps each message on one line and reads
/// as the file holds it: the one cleaner, [`crate::text::clean`].
pub fn one_line(text: &str) -> String {
    crate::text::clean(text)
}

/// Messages longer than this many bytes are cut in the middle.
pub const LONGEST_MESSAGE: usize = 480;

/// `text` cut in the middle when it is longer than [`LONGEST_MESSAGE`], so a
/// 20 MB cell quoted in a message gives a readable line that still ends with
/// what was expected: `"aaaa…[19999500 bytes cut]…aaaa" is not a number (…)`.
pub fn shorten(text: &str) -> String {
    if text.len() <= LONGEST_MESSAGE {
        return text.to_owned();
    }
    let floor = |mut at: usize| {
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let head = floor(LONGEST_MESSAGE * 2 / 3);
    let tail = floor(text.len() - LONGEST_MESSAGE / 3);
    format!(
        "{}…[{} bytes cut]…{}",
        &text[..head],
        tail - head,
        &text[tail..]
    )
}

/// `text` as one line of bounded length: [`one_line`], then [`shorten`].
pub fn bounded(text: &str) -> String {
    shorten(&one_line(text))
}

/// How many known ids a message about an unknown one names at most.
const NAMED_IDS: usize = 5;

/// Only this many leading characters of two ids are compared for nearness,
/// so a megabyte-long unknown id costs no more than a short one.
const COMPARED_CHARS: usize = 32;

/// The known ids to name after an unknown `id`: all of them when there are
/// at most `NAMED_IDS` (`known: a, b, c`), else the nearest by edit
/// distance, ties in the order given, and how many others there are
/// (`nearest known: a, b, c, d, e; 195 more`). Listing 200 ids in each of
/// 10,000 messages printed 60 MB.
pub fn known_ids(id: &str, ids: &[&str]) -> String {
    if ids.len() <= NAMED_IDS {
        return format!("known: {}", ids.join(", "));
    }
    let wanted: Vec<char> = id.chars().take(COMPARED_CHARS).collect();
    let mut by_distance: Vec<(usize, usize)> = ids
        .iter()
        .enumerate()
        .map(|(at, known)| (edit_distance(&wanted, known), at))
        .collect();
    by_distance.sort_unstable();
    let nearest: Vec<&str> = by_distance
        .iter()
        .take(NAMED_IDS)
        .filter_map(|&(_, at)| ids.get(at).copied())
        .collect();
    format!(
        "nearest known: {}; {} more",
        nearest.join(", "),
        ids.len() - nearest.len()
    )
}

/// The known name nearest to `word`, when it is near enough to be what was
/// meant: equal but for case, or at most one edit per three characters
/// (`qualifer` → `qualifier`, `kp_troops_kurks` → `kp_troops_kursk`); ties
/// go to the first given.
pub fn nearest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted: Vec<char> = word.chars().take(COMPARED_CHARS).collect();
    let mut best: Option<(usize, &str)> = None;
    for name in known {
        if name.eq_ignore_ascii_case(word) {
            return Some(name);
        }
        let distance = edit_distance(&wanted, name);
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, name));
        }
    }
    best.filter(|&(d, _)| d * 3 <= wanted.len().max(3))
        .map(|(_, name)| name)
}

/// `(did you mean "metric"? expected chart, table, metric)`, or without
/// the question when no known name is [`nearest`]: what an unknown key or
/// kind of a notebook is told. `known` is the comma-separated list.
pub fn expected(word: &str, known: &str) -> String {
    match nearest(word, known.split(", ")) {
        Some(name) => format!("(did you mean \"{name}\"? expected {known})"),
        None => format!("(expected {known})"),
    }
}

/// ` (did you mean "x"?)` for the [`nearest`] known name, or nothing.
pub fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    nearest(word, known).map_or_else(String::new, |name| format!(" (did you mean \"{name}\"?)"))
}

/// The Levenshtein distance between `a` and the first [`COMPARED_CHARS`]
/// characters of `b`.
fn edit_distance(a: &[char], b: &str) -> usize {
    let b: Vec<char> = b.chars().take(COMPARED_CHARS).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    // A huge quoted cell is cut in the middle; the start and the expectation stay.
    #[test]
    fn long_messages_are_cut_in_the_middle() {
        let long = format!(
            "\"{}\" is not a number (expected 11000)",
            "9é".repeat(10_000)
        );
        let short = shorten(&long);
        assert!(short.len() < 520, "{}", short.len());
        assert!(short.starts_with("\"9é9é"));
        assert!(short.ends_with("9é\" is not a number (expected 11000)"));
        assert!(short.contains("…[29"), "{short}");
        assert_eq!(shorten("short"), "short");
    }

    // Control characters from cells are escaped; other text is kept as is.
    #[test]
    fn messages_stay_on_one_line() {
        assert_eq!(one_line("id,name\nx\t≥"), "id,name\\nx\\t≥");
        assert_eq!(one_line("plain ≥ 0"), "plain ≥ 0");
        let nul = bounded(&"\0".repeat(1 << 20));
        assert!(nul.len() < 520 && nul.starts_with("\\u{0}"), "{nul}");
    }

    // Few known ids are all named; many are cut to the nearest five by
    // edit distance (ties in the order given) and a count of the rest.
    #[test]
    fn known_ids_name_the_nearest() {
        assert_eq!(known_ids("x", &["a", "b"]), "known: a, b");
        assert_eq!(known_ids("x", &[]), "known: ");
        let ids: Vec<String> = (0..200).map(|i| format!("kp_metric_{i}")).collect();
        let mut ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        ids.push("kp_troops_kursk");
        assert_eq!(
            known_ids("kp_troops_kurks", &ids),
            "nearest known: kp_troops_kursk, kp_metric_0, kp_metric_1, kp_metric_2, \
             kp_metric_3; 196 more"
        );
        assert_eq!(
            known_ids("kp_metric_17x", &ids),
            "nearest known: kp_metric_17, kp_metric_170, kp_metric_171, kp_metric_172, \
             kp_metric_173; 196 more"
        );
        let huge = "y".repeat(1 << 20);
        assert!(known_ids(&huge, &ids).ends_with("; 196 more"));
        assert_eq!(nearest("Value", ["id", "value"]), Some("value"));
        assert_eq!(nearest("qualifer", ["id", "qualifier"]), Some("qualifier"));
        assert_eq!(
            nearest("kp_troops_kurks", ids.iter().copied()),
            Some("kp_troops_kursk")
        );
        assert_eq!(nearest("colour", ["id", "label"]), None);
        assert_eq!(did_you_mean("c9", ["c1"]), " (did you mean \"c1\"?)");
        assert_eq!(edit_distance(&['a', 'b', 'c'], "abd"), 1);
        assert_eq!(edit_distance(&[], "abd"), 3);
        assert_eq!(edit_distance(&['k', 'i', 't', 't', 'e', 'n'], "sitting"), 3);
    }
}
