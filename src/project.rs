//! The project a command works on: the nearest folder, from the current
//! one up, that holds `data/` or `reports/` — found as git and cargo find
//! theirs, so every command works from any folder inside a project.

use std::path::{Path, PathBuf};

/// The project root as a path relative to the current folder (empty when
/// the current folder is the root, `../..` two levels below it), so every
/// path a command prints reads from where the user stands. Where no folder
/// above holds `data/` or `reports/`, the current folder (empty path).
pub fn root() -> PathBuf {
    std::env::current_dir()
        .map(|cwd| root_from(&cwd))
        .unwrap_or_default()
}

/// The root seen from `start` (an absolute folder), as [`root`] gives it.
pub fn root_from(start: &Path) -> PathBuf {
    let mut up = PathBuf::new();
    for dir in start.ancestors() {
        if is_root(dir) {
            return up;
        }
        up.push("..");
    }
    PathBuf::new()
}

/// True when `dir` holds a `data` or a `reports` folder.
fn is_root(dir: &Path) -> bool {
    dir.join("data").is_dir() || dir.join("reports").is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The nearest folder holding data/ or reports/ wins, seen as `..` steps
    // from the start; without one, the start folder itself.
    #[test]
    fn finds_the_nearest_root() -> std::io::Result<()> {
        let top = tempfile::tempdir()?;
        let project = top.path().join("p");
        std::fs::create_dir_all(project.join("data"))?;
        std::fs::create_dir_all(project.join("reports/x/deeper"))?;
        assert_eq!(root_from(&project), PathBuf::new());
        assert_eq!(root_from(&project.join("data")), PathBuf::from(".."));
        assert_eq!(
            root_from(&project.join("reports/x/deeper")),
            PathBuf::from("../../..")
        );
        let inner = project.join("reports/x/deeper");
        std::fs::create_dir(inner.join("data"))?;
        assert_eq!(root_from(&inner), PathBuf::new());
        Ok(())
    }
}
