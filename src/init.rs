//! `rangefinder init [DIR]`: starts a project — the three CSV files with a
//! header and one example row each, a report notebook, two CI workflows
//! (checks and the diff comment; posting the comment) and a README
//! (templates in `assets/init/`).
//!
//! It never overwrites anything: every target is checked first and nothing
//! is written if any exists. Each file is then created new (`create_new`,
//! so a path that appeared since, or a symbolic link, is never opened) in
//! folders that are real folders, not symbolic links. This is not
//! `write.rs`'s job: that module replaces generated report files, and init
//! only ever adds files that were not there.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::error::{Error, Result};

/// Every file init writes: path inside the project, then contents.
pub const FILES: [(&str, &str); 7] = [
    ("data/claims.csv", include_str!("../assets/init/claims.csv")),
    (
        "data/sources.csv",
        include_str!("../assets/init/sources.csv"),
    ),
    (
        "data/metrics.csv",
        include_str!("../assets/init/metrics.csv"),
    ),
    (
        "reports/example/brief.md",
        include_str!("../assets/init/brief.md"),
    ),
    (
        ".github/workflows/rangefinder.yml",
        include_str!("../assets/init/rangefinder.yml"),
    ),
    (
        ".github/workflows/rangefinder-comment.yml",
        include_str!("../assets/init/rangefinder-comment.yml"),
    ),
    ("README.md", include_str!("../assets/init/README.md")),
];

/// Writes a new project into `dir` (created if missing) and returns the
/// files written. Refuses, writing nothing, when any file exists or a
/// folder on the way is not a real folder.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut taken = Vec::new();
    for (name, _) in FILES {
        let path = under(dir, name);
        if fs::symlink_metadata(&path).is_ok() {
            taken.push(path.display().to_string());
        }
        for folder in folders(dir, name) {
            if let Ok(meta) = fs::symlink_metadata(&folder)
                && !meta.is_dir()
            {
                taken.push(format!("{} (not a folder)", folder.display()));
            }
        }
    }
    if !taken.is_empty() {
        taken.sort();
        taken.dedup();
        return Err(Error::Other(anyhow::anyhow!(
            "init writes nothing: {} already exist{} (init only starts a new project)",
            taken.join(", "),
            if taken.len() == 1 { "s" } else { "" }
        )));
    }
    let mut created = Vec::new();
    for (name, contents) in FILES {
        let path = under(dir, name);
        if let Err(error) = create(dir, name, contents) {
            // Best effort: leave the folder as it was found.
            for path in created.iter().rev() {
                let _ = fs::remove_file(path);
            }
            return Err(error);
        }
        created.push(path);
    }
    Ok(created)
}

/// `dir/name`, written `name` when `dir` is the current folder, so that
/// messages read `data/claims.csv`, not `./data/claims.csv`.
fn under(dir: &Path, name: &str) -> PathBuf {
    if dir == Path::new(".") {
        PathBuf::from(name)
    } else {
        dir.join(name)
    }
}

/// The folders between `dir` and the file `name` inside it, outermost first.
fn folders(dir: &Path, name: &str) -> Vec<PathBuf> {
    let parts: Vec<&str> = name.split('/').collect();
    (1..parts.len())
        .map(|n| under(dir, &parts[..n].join("/")))
        .collect()
}

/// Creates `dir/name` new with `contents`, making its folders.
fn create(dir: &Path, name: &str, contents: &str) -> Result<()> {
    let path = under(dir, name);
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for folder in folders(dir, name) {
        match fs::create_dir(&folder) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                // The project folder may be a link the user chose (it is
                // made above); the folders inside it must be real folders.
                if !fs::symlink_metadata(&folder).is_ok_and(|m| m.is_dir()) {
                    return Err(Error::Other(anyhow::anyhow!(
                        "init writes nothing into {}: not a folder",
                        folder.display()
                    )));
                }
            }
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("creating {}", folder.display()))
                    .into());
            }
        }
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(contents.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// What init prints: each file created, then the next steps.
pub fn summary(dir: &Path, created: &[PathBuf]) -> String {
    let mut out = String::new();
    for path in created {
        out.push_str(&format!("created {}\n", path.display()));
    }
    let cd = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", dir.display())
    };
    out.push_str(&format!(
        "next: {cd}rangefinder build, then replace the example rows in data/ with your own \
         and set RANGEFINDER_GIT and RANGEFINDER_COMMIT in .github/workflows/rangefinder.yml\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // The folders of a nested file, outermost first; none for a top file.
    #[test]
    fn folders_on_the_way() {
        assert_eq!(
            folders(Path::new("p"), "reports/example/brief.md"),
            [
                PathBuf::from("p/reports"),
                PathBuf::from("p/reports/example")
            ]
        );
        assert!(folders(Path::new("p"), "README.md").is_empty());
    }

    // A folder on the way that is a symbolic link is refused, and nothing
    // is written anywhere.
    #[test]
    fn refuses_a_linked_folder() -> std::io::Result<()> {
        let top = tempfile::tempdir()?;
        let elsewhere = top.path().join("elsewhere");
        let project = top.path().join("p");
        fs::create_dir_all(&elsewhere)?;
        fs::create_dir_all(&project)?;
        std::os::unix::fs::symlink(&elsewhere, project.join("data"))?;
        let error = init(&project).err().map(|e| e.to_string());
        assert_eq!(
            error,
            Some(format!(
                "init writes nothing: {} (not a folder) already exists (init only starts a \
                 new project)",
                project.join("data").display()
            ))
        );
        assert_eq!(fs::read_dir(&elsewhere)?.count(), 0);
        assert_eq!(fs::read_dir(&project)?.count(), 1);
        Ok(())
    }
}
