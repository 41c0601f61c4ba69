//! The rules that need more than one row: unique ids, references to
//! metrics, sources and origin claims, origin chains that loop, repeats that
//! disagree with their origin, and the warnings for metrics and sources
//! nobody claims. Everything is hash lookups and one linear walk over the
//! origin links, so millions of rows and chains 200,000 long are fine.

use std::collections::HashSet;

use polars::prelude::PlHashMap;

use super::claim_rows::{ClaimRows, Interner};
use super::draft::Draft;
use super::ids::{self, Target};
use super::rows::{C_HIGH, C_LOW, C_VALUE};
use super::rows::{C_ID, C_METRIC, C_QUALIFIER, C_SOURCE, Parsed, Rows};
use super::table::Report;
use crate::data::claims::{Cell, Claims};
use crate::data::{Event, Metric, Severity, Source, Stated};
use crate::parallel;

/// Unknown origins get the nearest claim id as a hint only in files of at
/// most this many rows: each hint is a pass over every id.
const SUGGEST_ORIGINS_UP_TO: usize = 10_000;

/// What a repeat that differs from its origin is told.
const SAME_AS_ORIGIN: &str = "a repeat must state what its origin states";

/// An id and the index and line of the row that first has it.
type Ids<'a> = PlHashMap<&'a str, (usize, usize)>;

/// For each interned metric or source id, its index in metrics.csv or
/// sources.csv; `Draft::NONE` when unknown.
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
        let found = ids::links(&claims.claims, parallel::cores());
        for &(row, first) in &found.duplicates {
            let rows = &claims.claims;
            let (id, line) = (rows.id(row as usize), rows.record(row as usize).line);
            let first_line = rows.record(first as usize).line;
            let message = format!("duplicate id \"{id}\" (first used on line {first_line})");
            report.error(&claims.file, line, "id", message);
        }
        origins(claims, &found.origins, report);
        statements(claims, report);
    }
    same_window(claims, report);
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

/// Checks events.csv against itself and metrics.csv: unique ids, and every
/// id in `metrics` a metric (with the nearest known id as a hint).
pub fn events(
    events: &Rows<Parsed<Event>>,
    metrics: Option<&Rows<Parsed<Metric>>>,
    report: &mut Report,
) {
    parsed_ids(events, report);
    let Some(metrics) = metrics else { return };
    // In file order, so the nearest of two equally near ids is always the
    // same one.
    let listed: Vec<&str> = metrics
        .rows
        .iter()
        .filter_map(|r| r.id.as_deref())
        .collect();
    let known: HashSet<&str> = listed.iter().copied().collect();
    for row in &events.rows {
        let Some(event) = &row.value else { continue };
        for metric in event.metrics.iter().filter(|m| !known.contains(m.as_str())) {
            let hint = crate::error::did_you_mean(metric, listed.iter().copied());
            let message = format!(
                "unknown metric \"{metric}\" (not an id in {}){hint}",
                metrics.file
            );
            report.error(&events.file, row.line, "metrics", message);
        }
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
    let mut ids = Ids::default();
    ids.reserve(rows.size_hint().0);
    for (index, (line, id)) in rows.enumerate() {
        let Some(id) = id else { continue };
        // One hash per id (claims.csv's ids go through `ids` instead).
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
        .map(|id| ids.get(id.as_str()).map_or(Draft::NONE, |&(i, _)| i as u32))
        .collect();
    if !codes.contains(&Draft::NONE) {
        return Some(codes);
    }
    // Each unknown id's message, with the nearest known id, made once.
    let known = || target.rows.iter().filter_map(|r| r.id.as_deref());
    let messages: Vec<Option<String>> = interned
        .names
        .iter()
        .zip(&codes)
        .map(|(id, &code)| {
            (code == Draft::NONE).then(|| {
                let hint = crate::error::did_you_mean(id, known());
                format!(
                    "unknown {name} \"{id}\" (not an id in {}){hint}",
                    target.file
                )
            })
        })
        .collect();
    for record in claims.claims.records() {
        let code = if column == C_METRIC {
            record.metric
        } else {
            record.source
        };
        if let Some(Some(message)) = messages.get(code as usize) {
            report.error(&claims.file, record.line, name, message.clone());
        }
    }
    Some(codes)
}

/// Checks every `origin` (`found`: each row with one, and the row it
/// names): it names a claim, of the same metric, stating the same qualifier
/// and numbers, and no chain of origins loops. Sets each row's origin row.
fn origins(claims: &mut ClaimRows, found: &[(u32, Target)], report: &mut Report) {
    // Unknown origins and repeats that differ, on every core (`found` is
    // in row order, so each thread reads its own stretch of rows).
    let share = found.len().div_ceil(parallel::cores()).max(1 << 12);
    // A repeat whose origin is not itself a repeat (most are) is compared
    // and completed here too, while both rows are in the cache: the origin
    // already has every field it will have. The rest wait for the walk
    // below, which goes up each chain of origins first.
    let checked = parallel::map(found.chunks(share).collect(), |found| {
        let mut report = Report::default();
        let mut parents = Vec::with_capacity(found.len());
        let mut completed = Vec::new();
        for &(row, target) in found {
            let row = row as usize;
            let target = target.row(&claims.claims, row);
            parents.push((row, target));
            if let Some(target) = target
                && target != row
                && claims.claims.record(target).cells.lens[Cell::Origin as usize] == 0
            {
                compare(claims, row, target, &mut report);
                let records = claims.claims.records();
                let mut draft = inherited(&records[row], &records[target]);
                draft.origin = Some(target as u32);
                completed.push((row, draft));
            }
            if target.is_none() {
                let origin = claims.claims.cell(row, Cell::Origin);
                let file = &claims.file;
                // The nearest id is looked for among few claims only: each
                // look is a pass over every id.
                let rows = claims.claims.len();
                let hint = if rows <= SUGGEST_ORIGINS_UP_TO {
                    let ids = (0..rows).map(|r| claims.claims.id(r));
                    crate::error::did_you_mean(origin, ids)
                } else {
                    String::new()
                };
                let message = format!("unknown claim \"{origin}\" (not an id in {file}){hint}");
                report.error(file, claims.claims.record(row).line, "origin", message);
            }
        }
        (parents, completed, report)
    });
    let mut completed = Vec::new();
    let parents: Vec<(usize, Option<usize>)> = checked
        .into_iter()
        .flat_map(|(parents, done, part)| {
            report.merge(part);
            completed.push(done);
            parents
        })
        .collect();
    // The origin links, also as a plain array: the loop search jumps
    // between rows and that is cheaper than a record each time.
    let n = claims.claims.len();
    let mut parent = vec![u32::MAX; n];
    let mut done = vec![false; n];
    for (row, draft) in completed.into_iter().flatten() {
        claims.claims.records[row] = draft;
        done[row] = true;
    }
    for &(row, target) in &parents {
        if let Some(target) = target {
            parent[row] = target as u32;
            if !done[row] {
                claims.claims.records[row].origin = Some(target as u32);
            }
        }
    }
    let file = &claims.file;
    let rows = &claims.claims;
    let starts = found.iter().map(|&(row, _)| row as usize);
    let parent_of = |row: usize| Some(parent[row] as usize).filter(|_| parent[row] != u32::MAX);
    let cycles = cycles(rows.len(), starts, parent_of);
    // Rows on a loop have no origin to take from; every other repeat is
    // compared with its origin and takes what it left empty, origins
    // first (a chain is walked up to a row already done, then down).
    for &member in cycles.iter().flatten() {
        done[member] = true;
    }
    let mut path = Vec::new();
    for &(row, _) in found {
        let mut at = row as usize;
        while let Some(origin) = parent_of(at).filter(|_| !done[at]) {
            path.push((at, origin));
            at = origin;
        }
        for (row, origin) in path.drain(..).rev() {
            compare(claims, row, origin, report);
            let records = &mut claims.claims.records;
            records[row] = inherited(&records[row], &records[origin]);
            done[row] = true;
        }
    }
    let rows = &claims.claims;
    for cycle in cycles {
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
}

/// Checks every `alternative_of` and `based_on` (rows with either are few:
/// the id index is built only when there are any): each id names a claim;
/// an alternative names a claim that is neither a repeat nor an alternative,
/// of its own source, metric and claimed window; `based_on` links do not
/// loop. Sets each alternative's claim row.
fn statements(claims: &mut ClaimRows, report: &mut Report) {
    for (row, target) in statement_links(claims, report) {
        claims.claims.records[row].alternative = Some(target);
    }
}

/// [`statements`]' checks; returns each alternative's row and claim row.
fn statement_links(claims: &ClaimRows, report: &mut Report) -> Vec<(usize, u32)> {
    // Without either column there is nothing to look at (a million rows
    // are not walked for it).
    use super::rows::{C_ALTERNATIVE_OF, C_BASED_ON};
    if !claims.table.has(C_ALTERNATIVE_OF) && !claims.table.has(C_BASED_ON) {
        return Vec::new();
    }
    let rows = &claims.claims;
    let n = rows.len();
    let given = |row: usize, cell: Cell| rows.record(row).cells.lens[cell as usize] > 0;
    // A repeat with either was reported by the row check: one message for
    // one mistake.
    let linked: Vec<usize> = (0..n)
        .filter(|&r| given(r, Cell::AlternativeOf) || given(r, Cell::BasedOn))
        .filter(|&r| !given(r, Cell::Origin))
        .collect();
    if linked.is_empty() {
        return Vec::new();
    }
    let mut ids: PlHashMap<&str, usize> = PlHashMap::default();
    ids.reserve(n);
    for row in 0..n {
        ids.entry(rows.id(row)).or_insert(row);
    }
    let file = &claims.file;
    let unknown = |id: &str| {
        let hint = if n <= SUGGEST_ORIGINS_UP_TO {
            crate::error::did_you_mean(id, (0..n).map(|r| rows.id(r)))
        } else {
            String::new()
        };
        format!("unknown claim \"{id}\" (not an id in {file}){hint}")
    };
    let mut alternatives = Vec::new();
    let mut bases: PlHashMap<usize, Vec<usize>> = PlHashMap::default();
    for &row in &linked {
        let record = rows.record(row);
        let line = record.line;
        let of = rows.cell(row, Cell::AlternativeOf);
        if !of.is_empty() {
            match ids.get(of).copied() {
                None => report.error(file, line, "alternative_of", unknown(of)),
                Some(target) if target == row => {
                    let message = format!(
                        "\"{of}\" is this claim itself (an alternative names the claim it was \
                         given beside)"
                    );
                    report.error(file, line, "alternative_of", message);
                }
                Some(target) => {
                    if let Some(message) = alternative_mismatch(claims, row, target) {
                        report.error(file, line, "alternative_of", message);
                    } else {
                        alternatives.push((row, target as u32));
                    }
                }
            }
        }
        for base in rows.cell(row, Cell::BasedOn).split_whitespace() {
            match ids.get(base).copied() {
                None => report.error(file, line, "based_on", unknown(base)),
                Some(target) if target == row => {
                    let message = format!(
                        "\"{base}\" is this claim itself (an estimate is based on other claims)"
                    );
                    report.error(file, line, "based_on", message);
                }
                Some(target) => bases.entry(row).or_default().push(target),
            }
        }
    }
    // Loops of `based_on`: a depth-first walk from each derived row, a
    // loop reported on the row whose link closes it.
    let mut state: PlHashMap<usize, u8> = PlHashMap::default();
    for &start in &linked {
        if state.contains_key(&start) {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state.insert(start, 1);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let children = bases.get(&node).map_or(&[][..], Vec::as_slice);
            if let Some(&child) = children.get(*next) {
                *next += 1;
                match state.get(&child) {
                    Some(1) => {
                        let message = format!(
                            "\"{}\" leads back to this claim (derived estimates based on each \
                             other in a loop: one of them must be based on other claims)",
                            rows.id(child)
                        );
                        report.error(file, rows.record(node).line, "based_on", message);
                    }
                    Some(_) => {}
                    None => {
                        state.insert(child, 1);
                        stack.push((child, 0));
                    }
                }
            } else {
                state.insert(node, 2);
                stack.pop();
            }
        }
    }
    alternatives
}

/// Why row `row` cannot be an alternative of claim `target`, if it cannot.
fn alternative_mismatch(claims: &ClaimRows, row: usize, target: usize) -> Option<String> {
    let rows = &claims.claims;
    let (mine, theirs) = (rows.record(row), rows.record(target));
    let of = rows.id(target);
    let origin = rows.cell(target, Cell::Origin);
    if !origin.is_empty() {
        return Some(format!(
            "claim \"{of}\" is a repeat (name the claim it repeats, \"{origin}\")"
        ));
    }
    let its = rows.cell(target, Cell::AlternativeOf);
    if !its.is_empty() {
        return Some(format!(
            "claim \"{of}\" is itself an alternative (name the claim it was given beside, \
             \"{its}\")"
        ));
    }
    const SAME: &str = "an alternative is another figure of the same source, metric and \
                        claimed window";
    // The metric, then the source: "is of metric "b", not "a"".
    let differing = [
        ("metric", &claims.metrics, mine.metric, theirs.metric),
        ("source", &claims.sources, mine.source, theirs.source),
    ];
    for (what, names, a, b) in differing {
        let name = |code: u32| names.names.get(code as usize);
        if let (Some(a), Some(b)) = (name(a), name(b))
            && a != b
        {
            return Some(format!(
                "claim \"{of}\" is of {what} \"{b}\", not \"{a}\" ({SAME})"
            ));
        }
    }
    if let (Some(a), Some(b)) = (mine.claimed, theirs.claimed)
        && (a.start, a.end) != (b.start, b.end)
    {
        return Some(format!(
            "claim \"{of}\" was claimed \"{}\", not \"{}\" ({SAME})",
            rows.cell(target, Cell::Claimed),
            rows.cell(row, Cell::Claimed)
        ));
    }
    None
}

/// Reports how repeat `row` differs from the claim `target` it names as
/// origin, in what it gives (what it leaves empty it takes: see
/// [`inherit`]); `target` has every field it will have.
fn compare(claims: &ClaimRows, row: usize, target: usize, report: &mut Report) {
    let file = &claims.file;
    let rows = &claims.claims;
    // The origin's id is read only for a message (it is another cache
    // miss for each of a hundred thousand repeats).
    let id = || rows.cell(row, Cell::Origin);
    let (claim, origin) = (rows.record(row), rows.record(target));
    let metric = |code: u32| claims.metrics.names.get(code as usize);
    if let (Some(mine), Some(theirs)) = (metric(claim.metric), metric(origin.metric))
        && mine != theirs
    {
        let message = format!(
            "claim \"{}\" is of metric \"{theirs}\", not \"{mine}\" (a repeat must be of its origin's metric)",
            id()
        );
        report.error(file, claim.line, "origin", message);
    }
    // "X differs from Y in origin claim …" in `column` of the repeat's line.
    let mut differs =
        |column: &str, mine: &dyn std::fmt::Display, theirs: &dyn std::fmt::Display| {
            let message = format!(
                "{mine} differs from {theirs} in origin claim \"{}\" ({SAME_AS_ORIGIN})",
                id()
            );
            report.error(file, claim.line, column, message);
        };
    let source = |code: u32| claims.sources.names.get(code as usize);
    if let (Some(mine), Some(theirs)) = (source(claim.source), source(origin.source))
        && mine != theirs
    {
        differs("source", mine, theirs);
    }
    if let (Some(mine), Some(theirs)) = (claim.claimed, origin.claimed)
        && (mine.start, mine.end) != (theirs.start, theirs.end)
    {
        let mine = format!("\"{}\"", rows.cell(row, Cell::Claimed));
        let theirs = format!("\"{}\"", claimed_text(rows, target));
        differs("claimed", &mine, &theirs);
    }
    if claim.refers.is_some() {
        let theirs_window = origin.refers.or(origin.claimed);
        if let (Some(mine), Some(theirs)) = (claim.refers, theirs_window)
            && (mine.start, mine.end) != (theirs.start, theirs.end)
        {
            let mine = format!("\"{}\"", rows.cell(row, Cell::RefersTo));
            let theirs = match rows.cell(target, Cell::RefersTo) {
                "" => format!("the claimed window \"{}\"", claimed_text(rows, target)),
                text => format!("\"{text}\""),
            };
            differs("refers_to", &mine, &theirs);
        }
    }
    // A restated repeat words the claim its own way: that is what it records.
    if claim.restated {
        return;
    }
    let column = |c: usize| super::rows::CLAIM_COLUMNS[c].0;
    if let (Some(mine), Some(theirs)) = (claim.qualifier, origin.qualifier)
        && mine != theirs
    {
        differs(column(C_QUALIFIER), &mine, &theirs);
        return;
    }
    // The numbers are compared whether or not the repeat gave its qualifier
    // (numbers given without one were kept nowhere and reported nowhere).
    let pairs = match (claim.stated, origin.stated) {
        (Some(Stated::Value(a)), Some(Stated::Value(b))) => vec![(C_VALUE, a, b)],
        (Some(Stated::Range(l1, h1, c1)), Some(Stated::Range(l2, h2, c2))) => {
            let mut pairs = vec![(C_LOW, l1, l2), (C_HIGH, h1, h2)];
            if let Some(c1) = c1 {
                pairs.insert(0, (C_VALUE, c1, c2.unwrap_or(f64::NAN)));
            }
            pairs
        }
        (Some(mine), Some(theirs)) => {
            differs(column(C_VALUE), &numbers(mine), &numbers(theirs));
            return;
        }
        _ => return,
    };
    for (c, mine, theirs) in pairs {
        if theirs.is_nan() {
            differs(column(c), &mine, &"no central estimate");
        } else if mine != theirs {
            differs(column(c), &mine, &theirs);
        }
    }
}

/// Stated numbers as the columns hold them: `value 4000`, `low 2500, high 3500`.
fn numbers(stated: Stated) -> String {
    match stated {
        Stated::Value(value) => format!("value {value}"),
        Stated::Range(low, high, None) => format!("low {low}, high {high}"),
        Stated::Range(low, high, Some(value)) => format!("value {value}, low {low}, high {high}"),
    }
}

/// The `claimed` text whose window row `row` has: its own cell, or for a
/// repeat that left it empty, the first one given up its chain of origins
/// (roots are not resolved while loading, so they cannot say which).
fn claimed_text(rows: &Claims<Draft>, row: usize) -> &str {
    std::iter::successors(Some(row), |&at| rows.record(at).origin.map(|o| o as usize))
        .take(rows.len())
        .map(|at| rows.cell(at, Cell::Claimed))
        .find(|text| !text.is_empty())
        .unwrap_or_default()
}

/// Repeat `claim` given what it left empty of what its `origin` states
/// (DESIGN 1, Repeats), so every later stage sees whole records.
fn inherited(claim: &Draft, origin: &Draft) -> Draft {
    let mut claim = claim.clone();
    if claim.metric == Draft::NONE {
        claim.metric = origin.metric;
    }
    if claim.source == Draft::NONE {
        claim.source = origin.source;
    }
    claim.claimed = claim.claimed.or(origin.claimed);
    claim.refers = claim.refers.or(origin.refers);
    claim.qualifier = claim.qualifier.or(origin.qualifier);
    claim.stated = claim.stated.or(origin.stated);
    claim
}

/// Warns about each claim (not a repeat or an alternative, and with its
/// numbers valid) that shares its source, metric and `claimed` window with
/// another, naming the one the current-claim rule takes. Sorted keys, not a
/// hash map: a million rows are a million cache misses in one.
fn same_window(claims: &ClaimRows, report: &mut Report) {
    let rows = &claims.claims;
    // Each key packs metric, source, first and last day in as few bits as
    // they need, so that with the row in the low bits a key is one u128:
    // sorting those is about twice as fast as sorting (key, row) pairs.
    let bits = |count: usize| usize::BITS - count.leading_zeros();
    let (metric_bits, source_bits) = (
        bits(claims.metrics.names.len()),
        bits(claims.sources.names.len()),
    );
    let row_bits = bits(rows.len());
    // Days of years 0000 to 9999 (all a date spec can name), from 0.
    const DAY_BITS: u32 = 22;
    let day = |d: crate::data::Day| {
        let days = i64::from(chrono::Datelike::num_days_from_ce(&d)) + 366;
        u128::from(days.clamp(0, (1 << DAY_BITS) - 1) as u32)
    };
    // The key of a row that can share its window, or none.
    let key = |r: &Draft| {
        // Rows with errors of their own are left out: a warning on them
        // would only add to what must be fixed anyway.
        if r.cells.lens[Cell::Origin as usize] != 0
            || r.cells.lens[Cell::AlternativeOf as usize] != 0
            || r.metric == Draft::NONE
            || r.source == Draft::NONE
            || r.stated.is_none()
        {
            return None;
        }
        let window = r.claimed?;
        Some(
            ((u128::from(r.metric) << source_bits | u128::from(r.source)) << DAY_BITS
                | day(window.start))
                << DAY_BITS
                | day(window.end),
        )
    };
    // A file of at most 2 GiB has fewer than 2^27 rows (and ids), so the
    // key and the row fit in one u128; otherwise they are a pair.
    let found = if metric_bits + source_bits + 2 * DAY_BITS + row_bits <= 128 {
        let low = (1u128 << row_bits) - 1;
        groups_by_key(
            rows,
            |row, r| key(r).map(|key| key << row_bits | row as u128),
            |&k| k >> row_bits,
            |&k| (k & low) as u32,
        )
    } else {
        groups_by_key(
            rows,
            |row, r| key(r).map(|key| (key, row as u32)),
            |&(key, _)| key,
            |&(_, row)| row,
        )
    };
    // Every member of every group, by row; a group's every member but the
    // one the current-claim rule takes is warned about. Which one that is
    // reads ids, so it is found only for the groups whose rows are listed
    // (see `listed`: a million same-window claims are counted, not written
    // out).
    let mut groups: Vec<&[u32]> = Vec::new();
    for (members, starts) in &found {
        groups.extend(
            starts
                .windows(2)
                .map(|w| &members[w[0] as usize..w[1] as usize]),
        );
    }
    let mut entries: Vec<(u32, u32)> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, rows)| rows.iter().map(move |&row| (row, g as u32)))
        .collect();
    entries.sort_unstable();
    let warned: usize = groups.iter().map(|g| g.len() - 1).sum();
    // The one the current-claim rule takes: the latest refers_to end, then
    // the greatest id (the claimed windows are equal).
    let preferred = |group: &[u32]| {
        group
            .iter()
            .copied()
            .max_by(|&a, &b| {
                let key = |row: u32| {
                    let r = rows.record(row as usize);
                    r.refers.or(r.claimed).map(|w| w.end)
                };
                key(a)
                    .cmp(&key(b))
                    .then_with(|| rows.id(a as usize).cmp(rows.id(b as usize)))
            })
            .unwrap_or(group[0])
    };
    let mut taken: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    let mut listed = Vec::new();
    for (row, g) in entries {
        if listed.len() == super::LISTED_PER_FILE {
            break;
        }
        let best = *taken
            .entry(g)
            .or_insert_with(|| preferred(groups[g as usize]));
        if row != best {
            listed.push((row, best));
        }
    }
    if warned > listed.len() {
        report.unlisted.push((
            claims.file.clone(),
            warned - listed.len(),
            Severity::Warning,
        ));
    }
    for (row, preferred) in listed {
        let id = rows.id(preferred as usize);
        let message = format!(
            "claim \"{id}\" has the same source, metric and claimed window and is taken as the \
             source's current claim; if both figures were given in one statement (two \
             scenarios, methods or definitions), mark this one alternative_of \"{id}\"; if one \
             repeats the other, give it origin"
        );
        let line = rows.record(row as usize).line;
        report.warning(&claims.file, line, "claimed", message);
    }
}

/// The rows of `rows` that share a key, as runs of members (`(members,
/// starts)`, one pair per part of the metrics): each row's key (`make`,
/// which says whether it has one and packs its row in) is read once, on
/// every core a part of the rows, and put in the part of its metric; each
/// part is then sorted on its own core. Reading every row for each part
/// of the metrics read ten million records twice (1.7 GB each time).
fn groups_by_key<K: Ord + Copy + Send + Sync>(
    rows: &Claims<Draft>,
    make: impl Fn(usize, &Draft) -> Option<K> + Sync,
    key: impl Fn(&K) -> u128 + Sync,
    row: impl Fn(&K) -> u32 + Sync,
) -> Vec<(Vec<u32>, Vec<u32>)> {
    let records = rows.records();
    let parts = parallel::cores().min(records.len() >> 16).max(1);
    let gathered = parallel::in_parts(records.len(), 1 << 16, |range| {
        let mut by_part: Vec<Vec<K>> = vec![Vec::new(); parts];
        for (at, r) in range.clone().zip(&records[range]) {
            if let Some(k) = make(at, r) {
                by_part[r.metric as usize % parts].push(k);
            }
        }
        by_part
    });
    parallel::map((0..parts).collect(), |part| {
        let mut keys: Vec<K> = gathered
            .iter()
            .flat_map(|g| g[part].iter().copied())
            .collect();
        keys.sort_unstable();
        let mut members: Vec<u32> = Vec::new();
        let mut starts: Vec<u32> = Vec::new();
        for same in keys
            .chunk_by(|a, b| key(a) == key(b))
            .filter(|s| s.len() > 1)
        {
            starts.push(members.len() as u32);
            members.extend(same.iter().map(&row));
        }
        starts.push(members.len() as u32);
        (members, starts)
    })
}

/// The cycles of a graph of `n` nodes where each node has at most one
/// parent, each as its member indexes; every cycle passes through a node of
/// `starts` (the nodes with a parent will do). One pass: every node is
/// walked once.
fn cycles(
    n: usize,
    starts: impl Iterator<Item = usize>,
    parent: impl Fn(usize) -> Option<usize>,
) -> Vec<Vec<usize>> {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; n];
    let mut path = Vec::new();
    let mut found = Vec::new();
    for start in starts {
        let mut at = start;
        while state[at] == NEW {
            state[at] = ON_PATH;
            path.push(at);
            match parent(at) {
                Some(next) if state[next] == ON_PATH => {
                    // Found once per cycle, so the search is linear overall.
                    let from = path.iter().rposition(|&node| node == next).unwrap_or(0);
                    found.push(path[from..].to_vec());
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

    // Rows that share a key come out as one group each, whatever part of
    // the rows and of the metrics they fell in (140,000 rows: two parts on
    // two cores), as a map of each key's rows says.
    #[test]
    fn groups_rows_by_key_across_parts() {
        let mut rows: Claims<Draft> = Claims::default();
        let mut state = 11u64;
        for line in 0..140_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let mut draft = Draft::new(line + 2, rows.push_cells([""; crate::data::claims::CELLS]));
            draft.metric = (state >> 40) as u32 % 7;
            draft.source = (state >> 20) as u32 % 3000;
            rows.records.push(draft);
        }
        let key = |r: &Draft| u128::from(r.metric) << 32 | u128::from(r.source);
        let found = groups_by_key(
            &rows,
            |row, r| (r.source % 5 != 0).then(|| (key(r), row as u32)),
            |&(key, _)| key,
            |&(_, row)| row,
        );
        let mut groups: Vec<Vec<u32>> = found
            .iter()
            .flat_map(|(members, starts)| {
                starts
                    .windows(2)
                    .map(|w| members[w[0] as usize..w[1] as usize].to_vec())
            })
            .collect();
        groups.sort();
        let mut expected: std::collections::BTreeMap<u128, Vec<u32>> = Default::default();
        for (row, r) in rows.records().iter().enumerate() {
            if r.source % 5 != 0 {
                expected.entry(key(r)).or_default().push(row as u32);
            }
        }
        let mut expected: Vec<Vec<u32>> = expected.into_values().filter(|g| g.len() > 1).collect();
        expected.sort();
        assert!(expected.len() > 1000);
        assert_eq!(groups, expected);
    }

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
        let mut found = cycles(parent.len(), 0..parent.len(), |i| parent[i]);
        found.iter_mut().for_each(|c| c.sort_unstable());
        assert_eq!(found, vec![vec![3], vec![4, 5, 6]]);
    }

    // A chain 200,000 long is walked without recursion, and a loop closing it is found.
    #[test]
    fn long_chains() {
        let n: usize = 200_000;
        let mut parent: Vec<Option<usize>> = (0..n).map(|i| i.checked_sub(1)).collect();
        assert!(cycles(n, 1..n, |i| parent[i]).is_empty());
        parent[0] = Some(n - 1);
        assert_eq!(cycles(n, 0..n, |i| parent[i])[0].len(), n);
    }
}
