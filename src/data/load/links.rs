//! The rules that need more than one row: unique ids, references to
//! metrics, sources and origin claims, origin chains that loop, repeats that
//! disagree with their origin, and the warnings for metrics and sources
//! nobody claims. Everything is hash lookups and one linear walk over the
//! origin links, so millions of rows and chains 200,000 long are fine.

use std::collections::{HashMap, HashSet};

use super::rows::{C_HIGH, C_LOW, C_VALUE};
use super::rows::{C_ID, C_METRIC, C_QUALIFIER, C_SOURCE, ClaimRow, Parsed, Rows};
use super::table::Report;
use crate::data::{Metric, Source, Stated};

/// What a repeat that differs from its origin is told.
const SAME_AS_ORIGIN: &str = "a repeat must state what its origin states";

/// An id and the index and line of the row that first has it.
type Ids<'a> = HashMap<&'a str, (usize, usize)>;

/// Checks every rule that links rows; files that could not be opened (or
/// lack the linking column) are skipped rather than blamed on every row.
pub fn check(
    claims: Option<&Rows<ClaimRow>>,
    sources: Option<&Rows<Parsed<Source>>>,
    metrics: Option<&Rows<Parsed<Metric>>>,
    report: &mut Report,
) {
    let metric_ids = metrics.and_then(|m| parsed_ids(m, report));
    let source_ids = sources.and_then(|s| parsed_ids(s, report));
    let Some(claims) = claims else { return };
    let claim_ids = claims.table.has(C_ID).then(|| {
        let rows = claims.rows.iter().map(|c| (c.line, c.id.as_deref()));
        unique(&claims.file, rows, report)
    });
    references(claims, metric_ids.as_ref(), metrics, C_METRIC, report);
    references(claims, source_ids.as_ref(), sources, C_SOURCE, report);
    if let Some(claim_ids) = &claim_ids {
        origins(claims, claim_ids, report);
    }
    if let Some(metrics) = metrics.filter(|_| claims.table.has(C_METRIC)) {
        let used: HashSet<&str> = claims
            .rows
            .iter()
            .filter_map(|c| c.metric.as_deref())
            .collect();
        unclaimed(metrics, &used, "metric", report);
    }
    if let Some(sources) = sources.filter(|_| claims.table.has(C_SOURCE)) {
        let used: HashSet<&str> = claims
            .rows
            .iter()
            .filter_map(|c| c.source.as_deref())
            .collect();
        unclaimed(sources, &used, "source", report);
    }
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
    let mut ids = Ids::new();
    for (index, (line, id)) in rows.enumerate() {
        let Some(id) = id else { continue };
        match ids.get(id) {
            Some(&(_, first)) => {
                let message = format!("duplicate id \"{id}\" (first used on line {first})");
                report.error(file, line, "id", message);
            }
            None => {
                ids.insert(id, (index, line));
            }
        }
    }
    ids
}

/// Reports claim cells in `column` that name no row of `target`.
fn references<T>(
    claims: &Rows<ClaimRow>,
    ids: Option<&Ids<'_>>,
    target: Option<&Rows<Parsed<T>>>,
    column: usize,
    report: &mut Report,
) {
    let (Some(ids), Some(target)) = (ids, target) else {
        return;
    };
    let name = if column == C_METRIC {
        "metric"
    } else {
        "source"
    };
    for claim in &claims.rows {
        let cell = if column == C_METRIC {
            &claim.metric
        } else {
            &claim.source
        };
        if let Some(id) = cell.as_deref().filter(|id| !ids.contains_key(id)) {
            let message = format!("unknown {name} \"{id}\" (not an id in {})", target.file);
            report.error(&claims.file, claim.line, name, message);
        }
    }
}

/// Checks every `origin`: it names a claim, of the same metric, stating the
/// same qualifier and numbers, and no chain of origins loops.
fn origins(claims: &Rows<ClaimRow>, ids: &Ids<'_>, report: &mut Report) {
    let file = &claims.file;
    let mut parent = vec![None; claims.rows.len()];
    for (index, claim) in claims.rows.iter().enumerate() {
        let Some(origin) = claim.origin.as_deref() else {
            continue;
        };
        let Some(&(target, _)) = ids.get(origin) else {
            let message = format!("unknown claim \"{origin}\" (not an id in {file})");
            report.error(file, claim.line, "origin", message);
            continue;
        };
        parent[index] = Some(target);
        if target != index {
            compare(claim, &claims.rows[target], origin, file, report);
        }
    }
    for cycle in cycles(&parent) {
        for &member in &cycle {
            let claim = &claims.rows[member];
            let origin = claim.origin.as_deref().unwrap_or_default();
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
            report.error(file, claim.line, "origin", message);
        }
    }
}

/// Reports how a repeat differs from the claim it names as origin.
fn compare(claim: &ClaimRow, origin: &ClaimRow, id: &str, file: &str, report: &mut Report) {
    if let (Some(mine), Some(theirs)) = (&claim.metric, &origin.metric)
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
