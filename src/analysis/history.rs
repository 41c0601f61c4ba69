//! One metric through time: every claim known as of a day, and the range and
//! consensus as of each distinct `claimed` end day (the timeline's bands).
//!
//! A source's current claim changes only on the days its own claims end, so
//! the bands need figures only as of those days: one walk over the metric's
//! claims by end day keeps each source's current claim with the rule every
//! other day's figures use ([`scan::Slot`]) and computes the figures with
//! the same function ([`Group::of`]). Handing the as-of query the days ×
//! sources rows instead (2,256 days × 50 sources for each of five charted
//! metrics at a million claims) took the analysis from 150–176 ms to
//! 442–553 ms, five runs each, more than every other figure together.

use std::collections::{BTreeMap, HashMap};

use polars::prelude::{Column, DataFrame, IdxCa, IntoLazy};

use super::figures::{self, Group, f64s, optional_f64s, u32s};
use super::intervals::with_intervals;
use super::query::{self, Wanted};
use super::scan;
use super::views::{Catalog, sort_by_claimed};
use super::{ClaimView, Interval, MetricHistory, Snapshot, unknown_metric};
use crate::data::frames::{self, day_number};
use crate::data::{Dataset, Day};
use crate::error::Result;
use crate::parallel;

/// Every origin claim of `metric` known as of `as_of`, and a snapshot at
/// each distinct claimed-end day among them.
pub fn history(dataset: &Dataset, metric: &str, as_of: Day) -> Result<MetricHistory> {
    let mut one = histories(dataset, &[metric], as_of, &[])?;
    one.pop()
        .ok_or_else(|| anyhow::anyhow!("history of {metric} missing").into())
}

/// [`history`] of each of `metrics`, in order: one pass over the records
/// finds every metric's claims, then the metrics are spread over the cores.
pub fn histories(
    dataset: &Dataset,
    metrics: &[&str],
    as_of: Day,
    keep: &[bool],
) -> Result<Vec<MetricHistory>> {
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
    let t = crate::timing::phase("history scan");
    let found = scan::by_metric(&dataset.claims, &codes, as_of, keep);
    drop(t);
    let t = crate::timing::phase("history known");
    let catalog = Catalog::new(dataset, as_of);
    let jobs: Vec<(usize, Vec<usize>)> = codes
        .into_iter()
        .map(|code| code as usize)
        .zip(found.rows)
        .collect();
    let known = parallel::each(&jobs, |(_, rows)| Known::of(dataset, rows));
    let known = known.into_iter().collect::<Result<Vec<Known>>>()?;
    drop(t);
    let t = crate::timing::phase("history views and walks");
    // The claim views and the walks of a metric are separate tasks, so a
    // few metrics still share out evenly over the cores.
    let tasks: Vec<(usize, bool)> = (0..known.len())
        .flat_map(|k| [(k, false), (k, true)])
        .collect();
    let mut done = parallel::each(&tasks, |&(k, walk)| {
        if walk {
            Part::Walk(known[k].walk(dataset))
        } else {
            Part::Views(known[k].views(&catalog))
        }
    })
    .into_iter();
    let mut parts = Vec::with_capacity(known.len());
    for k in 0..known.len() {
        let (Some(Part::Views(views)), Some(Part::Walk(walk))) = (done.next(), done.next()) else {
            return Err(anyhow::anyhow!("history of metric {k} missing").into());
        };
        parts.push((views, walk));
    }
    drop(t);
    let _t = crate::timing::phase("history snapshots");
    // Every day of every timeline in one query: a group per (metric, day).
    let mut frames = Vec::with_capacity(known.len());
    let mut first = 0u32;
    for (k, (_, walk)) in parts.iter().enumerate() {
        frames.push(walk.frame(&known[k].frame, first)?);
        first += walk.days.len() as u32;
    }
    let all = match frames.split_first() {
        Some((head, rest)) => rest.iter().try_fold(head.clone(), |mut all, f| {
            all.vstack_mut(f)?;
            Ok::<_, polars::prelude::PolarsError>(all)
        })?,
        None => polars::prelude::DataFrame::empty(),
    };
    let _q = crate::timing::phase("history snapshots query");
    let mut groups = if all.height() == 0 {
        vec![Group::default(); first as usize]
    } else {
        let name = |row: u32| dataset.claims.id(row as usize).to_owned();
        figures::groups(all.lazy(), first as usize, name, Wanted::Bands)?
    }
    .into_iter();
    let mut out = Vec::with_capacity(known.len());
    for ((code, _), (views, walk)) in jobs.iter().zip(parts) {
        let snapshots = walk
            .days
            .iter()
            .map(|&day| {
                let group = groups.next().unwrap_or_default();
                Snapshot {
                    day,
                    range: group.range,
                    consensus: group.consensus,
                }
            })
            .collect();
        let info = &dataset.metrics[*code];
        out.push(MetricHistory {
            metric: info.id.clone(),
            label: info.label.clone(),
            unit: info.unit.clone(),
            as_of,
            decimals: info.decimals,
            known: views,
            snapshots,
        });
    }
    Ok(out)
}

/// One half of a history.
enum Part {
    Views(Vec<ClaimView>),
    Walk(Walk),
}

/// The days a timeline draws and each day's current claims, by position
/// in the metric's known claims.
struct Walk {
    /// Each distinct claimed-end day, in order.
    days: Vec<Day>,
    /// Per day, the positions of its current claims.
    current: Vec<Vec<u32>>,
}

impl Walk {
    /// The query's input for these days: the current claims of each, its
    /// group numbered from `first`, tagged with the day.
    fn frame(&self, known: &DataFrame, first: u32) -> Result<DataFrame> {
        let n: usize = self.current.iter().map(Vec::len).sum();
        let mut at = Vec::with_capacity(n);
        let mut group = Vec::with_capacity(n);
        let mut day = Vec::with_capacity(n);
        for (k, (current, &d)) in self.current.iter().zip(&self.days).enumerate() {
            at.extend_from_slice(current);
            group.extend(std::iter::repeat_n(first + k as u32, current.len()));
            day.extend(std::iter::repeat_n(day_number(d), current.len()));
        }
        let index = IdxCa::from_vec("at".into(), at);
        // Only the columns the figures read (the group and day are added).
        let read = query::input_columns()
            .iter()
            .filter(|&&c| c != "group" && c != "day");
        let mut frame = known.select(read.copied())?.take(&index)?;
        frame.with_column(Column::new("group".into(), group))?;
        frame.with_column(Column::new("day".into(), day))?;
        Ok(frame)
    }
}

/// A metric's known origin claims as the frame gives them.
struct Known {
    /// The claims with their intervals.
    frame: DataFrame,
    rows: Vec<u32>,
    sources: Vec<u32>,
    interval: Vec<Interval>,
    point: Vec<f64>,
}

impl Known {
    /// The known claims of a metric, from its origin claims known as of
    /// the day (`rows`).
    fn of(dataset: &Dataset, rows: &[usize]) -> Result<Known> {
        let frames = frames::build_rows(dataset, rows)?;
        let known = with_intervals(frames.claims.lazy()).collect()?;
        let (low, high) = (f64s(&known, "low")?, optional_f64s(&known, "high")?);
        Ok(Known {
            rows: u32s(&known, "row")?,
            frame: known.clone(),
            sources: u32s(&known, "source")?,
            interval: low
                .into_iter()
                .zip(high)
                .map(|(low, high)| Interval { low, high })
                .collect(),
            point: f64s(&known, "point")?,
        })
    }

    /// The claim views, in claimed order.
    fn views(&self, catalog: &Catalog) -> Vec<ClaimView> {
        let mut views: Vec<ClaimView> = (0..self.rows.len())
            .map(|i| catalog.claim(self.rows[i] as usize, self.interval[i], self.point[i], 0))
            .collect();
        sort_by_claimed(&mut views);
        views
    }

    /// Each distinct claimed-end day and the claims current that day:
    /// one walk in order of end day offers each claim to its source's
    /// [`scan::Slot`] (the one rule for a current claim; a query over the
    /// days × sources rows cost more than the rest of the analysis at a
    /// million claims, see the module docs).
    fn walk(&self, dataset: &Dataset) -> Walk {
        let claims = &dataset.claims;
        // Each claim's end day, read once: sorting with a record read per
        // comparison was most of a walk at ten million claims.
        let ends: Vec<Day> = self
            .rows
            .iter()
            .map(|&row| claims.claimed_window(row as usize).end)
            .collect();
        let end = |i: usize| ends[i];
        let mut by_end: Vec<usize> = (0..self.rows.len()).collect();
        by_end.sort_by_key(|&i| end(i));
        let index: HashMap<u32, u32> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, &r)| (r, i as u32))
            .collect();
        let mut slots: BTreeMap<u32, scan::Slot> = BTreeMap::new();
        let mut walk = Walk {
            days: Vec::new(),
            current: Vec::new(),
        };
        for same_day in by_end.chunk_by(|&a, &b| end(a) == end(b)) {
            for &i in same_day {
                slots
                    .entry(self.sources[i])
                    .or_default()
                    .offer(claims, self.rows[i]);
            }
            let current = slots
                .values()
                .filter_map(|slot| slot.current().and_then(|row| index.get(&row).copied()))
                .collect();
            walk.days.push(end(same_day[0]));
            walk.current.push(current);
        }
        walk
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
                affiliations: 2,
            })
        };
        let expected = [
            ("2024-10-31", range(8000.0, 8000.0, 8000.0, 1, 1), None),
            (
                "2024-11-04",
                range(8000.0, 11000.0, 10000.0, 3, 2),
                // A single estimate: no consensus (DESIGN v3).
                None,
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

    // The timeline's bands, from the walk's current claims day by day: on
    // every day they draw, their range and consensus are the ones `analyse`
    // gives as of that day (from the claims `scan::latest` picks), for
    // every metric of the three shipped datasets.
    #[test]
    fn bands_match_the_analysis_of_each_day() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut days = 0;
        for folder in crate::data::frames::tests::SHIPPED {
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
