//! Reading the three CSV files with the csv crate, validating every rule of
//! docs/data.md, and collecting every problem in one pass.
//!
//! `table` turns a file into rows with physical line numbers, `rows` checks
//! each row on its own, `links` checks what spans rows and files. A file
//! that cannot be read is reported once and the others are still checked.

mod affiliations;
mod chunks;
mod claim_rows;
mod draft;
mod folder;
mod ids;
mod links;
mod quoting;
mod rows;
mod stream;
mod table;

use std::path::Path;

use super::{Dataset, Diagnostic, Severity};
use table::Report;

use crate::timing;

/// A data folder that loaded: the dataset and any warnings.
#[derive(Debug)]
pub struct Loaded {
    /// The validated dataset.
    pub dataset: Dataset,
    /// Warnings (allowed but suspicious), sorted by file and line: at
    /// most the first 100 of each file, then a line counting the rest.
    pub warnings: Vec<Diagnostic>,
    /// How many warnings there are, listed or not.
    pub warning_count: usize,
}

/// Loads and validates `dir`; messages name files as `dir.join(file)` shows
/// (`data/claims.csv`). On failure returns every diagnostic, errors and
/// warnings, sorted by file and line.
pub fn load(dir: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    if !dir.is_dir() {
        // One message, not a "file not found" for each of the three files.
        return Err(vec![Diagnostic {
            file: dir.display().to_string(),
            line: 0,
            column: String::new(),
            message: "folder not found (a data folder holds claims.csv, sources.csv and \
                      metrics.csv; `rangefinder init` starts a project with one)"
                .into(),
            severity: Severity::Error,
        }]);
    }
    let mut report = Report::default();
    folder::check(dir, &mut report);
    let mut claims = claim_rows::claims(dir, &mut report);
    let sources = rows::sources(dir, &mut report);
    if let Some(sources) = &sources {
        affiliations::check(sources, &mut report);
    }
    let metrics = rows::metrics(dir, &mut report);
    let events = rows::events(dir, &mut report);
    if let Some(events) = &events {
        links::events(events, metrics.as_ref(), &mut report);
    }
    let links = timing::phase("links");
    let (metric_codes, source_codes) = links::check(
        claims.as_mut(),
        sources.as_ref(),
        metrics.as_ref(),
        &mut report,
    );
    drop(links);
    let mut diagnostics = report.list;
    diagnostics.sort();
    let warning_count = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count()
        + report
            .unlisted
            .iter()
            .filter(|u| u.2 == Severity::Warning)
            .map(|u| u.1)
            .sum::<usize>();
    let diagnostics = listed(diagnostics, &report.unlisted);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(diagnostics);
    }
    // No errors: every file opened and every row parsed, so each row has a
    // value; a row without one would be a bug here, reported rather than
    // silently dropped.
    let (Some(claims), Some(sources), Some(metrics), Some(metric_codes), Some(source_codes)) =
        (claims, sources, metrics, metric_codes, source_codes)
    else {
        return Err(internal(dir, diagnostics));
    };
    let sources: Option<Vec<_>> = sources.rows.into_iter().map(|s| s.value).collect();
    let metrics: Option<Vec<_>> = metrics.rows.into_iter().map(|m| m.value).collect();
    let events: Option<Vec<_>> = events
        .map(|e| e.rows.into_iter().map(|e| e.value).collect())
        .unwrap_or(Some(Vec::new()));
    let (Some(sources), Some(metrics), Some(events)) = (sources, metrics, events) else {
        return Err(internal(dir, diagnostics));
    };
    // Every draft becomes a validated record, in place: its interned codes
    // become indexes into metrics.csv and sources.csv, and its root the row
    // itself, which `index` then only has to read. One pass on one core
    // (in place, so a million records are never held twice): 19-20 ms a
    // million rows in a release build (`RANGEFINDER_TIMINGS=1`, phase
    // "records"), while the whole load took about as long as before.
    let records = timing::phase("records");
    // Alternatives are few: their links are kept beside the records.
    let mut alternatives = Vec::new();
    let claims = claims.claims.convert(|row, draft| {
        if let Some(of) = draft.alternative {
            alternatives.push((of, row as u32));
        }
        draft.record(row, &metric_codes, &source_codes)
    });
    drop(records);
    let Some(mut claims) = claims else {
        return Err(internal(dir, diagnostics));
    };
    claims.set_alternatives(alternatives);
    let index = timing::phase("index");
    claims.index();
    drop(index);
    let mut metrics = metrics;
    super::set_decimals(&mut metrics, &claims);
    Ok(Loaded {
        dataset: Dataset {
            dir: dir.to_path_buf(),
            claims,
            sources,
            metrics,
            events,
        },
        warnings: diagnostics,
        warning_count,
    })
}

/// Most diagnostics listed per file: past this a file is usually wrong
/// throughout (a NUL-filled or shifted file gives one problem per cell), and
/// the first ones say what to fix. Notebooks are listed the same way.
const LISTED_PER_FILE: usize = 100;

/// The sorted `diagnostics` with at most [`LISTED_PER_FILE`] per file; the
/// rest of a file, and the warnings a check counted without keeping
/// (`unlisted`: always past a file's listed ones, since such a check keeps
/// its first LISTED_PER_FILE by line), are counted in one line after its
/// listed ones (an error when any of them is), so none is dropped silently.
pub fn listed(
    diagnostics: Vec<Diagnostic>,
    unlisted: &[(String, usize, Severity)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for file in diagnostics.chunk_by(|a, b| a.file == b.file) {
        let (shown, rest) = file.split_at(file.len().min(LISTED_PER_FILE));
        out.extend_from_slice(shown);
        let name = &file[0].file;
        let counted = unlisted.iter().filter(|u| &u.0 == name);
        let uncounted: usize = counted.clone().map(|u| u.1).sum();
        if rest.len() + uncounted > 0 {
            let severity = rest
                .iter()
                .map(|d| d.severity)
                .chain(counted.map(|u| u.2))
                .min()
                .unwrap_or(Severity::Warning);
            out.push(more(name, rest.len() + uncounted, severity));
        }
    }
    out
}

/// The line counting the `count` diagnostics of `file` not listed.
fn more(file: &str, count: usize, severity: Severity) -> Diagnostic {
    Diagnostic {
        file: file.to_owned(),
        line: 0,
        column: String::new(),
        message: format!(
            "… and {count} more problems in this file (the first {LISTED_PER_FILE} are listed)"
        ),
        severity,
    }
}

/// The diagnostics plus one saying validation let an incomplete row through.
fn internal(dir: &Path, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.push(Diagnostic {
        file: dir.display().to_string(),
        line: 0,
        column: String::new(),
        message: "internal error: a row passed validation incomplete".into(),
        severity: Severity::Error,
    });
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A diagnostic of `file` at `line`.
    fn at(file: &str, line: usize, severity: Severity) -> Diagnostic {
        Diagnostic {
            file: file.into(),
            line,
            column: "c".into(),
            message: "m".into(),
            severity,
        }
    }

    // Each file lists its first 100 diagnostics, then one line counting the
    // rest (an error if any of them is); a file with fewer is untouched.
    #[test]
    fn lists_at_most_a_hundred_per_file() {
        let mut all: Vec<Diagnostic> = (1..=250).map(|l| at("a", l, Severity::Warning)).collect();
        all[200].severity = Severity::Error;
        all.extend((1..=3).map(|l| at("b", l, Severity::Error)));
        all.extend((1..=101).map(|l| at("c", l, Severity::Warning)));
        let lines: Vec<String> = listed(all.clone(), &[])
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(lines.len(), 100 + 1 + 3 + 100 + 1);
        assert_eq!(
            lines[..100],
            all[..100]
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        );
        assert_eq!(
            lines[100],
            "a: … and 150 more problems in this file (the first 100 are listed)"
        );
        assert_eq!(lines[101..104], ["b:1: c: m", "b:2: c: m", "b:3: c: m"]);
        assert_eq!(
            lines[204],
            "c: warning: … and 1 more problems in this file (the first 100 are listed)"
        );
        assert_eq!(listed(all[250..253].to_vec(), &[]), all[250..253]);
    }
}
