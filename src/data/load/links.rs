//! The rules that need more than one row: unique ids, references to
//! metrics, sources and origin claims, origin chains that loop, repeats that
//! disagree with their origin, and the warnings for metrics and sources
//! nobody claims. Everything is hash lookups and one linear walk over the
//! origin links, so millions of rows and chains 200,000 long are fine.

use std::collections::HashSet;

use polars::prelude::PlHashMap;

use super::claim_rows::{ClaimRows, Interner};
use super::rows::{C_HIGH, C_LOW, C_VALUE};
use super::rows::{C_ID, C_METRIC, C_QUALIFIER, C_SOURCE, Parsed, Rows};
use super::table::Report;
use crate::data::claims::{Cell, Record};
use crate::data::{Metric, Source, Stated};

/// What a repeat that differs from its origin is told.
const SAME_AS_ORIGIN: &str = "a repeat must state what its origin states";

/// An id and the index and line of the row that first has it.
type Ids<'a> = PlHashMap<&'a str, (usize, usize)>;

/// For each interned metric or source id, its index in metrics.csv or
/// sources.csv; `Record::NONE` when unknown.
pub type Codes = Vec<u32>;

/// Checks every rule that links rows; files that could not be opened (or
/// lack the linking column) are skipped rather than blamed on every row.
/// Sets each claim's `origin`; returns the metric and source codes of the
/// interned ids (`None` when that file could not be checked).
pub fn check(
    claims: Option<&mut ClaimRows>,
    sources: Option<&Rows<Parsed<Source>>>,
    metrics: Option<&Rows<Parsed<Metric>>>,
    report: &mut Report,
) -> (Option<Codes>, Option<Codes>) {
    let metric_ids = metrics.and_then(|m| parsed_ids(m, report));
    let source_ids = sources.and_then(|s| parsed_ids(s, report));
    let Some(claims) = claims else {
        return (None, None);
    };
    let metric_codes = references(claims, metric_ids.as_ref(), metrics, C_METRIC, report);
    let source_codes = references(claims, source_ids.as_ref(), sources, C_SOURCE, report);
    if claims.table.has(C_ID) {
        let parent = {
            let rows = &claims.claims;
            let ids = (0..rows.len()).map(|i| (rows.record(i).line, rows.optional(i, Cell::Id)));
            let ids = unique(&claims.file, ids, report);
            origins(claims, &ids, report)
        };
        for (record, parent) in claims.claims.records.iter_mut().zip(parent) {
            record.origin = parent.map(|p| p as u32);
        }
    }
    if let Some(metrics) = metrics.filter(|_| claims.table.has(C_METRIC)) {
        let used: HashSet<&str> = claims.metrics.names.iter().map(String::as_str).collect();
        unclaimed(metrics, &used, "metric", report);
    }
    if let Some(sources) = sources.filter(|_| claims.table.has(C_SOURCE)) {
        let used: HashSet<&str> = claims.sources.names.iter().map(String::as_str).collect();
        unclaimed(sources, &used, "source", report);
    }
    (metric_codes, source_codes)
}

/// The ids of a sources or metrics file, duplicates reported; `None` when
/// the file has no `id` column.
fn parsed_ids<'a, T>(rows: &'a Rows<Parsed<T>>, report: &mut Report) -> Option<Ids<'a>> {
    rows.table.has(C_ID).then(|| {
        let ids = rows.rows.iter().map(|r| (r.line, r.id.as_deref()));
        unique(&rows.file, ids, report)
    })
}

/// Maps each id to its first row; reports every later row with the same id.
fn unique<'a>(
    file: &str,
    rows: impl Iterator<Item = (usize, Option<&'a str>)>,
    report: &mut Report,
) -> Ids<'a> {
    let mut ids = Ids::default();
    ids.reserve(rows.size_hint().0);
    for (index, (line, id)) in rows.enumerate() {
        let Some(id) = id else { continue };
        // One hash per id: a million ids make this the loader's costliest
        // single-threaded step.
        let (first_index, first_line) = *ids.entry(id).or_insert((index, line));
        if first_index != index {
            let message = format!("duplicate id \"{id}\" (first used on line {first_line})");
            report.error(file, line, "id", message);
        }
    }
    ids
}

/// Reports claim cells in `column` that name no row of `target`; returns
/// the index in `target` of each interned id.
fn references<T>(
    claims: &ClaimRows,
    ids: Option<&Ids<'_>>,
    target: Option<&Rows<Parsed<T>>>,
    column: usize,
    report: &mut Report,
) -> Option<Codes> {
    let (Some(ids), Some(target)) = (ids, target) else {
        return None;
    };
    let (name, interned): (&str, &Interner) = if column == C_METRIC {
        ("metric", &claims.metrics)
    } else {
        ("source", &claims.sources)
    };
    let codes: Codes = interned
        .names
        .iter()
        .map(|id| {
            ids.get(id.as_str())
                .map_or(Record::NONE, |&(i, _)| i as u32)
        })
        .collect();
    if !codes.contains(&Record::NONE) {
        return Some(codes);
    }
    for record in claims.claims.records() {
        let code = if column == C_METRIC {
            record.metric
        } else {
            record.source
        };
        if codes.get(code as usize) == Some(&Record::NONE) {
            let id = &interned.names[code as usize];
            let message = format!("unknown {name} \"{id}\" (not an id in {})", target.file);
            report.error(&claims.file, record.line, name, message);
        }
    }
    Some(codes)
}

/// Checks every `origin`: it names a claim, of the same metric, stating the
/// same qualifier and numbers, and no chain of origins loops. Returns each
/// row's origin row.
fn origins(claims: &ClaimRows, ids: &Ids<'_>, report: &mut Report) -> Vec<Option<usize>> {
    let file = &claims.file;
    let rows = &claims.claims;
    let mut parent = vec![None; rows.len()];
    for (index, claim) in rows.records().iter().enumerate() {
        let Some(origin) = rows.optional(index, Cell::Origin) else {
            continue;
        };
        let Some(&(target, _)) = ids.get(origin) else {
            let message = format!("unknown claim \"{origin}\" (not an id in {file})");
            report.error(file, claim.line, "origin", message);
            continue;
        };
        parent[index] = Some(target);
        if target != index {
            compare(claims, index, target, origin, report);
        }
    }
    for cycle in cycles(&parent) {
        for &member in &cycle {
            let line = rows.record(member).line;
            let origin = rows.cell(member, Cell::Origin);
            let message = if cycle.len() == 1 {
                format!(
                    "\"{origin}\" is this claim itself (a repeat needs another claim as origin)"
                )
            } else {
                format!(
                    "\"{origin}\" leads back to this claim (a loop of {} claims; one must be the original, without origin)",
                    cycle.len()
                )
            };
            report.error(file, line, "origin", message);
        }
    }
    parent
}

/// Reports how repeat `row` differs from the claim `target` it names as
/// origin (`id`).
fn compare(claims: &ClaimRows, row: usize, target: usize, id: &str, report: &mut Report) {
    let file = &claims.file;
    let (claim, origin) = (claims.claims.record(row), claims.claims.record(target));
    let metric = |code: u32| claims.metrics.names.get(code as usize);
    if let (Some(mine), Some(theirs)) = (metric(claim.metric), metric(origin.metric))
        && mine != theirs
    {
        let message = format!(
            "claim \"{id}\" is of metric \"{theirs}\", not \"{mine}\" (a repeat must be of its origin's metric)"
        );
        report.error(file, claim.line, "origin", message);
    }
    let (Some(mine), Some(theirs)) = (claim.qualifier, origin.qualifier) else {
        return;
    };
    if mine != theirs {
        let message =
            format!("{mine} differs from {theirs} in origin claim \"{id}\" ({SAME_AS_ORIGIN})");
        report.error(
            file,
            claim.line,
            super::rows::CLAIM_COLUMNS[C_QUALIFIER].0,
            message,
        );
        return;
    }
    let pairs = match (claim.stated, origin.stated) {
        (Some(Stated::Value(a)), Some(Stated::Value(b))) => vec![(C_VALUE, a, b)],
        (Some(Stated::Range(l1, h1)), Some(Stated::Range(l2, h2))) => {
            vec![(C_LOW, l1, l2), (C_HIGH, h1, h2)]
        }
        _ => return,
    };
    for (column, mine, theirs) in pairs {
        if mine != theirs {
            let name = super::rows::CLAIM_COLUMNS[column].0;
            let message =
                format!("{mine} differs from {theirs} in origin claim \"{id}\" ({SAME_AS_ORIGIN})");
            report.error(file, claim.line, name, message);
        }
    }
}

/// The cycles of a graph where each node has at most one parent, each as
/// its member indexes. One pass: every node is walked once.
fn cycles(parent: &[Option<usize>]) -> Vec<Vec<usize>> {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; parent.len()];
    let mut position = vec![0; parent.len()];
    let mut path = Vec::new();
    let mut found = Vec::new();
    for start in 0..parent.len() {
        let mut at = start;
        while state[at] == NEW {
            state[at] = ON_PATH;
            position[at] = path.len();
            path.push(at);
            match parent[at] {
                Some(next) if state[next] == ON_PATH => {
                    found.push(path[position[next]..].to_vec());
                }
                Some(next) => at = next,
                None => {}
            }
        }
        for node in path.drain(..) {
            state[node] = DONE;
        }
    }
    found
}

/// Warns about each row of `rows` whose id no claim uses.
fn unclaimed<T>(rows: &Rows<Parsed<T>>, used: &HashSet<&str>, what: &str, report: &mut Report) {
    for row in &rows.rows {
        if let Some(id) = row.id.as_deref().filter(|id| !used.contains(id)) {
            let message = format!("{what} \"{id}\" has no claims");
            report.warning(&rows.file, row.line, "id", message);
        }
    }
}

// Tests unwrap literals: a panic is how a test reports failure.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    // Chains, forks and roots have no cycle; a self-loop and a 3-loop are found once each.
    #[test]
    fn finds_each_cycle_once() {
        let parent = [
            None,
            Some(0),
            Some(1),
            Some(3),
            Some(5),
            Some(6),
            Some(4),
            Some(4),
        ];
        let mut found = cycles(&parent);
        found.iter_mut().for_each(|c| c.sort_unstable());
        assert_eq!(found, vec![vec![3], vec![4, 5, 6]]);
    }

    // A chain 200,000 long is walked without recursion, and a loop closing it is found.
    #[test]
    fn long_chains() {
        let n: usize = 200_000;
        let mut parent: Vec<Option<usize>> = (0..n).map(|i| i.checked_sub(1)).collect();
        assert!(cycles(&parent).is_empty());
        parent[0] = Some(n - 1);
        assert_eq!(cycles(&parent)[0].len(), n);
    }
}
