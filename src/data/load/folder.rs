//! What else lies in the data folder. CI runs `check`, `build` and `diff`
//! on whatever a pull request commits, and a pull request once committed a
//! bare git repository as plain files inside `data/` (`HEAD`, `config`,
//! `objects/`, `refs/`): git commands run from inside the folder discover
//! it and obey its `config`, which can name programs to run. So a git
//! repository's files in the data folder are an error; any other file that
//! is not one of the data files is a warning (it is never read), and
//! folders are left alone (a project may keep copies of its sources there).

use std::path::Path;

use super::table::Report;

/// The files a data folder is made of; `events.csv` is optional.
pub const DATA_FILES: [&str; 4] = ["claims.csv", "sources.csv", "metrics.csv", "events.csv"];

/// Files at the top of a bare git repository.
const GIT_FILES: [&str; 7] = [
    "HEAD",
    "config",
    "description",
    "packed-refs",
    "FETCH_HEAD",
    "ORIG_HEAD",
    "index",
];

/// The most unexpected files named one by one; the rest are counted.
const LISTED: usize = 20;

/// Reports the entries of `dir` that are not data files.
pub fn check(dir: &Path, report: &mut Report) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut names: Vec<(String, bool)> = entries
        .filter_map(Result::ok)
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let folder = entry.file_type().is_ok_and(|t| t.is_dir());
            (name, folder)
        })
        .collect();
    names.sort();
    let has = |wanted: &str, folder: bool| names.iter().any(|(n, f)| n == wanted && *f == folder);
    // What git takes for a repository: a `.git` entry, or HEAD beside
    // objects/ and refs/ (a bare one).
    // A `.git` is the project's own when the data folder is the top of
    // the repository (the CSVs kept at the top); below another repository's
    // top it is planted.
    let nested = || {
        std::fs::canonicalize(dir)
            .is_ok_and(|dir| dir.ancestors().skip(1).any(|up| up.join(".git").exists()))
    };
    let dot_git = names.iter().any(|(n, _)| n == ".git") && nested();
    let git = dot_git || (has("HEAD", false) && has("objects", true) && has("refs", true));
    // A file name is shown on one line and cut like a message.
    let shown = |name: &str| crate::error::shorten(&crate::error::one_line(name));
    if git {
        let planted = if dot_git { ".git" } else { "HEAD" };
        report.error(
            &dir.join(planted).display().to_string(),
            0,
            "",
            "a git repository inside the data folder (git commands run there, as `rangefinder \
             diff` does, would obey its config, which can run programs); remove it: the data \
             folder holds only claims.csv, sources.csv, metrics.csv and events.csv"
                .into(),
        );
    }
    let unexpected: Vec<&str> = names
        .iter()
        .filter(|(name, folder)| !folder && !expected(name))
        // A repository's own files are named by the error above once.
        .filter(|(name, _)| !(git && GIT_FILES.contains(&name.as_str())))
        .map(|(name, _)| name.as_str())
        .collect();
    for name in unexpected.iter().take(LISTED) {
        report.warning(
            &dir.join(shown(name)).display().to_string(),
            0,
            "",
            "not a data file, never read (the data folder holds claims.csv, sources.csv, \
             metrics.csv and events.csv; move other files out of it)"
                .into(),
        );
    }
    if unexpected.len() > LISTED {
        report.warning(
            &dir.display().to_string(),
            0,
            "",
            format!(
                "{} more files that are not data files",
                unexpected.len() - LISTED
            ),
        );
    }
}

/// A data file, a README, or a file the user marked as theirs (`x_`, as
/// for columns), or a dot file git itself uses (`.gitkeep`, …).
fn expected(name: &str) -> bool {
    DATA_FILES.contains(&name)
        || name.starts_with("README")
        || name.starts_with("x_")
        || matches!(name, ".gitkeep" | ".gitignore" | ".gitattributes")
}
