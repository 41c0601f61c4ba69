//! `diff --format json`, for scripts: one object per metric with stable
//! keys, each side's figures exactly as `show --format json` prints them.
//!
//! The object is written as it is made: each metric, and each claim of its
//! lists, becomes a JSON value only while it is written, so two very
//! different million-claim versions print in the memory of their diff, not
//! of a second copy of it as JSON values (5.6 GB before). Keys are written
//! in sorted order, as a `serde_json::Value` prints them.

use std::cell::RefCell;
use std::io::{self, Write};

use serde::ser::{Serialize, SerializeMap, Serializer};
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

/// A list written item by item, each made only when written.
struct Lazy<I>(RefCell<Option<I>>);

impl<I: Iterator<Item = Value>> Lazy<I> {
    fn new(items: I) -> Lazy<I> {
        Lazy(RefCell::new(Some(items)))
    }
}

impl<I: Iterator<Item = Value>> Serialize for Lazy<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let items = self.0.borrow_mut().take();
        serializer.collect_seq(items.into_iter().flatten())
    }
}

/// One metric's object, its claim lists written lazily (keys sorted).
struct Metric<'x>(&'x MetricDiff<'x>);

impl Serialize for Metric<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let m = self.0;
        let status = match (m.before, m.after) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            _ if m.unchanged() => "unchanged",
            _ => "changed",
        };
        let mut map = serializer.serialize_map(Some(11))?;
        map.serialize_entry("added", &Lazy::new(m.added.iter().map(|c| claim(c))))?;
        map.serialize_entry("after", &m.after.map_or(Value::Null, show_value))?;
        map.serialize_entry("before", &m.before.map_or(Value::Null, show_value))?;
        map.serialize_entry("edited", &Lazy::new(m.edited.iter().map(|e| edit(e))))?;
        map.serialize_entry("label", m.label())?;
        map.serialize_entry("metric", &m.metric)?;
        map.serialize_entry("metric_fields", &fields(&m.row))?;
        map.serialize_entry("moved", &Lazy::new(m.moved.iter().map(moved)))?;
        map.serialize_entry("moved_no_figure", &m.unmoved)?;
        map.serialize_entry("removed", &Lazy::new(m.removed.iter().map(|c| claim(c))))?;
        map.serialize_entry("status", status)?;
        map.end()
    }
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
struct Whole<'x>(&'x Diff<'x>);

impl Serialize for Whole<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let diff = self.0;
        let mut map = serializer.serialize_map(Some(9))?;
        map.serialize_entry("a", &version(diff.a))?;
        map.serialize_entry("b", &version(diff.b))?;
        map.serialize_entry("charts", &diff.charts.iter().map(chart).collect::<Vec<_>>())?;
        map.serialize_entry(
            "claims",
            &json!({
                "added": diff.claims.added.len(),
                "edited": diff.claims.edited.len(),
                "removed": diff.claims.removed.len(),
            }),
        )?;
        map.serialize_entry("metrics", &Metrics(&diff.metrics))?;
        map.serialize_entry("metrics_added", &diff.metric_rows.added)?;
        map.serialize_entry("metrics_removed", &diff.metric_rows.removed)?;
        map.serialize_entry("sources", &ids(&diff.sources))?;
        map.serialize_entry("summary", &summary(diff))?;
        map.end()
    }
}

/// The metrics, each written as it is made.
struct Metrics<'x>(&'x [MetricDiff<'x>]);

impl Serialize for Metrics<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Metric))
    }
}

/// Writes the whole diff to `out` as one pretty-printed JSON object (keys
/// sorted) and a line break.
pub fn render(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Whole(diff))?;
    out.write_all(b"\n")
}
