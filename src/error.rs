//! The error type every stage returns; `main` is the one place that prints
//! errors and picks the exit code (docs/commands.md: 0 ok, 1 invalid data or
//! notebook, 2 usage error).

use crate::data::Diagnostic;

/// Anything that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad flag or argument combination (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Data files with errors: every diagnostic, errors and warnings, sorted.
    #[error("invalid data ({} problems)", .0.len())]
    Data(Vec<Diagnostic>),
    /// Notebook problems, each a `file:line: message` line, sorted.
    #[error("invalid notebook ({} problems)", .0.len())]
    Notebook(Vec<String>),
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
            Error::Notebook(lines) => lines.clone(),
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
