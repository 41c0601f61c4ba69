//! One pass over every claim record, split across threads: the few rows the
//! figures need — origin claims known as of a day ([`known_origin`]) and
//! of those each source's current claim ([`Slot`]). (The further reports
//! of every origin claim are indexed once, by the loader:
//! [`Claims::further`].)
//!
//! The records of a million claims are about 120 MB; reading them is the
//! cost, so each stage reads them once, in contiguous parts on as many
//! threads as there are cores (results joined in row order, so the output
//! never depends on the split), and hands polars only the rows that matter.

use crate::data::{Claims, Day};
use crate::parallel::in_parts;

/// Fewer rows than this per part do not pay for a thread.
const MIN_PART: usize = 4096;

/// Whether row `row` is an origin claim known as of `day`: not a repeat
/// (a repeat is no claim of its own), not an alternative (another figure
/// of a claim, in no figure) and its `claimed` window ended on or before
/// the day (docs/figures.md). Every pass asks this, and only here.
pub fn known_origin(claims: &Claims, row: usize, day: Day) -> bool {
    claims.record(row).root as usize == row
        && claims.claimed_window(row).end <= day
        && !claims.is_alternative(row)
}

/// Whether row `row`'s source counts under a filter's `keep` mask (by
/// source code; empty: every source counts). A filtered-out source's claims
/// are skipped by every pass, as if they were not in the data.
fn kept(claims: &Claims, row: usize, keep: &[bool]) -> bool {
    keep.is_empty()
        || keep
            .get(claims.record(row).source as usize)
            .copied()
            .unwrap_or(true)
}

/// A source's current claim among the rows offered so far: the one that
/// describes the latest time (the latest end of its `refers_to` window,
/// which is its `claimed` window without one), then the latest `claimed`
/// window (end, then start), then the greatest id (docs/figures.md). The one implementation of that rule: `analyse` and
/// `changes` offer every known origin claim of a (metric, source) once
/// ([`latest`]), the timeline's history a metric's claims day by day.
#[derive(Debug, Clone, Copy, Default)]
pub struct Slot {
    /// The (refers_to end, claimed end, claimed start) and the row of the
    /// current claim so far.
    best: Option<((Day, Day, Day), u32)>,
}

impl Slot {
    /// Takes row `row` of `claims` into account.
    pub fn offer(&mut self, claims: &Claims, row: u32) {
        let claimed = claims.claimed_window(row as usize);
        let refers = claims.refers_window(row as usize);
        let window = (refers.end, claimed.end, claimed.start);
        let later = match self.best {
            None => true,
            Some((best, _)) if best != window => window > best,
            // The same window: the greater id wins (a rare tie, so ids
            // are read only then).
            Some((_, held)) => claims.id(row as usize) > claims.id(held as usize),
        };
        if later {
            self.best = Some((window, row));
        }
    }

    /// The slot after also offering every row `other` was offered.
    fn merge(&mut self, claims: &Claims, other: Slot) {
        if let Some((_, row)) = other.best {
            self.offer(claims, row);
        }
    }

    /// The current claim's row, if any row was offered.
    pub fn current(&self) -> Option<u32> {
        self.best.map(|(_, row)| row)
    }
}

/// What [`latest`] finds in one pass.
#[derive(Debug, Clone, Default)]
pub struct Latest {
    /// Each (metric, source)'s current claim as of the day, by (metric,
    /// source); then any row whose metric or source code is out of range
    /// (which validation rejects), so building the frame reports it.
    pub rows: Vec<usize>,
}

/// Each source's current claim per metric as of `as_of`, from the origin
/// claims whose `claimed` window ends on or before it. `metrics` ×
/// `sources` slots.
pub fn latest(
    claims: &Claims,
    metrics: usize,
    sources: usize,
    as_of: Day,
    keep: &[bool],
) -> Latest {
    latest_in_parts(claims, metrics, sources, as_of, keep, MIN_PART)
}

/// [`latest`] with parts of at least `min` rows (the tests split small data).
fn latest_in_parts(
    claims: &Claims,
    metrics: usize,
    sources: usize,
    as_of: Day,
    keep: &[bool],
    min: usize,
) -> Latest {
    let records = claims.records();
    let parts = in_parts(records.len(), min, |range| {
        let mut slots = vec![Slot::default(); metrics * sources];
        let mut stray = Vec::new();
        for row in range {
            if !known_origin(claims, row, as_of) || !kept(claims, row, keep) {
                continue;
            }
            let record = &records[row];
            let (m, s) = (record.metric as usize, record.source as usize);
            if m < metrics && s < sources {
                slots[m * sources + s].offer(claims, row as u32);
            } else {
                stray.push(row);
            }
        }
        (slots, stray)
    });
    let mut parts = parts.into_iter();
    let (mut slots, mut stray) = parts.next().unwrap_or_default();
    for (more, more_stray) in parts {
        for (slot, later) in slots.iter_mut().zip(more) {
            slot.merge(claims, later);
        }
        stray.extend(more_stray);
    }
    let mut rows: Vec<usize> = slots
        .iter()
        .filter_map(|s| s.current().map(|r| r as usize))
        .collect();
    rows.extend(stray);
    Latest { rows }
}

/// The origin claims whose `claimed` window ends after `since` and on or
/// before `as_of`: the claims new between the two days, ascending.
pub fn new_between(claims: &Claims, since: Day, as_of: Day, keep: &[bool]) -> Vec<usize> {
    let records = claims.records();
    in_parts(records.len(), MIN_PART, |range| {
        range
            .filter(|&row| {
                known_origin(claims, row, as_of)
                    && claims.claimed_window(row).end > since
                    && kept(claims, row, keep)
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
}

/// The origin claims known as of `as_of` of each metric code in `wanted`.
pub fn by_metric(claims: &Claims, wanted: &[u32], as_of: Day, keep: &[bool]) -> ByMetric {
    by_metric_in_parts(claims, wanted, as_of, keep, MIN_PART)
}

/// [`by_metric`] with parts of at least `min` rows (the tests split small data).
fn by_metric_in_parts(
    claims: &Claims,
    wanted: &[u32],
    as_of: Day,
    keep: &[bool],
    min: usize,
) -> ByMetric {
    let records = claims.records();
    // Slot of each metric code (codes are small: indexes into metrics.csv).
    let top = wanted.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut slot_of = vec![usize::MAX; top];
    for (slot, &code) in wanted.iter().enumerate() {
        slot_of[code as usize] = slot_of[code as usize].min(slot);
    }
    let parts = in_parts(records.len(), min, |range| {
        let mut rows = vec![Vec::new(); wanted.len()];
        for row in range {
            if !known_origin(claims, row, as_of) || !kept(claims, row, keep) {
                continue;
            }
            let Some(&slot) = slot_of.get(records[row].metric as usize) else {
                continue;
            };
            if slot != usize::MAX {
                rows[slot].push(row);
            }
        }
        rows
    });
    let mut parts = parts.into_iter();
    let mut rows = parts.next().unwrap_or_default();
    for more_rows in parts {
        for (all, more) in rows.iter_mut().zip(more_rows) {
            all.extend(more);
        }
    }
    // A metric asked for twice gets the same rows twice.
    for (slot, &code) in wanted.iter().enumerate() {
        let first = slot_of[code as usize];
        if first != slot {
            rows[slot] = rows[first].clone();
        }
    }
    ByMetric { rows }
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

    /// The as-of figures of `dataset` from the frame of `rows`, their
    /// current claims picked by the polars query ([`asof::current_of`]).
    fn figures_of(dataset: &Dataset, rows: &[usize], as_of: Day) -> BTreeMap<Key, Group> {
        let frames = frames::build_rows(dataset, rows).unwrap();
        let known = asof::known(
            asof::origins(frames.claims.clone().lazy()),
            day_number(as_of),
        );
        let current =
            asof::current_for_figures(known, &dataset.claims, frames.claims.lazy()).unwrap();
        figures::figures(current, &dataset.claims).unwrap()
    }

    /// A claim: metric, source, start day offset, window length, id
    /// number, repeat of an earlier claim (by index), days its refers_to
    /// ends before its claimed window, alternative of an earlier claim (by
    /// index).
    type Raw = (
        usize,
        usize,
        u8,
        u8,
        u8,
        Option<usize>,
        Option<u8>,
        Option<usize>,
    );

    /// A dataset of 2 metrics and 3 sources from raw claims; a repeat
    /// points at an earlier claim of the same metric, when there is one.
    fn dataset(raw: &[Raw]) -> Dataset {
        let metric_ids = ["m0", "m1"];
        let source_ids = ["s0", "s1", "s2"];
        let mut claims: Vec<Claim> = Vec::new();
        for (i, &(m, s, start, len, id, repeat, back, alternative)) in raw.iter().enumerate() {
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
            // refers_to: a window ending `back` days before the claimed
            // window does (DESIGN §1: never after it).
            if let (Some(back), None) = (back, &c.origin) {
                let end = end - chrono::Days::new(u64::from(back));
                c.refers_to = Some(DateSpec {
                    start: end,
                    end,
                    text: end.to_string(),
                    ..DateSpec::day(end)
                });
            }
            // An alternative takes the source, metric and claimed window of
            // the earlier claim it names (one neither a repeat nor an
            // alternative).
            let of = alternative.filter(|_| c.origin.is_none()).and_then(|a| {
                claims[..i.min(a + 1)]
                    .iter()
                    .rev()
                    .find(|o| o.origin.is_none() && o.alternative_of.is_none())
                    .cloned()
            });
            if let Some(of) = of {
                c.metric = of.metric.clone();
                c.source = of.source.clone();
                c.claimed = of.claimed.clone();
                c.refers_to = None;
                c.alternative_of = Some(of.id.clone());
            }
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
            prop::option::weighted(0.3, 0u8..3),
            prop::option::weighted(0.15, 0usize..12),
        )
    }

    proptest! {
        // The rows `latest` keeps are each source's current claim: the
        // polars current-claim query over them, and over every known
        // origin claim, picks them all, with the same figures.
        #[test]
        fn latest_picks_the_current_claims(
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
                        && !claims.is_alternative(row)
                })
                .collect();
            // In one part, and split into parts of 2 rows (on 2+ cores).
            let expected = figures_of(&dataset, &all, as_of);
            for min in [MIN_PART, 2] {
                let kept = latest_in_parts(claims, 2, 3, as_of, &[], min);
                let current = crate::analysis::current_frame(&dataset, &kept, as_of).unwrap();
                let groups = figures::figures(current, claims).unwrap();
                prop_assert_eq!(&groups, &expected);
                // Nothing but the current claims was kept.
                let current: usize = groups.values().map(|g| g.current.len()).sum();
                prop_assert_eq!(kept.rows.len(), current);
            }
        }

        // Split or not, the per-metric rows are the known origin claims of
        // each metric in row order.
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
                                && !claims.is_alternative(row)
                        })
                        .collect()
                })
                .collect();
            for min in [MIN_PART, 2] {
                let found = by_metric_in_parts(claims, &wanted, as_of, &[], min);
                prop_assert_eq!(&found.rows, &expected);
            }
        }
    }

    // The loader's index of further reports, which every view reads:
    // for each origin claim, exactly the rows whose chain ends at it,
    // sorted by id (a brute force over every row), on the two shipped
    // datasets with repeats.
    #[test]
    fn further_reports_are_the_rows_rooted_at_a_claim() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for folder in ["data", "datasets/derna-flood"] {
            let claims = load(&root.join(folder)).unwrap().dataset.claims;
            let mut listed = 0;
            for row in 0..claims.len() {
                let mut expected: Vec<usize> = (0..claims.len())
                    .filter(|&r| r != row && claims.record(r).root as usize == row)
                    .collect();
                expected.sort_by(|&a, &b| claims.id(a).cmp(claims.id(b)));
                let found: Vec<usize> = claims.further(row).iter().map(|&r| r as usize).collect();
                assert_eq!(found, expected, "{folder} row {row}");
                listed += found.len();
            }
            assert!(listed > 0, "{folder} has repeats");
        }
    }
}
