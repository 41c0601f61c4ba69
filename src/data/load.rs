//! Reading the three CSV files with the csv crate, validating every rule of
//! DESIGN section 1, and collecting every problem in one pass.
//!
//! `table` turns a file into rows with physical line numbers, `rows` checks
//! each row on its own, `links` checks what spans rows and files. A file
//! that cannot be read is reported once and the others are still checked.

mod chunks;
mod claim_rows;
mod ids;
mod links;
mod rows;
mod table;

use std::path::Path;

use super::claims::Record;
use super::{Dataset, Diagnostic, Severity};
use table::Report;

use crate::{parallel, timing};

/// A data folder that loaded: the dataset and any warnings.
#[derive(Debug)]
pub struct Loaded {
    /// The validated dataset.
    pub dataset: Dataset,
    /// Warnings (allowed but suspicious), sorted by file and line.
    pub warnings: Vec<Diagnostic>,
}

/// Loads and validates `dir`; messages name files as `dir.join(file)` shows
/// (`data/claims.csv`). On failure returns every diagnostic, errors and
/// warnings, sorted by file and line.
pub fn load(dir: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    let mut report = Report::default();
    let mut claims = claim_rows::claims(dir, &mut report);
    let sources = rows::sources(dir, &mut report);
    let metrics = rows::metrics(dir, &mut report);
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
    let (Some(sources), Some(metrics)) = (sources, metrics) else {
        return Err(internal(dir, diagnostics));
    };
    // Interned codes become indexes into metrics.csv and sources.csv.
    let mut claims = claims.claims;
    let recode =
        |codes: &[u32], code: u32| codes.get(code as usize).copied().unwrap_or(Record::NONE);
    // A pass over every record: on every core, checking each record is
    // complete on the way (`index` changes nothing that check reads), and
    // making each row its own root, which `index` then only has to read
    // (the root shares its cache line with the codes written here).
    let share = claims
        .records
        .len()
        .div_ceil(parallel::cores())
        .max(1 << 16);
    let parts = claims.records.chunks_mut(share).enumerate().collect();
    let complete = parallel::map(parts, |(part, records)| {
        for (row, record) in (part * share..).zip(records.iter_mut()) {
            record.metric = recode(&metric_codes, record.metric);
            record.source = recode(&source_codes, record.source);
            record.root = row as u32;
        }
        records.iter().all(Record::is_complete)
    });
    if complete.contains(&false) {
        return Err(internal(dir, diagnostics));
    }
    let index = timing::phase("index");
    claims.index();
    drop(index);
    Ok(Loaded {
        dataset: Dataset {
            dir: dir.to_path_buf(),
            claims,
            sources,
            metrics,
        },
        warnings: diagnostics,
    })
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
