//! One pass over every claim record, split across threads: the few rows the
//! as-of queries need and the further reports of every origin claim.
//!
//! The records of a million claims are about 130 MB; reading them is the
//! cost, so each stage reads them once, in contiguous parts on as many
//! threads as there are cores (results joined in row order, so the output
//! never depends on the split), and hands polars only the rows that matter.

use crate::data::{Claims, Day};
use crate::parallel::in_parts;

/// Fewer rows than this per part do not pay for a thread.
const MIN_PART: usize = 4096;

/// The further reports of every origin claim: the rows that repeat another
/// claim, by the origin claim they report (their root), each origin's sorted
/// by row id, as [`crate::analysis::ClaimView::further`] lists them. Kept
/// compact (8 bytes a repeat) so a look-up does not touch the records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Further {
    /// (root, row) of every repeat, by root, then by the row's id.
    repeats: Vec<(u32, u32)>,
}

impl Further {
    /// The index of `repeats`, (root, row) pairs in any order.
    pub fn new(claims: &Claims, mut repeats: Vec<(u32, u32)>) -> Further {
        // By root (integers), then by id only within a root's repeats: ids
        // are read from the records, which is slow at random.
        repeats.sort_unstable();
        for group in repeats.chunk_by_mut(|a, b| a.0 == b.0) {
            if group.len() > 1 {
                group.sort_by(|a, b| claims.id(a.1 as usize).cmp(claims.id(b.1 as usize)));
            }
        }
        Further { repeats }
    }

    /// The rows that repeat origin claim `row`, sorted by id.
    pub fn of(&self, row: usize) -> impl Iterator<Item = usize> + '_ {
        let from = self.repeats.partition_point(|r| (r.0 as usize) < row);
        self.repeats[from..]
            .iter()
            .take_while(move |r| r.0 as usize == row)
            .map(|r| r.1 as usize)
    }
}

/// A (metric, source) slot: the known origin claims with the latest
/// `claimed` (end, start), in row order.
#[derive(Debug, Clone, Default)]
struct Slot {
    /// (end, start) of the rows.
    window: Option<(Day, Day)>,
    /// The rows with that window.
    rows: Vec<u32>,
}

impl Slot {
    /// Takes row `row` with window `window` into account.
    fn offer(&mut self, window: (Day, Day), row: u32) {
        match self.window {
            Some(w) if w > window => {}
            Some(w) if w == window => self.rows.push(row),
            _ => {
                self.window = Some(window);
                self.rows.clear();
                self.rows.push(row);
            }
        }
    }

    /// The slot of both parts; `later`'s rows come after `self`'s.
    fn merge(&mut self, later: Slot) {
        match (self.window, later.window) {
            (_, None) => {}
            (Some(a), Some(b)) if a > b => {}
            (Some(a), Some(b)) if a == b => self.rows.extend(later.rows),
            _ => *self = later,
        }
    }
}

/// What [`latest`] finds in one pass.
#[derive(Debug, Clone, Default)]
pub struct Latest {
    /// Per (metric, source), the known origin claims with the latest
    /// `claimed` (end, start): the only ones that can be the source's current
    /// claim (the id breaks the tie, in the query). Then any row whose metric
    /// or source code is out of range (which validation rejects), so building
    /// the frame reports it. Ascending per slot, slots by (metric, source).
    pub rows: Vec<usize>,
    /// The further reports of every origin claim.
    pub further: Vec<(u32, u32)>,
}

/// The rows that can be a current claim as of `as_of` (origin claims whose
/// `claimed` window ends on or before it, the latest window per metric and
/// source), and every (root, row) repeat. `metrics` × `sources` slots.
pub fn latest(claims: &Claims, metrics: usize, sources: usize, as_of: Day) -> Latest {
    latest_in_parts(claims, metrics, sources, as_of, MIN_PART)
}

/// [`latest`] with parts of at least `min` rows (the tests split small data).
fn latest_in_parts(
    claims: &Claims,
    metrics: usize,
    sources: usize,
    as_of: Day,
    min: usize,
) -> Latest {
    let records = claims.records();
    let parts = in_parts(records.len(), min, |range| {
        let mut slots = vec![Slot::default(); metrics * sources];
        let mut stray = Vec::new();
        let mut further = Vec::new();
        for row in range {
            let record = &records[row];
            if record.root as usize != row {
                further.push((record.root, row as u32));
                continue;
            }
            let window = claims.claimed_window(row);
            if window.end > as_of {
                continue;
            }
            let (m, s) = (record.metric as usize, record.source as usize);
            if m < metrics && s < sources {
                slots[m * sources + s].offer((window.end, window.start), row as u32);
            } else {
                stray.push(row);
            }
        }
        (slots, stray, further)
    });
    let mut parts = parts.into_iter();
    let (mut slots, mut stray, mut further) = parts.next().unwrap_or_default();
    for (more, more_stray, more_further) in parts {
        for (slot, later) in slots.iter_mut().zip(more) {
            slot.merge(later);
        }
        stray.extend(more_stray);
        further.extend(more_further);
    }
    let mut rows: Vec<usize> = slots
        .iter()
        .flat_map(|s| s.rows.iter().map(|&r| r as usize))
        .collect();
    rows.extend(stray);
    Latest { rows, further }
}

/// The origin claims whose `claimed` window ends after `since` and on or
/// before `as_of`: the claims new between the two days, ascending.
pub fn new_between(claims: &Claims, since: Day, as_of: Day) -> Vec<usize> {
    let records = claims.records();
    in_parts(records.len(), MIN_PART, |range| {
        range
            .filter(|&row| {
                let end = claims.claimed_window(row).end;
                records[row].root as usize == row && since < end && end <= as_of
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// What [`by_metric`] finds in one pass.
#[derive(Debug, Clone, Default)]
pub struct ByMetric {
    /// Per wanted metric (in the order asked), its origin claims known as
    /// of the day, ascending.
    pub rows: Vec<Vec<usize>>,
    /// The further reports of every origin claim.
    pub further: Vec<(u32, u32)>,
}

/// The origin claims known as of `as_of` of each metric code in `wanted`,
/// and every (root, row) repeat.
pub fn by_metric(claims: &Claims, wanted: &[u32], as_of: Day) -> ByMetric {
    by_metric_in_parts(claims, wanted, as_of, MIN_PART)
}

/// [`by_metric`] with parts of at least `min` rows (the tests split small data).
fn by_metric_in_parts(claims: &Claims, wanted: &[u32], as_of: Day, min: usize) -> ByMetric {
    let records = claims.records();
    // Slot of each metric code (codes are small: indexes into metrics.csv).
    let top = wanted.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut slot_of = vec![usize::MAX; top];
    for (slot, &code) in wanted.iter().enumerate() {
        slot_of[code as usize] = slot_of[code as usize].min(slot);
    }
    let parts = in_parts(records.len(), min, |range| {
        let mut rows = vec![Vec::new(); wanted.len()];
        let mut further = Vec::new();
        for row in range {
            let record = &records[row];
            if record.root as usize != row {
                further.push((record.root, row as u32));
                continue;
            }
            let Some(&slot) = slot_of.get(record.metric as usize) else {
                continue;
            };
            if slot != usize::MAX && claims.claimed_window(row).end <= as_of {
                rows[slot].push(row);
            }
        }
        (rows, further)
    });
    let mut parts = parts.into_iter();
    let (mut rows, mut further) = parts.next().unwrap_or_default();
    for (more_rows, more_further) in parts {
        for (all, more) in rows.iter_mut().zip(more_rows) {
            all.extend(more);
        }
        further.extend(more_further);
    }
    // A metric asked for twice gets the same rows twice.
    for (slot, &code) in wanted.iter().enumerate() {
        let first = slot_of[code as usize];
        if first != slot {
            rows[slot] = rows[first].clone();
        }
    }
    ByMetric { rows, further }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use polars::prelude::IntoLazy;
    use proptest::prelude::*;

    use super::*;
    use crate::analysis::asof;
    use crate::analysis::figures::{self, Group, Key};
    use crate::data::frames::tests::{claim, day, metric, source};
    use crate::data::frames::{self, day_number};
    use crate::data::load::load;
    use crate::data::{Claim, Dataset, DateSpec, Qualifier, Stated};

    /// The as-of figures of `dataset` from the frame of `rows`, each
    /// group's current claims sorted by source (the queries leave their
    /// order open).
    fn figures_of(dataset: &Dataset, rows: &[usize], as_of: Day) -> BTreeMap<Key, Group> {
        let frames = frames::build_rows(dataset, rows).unwrap();
        let known = asof::known(asof::origins(frames.claims.lazy()), day_number(as_of));
        let stale_after = vec![None; dataset.metrics.len()];
        let mut groups = figures::figures(known, &dataset.claims, &stale_after).unwrap();
        for group in groups.values_mut() {
            group.current.sort_by_key(|c| c.source);
        }
        groups
    }

    /// A claim: metric, source, start day offset, window length, id
    /// number, repeat of an earlier claim (by index).
    type Raw = (usize, usize, u8, u8, u8, Option<usize>);

    /// A dataset of 2 metrics and 3 sources from raw claims; a repeat
    /// points at an earlier claim of the same metric, when there is one.
    fn dataset(raw: &[Raw]) -> Dataset {
        let metric_ids = ["m0", "m1"];
        let source_ids = ["s0", "s1", "s2"];
        let mut claims: Vec<Claim> = Vec::new();
        for (i, &(m, s, start, len, id, repeat)) in raw.iter().enumerate() {
            let mut c = claim(
                &format!("c{id}-{i}"),
                metric_ids[m],
                source_ids[s],
                Qualifier::Exact,
                Stated::Value(f64::from(id)),
                "2024-01-01",
            );
            let start = day("2024-01-01") + chrono::Days::new(u64::from(start));
            let end = start + chrono::Days::new(u64::from(len));
            c.claimed = DateSpec {
                start,
                end,
                ..DateSpec::day(start)
            };
            let origin = repeat.and_then(|r| {
                claims[..i.min(r + 1)]
                    .iter()
                    .rev()
                    .find(|o| o.metric == c.metric && o.origin.is_none())
            });
            c.origin = origin.map(|o| o.id.clone());
            claims.push(c);
        }
        let sources = source_ids.iter().map(|s| source(s, s)).collect();
        let metrics = metric_ids.iter().map(|m| metric(m, 0.1)).collect();
        Dataset::new(PathBuf::new(), &claims, sources, metrics).unwrap()
    }

    fn raw() -> impl Strategy<Value = Raw> {
        (
            0usize..2,
            0usize..3,
            0u8..4,
            0u8..3,
            0u8..20,
            prop::option::weighted(0.2, 0usize..12),
        )
    }

    proptest! {
        // The queries over only the rows `latest` keeps give what they give
        // over every known origin claim (the rows `analyse` used to pass).
        #[test]
        fn latest_keeps_what_the_queries_need(
            raw in prop::collection::vec(raw(), 1..14),
            as_of in 0u64..7,
        ) {
            let dataset = dataset(&raw);
            let as_of = day("2024-01-01") + chrono::Days::new(as_of);
            let claims = &dataset.claims;
            let all: Vec<usize> = (0..claims.len())
                .filter(|&row| {
                    claims.record(row).root as usize == row
                        && claims.claimed_window(row).end <= as_of
                })
                .collect();
            // In one part, and split into parts of 2 rows (on 2+ cores).
            for min in [MIN_PART, 2] {
                let kept = latest_in_parts(claims, 2, 3, as_of, min);
                prop_assert_eq!(
                    figures_of(&dataset, &kept.rows, as_of),
                    figures_of(&dataset, &all, as_of)
                );
            }
        }

        // Split or not, the per-metric rows are the known origin claims of
        // each metric in row order, and the repeats are every repeat.
        #[test]
        fn by_metric_splits_alike(
            raw in prop::collection::vec(raw(), 1..14),
            as_of in 0u64..7,
        ) {
            let dataset = dataset(&raw);
            let as_of = day("2024-01-01") + chrono::Days::new(as_of);
            let claims = &dataset.claims;
            let wanted = [1, 0, 1];
            let expected: Vec<Vec<usize>> = wanted
                .iter()
                .map(|&m| {
                    (0..claims.len())
                        .filter(|&row| {
                            let record = claims.record(row);
                            record.metric == m
                                && record.root as usize == row
                                && claims.claimed_window(row).end <= as_of
                        })
                        .collect()
                })
                .collect();
            let repeats: Vec<(u32, u32)> = (0..claims.len())
                .filter(|&row| claims.record(row).root as usize != row)
                .map(|row| (claims.record(row).root, row as u32))
                .collect();
            for min in [MIN_PART, 2] {
                let found = by_metric_in_parts(claims, &wanted, as_of, min);
                prop_assert_eq!(&found.rows, &expected);
                prop_assert_eq!(&found.further, &repeats);
            }
        }
    }

    // The index lists each origin's further reports as the loader does
    // (by id), on the seed data, which has repeats.
    #[test]
    fn further_matches_the_loader() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let claims = load(&dir).unwrap().dataset.claims;
        let found = by_metric(&claims, &[], Day::MAX);
        assert!(!found.further.is_empty());
        let further = Further::new(&claims, found.further);
        for row in 0..claims.len() {
            let ours: Vec<usize> = further.of(row).collect();
            let loader: Vec<usize> = claims.further(row).iter().map(|&r| r as usize).collect();
            assert_eq!(ours, loader, "row {row}");
        }
    }
}
