//! One metric through time: every claim known as of a day, and the range and
//! consensus as of each distinct `claimed` end day (the timeline's bands).

use std::collections::BTreeSet;

use polars::prelude::*;

use super::figures::{self, f64s, optional_f64s, u32s};
use super::views::{Catalog, sort_by_claimed};
use super::{Interval, MetricHistory, Snapshot, asof, unknown_metric};
use crate::data::frames::{self, day_from_number, day_number};
use crate::data::{Dataset, Day};
use crate::error::{Error, Result};

/// Every origin claim of `metric` known as of `as_of`, and a snapshot at
/// each distinct claimed-end day among them. The snapshots come from one
/// query: each snapshot day is joined with the claims known by then, and the
/// as-of figures are grouped by (metric, day).
pub fn history(dataset: &Dataset, metric: &str, as_of: Day) -> Result<MetricHistory> {
    let code = dataset
        .metrics
        .iter()
        .position(|m| m.id == metric)
        .ok_or_else(|| unknown_metric(dataset, metric))?;
    let info = &dataset.metrics[code];
    let frames = frames::build(dataset)?;
    let known = asof::origins(frames.claims.lazy())
        .filter(
            col("metric")
                .eq(lit(code as u32))
                .and(col("end").lt_eq(lit(day_number(as_of)))),
        )
        .collect()?;
    let catalog = Catalog::new(dataset);
    let rows = u32s(&known, "row")?;
    let (low, high) = (f64s(&known, "low")?, optional_f64s(&known, "high")?);
    let point = f64s(&known, "point")?;
    let mut claims: Vec<_> = (0..known.height())
        .map(|i| {
            let interval = Interval {
                low: low[i],
                high: high[i],
            };
            catalog.claim(rows[i] as usize, interval, point[i], 0)
        })
        .collect();
    sort_by_claimed(&mut claims);

    let days: BTreeSet<i32> = known.column("end")?.i32()?.iter().flatten().collect();
    let days = DataFrame::new_infer_height(vec![Column::new(
        "day".into(),
        days.into_iter().collect::<Vec<i32>>(),
    )])?;
    let expanded = days
        .lazy()
        .cross_join(known.lazy(), None)
        .filter(col("end").lt_eq(col("day")));
    let snapshots = figures::figures(expanded, false)?
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
        known: claims,
        snapshots,
    })
}
