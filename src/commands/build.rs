//! `build`: notebooks rendered into reports in memory ([`render`]), then
//! written, each report replaced whole ([`write`]), or compared with what
//! is on disk ([`check`], `build --check`). `preview` renders through the
//! same [`render`] and writes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::data::{self, Dataset, Diagnostic};
use crate::error::{Error, Result};
use crate::write::{self, Report};
use crate::{edition, notebook, parallel, timing};

use super::{Printed as Built, shown};

/// Renders the notebooks `named` (every `reports/*/brief.md` when none)
/// with `options`: every report's files in memory, nothing written. The
/// data's warnings go to `warn` as each folder is loaded, before any
/// error of a later stage.
pub fn render(
    named: &[PathBuf],
    reports: &Path,
    options: &notebook::Options,
    warn: &mut dyn FnMut(&Diagnostic),
) -> Result<Vec<Report>> {
    let mut notebooks = notebook::read(&notebook::select(named, reports)?, options)?;
    let datasets = load_each(notebooks.iter().map(|n| n.data.as_path()), warn)?;
    let reports = notebook::build(&mut notebooks, &datasets)?;
    parallel::drop_in_background(datasets);
    Ok(reports)
}

/// Loads each data folder once, in order of first use.
fn load_each<'a>(
    folders: impl Iterator<Item = &'a Path>,
    warn: &mut dyn FnMut(&Diagnostic),
) -> Result<BTreeMap<PathBuf, Dataset>> {
    let _load = timing::phase("load");
    let mut datasets = BTreeMap::new();
    for folder in folders {
        if !datasets.contains_key(folder) {
            let loaded = data::load::load(folder).map_err(Error::Data)?;
            for warning in &loaded.warnings {
                warn(warning);
            }
            datasets.insert(folder.to_path_buf(), loaded.dataset);
        }
    }
    Ok(datasets)
}

/// `build`: writes every report (all replaced whole or none, see
/// [`write::apply`]), then one status line each: "written" when a file of
/// it was written or removed, else "unchanged".
pub fn write(reports: &[Report]) -> Built {
    let _write = timing::phase("write");
    let outcomes = match write::apply(reports) {
        Ok(outcomes) => outcomes,
        Err(error) => {
            return Built {
                status: String::new(),
                outcome: Err(error),
            };
        }
    };
    let mut status = String::new();
    for (report, outcome) in reports.iter().zip(outcomes) {
        let line = match outcome {
            write::Outcome::Written => "written",
            write::Outcome::Unchanged => "unchanged",
        };
        status.push_str(&format!("{}: {line}\n", shown(&report.dir)));
    }
    Built {
        status,
        outcome: Ok(()),
    }
}

/// `build --check`: one status line per report ("differs" or
/// "unchanged"); the files that differ are the error, all of them.
pub fn check(reports: &[Report]) -> Built {
    let _check = timing::phase("write");
    let mut status = String::new();
    let mut problems = Vec::new();
    for report in reports {
        // Every edition against its edition.toml, as the report itself.
        let editions = match edition::check(&report.dir) {
            Ok(lines) => lines,
            Err(error) => {
                return Built {
                    status,
                    outcome: Err(error),
                };
            }
        };
        let checked = match write::check(std::slice::from_ref(report)) {
            Ok(()) if editions.is_empty() => Ok(()),
            Ok(()) => Err(Error::Stale(editions)),
            Err(Error::Stale(mut lines)) => {
                lines.extend(editions);
                Err(Error::Stale(lines))
            }
            Err(error) => Err(error),
        };
        match checked {
            Ok(()) => status.push_str(&format!("{}: unchanged\n", shown(&report.dir))),
            Err(Error::Stale(lines)) => {
                status.push_str(&format!("{}: differs\n", shown(&report.dir)));
                problems.extend(lines);
            }
            Err(error) => {
                return Built {
                    status,
                    outcome: Err(error),
                };
            }
        }
    }
    problems.sort();
    let outcome = if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Stale(problems))
    };
    Built { status, outcome }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Build options reading the shipped seed data.
    fn options() -> notebook::Options {
        notebook::Options {
            default_data: PathBuf::from("data"),
            ..notebook::Options::default()
        }
    }

    // Every committed report is rebuilt identical: `build --check` as a
    // function says "unchanged" for each and ends without an error.
    #[test]
    fn committed_reports_are_current() -> Result<()> {
        let mut warnings = 0;
        let reports = render(&[], Path::new("reports"), &options(), &mut |_| {
            warnings += 1
        })?;
        let checked = check(&reports);
        assert!(checked.outcome.is_ok(), "{:?}", checked.outcome);
        let lines: Vec<&str> = checked.status.lines().collect();
        assert_eq!(lines.len(), reports.len());
        assert!(
            lines.iter().all(|l| l.ends_with(": unchanged")),
            "{lines:?}"
        );
        Ok(())
    }

    // A new report is written, then unchanged; an edit to it makes
    // `check` say it differs and name the file.
    #[test]
    fn writes_then_checks() -> Result<()> {
        let root = tempfile::tempdir().map_err(anyhow::Error::new)?;
        let dir = root.path().join("r");
        std::fs::create_dir(&dir).map_err(anyhow::Error::new)?;
        std::fs::write(
            dir.join("brief.md"),
            "+++\ntitle = \"T\"\n+++\n{{ range kp_troops_kursk }}\n",
        )
        .map_err(anyhow::Error::new)?;
        let built = || render(&[], root.path(), &options(), &mut |_| {});
        let written = write(&built()?);
        assert!(written.outcome.is_ok());
        assert!(
            written.status.ends_with("/r: written\n"),
            "{}",
            written.status
        );
        assert!(write(&built()?).status.ends_with("/r: unchanged\n"));
        std::fs::write(dir.join("README.md"), "edited").map_err(anyhow::Error::new)?;
        let checked = check(&built()?);
        assert!(
            checked.status.ends_with("/r: differs\n"),
            "{}",
            checked.status
        );
        assert!(
            matches!(&checked.outcome, Err(Error::Stale(lines)) if lines.iter().any(|l| l.contains("README.md"))),
            "{:?}",
            checked.outcome
        );
        Ok(())
    }
}
