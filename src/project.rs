//! The project a command works on: the nearest folder, from the current
//! one up, that holds `data/` or `reports/` — found as git and cargo find
//! theirs, so every command works from any folder inside a project.
//!
//! The search stops at the top of the git repository the current folder is
//! in (a folder holding `.git`) and at the home folder: a command run in a
//! folder with no project must not wander up into someone else's `data/`
//! (from a stray folder `check` once read `../../../data` without a word).

use std::path::{Path, PathBuf};

/// The project root as a path relative to the current folder (empty when
/// the current folder is the root, `../..` two levels below it), so every
/// path a command prints reads from where the user stands. Where no folder
/// up to the repository's top or the home folder holds `data/` or
/// `reports/`, the current folder (empty path).
pub fn root() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    std::env::current_dir()
        .map(|cwd| root_from(&cwd, home.as_deref()))
        .unwrap_or_default()
}

/// The root seen from `start` (an absolute folder), as [`root`] gives it,
/// with `home` the user's home folder.
pub fn root_from(start: &Path, home: Option<&Path>) -> PathBuf {
    let mut up = PathBuf::new();
    for dir in start.ancestors() {
        if is_root(dir) {
            return up;
        }
        if dir.join(".git").exists() || home.is_some_and(|home| dir == home) {
            break;
        }
        up.push("..");
    }
    PathBuf::new()
}

/// The line telling which project folder a command uses, when it is not
/// the current one (`None` when it is).
pub fn note(root: &Path) -> Option<String> {
    (!root.as_os_str().is_empty()).then(|| format!("note: using the project in {}", root.display()))
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
        assert_eq!(root_from(&project, None), PathBuf::new());
        assert_eq!(root_from(&project.join("data"), None), PathBuf::from(".."));
        assert_eq!(
            root_from(&project.join("reports/x/deeper"), None),
            PathBuf::from("../../..")
        );
        let inner = project.join("reports/x/deeper");
        std::fs::create_dir(inner.join("data"))?;
        assert_eq!(root_from(&inner, None), PathBuf::new());
        Ok(())
    }

    // The search stops at a repository's top and at the home folder: a
    // project above either is not used.
    #[test]
    fn stops_at_the_repository_and_home() -> std::io::Result<()> {
        let top = tempfile::tempdir()?;
        std::fs::create_dir_all(top.path().join("data"))?;
        let repo = top.path().join("repo");
        std::fs::create_dir_all(repo.join(".git"))?;
        std::fs::create_dir_all(repo.join("a/b"))?;
        assert_eq!(root_from(&repo.join("a/b"), None), PathBuf::new());
        let home = top.path().join("home");
        std::fs::create_dir_all(home.join("stray"))?;
        assert_eq!(root_from(&home.join("stray"), Some(&home)), PathBuf::new());
        // Without the stops, the folder above is found.
        assert_eq!(root_from(&home.join("stray"), None), PathBuf::from("../.."));
        // A project at the repository's top or at home is still found.
        std::fs::create_dir(repo.join("reports"))?;
        assert_eq!(root_from(&repo.join("a/b"), None), PathBuf::from("../.."));
        Ok(())
    }
}
