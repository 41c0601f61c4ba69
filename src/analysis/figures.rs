//! The figures of each group of current claims, read back from the polars
//! queries ([`query`](super::query), the one implementation of each) into
//! plain [`Group`]s: one per (metric, day) of the as-of view and of
//! `changes`, per day of a timeline, per omission of a robustness table.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::query::{self, Wanted};
use super::{Bound, Bounds, Consensus, Interval, RangeSummary, Stretch};
use crate::data::Claims;
use crate::error::{Error, Result};

/// A (metric code, day number) group.
pub type Key = (u32, i32);

/// A source's current claim, as the frames give it.
#[derive(Debug, Clone, PartialEq)]
pub struct Current {
    /// Index into `Dataset::claims`.
    pub row: usize,
    /// Source code (index into `Dataset::sources`).
    pub source: u32,
    /// Affiliation code (as in the frames).
    pub affiliation: u32,
    /// The claim's interval.
    pub interval: Interval,
    /// The claim's point.
    pub point: f64,
    /// Older than the metric's `stale_after` as of the group's day: listed,
    /// but left out of every figure (docs/figures.md).
    pub stale: bool,
}

/// Every figure of one group, over its live (not stale) claims.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group {
    /// Current claims, stale ones included, by source row.
    pub current: Vec<Current>,
    pub range: Option<RangeSummary>,
    pub consensus: Option<Consensus>,
    /// The stretches tying for the consensus (then there is none).
    pub tied: Vec<Stretch>,
    /// How many live, non-derived estimates the consensus looked at.
    pub estimates: usize,
    /// Floor and ceiling beside the consensus.
    pub bounds: Bounds,
}

/// The figures of every (metric, day) present in `current`: a claims
/// frame (tagged with `metric` and `day`, with intervals) holding each
/// source's current claim per (metric, day), as
/// [`scan::Slot`](super::scan::Slot) picks them.
pub fn figures(current: LazyFrame, claims: &Claims) -> Result<BTreeMap<Key, Group>> {
    let mut current = current.collect()?;
    let metric = u32s(&current, "metric")?;
    let day = i32s(&current, "day")?;
    let key: Vec<Key> = metric.into_iter().zip(day).collect();
    // Each (metric, day) a group, numbered in key order.
    let mut keys: BTreeMap<Key, u32> = key.iter().map(|&k| (k, 0)).collect();
    for (n, code) in keys.values_mut().enumerate() {
        *code = n as u32;
    }
    let group: Vec<u32> = key.iter().map(|k| keys[k]).collect();
    current.with_column(Column::new("group".into(), group))?;
    let name = |row: u32| claims.id(row as usize).to_owned();
    let mut groups = groups(current.lazy(), keys.len(), name, Wanted::All)?.into_iter();
    Ok(keys
        .into_keys()
        .map(|key| (key, groups.next().unwrap_or_default()))
        .collect())
}

/// The figures of groups `0..n` of `current` (the input of
/// [`query::compute`]), by group; a group without claims gets the empty
/// figures. A bound names its claim by `name` of its `row`. With
/// [`Wanted::Bands`] only range and consensus are read (no claims, no
/// bounds).
pub fn groups(
    current: LazyFrame,
    n: usize,
    name: impl Fn(u32) -> String,
    wanted: Wanted,
) -> Result<Vec<Group>> {
    let computed = query::compute(current, wanted)?;
    let mut out: Vec<Group> = vec![Group::default(); n];
    if wanted == Wanted::All {
        read_current(&computed.claims, &mut out)?;
    }
    read_range(&computed.range, &mut out)?;
    read_consensus(&computed, &mut out)?;
    if wanted == Wanted::All {
        read_bounds(&computed.floors, true, &name, &mut out)?;
        read_bounds(&computed.ceilings, false, &name, &mut out)?;
    }
    for group in &mut out {
        // With a consensus, a group without floors (or ceilings) has none
        // consistent with it.
        if group.consensus.is_some() {
            let b = &mut group.bounds;
            b.floors_consistent.get_or_insert(0);
            b.ceilings_consistent.get_or_insert(0);
        }
    }
    Ok(out)
}

/// Each group's current claims, stale ones marked, from the queries'
/// `claims` frame (sorted by group and source).
fn read_current(c: &DataFrame, out: &mut [Group]) -> Result<()> {
    let (group, rows) = (u32s(c, "group")?, u32s(c, "row")?);
    let (sources, affiliation) = (u32s(c, "source")?, u32s(c, "affiliation")?);
    let (low, high) = (f64s(c, "low")?, optional_f64s(c, "high")?);
    let (point, stale) = (f64s(c, "point")?, flags(c, "stale")?);
    for i in 0..c.height() {
        at(out, group[i])?.current.push(Current {
            row: rows[i] as usize,
            source: sources[i],
            affiliation: affiliation[i],
            interval: Interval {
                low: low[i],
                high: high[i],
            },
            point: point[i],
            stale: stale[i],
        });
    }
    Ok(())
}

/// Each group's range.
fn read_range(r: &DataFrame, out: &mut [Group]) -> Result<()> {
    let (low, high, median) = (f64s(r, "low")?, f64s(r, "high")?, f64s(r, "median")?);
    let (sources, affiliations) = (u32s(r, "sources")?, u32s(r, "affiliations")?);
    for (i, g) in u32s(r, "group")?.into_iter().enumerate() {
        at(out, g)?.range = Some(RangeSummary {
            low: low[i],
            high: high[i],
            median: median[i],
            sources: sources[i] as usize,
            affiliations: affiliations[i] as usize,
        });
    }
    Ok(())
}

/// Each group's estimates and the stretches reaching the most support:
/// one is the consensus (with its affiliations), two or more tie.
fn read_consensus(computed: &query::Computed, out: &mut [Group]) -> Result<()> {
    let e = &computed.estimates;
    for (g, k) in u32s(e, "group")?.into_iter().zip(u32s(e, "estimates")?) {
        at(out, g)?.estimates = k as usize;
    }
    let s = &computed.reaching;
    let (low, high, support) = (f64s(s, "low")?, f64s(s, "high")?, u32s(s, "support")?);
    let finite = |high: f64| Some(high).filter(|h| h.is_finite());
    for (i, g) in u32s(s, "group")?.into_iter().enumerate() {
        at(out, g)?.tied.push(Stretch {
            low: low[i],
            high: finite(high[i]),
            support: support[i] as usize,
        });
    }
    let a = &computed.affiliations;
    for (g, k) in u32s(a, "group")?.into_iter().zip(u32s(a, "affiliations")?) {
        let group = at(out, g)?;
        if let [only] = group.tied[..] {
            group.consensus = Some(Consensus {
                low: only.low,
                high: only.high,
                support: only.support,
                of: group.estimates,
                affiliations: k as usize,
            });
            group.tied.clear();
        }
    }
    Ok(())
}

/// Each group's floor (`floor`) or ceiling, their count and how many meet
/// the consensus; a bound names its claim by `name` of its row.
fn read_bounds(
    b: &DataFrame,
    floor: bool,
    name: &impl Fn(u32) -> String,
    out: &mut [Group],
) -> Result<()> {
    let (count, value, row) = (u32s(b, "count")?, f64s(b, "value")?, u32s(b, "row")?);
    let met = optional_u32s(b, "met")?;
    for (i, g) in u32s(b, "group")?.into_iter().enumerate() {
        let bounds = &mut at(out, g)?.bounds;
        let bound = Some(Bound {
            value: value[i],
            claim: name(row[i]),
        });
        let (count, met) = (count[i] as usize, met[i].map(|k| k as usize));
        if floor {
            (bounds.floor, bounds.floors, bounds.floors_consistent) = (bound, count, met);
        } else {
            (bounds.ceiling, bounds.ceilings, bounds.ceilings_consistent) = (bound, count, met);
        }
    }
    Ok(())
}

/// Group `g` of `out`.
fn at(out: &mut [Group], g: u32) -> Result<&mut Group> {
    out.get_mut(g as usize).ok_or_else(|| null("group"))
}

/// An i32 column without nulls.
fn i32s(df: &DataFrame, name: &str) -> Result<Vec<i32>> {
    df.column(name)?
        .i32()?
        .iter()
        .map(|v| v.ok_or_else(|| null(name)))
        .collect()
}

/// A bool column without nulls.
pub fn flags(df: &DataFrame, name: &str) -> Result<Vec<bool>> {
    df.column(name)?
        .bool()?
        .iter()
        .map(|v| v.ok_or_else(|| null(name)))
        .collect()
}

/// A u32 column where null means none.
fn optional_u32s(df: &DataFrame, name: &str) -> Result<Vec<Option<u32>>> {
    Ok(df.column(name)?.u32()?.iter().collect())
}

/// A u32 column without nulls.
pub fn u32s(df: &DataFrame, name: &str) -> Result<Vec<u32>> {
    df.column(name)?
        .u32()?
        .iter()
        .map(|v| v.ok_or_else(|| null(name)))
        .collect()
}

/// An f64 column without nulls.
pub fn f64s(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    df.column(name)?
        .f64()?
        .iter()
        .map(|v| v.ok_or_else(|| null(name)))
        .collect()
}

/// An f64 column where null means open.
pub fn optional_f64s(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    Ok(df.column(name)?.f64()?.iter().collect())
}

/// A null where the queries never produce one: a bug, reported not panicked.
fn null(column: &str) -> Error {
    Error::Other(anyhow::anyhow!(
        "analysis: unexpected null in column {column}"
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::path::PathBuf;

    use proptest::prelude::*;

    use crate::analysis::analyse;
    use crate::data::frames::tests::{claim, day, metric, source};
    use crate::data::{Claim, Dataset, DateSpec, Qualifier, Stated};

    /// A claim of metric `m0`: source, start day offset, window length,
    /// stated value, how many days before its claimed end its refers_to
    /// ends (none: no refers_to).
    type Raw = (usize, u64, u64, u8, Option<u64>);

    fn dataset(raw: &[Raw], stale_after: u32) -> Dataset {
        let sources = ["s0", "s1", "s2", "s3"];
        let claims: Vec<Claim> = raw
            .iter()
            .enumerate()
            .map(|(i, &(s, start, len, value, back))| {
                let mut c = claim(
                    &format!("c{i:02}"),
                    "m0",
                    sources[s],
                    Qualifier::Exact,
                    Stated::Value(f64::from(value)),
                    "2024-01-01",
                );
                let start = day("2024-01-01") + chrono::Days::new(start);
                let end = start + chrono::Days::new(len);
                c.claimed = DateSpec {
                    start,
                    end,
                    ..DateSpec::day(start)
                };
                c.refers_to = back.map(|back| {
                    let end = end - chrono::Days::new(back);
                    DateSpec {
                        text: end.to_string(),
                        ..DateSpec::day(end)
                    }
                });
                c
            })
            .collect();
        let mut m0 = metric("m0", 0.1);
        m0.stale_after = Some(stale_after);
        let sources = sources.iter().map(|s| source(s, s)).collect();
        Dataset::new(PathBuf::new(), &claims, sources, vec![m0]).unwrap()
    }

    proptest! {
        // DESIGN §2, current claim and stale, from its words: as of D, a
        // source's current claim is its known claim (claimed end ≤ D)
        // describing the latest time (its refers_to end, else its claimed
        // end), then with the latest claimed window (end, start), then the
        // greatest id; it is stale when D − (the end of the window it
        // describes) > stale_after. Stale claims are listed, marked, and
        // left out of every figure: the range counts and spans the live
        // ones only.
        #[test]
        fn stale_claims_are_listed_and_left_out(
            raw in prop::collection::vec(
                (0usize..4, 0u64..30, 0u64..3, 0u8..20, prop::option::of(0u64..20)),
                1..12,
            ),
            stale_after in 1u32..10,
            as_of in 0u64..40,
        ) {
            let dataset = dataset(&raw, stale_after);
            let d = day("2024-01-01") + chrono::Days::new(as_of);
            let view = analyse(&dataset, d).unwrap().metrics.remove("m0").unwrap();
            // The brute force: per source, the latest known claim.
            let mut expected: Vec<(String, bool, f64)> = Vec::new();
            for s in 0..4 {
                let latest = raw
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.0 == s)
                    .map(|(i, r)| {
                        let start = day("2024-01-01") + chrono::Days::new(r.1);
                        let end = start + chrono::Days::new(r.2);
                        let describes = end - chrono::Days::new(r.4.unwrap_or(0));
                        (describes, end, start, format!("c{i:02}"), r.3)
                    })
                    .filter(|c| c.1 <= d)
                    .max_by(|a, b| (a.0, a.1, a.2, &a.3).cmp(&(b.0, b.1, b.2, &b.3)));
                if let Some((describes, _, _, id, value)) = latest {
                    let stale = (d - describes).num_days() > i64::from(stale_after);
                    expected.push((id, stale, f64::from(value)));
                }
            }
            let got: Vec<(String, bool, f64)> = view
                .current
                .iter()
                .map(|c| (c.id.clone(), c.stale, c.point))
                .collect();
            prop_assert_eq!(&got, &expected);
            let live: Vec<f64> = expected.iter().filter(|e| !e.1).map(|e| e.2).collect();
            let range = view.range.map(|r| (r.low, r.high, r.sources));
            let brute = (!live.is_empty()).then(|| {
                let low = live.iter().copied().fold(f64::INFINITY, f64::min);
                let high = live.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                (low, high, live.len())
            });
            prop_assert_eq!(range, brute);
            if live.is_empty() {
                prop_assert_eq!(view.consensus, None);
            }
        }
    }
}
