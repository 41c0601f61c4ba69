//! `show --format csv`: one row per metric with every figure of DESIGN §2,
//! for other tools (spreadsheets, R, pandas). Numbers are exact (as in the
//! JSON), an absent figure is an empty cell, the tied stretches are one
//! cell (`1052-1052 2098-2098`).

use crate::analysis::MetricView;

/// The columns, in order.
const HEADER: [&str; 27] = [
    "metric",
    "label",
    "unit",
    "as_of",
    "sources",
    "affiliations",
    "low",
    "high",
    "median",
    "estimates",
    "consensus_low",
    "consensus_high",
    "support",
    "of",
    "consensus_affiliations",
    "tied",
    "floor",
    "floor_claim",
    "floors",
    "floors_consistent",
    "ceiling",
    "ceiling_claim",
    "ceilings",
    "ceilings_consistent",
    "floor_above_ceiling",
    "claims",
    "stale",
];

/// An exact number as the JSON writes it (`11000`, `976.5`).
fn num(value: f64) -> String {
    super::show::json::num(value).to_string()
}

/// The CSV of `views`, a header and one row per view.
pub fn render(views: &[&MetricView]) -> String {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut rows: Vec<Vec<String>> = vec![HEADER.map(str::to_owned).to_vec()];
    for v in views {
        let opt = |x: Option<f64>| x.map(num).unwrap_or_default();
        let count = |x: Option<usize>| x.map(|n| n.to_string()).unwrap_or_default();
        let range = v.range;
        let c = v.consensus;
        let tied: Vec<String> = v
            .tied
            .iter()
            .map(|t| format!("{}-{}", num(t.low), t.high.map(num).unwrap_or_default()))
            .collect();
        let b = &v.bounds;
        rows.push(vec![
            v.metric.clone(),
            v.label.clone(),
            v.unit.clone(),
            v.as_of.to_string(),
            range.map_or(0, |r| r.sources).to_string(),
            range.map_or(0, |r| r.affiliations).to_string(),
            opt(range.map(|r| r.low)),
            opt(range.map(|r| r.high)),
            opt(range.map(|r| r.median)),
            v.estimates.to_string(),
            opt(c.map(|c| c.low)),
            opt(c.and_then(|c| c.high)),
            count(c.map(|c| c.support)),
            count(c.map(|c| c.of)),
            count(c.map(|c| c.affiliations)),
            tied.join(" "),
            opt(b.floor.as_ref().map(|f| f.value)),
            b.floor
                .as_ref()
                .map(|f| f.claim.clone())
                .unwrap_or_default(),
            b.floors.to_string(),
            count(b.floors_consistent),
            opt(b.ceiling.as_ref().map(|f| f.value)),
            b.ceiling
                .as_ref()
                .map(|f| f.claim.clone())
                .unwrap_or_default(),
            b.ceilings.to_string(),
            count(b.ceilings_consistent),
            b.crossed().to_string(),
            v.current.len().to_string(),
            v.current.iter().filter(|c| c.stale).count().to_string(),
        ]);
    }
    for row in rows {
        // Writing to a Vec cannot fail.
        let _ = out.write_record(&row);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}
