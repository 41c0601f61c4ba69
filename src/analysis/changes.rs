//! What changed per metric between two days S < D (docs/figures.md): new claims,
//! revisions of sources' current claims, and range and consensus at both
//! days, from one query grouped by (metric, day).

use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;

use super::figures::{self, Group, f64s, optional_f64s, u32s};
use super::scan::{self, Further};
use super::views::{Catalog, sort_by_claimed};
use super::{ClaimView, Interval, MetricChanges, Revision, asof};
use crate::data::frames::{self, day_number};
use crate::data::{Dataset, Day};
use crate::error::{Error, Result};

/// Changes for every metric (sorted by id) between `since` and `as_of`.
pub fn changes(dataset: &Dataset, since: Day, as_of: Day) -> Result<Vec<MetricChanges>> {
    if since >= as_of {
        return Err(Error::Usage(format!(
            "--since {since} must be before the as-of day {as_of}"
        )));
    }
    let (s, d) = (day_number(since), day_number(as_of));
    let frames = frames::build(dataset)?;
    let origins = asof::origins(frames.claims.lazy());
    let both = concat(
        [
            asof::known(origins.clone(), s),
            asof::known(origins.clone(), d),
        ],
        UnionArgs::default(),
    )?;
    let mut groups = figures::figures(both, &dataset.claims, &super::stale_after(dataset))?;
    let further = scan::by_metric(&dataset.claims, &[], as_of).further;
    let further = Further::new(&dataset.claims, further);
    let catalog = Catalog::new(dataset, &further, as_of);

    let new = origins
        .filter(col("end").gt(lit(s)).and(col("end").lt_eq(lit(d))))
        .collect()?;
    let (metric, rows) = (u32s(&new, "metric")?, u32s(&new, "row")?);
    let (low, high) = (f64s(&new, "low")?, optional_f64s(&new, "high")?);
    let point = f64s(&new, "point")?;
    let mut new_claims: HashMap<u32, Vec<ClaimView>> = HashMap::new();
    for i in 0..new.height() {
        let interval = Interval {
            low: low[i],
            high: high[i],
        };
        let view = catalog.claim(rows[i] as usize, interval, point[i], 0);
        new_claims.entry(metric[i]).or_default().push(view);
    }

    let mut out: Vec<MetricChanges> = dataset
        .metrics
        .iter()
        .enumerate()
        .map(|(code, metric)| {
            let code = code as u32;
            let before = groups.remove(&(code, s)).unwrap_or_default();
            let after = groups.remove(&(code, d)).unwrap_or_default();
            let mut new_claims = new_claims.remove(&code).unwrap_or_default();
            sort_by_claimed(&mut new_claims);
            MetricChanges {
                metric: metric.id.clone(),
                label: metric.label.clone(),
                since,
                as_of,
                new_claims,
                revisions: revisions(&catalog, &before, &after),
                range_before: before.range,
                range_after: after.range,
                consensus_before: before.consensus,
                consensus_after: after.consensus,
                bounds_before: before.bounds,
                bounds_after: after.bounds,
            }
        })
        .collect();
    out.sort_by(|a, b| a.metric.cmp(&b.metric));
    Ok(out)
}

/// Sources whose current claim at S is a different claim at D, by source id.
fn revisions(catalog: &Catalog, before: &Group, after: &Group) -> Vec<Revision> {
    let old: HashMap<u32, _> = before.current.iter().map(|c| (c.source, c)).collect();
    let mut out = BTreeMap::new();
    for new in &after.current {
        if let Some(old) = old.get(&new.source).filter(|old| old.row != new.row) {
            let revision = Revision {
                source: catalog.source_id(new.source).to_string(),
                old: catalog.current(old, 0),
                new: catalog.current(new, 0),
            };
            out.insert(revision.source.clone(), revision);
        }
    }
    out.into_values().collect()
}
