//! `rangefinder diff [A_REV] [B_REV]`: the figures of two versions of the
//! data, and the claims that moved them, as `git diff` and `dvc metrics
//! diff` compare versions (A defaults to `HEAD`, B to the working tree).
//!
//! `git` reads each revision's data folder into a temporary folder, the
//! normal loader validates it and the normal analysis computes its figures
//! as of its own default day; `compare` finds the rows that differ, `model`
//! puts them beside the figures, `render` and `json` write the result.

mod compare;
pub(crate) mod git;
mod json;
mod model;
mod render;

use std::path::{Path, PathBuf};

use crate::analysis;
use crate::data::{self, Dataset, Day};
use crate::error::{Error, Result};
use crate::render::Format;
use git::{Repo, Rev};
use model::Version;

pub use render::MARKER;

/// What `diff` was asked to compare, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The earlier revision (default `HEAD`).
    pub a: String,
    /// The later revision; `None`: the working tree.
    pub b: Option<String>,
    /// The project root (the folder holding `data/` and `reports/`), from
    /// which git is asked for the repository; empty: the current folder.
    pub root: PathBuf,
    /// The data folder in the working tree (its path in git is the same).
    pub data: PathBuf,
    /// The reports folder, whose committed charts are compared.
    pub reports: PathBuf,
    /// The day both versions are viewed as of; default: each its own.
    pub as_of: Option<Day>,
    /// List unchanged metrics too.
    pub all: bool,
    pub format: Format,
    /// Image URL template with `{rev}` and `{path}`.
    pub image_url: Option<String>,
}

/// Compares the two versions and writes the result to `out`: the
/// terminal listing and the JSON as they are made (a diff of two very
/// different million-claim versions is hundreds of megabytes of either,
/// never held whole), the comment (at most 64 kB) whole.
pub fn run(options: &Options, out: &mut dyn std::io::Write) -> Result<()> {
    let repo = Repo::find(&options.root, &options.data, &options.reports)?;
    let data = repo.relative(&options.data)?;
    let reports = repo.relative(&options.reports)?;
    let a = repo.resolve(&options.a)?;
    let b = options.b.as_deref().map(|b| repo.resolve(b)).transpose()?;
    if options.image_url.is_some() && b.is_none() {
        return Err(Error::Usage(
            "--image-url needs B_REV: charts in the working tree have no URL \
             (commit them and name the commit)"
                .into(),
        ));
    }
    let temp = tempfile::tempdir()
        .map_err(|e| Error::Other(anyhow::Error::new(e).context("creating a temporary folder")))?;
    // The two versions are read, validated and analysed at the same time:
    // while git inflates one version's blob the other is parsed.
    let both = crate::timing::phase("both versions");
    let side = |rev: Option<&Rev>, folder: &str| -> Result<Side> {
        let mut problems = Vec::new();
        let loaded = match rev {
            Some(rev) => from_git(&repo, rev, &data, &temp.path().join(folder), &mut problems)?,
            None => from_disk(&options.data, &mut problems),
        };
        let version = loaded.map(|l| version(l, options.as_of)).transpose()?;
        Ok((version, problems))
    };
    let (before, after) = crate::parallel::join(|| side(Some(&a), "a"), || side(b.as_ref(), "b"));
    let ((before, mut problems), (after, more)) = (before?, after?);
    problems.extend(more);
    let (Some(before), Some(after)) = (before, after) else {
        return Err(Error::Version(problems));
    };
    drop(both);
    let compare = crate::timing::phase("compare claims");
    let claims = compare::claims(&before.dataset, &after.dataset);
    drop(compare);
    let charts = repo.changed_charts(&a, b.as_ref(), &reports)?;
    let model = crate::timing::phase("model");
    let diff = model::build(&before, &after, &claims, charts, options.all);
    drop(model);
    let written = match options.format {
        Format::Text => render::text(&diff, out),
        Format::Markdown => {
            out.write_all(render::markdown(&diff, options.image_url.as_deref()).as_bytes())
        }
        // The command line refuses csv for `diff`.
        Format::Json | Format::Csv => json::render(&diff, out),
    }
    .and_then(|()| out.flush());
    drop(diff);
    // A million claims are a few hundred megabytes to give back.
    crate::parallel::drop_in_background((before, after, claims));
    written.map_err(|e| Error::Other(anyhow::Error::new(e).context("writing to stdout")))
}

/// A loaded version not yet analysed: its name, commit and data.
type Loaded = (String, Option<String>, Dataset);

/// One side of the comparison: its version, or `None` and the lines
/// saying why it fails `check`.
type Side = (Option<Version>, Vec<String>);

/// The data of `rev`, validated; on failure its problems join `problems`.
fn from_git(
    repo: &Repo,
    rev: &Rev,
    data: &str,
    dir: &Path,
    problems: &mut Vec<String>,
) -> Result<Option<Loaded>> {
    std::fs::create_dir(dir)
        .map_err(|e| Error::Other(anyhow::Error::new(e).context(dir.display().to_string())))?;
    let export = crate::timing::phase("git export");
    let refused = repo.export(rev, data, dir)?;
    drop(export);
    // Messages name the files as `REV:data/claims.csv`, not the temporary copy.
    let prefix = dir.join("").display().to_string();
    let shown = if data.is_empty() {
        format!("{}:", rev.name)
    } else {
        format!("{}:{data}/", rev.name)
    };
    let loaded = data::load::load(dir);
    let diagnostics = match loaded {
        Ok(loaded) if refused.is_empty() => {
            return Ok(Some((
                rev.name.clone(),
                Some(rev.commit.clone()),
                loaded.dataset,
            )));
        }
        Ok(loaded) => refused.into_iter().chain(loaded.warnings).collect(),
        Err(list) => refused.into_iter().chain(list).collect::<Vec<_>>(),
    };
    fail(
        &rev.name,
        diagnostics,
        |file| file.replacen(&prefix, &shown, 1),
        problems,
    );
    Ok(None)
}

/// The data in the working tree, validated.
fn from_disk(dir: &Path, problems: &mut Vec<String>) -> Option<Loaded> {
    match data::load::load(dir) {
        Ok(loaded) => Some(("working tree".into(), None, loaded.dataset)),
        Err(diagnostics) => {
            fail("the working tree", diagnostics, str::to_owned, problems);
            None
        }
    }
}

/// Adds the lines saying `name` fails `check`, with every diagnostic.
fn fail(
    name: &str,
    mut diagnostics: Vec<data::Diagnostic>,
    rename: impl Fn(&str) -> String,
    problems: &mut Vec<String>,
) {
    for d in &mut diagnostics {
        d.file = rename(&d.file);
    }
    diagnostics.sort();
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == data::Severity::Error)
        .count();
    let noun = if errors == 1 { "error" } else { "errors" };
    problems.push(format!(
        "error: the data in {name} fail check ({errors} {noun}); diff compares valid versions only"
    ));
    problems.extend(diagnostics.iter().map(ToString::to_string));
}

/// Analyses a loaded version as of `as_of`, or its own latest claim.
fn version((name, commit, dataset): Loaded, as_of: Option<Day>) -> Result<Version> {
    let analysis = match as_of.or_else(|| dataset.latest_claimed()) {
        Some(day) => {
            // Each metric's figures as `show --format json` gives them,
            // corroboration included (pairs of every metric: a diff reviews
            // them all).
            let mut analysis = analysis::analyse(&dataset, day)?;
            let metrics: Vec<String> = analysis.metrics.keys().cloned().collect();
            let metrics: Vec<&str> = metrics.iter().map(String::as_str).collect();
            analysis::add_pairs(&mut analysis, &metrics)?;
            Some(analysis)
        }
        None => None,
    };
    Ok(Version {
        name,
        commit,
        dataset,
        analysis,
    })
}
