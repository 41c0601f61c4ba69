//! Turns the collected figures into the plain structs renderers read:
//! claim views with their further reports, and one [`MetricView`] per
//! metric.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::figures::{Current, Group, f64s, flags, u32s};
use super::query;
use super::{ClaimView, Interval, MetricView, Pair, Report};
use crate::data::claims::Cell;
use crate::data::{Dataset, Day, Metric};
use crate::error::Result;

/// Lookups shared by every claim view of one dataset.
pub struct Catalog<'a> {
    dataset: &'a Dataset,
    /// The rank of each source code's id in id order.
    rank: Vec<u32>,
    /// The day of the views: a further report published after it is not
    /// listed (docs/figures.md).
    as_of: Day,
    /// The interval and point of every alternative, by row (the same
    /// query as every claim's; alternatives are few).
    alternatives: std::collections::HashMap<usize, (Interval, f64)>,
}

impl<'a> Catalog<'a> {
    /// The claim views of `dataset` (a repeat's outlet and document become
    /// further reports of its origin claim, as the loader indexed them).
    pub fn new(dataset: &'a Dataset, as_of: Day) -> Catalog<'a> {
        let sources = &dataset.sources;
        let mut by_id: Vec<usize> = (0..sources.len()).collect();
        by_id.sort_by(|&a, &b| sources[a].id.cmp(&sources[b].id));
        let mut rank = vec![0; sources.len()];
        for (r, &code) in by_id.iter().enumerate() {
            rank[code] = r as u32;
        }
        Catalog {
            dataset,
            rank,
            as_of,
            alternatives: alternative_intervals(dataset),
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
        let record = claims.record(row);
        Report {
            row: claims.id(row).to_owned(),
            outlet: claims.optional(row, Cell::Outlet).map(str::to_owned),
            document: claims.cell(row, Cell::Document).to_owned(),
            published: claims.published(row),
            restated: record.restated.then_some((record.qualifier, record.stated)),
        }
    }

    /// The views of the alternatives of claim `row`, in file order.
    fn alternatives(&self, row: usize) -> Vec<ClaimView> {
        self.dataset
            .claims
            .alternatives(row)
            .filter_map(|r| {
                let &(interval, point) = self.alternatives.get(&r)?;
                Some(self.claim(r, interval, point, 0))
            })
            .collect()
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
            source_short: source.map_or_else(String::new, |s| {
                s.short.clone().unwrap_or_else(|| s.name.clone())
            }),
            affiliation: source.map_or_else(String::new, |s| s.affiliation.clone()),
            source_row: record.source as usize,
            source_color: source.and_then(|s| s.color),
            reliability: source.map_or('F', |s| s.reliability),
            qualifier: claims.qualifier(row),
            stated: claims.stated(row),
            interval,
            point,
            claimed: claims.claimed(row),
            own: self.report(row),
            further: claims
                .further(row)
                .iter()
                .map(|&r| r as usize)
                .filter(|&r| claims.published(r).is_none_or(|p| p.end <= self.as_of))
                .map(|r| self.report(r))
                .collect(),
            quote: claims.optional(row, Cell::Quote).map(str::to_owned),
            refers_to: claims.refers_to(row),
            derived: claims.based_on(row).map(str::to_owned).collect(),
            alternatives: self.alternatives(row),
            corroboration,
            stale: false,
        }
    }

    /// The view of a current claim, with its corroboration; its
    /// alternatives are stale when it is.
    pub fn current(&self, current: &Current, corroboration: usize) -> ClaimView {
        let mut view = self.claim(current.row, current.interval, current.point, corroboration);
        view.stale = current.stale;
        for alternative in &mut view.alternatives {
            alternative.stale = current.stale;
        }
        view
    }
}

/// The interval and point of every alternative of `dataset`, by row, from
/// the intervals query every claim goes through.
fn alternative_intervals(dataset: &Dataset) -> std::collections::HashMap<usize, (Interval, f64)> {
    let rows = dataset.claims.alternative_rows();
    if rows.is_empty() {
        return Default::default();
    }
    let computed = (|| -> crate::error::Result<_> {
        use polars::prelude::IntoLazy;
        let frame = crate::data::frames::build_rows(dataset, &rows)?;
        let known = super::intervals::with_intervals(frame.claims.lazy()).collect()?;
        let (low, high) = (
            super::figures::f64s(&known, "low")?,
            super::figures::optional_f64s(&known, "high")?,
        );
        let point = super::figures::f64s(&known, "point")?;
        let row = super::figures::u32s(&known, "row")?;
        Ok((0..row.len())
            .map(|i| {
                let interval = Interval {
                    low: low[i],
                    high: high[i],
                };
                (row[i] as usize, (interval, point[i]))
            })
            .collect())
    })();
    computed.unwrap_or_default()
}

/// Sorts claim views by claimed end, start, then id.
pub fn sort_by_claimed(claims: &mut [ClaimView]) {
    claims.sort_by(|a, b| a.claimed_order().cmp(&b.claimed_order()));
}

/// The view of one metric from its group's figures (an empty group when no
/// claim is known: no current claims, no range, no consensus), without its
/// source pairs ([`add_pairs`] adds them when a view needs them).
pub fn metric_view(catalog: &Catalog, metric: &Metric, as_of: Day, group: Group) -> MetricView {
    // Sorted by source id through the ids' ranks (ids are unique, one
    // current claim per source), so a pair can name its sources by position.
    let mut sorted = group.current;
    sorted.sort_by_key(|c| catalog.rank(c.source));
    let current: Vec<ClaimView> = sorted.iter().map(|c| catalog.current(c, 0)).collect();
    MetricView {
        metric: metric.id.clone(),
        label: metric.label.clone(),
        unit: metric.unit.clone(),
        as_of,
        decimals: metric.decimals,
        current,
        range: group.range,
        consensus: group.consensus,
        tied: group.tied,
        estimates: group.estimates,
        bounds: group.bounds,
        pairs: None,
    }
}

/// Computes the pairwise agreement of each of `views`' live claims and
/// their corroboration ([`query::pairs`], [`query::corroboration`]: one
/// query over every view, a group each), unless already done.
pub fn add_pairs(views: Vec<&mut MetricView>) -> Result<()> {
    let mut views: Vec<&mut MetricView> = views.into_iter().filter(|v| v.pairs.is_none()).collect();
    if views.is_empty() {
        return Ok(());
    }
    // Only live claims are paired (a stale claim counts in no figure).
    // Corroboration compares affiliations; numbering them by name within
    // the metric is the same test as the dataset's affiliation codes.
    let (mut group, mut at, mut affiliation) = (Vec::new(), Vec::new(), Vec::new());
    let (mut low, mut high, mut point, mut derived) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (g, view) in views.iter().enumerate() {
        let mut codes: BTreeMap<&str, u32> = BTreeMap::new();
        for (i, c) in view.current.iter().enumerate().filter(|(_, c)| !c.stale) {
            let next = codes.len() as u32;
            group.push(g as u32);
            at.push(i as u32);
            affiliation.push(*codes.entry(c.affiliation.as_str()).or_insert(next));
            low.push(c.interval.low);
            high.push(c.interval.high);
            point.push(c.point);
            derived.push(!c.derived.is_empty());
        }
    }
    let current = DataFrame::new_infer_height(vec![
        Column::new("group".into(), group),
        Column::new("at".into(), at),
        Column::new("affiliation".into(), affiliation),
        Column::new("low".into(), low),
        Column::new("high".into(), high),
        Column::new("point".into(), point),
        Column::new("derived".into(), derived),
    ])?
    .lazy()
    .with_column(query::denial().alias("denial"));
    let pairs = query::pairs(current).collect()?;
    let (g, a, b) = (
        u32s(&pairs, "group")?,
        u32s(&pairs, "at_a")?,
        u32s(&pairs, "at_b")?,
    );
    let (agree, gap) = (flags(&pairs, "agree")?, f64s(&pairs, "gap")?);
    let mut found: Vec<Vec<Pair>> = vec![Vec::new(); views.len()];
    for i in 0..pairs.height() {
        if let Some(list) = found.get_mut(g[i] as usize) {
            list.push(Pair {
                a: a[i] as usize,
                b: b[i] as usize,
                agree: agree[i],
                gap: gap[i],
            });
        }
    }
    let counts = query::corroboration(pairs.lazy()).collect()?;
    let (g, a) = (u32s(&counts, "group")?, u32s(&counts, "at_a")?);
    let k = u32s(&counts, "corroboration")?;
    for i in 0..counts.height() {
        if let Some(claim) = views
            .get_mut(g[i] as usize)
            .and_then(|v| v.current.get_mut(a[i] as usize))
        {
            claim.corroboration = k[i] as usize;
        }
    }
    for (view, pairs) in views.iter_mut().zip(found) {
        view.pairs = Some(pairs);
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use crate::analysis::{add_pairs, analyse};
    use crate::data::load::load;

    use proptest::prelude::*;

    use crate::data::frames::tests::{claim, metric, source};
    use crate::data::{Dataset, Qualifier, Stated};

    /// A claim of metric `m`: source (0..6, two per affiliation), low,
    /// width (0: exact), derived (based on the first claim).
    type Raw = (usize, u8, u8, bool);

    proptest! {
        // DESIGN §2, corroboration, from its words: for a live claim that
        // is not derived, the number of other affiliations whose live,
        // non-derived claim agrees with it (intervals intersect); a derived
        // claim neither gives nor receives it (its count is 0, shown null).
        #[test]
        fn corroboration_leaves_derived_claims_out(
            raw in prop::collection::vec((0usize..6, 0u8..20, 0u8..6, any::<bool>()), 1..8),
        ) {
            let sources: Vec<String> = (0..6).map(|s| format!("s{s}")).collect();
            // One claim per source (the first one each source has).
            let mut seen = std::collections::BTreeSet::new();
            let raw: Vec<Raw> = raw.into_iter().filter(|r| seen.insert(r.0)).collect();
            let claims: Vec<_> = raw
                .iter()
                .enumerate()
                .map(|(i, &(s, low, width, derived))| {
                    let (low, high) = (f64::from(low), f64::from(low) + f64::from(width));
                    let (q, stated) = if width == 0 {
                        (Qualifier::Exact, Stated::Value(low))
                    } else {
                        (Qualifier::Range, Stated::Range(low, high, None))
                    };
                    let mut c = claim(&format!("c{i}"), "m", &sources[s], q, stated, "2024-01-01");
                    if derived && i > 0 {
                        c.based_on = vec!["c0".to_owned()];
                    }
                    c
                })
                .collect();
            let sources = sources
                .iter()
                .enumerate()
                .map(|(s, id)| source(id, &format!("a{}", s / 2)))
                .collect();
            let dataset = Dataset::new(PathBuf::new(), &claims, sources, vec![metric("m", 0.1)]).unwrap();
            let as_of = dataset.latest_claimed().unwrap();
            let mut analysis = analyse(&dataset, as_of).unwrap();
            add_pairs(&mut analysis, &["m"]).unwrap();
            let view = &analysis.metrics["m"];
            for c in &view.current {
                let expected = if c.derived.is_empty() {
                    view.current
                        .iter()
                        .filter(|o| o.derived.is_empty() && o.affiliation != c.affiliation)
                        .filter(|o| {
                            let high = |x: &crate::analysis::ClaimView| x.interval.high.unwrap_or(f64::INFINITY);
                            // A denial ([0, 0]) agrees only with a denial.
                            let denial = |x: &crate::analysis::ClaimView| x.interval.high == Some(0.0);
                            c.interval.low <= high(o) && o.interval.low <= high(c)
                                && denial(c) == denial(o)
                        })
                        .map(|o| o.affiliation.as_str())
                        .collect::<BTreeSet<_>>()
                        .len()
                } else {
                    0
                };
                prop_assert_eq!(c.corroboration, expected, "{}", c.id);
            }
        }
    }

    // Pairs cost n² per metric (20,000 sources were 12 GB), so the analysis
    // computes none until asked, and then only for the metrics asked for.
    #[test]
    fn pairs_only_for_metrics_asked_for() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let dataset = load(&dir).unwrap().dataset;
        let as_of = dataset.latest_claimed().unwrap();
        let mut analysis = analyse(&dataset, as_of).unwrap();
        assert!(analysis.metrics.len() > 1);
        assert!(analysis.metrics.values().all(|v| v.pairs.is_none()));
        assert!(
            analysis
                .metrics
                .values()
                .flat_map(|v| &v.current)
                .all(|c| c.corroboration == 0)
        );
        add_pairs(&mut analysis, &["kp_troops_kursk", "no_such_metric"]).unwrap();
        for (id, view) in &analysis.metrics {
            if id != "kp_troops_kursk" {
                assert_eq!(view.pairs, None, "{id}");
                continue;
            }
            let n = view.current.len();
            assert!(n > 2);
            let pairs = view.pairs().unwrap();
            assert_eq!(pairs.len(), n * (n - 1));
            // Corroboration as docs/figures.md defines it, by brute force over the
            // claims' intervals and affiliation names.
            for a in &view.current {
                let agreeing: BTreeSet<&str> = view
                    .current
                    .iter()
                    .filter(|b| {
                        let high = |c: &crate::analysis::ClaimView| {
                            c.interval.high.unwrap_or(f64::INFINITY)
                        };
                        let denial = |c: &crate::analysis::ClaimView| c.interval.high == Some(0.0);
                        b.affiliation != a.affiliation
                            && a.interval.low <= high(b)
                            && b.interval.low <= high(a)
                            && denial(a) == denial(b)
                    })
                    .map(|b| b.affiliation.as_str())
                    .collect();
                assert_eq!(a.corroboration, agreeing.len(), "{}", a.id);
            }
            assert!(view.current.iter().any(|c| c.corroboration > 0));
        }
        // Asking again changes nothing.
        let before = analysis.clone();
        add_pairs(&mut analysis, &["kp_troops_kursk"]).unwrap();
        assert_eq!(analysis, before);
    }
}
