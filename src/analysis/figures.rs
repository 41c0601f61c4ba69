//! Runs the as-of queries on a frame of known claims (tagged with `metric`
//! and `day`) and reads the collected frames back into plain Rust, one
//! [`Group`] per (metric, day).

use std::collections::BTreeMap;

use polars::prelude::*;

use super::{Consensus, Interval, RangeSummary, asof, consensus};
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
}

/// Every figure of one (metric, day).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group {
    /// Current claims, in no particular order.
    pub current: Vec<Current>,
    pub range: Option<RangeSummary>,
    pub consensus: Option<Consensus>,
}

/// Current claims, range and consensus for every (metric, day) present in
/// `known` (a claims frame without ids: the ids of the few rows that can be
/// current are looked up in `claims`, for the tie-break). Pairwise
/// agreement is computed from the current claims (`pairs`).
pub fn figures(known: LazyFrame, claims: &Claims) -> Result<BTreeMap<Key, Group>> {
    let mut latest = asof::latest(known)?.collect()?;
    let ids: Vec<&str> = u32s(&latest, "row")?
        .into_iter()
        .map(|row| claims.id(row as usize))
        .collect();
    latest.with_column(Column::new("id".into(), ids))?;
    let current = asof::current(latest.lazy())?.collect()?;
    of_current(current)
}

/// [`figures`] from a frame that already holds one current claim per
/// (metric, day, source), as the timeline's snapshots do.
pub fn of_current(current: DataFrame) -> Result<BTreeMap<Key, Group>> {
    let lazy = current.clone().lazy();
    let range = asof::range(lazy.clone()).collect()?;
    let sweep = consensus::sweep(lazy)?.collect()?;
    let mut groups: BTreeMap<Key, Group> = BTreeMap::new();
    let keys = group_keys(&current)?;
    let (rows, sources) = (u32s(&current, "row")?, u32s(&current, "source")?);
    let affiliation = u32s(&current, "affiliation")?;
    let (low, high) = (f64s(&current, "low")?, optional_f64s(&current, "high")?);
    let point = f64s(&current, "point")?;
    for i in 0..current.height() {
        groups.entry(keys[i]).or_default().current.push(Current {
            row: rows[i] as usize,
            source: sources[i],
            affiliation: affiliation[i],
            interval: Interval {
                low: low[i],
                high: high[i],
            },
            point: point[i],
        });
    }
    let keys = group_keys(&range)?;
    let (low, high) = (f64s(&range, "low")?, f64s(&range, "high")?);
    let median = f64s(&range, "median")?;
    let (sources, affiliations) = (u32s(&range, "sources")?, u32s(&range, "affiliations")?);
    for i in 0..range.height() {
        groups.entry(keys[i]).or_default().range = Some(RangeSummary {
            low: low[i],
            high: high[i],
            median: median[i],
            sources: sources[i] as usize,
            affiliations: affiliations[i] as usize,
        });
    }
    let keys = group_keys(&sweep)?;
    let (low, high) = (f64s(&sweep, "low")?, f64s(&sweep, "high")?);
    let (support, stretches) = (u32s(&sweep, "support")?, u32s(&sweep, "stretches")?);
    for i in 0..sweep.height() {
        let group = groups.entry(keys[i]).or_default();
        group.consensus = Some(Consensus {
            low: low[i],
            high: Some(high[i]).filter(|h| h.is_finite()),
            support: support[i] as usize,
            of: group.current.len(),
            others: stretches[i].saturating_sub(1) as usize,
        });
    }
    Ok(groups)
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

/// A boolean column without nulls.
pub fn bools(df: &DataFrame, name: &str) -> Result<Vec<bool>> {
    df.column(name)?
        .bool()?
        .iter()
        .map(|v| v.ok_or_else(|| null(name)))
        .collect()
}

/// A null where the queries never produce one: a bug, reported not panicked.
fn null(column: &str) -> Error {
    Error::Other(anyhow::anyhow!(
        "analysis: unexpected null in column {column}"
    ))
}
