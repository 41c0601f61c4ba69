//! `rangefinder publish REPORT`: builds the report as of a day and freezes
//! it into a new edition (never over an existing one), then rebuilds the
//! report itself, whose README lists its editions; and `publish --verify
//! REPORT`, which rebuilds every edition from the commit its
//! `edition.toml` records (the data and notebook read from git the way
//! `diff` reads a revision, through `diff::git`) and compares byte for
//! byte.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::data::{Dataset, Day};
use crate::diff::git::Repo;
use crate::edition::{Edition, RECORD, folder, relink, sha256, today};
use crate::error::{Error, Result};
use crate::notebook::{self, Parsed};
use crate::write::{self, Report};

/// What `publish` needs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The report's notebook (`reports/<name>/brief.md`).
    pub notebook: PathBuf,
    /// The edition's as-of day; default: the notebook's, else the data's.
    pub as_of: Option<Day>,
    /// The publication day; default: today (UTC).
    pub published: Option<Day>,
    /// The project's `data/` (for a notebook that names none).
    pub default_data: PathBuf,
}

/// What `publish` did.
#[derive(Debug)]
pub struct Published {
    /// The edition's folder.
    pub folder: PathBuf,
    /// Warnings for the user (no commit recorded, and why).
    pub warnings: Vec<String>,
    /// Whether the report itself was rewritten (its list of editions).
    pub report: write::Outcome,
}

/// Builds every notebook of `parsed` from its data folder (loaded here):
/// the reports in memory.
fn build(parsed: &mut [Parsed]) -> Result<Vec<Report>> {
    let mut datasets: BTreeMap<PathBuf, Dataset> = BTreeMap::new();
    for p in parsed.iter() {
        if !datasets.contains_key(&p.data) {
            let loaded = crate::data::load::load(&p.data).map_err(Error::Data)?;
            datasets.insert(p.data.clone(), loaded.dataset);
        }
    }
    notebook::build(parsed, &datasets)
}

/// Reads the one notebook at `path`, as of `as_of` when given.
fn read(path: &Path, as_of: Option<Day>, default_data: &Path) -> Result<Parsed> {
    let options = notebook::Options {
        as_of,
        default_data: default_data.to_path_buf(),
        ..notebook::Options::default()
    };
    notebook::read(&[path.to_path_buf()], &options)?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("{}: not read", path.display()).into())
}

/// The edition's files: the report's, its README relinked from the
/// edition's folder.
fn edition_files(mut report: Report) -> BTreeMap<String, Vec<u8>> {
    if let Some(readme) = report.files.get("README.md") {
        let text = String::from_utf8_lossy(readme).into_owned();
        let relinked = relink(&text, &report.files);
        report
            .files
            .insert("README.md".into(), relinked.into_bytes());
    }
    report.files
}

/// Publishes the report of `options.notebook` as an edition.
pub fn publish(options: &Options) -> Result<Published> {
    let mut parsed = read(&options.notebook, options.as_of, &options.default_data)?;
    let data = crate::data::load::load(&parsed.data).map_err(Error::Data)?;
    let as_of = options
        .as_of
        .or(parsed.as_of())
        .or_else(|| data.dataset.latest_claimed())
        .ok_or_else(|| anyhow::anyhow!("{}: no claims", parsed.data.display()))?;
    if let Some(latest) = parsed.editions.iter().map(|e| e.as_of).max()
        && latest >= as_of
    {
        let message = if latest == as_of {
            format!(
                "the edition as of {as_of} is already published ({}); a published edition is \
                 never written again",
                folder(&parsed.dir, as_of).display()
            )
        } else {
            format!(
                "an edition as of {latest} is already published: editions are published in \
                 order, each after the last (publish --as-of a later day)"
            )
        };
        return Err(Error::Usage(message));
    }
    parsed.as_edition(as_of);
    let mut warnings = Vec::new();
    let commit = committed(&parsed, &mut warnings)?;
    let report = build(std::slice::from_mut(&mut parsed))?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("{}: not built", options.notebook.display()))?;
    let mut files = edition_files(report);
    let edition = Edition {
        as_of,
        published: options.published.unwrap_or_else(today),
        commit,
        files: files.iter().map(|(n, b)| (n.clone(), sha256(b))).collect(),
    };
    let name = parsed.dir.display().to_string();
    files.insert(RECORD.into(), edition.record(&name).into_bytes());
    let target = folder(&parsed.dir, as_of);
    write::new_folder(&target, &files)?;
    // The report itself lists its editions: rebuilt with the new one.
    let mut report = vec![read(&options.notebook, None, &options.default_data)?];
    let reports = build(&mut report)?;
    let outcome = write::apply(&reports)?
        .pop()
        .unwrap_or(write::Outcome::Unchanged);
    Ok(Published {
        folder: target,
        warnings,
        report: outcome,
    })
}

/// The commit the data and notebook of `parsed` are at, when git has them
/// with no change in the work tree; else `None` and a warning saying why.
fn committed(parsed: &Parsed, warnings: &mut Vec<String>) -> Result<Option<String>> {
    let Ok(repo) = repo_of(parsed) else {
        warnings.push(
            "warning: not in a git repository: the edition records no commit, so \
             `publish --verify` cannot rebuild it"
                .into(),
        );
        return Ok(None);
    };
    let notebook = repo.relative(&parsed.notebook_path())?;
    let data = repo.relative(&parsed.data)?;
    let dirty = repo.status(&[&notebook, if data.is_empty() { "." } else { &data }])?;
    if !dirty.trim().is_empty() {
        let changed: Vec<&str> = dirty
            .lines()
            .take(5)
            .map(|l| l.get(3..).unwrap_or(l))
            .collect();
        warnings.push(format!(
            "warning: the data or notebook have uncommitted changes ({}): the edition records \
             no commit, so `publish --verify` cannot rebuild it; commit them and publish again \
             to record one",
            changed.join(", ")
        ));
        return Ok(None);
    }
    Ok(Some(repo.resolve("HEAD")?.commit))
}

/// The repository of the project `parsed` belongs to, found as `diff`
/// finds it: asked of git from the project root, never from inside the
/// data or reports folder, through `diff::git`'s hardened git.
fn repo_of(parsed: &Parsed) -> Result<Repo> {
    let root = crate::project::root();
    // The folder holding the report folder: named as given (so a link on
    // the way is seen and refused), or found when the report is `.`.
    let reports = match parsed.dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => std::fs::canonicalize(&parsed.dir)
            .map_err(|e| anyhow::anyhow!("{}: {e}", parsed.dir.display()))?
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
    };
    Repo::find(&root, &parsed.data, &reports)
}

/// Rebuilds every edition of the report of `notebook` from its recorded
/// commit and compares each file byte for byte: the problems, one line
/// each naming the file (empty: every edition is reproducible), and a
/// status line per edition.
pub fn verify(notebook_path: &Path, default_data: &Path) -> Result<(Vec<String>, Vec<String>)> {
    let parsed = read(notebook_path, None, default_data)?;
    let mut problems = Vec::new();
    let mut status = Vec::new();
    if parsed.editions.is_empty() {
        status.push(format!("{}: no editions", parsed.dir.display()));
    }
    for edition in &parsed.editions {
        let dir = folder(&parsed.dir, edition.as_of);
        let found = verify_one(&parsed, edition, &dir)?;
        status.push(format!(
            "{}: {}",
            dir.display(),
            if found.is_empty() {
                "rebuilt identical"
            } else {
                "differs"
            }
        ));
        problems.extend(found);
    }
    Ok((status, problems))
}

/// What `publish` prints: the edition's folder, and whether the report
/// itself was rewritten.
pub fn summary(done: &Published) -> String {
    let report = match done.report {
        write::Outcome::Written => "written (it lists the new edition)",
        write::Outcome::Unchanged => "unchanged",
    };
    let dir = done
        .folder
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("."));
    format!(
        "{}: published\n{}: {report}\n",
        super::shown(&done.folder),
        super::shown(dir)
    )
}

/// `publish --verify`: [`verify`]'s lines to print, and the editions that
/// differ as the error.
pub fn verified(notebook: &Path, default_data: &Path) -> Result<super::Printed> {
    let (status, problems) = verify(notebook, default_data)?;
    Ok(super::Printed {
        status: status.iter().map(|l| format!("{l}\n")).collect(),
        outcome: if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Stale(problems))
        },
    })
}

/// One edition rebuilt at its commit and compared with its folder.
fn verify_one(parsed: &Parsed, edition: &Edition, dir: &Path) -> Result<Vec<String>> {
    let Some(commit) = &edition.commit else {
        return Ok(vec![format!(
            "{}: records no commit (published from uncommitted data or notebook), so it \
             cannot be rebuilt",
            dir.join(RECORD).display()
        )]);
    };
    let repo = repo_of(parsed)?;
    let rev = repo.resolve(commit)?;
    let temp = tempfile::tempdir().map_err(|e| anyhow::anyhow!("temporary folder: {e}"))?;
    let report = repo.relative(&parsed.dir)?;
    let brief = format!(
        "{}{}brief.md",
        report,
        if report.is_empty() { "" } else { "/" }
    );
    let Some(text) = repo.blob(&rev, &brief, crate::input::NOTEBOOK_LIMIT)? else {
        return Ok(vec![format!(
            "{}: commit {commit} has no {brief} to rebuild it from",
            dir.join(RECORD).display()
        )]);
    };
    let at = temp.path().join(&report);
    std::fs::create_dir_all(&at).map_err(|e| anyhow::anyhow!("{}: {e}", at.display()))?;
    write::write_file(&at.join("brief.md"), &text)?;
    let data_top = repo.relative(&parsed.data)?;
    let mut rebuilt = read(
        &at.join("brief.md"),
        Some(edition.as_of),
        &temp.path().join(&data_top),
    )?;
    // The notebook at the commit names its data folder relative to itself;
    // it lies in the temporary copy as it lay in the repository.
    let inside = rebuilt
        .data
        .strip_prefix(temp.path())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| data_top.clone());
    let into = temp.path().join(&inside);
    std::fs::create_dir_all(&into).map_err(|e| anyhow::anyhow!("{}: {e}", into.display()))?;
    let refused = repo.export(&rev, &inside, &into)?;
    if !refused.is_empty() {
        return Err(Error::Data(refused));
    }
    let events = format!(
        "{inside}{}events.csv",
        if inside.is_empty() { "" } else { "/" }
    );
    if let Some(bytes) = repo.blob(&rev, &events, crate::input::DATA_LIMIT)? {
        write::write_file(&into.join("events.csv"), &bytes)?;
    }
    rebuilt.data = into;
    rebuilt.editions = parsed.editions.clone();
    rebuilt.as_edition(edition.as_of);
    let report = build(std::slice::from_mut(&mut rebuilt))?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("{}: not rebuilt", dir.display()))?;
    let files = edition_files(report);
    let short: String = commit.chars().take(12).collect();
    let mut problems = Vec::new();
    for (name, bytes) in &files {
        let path = dir.join(name);
        match crate::input::read(&path, crate::input::DATA_LIMIT) {
            Ok(disk) if disk == *bytes => {}
            Ok(_) => problems.push(format!(
                "{}: differs from the edition rebuilt at commit {short}",
                path.display()
            )),
            Err(_) => problems.push(format!(
                "{}: missing (the edition rebuilt at commit {short} has it)",
                path.display()
            )),
        }
    }
    for name in edition.files.keys().filter(|n| !files.contains_key(*n)) {
        problems.push(format!(
            "{}: not in the edition rebuilt at commit {short}",
            dir.join(name).display()
        ));
    }
    Ok(problems)
}
