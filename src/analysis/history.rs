//! One metric through time: every claim known as of a day, and the range and
//! consensus as of each distinct `claimed` end day (the timeline's bands).
//!
//! A source's current claim changes only on the days its own claims end, so
//! the snapshots are built by one walk over the metric's claims in claimed
//! order, keeping each source's latest claim: at every snapshot day the
//! current claims are exactly the kept ones (one per source). Their range
//! and consensus are computed in plain Rust (`snapshot`, held to the polars
//! queries' results by a property test): a polars query over all days ×
//! sources rows cost more than the figures themselves.

use std::collections::BTreeMap;

use polars::prelude::IntoLazy;

use super::figures::{bools, f64s, optional_f64s, u32s};
use super::scan;
use super::summary::{self, Kind};
use super::views::Catalog;
use super::{ClaimView, Interval, MetricHistory, Snapshot, asof, unknown_metric};
use crate::data::frames::{self, day_number};
use crate::data::{Dataset, Day};
use crate::error::Result;
use crate::parallel;

/// Every origin claim of `metric` known as of `as_of`, and a snapshot at
/// each distinct claimed-end day among them.
pub fn history(dataset: &Dataset, metric: &str, as_of: Day) -> Result<MetricHistory> {
    let mut one = histories(dataset, &[metric], as_of)?;
    one.pop()
        .ok_or_else(|| anyhow::anyhow!("history of {metric} missing").into())
}

/// [`history`] of each of `metrics`, in order: one pass over the records
/// finds every metric's claims, then the metrics are spread over the cores.
pub fn histories(dataset: &Dataset, metrics: &[&str], as_of: Day) -> Result<Vec<MetricHistory>> {
    let codes = metrics
        .iter()
        .map(|&metric| {
            dataset
                .metrics
                .iter()
                .position(|m| m.id == metric)
                .map(|code| code as u32)
                .ok_or_else(|| unknown_metric(dataset, metric))
        })
        .collect::<Result<Vec<u32>>>()?;
    let found = scan::by_metric(&dataset.claims, &codes, as_of);
    let catalog = Catalog::new(dataset, as_of);
    let jobs: Vec<(usize, Vec<usize>)> = codes
        .into_iter()
        .map(|code| code as usize)
        .zip(found.rows)
        .collect();
    let known = parallel::each(&jobs, |(code, rows)| {
        let stale_after = dataset.metrics.get(*code).and_then(|m| m.stale_after);
        Known::of(dataset, rows, stale_after)
    });
    let known = known.into_iter().collect::<Result<Vec<Known>>>()?;
    // The claim views and the snapshots of a metric are separate tasks, so
    // a few metrics still share out evenly over the cores.
    let tasks: Vec<(usize, bool)> = (0..known.len())
        .flat_map(|k| [(k, false), (k, true)])
        .collect();
    let mut done = parallel::each(&tasks, |&(k, walk)| {
        if walk {
            Part::Snapshots(known[k].snapshots())
        } else {
            Part::Views(known[k].views(&catalog))
        }
    })
    .into_iter();
    let mut out = Vec::with_capacity(known.len());
    for (k, (code, _)) in jobs.iter().enumerate() {
        let (Some(Part::Views(views)), Some(Part::Snapshots(snapshots))) =
            (done.next(), done.next())
        else {
            return Err(anyhow::anyhow!("history of metric {k} missing").into());
        };
        let info = &dataset.metrics[*code];
        out.push(MetricHistory {
            metric: info.id.clone(),
            label: info.label.clone(),
            unit: info.unit.clone(),
            as_of,
            known: views,
            snapshots,
        });
    }
    Ok(out)
}

/// One half of a history.
enum Part {
    Views(Vec<ClaimView>),
    Snapshots(Vec<Snapshot>),
}

/// A metric's known origin claims as the frame gives them, and their
/// claimed order (end, start, id).
struct Known {
    rows: Vec<u32>,
    low: Vec<f64>,
    high: Vec<Option<f64>>,
    point: Vec<f64>,
    sources: Vec<u32>,
    stated_low: Vec<f64>,
    stated_high: Vec<f64>,
    affiliation: Vec<u32>,
    denial: Vec<bool>,
    /// Estimate, floor or ceiling, per frame row.
    kind: Vec<Kind>,
    /// The metric's `stale_after`.
    stale_after: Option<u32>,
    /// The claimed end of each frame row.
    end: Vec<Day>,
    /// Frame rows in claimed order.
    order: Vec<usize>,
}

impl Known {
    /// The known claims of a metric, from its origin claims known as of
    /// the day (`rows`).
    fn of(dataset: &Dataset, rows: &[usize], stale_after: Option<u32>) -> Result<Known> {
        let claims = &dataset.claims;
        let frames = frames::build_rows(dataset, rows)?;
        let known = asof::origins(frames.claims.lazy()).collect()?;
        let rows = u32s(&known, "row")?;
        let keys: Vec<_> = rows
            .iter()
            .map(|&row| {
                let window = claims.claimed_window(row as usize);
                (window.end, window.start, claims.id(row as usize))
            })
            .collect();
        let mut order: Vec<usize> = (0..known.height()).collect();
        order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        let kind = rows
            .iter()
            .map(|&row| Kind::of(claims.qualifier(row as usize)))
            .collect();
        Ok(Known {
            end: keys.iter().map(|k| k.0).collect(),
            rows,
            low: f64s(&known, "low")?,
            high: optional_f64s(&known, "high")?,
            point: f64s(&known, "point")?,
            sources: u32s(&known, "source")?,
            stated_low: f64s(&known, "stated_low")?,
            stated_high: f64s(&known, "stated_high")?,
            affiliation: u32s(&known, "affiliation")?,
            denial: bools(&known, "denial")?,
            kind,
            stale_after,
            order,
        })
    }

    /// The claim views, in claimed order.
    fn views(&self, catalog: &Catalog) -> Vec<ClaimView> {
        self.order
            .iter()
            .map(|&i| {
                let interval = Interval {
                    low: self.low[i],
                    high: self.high[i],
                };
                catalog.claim(self.rows[i] as usize, interval, self.point[i], 0)
            })
            .collect()
    }

    /// The walk: a snapshot at each distinct claimed-end day.
    fn snapshots(&self) -> Vec<Snapshot> {
        let figures = |i: usize| summary::Claim {
            stated_low: self.stated_low[i],
            stated_high: self.stated_high[i],
            point: self.point[i],
            affiliation: self.affiliation[i],
            low: self.low[i],
            high: self.high[i],
            denial: self.denial[i],
            kind: self.kind[i],
        };
        // Stale as of the snapshot's day: left out of its figures.
        let stale = |i: usize, day: Day| {
            summary::is_stale(day_number(self.end[i]), day_number(day), self.stale_after)
        };
        let order = &self.order;
        let mut kept: BTreeMap<u32, usize> = BTreeMap::new();
        let mut snapshots = Vec::new();
        let mut current = Vec::new();
        let mut at = 0;
        while at < order.len() {
            let day = self.end[order[at]];
            while at < order.len() && self.end[order[at]] == day {
                kept.insert(self.sources[order[at]], order[at]);
                at += 1;
            }
            current.clear();
            current.extend(
                kept.values()
                    .filter(|&&i| !stale(i, day))
                    .map(|&i| figures(i)),
            );
            snapshots.push(Snapshot {
                day,
                range: summary::range(&current),
                consensus: summary::consensus(&current),
            });
        }
        snapshots
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::analysis::{Consensus, RangeSummary};
    use crate::data::load::load;

    fn day(text: &str) -> Day {
        Day::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    // On the seed data, Kursk's history has a snapshot at each claimed-end
    // day, with the figures worked out by hand from data/claims.csv
    // (docs/figures.md: the consensus is over estimates only):
    // - 2024-10-31: only Blinken's "up to 8,000" is known: a ceiling, no
    //   estimate, so no consensus.
    // - 2024-11-04: + Zelensky 11,000 and Ryder "at least 10,000"; points
    //   8,000, 10,000, 11,000 → median 10,000; the one estimate is
    //   Zelensky's → consensus 11,000, 1 of 1.
    // - 2025-03-07: + "about 11,000" (9,900–12,100) and "about 8,000"
    //   (7,200–8,800); points 8,000, 8,000, 10,000, 11,000, 11,000 →
    //   median 10,000; of the three estimates, 11,000 is in two → 2 of 3
    //   (the worked example of docs/figures.md).
    #[test]
    fn seed_kursk_history() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let dataset = load(&dir).unwrap().dataset;
        let history = history(&dataset, "kp_troops_kursk", day("2025-03-07")).unwrap();
        let known: Vec<&str> = history.known.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            known,
            [
                "blinken_kursk_2024_10",
                "ryder_kursk_2024_11_04",
                "zelensky_kursk_2024_11_04",
                "kr_agency_kursk_2025_03",
                "unnamed_kursk_2025_03",
            ]
        );
        let range = |low, high, median, sources, affiliations| {
            Some(RangeSummary {
                low,
                high,
                median,
                sources,
                affiliations,
            })
        };
        let consensus = |low, high, support, of| {
            Some(Consensus {
                low,
                high: Some(high),
                support,
                of,
                others: 0,
            })
        };
        let expected = [
            ("2024-10-31", range(8000.0, 8000.0, 8000.0, 1, 1), None),
            (
                "2024-11-04",
                range(8000.0, 11000.0, 10000.0, 3, 2),
                consensus(11000.0, 11000.0, 1, 1),
            ),
            (
                "2025-03-07",
                range(8000.0, 11000.0, 10000.0, 5, 4),
                consensus(11000.0, 11000.0, 2, 3),
            ),
        ];
        let got: Vec<_> = history
            .snapshots
            .iter()
            .map(|s| (s.day, s.range, s.consensus))
            .collect();
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(d, r, c)| (day(d), r, c))
            .collect();
        assert_eq!(got, expected);
    }

    // The timeline's bands re-derive each source's current claim day by
    // day in plain Rust; on every day they draw, their range and consensus
    // are the ones `analyse` gives as of that day (the polars current
    // claim), for every metric of the three shipped datasets.
    #[test]
    fn bands_match_the_analysis_of_each_day() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut days = 0;
        for folder in [
            "data",
            "datasets/derna-flood",
            "datasets/russian-buildup-2022",
        ] {
            let dataset = load(&root.join(folder)).unwrap().dataset;
            let as_of = dataset.latest_claimed().unwrap();
            for metric in &dataset.metrics {
                let history = history(&dataset, &metric.id, as_of).unwrap();
                for snapshot in &history.snapshots {
                    let analysis = crate::analysis::analyse(&dataset, snapshot.day).unwrap();
                    let view = &analysis.metrics[&metric.id];
                    assert_eq!(
                        (&snapshot.range, &snapshot.consensus),
                        (&view.range, &view.consensus),
                        "{folder} {} as of {}",
                        metric.id,
                        snapshot.day
                    );
                    days += 1;
                }
            }
        }
        assert!(days > 50, "{days} days compared");
    }
}
