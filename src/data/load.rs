//! Reading the three CSV files with the csv crate and serde, validating every
//! rule of DESIGN section 1, and collecting every problem in one pass.

use std::path::Path;

use super::{Dataset, Diagnostic};

/// A data folder that loaded: the dataset and any warnings.
#[derive(Debug)]
pub struct Loaded {
    /// The validated dataset.
    pub dataset: Dataset,
    /// Warnings (allowed but suspicious), sorted by file and line.
    pub warnings: Vec<Diagnostic>,
}

/// Loads and validates `dir`; messages name files as `dir.join(file)` shows
/// (`data/claims.csv`). On failure returns every diagnostic, errors and
/// warnings, sorted by file and line.
pub fn load(dir: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    let _ = dir;
    todo!("data helper")
}
