//! A diff as plain structs the renderers read: per metric, its view in
//! each version (the analysis's own [`MetricView`], as `show` prints it),
//! the claims added, removed and edited, and which sources' current claims
//! moved — the claims that moved the figures.

use std::collections::BTreeSet;

use serde_json::Value;

use super::compare::{self, ClaimRef, Edit, Field, RowDiff};
use super::git::ChartChange;
use crate::analysis::{Analysis, ClaimView, MetricView};
use crate::data::Dataset;
use crate::render::show::json::show_value;

/// One version of the data: where it came from, and its analysis.
#[derive(Debug)]
pub struct Version {
    /// How the user named it: `HEAD~1`, or `working tree`.
    pub name: String,
    /// Its commit; `None` for the working tree.
    pub commit: Option<String>,
    /// The data.
    pub dataset: Dataset,
    /// Every metric as of the version's day; `None` when it has no claim.
    pub analysis: Option<Analysis>,
}

impl Version {
    /// The view of `metric` in this version, if it has that metric.
    pub fn view(&self, metric: &str) -> Option<&MetricView> {
        self.analysis.as_ref()?.metrics.get(metric)
    }

    /// The short name used in headings: the name, and 7 hex digits of the
    /// commit when the name is not already one.
    pub fn short(&self) -> String {
        match &self.commit {
            Some(commit) if !commit.starts_with(&self.name) => {
                format!("{} ({})", self.name, commit.get(..7).unwrap_or(commit))
            }
            _ => self.name.clone(),
        }
    }
}

/// A source's current claim on one side: id, stated claim, claimed spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Current {
    pub id: String,
    pub stated: String,
    pub claimed: String,
    /// Older than the metric's `stale_after` on that side: in no figure.
    pub stale: bool,
}

impl Current {
    fn of(claim: &ClaimView) -> Current {
        Current {
            id: claim.id.clone(),
            stated: compare::stated(claim.qualifier, claim.stated),
            claimed: claim.claimed.text.clone(),
            stale: claim.stale,
        }
    }
}

/// A source whose current claim on a metric differs between the versions:
/// a change of the set every figure is computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    /// Source id.
    pub source: String,
    /// Its current claim before; `None` when it had none.
    pub before: Option<Current>,
    /// Its current claim after; `None` when it has none.
    pub after: Option<Current>,
    /// The changed claims (added, removed, edited) among the two.
    pub because: Vec<String>,
}

/// Everything that differs for one metric.
#[derive(Debug)]
pub struct MetricDiff<'a> {
    /// Metric id.
    pub metric: String,
    /// Its view before; `None` when the metric (or any claim) is absent.
    pub before: Option<&'a MetricView>,
    /// Its view after.
    pub after: Option<&'a MetricView>,
    /// Edits of its metrics.csv row (a relabel).
    pub row: Vec<Field>,
    /// Claims of this metric only after.
    pub added: Vec<&'a ClaimRef>,
    /// Claims of this metric only before.
    pub removed: Vec<&'a ClaimRef>,
    /// Claims of this metric (on either side) that were edited.
    pub edited: Vec<&'a Edit<ClaimRef>>,
    /// Sources whose current claim moved.
    pub moved: Vec<Moved>,
    /// Changed claims that are no source's current claim on either side.
    pub unmoved: Vec<String>,
    /// Any figure differs (the show JSON, as of day aside).
    pub figures_changed: bool,
}

impl MetricDiff<'_> {
    /// Nothing differs for this metric.
    pub fn unchanged(&self) -> bool {
        !self.figures_changed
            && self.row.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.edited.is_empty()
            && self.moved.is_empty()
    }

    /// The metric's label, after (or before when it was removed).
    pub fn label(&self) -> &str {
        self.after
            .or(self.before)
            .map_or(self.metric.as_str(), |v| v.label.as_str())
    }
}

/// The whole comparison of two versions.
#[derive(Debug)]
pub struct Diff<'a> {
    pub a: &'a Version,
    pub b: &'a Version,
    /// Claims added, removed, edited.
    pub claims: &'a RowDiff<ClaimRef>,
    /// Sources added, removed, edited (by id).
    pub sources: RowDiff<String>,
    /// Metric ids added and removed (edits are per metric).
    pub metric_rows: RowDiff<String>,
    /// Per metric, sorted by id: the changed ones, or all with `--all`.
    pub metrics: Vec<MetricDiff<'a>>,
    /// How many metrics changed (whether or not all are listed).
    pub changed: usize,
    /// Committed charts that differ.
    pub charts: Vec<ChartChange>,
}

/// The show JSON of a view without its day, for comparing figures.
fn figures(view: Option<&MetricView>) -> Value {
    let mut value = view.map_or(Value::Null, show_value);
    if let Some(object) = value.as_object_mut() {
        object.remove("as_of");
    }
    value
}

/// Sources whose current claim differs, sorted by source id.
fn moved(
    before: Option<&MetricView>,
    after: Option<&MetricView>,
    ids: &BTreeSet<&str>,
) -> Vec<Moved> {
    let current = |view: Option<&MetricView>, source: &str| {
        view.and_then(|v| v.current.iter().find(|c| c.source == source))
            .map(Current::of)
    };
    let sources: BTreeSet<&str> = [before, after]
        .into_iter()
        .flatten()
        .flat_map(|v| v.current.iter().map(|c| c.source.as_str()))
        .collect();
    sources
        .into_iter()
        .filter_map(|source| {
            let (x, y) = (current(before, source), current(after, source));
            (x != y).then(|| {
                let because = [&x, &y]
                    .into_iter()
                    .flatten()
                    .map(|c| c.id.as_str())
                    .filter(|id| ids.contains(id))
                    .collect::<BTreeSet<_>>();
                Moved {
                    source: source.to_owned(),
                    because: because.into_iter().map(str::to_owned).collect(),
                    before: x,
                    after: y,
                }
            })
        })
        .collect()
}

/// The diff of two analysed versions; `all` keeps unchanged metrics.
pub fn build<'a>(
    a: &'a Version,
    b: &'a Version,
    claims: &'a RowDiff<ClaimRef>,
    charts: Vec<ChartChange>,
    all: bool,
) -> Diff<'a> {
    let metric_table = compare::table(&compare::metrics(&a.dataset), &compare::metrics(&b.dataset));
    let ids: BTreeSet<&str> = a
        .dataset
        .metrics
        .iter()
        .chain(&b.dataset.metrics)
        .map(|m| m.id.as_str())
        .collect();
    let mut metrics = Vec::new();
    let mut changed = 0;
    for id in ids {
        let of = |c: &&ClaimRef| c.metric == id;
        let edited: Vec<&Edit<ClaimRef>> = claims
            .edited
            .iter()
            .filter(|e| e.before.metric == id || e.after.metric == id)
            .collect();
        let added: Vec<&ClaimRef> = claims.added.iter().filter(of).collect();
        let removed: Vec<&ClaimRef> = claims.removed.iter().filter(of).collect();
        let touched: BTreeSet<&str> = added
            .iter()
            .chain(&removed)
            .map(|c| c.id.as_str())
            .chain(edited.iter().map(|e| e.after.id.as_str()))
            .collect();
        let (before, after) = (a.view(id), b.view(id));
        let moved = moved(before, after, &touched);
        let explained: BTreeSet<&str> = moved
            .iter()
            .flat_map(|m| m.because.iter().map(String::as_str))
            .collect();
        let row = metric_table
            .edited
            .iter()
            .find(|e| e.after == id)
            .map(|e| e.fields.clone())
            .unwrap_or_default();
        let diff = MetricDiff {
            metric: id.to_owned(),
            before,
            after,
            row,
            unmoved: touched
                .iter()
                .filter(|t| !explained.contains(*t))
                .map(|t| (*t).to_owned())
                .collect(),
            added,
            removed,
            edited,
            moved,
            figures_changed: figures(before) != figures(after),
        };
        if !diff.unchanged() {
            changed += 1;
        }
        if all || !diff.unchanged() {
            metrics.push(diff);
        }
    }
    Diff {
        a,
        b,
        claims,
        sources: compare::table(&compare::sources(&a.dataset), &compare::sources(&b.dataset)),
        metric_rows: RowDiff {
            added: metric_table.added,
            removed: metric_table.removed,
            edited: Vec::new(),
        },
        metrics,
        changed,
        charts,
    }
}

/// "3 metrics changed: 2 claims added, 1 edited, 1 removed".
pub fn summary(diff: &Diff) -> String {
    let c = diff.claims;
    let metrics = match diff.changed {
        0 => "no metric changed".to_owned(),
        1 => "1 metric changed".to_owned(),
        n => format!("{n} metrics changed"),
    };
    let claims = if c.is_empty() {
        "no claim changed".to_owned()
    } else {
        let noun = if c.added.len() == 1 {
            "claim"
        } else {
            "claims"
        };
        format!(
            "{} {noun} added, {} edited, {} removed",
            c.added.len(),
            c.edited.len(),
            c.removed.len()
        )
    };
    format!("{metrics}: {claims}")
}
