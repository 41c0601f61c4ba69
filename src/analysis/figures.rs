//! Runs the as-of queries on a frame of known claims (tagged with `metric`
//! and `day`) and reads the collected frames back into plain Rust, one
//! [`Group`] per (metric, day).

use std::collections::BTreeMap;

use polars::prelude::*;

use super::{Consensus, Interval, RangeSummary, asof, summary};
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
/// (metric, day, source). Range and consensus come from [`summary`], the
/// one implementation of each (plain Rust over a metric's handful of
/// current claims; see the crate docs).
pub fn of_current(current: DataFrame) -> Result<BTreeMap<Key, Group>> {
    let mut groups: BTreeMap<Key, (Group, Vec<summary::Claim>)> = BTreeMap::new();
    let keys = group_keys(&current)?;
    let (rows, sources) = (u32s(&current, "row")?, u32s(&current, "source")?);
    let affiliation = u32s(&current, "affiliation")?;
    let (low, high) = (f64s(&current, "low")?, optional_f64s(&current, "high")?);
    let point = f64s(&current, "point")?;
    let stated_low = f64s(&current, "stated_low")?;
    let stated_high = f64s(&current, "stated_high")?;
    let denial = bools(&current, "denial")?;
    for i in 0..current.height() {
        let (group, claims) = groups.entry(keys[i]).or_default();
        let interval = Interval {
            low: low[i],
            high: high[i],
        };
        group.current.push(Current {
            row: rows[i] as usize,
            source: sources[i],
            affiliation: affiliation[i],
            interval,
            point: point[i],
        });
        claims.push(summary::Claim {
            stated_low: stated_low[i],
            stated_high: stated_high[i],
            point: point[i],
            affiliation: affiliation[i],
            low: interval.low,
            high: interval.high,
            denial: denial[i],
        });
    }
    Ok(groups
        .into_iter()
        .map(|(key, (mut group, claims))| {
            group.range = summary::range(&claims);
            group.consensus = summary::consensus(&claims);
            (key, group)
        })
        .collect())
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
