//! The only code that touches output folders: atomic writes (temporary name
//! then rename), removal of files a build no longer produces, and `--check`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Result;

/// One rendered report, entirely in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The report folder (`reports/<name>`).
    pub dir: PathBuf,
    /// Files by name inside `dir` (`README.md`, `timeline-m.svg`, …).
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Writes one file atomically.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let _ = (path, bytes);
    todo!("notebook helper")
}

/// Writes every report atomically and removes stale generated files.
pub fn apply(reports: &[Report]) -> Result<()> {
    let _ = reports;
    todo!("notebook helper")
}

/// Compares every report with the disk; `Error::Stale` naming each file that
/// differs (or is missing, or would be removed).
pub fn check(reports: &[Report]) -> Result<()> {
    let _ = reports;
    todo!("notebook helper")
}
