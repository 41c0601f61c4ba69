//! `diff --format json`, for scripts: one object per metric with stable
//! keys, each side's figures exactly as `show --format json` prints them.

use serde_json::{Value, json};

use super::compare::{ClaimRef, Edit, Field, RowDiff};
use super::git::ChartChange;
use super::model::{Current, Diff, MetricDiff, Moved, Version, summary};
use crate::render::show::json::show_value;

fn version(v: &Version) -> Value {
    json!({ "rev": v.name, "commit": v.commit })
}

fn claim(c: &ClaimRef) -> Value {
    json!({
        "id": c.id,
        "metric": c.metric,
        "source": c.source,
        "stated": c.stated,
        "claimed": c.claimed,
        "origin": c.origin,
    })
}

fn fields(fields: &[Field]) -> Value {
    fields
        .iter()
        .map(|f| json!({ "field": f.name, "before": f.before, "after": f.after }))
        .collect()
}

fn edit(e: &Edit<ClaimRef>) -> Value {
    json!({ "before": claim(&e.before), "after": claim(&e.after), "fields": fields(&e.fields) })
}

fn current(c: Option<&Current>) -> Value {
    c.map_or(
        Value::Null,
        |c| json!({ "id": c.id, "stated": c.stated, "claimed": c.claimed, "stale": c.stale }),
    )
}

fn moved(m: &Moved) -> Value {
    json!({
        "source": m.source,
        "before": current(m.before.as_ref()),
        "after": current(m.after.as_ref()),
        "because": m.because,
    })
}

fn metric(m: &MetricDiff) -> Value {
    let status = match (m.before, m.after) {
        (None, Some(_)) => "added",
        (Some(_), None) => "removed",
        _ if m.unchanged() => "unchanged",
        _ => "changed",
    };
    json!({
        "metric": m.metric,
        "label": m.label(),
        "status": status,
        "before": m.before.map_or(Value::Null, show_value),
        "after": m.after.map_or(Value::Null, show_value),
        "metric_fields": fields(&m.row),
        "added": m.added.iter().map(|c| claim(c)).collect::<Vec<_>>(),
        "removed": m.removed.iter().map(|c| claim(c)).collect::<Vec<_>>(),
        "edited": m.edited.iter().map(|e| edit(e)).collect::<Vec<_>>(),
        "moved": m.moved.iter().map(moved).collect::<Vec<_>>(),
        "moved_no_figure": m.unmoved,
    })
}

fn ids(diff: &RowDiff<String>) -> Value {
    json!({
        "added": diff.added,
        "removed": diff.removed,
        "edited": diff.edited.iter().map(|e| json!({ "id": e.after, "fields": fields(&e.fields) })).collect::<Vec<_>>(),
    })
}

fn chart(c: &ChartChange) -> Value {
    let status = match c {
        ChartChange::Added(_) => "added",
        ChartChange::Removed(_) => "removed",
        ChartChange::Modified(_) => "changed",
    };
    json!({ "path": c.path(), "status": status })
}

/// The whole diff as one JSON object (keys sorted).
pub fn render(diff: &Diff) -> String {
    let value = json!({
        "a": version(diff.a),
        "b": version(diff.b),
        "summary": summary(diff),
        "claims": {
            "added": diff.claims.added.len(),
            "edited": diff.claims.edited.len(),
            "removed": diff.claims.removed.len(),
        },
        "metrics": diff.metrics.iter().map(metric).collect::<Vec<_>>(),
        "metrics_added": diff.metric_rows.added,
        "metrics_removed": diff.metric_rows.removed,
        "sources": ids(&diff.sources),
        "charts": diff.charts.iter().map(chart).collect::<Vec<_>>(),
    });
    format!("{value:#}\n")
}
