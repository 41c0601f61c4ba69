//! The timeline's shaded bands: the range and the consensus as of each
//! date, as step polygons (each snapshot holds until the next one), so a
//! long history costs a few points per change, not a shape per day. A band
//! is absent on days without it, and an open stretch is kept apart so it
//! can be drawn fading out rather than closed at the plot's top.

use super::day_x;
use crate::analysis::Snapshot;

/// Picks a band's (low, high) from a snapshot; `high` None reaches the top.
pub type Pick = fn(&Snapshot) -> Option<(f64, Option<f64>)>;

/// The range band of a snapshot.
pub fn range_of(snapshot: &Snapshot) -> Option<(f64, Option<f64>)> {
    snapshot.range.map(|r| (r.low, Some(r.high)))
}

/// The consensus band of a snapshot.
pub fn consensus_of(snapshot: &Snapshot) -> Option<(f64, Option<f64>)> {
    snapshot.consensus.map(|c| (c.low, c.high))
}

/// One step of a band: (from, to, low, high) in data coordinates.
pub type Step = (f64, f64, f64, f64);

/// A run of consecutive steps drawn as one shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The band has no upper end here (its `high` is the plot's top): it is
    /// drawn fading out, never as a closed box.
    pub open: bool,
    /// The steps, in time order.
    pub steps: Vec<Step>,
}

impl Run {
    /// The closed polygon around the steps.
    pub fn polygon(&self) -> Vec<(f64, f64)> {
        let upper = self.steps.iter().flat_map(|s| [(s.0, s.3), (s.1, s.3)]);
        let lower = self
            .steps
            .iter()
            .rev()
            .flat_map(|s| [(s.1, s.2), (s.0, s.2)]);
        upper.chain(lower).collect()
    }

    /// The lower edge (the stated end of an open stretch), left to right.
    pub fn lower_edge(&self) -> Vec<(f64, f64)> {
        self.steps
            .iter()
            .flat_map(|s| [(s.0, s.2), (s.1, s.2)])
            .collect()
    }

    /// The run cut into `n` horizontal strips from its lower edge up.
    pub fn strips(&self, n: usize) -> Vec<Run> {
        (0..n)
            .map(|k| {
                let at = |s: &Step, k: usize| s.2 + (s.3 - s.2) * k as f64 / n as f64;
                Run {
                    open: self.open,
                    steps: self
                        .steps
                        .iter()
                        .map(|s| (s.0, s.1, at(s, k), at(s, k + 1)))
                        .collect(),
                }
            })
            .collect()
    }
}

/// The runs of a band through time: each snapshot holds from its day to the
/// next snapshot's day (the last to `end`); a day without the band (no
/// consensus that day, nothing known yet) splits it, and so does a change
/// between a closed and an open stretch (open ones reach `top`).
pub fn bands(snapshots: &[Snapshot], end: f64, top: f64, pick: Pick) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let mut run: Option<Run> = None;
    for (i, snapshot) in snapshots.iter().enumerate() {
        let from = day_x(snapshot.day);
        let to = snapshots.get(i + 1).map_or(end, |next| day_x(next.day));
        let Some((low, high)) = pick(snapshot) else {
            runs.extend(run.take());
            continue;
        };
        let open = high.is_none();
        let high = high.unwrap_or(top).min(top);
        match run.as_mut() {
            Some(r) if r.open == open => match r.steps.last_mut() {
                Some(last) if last.2 == low && last.3 == high => last.1 = to,
                _ => r.steps.push((from, to, low, high)),
            },
            _ => {
                runs.extend(run.take());
                run = Some(Run {
                    open,
                    steps: vec![(from, to, low, high)],
                });
            }
        }
    }
    runs.extend(run);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::RangeSummary;
    use crate::data::Day;

    fn snapshot(day: u32, range: Option<(f64, f64)>) -> Snapshot {
        Snapshot {
            day: Day::from_ymd_opt(2024, 11, day).unwrap_or_default(),
            range: range.map(|(low, high)| RangeSummary {
                low,
                high,
                median: low,
                sources: 1,
                affiliations: 1,
            }),
            consensus: None,
        }
    }

    // Equal neighbours merge into one step; each step runs to the next day.
    #[test]
    fn steps_merge() {
        let s = [
            snapshot(1, Some((1.0, 5.0))),
            snapshot(2, Some((1.0, 5.0))),
            snapshot(4, Some((2.0, 6.0))),
        ];
        let x = |d: u32| day_x(Day::from_ymd_opt(2024, 11, d).unwrap_or_default());
        let polygons: Vec<_> = bands(&s, x(6), 100.0, range_of)
            .iter()
            .map(Run::polygon)
            .collect();
        assert_eq!(
            polygons,
            vec![vec![
                (x(1), 5.0),
                (x(4), 5.0),
                (x(4), 6.0),
                (x(6), 6.0),
                (x(6), 2.0),
                (x(4), 2.0),
                (x(4), 1.0),
                (x(1), 1.0),
            ]]
        );
    }

    // A day with nothing known splits the band; an absent consensus draws
    // nothing.
    #[test]
    fn gaps_split() {
        let s = [
            snapshot(1, Some((1.0, 5.0))),
            snapshot(2, None),
            snapshot(3, Some((1.0, 5.0))),
        ];
        assert_eq!(bands(&s, 800_000.0, 100.0, range_of).len(), 2);
        assert!(bands(&s, 800_000.0, 100.0, consensus_of).is_empty());
    }
}
