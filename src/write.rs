//! The only code that touches output folders: staged writes (every new
//! file of a build under a temporary name first, then renamed into place,
//! each README last), removal of files a build no longer produces, and
//! `--check`.
//!
//! CI builds reports on a pull request's files, so a report folder may hold
//! whatever an outsider committed: links planted at likely temporary names,
//! a README that is a link to a file elsewhere or a FIFO, a report folder
//! that is a link out of the project. Temporary files are therefore created
//! new (`O_CREAT | O_EXCL`, which never opens an existing path and never
//! follows a link) under unguessable names; a report file that is a link is
//! replaced, never read or written through; anything else that is not a
//! regular file, and a report folder that leads out of the project, is
//! refused before anything is written.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};

use anyhow::Context as _;

use crate::chart::svg;
use crate::error::{Error, Result};
use crate::{input, parallel};

/// One rendered report, entirely in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The report folder (`reports/<name>`).
    pub dir: PathBuf,
    /// Files by name inside `dir` (`README.md`, `timeline-m.svg`, …).
    pub files: BTreeMap<String, Vec<u8>>,
}

/// What [`apply`] did to one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// At least one file was written or removed.
    Written,
    /// Every file already held its bytes; nothing was touched.
    Unchanged,
}

/// The file written last in a report: it links to the others, so it must
/// never be in place before them.
const README: &str = "README.md";

/// Writes the bytes of one staged file into it; a parameter so the tests
/// can fail a write at any file.
type Writer = dyn Fn(&mut fs::File, &[u8]) -> io::Result<()> + Sync;

/// The production [`Writer`].
fn write_bytes(file: &mut fs::File, bytes: &[u8]) -> io::Result<()> {
    file.write_all(bytes)
}

/// Writes one file atomically (`chart -o FILE`): the bytes go to a new
/// temporary file in the same folder, are synced, then renamed over `path`
/// (a link at `path` is replaced, not followed), so a killed run never
/// leaves a half-written file.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let context = || format!("writing {}", path.display());
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if path.file_name().is_none() {
        return Err(anyhow::anyhow!("{}: not a file name", path.display()).into());
    }
    let temp = stage(dir, bytes, &write_bytes).with_context(context)?;
    fs::rename(&temp, path)
        .inspect_err(|_| {
            // Best effort: the temporary file is ours and useless now.
            let _ = fs::remove_file(&temp);
        })
        .with_context(context)?;
    Ok(())
}

/// Writes a new folder `dir` holding `files` (a published edition), all
/// or nothing: the files go into a new hidden folder beside it, are synced,
/// and the folder is renamed to `dir`. An existing `dir` is never written
/// into or replaced: a published edition is never written again.
pub fn new_folder(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    let parent = dir
        .parent()
        .ok_or_else(|| anyhow::anyhow!("{}: no parent folder", dir.display()))?;
    let name = dir
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("{}: not a folder name", dir.display()))?
        .to_string_lossy();
    if fs::symlink_metadata(dir).is_ok() {
        return Err(anyhow::anyhow!("{} already exists: not written again", dir.display()).into());
    }
    fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    if let Some(report) = parent.parent() {
        inside_project(report)?;
    }
    let temp = parent.join(format!(".{name}{}", temporary_name()));
    fs::create_dir(&temp).with_context(|| format!("creating {}", temp.display()))?;
    let written = (|| -> io::Result<()> {
        for (file, bytes) in files {
            let mut out = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(temp.join(file))?;
            out.write_all(bytes)?;
            out.sync_all()?;
        }
        Ok(())
    })();
    let renamed = written.and_then(|()| {
        // A folder made meanwhile at `dir` is not replaced (renaming over
        // an empty folder would succeed).
        if fs::symlink_metadata(dir).is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "made by another run meanwhile",
            ));
        }
        fs::rename(&temp, dir)
    });
    if let Err(error) = renamed {
        let _ = fs::remove_dir_all(&temp);
        return Err(anyhow::Error::new(error)
            .context(format!("writing {}", dir.display()))
            .into());
    }
    Ok(())
}

/// Writes every report, each replaced whole: every file that differs from
/// the disk is first written to a new temporary file in its folder and
/// synced; only when all of them, in every report, are written are they
/// renamed into place, each report's README last; then the charts a report
/// no longer produces are removed. A failure before the renames (a full
/// disk, a name too long, a bad file in a report folder) removes the
/// temporary files and leaves every report exactly as it was.
///
/// Each report folder is locked while it is written, so two builds of the
/// same report take turns instead of interleaving; under the lock,
/// temporary files left by a killed build are removed first.
pub fn apply(reports: &[Report]) -> Result<Vec<Outcome>> {
    apply_with(reports, &write_bytes)
}

/// [`apply`] with the given [`Writer`].
fn apply_with(reports: &[Report], writer: &Writer) -> Result<Vec<Outcome>> {
    for report in reports {
        inside_project(&report.dir)?;
    }
    let mut dirs: Vec<&Path> = reports.iter().map(|r| r.dir.as_path()).collect();
    dirs.sort();
    dirs.dedup();
    let mut locks = Vec::with_capacity(dirs.len());
    for dir in &dirs {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        locks.push(lock(dir)?);
        for name in leftovers(dir)? {
            let path = dir.join(&name);
            fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    // What each report changes, found before anything is written, so that
    // a FIFO or device in any report folder stops the build with no file
    // written.
    let mut changed: Vec<Vec<(&str, &[u8])>> = Vec::with_capacity(reports.len());
    let mut removed: Vec<Vec<String>> = Vec::with_capacity(reports.len());
    for report in reports {
        let mut files = Vec::new();
        for (name, bytes) in &report.files {
            if on_disk(&report.dir.join(name), bytes)? != OnDisk::Same {
                files.push((name.as_str(), bytes.as_slice()));
            }
        }
        changed.push(files);
        removed.push(stale(report)?);
    }
    let staged = stage_all(reports, &changed, writer)?;
    let mut outcomes = Vec::with_capacity(reports.len());
    let mut pending = staged.iter();
    for ((report, files), removed) in reports.iter().zip(&changed).zip(&removed) {
        let temps: Vec<&PathBuf> = pending.by_ref().take(files.len()).collect();
        let mut renames: Vec<(&PathBuf, &str)> =
            temps.into_iter().zip(files.iter().map(|f| f.0)).collect();
        // The README last: until it is in place, the old README's links
        // still lead to the old charts, which are still there.
        renames.sort_by_key(|&(_, name)| name == README);
        for (temp, name) in renames {
            let path = report.dir.join(name);
            if let Err(error) = fs::rename(temp, &path) {
                remove_all(&staged);
                return Err(anyhow::Error::new(error)
                    .context(format!("writing {}", path.display()))
                    .into());
            }
        }
        for name in removed {
            let path = report.dir.join(name);
            fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
        outcomes.push(if files.is_empty() && removed.is_empty() {
            Outcome::Unchanged
        } else {
            Outcome::Written
        });
    }
    // Best effort: syncing a folder makes the renames in it durable.
    for lock in &locks {
        let _ = lock.sync_all();
    }
    Ok(outcomes)
}

/// Writes every changed file of every report to a temporary file in its
/// folder, several at once (each waits for its own sync to the disk, and
/// waiting for them one after another made the wait most of a build's
/// writing). Returns the temporary paths in the order of `changed`; on any
/// failure removes every temporary file and returns the first error (in
/// file order).
fn stage_all(
    reports: &[Report],
    changed: &[Vec<(&str, &[u8])>],
    writer: &Writer,
) -> Result<Vec<PathBuf>> {
    const AT_ONCE: usize = 8;
    let jobs: Vec<(&Path, &str, &[u8])> = reports
        .iter()
        .zip(changed)
        .flat_map(|(report, files)| {
            files
                .iter()
                .map(|&(name, bytes)| (report.dir.as_path(), name, bytes))
        })
        .collect();
    let mut staged = Vec::with_capacity(jobs.len());
    let mut failed = None;
    for batch in jobs.chunks(AT_ONCE) {
        let written = parallel::map(batch.to_vec(), |(dir, name, bytes)| {
            stage(dir, bytes, writer)
                .with_context(|| format!("writing {}", dir.join(name).display()))
        });
        for result in written {
            match result {
                Ok(temp) => staged.push(temp),
                Err(error) => {
                    failed.get_or_insert(error);
                }
            }
        }
        if failed.is_some() {
            break;
        }
    }
    match failed {
        None => Ok(staged),
        Some(error) => {
            remove_all(&staged);
            Err(error.into())
        }
    }
}

/// Best effort: removes temporary files that will not be renamed.
fn remove_all(temps: &[PathBuf]) {
    for temp in temps {
        let _ = fs::remove_file(temp);
    }
}

/// Writes `bytes` to a new temporary file in `dir` and syncs it; returns
/// its path. The file is created new (`create_new`: `O_CREAT | O_EXCL`), so
/// an existing path, a link planted at the name included, is never opened:
/// the name is drawn again.
fn stage(dir: &Path, bytes: &[u8], writer: &Writer) -> io::Result<PathBuf> {
    const TRIES: usize = 16;
    for _ in 0..TRIES {
        let temp = dir.join(temporary_name());
        let mut file = match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        };
        let written = writer(&mut file, bytes).and_then(|()| file.sync_all());
        return match written {
            Ok(()) => Ok(temp),
            Err(error) => {
                let _ = fs::remove_file(&temp);
                Err(error)
            }
        };
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{TRIES} temporary names in a row were taken"),
    ))
}

/// Prefix and suffix of a temporary file's name: `.rangefinder-<16 hex
/// digits>.tmp`, short whatever the final name (a 250-byte chart name must
/// not make a 270-byte temporary name).
const TEMP_PREFIX: &str = ".rangefinder-";
const TEMP_SUFFIX: &str = ".tmp";

/// A fresh temporary name. The digits come from the standard library's
/// randomly keyed hasher (keys drawn from the system's random source), so
/// they cannot be guessed in advance and planted; they never reach a
/// report, which stays deterministic.
fn temporary_name() -> String {
    use std::hash::{BuildHasher as _, Hasher as _};
    use std::sync::atomic::{AtomicU64, Ordering};
    static DRAWN: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(DRAWN.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    format!("{TEMP_PREFIX}{:016x}{TEMP_SUFFIX}", hasher.finish())
}

/// True for the name of a temporary file a build makes, or made before
/// this version (`.<name>.tmp-<pid>`).
fn is_temporary(name: &str) -> bool {
    let current = name
        .strip_prefix(TEMP_PREFIX)
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|hex| hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    let older = name.starts_with('.')
        && name.rsplit_once(".tmp-").is_some_and(|(stem, pid)| {
            stem.len() > 1 && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
        });
    current || older
}

/// Takes an exclusive lock on the report folder itself (no lock file is
/// added), waiting for any other build that holds it; released when the
/// returned handle is dropped.
fn lock(dir: &Path) -> Result<fs::File> {
    let file = fs::File::open(dir).with_context(|| format!("opening {}", dir.display()))?;
    file.lock()
        .with_context(|| format!("locking {}", dir.display()))?;
    Ok(file)
}

/// Temporary files in `dir` left by a build that was killed, and links
/// planted at such names, sorted. Removing one removes the entry itself (a
/// link, never what it points to). Only called under the folder's lock, so
/// no live build is writing them.
fn leftovers(dir: &Path) -> Result<Vec<String>> {
    let entries = fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let removable = entry
            .file_type()
            .is_ok_and(|t| t.is_file() || t.is_symlink());
        if is_temporary(&name) && removable {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// How a report file on disk compares with what a build would write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnDisk {
    /// A regular file holding exactly the bytes.
    Same,
    /// A regular file holding other bytes.
    Differs,
    /// No such file.
    Missing,
    /// A symbolic link: never read; a build replaces it with the file.
    Link,
}

/// Compares the file at `path` with `bytes`, reading at most `bytes.len()`
/// bytes of it. Anything but a regular file or a link (a FIFO, a device, a
/// folder) is an error: it is never read, and a build stops before it
/// writes anything.
fn on_disk(path: &Path, bytes: &[u8]) -> Result<OnDisk> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(OnDisk::Missing),
        Err(error) => {
            return Err(anyhow::Error::new(error)
                .context(format!("reading {}", path.display()))
                .into());
        }
    };
    let file_type = meta.file_type();
    if file_type.is_symlink() {
        return Ok(OnDisk::Link);
    }
    if !file_type.is_file() {
        return Err(anyhow::anyhow!(
            "{}: is {}, where the build writes a report file (remove it and build again)",
            path.display(),
            input::kind(file_type)
        )
        .into());
    }
    if meta.len() != bytes.len() as u64 {
        return Ok(OnDisk::Differs);
    }
    let disk = input::read(path, bytes.len() as u64)
        .with_context(|| format!("reading {}", path.display()))?;
    Ok(if disk == bytes {
        OnDisk::Same
    } else {
        OnDisk::Differs
    })
}

/// Refuses a report folder reached through a symbolic link that leads out
/// of the project (the folder `project::root` finds): a pull request could otherwise
/// commit `reports/x` as a link to any folder and have its files replaced
/// and its charts removed. Links that stay inside the project are allowed.
fn inside_project(dir: &Path) -> Result<()> {
    let root = crate::project::root();
    let root = if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root
    };
    let root = fs::canonicalize(&root).context("finding the project folder")?;
    let mut prefix = PathBuf::new();
    for component in dir.components() {
        prefix.push(component);
        let Component::Normal(_) = component else {
            continue;
        };
        let is_link = fs::symlink_metadata(&prefix).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            continue;
        }
        let outside = match fs::canonicalize(&prefix) {
            Ok(target) => !target.starts_with(&root),
            // A link to nothing would be followed by the first write.
            Err(_) => true,
        };
        if outside {
            return Err(anyhow::anyhow!(
                "{}: is a symbolic link that leads out of the project ({}); a report folder \
                 must be a folder inside it (replace the link with a folder)",
                prefix.display(),
                root.display()
            )
            .into());
        }
    }
    Ok(())
}

/// Compares every report with the disk and writes nothing;
/// `Error::Stale` names each file that differs, is missing, is a link, or
/// would be removed, one line each, sorted.
pub fn check(reports: &[Report]) -> Result<()> {
    let mut problems = Vec::new();
    for report in reports {
        inside_project(&report.dir)?;
        for (name, bytes) in &report.files {
            let path = report.dir.join(name);
            let problem = match on_disk(&path, bytes)? {
                OnDisk::Same => continue,
                OnDisk::Differs => "differs from what build would write",
                OnDisk::Missing => "missing (build would write it)",
                OnDisk::Link => "is a symbolic link (build would replace it with the file)",
            };
            problems.push(format!("{}: {problem}", path.display()));
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
/// only regular `*.svg` files that start with the generator's mark (charts
/// a build wrote), never an author's SVG, the notebook, a link or anything
/// else, sorted.
fn stale(report: &Report) -> Result<Vec<String>> {
    let entries = match fs::read_dir(&report.dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
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
            let path = report.dir.join(&name);
            if has_mark(&path).with_context(|| format!("reading {}", path.display()))? {
                names.push(name);
            }
        }
    }
    names.sort();
    Ok(names)
}

/// Whether the regular file at `path` starts with the mark of a chart a
/// build wrote; reads no more than the mark's length.
fn has_mark(path: &Path) -> io::Result<bool> {
    use std::io::Read as _;
    let mark = svg::MARK.as_bytes();
    let (file, _) = input::open(path, input::DATA_LIMIT)?;
    let mut start = Vec::with_capacity(mark.len());
    file.take(mark.len() as u64).read_to_end(&mut start)?;
    Ok(start == mark)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report in `dir` holding the given files; each chart (`*.svg`)
    /// starts with the generator's mark, as the charts a build writes.
    fn report(dir: &Path, files: &[(&str, &str)]) -> Report {
        Report {
            dir: dir.to_path_buf(),
            files: files
                .iter()
                .map(|(n, b)| (n.to_string(), marked(n, b).into_bytes()))
                .collect(),
        }
    }

    /// `body` as a build writes file `name`: with the mark when a chart.
    fn marked(name: &str, body: &str) -> String {
        if name.ends_with(".svg") {
            format!("{}{body}", svg::MARK)
        } else {
            body.to_string()
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
                assert_eq!(disk, marked(name, "new"));
                assert_ne!(now, old, "{name} was not replaced");
            } else {
                assert_eq!(disk, marked(name, name));
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

    /// Every entry of `dir` by name, hidden ones included, with its bytes.
    fn snapshot(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
        let mut files = BTreeMap::new();
        for name in names(dir)? {
            let bytes = fs::read(dir.join(&name)).map_err(anyhow::Error::new)?;
            files.insert(name, bytes);
        }
        Ok(files)
    }

    /// A writer that writes half of the `fail`-th file it is given (counted
    /// from 0, across threads) and then fails as a full disk does.
    fn failing_at(fail: usize) -> impl Fn(&mut fs::File, &[u8]) -> io::Result<()> + Sync {
        let count = std::sync::atomic::AtomicUsize::new(0);
        move |file: &mut fs::File, bytes: &[u8]| {
            if count.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == fail {
                file.write_all(&bytes[..bytes.len() / 2])?;
                return Err(io::Error::new(io::ErrorKind::StorageFull, "no space left"));
            }
            file.write_all(bytes)
        }
    }

    // A write that fails at any one file of a build (a full disk) leaves
    // both reports exactly as they were, with no temporary file; a first
    // build that fails leaves no file at all, so no README links to charts
    // that were never written.
    #[test]
    fn failed_writes_leave_every_report_as_it_was() -> Result<()> {
        let root = tempfile::tempdir().map_err(anyhow::Error::new)?;
        let (one, two) = (root.path().join("one"), root.path().join("two"));
        let old = [
            report(
                &one,
                &[("README.md", "old 1"), ("a.svg", "a"), ("b.svg", "b")],
            ),
            report(&two, &[("README.md", "old 2"), ("c.svg", "c")]),
        ];
        apply(&old)?;
        fs::write(one.join("brief.md"), "notebook").map_err(anyhow::Error::new)?;
        let before = (snapshot(&one)?, snapshot(&two)?);
        // Changed: one's README and a.svg, a new d.svg, b.svg gone; two's
        // README. Four files to write.
        let new = [
            report(
                &one,
                &[("README.md", "new 1"), ("a.svg", "A"), ("d.svg", "d")],
            ),
            report(&two, &[("README.md", "new 2"), ("c.svg", "c")]),
        ];
        for fail in 0..4 {
            let error = apply_with(&new, &failing_at(fail)).err();
            assert!(error.is_some(), "write {fail} did not fail");
            assert_eq!((snapshot(&one)?, snapshot(&two)?), before, "write {fail}");
        }
        apply_with(&new, &failing_at(4))?;
        assert_eq!(names(&one)?, ["README.md", "a.svg", "brief.md", "d.svg"]);
        let first = root.path().join("first");
        for fail in 0..3 {
            let new = report(
                &first,
                &[("README.md", "r"), ("a.svg", "a"), ("b.svg", "b")],
            );
            assert!(apply_with(&[new], &failing_at(fail)).is_err());
            assert_eq!(names(&first)?, Vec::<String>::new(), "write {fail}");
        }
        Ok(())
    }

    // A temporary file is never opened where something already is: a link
    // planted at the drawn name is left alone (and its target untouched),
    // and the file is staged under another name.
    #[test]
    fn staging_never_opens_an_existing_path() -> Result<()> {
        let dir = tempfile::tempdir().map_err(anyhow::Error::new)?;
        let victim = dir.path().join("victim");
        fs::write(&victim, "precious").map_err(anyhow::Error::new)?;
        let planted = dir.path().join(temporary_name());
        std::os::unix::fs::symlink(&victim, &planted).map_err(anyhow::Error::new)?;
        let opened = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&planted);
        assert_eq!(
            opened.err().map(|e| e.kind()),
            Some(io::ErrorKind::AlreadyExists)
        );
        let temp = stage(dir.path(), b"new", &write_bytes).map_err(anyhow::Error::new)?;
        assert_ne!(temp, planted);
        assert!(is_temporary(
            &temp.file_name().unwrap_or_default().to_string_lossy()
        ));
        assert_eq!(fs::read(&victim).map_err(anyhow::Error::new)?, b"precious");
        Ok(())
    }

    // apply removes stale charts it generated, but never the notebook, an
    // author's SVG (no generator mark) or other files.
    #[test]
    fn apply_removes_only_stale_charts() -> Result<()> {
        let dir = tempfile::tempdir().map_err(anyhow::Error::new)?;
        for name in ["brief.md", "old.svg", "notes.txt", "keep.svg", "map.svg"] {
            fs::write(dir.path().join(name), marked(name, "x")).map_err(anyhow::Error::new)?;
        }
        // An author's chart: no generator mark.
        fs::write(dir.path().join("map.svg"), "<svg/>").map_err(anyhow::Error::new)?;
        apply(&[report(dir.path(), &[("README.md", "r"), ("keep.svg", "k")])])?;
        let names = names(dir.path())?;
        assert_eq!(
            names,
            ["README.md", "brief.md", "keep.svg", "map.svg", "notes.txt"]
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("keep.svg")).map_err(anyhow::Error::new)?,
            marked("keep.svg", "k")
        );
        assert_eq!(
            fs::read(dir.path().join("map.svg")).map_err(anyhow::Error::new)?,
            b"<svg/>"
        );
        Ok(())
    }

    // A build removes the temporary files a killed build left (and links
    // planted at such names), and only those.
    #[test]
    fn apply_removes_leftover_temporary_files() -> Result<()> {
        let dir = tempfile::tempdir().map_err(anyhow::Error::new)?;
        for name in [
            ".README.md.tmp-123",
            ".a.svg.tmp-9",
            ".keep.tmp-x",
            ".tmp-1",
            ".rangefinder-0123456789abcdef.tmp",
        ] {
            fs::write(dir.path().join(name), "half").map_err(anyhow::Error::new)?;
        }
        // Links planted at temporary names go too: the link, not its target.
        let outside = tempfile::tempdir().map_err(anyhow::Error::new)?;
        let victim = outside.path().join("victim");
        fs::write(&victim, "precious").map_err(anyhow::Error::new)?;
        for name in [".README.md.tmp-7", ".rangefinder-fedcba9876543210.tmp"] {
            std::os::unix::fs::symlink(&victim, dir.path().join(name))
                .map_err(anyhow::Error::new)?;
        }
        apply(&[report(dir.path(), &[("README.md", "r")])])?;
        let names = names(dir.path())?;
        assert_eq!(names, [".keep.tmp-x", ".tmp-1", "README.md"]);
        assert_eq!(fs::read(&victim).map_err(anyhow::Error::new)?, b"precious");
        Ok(())
    }

    // The report folder is locked while a build writes it: a second lock
    // waits until the first is released.
    #[test]
    fn report_folder_lock_is_exclusive() -> Result<()> {
        let dir = tempfile::tempdir().map_err(anyhow::Error::new)?;
        let held = lock(dir.path())?;
        let other = fs::File::open(dir.path()).map_err(anyhow::Error::new)?;
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
        fs::write(dir.path().join("gone.svg"), marked("gone.svg", "g"))
            .map_err(anyhow::Error::new)?;
        fs::write(dir.path().join("authored.svg"), "<svg/>").map_err(anyhow::Error::new)?;
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
