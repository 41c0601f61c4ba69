//! The JSON of `show` and `changes` (docs/commands.md), built with serde_json; keys
//! come out sorted, numbers as integers when they are whole.

use serde_json::{Value, json};

use crate::analysis::{
    Bound, Bounds, ClaimView, Consensus, MetricChanges, MetricView, RangeSummary, Stretch,
};

/// A number: whole values as integers (`11000`, not `11000.0`).
pub(crate) fn num(value: f64) -> Value {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 9.0e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

/// `{"low","high","median","sources","affiliations"}` or null.
fn range(range: Option<&RangeSummary>) -> Value {
    range.map_or(Value::Null, |r| {
        json!({
            "low": num(r.low),
            "high": num(r.high),
            "median": num(r.median),
            "sources": r.sources,
            "affiliations": r.affiliations,
        })
    })
}

/// `{"low","high","support","of","affiliations"}` or null; `high` null
/// when open.
pub(crate) fn consensus(consensus: Option<&Consensus>) -> Value {
    consensus.map_or(Value::Null, |c| {
        json!({
            "low": num(c.low),
            "high": c.high.map_or(Value::Null, num),
            "support": c.support,
            "of": c.of,
            "affiliations": c.affiliations,
        })
    })
}

/// The tied stretches: `[{"low","high","support"}]`.
fn tied(tied: &[Stretch]) -> Value {
    tied.iter()
        .map(|t| {
            json!({
                "low": num(t.low),
                "high": t.high.map_or(Value::Null, num),
                "support": t.support,
            })
        })
        .collect()
}

/// `{"floor","floor_claim","floors","floors_consistent","ceiling",
/// "ceiling_claim","ceilings","ceilings_consistent"}`; a missing bound and
/// a count without consensus are null.
fn bounds(bounds: &Bounds) -> Value {
    let value = |b: &Option<Bound>| b.as_ref().map_or(Value::Null, |b| num(b.value));
    let claim = |b: &Option<Bound>| b.as_ref().map_or(Value::Null, |b| json!(b.claim));
    json!({
        "floor": value(&bounds.floor),
        "floor_claim": claim(&bounds.floor),
        "floors": bounds.floors,
        "floors_consistent": bounds.floors_consistent,
        "ceiling": value(&bounds.ceiling),
        "ceiling_claim": claim(&bounds.ceiling),
        "ceilings": bounds.ceilings,
        "ceilings_consistent": bounds.ceilings_consistent,
        "floor_above_ceiling": bounds.crossed(),
    })
}

/// One claim: its exact interval (`high` null when open), point, central
/// estimate, date specs as written, whether it is stale, what it is derived
/// from, its corroboration (null when stale or derived) and the ids of its
/// alternatives.
fn claim(claim: &ClaimView) -> Value {
    let interval = claim.interval;
    let counted = !claim.stale && claim.derived.is_empty();
    json!({
        "id": claim.id,
        "source": claim.source,
        "affiliation": claim.affiliation,
        "qualifier": claim.qualifier.as_str(),
        "low": num(interval.low),
        "high": interval.high.map_or(Value::Null, num),
        "point": num(claim.point),
        "central": claim.stated.central().map_or(Value::Null, num),
        "claimed": claim.claimed.text,
        "refers_to": claim.refers_to.as_ref().map(|r| r.text.clone()),
        "stale": claim.stale,
        "derived": claim.derived,
        "corroboration": counted.then_some(claim.corroboration),
        "alternatives": claim.alternatives.iter().map(|a| a.id.clone()).collect::<Vec<_>>(),
    })
}

/// The current claims of a view in sources.csv order (DESIGN §4).
pub(crate) fn by_row(view: &MetricView) -> Vec<&ClaimView> {
    let mut claims: Vec<&ClaimView> = view.current.iter().collect();
    claims.sort_by_key(|c| c.source_row);
    claims
}

/// `show --format json`: one object, one claim per source's current claim.
pub fn show(view: &MetricView) -> String {
    format!("{:#}\n", show_value(view))
}

/// The object `show --format json` prints, as a value (`diff` embeds it
/// as a metric's figures before and after, so they are shown one way).
pub fn show_value(view: &MetricView) -> Value {
    json!({
        "metric": view.metric,
        "as_of": view.as_of.to_string(),
        "estimates": view.estimates,
        "range": range(view.range.as_ref()),
        "consensus": consensus(view.consensus.as_ref()),
        "tied": tied(&view.tied),
        "bounds": bounds(&view.bounds),
        "claims": by_row(view).into_iter().map(claim).collect::<Vec<_>>(),
    })
}

/// `changes --format json`: an array with one object per metric.
pub fn changes(changes: &[MetricChanges]) -> String {
    let value: Vec<Value> = changes
        .iter()
        .map(|c| {
            json!({
                "metric": c.metric,
                "since": c.since.to_string(),
                "as_of": c.as_of.to_string(),
                "new_claims": c.new_claims.iter().map(claim).collect::<Vec<_>>(),
                "revisions": c.revisions.iter().map(|r| json!({
                    "source": r.source,
                    "old": claim(&r.old),
                    "new": claim(&r.new),
                })).collect::<Vec<_>>(),
                "range_before": range(c.range_before.as_ref()),
                "range_after": range(c.range_after.as_ref()),
                "consensus_before": consensus(c.consensus_before.as_ref()),
                "consensus_after": consensus(c.consensus_after.as_ref()),
                "bounds_before": bounds(&c.bounds_before),
                "bounds_after": bounds(&c.bounds_after),
            })
        })
        .collect();
    format!("{:#}\n", Value::Array(value))
}
