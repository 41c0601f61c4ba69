//! Each command's stages as a library function that returns values:
//! `main` parses the command line, dispatches here, prints and exits.

pub mod build;
pub mod preview;
pub mod publish;
pub mod query;

use std::path::Path;

use crate::error::Result;

/// What a command prints (one line per report or edition) and how it ends.
#[derive(Debug)]
pub struct Printed {
    /// The lines to print on stdout: `reports/x: written`.
    pub status: String,
    /// The error to report, if any (after the status is printed).
    pub outcome: Result<()>,
}

/// A report folder as printed: `.` for the current folder.
pub fn shown(dir: &Path) -> String {
    if dir.as_os_str().is_empty() {
        ".".to_string()
    } else {
        dir.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The current folder is printed as `.`, any other as it was named.
    #[test]
    fn folders_as_shown() {
        assert_eq!(shown(Path::new("")), ".");
        assert_eq!(shown(Path::new("reports/x")), "reports/x");
    }
}
