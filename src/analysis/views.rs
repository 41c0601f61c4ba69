//! Turns the collected figures into the plain structs renderers read:
//! claim views with their further reports, and one [`MetricView`] per
//! metric.

use super::figures::{Current, Group};
use super::pairs::{self, Side};
use super::scan::Further;
use super::{Bound, Bounds, ClaimView, Interval, MetricView, Report, summary};
use crate::data::claims::Cell;
use crate::data::{Dataset, Day, Metric};

/// Lookups shared by every claim view of one dataset.
pub struct Catalog<'a> {
    dataset: &'a Dataset,
    /// The further reports of every origin claim.
    further: &'a Further,
    /// The rank of each source code's id in id order.
    rank: Vec<u32>,
    /// The day of the views: a further report published after it is not
    /// listed (DESIGN 2).
    as_of: Day,
}

impl<'a> Catalog<'a> {
    /// The claim views of `dataset` (a repeat's outlet and document become
    /// further reports of its origin claim, as `further` lists them).
    pub fn new(dataset: &'a Dataset, further: &'a Further, as_of: Day) -> Catalog<'a> {
        let sources = &dataset.sources;
        let mut by_id: Vec<usize> = (0..sources.len()).collect();
        by_id.sort_by(|&a, &b| sources[a].id.cmp(&sources[b].id));
        let mut rank = vec![0; sources.len()];
        for (r, &code) in by_id.iter().enumerate() {
            rank[code] = r as u32;
        }
        Catalog {
            dataset,
            further,
            rank,
            as_of,
        }
    }

    /// Where source `code` sorts among the sources by id (ids are unique).
    pub fn rank(&self, code: u32) -> u32 {
        self.rank.get(code as usize).copied().unwrap_or(u32::MAX)
    }

    /// The source id of a source code.
    pub fn source_id(&self, code: u32) -> &'a str {
        self.dataset
            .sources
            .get(code as usize)
            .map_or("", |s| s.id.as_str())
    }

    /// The report a claims.csv row is.
    fn report(&self, row: usize) -> Report {
        let claims = &self.dataset.claims;
        Report {
            row: claims.id(row).to_owned(),
            outlet: claims.optional(row, Cell::Outlet).map(str::to_owned),
            document: claims.cell(row, Cell::Document).to_owned(),
            published: claims.published(row),
        }
    }

    /// The view of origin claim `row` with its figures.
    pub fn claim(
        &self,
        row: usize,
        interval: Interval,
        point: f64,
        corroboration: usize,
    ) -> ClaimView {
        let claims = &self.dataset.claims;
        let record = claims.record(row);
        let source = self.dataset.sources.get(record.source as usize);
        let metric = self.dataset.metrics.get(record.metric as usize);
        ClaimView {
            id: claims.id(row).to_owned(),
            metric: metric.map_or_else(String::new, |m| m.id.clone()),
            source: source.map_or_else(String::new, |s| s.id.clone()),
            source_name: source.map_or_else(String::new, |s| s.name.clone()),
            affiliation: source.map_or_else(String::new, |s| s.affiliation.clone()),
            reliability: source.map_or('F', |s| s.reliability),
            qualifier: claims.qualifier(row),
            stated: claims.stated(row),
            interval,
            point,
            claimed: claims.claimed(row),
            own: self.report(row),
            further: self
                .further
                .of(row)
                .filter(|&r| claims.published(r).is_none_or(|p| p.end <= self.as_of))
                .map(|r| self.report(r))
                .collect(),
            quote: claims.optional(row, Cell::Quote).map(str::to_owned),
            corroboration,
            stale: false,
        }
    }

    /// The bounds of a group, their claims named by id.
    pub fn bounds(&self, bounds: &summary::Bounds) -> Bounds {
        let claims = &self.dataset.claims;
        let bound = |(value, row): (f64, usize)| Bound {
            value,
            claim: claims.id(row).to_owned(),
        };
        Bounds {
            floor: bounds.floor.map(bound),
            ceiling: bounds.ceiling.map(bound),
            floors: bounds.floors,
            ceilings: bounds.ceilings,
            floors_consistent: bounds.floors_consistent,
            ceilings_consistent: bounds.ceilings_consistent,
        }
    }

    /// The view of a current claim, with its corroboration.
    pub fn current(&self, current: &Current, corroboration: usize) -> ClaimView {
        ClaimView {
            stale: current.stale,
            ..self.claim(current.row, current.interval, current.point, corroboration)
        }
    }
}

/// Sorts claim views by claimed end, start, then id.
pub fn sort_by_claimed(claims: &mut [ClaimView]) {
    claims.sort_by(|a, b| {
        (a.claimed.end, a.claimed.start, &a.id).cmp(&(b.claimed.end, b.claimed.start, &b.id))
    });
}

/// The view of one metric from its group's figures (an empty group when no
/// claim is known: no current claims, no range, no consensus), with the
/// pairwise agreement of its current claims.
pub fn metric_view(catalog: &Catalog, metric: &Metric, as_of: Day, group: Group) -> MetricView {
    // Sorted by source id through the ids' ranks (ids are unique, one
    // current claim per source), so a pair can name its sources by position.
    let mut sorted = group.current;
    sorted.sort_by_key(|c| catalog.rank(c.source));
    let sides: Vec<Side> = sorted
        .iter()
        .map(|c| Side::new(c.interval.low, c.interval.high, c.point, c.affiliation))
        .collect();
    let (pairs, corroboration) = pairs::pairs(&sides);
    let current: Vec<ClaimView> = sorted
        .iter()
        .zip(corroboration)
        .map(|(c, k)| catalog.current(c, k))
        .collect();
    MetricView {
        metric: metric.id.clone(),
        label: metric.label.clone(),
        unit: metric.unit.clone(),
        as_of,
        current,
        range: group.range,
        consensus: group.consensus,
        bounds: catalog.bounds(&group.bounds),
        pairs,
    }
}
