//! The figures of each (metric, day) from its sources' current claims: a
//! collected frame of them (tagged with `metric` and `day`) read back into
//! plain Rust, one [`Group`] per (metric, day).

use std::collections::BTreeMap;

use polars::prelude::*;

use super::{Bound, Bounds, Consensus, Interval, RangeSummary, Stretch, summary};
use crate::data::Claims;
use crate::data::frames::day_number;
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

/// Every figure of one (metric, day), over its live (not stale) claims.
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
/// frame (tagged with `metric` and `day`) holding each source's current
/// claim per (metric, day), as [`scan::Slot`](super::scan::Slot) picks them.
/// `stale_after` holds each metric's `stale_after`, by metric code.
pub fn figures(
    current: LazyFrame,
    claims: &Claims,
    stale_after: &[Option<u32>],
) -> Result<BTreeMap<Key, Group>> {
    let current = current.collect()?;
    let mut groups: BTreeMap<Key, Vec<Current>> = BTreeMap::new();
    let keys = group_keys(&current)?;
    let (rows, sources) = (u32s(&current, "row")?, u32s(&current, "source")?);
    let affiliation = u32s(&current, "affiliation")?;
    let (low, high) = (f64s(&current, "low")?, optional_f64s(&current, "high")?);
    let point = f64s(&current, "point")?;
    for i in 0..current.height() {
        groups.entry(keys[i]).or_default().push(Current {
            row: rows[i] as usize,
            source: sources[i],
            affiliation: affiliation[i],
            interval: Interval {
                low: low[i],
                high: high[i],
            },
            point: point[i],
            stale: false,
        });
    }
    Ok(groups
        .into_iter()
        .map(|((metric, day), current)| {
            let days = stale_after.get(metric as usize).copied().flatten();
            ((metric, day), Group::of(current, claims, day, days))
        })
        .collect())
}

impl Group {
    /// Range, consensus and bounds as of day number `day` over `current`
    /// (one current claim per source, of a metric whose `stale_after` is
    /// `stale_after`), from [`summary`], the one implementation of each
    /// (plain Rust over a metric's handful of current claims; see the
    /// crate docs). Marks the stale claims, which every figure leaves out.
    pub fn of(
        mut current: Vec<Current>,
        claims: &Claims,
        day: i32,
        stale_after: Option<u32>,
    ) -> Group {
        for c in &mut current {
            // A claim is as old as the day it describes (its refers_to).
            let end = day_number(claims.refers_window(c.row).end);
            c.stale = summary::is_stale(end, day, stale_after);
        }
        // By source row, whatever order the caller gave: a bound's claim on
        // a tie is then the same in every command (docs/figures.md).
        current.sort_by_key(|c| c.source);
        let live: Vec<&Current> = current.iter().filter(|c| !c.stale).collect();
        let summed: Vec<summary::Claim> = live.iter().map(|c| claim(claims, c)).collect();
        let range = summary::range(&summed);
        let sweep = summary::consensus(&summed);
        let consensus = sweep.consensus;
        let found = summary::bounds(&summed, consensus.as_ref());
        // A bound names its claim by position among the live claims.
        let bound = |(value, at): (f64, usize)| {
            live.get(at).map(|c| Bound {
                value,
                claim: claims.id(c.row).to_owned(),
            })
        };
        let bounds = Bounds {
            floor: found.floor.and_then(bound),
            ceiling: found.ceiling.and_then(bound),
            floors: found.floors,
            ceilings: found.ceilings,
            floors_consistent: found.floors_consistent,
            ceilings_consistent: found.ceilings_consistent,
        };
        Group {
            current,
            range,
            consensus,
            tied: sweep.tied,
            estimates: sweep.estimates,
            bounds,
        }
    }
}

/// A current claim as range, consensus and bounds read it.
fn claim(claims: &Claims, current: &Current) -> summary::Claim {
    let (stated_low, stated_high) = claims.stated(current.row).ends();
    summary::Claim {
        stated_low,
        stated_high,
        point: current.point,
        affiliation: current.affiliation,
        low: current.interval.low,
        high: current.interval.high,
        denial: current.interval.is_denial(),
        derived: claims.record(current.row).derived,
        kind: summary::Kind::of(claims.qualifier(current.row)),
    }
}

/// The (metric, day) of every row.
fn group_keys(df: &DataFrame) -> Result<Vec<Key>> {
    let metric = u32s(df, "metric")?;
    let day = df.column("day")?.i32()?;
    metric
        .into_iter()
        .zip(day.iter())
        .map(|(m, d)| d.map(|d| (m, d)).ok_or_else(|| null("day")))
        .collect()
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
