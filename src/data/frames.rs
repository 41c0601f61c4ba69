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

use super::{Dataset, Day};
use crate::error::{Error, Result};

/// The frames of one dataset and the code tables needed to read them back.
#[derive(Debug, Clone)]
pub struct Frames {
    /// One row per claims.csv row, in file order. Columns: `row` (u32, index
    /// into `Dataset::claims`), `metric`, `source`, `affiliation`
    /// (u32 codes), `qualifier` (u32, `Qualifier as u32`), `stated_low`,
    /// `stated_high` (f64; both the value unless a range), `central` (f64,
    /// a range's central estimate, else null), `scale` (f64, 10 to the
    /// decimals an `approx` interval end is exact to; 0: not rounded), `tolerance` (f64,
    /// the metric's), `start`, `end` (i32 day numbers of the `claimed`
    /// window), `refers_end` (i32, the day number its `refers_to` window,
    /// else its `claimed` window, ends), `alternative` (bool: the row has
    /// `alternative_of`), `derived` (bool: the row has `based_on`),
    /// `stale_after` (i64, the metric's; null: never stale) and `root` (u32,
    /// the origin row, [`Dataset::root_index`]).
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
    let rows: Vec<usize> = (0..dataset.claims.len()).collect();
    build_rows(dataset, &rows)
}

/// The claims frame of the claim rows `rows` only.
pub fn build_rows(dataset: &Dataset, rows: &[usize]) -> Result<Frames> {
    let affiliations: Vec<&str> = dataset
        .sources
        .iter()
        .map(|s| s.affiliation.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let affiliation_code: HashMap<&str, u32> = codes(affiliations.into_iter());
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

    let claims = &dataset.claims;
    let n = rows.len();
    let mut metric = Vec::with_capacity(n);
    let mut source = Vec::with_capacity(n);
    let mut affiliation = Vec::with_capacity(n);
    let mut tolerance = Vec::with_capacity(n);
    let mut stated_low = Vec::with_capacity(n);
    let mut stated_high = Vec::with_capacity(n);
    let mut central = Vec::with_capacity(n);
    let mut places = Vec::with_capacity(n);
    let mut qualifier = Vec::with_capacity(n);
    let mut start = Vec::with_capacity(n);
    let mut end = Vec::with_capacity(n);
    let mut refers_end = Vec::with_capacity(n);
    let mut alternative = Vec::with_capacity(n);
    let mut derived = Vec::with_capacity(n);
    let mut stale_after = Vec::with_capacity(n);
    let mut roots = Vec::with_capacity(n);
    for &row in rows {
        let record = claims.record(row);
        let m = record.metric;
        let s = record.source;
        let Some(info) = dataset.metrics.get(m as usize) else {
            return Err(unknown(claims.id(row), "metric"));
        };
        let tol = info.tolerance;
        stale_after.push(info.stale_after.map(i64::from));
        let Some(&aff) = source_affiliation.get(s as usize) else {
            return Err(unknown(claims.id(row), "source"));
        };
        metric.push(m);
        source.push(s);
        affiliation.push(aff);
        tolerance.push(tol);
        let stated = claims.stated(row);
        let (low, high) = stated.ends();
        central.push(stated.central());
        // Where an interval end is computed (v · (1 ± t)), the decimals it
        // is exact to.
        places.push(if claims.qualifier(row) == crate::data::Qualifier::Approx {
            super::number::exact_scale(low, tol)
        } else {
            0.0
        });
        stated_low.push(low);
        stated_high.push(high);
        qualifier.push(claims.qualifier(row) as u32);
        let window = claims.claimed_window(row);
        start.push(day_number(window.start));
        end.push(day_number(window.end));
        refers_end.push(day_number(claims.refers_window(row).end));
        alternative.push(claims.is_alternative(row));
        derived.push(record.derived);
        roots.push(record.root);
    }
    let row: Vec<u32> = rows.iter().map(|&r| r as u32).collect();
    let claims = DataFrame::new_infer_height(vec![
        Column::new("row".into(), row),
        Column::new("metric".into(), metric),
        Column::new("source".into(), source),
        Column::new("affiliation".into(), affiliation),
        Column::new("qualifier".into(), qualifier),
        Column::new("stated_low".into(), stated_low),
        Column::new("stated_high".into(), stated_high),
        Column::new("central".into(), central),
        Column::new("scale".into(), places),
        Column::new("tolerance".into(), tolerance),
        Column::new("start".into(), start),
        Column::new("end".into(), end),
        Column::new("refers_end".into(), refers_end),
        Column::new("alternative".into(), alternative),
        Column::new("derived".into(), derived),
        Column::new("stale_after".into(), stale_after),
        Column::new("root".into(), roots),
    ])?;
    Ok(Frames { claims })
}

/// Position of each id in iteration order.
fn codes<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, u32> {
    ids.enumerate().map(|(i, id)| (id, i as u32)).collect()
}

/// The error for a reference validation should have caught.
fn unknown(claim: &str, column: &str) -> Error {
    Error::Other(anyhow::anyhow!(
        "claim {claim}: unknown {column} (run `rangefinder check`)"
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::data::{Claim, DateSpec, Metric, Qualifier, Source, Stated};

    /// The data folders of the shipped datasets, from the crate's root.
    pub(crate) const SHIPPED: [&str; 4] = [
        "data",
        "datasets/derna-flood",
        "datasets/russian-buildup-2022",
        "datasets/haiti-2010",
    ];

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
            refers_to: None,
            restated: false,
            alternative_of: None,
            based_on: Vec::new(),
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
            party: false,
            reliability: 'F',
            notes: None,
            short: None,
            color: None,
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
            stale_after: None,
            decimals: 0,
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
        let claims = [
            claim(
                "a",
                "m2",
                "s2",
                Qualifier::Range,
                Stated::Range(1.0, 3.0, None),
                "2024-01-01",
            ),
            repeat,
        ];
        let dataset = Dataset::new(
            PathBuf::new(),
            &claims,
            vec![source("s1", "Zed"), source("s2", "Alpha")],
            vec![metric("m1", 0.1), metric("m2", 0.2)],
        )
        .unwrap();
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

    // A reference validation should have caught is an error, not a panic:
    // when the dataset is made, and when its frames are built.
    #[test]
    fn unknown_metric_is_an_error() {
        let claims = [claim(
            "a",
            "nope",
            "s1",
            Qualifier::Exact,
            Stated::Value(1.0),
            "2024-01-01",
        )];
        let sources = vec![source("s1", "X")];
        assert!(Dataset::new(PathBuf::new(), &claims, sources.clone(), vec![]).is_err());
        let metrics = vec![metric("nope", 0.1)];
        let mut dataset = Dataset::new(PathBuf::new(), &claims, sources, metrics).unwrap();
        dataset.metrics.clear();
        assert!(build(&dataset).is_err());
    }
}
