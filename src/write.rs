//! The only code that touches output folders: atomic writes (temporary name
//! then rename), removal of files a build no longer produces, and `--check`.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::error::{Error, Result};

/// One rendered report, entirely in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The report folder (`reports/<name>`).
    pub dir: PathBuf,
    /// Files by name inside `dir` (`README.md`, `timeline-m.svg`, …).
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Writes one file atomically: the bytes go to a hidden temporary file in
/// the same folder (`.name.tmp-<pid>`), are synced, then renamed over
/// `path`, so a killed run never leaves a half-written file.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?;
    let temp = path.with_file_name(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| -> std::io::Result<()> {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if let Err(error) = written {
        // Best effort: the temporary file is ours and useless now.
        let _ = fs::remove_file(&temp);
        return Err(anyhow::Error::new(error)
            .context(format!("writing {}", path.display()))
            .into());
    }
    Ok(())
}

/// Writes every report atomically, file by file, then removes the generated
/// files (`*.svg`) in each report folder that the build no longer produces.
///
/// Each report folder is locked while it is written, so two builds of the
/// same report take turns instead of interleaving; under the lock, hidden
/// temporary files left by a killed build are removed first.
pub fn apply(reports: &[Report]) -> Result<()> {
    for report in reports {
        fs::create_dir_all(&report.dir)
            .with_context(|| format!("creating {}", report.dir.display()))?;
        let lock = lock(&report.dir)?;
        for name in leftovers(&report.dir)? {
            let path = report.dir.join(&name);
            fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
        write_all(&report.dir, &report.files)?;
        for name in stale(report)? {
            let path = report.dir.join(&name);
            fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
        // Best effort: on Unix the lock is the folder itself, and syncing it
        // makes the renames durable; elsewhere this syncs the lock file.
        let _ = lock.sync_all();
    }
    Ok(())
}

/// Writes `files` into `dir` with [`write_file`], several at once: each
/// waits for its own sync to the disk, and waiting for them one after
/// another made the wait most of a build's writing. Files that already
/// hold exactly their bytes are left alone. The first error is returned
/// (in file order); the other files are still written or left as they were.
fn write_all(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    const AT_ONCE: usize = 8;
    let write = |name: &str, bytes: &[u8]| -> Result<()> {
        let path = dir.join(name);
        if fs::read(&path).is_ok_and(|disk| disk == bytes) {
            return Ok(());
        }
        write_file(&path, bytes)
    };
    let files: Vec<(&String, &Vec<u8>)> = files.iter().collect();
    for batch in files.chunks(AT_ONCE) {
        let written: Vec<Result<()>> = std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .iter()
                .map(|&(name, bytes)| {
                    let thread = std::thread::Builder::new();
                    // Where no thread can be started, the file is written here.
                    thread
                        .spawn_scoped(scope, move || write(name, bytes))
                        .map_err(|_| write(name, bytes))
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| match handle {
                    Ok(handle) => handle.join().unwrap_or_else(|_| {
                        Err(anyhow::anyhow!("internal error: a writer thread panicked").into())
                    }),
                    Err(written) => written,
                })
                .collect()
        });
        written.into_iter().collect::<Result<Vec<()>>>()?;
    }
    Ok(())
}

/// Name of the lock file, only where a folder cannot be opened to lock it.
const LOCK_FILE: &str = ".rangefinder.lock";

/// Takes an exclusive lock on the report folder, waiting for any other
/// build that holds it; released when the returned file is dropped. Where
/// a folder can be opened (Unix) the folder itself is locked, so no file is
/// added; elsewhere a hidden lock file in it.
fn lock(dir: &Path) -> Result<fs::File> {
    let file = match fs::File::open(dir) {
        Ok(file) => file,
        Err(_) => {
            let path = dir.join(LOCK_FILE);
            fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .with_context(|| format!("opening {}", path.display()))?
        }
    };
    file.lock()
        .with_context(|| format!("locking {}", dir.display()))?;
    Ok(file)
}

/// True for the name of a temporary file [`write_file`] makes:
/// `.<name>.tmp-<pid>`.
fn is_temporary(name: &str) -> bool {
    name.starts_with('.')
        && name.rsplit_once(".tmp-").is_some_and(|(stem, pid)| {
            stem.len() > 1 && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
        })
}

/// Temporary files in `dir` left by a build that was killed, sorted. Only
/// called under the folder's lock, so no live build is writing them.
fn leftovers(dir: &Path) -> Result<Vec<String>> {
    let entries = fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if is_temporary(&name) && entry.file_type().is_ok_and(|t| t.is_file()) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Compares every report with the disk and writes nothing;
/// `Error::Stale` names each file that differs, is missing, or would be
/// removed, one line each, sorted.
pub fn check(reports: &[Report]) -> Result<()> {
    let mut problems = Vec::new();
    for report in reports {
        for (name, bytes) in &report.files {
            let path = report.dir.join(name);
            match fs::read(&path) {
                Ok(disk) if disk == *bytes => {}
                Ok(_) => problems.push(format!(
                    "{}: differs from what build would write",
                    path.display()
                )),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => problems.push(
                    format!("{}: missing (build would write it)", path.display()),
                ),
                Err(error) => {
                    return Err(anyhow::Error::new(error)
                        .context(format!("reading {}", path.display()))
                        .into());
                }
            }
        }
        for name in stale(report)? {
            problems.push(format!(
                "{}: no longer produced (build would remove it)",
                report.dir.join(name).display()
            ));
        }
    }
    problems.sort();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Stale(problems))
    }
}

/// Generated files in the report folder that the report no longer holds:
/// only `*.svg` files (charts), never the notebook or anything else, sorted.
fn stale(report: &Report) -> Result<Vec<String>> {
    let entries = match fs::read_dir(&report.dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(anyhow::Error::new(error)
                .context(format!("listing {}", report.dir.display()))
                .into());
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", report.dir.display()))?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let generated = name.ends_with(".svg") && !name.starts_with('.');
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if generated && is_file && !report.files.contains_key(&name) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report in `dir` holding the given files.
    fn report(dir: &Path, files: &[(&str, &str)]) -> Report {
        Report {
            dir: dir.to_path_buf(),
            files: files
                .iter()
                .map(|(n, b)| (n.to_string(), b.as_bytes().to_vec()))
                .collect(),
        }
    }

    // apply writes every file of a report (more than one batch of them),
    // replaces the files that changed and leaves identical ones untouched.
    #[test]
    fn apply_rewrites_only_changed_files() -> Result<()> {
        use std::os::unix::fs::MetadataExt as _;
        let dir = tempfile::tempdir().map_err(anyhow::Error::new)?;
        let names: Vec<String> = (0..20).map(|i| format!("c{i:02}.svg")).collect();
        let files = |changed: &str| -> Vec<(&str, String)> {
            names
                .iter()
                .map(|n| (n.as_str(), if n == changed { "new" } else { n }.to_string()))
                .collect()
        };
        let first = files("");
        let first: Vec<(&str, &str)> = first.iter().map(|(n, b)| (*n, b.as_str())).collect();
        apply(&[report(dir.path(), &first)])?;
        let inode = |name: &str| fs::metadata(dir.path().join(name)).map(|m| m.ino());
        let before: Vec<u64> = names
            .iter()
            .map(|n| inode(n))
            .collect::<std::io::Result<_>>()
            .map_err(anyhow::Error::new)?;
        let second = files("c07.svg");
        let second: Vec<(&str, &str)> = second.iter().map(|(n, b)| (*n, b.as_str())).collect();
        apply(&[report(dir.path(), &second)])?;
        for (name, old) in names.iter().zip(before) {
            let disk = fs::read_to_string(dir.path().join(name)).map_err(anyhow::Error::new)?;
            let now = inode(name).map_err(anyhow::Error::new)?;
            if name == "c07.svg" {
                assert_eq!(disk, "new");
                assert_ne!(now, old, "{name} was not replaced");
            } else {
                assert_eq!(disk, *name);
                assert_eq!(now, old, "{name} was rewritten");
            }
        }
        Ok(())
    }

    // write_file replaces the content and leaves no temporary file behind.
    #[test]
    fn write_file_replaces_atomically() -> Result<()> {
        let dir = tempfile::tempdir().map_err(anyhow::Error::new)?;
        let path = dir.path().join("a.md");
        write_file(&path, b"one")?;
        write_file(&path, b"two")?;
        assert_eq!(fs::read(&path).map_err(anyhow::Error::new)?, b"two");
        let names: Vec<_> = fs::read_dir(dir.path())
            .map_err(anyhow::Error::new)?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.md")]);
        Ok(())
    }

    /// The file names in `dir`, sorted.
    fn names(dir: &Path) -> Result<Vec<String>> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .map_err(anyhow::Error::new)?
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        Ok(names)
    }

    // apply removes stale charts but never the notebook or other files.
    #[test]
    fn apply_removes_only_stale_charts() -> Result<()> {
        let dir = tempfile::tempdir().map_err(anyhow::Error::new)?;
        for name in ["brief.md", "old.svg", "notes.txt", "keep.svg"] {
            fs::write(dir.path().join(name), "x").map_err(anyhow::Error::new)?;
        }
        apply(&[report(dir.path(), &[("README.md", "r"), ("keep.svg", "k")])])?;
        let names = names(dir.path())?;
        assert_eq!(names, ["README.md", "brief.md", "keep.svg", "notes.txt"]);
        assert_eq!(
            fs::read(dir.path().join("keep.svg")).map_err(anyhow::Error::new)?,
            b"k"
        );
        Ok(())
    }

    // A build removes the temporary files a killed build left, and only those.
    #[test]
    fn apply_removes_leftover_temporary_files() -> Result<()> {
        let dir = tempfile::tempdir().map_err(anyhow::Error::new)?;
        for name in [
            ".README.md.tmp-123",
            ".a.svg.tmp-9",
            ".keep.tmp-x",
            ".tmp-1",
        ] {
            fs::write(dir.path().join(name), "half").map_err(anyhow::Error::new)?;
        }
        apply(&[report(dir.path(), &[("README.md", "r")])])?;
        let names = names(dir.path())?;
        assert_eq!(names, [".keep.tmp-x", ".tmp-1", "README.md"]);
        Ok(())
    }

    // The report folder is locked while a build writes it: a second lock
    // waits until the first is released.
    #[test]
    fn report_folder_lock_is_exclusive() -> Result<()> {
        let dir = tempfile::tempdir().map_err(anyhow::Error::new)?;
        let held = lock(dir.path())?;
        let other = fs::File::open(dir.path())
            .or_else(|_| fs::File::open(dir.path().join(LOCK_FILE)))
            .map_err(anyhow::Error::new)?;
        assert!(matches!(
            other.try_lock(),
            Err(fs::TryLockError::WouldBlock)
        ));
        drop(held);
        assert!(other.try_lock().is_ok());
        Ok(())
    }

    // check names differing, missing and stale files, and writes nothing.
    #[test]
    fn check_names_every_difference() -> Result<()> {
        let dir = tempfile::tempdir().map_err(anyhow::Error::new)?;
        fs::write(dir.path().join("README.md"), "old").map_err(anyhow::Error::new)?;
        fs::write(dir.path().join("gone.svg"), "g").map_err(anyhow::Error::new)?;
        let wanted = report(dir.path(), &[("README.md", "new"), ("a.svg", "a")]);
        let Err(Error::Stale(lines)) = check(std::slice::from_ref(&wanted)) else {
            panic!("expected Error::Stale");
        };
        let d = dir.path().display();
        assert_eq!(
            lines,
            [
                format!("{d}/README.md: differs from what build would write"),
                format!("{d}/a.svg: missing (build would write it)"),
                format!("{d}/gone.svg: no longer produced (build would remove it)"),
            ]
        );
        assert_eq!(
            fs::read(dir.path().join("README.md")).map_err(anyhow::Error::new)?,
            b"old"
        );
        apply(std::slice::from_ref(&wanted))?;
        check(&[wanted])
    }
}
