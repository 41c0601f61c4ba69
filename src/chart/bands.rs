//! The timeline's shaded bands: the range and the consensus as of each
//! date, as step polygons (each snapshot holds until the next one), so a
//! long history costs a few points per change, not a shape per day.

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

/// Step polygons of a band through time: each snapshot holds from its day
/// to the next snapshot's day (the last to `end`); runs of unknown split it.
pub fn bands(snapshots: &[Snapshot], end: f64, top: f64, pick: Pick) -> Vec<Vec<(f64, f64)>> {
    let mut polygons = Vec::new();
    let mut steps: Vec<(f64, f64, f64, f64)> = Vec::new();
    for (i, snapshot) in snapshots.iter().enumerate() {
        let from = day_x(snapshot.day);
        let to = snapshots.get(i + 1).map_or(end, |next| day_x(next.day));
        match pick(snapshot) {
            Some((low, high)) => {
                let high = high.unwrap_or(top).min(top);
                match steps.last_mut() {
                    Some(last) if last.2 == low && last.3 == high => last.1 = to,
                    _ => steps.push((from, to, low, high)),
                }
            }
            None => polygons.extend(step_polygon(&std::mem::take(&mut steps))),
        }
    }
    polygons.extend(step_polygon(&steps));
    polygons
}

/// One closed polygon around consecutive steps (from, to, low, high).
fn step_polygon(steps: &[(f64, f64, f64, f64)]) -> Option<Vec<(f64, f64)>> {
    if steps.is_empty() {
        return None;
    }
    let upper = steps.iter().flat_map(|s| [(s.0, s.3), (s.1, s.3)]);
    let lower = steps.iter().rev().flat_map(|s| [(s.1, s.2), (s.0, s.2)]);
    Some(upper.chain(lower).collect())
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
        let polygons = bands(&s, x(6), 100.0, range_of);
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
