//! Turns the collected figures into the plain structs renderers read:
//! claim views with their further reports, and one [`MetricView`] per
//! metric.

use std::collections::HashMap;

use super::figures::{Current, Group};
use super::{ClaimView, Interval, MetricView, Pair, Report};
use crate::data::{Dataset, Day, Metric, Source};

/// Lookups shared by every claim view of one dataset.
pub struct Catalog<'a> {
    dataset: &'a Dataset,
    sources: HashMap<&'a str, &'a Source>,
    /// Origin row → the rows that repeat it, sorted by row id.
    further: HashMap<usize, Vec<usize>>,
}

impl<'a> Catalog<'a> {
    /// Indexes sources and repeats (a repeat's outlet and document become
    /// further reports of its origin claim).
    pub fn new(dataset: &'a Dataset) -> Catalog<'a> {
        let sources = dataset.sources.iter().map(|s| (s.id.as_str(), s)).collect();
        let mut further: HashMap<usize, Vec<usize>> = HashMap::new();
        for (row, root) in dataset.root_index().into_iter().enumerate() {
            if row != root {
                further.entry(root).or_default().push(row);
            }
        }
        for rows in further.values_mut() {
            rows.sort_by(|&a, &b| dataset.claims[a].id.cmp(&dataset.claims[b].id));
        }
        Catalog {
            dataset,
            sources,
            further,
        }
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
        let claim = &self.dataset.claims[row];
        Report {
            row: claim.id.clone(),
            outlet: claim.outlet.clone(),
            document: claim.document.clone(),
            published: claim.published.clone(),
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
        let claim = &self.dataset.claims[row];
        let source = self.sources.get(claim.source.as_str());
        ClaimView {
            id: claim.id.clone(),
            metric: claim.metric.clone(),
            source: claim.source.clone(),
            source_name: source.map_or_else(|| claim.source.clone(), |s| s.name.clone()),
            affiliation: source.map_or_else(String::new, |s| s.affiliation.clone()),
            reliability: source.map_or('F', |s| s.reliability),
            qualifier: claim.qualifier,
            stated: claim.stated,
            interval,
            point,
            claimed: claim.claimed.clone(),
            own: self.report(row),
            further: self
                .further
                .get(&row)
                .map(|rows| rows.iter().map(|&r| self.report(r)).collect())
                .unwrap_or_default(),
            quote: claim.quote.clone(),
            corroboration,
        }
    }

    /// The view of a current claim.
    pub fn current(&self, current: &Current) -> ClaimView {
        self.claim(
            current.row,
            current.interval,
            current.point,
            current.corroboration,
        )
    }
}

/// Sorts claim views by claimed end, start, then id.
pub fn sort_by_claimed(claims: &mut [ClaimView]) {
    claims.sort_by(|a, b| {
        (a.claimed.end, a.claimed.start, &a.id).cmp(&(b.claimed.end, b.claimed.start, &b.id))
    });
}

/// The view of one metric from its group's figures (an empty group when no
/// claim is known: no current claims, no range, no consensus).
pub fn metric_view(catalog: &Catalog, metric: &Metric, as_of: Day, group: Group) -> MetricView {
    let mut current: Vec<ClaimView> = group.current.iter().map(|c| catalog.current(c)).collect();
    current.sort_by(|a, b| a.source.cmp(&b.source));
    let mut pairs: Vec<Pair> = group
        .pairs
        .iter()
        .map(|p| Pair {
            a: catalog.source_id(p.a).to_string(),
            b: catalog.source_id(p.b).to_string(),
            agree: p.agree,
            gap: p.gap,
        })
        .collect();
    pairs.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
    MetricView {
        metric: metric.id.clone(),
        label: metric.label.clone(),
        unit: metric.unit.clone(),
        as_of,
        current,
        range: group.range,
        consensus: group.consensus,
        pairs,
    }
}
