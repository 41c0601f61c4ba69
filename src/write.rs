//! The only code that touches output folders: each report built whole in
//! a new folder and swapped in for the old one at once, removal of files a
//! build no longer produces, and `--check`.
//!
//! CI builds reports on a pull request's files, so a report folder may hold
//! whatever an outsider committed: links planted at likely temporary names,
//! a README that is a link to a file elsewhere or a FIFO, a report folder
//! or `reports/` itself that is a link. New files and folders are therefore
//! created new (`O_CREAT | O_EXCL`, `mkdir`: never an existing path, never
//! through a link) under unguessable names; a report file that is a link is
//! replaced, never read or written through; anything else that is not a
//! regular file, and a report folder reached through a link, is refused
//! before anything is written.

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
        no_links(report)?;
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

/// Writes every report, each replaced whole. A report with anything to
/// change is built complete in a new folder beside it (its unchanged files
/// hard-linked from the old one, the changed ones written and synced); only
/// when every report's new folder is ready are they swapped in, each by one
/// atomic exchange of the two folders (Linux `renameat2(RENAME_EXCHANGE)`),
/// and the old folders removed. So a build killed at any moment leaves each
/// report wholly old or wholly new (renaming file by file left a README
/// beside charts of another build in 7 of 60 kills aimed at the renames),
/// and a failure before the swaps (a full disk, a name too long, a bad
/// file in a report folder) leaves every report exactly as it was.
///
/// Builds of reports in one folder take turns: that folder (`reports/`) is
/// locked while they write, and under the lock the new folders and old
/// files a killed build left are removed first. A shell whose current
/// folder is a report folder sees it replaced (`cd .` finds the new one).
pub fn apply(reports: &[Report]) -> Result<Vec<Outcome>> {
    apply_with(reports, &write_bytes)
}

/// [`apply`] with the given [`Writer`].
fn apply_with(reports: &[Report], writer: &Writer) -> Result<Vec<Outcome>> {
    for report in reports {
        no_links(&report.dir)?;
    }
    let mut parents: Vec<PathBuf> = reports.iter().map(|r| parent(&r.dir)).collect();
    parents.sort();
    parents.dedup();
    let mut locks = Vec::with_capacity(parents.len());
    for parent in &parents {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        locks.push(lock(parent)?);
        for name in leftovers(parent)? {
            remove_entry(&parent.join(name))?;
        }
    }
    // What each report changes, found before anything is written, so that
    // a FIFO or device in any report folder stops the build with no file
    // written.
    let mut plans = Vec::with_capacity(reports.len());
    for report in reports {
        fs::create_dir_all(&report.dir)
            .with_context(|| format!("creating {}", report.dir.display()))?;
        let mut files = Vec::new();
        for (name, bytes) in &report.files {
            if on_disk(&report.dir.join(name), bytes)? != OnDisk::Same {
                files.push((name.as_str(), bytes.as_slice()));
            }
        }
        plans.push(Plan {
            files,
            removed: stale(report)?,
            leftovers: leftovers(&report.dir)?,
        });
    }
    let mut staged: Vec<(usize, PathBuf)> = Vec::new();
    for (k, (report, plan)) in reports.iter().zip(&plans).enumerate() {
        if plan.is_empty() {
            continue;
        }
        match stage_report(report, plan, writer) {
            Ok(folder) => staged.push((k, folder)),
            Err(error) => {
                for (_, folder) in &staged {
                    let _ = fs::remove_dir_all(folder);
                }
                return Err(error);
            }
        }
    }
    for (k, folder) in &staged {
        swap(&reports[*k].dir, folder, &plans[*k])?;
    }
    // Best effort: syncing a folder makes the renames in it durable.
    for lock in &locks {
        let _ = lock.sync_all();
    }
    Ok(plans
        .iter()
        .map(|plan| {
            if plan.files.is_empty() && plan.removed.is_empty() {
                Outcome::Unchanged
            } else {
                Outcome::Written
            }
        })
        .collect())
}

/// What a build changes in one report folder.
struct Plan<'a> {
    /// Files to write (new or with other bytes), by name.
    files: Vec<(&'a str, &'a [u8])>,
    /// Generated charts the report no longer holds.
    removed: Vec<String>,
    /// Temporary files a killed build of an older version left.
    leftovers: Vec<String>,
}

impl Plan<'_> {
    /// Whether the folder stays exactly as it is.
    fn is_empty(&self) -> bool {
        self.files.is_empty() && self.removed.is_empty() && self.leftovers.is_empty()
    }

    /// Whether the new folder leaves out the old folder's entry `name`
    /// (replaced, no longer produced, or a leftover).
    fn drops(&self, name: &str) -> bool {
        self.files.iter().any(|(n, _)| *n == name)
            || self.removed.iter().any(|n| n == name)
            || self.leftovers.iter().any(|n| n == name)
    }
}

/// The folder that holds the report folder `dir` (`reports/`).
fn parent(dir: &Path) -> PathBuf {
    let absolute = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    match absolute.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Builds the new version of `report` in a new folder beside it: every
/// entry of the old folder the build keeps (the notebook, an author's
/// files, editions) hard-linked or, across file systems, copied; every
/// changed file written and synced. Returns the new folder; on failure
/// removes it.
fn stage_report(report: &Report, plan: &Plan<'_>, writer: &Writer) -> Result<PathBuf> {
    let context = || format!("writing {}", report.dir.display());
    let folder = fresh_folder(&parent(&report.dir)).with_context(context)?;
    let built = (|| -> Result<()> {
        keep_entries(&report.dir, &folder, Some(plan))?;
        // Each file is synced as it is written; the folders are synced
        // once, after the swaps (a sync of each new folder before its swap
        // cost a fifth of a million-claim build's writing).
        write_all(&report.dir, &folder, &plan.files, writer)
    })();
    match built {
        Ok(()) => Ok(folder),
        Err(error) => {
            let _ = fs::remove_dir_all(&folder);
            Err(error)
        }
    }
}

/// Creates a new, empty folder with a temporary name in `parent`; never
/// reuses an existing path.
fn fresh_folder(parent: &Path) -> io::Result<PathBuf> {
    fresh_name(parent, |path| fs::create_dir(path))
}

/// Makes something new at a fresh temporary name in `dir` with `make`,
/// which must fail with `AlreadyExists` where the name is taken (a link
/// planted at it included): the name is then drawn again. Returns the path.
fn fresh_name(dir: &Path, mut make: impl FnMut(&Path) -> io::Result<()>) -> io::Result<PathBuf> {
    const TRIES: usize = 16;
    for _ in 0..TRIES {
        let path = dir.join(temporary_name());
        match make(&path) {
            Ok(()) => return Ok(path),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{TRIES} temporary names in a row were taken"),
    ))
}

/// Recreates in `to` every entry of `from` (links as links, folders
/// folder by folder, files as hard links to the same bytes, or copies where
/// the file system has none), leaving out, at the top, what `plan` drops.
/// Anything else (a FIFO, a device) is refused: it is never opened.
fn keep_entries(from: &Path, to: &Path, plan: Option<&Plan<'_>>) -> Result<()> {
    let listing = || format!("listing {}", from.display());
    let mut entries: Vec<fs::DirEntry> = fs::read_dir(from)
        .with_context(listing)?
        .collect::<io::Result<_>>()
        .with_context(listing)?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name();
        if plan.is_some_and(|plan| name.to_str().is_some_and(|n| plan.drops(n))) {
            continue;
        }
        let (source, target) = (from.join(&name), to.join(&name));
        let context = || format!("keeping {}", source.display());
        let file_type = entry.file_type().with_context(context)?;
        if file_type.is_symlink() {
            let points = fs::read_link(&source).with_context(context)?;
            std::os::unix::fs::symlink(points, &target).with_context(context)?;
        } else if file_type.is_dir() {
            fs::create_dir(&target).with_context(context)?;
            keep_entries(&source, &target, None)?;
        } else if file_type.is_file() {
            if fs::hard_link(&source, &target).is_err() {
                fs::copy(&source, &target).with_context(context)?;
            }
        } else {
            return Err(anyhow::anyhow!(
                "{}: is {}, in a report folder (a build keeps files, folders and links when it \
                 replaces the folder; remove it and build again)",
                source.display(),
                input::kind(file_type)
            )
            .into());
        }
    }
    Ok(())
}

/// Writes each of `files` into the new folder `folder` of the report in
/// `dir`, several at once (each waits for its own sync to the disk, and
/// waiting for them one after another made the wait most of a build's
/// writing); the first error (in file order) is returned.
fn write_all(dir: &Path, folder: &Path, files: &[(&str, &[u8])], writer: &Writer) -> Result<()> {
    const AT_ONCE: usize = 8;
    for batch in files.chunks(AT_ONCE) {
        let written = parallel::map(batch.to_vec(), |(name, bytes)| {
            write_new(&folder.join(name), bytes, writer)
                .with_context(|| format!("writing {}", dir.join(name).display()))
        });
        written.into_iter().collect::<anyhow::Result<Vec<()>>>()?;
    }
    Ok(())
}

/// Writes `bytes` to the new file `path` (`create_new`: never an existing
/// path, a link included) and syncs it.
fn write_new(path: &Path, bytes: &[u8], writer: &Writer) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    writer(&mut file, bytes).and_then(|()| file.sync_all())
}

/// Puts the new folder `folder` in the place of the report folder `dir`
/// and removes the old one. One atomic exchange where the system has it;
/// elsewhere (another system, a file system without it) two renames, old
/// folder out and new folder in, between which the report is briefly
/// missing. An entry that appeared in the old folder meanwhile (an editor
/// saving the notebook by renaming a new file over it) is moved into the
/// new folder, never removed.
fn swap(dir: &Path, folder: &Path, plan: &Plan<'_>) -> Result<()> {
    let context = || format!("replacing {}", dir.display());
    // `.` (a build run inside the report folder) cannot be renamed as such.
    let dir = &fs::canonicalize(dir).with_context(context)?;
    let old = if exchange(folder, dir).with_context(context)? {
        folder.to_path_buf()
    } else {
        let old = fresh_folder(&parent(dir)).with_context(context)?;
        fs::remove_dir(&old).with_context(context)?;
        fs::rename(dir, &old).with_context(context)?;
        fs::rename(folder, dir).with_context(context)?;
        old
    };
    if let Ok(entries) = fs::read_dir(&old) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let kept = dir.join(&name);
            let dropped = name.to_str().is_some_and(|n| plan.drops(n));
            if !dropped && fs::symlink_metadata(&kept).is_err() {
                fs::rename(entry.path(), &kept).with_context(context)?;
            }
        }
    }
    fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
    Ok(())
}

/// Exchanges the folders at `a` and `b` atomically: `Ok(false)` where the
/// system or file system cannot.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS | rustix::io::Errno::OPNOTSUPP) => {
            Ok(false)
        }
        Err(error) => Err(error.into()),
    }
}

/// Exchanges the folders at `a` and `b` atomically: `Ok(false)` where the
/// system or file system cannot.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Removes `path` itself: a file or a link (never what it points to), or
/// a folder with everything in it.
fn remove_entry(path: &Path) -> Result<()> {
    let is_dir = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_dir());
    let removed = if is_dir {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    removed.with_context(|| format!("removing {}", path.display()))?;
    Ok(())
}

/// Writes `bytes` to a new temporary file in `dir` and syncs it; returns
/// its path. The file is created new (`create_new`: `O_CREAT | O_EXCL`), so
/// an existing path, a link planted at the name included, is never opened:
/// the name is drawn again.
fn stage(dir: &Path, bytes: &[u8], writer: &Writer) -> io::Result<PathBuf> {
    fresh_name(dir, |temp| {
        write_new(temp, bytes, writer).inspect_err(|error| {
            // Ours once created: an existing path is never touched.
            if error.kind() != io::ErrorKind::AlreadyExists {
                let _ = fs::remove_file(temp);
            }
        })
    })
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
    let current = is_current_temporary(name);
    let older = name.starts_with('.')
        && name.rsplit_once(".tmp-").is_some_and(|(stem, pid)| {
            stem.len() > 1 && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
        });
    current || older
}

/// True for a name [`temporary_name`] draws.
fn is_current_temporary(name: &str) -> bool {
    name.strip_prefix(TEMP_PREFIX)
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|hex| hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Takes an exclusive lock on a folder itself (no lock file is
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
        // A folder only under this version's names: the new or old
        // folder of a killed build (an author's `.x.tmp-1` folder stays).
        let removable = entry.file_type().is_ok_and(|t| {
            t.is_file() || t.is_symlink() || (t.is_dir() && is_current_temporary(&name))
        });
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

/// Refuses a report folder reached through a symbolic link inside the
/// project (the folder `project::root` finds): `reports/` or a report
/// folder that is a link. A pull request could otherwise commit `reports/x`
/// as a link to any folder and have its files replaced and its charts
/// removed, or `reports/` as a link into `data/` so that a build writes
/// there. Links above the project (a home folder on another disk) are
/// the user's own and followed.
fn no_links(dir: &Path) -> Result<()> {
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
        // Where the link itself lies: inside the project, or above it.
        let within = prefix
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .and_then(|p| fs::canonicalize(p).ok())
            .is_some_and(|p| p.starts_with(&root));
        if within {
            return Err(anyhow::anyhow!(
                "{}: is a symbolic link; the reports folder and each report folder must be \
                 folders of the project (replace the link with a folder)",
                prefix.display(),
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
        no_links(&report.dir)?;
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
/// only regular `*.svg` files and `index.html` that start with the
/// generator's mark (charts and pages a build wrote), never an author's
/// SVG or page, the notebook, a link or anything else, sorted.
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
        let Some(mark) = mark_of(&name) else {
            continue;
        };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && !report.files.contains_key(&name) {
            let path = report.dir.join(&name);
            if has_mark(&path, mark).with_context(|| format!("reading {}", path.display()))? {
                names.push(name);
            }
        }
    }
    names.sort();
    Ok(names)
}

/// How a generated file shows that a build wrote it.
#[derive(Debug, Clone, Copy)]
enum Mark {
    /// It starts with these bytes (charts, the HTML page).
    Starts(&'static str),
    /// A PDF whose metadata names rangefinder as the tool that made it.
    Pdf,
}

/// What the PDF's XMP metadata holds when rangefinder made it (the
/// creator `pdf::document` sets; a PDF cannot start with a comment).
const PDF_MARK: &[u8] = b"<xmp:CreatorTool>rangefinder</xmp:CreatorTool>";

/// The mark of a generated file named `name`: charts (`*.svg`), the HTML
/// page and the PDF; `None` for any other name, never removed.
fn mark_of(name: &str) -> Option<Mark> {
    if name.starts_with('.') {
        None
    } else if name.ends_with(".svg") {
        Some(Mark::Starts(svg::MARK))
    } else if name == "index.html" {
        Some(Mark::Starts(crate::html::MARK))
    } else if name == "report.pdf" {
        Some(Mark::Pdf)
    } else {
        None
    }
}

/// Whether the regular file at `path` carries `mark` (a file a build
/// wrote); reads no more than the mark's length, or for a PDF the file
/// (bounded as every read is).
fn has_mark(path: &Path, mark: Mark) -> io::Result<bool> {
    use std::io::Read as _;
    match mark {
        Mark::Starts(mark) => {
            let mark = mark.as_bytes();
            let (file, _) = input::open(path, input::DATA_LIMIT)?;
            let mut start = Vec::with_capacity(mark.len());
            file.take(mark.len() as u64).read_to_end(&mut start)?;
            Ok(start == mark)
        }
        Mark::Pdf => {
            let bytes = input::read(path, input::DATA_LIMIT)?;
            Ok(bytes.starts_with(b"%PDF-") && bytes.windows(PDF_MARK.len()).any(|w| w == PDF_MARK))
        }
    }
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
