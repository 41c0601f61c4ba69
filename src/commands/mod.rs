//! Each command's stages as a library function that returns values:
//! `main` parses the command line, dispatches here, prints and exits.

pub mod build;
pub mod preview;

use std::path::Path;

/// A report folder as printed: `.` for the current folder.
pub fn shown(dir: &Path) -> String {
    if dir.as_os_str().is_empty() {
        ".".to_string()
    } else {
        dir.display().to_string()
    }
}
