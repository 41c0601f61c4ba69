//! Notebooks (`reports/<name>/brief.md`): TOML front matter, `rangefinder`
//! cells and `{{ … }}` inline values, rendered into reports in memory.
//!
//! The data folder of a notebook is `--data` when given, else its front
//! matter's `data` (relative to the notebook), else the project's `data/`.

mod cell;
mod check;
mod document;
mod formats;
mod front;
mod inline;
mod kinds;
mod parse;
mod spanned;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use anyhow::Context as _;

use crate::analysis::{Figures, Request};
use crate::data::{Dataset, Day};
use crate::error::{Error, Result};
use crate::input;
use crate::write::Report;

/// A problem in a notebook: the one diagnostic type of data files and
/// notebooks, at a physical line of the notebook (its `file` is set when
/// the problems are reported, see [`plan`]).
pub use crate::data::Diagnostic as Problem;
pub use formats::file_name;
pub use front::ReportFormat;

/// The problem with its message on one line of bounded length: control
/// characters escaped (`\n`; TOML keys and strings may hold a newline) and
/// a long message cut in the middle, as data diagnostics are, since it may
/// quote a key, value or inline text of any length.
fn bounded(problem: Problem) -> Problem {
    Problem {
        message: crate::error::bounded(&problem.message),
        ..problem
    }
}

/// Command-line overrides for every notebook of a build.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Overrides each notebook's `data`.
    pub data: Option<PathBuf>,
    /// Overrides each notebook's `as_of`.
    pub as_of: Option<Day>,
    /// Overrides each notebook's `since`.
    pub since: Option<Day>,
    /// The data folder of a notebook that names none (the project's `data/`).
    pub default_data: PathBuf,
    /// `build --format`: formats written besides those each notebook asks for.
    pub formats: Vec<ReportFormat>,
}

/// The notebooks to build: those named (a folder names its `brief.md`), or
/// every `root/*/brief.md`, sorted. A notebook named twice is built once;
/// a notebook not named brief.md (another notebook in a report folder would
/// replace its report) and one named README.md (overwritten by its own
/// report) are usage errors, found before any work.
pub fn select(named: &[PathBuf], root: &Path) -> Result<Vec<PathBuf>> {
    if named.is_empty() {
        return every_brief(root);
    }
    let mut notebooks: Vec<PathBuf> = Vec::new();
    let mut folders: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for path in named {
        let notebook = if path.is_dir() {
            let brief = path.join("brief.md");
            if !brief.is_file() {
                return Err(Error::Usage(format!(
                    "{}: no brief.md in this folder (a report folder holds its notebook \
                     as brief.md)",
                    path.display()
                )));
            }
            brief
        } else {
            path.clone()
        };
        if notebook.file_name().is_some_and(|n| n == "README.md") {
            return Err(Error::Usage(format!(
                "{}: README.md is the report build writes, not a notebook (name the \
                 notebook, usually brief.md)",
                notebook.display()
            )));
        }
        // Another notebook in a report folder would replace that folder's
        // report with its own (it did: README.md overwritten, brief.md's
        // seven charts removed).
        if notebook.file_name().is_some_and(|n| n != "brief.md") {
            return Err(Error::Usage(format!(
                "{}: a report folder has one notebook, brief.md, and its report is built \
                 from it (rename this notebook brief.md in a folder of its own under reports/)",
                notebook.display()
            )));
        }
        let folder = normalize(notebook.parent().unwrap_or(Path::new("")));
        match folders.get(&folder) {
            Some(first) if normalize(first) == normalize(&notebook) => continue,
            Some(first) => {
                return Err(Error::Usage(format!(
                    "{} and {} are both notebooks of {}: each would write its README.md \
                     (keep one notebook per report folder)",
                    first.display(),
                    notebook.display(),
                    folder.display()
                )));
            }
            None => {
                folders.insert(folder, notebook.clone());
                notebooks.push(notebook);
            }
        }
    }
    Ok(notebooks)
}

/// Every `root/*/brief.md` of a folder not hidden, sorted; none is an error.
fn every_brief(root: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    if root.is_dir() {
        let entries =
            std::fs::read_dir(root).with_context(|| format!("listing {}", root.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("listing {}", root.display()))?;
            // A hidden folder is no report: a build's new or old folder
            // (`.rangefinder-….tmp`, left by a killed build until the next
            // one removes it) holds a brief.md too, and was built as one.
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let notebook = root.join(entry.file_name()).join("brief.md");
            if notebook.is_file() {
                found.push(notebook);
            }
        }
    }
    if found.is_empty() {
        return Err(Error::Other(anyhow::anyhow!(
            "no notebooks: found no {}/*/brief.md (`rangefinder init` starts a project with one)",
            root.display()
        )));
    }
    found.sort();
    Ok(found)
}

/// The chart files (`<chart>-<metric>.svg`, or `NAME.svg` for a named
/// cell) that a notebook's text makes `build` write: the only SVGs of a
/// report folder that are its charts.
pub fn chart_files(text: &str) -> std::collections::BTreeSet<String> {
    check::chart_files(&parse::parse(text).0)
}

/// Every problem of a notebook's text that `build` would report, without
/// rendering: the parse (front matter, cells, inline values), then the checks
/// against `dataset` as of `as_of`. Public for the fuzz targets (`fuzz/`).
pub fn problems(text: &str, dataset: &Dataset, as_of: Day) -> Vec<Problem> {
    let (notebook, mut found) = parse::parse(text);
    found.extend(check::check(&notebook, dataset, as_of, false));
    // By line, stable, as `plan` reports them.
    found.sort_by_key(|p| p.line);
    found.into_iter().map(bounded).collect()
}

/// A notebook read and parsed, with the report folder it writes and the
/// data folder it reads.
#[derive(Debug)]
pub struct Parsed {
    /// The notebook's path as named, for messages.
    file: String,
    /// The report folder (`.` for a notebook named inside it).
    pub dir: PathBuf,
    /// The data folder.
    pub data: PathBuf,
    notebook: parse::Notebook,
    /// Problems of the text itself (front matter, cells, inline values).
    problems: Vec<Problem>,
    /// The report's published editions, oldest first.
    pub editions: Vec<crate::edition::Edition>,
    /// The as-of day of the edition being built (`publish`); `None` for
    /// the report itself.
    pub edition: Option<Day>,
}

impl Parsed {
    /// The notebook's path, as named.
    pub fn notebook_path(&self) -> PathBuf {
        PathBuf::from(&self.file)
    }

    /// The as-of day the front matter or `--as-of` gives, if any.
    pub fn as_of(&self) -> Option<Day> {
        self.notebook.front.as_of
    }

    /// Builds this notebook as its edition as of `as_of` (`publish`): the
    /// report as of that day, listing the editions before it.
    pub fn as_edition(&mut self, as_of: Day) {
        self.notebook.front.as_of = Some(as_of);
        self.edition = Some(as_of);
    }

    /// The editions this build lists and counts `since` from: all of them
    /// for the report itself; for an edition, those before it.
    pub fn editions_seen(&self) -> Vec<&crate::edition::Edition> {
        self.editions
            .iter()
            .filter(|e| self.edition.is_none_or(|d| e.as_of < d))
            .collect()
    }
}

impl Parsed {
    /// Fills every `metrics = "all"` cell with the metrics of `dataset`.
    fn expand_all_metrics(&mut self, dataset: &Dataset) {
        for block in &mut self.notebook.blocks {
            if let parse::Block::Cell(cell) = block {
                cell.expand(dataset.metrics.iter().map(|m| m.id.as_str()));
            }
        }
    }
}

/// Reads and parses every notebook; the command-line options override
/// each one's front matter.
pub fn read(paths: &[PathBuf], options: &Options) -> Result<Vec<Parsed>> {
    paths
        .iter()
        .map(|path| {
            let text = input::read_to_string(path, input::NOTEBOOK_LIMIT)
                .with_context(|| format!("reading {}", path.display()))?;
            let (mut notebook, problems) = parse::parse(&text);
            notebook.front.override_with(options.as_of, options.since);
            notebook.front.add_formats(&options.formats);
            // `build brief.md` run inside the report folder: the folder is `.`.
            let dir = match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let data = match (&options.data, &notebook.front.data) {
                (Some(data), _) => data.clone(),
                (None, Some(data)) => normalize(&dir.join(data)),
                (None, None) => options.default_data.clone(),
            };
            let editions = crate::edition::list(&dir)?;
            Ok(Parsed {
                file: path.display().to_string(),
                dir,
                data,
                notebook,
                problems,
                editions,
                edition: None,
            })
        })
        .collect()
}

/// Checks every notebook's cells against its dataset (`datasets`, by data
/// folder) and says what each asks of the analysis. Any problem in any
/// notebook fails the whole build, all of them reported, before anything
/// is computed.
/// A notebook without `since` reads "since the last edition": the as-of
/// day of its latest edition before its own as-of day.
pub fn plan(
    notebooks: &mut [Parsed],
    datasets: &BTreeMap<PathBuf, Dataset>,
) -> Result<Vec<Request>> {
    let mut problems: Vec<Problem> = Vec::new();
    let mut requests = Vec::new();
    for parsed in notebooks.iter_mut() {
        let dataset = datasets
            .get(&parsed.data)
            .ok_or_else(|| anyhow::anyhow!("{}: not loaded", parsed.data.display()))?;
        let notebook = &parsed.notebook;
        let as_of = notebook
            .front
            .as_of
            .or_else(|| dataset.latest_claimed())
            .ok_or_else(|| anyhow::anyhow!("{}: no claims", parsed.data.display()))?;
        if parsed.notebook.front.since.is_none() {
            let latest = parsed
                .editions_seen()
                .into_iter()
                .map(|e| e.as_of)
                .filter(|day| *day < as_of)
                .max();
            parsed.notebook.front.since = latest;
        }
        let notebook = &parsed.notebook;
        let found = parsed.problems.iter().cloned().chain(check::check(
            notebook,
            dataset,
            as_of,
            parsed.edition.is_some(),
        ));
        problems.extend(found.map(|p| Problem {
            file: parsed.file.clone(),
            ..bounded(p)
        }));
        requests.push(document::request(notebook, as_of));
    }
    if problems.is_empty() {
        return Ok(requests);
    }
    // Stable: problems on one line keep the order they were found in.
    problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    // Capped per file as the data files' problems are (a 16 MiB notebook of
    // one bad inline value printed 210 MB of errors).
    Err(Error::Data(crate::data::load::listed(problems, &[])))
}

/// Renders every notebook from the figures of its request (`figures`, by
/// data folder and day): the report's files in memory, nothing computed.
pub fn render(
    notebooks: &[Parsed],
    requests: &[Request],
    figures: &BTreeMap<(PathBuf, Day), Figures>,
) -> Result<Vec<Report>> {
    notebooks
        .iter()
        .zip(requests)
        .map(|(parsed, request)| {
            let figures = figures
                .get(&(parsed.data.clone(), request.as_of))
                .ok_or_else(|| anyhow::anyhow!("{}: figures not computed", parsed.file))?;
            let document = document::document(
                &parsed.notebook,
                figures,
                &parsed.editions_seen(),
                parsed.edition,
            )?;
            Ok(Report {
                dir: parsed.dir.clone(),
                files: formats::files(&document, &parsed.notebook.front.formats)?,
            })
        })
        .collect()
}

/// Plans, computes and renders every notebook from its dataset
/// (`datasets`, by data folder): the reports in memory, nothing written.
pub fn build(
    notebooks: &mut [Parsed],
    datasets: &BTreeMap<PathBuf, Dataset>,
) -> Result<Vec<Report>> {
    for parsed in notebooks.iter_mut() {
        if let Some(dataset) = datasets.get(&parsed.data) {
            parsed.expand_all_metrics(dataset);
        }
    }
    let requests = plan(notebooks, datasets)?;
    let figures = compute(notebooks, &requests, datasets)?;
    let _render = crate::timing::phase("render");
    let reports = render(notebooks, &requests, &figures)?;
    // Hundreds of megabytes at a million claims: freed off the path.
    crate::parallel::drop_in_background(figures);
    Ok(reports)
}

/// The figures each notebook's request asks for, computed once per data
/// folder and day (the requests of notebooks that share both, merged).
fn compute(
    notebooks: &[Parsed],
    requests: &[Request],
    datasets: &BTreeMap<PathBuf, Dataset>,
) -> Result<BTreeMap<(PathBuf, Day), crate::analysis::Figures>> {
    let _analyse = crate::timing::phase("analyse");
    let mut merged: BTreeMap<(PathBuf, Day), Request> = BTreeMap::new();
    for (parsed, request) in notebooks.iter().zip(requests) {
        merged
            .entry((parsed.data.clone(), request.as_of))
            .and_modify(|r| r.merge(request))
            .or_insert_with(|| request.clone());
    }
    merged
        .into_iter()
        .map(|((folder, day), request)| {
            let dataset = datasets
                .get(&folder)
                .ok_or_else(|| anyhow::anyhow!("{}: not loaded", folder.display()))?;
            Ok(((folder, day), crate::analysis::compute(dataset, &request)?))
        })
        .collect()
}

/// Removes `.` and resolves `..` against the components before it, so data
/// files are named as the user sees them (`data/claims.csv`, not
/// `reports/x/../../data/claims.csv`).
fn normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        PathBuf::from(".")
    } else {
        parts.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // `..` after a folder cancels it; leading `..` and absolute roots stay.
    #[test]
    fn normalizes_data_paths() {
        assert_eq!(
            normalize(Path::new("reports/x/../../data")),
            Path::new("data")
        );
        assert_eq!(
            normalize(Path::new("reports/x/./d")),
            Path::new("reports/x/d")
        );
        assert_eq!(normalize(Path::new("../data")), Path::new("../data"));
        assert_eq!(normalize(Path::new("/a/b/../c")), Path::new("/a/c"));
        assert_eq!(normalize(Path::new("a/..")), Path::new("."));
    }

    // Fuzz finding (notebook target, minimised to `{{\r}}`): a quoted TOML
    // key, a string value or inline text holding `\n`/`\r` made a problem
    // print on several lines; escaped now.
    #[test]
    fn problems_are_one_line() {
        let dataset = check::tests::dataset();
        let as_of = Day::from_ymd_opt(2024, 11, 5).unwrap_or_default();
        let text = "+++\ntitle = \"T\"\n\"a\\nb\" = 1\n+++\n{{ a\rb }}\n\
                    ```rangefinder\nchart = \"timeline\"\nmetric = \"x\\ny\"\n```\n{{\r}}\n";
        let found: Vec<String> = problems(text, &dataset, as_of)
            .into_iter()
            .map(|p| format!("{}: {}", p.line, p.message))
            .collect();
        assert_eq!(
            found,
            [
                "3: front matter: unknown key \"a\\nb\" (expected title, as_of, since, data, formats)",
                "5: inline value `{{ a\\rb }}`: unknown key \"a\" (expected as_of, since, \
                 title, low, high, median, range, consensus, sources, affiliations, agreement, \
                 floor, ceiling, label, edition, claim, date)",
                "8: cell: metric: unknown metric \"x\\ny\" (known: m)",
                "10: inline value `{{\\r}}`: empty (expected a key such as `as_of` or \
                 `low METRIC`)",
            ]
        );
    }

    // Without names, select finds every folder's brief.md, sorted.
    #[test]
    fn selects_every_brief() -> Result<()> {
        let root = tempfile::tempdir().map_err(anyhow::Error::new)?;
        for name in ["b", "a", "c"] {
            std::fs::create_dir(root.path().join(name)).map_err(anyhow::Error::new)?;
        }
        for name in ["b", "a"] {
            std::fs::write(root.path().join(name).join("brief.md"), "")
                .map_err(anyhow::Error::new)?;
        }
        let found = select(&[], root.path())?;
        assert_eq!(
            found,
            [
                root.path().join("a/brief.md"),
                root.path().join("b/brief.md")
            ]
        );
        assert!(select(&[], &root.path().join("none")).is_err());
        Ok(())
    }
}
