//! Polars frames built from the validated rows, consumed by the analysis.
//!
//! The claims frame holds one row per claims.csv row (repeats included) with
//! metrics, sources and affiliations as `u32` codes (indexes into
//! `Dataset::metrics`, `Dataset::sources` and the sorted distinct
//! affiliations), so
//! the analysis groups and joins on integers rather than strings.

use std::collections::{BTreeSet, HashMap};

use chrono::Datelike;
use polars::prelude::*;

use super::{Dataset, Day, Stated};
use crate::error::{Error, Result};

/// The frames of one dataset and the code tables needed to read them back.
#[derive(Debug, Clone)]
pub struct Frames {
    /// One row per claims.csv row, in file order. Columns: `row` (u32, index
    /// into `Dataset::claims`), `id` (str), `metric`, `source`, `affiliation`
    /// (u32 codes), `qualifier` (str, the CSV spelling), `stated_low`,
    /// `stated_high` (f64; both the value unless a range), `tolerance` (f64,
    /// the metric's), `start`, `end` (i32 day numbers of the `claimed`
    /// window) and `root` (u32, the origin row, [`Dataset::root_index`]).
    pub claims: DataFrame,
}

/// The day number the frames use for a day (days since 0001-01-01, day 1).
pub fn day_number(day: Day) -> i32 {
    day.num_days_from_ce()
}

/// The day of a day number; `None` when out of chrono's range.
pub fn day_from_number(number: i32) -> Option<Day> {
    Day::from_num_days_from_ce_opt(number)
}

/// Builds the frames from a validated dataset. A claim naming an unknown
/// metric or source (which validation rejects) is an error, not a panic.
pub fn build(dataset: &Dataset) -> Result<Frames> {
    let metric_code: HashMap<&str, u32> = codes(dataset.metrics.iter().map(|m| m.id.as_str()));
    let source_code: HashMap<&str, u32> = codes(dataset.sources.iter().map(|s| s.id.as_str()));
    let affiliations: Vec<String> = dataset
        .sources
        .iter()
        .map(|s| s.affiliation.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let affiliation_code: HashMap<&str, u32> = codes(affiliations.iter().map(String::as_str));
    let source_affiliation: Vec<u32> = dataset
        .sources
        .iter()
        .map(|s| {
            affiliation_code
                .get(s.affiliation.as_str())
                .copied()
                .unwrap_or(0)
        })
        .collect();

    let n = dataset.claims.len();
    let mut metric = Vec::with_capacity(n);
    let mut source = Vec::with_capacity(n);
    let mut affiliation = Vec::with_capacity(n);
    let mut tolerance = Vec::with_capacity(n);
    let mut stated_low = Vec::with_capacity(n);
    let mut stated_high = Vec::with_capacity(n);
    for claim in &dataset.claims {
        let m = *metric_code
            .get(claim.metric.as_str())
            .ok_or_else(|| unknown(&claim.id, "metric", &claim.metric))?;
        let s = *source_code
            .get(claim.source.as_str())
            .ok_or_else(|| unknown(&claim.id, "source", &claim.source))?;
        metric.push(m);
        source.push(s);
        affiliation.push(source_affiliation[s as usize]);
        tolerance.push(dataset.metrics[m as usize].tolerance);
        let (low, high) = match claim.stated {
            Stated::Value(v) => (v, v),
            Stated::Range(l, h) => (l, h),
        };
        stated_low.push(low);
        stated_high.push(high);
    }
    let row: Vec<u32> = (0..n as u32).collect();
    let root: Vec<u32> = dataset.root_index().into_iter().map(|r| r as u32).collect();
    let claims = DataFrame::new_infer_height(vec![
        Column::new("row".into(), row),
        Column::new(
            "id".into(),
            dataset
                .claims
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new("metric".into(), metric),
        Column::new("source".into(), source),
        Column::new("affiliation".into(), affiliation),
        Column::new(
            "qualifier".into(),
            dataset
                .claims
                .iter()
                .map(|c| c.qualifier.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new("stated_low".into(), stated_low),
        Column::new("stated_high".into(), stated_high),
        Column::new("tolerance".into(), tolerance),
        Column::new(
            "start".into(),
            dataset
                .claims
                .iter()
                .map(|c| day_number(c.claimed.start))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "end".into(),
            dataset
                .claims
                .iter()
                .map(|c| day_number(c.claimed.end))
                .collect::<Vec<_>>(),
        ),
        Column::new("root".into(), root),
    ])?;
    Ok(Frames { claims })
}

/// Position of each id in iteration order.
fn codes<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, u32> {
    ids.enumerate().map(|(i, id)| (id, i as u32)).collect()
}

/// The error for a reference validation should have caught.
fn unknown(claim: &str, column: &str, value: &str) -> Error {
    Error::Other(anyhow::anyhow!(
        "claim {claim}: unknown {column} \"{value}\" (run `rangefinder check`)"
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;
    use crate::data::{Claim, DateSpec, Metric, Qualifier, Source};

    /// A day from its ISO text (test input only).
    pub(crate) fn day(text: &str) -> Day {
        Day::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// A claim on `metric` by `source`, claimed on one day.
    pub(crate) fn claim(
        id: &str,
        metric: &str,
        source: &str,
        q: Qualifier,
        stated: Stated,
        on: &str,
    ) -> Claim {
        Claim {
            id: id.into(),
            metric: metric.into(),
            claimed: DateSpec::day(day(on)),
            source: source.into(),
            qualifier: q,
            stated,
            document: format!("https://example.org/{id}"),
            outlet: None,
            published: None,
            origin: None,
            quote: None,
            notes: None,
            line: 0,
        }
    }

    /// A source with an affiliation.
    pub(crate) fn source(id: &str, affiliation: &str) -> Source {
        Source {
            id: id.into(),
            name: id.to_uppercase(),
            affiliation: affiliation.into(),
            kind: None,
            reliability: 'F',
            notes: None,
            line: 0,
        }
    }

    /// A metric with a tolerance.
    pub(crate) fn metric(id: &str, tolerance: f64) -> Metric {
        Metric {
            id: id.into(),
            label: format!("label of {id}"),
            unit: "troops".into(),
            tolerance,
            description: None,
            line: 0,
        }
    }

    // Codes index the dataset's tables; ranges keep both numbers; roots follow origins.
    #[test]
    fn builds_coded_columns() {
        let mut repeat = claim(
            "b",
            "m2",
            "s1",
            Qualifier::Exact,
            Stated::Value(5.0),
            "2024-01-02",
        );
        repeat.origin = Some("a".into());
        let dataset = Dataset {
            claims: vec![
                claim(
                    "a",
                    "m2",
                    "s2",
                    Qualifier::Range,
                    Stated::Range(1.0, 3.0),
                    "2024-01-01",
                ),
                repeat,
            ],
            sources: vec![source("s1", "Zed"), source("s2", "Alpha")],
            metrics: vec![metric("m1", 0.1), metric("m2", 0.2)],
            ..Dataset::default()
        };
        let frames = build(&dataset).unwrap();
        let df = &frames.claims;
        let get = |name: &str| df.column(name).unwrap().u32().unwrap().to_vec();
        assert_eq!(get("metric"), [Some(1), Some(1)]);
        assert_eq!(get("source"), [Some(1), Some(0)]);
        assert_eq!(get("affiliation"), [Some(0), Some(1)]);
        assert_eq!(get("root"), [Some(0), Some(0)]);
        let high = df.column("stated_high").unwrap().f64().unwrap().to_vec();
        assert_eq!(high, [Some(3.0), Some(5.0)]);
        let end = df.column("end").unwrap().i32().unwrap().get(0).unwrap();
        assert_eq!(day_from_number(end), Some(day("2024-01-01")));
    }

    // A reference validation should have caught is an error, not a panic.
    #[test]
    fn unknown_metric_is_an_error() {
        let dataset = Dataset {
            claims: vec![claim(
                "a",
                "nope",
                "s1",
                Qualifier::Exact,
                Stated::Value(1.0),
                "2024-01-01",
            )],
            sources: vec![source("s1", "X")],
            ..Dataset::default()
        };
        assert!(build(&dataset).is_err());
    }
}
