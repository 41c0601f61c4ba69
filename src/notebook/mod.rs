//! Notebooks (`reports/<name>/brief.md`): TOML front matter, `rangefinder`
//! cells and `{{ … }}` inline values, rendered into reports.

use std::path::{Path, PathBuf};

use crate::data::Day;
use crate::error::Result;
use crate::write::Report;

/// Command-line overrides for every notebook of a build.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Overrides each notebook's `data`.
    pub data: Option<PathBuf>,
    /// Overrides each notebook's `as_of`.
    pub as_of: Option<Day>,
}

/// The notebooks to build: those named, or every `root/*/brief.md`, sorted.
pub fn select(named: &[PathBuf], root: &Path) -> Result<Vec<PathBuf>> {
    let _ = (named, root);
    todo!("notebook helper")
}

/// Renders every notebook in memory; any error in any notebook fails the
/// whole build (all errors of all notebooks reported), so nothing is written.
pub fn render_all(notebooks: &[PathBuf], options: &Options) -> Result<Vec<Report>> {
    let _ = (notebooks, options);
    todo!("notebook helper")
}
