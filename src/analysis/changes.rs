//! What changed per metric between two days S < D (docs/figures.md): new claims,
//! revisions of sources' current claims, and range and consensus at both
//! days, from one query grouped by (metric, day).

use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;

use super::figures::{self, Group, f64s, optional_f64s, u32s};
use super::intervals::with_intervals;
use super::scan;
use super::views::{Catalog, sort_by_claimed};
use super::{ClaimView, Interval, MetricChanges, Revision};
use crate::data::frames::{self, day_number};
use crate::data::{Dataset, Day};
use crate::error::{Error, Result};

/// Changes for every metric (sorted by id) between `since` and `as_of`.
pub fn changes(
    dataset: &Dataset,
    since: Day,
    as_of: Day,
    keep: &[bool],
) -> Result<Vec<MetricChanges>> {
    check_days(since, as_of)?;
    // As in `analyse`, only each source's current claim on either day and
    // the claims new between them matter: three passes over the records
    // find them, and polars never sees a frame of every claim (at a
    // million claims that frame cost more than the rest of the command).
    let claims = &dataset.claims;
    let (metrics, sources) = (dataset.metrics.len(), dataset.sources.len());
    let current = [since, as_of]
        .map(|day| {
            let found = scan::latest(claims, metrics, sources, day, keep);
            super::current_frame(dataset, &found, day)
        })
        .into_iter()
        .collect::<Result<Vec<_>>>()?;
    let current = concat(current, UnionArgs::default())?;
    let new = frames::build_rows(dataset, &scan::new_between(claims, since, as_of, keep))?;
    changes_of(
        dataset,
        current,
        with_intervals(new.claims.lazy()),
        since,
        as_of,
    )
}

/// `since` must come before `as_of`.
fn check_days(since: Day, as_of: Day) -> Result<()> {
    if since >= as_of {
        return Err(Error::Usage(crate::error::not_before(
            &format!("--since {since}"),
            &format!("the as-of day {as_of}"),
        )));
    }
    Ok(())
}

/// The changes from `current`, each source's current claim per (metric,
/// day) on both days, and `new`, the claims new between the days, with
/// their intervals.
fn changes_of(
    dataset: &Dataset,
    current: LazyFrame,
    new: LazyFrame,
    since: Day,
    as_of: Day,
) -> Result<Vec<MetricChanges>> {
    let (s, d) = (day_number(since), day_number(as_of));
    let mut groups = figures::figures(current, &dataset.claims)?;
    let catalog = Catalog::new(dataset, as_of);

    let new = new.collect()?;
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
                decimals: metric.decimals,
                new_claims,
                revisions: revisions(&catalog, &before, &after),
                range_before: before.range,
                range_after: after.range,
                consensus_before: before.consensus,
                consensus_after: after.consensus,
                agreement_before: (before.estimates, before.tied.clone()),
                agreement_after: (after.estimates, after.tied.clone()),
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::path::Path;

    use chrono::Days;

    use super::*;
    use crate::analysis::asof;
    use crate::data::load::load;

    /// The plain version `changes` replaced: the frame of every claim row,
    /// and the current claims from the polars query.
    fn from_every_row(dataset: &Dataset, since: Day, as_of: Day) -> Vec<MetricChanges> {
        let frame = frames::build(dataset).unwrap().claims.lazy();
        let origins = asof::origins(frame.clone());
        let (s, d) = (day_number(since), day_number(as_of));
        let known = concat(
            [
                asof::known(origins.clone(), s),
                asof::known(origins.clone(), d),
            ],
            UnionArgs::default(),
        )
        .unwrap();
        let current = asof::current_for_figures(known, &dataset.claims, frame).unwrap();
        let new = origins.filter(col("end").gt(lit(s)).and(col("end").lt_eq(lit(d))));
        changes_of(dataset, current, new, since, as_of).unwrap()
    }

    // On the shipped datasets (repeats, windows, stale claims, revisions),
    // for every day a claim window ends as the as-of day and since 1, 7,
    // 30 and 90 days before it: the rows `changes` picks (each source's
    // current claim by `scan::Slot`, the new claims) give the same changes
    // as every row with the polars current-claim query.
    #[test]
    fn picked_rows_give_the_changes_of_every_row() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut compared = 0;
        for folder in crate::data::frames::tests::SHIPPED {
            let dataset = load(&root.join(folder)).unwrap().dataset;
            let mut days: Vec<Day> = (0..dataset.claims.len())
                .map(|row| dataset.claims.claimed_window(row).end)
                .collect();
            days.sort_unstable();
            days.dedup();
            for &as_of in &days {
                for back in [1, 7, 30, 90] {
                    let since = as_of.checked_sub_days(Days::new(back)).unwrap();
                    let picked = changes(&dataset, since, as_of, &[]).unwrap();
                    assert_eq!(
                        picked,
                        from_every_row(&dataset, since, as_of),
                        "{folder}: since {since}, as of {as_of}"
                    );
                    compared += 1;
                }
            }
        }
        assert!(compared > 100, "{compared} comparisons");
    }
}
