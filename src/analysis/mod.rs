//! The analysis stage: every figure docs/figures.md defines, computed once
//! from a validated [`Dataset`] (what polars does and what plain Rust does:
//! the crate docs), returned as plain structs that every renderer (text,
//! JSON, Markdown, SVG) reads. Nothing downstream recomputes a figure.

mod asof;
mod changes;
mod figures;
mod filter;
mod history;
mod intervals;
#[cfg(test)]
mod pairs;
mod query;
mod robustness;
mod scan;
#[cfg(test)]
mod summary;
mod views;

pub use filter::Filter;
pub use robustness::{Omission, Row as RobustnessRow, robustness};

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::data::frames::{self, day_number};
use crate::data::{Dataset, DateSpec, Day, Qualifier, Stated};
use crate::error::{Error, Result};

/// A closed interval of the quantity; `high == None` is open above (+∞).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower end (0 for `up_to`).
    pub low: f64,
    /// Upper end; `None` for `at_least`.
    pub high: Option<f64>,
}

impl Interval {
    /// A denial: the interval [0, 0] (exact 0, about 0, a range 0–0, up
    /// to 0). The one statement of the rule; a denial meets only denials
    /// (docs/figures.md).
    pub fn is_denial(&self) -> bool {
        self.low == 0.0 && self.high == Some(0.0)
    }
}

/// Another report of a claim (a row whose `origin` is the claim), or the
/// claim's own row.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Id of the row in claims.csv.
    pub row: String,
    /// Who published the document.
    pub outlet: Option<String>,
    /// URL or document name.
    pub document: String,
    /// When the document was published.
    pub published: Option<DateSpec>,
    /// A restated repeat's own wording: its qualifier and numbers.
    pub restated: Option<(Qualifier, Stated)>,
}

/// One origin claim (repeats collapsed into it), with everything a renderer
/// shows about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimView {
    /// The claim id (an origin row).
    pub id: String,
    /// Metric id.
    pub metric: String,
    /// Source id.
    pub source: String,
    /// Source display name.
    pub source_name: String,
    /// Source short label (its `short`, else its name), for axes and
    /// table headers.
    pub source_short: String,
    /// Source affiliation.
    pub affiliation: String,
    /// Position of the source's row in sources.csv (0 = first data row): its
    /// identity in every chart (palette colour, number), which appending a
    /// source leaves unchanged.
    pub source_row: usize,
    /// The source's own `color` from sources.csv, when given.
    pub source_color: Option<[u8; 3]>,
    /// Admiralty source grade.
    pub reliability: char,
    /// How the number was stated.
    pub qualifier: Qualifier,
    /// The stated number(s).
    pub stated: Stated,
    /// The claim's interval (docs/figures.md).
    pub interval: Interval,
    /// The claim's point (docs/figures.md).
    pub point: f64,
    /// When the claim was made.
    pub claimed: DateSpec,
    /// The claim's own document.
    pub own: Report,
    /// Further reports of the same claim (rows with `origin` = this id),
    /// sorted by row id.
    pub further: Vec<Report>,
    /// The quote, if any.
    pub quote: Option<String>,
    /// The day or period the number describes, when the claim gives one.
    pub refers_to: Option<DateSpec>,
    /// The ids of the claims it is derived from (`based_on`); empty when
    /// it is not derived.
    pub derived: Vec<String>,
    /// The other figures its source gave in the same statement
    /// (`alternative_of` this claim), in file order: never current, in no
    /// figure, stale when this claim is.
    pub alternatives: Vec<ClaimView>,
    /// Number of other affiliations whose live claim agrees with this one
    /// (only filled for live current claims of a metric whose pairs were
    /// asked for, see [`add_pairs`]; 0 otherwise).
    pub corroboration: usize,
    /// A current claim older than the metric's `stale_after` as of the
    /// view's day: listed, but left out of every figure (docs/figures.md).
    pub stale: bool,
}

impl ClaimView {
    /// The claimed order: end, then start of the `claimed` window, then id
    /// (tables list claims in it).
    pub fn claimed_order(&self) -> (Day, Day, &str) {
        (self.claimed.end, self.claimed.start, &self.id)
    }

    /// The window the number describes: `refers_to`, else `claimed`.
    pub fn describes(&self) -> &DateSpec {
        self.refers_to.as_ref().unwrap_or(&self.claimed)
    }
}

/// A floor or ceiling and the claim that states it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    /// The stated value.
    pub value: f64,
    /// The claim id.
    pub claim: String,
}

/// The bounds beside the consensus (docs/figures.md), over the live claims.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bounds {
    /// The greatest `at_least` value.
    pub floor: Option<Bound>,
    /// The least `up_to` value.
    pub ceiling: Option<Bound>,
    /// How many live floors.
    pub floors: usize,
    /// How many live ceilings.
    pub ceilings: usize,
    /// How many floors meet the consensus stretch; `None` without consensus.
    pub floors_consistent: Option<usize>,
    /// How many ceilings meet the consensus stretch; `None` without consensus.
    pub ceilings_consistent: Option<usize>,
}

impl Bounds {
    /// The floor is above the ceiling: the bounds conflict with each other.
    pub fn crossed(&self) -> bool {
        matches!((&self.floor, &self.ceiling), (Some(f), Some(c)) if f.value > c.value)
    }
}

/// Range of the current claims (docs/figures.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RangeSummary {
    /// Least stated number.
    pub low: f64,
    /// Greatest stated number.
    pub high: f64,
    /// Median of the points.
    pub median: f64,
    /// How many sources (current claims).
    pub sources: usize,
    /// How many distinct affiliations.
    pub affiliations: usize,
}

/// The stretch covered by the most live estimates' intervals (docs/figures.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Consensus {
    /// Start of the stretch.
    pub low: f64,
    /// End of the stretch; `None` when open above.
    pub high: Option<f64>,
    /// k: how many intervals cover it.
    pub support: usize,
    /// Number of live estimates that are not derived.
    pub of: usize,
    /// How many distinct affiliations the k supporting estimates come from.
    pub affiliations: usize,
}

/// A stretch that ties with others for the consensus: no consensus then
/// (docs/figures.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stretch {
    /// Start.
    pub low: f64,
    /// End; `None` when open above.
    pub high: Option<f64>,
    /// How many estimates cover it.
    pub support: usize,
}

/// Agreement between two sources' current claims. The sources are named by
/// their current claims' positions in [`MetricView::current`] (one claim per
/// source, sorted by source id), not by cloned ids: 200 metrics of 50
/// sources are half a million pairs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    /// Index into `current` of the row source's claim.
    pub a: usize,
    /// Index into `current` of the column source's claim.
    pub b: usize,
    /// Their intervals intersect.
    pub agree: bool,
    /// 0 when they agree, else distance between the intervals divided by the
    /// larger of the two points.
    pub gap: f64,
}

/// Range and consensus as of one day (for the timeline bands).
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The day.
    pub day: Day,
    /// Range as of that day; `None` when nothing was known yet.
    pub range: Option<RangeSummary>,
    /// Consensus as of that day; `None` when nothing was known yet.
    pub consensus: Option<Consensus>,
}

/// Everything about one metric as of one day.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricView {
    /// Metric id.
    pub metric: String,
    /// Metric label.
    pub label: String,
    /// Unit.
    pub unit: String,
    /// The as-of day.
    pub as_of: Day,
    /// The metric's precision: figures are shown with at most this many
    /// decimals (DESIGN §2, Precision shown).
    pub decimals: u32,
    /// Each source's current claim, sorted by source id.
    pub current: Vec<ClaimView>,
    /// Range over the current claims; `None` when no claim is known yet.
    pub range: Option<RangeSummary>,
    /// Consensus over the live estimates; `None` when there is none.
    pub consensus: Option<Consensus>,
    /// The stretches that tie for the consensus (then there is none).
    pub tied: Vec<Stretch>,
    /// How many live, non-derived estimates (0, 1: a single one).
    pub estimates: usize,
    /// Floor and ceiling beside the consensus.
    pub bounds: Bounds,
    /// Every ordered pair of current-claim sources (a, b), a ≠ b, sorted by
    /// (a, b), that is by source ids; `None` until asked for with
    /// [`add_pairs`] (n sources are n² pairs: only an agreement view pays
    /// for them).
    pub pairs: Option<Vec<Pair>>,
}

impl MetricView {
    /// The pairs of the current claims; an error when they were not asked
    /// for (a caller that shows agreement must call [`add_pairs`] first).
    pub fn pairs(&self) -> Result<&[Pair]> {
        self.pairs.as_deref().ok_or_else(|| {
            Error::Other(anyhow::anyhow!(
                "internal error: source pairs of {} were not computed",
                self.metric
            ))
        })
    }

    /// The pair of current claims `a` (row) and `b` (column), found by
    /// binary search in the sorted pairs: an n × n table looks up every
    /// cell, and a scan per cell made 800 sources take minutes. `None` on
    /// the diagonal, for positions out of range or when pairs were not
    /// asked for.
    pub fn pair(&self, a: usize, b: usize) -> Option<&Pair> {
        let pairs = self.pairs.as_deref()?;
        let at = pairs.binary_search_by_key(&(a, b), |p| (p.a, p.b)).ok()?;
        pairs.get(at)
    }

    /// The current claims of a pair's two sources (row, column); `None` for
    /// a pair not from this view.
    pub fn pair_claims(&self, pair: &Pair) -> Option<(&ClaimView, &ClaimView)> {
        Some((self.current.get(pair.a)?, self.current.get(pair.b)?))
    }
}

/// Every claim of one metric known as of a day, with the range and consensus
/// through time: what the timeline chart and claim tables show. Computed on
/// demand (per metric) because it is the costly part.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricHistory {
    /// Metric id.
    pub metric: String,
    /// Metric label.
    pub label: String,
    /// Unit.
    pub unit: String,
    /// The as-of day.
    pub as_of: Day,
    /// The metric's precision (see [`MetricView::decimals`]).
    pub decimals: u32,
    /// Every origin claim known as of the day, sorted by claimed end, start, id.
    pub known: Vec<ClaimView>,
    /// Range and consensus as of each distinct `claimed` end day among the
    /// known claims, ascending; the last is the as-of view.
    pub snapshots: Vec<Snapshot>,
}

/// A source whose current claim differs between two days.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    /// Source id.
    pub source: String,
    /// Current claim at the earlier day.
    pub old: ClaimView,
    /// Current claim at the later day.
    pub new: ClaimView,
}

/// What changed for one metric between `since` and `as_of`.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricChanges {
    /// Metric id.
    pub metric: String,
    /// Metric label.
    pub label: String,
    /// The earlier day S.
    pub since: Day,
    /// The later day D.
    pub as_of: Day,
    /// The metric's precision (see [`MetricView::decimals`]).
    pub decimals: u32,
    /// Claims known as of D but not as of S, sorted by claimed end, start, id.
    pub new_claims: Vec<ClaimView>,
    /// Sources whose current claim differs, sorted by source id.
    pub revisions: Vec<Revision>,
    /// Range at S.
    pub range_before: Option<RangeSummary>,
    /// Range at D.
    pub range_after: Option<RangeSummary>,
    /// Consensus at S.
    pub consensus_before: Option<Consensus>,
    /// Consensus at D.
    pub consensus_after: Option<Consensus>,
    /// How many live, non-derived estimates at S, and the stretches tying
    /// for the consensus then.
    pub agreement_before: (usize, Vec<Stretch>),
    /// The same at D.
    pub agreement_after: (usize, Vec<Stretch>),
    /// Bounds at S.
    pub bounds_before: Bounds,
    /// Bounds at D.
    pub bounds_after: Bounds,
}

/// The analysis of a whole dataset as of one day.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The as-of day.
    pub as_of: Day,
    /// One view per metric, by metric id.
    pub metrics: BTreeMap<String, MetricView>,
}

/// Analyses every metric of `dataset` as of `as_of`, without source pairs
/// (see [`add_pairs`]).
pub fn analyse(dataset: &Dataset, as_of: Day) -> Result<Analysis> {
    analyse_kept(dataset, as_of, &[])
}

/// [`analyse`] of the claims of the sources `filter` keeps, as if the
/// others were not in the data.
pub fn analyse_filtered(dataset: &Dataset, as_of: Day, filter: &Filter) -> Result<Analysis> {
    analyse_kept(dataset, as_of, &filter.mask(dataset))
}

/// [`analyse`] of the claims of the source codes `keep` marks (empty:
/// every source).
fn analyse_kept(dataset: &Dataset, as_of: Day, keep: &[bool]) -> Result<Analysis> {
    // Only each source's current claim per metric matters: one pass over
    // the records finds them (one per metric and source), and polars
    // computes the intervals of those rather than of every claim.
    let claims = &dataset.claims;
    let scan = crate::timing::phase("current claims");
    let found = scan::latest(
        claims,
        dataset.metrics.len(),
        dataset.sources.len(),
        as_of,
        keep,
    );
    drop(scan);
    let figures = crate::timing::phase("figures");
    let current = current_frame(dataset, &found, as_of)?;
    let groups = figures::figures(current, claims)?;
    drop(figures);
    let _views = crate::timing::phase("views");
    let day = day_number(as_of);
    let catalog = views::Catalog::new(dataset, as_of);
    // Each metric's group (an empty one when no claim is known), by code.
    let mut by_code: Vec<figures::Group> =
        dataset.metrics.iter().map(|_| Default::default()).collect();
    for ((code, group_day), group) in groups {
        if let (true, Some(slot)) = (group_day == day, by_code.get_mut(code as usize)) {
            *slot = group;
        }
    }
    // One thread: spread over the cores (as it was), the views of 100,000
    // metrics took as long or longer, their many small allocations then
    // freed across threads.
    let metrics = by_code
        .into_iter()
        .zip(&dataset.metrics)
        .map(|(group, metric)| {
            let view = views::metric_view(&catalog, metric, as_of, group);
            (metric.id.clone(), view)
        })
        .collect();
    Ok(Analysis { as_of, metrics })
}

/// The frame of the current claims `found` as of `as_of`, tagged with the day.
fn current_frame(dataset: &Dataset, found: &scan::Latest, as_of: Day) -> Result<LazyFrame> {
    let frames = frames::build_rows(dataset, &found.rows)?;
    Ok(asof::on_day(frames.claims.lazy(), day_number(as_of)))
}

/// Fills in the source pairs and corroboration of each metric in `metrics`
/// that does not have them yet (unknown ids are skipped: looking the view
/// up reports them). Only the metrics an agreement table or chart shows
/// need them: only an n × n view that is asked for may cost n².
pub fn add_pairs(analysis: &mut Analysis, metrics: &[&str]) -> Result<()> {
    let views = analysis
        .metrics
        .iter_mut()
        .filter(|(id, _)| metrics.contains(&id.as_str()))
        .map(|(_, view)| view)
        .collect();
    views::add_pairs(views)
}

/// The view of one metric; an unknown metric is a usage error that lists the
/// known ones.
pub fn view<'a>(analysis: &'a Analysis, metric: &str) -> Result<&'a MetricView> {
    analysis.metrics.get(metric).ok_or_else(|| {
        let known: Vec<&str> = analysis.metrics.keys().map(String::as_str).collect();
        Error::Usage(crate::error::unknown_metric(metric, &known))
    })
}

/// Every claim of `metric` known as of `as_of`, with range and consensus
/// through time; an unknown metric is a usage error.
pub fn history(dataset: &Dataset, metric: &str, as_of: Day) -> Result<MetricHistory> {
    history::history(dataset, metric, as_of)
}

/// The histories of `metrics` (in that order) as [`history`] gives them,
/// from one pass over the claims, computed in parallel.
pub fn histories(dataset: &Dataset, metrics: &[&str], as_of: Day) -> Result<Vec<MetricHistory>> {
    history::histories(dataset, metrics, as_of, &[])
}

/// What reports ask of one dataset as of one day: every metric's view
/// (always), and beyond it only the costly figures a report shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Request {
    /// The day the figures are as of.
    pub as_of: Day,
    /// Metrics whose source pairs and corroboration are shown (n² each).
    pub pairs: Vec<String>,
    /// Metrics whose claims are shown through time.
    pub histories: Vec<String>,
    /// Days changes are counted from (each before `as_of`).
    pub changes_since: Vec<Day>,
    /// Metrics whose robustness is shown.
    pub robustness: Vec<String>,
    /// What the filtered cells ask, by filter (each without filters of
    /// its own): computed over the claims the filter keeps.
    pub filtered: BTreeMap<Filter, Request>,
}

impl Request {
    /// Adds what `other` (of the same dataset and day) asks, keeping the
    /// order of first request.
    pub fn merge(&mut self, other: &Request) {
        for (list, more) in [
            (&mut self.pairs, &other.pairs),
            (&mut self.histories, &other.histories),
            (&mut self.robustness, &other.robustness),
        ] {
            let known: std::collections::BTreeSet<String> = list.iter().cloned().collect();
            list.extend(more.iter().filter(|m| !known.contains(*m)).cloned());
        }
        for since in &other.changes_since {
            if !self.changes_since.contains(since) {
                self.changes_since.push(*since);
            }
        }
        for (filter, request) in &other.filtered {
            self.filtered
                .entry(filter.clone())
                .and_modify(|r| r.merge(request))
                .or_insert_with(|| request.clone());
        }
    }
}

/// The figures a [`Request`] asks for, computed once for every report that
/// reads them.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Every metric's view, with pairs where asked.
    pub analysis: Analysis,
    /// The histories asked for, by metric id.
    pub histories: BTreeMap<String, MetricHistory>,
    /// The changes asked for, by the day they count from, each by metric id.
    pub changes: BTreeMap<Day, BTreeMap<String, MetricChanges>>,
    /// The events of events.csv begun by the as-of day, in file order.
    pub events: Vec<crate::data::Event>,
    /// The robustness rows asked for, by metric id.
    pub robustness: BTreeMap<String, Vec<RobustnessRow>>,
    /// The figures of the filtered cells, by filter.
    pub filtered: BTreeMap<Filter, Figures>,
}

impl Figures {
    /// The figures under `filter` (these, for no filter).
    pub fn under(&self, filter: &Filter) -> Result<&Figures> {
        if filter.is_empty() {
            return Ok(self);
        }
        self.filtered
            .get(filter)
            .ok_or_else(|| anyhow::anyhow!("figures under a filter not computed").into())
    }

    /// The view of `metric` (unknown: a usage error listing the known ids).
    pub fn view(&self, metric: &str) -> Result<&MetricView> {
        view(&self.analysis, metric)
    }

    /// The robustness rows of `metric`, if they were asked for.
    pub fn robustness(&self, metric: &str) -> Result<&[RobustnessRow]> {
        self.robustness
            .get(metric)
            .map(Vec::as_slice)
            .ok_or_else(|| anyhow::anyhow!("robustness of {metric} not computed").into())
    }

    /// The history of `metric`, if it was asked for.
    pub fn history(&self, metric: &str) -> Result<&MetricHistory> {
        self.histories
            .get(metric)
            .ok_or_else(|| anyhow::anyhow!("history of {metric} not computed").into())
    }

    /// The changes of `metric` since `since`, if they were asked for.
    pub fn changes(&self, since: Day, metric: &str) -> Option<&MetricChanges> {
        self.changes.get(&since)?.get(metric)
    }

    /// The events of `metric` (those naming it or no metric), in file order.
    pub fn events_of(&self, metric: &str) -> Vec<crate::data::Event> {
        self.events
            .iter()
            .filter(|e| e.concerns(metric))
            .cloned()
            .collect()
    }
}

/// Computes what `request` asks of `dataset`.
pub fn compute(dataset: &Dataset, request: &Request) -> Result<Figures> {
    let mut figures = compute_kept(dataset, request, &[])?;
    for (filter, asked) in &request.filtered {
        let filtered = compute_kept(dataset, asked, &filter.mask(dataset))?;
        figures.filtered.insert(filter.clone(), filtered);
    }
    Ok(figures)
}

/// [`compute`] over the claims of the source codes `keep` marks (empty:
/// every source), without the filtered requests.
fn compute_kept(dataset: &Dataset, request: &Request, keep: &[bool]) -> Result<Figures> {
    let pairs: Vec<&str> = request.pairs.iter().map(String::as_str).collect();
    let wanted: Vec<&str> = request.histories.iter().map(String::as_str).collect();
    // The as-of view and every history at once (one pass over the claims,
    // metrics in parallel), side by side: much of each is one thread's
    // work (scans, walks, views) while the other's query runs.
    let (analysis, histories) = crate::parallel::join(
        || {
            let mut analysis = analyse_kept(dataset, request.as_of, keep)?;
            add_pairs(&mut analysis, &pairs)?;
            Ok::<_, Error>(analysis)
        },
        || {
            let _timed = crate::timing::phase("histories");
            history::histories(dataset, &wanted, request.as_of, keep)
        },
    );
    let (analysis, histories) = (analysis?, histories?);
    let histories = request.histories.iter().cloned().zip(histories).collect();
    let mut changes = BTreeMap::new();
    for &since in &request.changes_since {
        let by_metric = changes::changes(dataset, since, request.as_of, keep)?
            .into_iter()
            .map(|c| (c.metric.clone(), c))
            .collect();
        changes.insert(since, by_metric);
    }
    // Every metric's omissions in one query.
    let asked: Vec<(&String, &MetricView)> = request
        .robustness
        .iter()
        .filter_map(|m| Some((m, analysis.metrics.get(m)?)))
        .collect();
    let views: Vec<&MetricView> = asked.iter().map(|(_, view)| *view).collect();
    let robustness = asked
        .iter()
        .map(|(m, _)| (*m).clone())
        .zip(robustness::robustness_of(&views, dataset)?)
        .collect();
    let as_of = request.as_of;
    let events = dataset
        .events
        .iter()
        .filter(|e| e.date.start <= as_of)
        .cloned()
        .collect();
    Ok(Figures {
        analysis,
        histories,
        changes,
        events,
        robustness,
        filtered: BTreeMap::new(),
    })
}

/// The usage error for a metric id not in metrics.csv, listing the known ones.
fn unknown_metric(dataset: &Dataset, metric: &str) -> Error {
    let known: Vec<&str> = dataset.metrics.iter().map(|m| m.id.as_str()).collect();
    Error::Usage(crate::error::unknown_metric(metric, &known))
}

/// What changed per metric between `since` and `as_of` (every metric, sorted
/// by id); `since` must be before `as_of`.
pub fn changes(dataset: &Dataset, since: Day, as_of: Day) -> Result<Vec<MetricChanges>> {
    changes::changes(dataset, since, as_of, &[])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A view of `n` current claims with every ordered pair, gap a·n + b.
    fn view(n: usize) -> MetricView {
        let pairs = (0..n)
            .flat_map(|a| (0..n).filter(move |&b| b != a).map(move |b| (a, b)))
            .map(|(a, b)| Pair {
                a,
                b,
                agree: false,
                gap: (a * n + b) as f64,
            })
            .collect();
        MetricView {
            metric: "m".into(),
            label: "M".into(),
            unit: "u".into(),
            as_of: Day::default(),
            decimals: 0,
            current: Vec::new(),
            range: None,
            consensus: None,
            tied: Vec::new(),
            estimates: 0,
            bounds: Bounds::default(),
            pairs: Some(pairs),
        }
    }

    // A cell's pair is found without a scan of the list (the agreement
    // table looks up n² cells): every off-diagonal cell finds its own pair,
    // the diagonal, positions past the end and uncomputed pairs find none.
    #[test]
    fn pair_lookup() {
        let n = 7;
        let mut v = view(n);
        for a in 0..n + 1 {
            for b in 0..n + 1 {
                let found = v.pair(a, b).map(|p| (p.a, p.b, p.gap));
                let expected = (a != b && a < n && b < n).then(|| (a, b, (a * n + b) as f64));
                assert_eq!(found, expected, "({a}, {b})");
            }
        }
        v.pairs = None;
        assert_eq!(v.pair(0, 1), None);
        assert_eq!(
            v.pairs().err().map(|e| e.to_string()),
            Some("internal error: source pairs of m were not computed".into())
        );
    }
}

/// Helpers for the analysis unit tests.
#[cfg(test)]
pub(crate) mod test_util {
    use polars::prelude::DataFrame;

    /// A boolean column of a test frame, nulls kept.
    pub fn bools(frame: &DataFrame, name: &str) -> Vec<Option<bool>> {
        frame.column(name).unwrap().bool().unwrap().iter().collect()
    }
}
