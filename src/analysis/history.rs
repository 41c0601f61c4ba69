//! One metric through time: every claim known as of a day, and the range and
//! consensus as of each distinct `claimed` end day (the timeline's bands).
//!
//! A source's current claim changes only on the days its own claims end, so
//! the snapshots are built by one walk over the metric's claims in claimed
//! order, keeping each source's latest claim: at every snapshot day the
//! current claims are exactly the kept ones (one row per source), and the
//! range and consensus are computed by the same polars queries as
//! everywhere else, over days × sources rows rather than days × claims.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::figures::{self, f64s, optional_f64s, u32s};
use super::views::{Catalog, sort_by_claimed};
use super::{Interval, MetricHistory, Snapshot, asof, unknown_metric};
use crate::data::frames::{self, day_from_number, day_number};
use crate::data::{Dataset, Day};
use crate::error::{Error, Result};

/// Every origin claim of `metric` known as of `as_of`, and a snapshot at
/// each distinct claimed-end day among them.
pub fn history(dataset: &Dataset, metric: &str, as_of: Day) -> Result<MetricHistory> {
    let code = dataset
        .metrics
        .iter()
        .position(|m| m.id == metric)
        .ok_or_else(|| unknown_metric(dataset, metric))?;
    let info = &dataset.metrics[code];
    let claims = &dataset.claims;
    let rows: Vec<usize> = claims
        .records()
        .iter()
        .enumerate()
        .filter(|&(row, record)| {
            record.metric == code as u32
                && record.root as usize == row
                && claims.claimed_window(row).end <= as_of
        })
        .map(|(row, _)| row)
        .collect();
    let frames = frames::build_rows(dataset, &rows)?;
    let known = asof::origins(frames.claims.lazy()).collect()?;
    let catalog = Catalog::new(dataset);
    let rows = u32s(&known, "row")?;
    let (low, high) = (f64s(&known, "low")?, optional_f64s(&known, "high")?);
    let point = f64s(&known, "point")?;
    let mut views: Vec<_> = (0..known.height())
        .map(|i| {
            let interval = Interval {
                low: low[i],
                high: high[i],
            };
            catalog.claim(rows[i] as usize, interval, point[i], 0)
        })
        .collect();
    sort_by_claimed(&mut views);

    // Frame rows in claimed order (end, start, id), then the walk.
    let mut order: Vec<usize> = (0..known.height()).collect();
    let key = |i: usize| {
        let row = rows[i] as usize;
        let window = claims.claimed_window(row);
        (window.end, window.start, claims.id(row))
    };
    order.sort_by(|&a, &b| key(a).cmp(&key(b)));
    let sources = u32s(&known, "source")?;
    let mut kept: BTreeMap<u32, u32> = BTreeMap::new();
    let (mut take, mut days) = (Vec::new(), Vec::new());
    let mut at = 0;
    while at < order.len() {
        let day = key(order[at]).0;
        while at < order.len() && key(order[at]).0 == day {
            kept.insert(sources[order[at]], order[at] as u32);
            at += 1;
        }
        take.extend(kept.values().copied());
        days.extend(std::iter::repeat_n(day_number(day), kept.len()));
    }
    let mut expanded = known.take(&IdxCa::from_vec("take".into(), take))?;
    expanded.with_column(Column::new("day".into(), days))?;
    let snapshots = figures::of_current(expanded, false)?
        .into_iter()
        .map(|((_, day), group)| {
            let day = day_from_number(day)
                .ok_or_else(|| Error::Other(anyhow::anyhow!("day {day} out of range")))?;
            Ok(Snapshot {
                day,
                range: group.range,
                consensus: group.consensus,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(MetricHistory {
        metric: info.id.clone(),
        label: info.label.clone(),
        unit: info.unit.clone(),
        as_of,
        known: views,
        snapshots,
    })
}
