//! The consensus sweep (DESIGN 2): the stretch covered by the most
//! current-claim intervals, as one polars query over endpoint events.
//!
//! Every interval opens at `low` (+1) and closes at `high` (−1; an open
//! interval closes at +∞). Sorted by position with opening events first at a
//! position, the running sum is the coverage of the closed stretch that
//! starts there, so touching intervals [a,b], [b,c] both cover b. Each
//! group's events sum to zero, so one running sum over the sorted frame
//! restarts at every group. The coverage k is the group maximum; it is only
//! ever reached by an opening event, and the next event is the closing one
//! that ends that stretch. Stretches reaching k are disjoint, so counting
//! them gives the ties.
//!
//! Denials ([0, 0], see `intervals`) meet only each other: at position 0
//! their events come first (opens, then closes), before every other
//! interval's events, so a denial never shares a stretch with "up to v".
//! DESIGN 2 says a denial "stays out of the consensus": a denial stretch is
//! reported only when it beats every other stretch; on a tie the least
//! non-denial stretch is reported (and the denial counts among the ties).

use polars::prelude::*;

use super::asof::keys;
use crate::error::Result;

/// Per (metric, day): `low`, `high` (+∞ when open above), `support` (k) and
/// `stretches` (how many disjoint stretches reach k, ≥ 1).
pub fn sweep(current: LazyFrame) -> Result<LazyFrame> {
    // Order of events at one position: denial opens, denial closes, opens, closes.
    let event = |pos: Expr, delta: i32, phase: i32| {
        current.clone().select([
            col("metric"),
            col("day"),
            pos.alias("pos"),
            lit(delta).alias("delta"),
            when(col("denial"))
                .then(lit(phase))
                .otherwise(lit(phase + 2))
                .alias("phase"),
        ])
    };
    let opens = event(col("low"), 1, 0);
    let closes = event(col("high").fill_null(lit(f64::INFINITY)), -1, 1);
    let events = concat([opens, closes], UnionArgs::default())?
        .sort_by_exprs(
            [col("metric"), col("day"), col("pos"), col("phase")],
            SortMultipleOptions::default(),
        )
        .with_columns([
            col("delta").cum_sum(false).alias("cover"),
            col("pos").shift(lit(-1)).alias("next"),
        ])
        .with_column(col("cover").max().over(keys())?.alias("k"));
    // Among the stretches reaching k, non-denials (phase 2) before denials,
    // then by position: the reported one is the first.
    let order = || {
        (
            [col("phase"), col("pos")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
    };
    Ok(events
        .filter(col("delta").eq(lit(1)).and(col("cover").eq(col("k"))))
        .group_by(keys())
        .agg([
            col("pos")
                .sort_by(order().0, order().1)
                .first()
                .alias("low"),
            col("next")
                .sort_by(order().0, order().1)
                .first()
                .alias("high"),
            col("k").first().cast(DataType::UInt32).alias("support"),
            len().cast(DataType::UInt32).alias("stretches"),
        ]))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::analysis::summary;

    /// Runs the polars sweep on one group: (low, high, support, stretches).
    fn polars_sweep(intervals: &[(f64, Option<f64>)]) -> (f64, Option<f64>, u32, u32) {
        let df = df! {
            "metric" => vec![0u32; intervals.len()],
            "day" => vec![0i32; intervals.len()],
            "low" => intervals.iter().map(|i| i.0).collect::<Vec<_>>(),
            "high" => intervals.iter().map(|i| i.1).collect::<Vec<_>>(),
            "denial" => intervals.iter().map(|i| i.1 == Some(0.0)).collect::<Vec<_>>(),
        }
        .unwrap();
        let out = sweep(df.lazy()).unwrap().collect().unwrap();
        assert_eq!(out.height(), 1);
        let f = |name: &str| out.column(name).unwrap().f64().unwrap().get(0);
        let u = |name: &str| out.column(name).unwrap().u32().unwrap().get(0).unwrap();
        let high = f("high").filter(|h| h.is_finite());
        (f("low").unwrap(), high, u("support"), u("stretches"))
    }

    /// Counts coverage at every candidate point (endpoints, midpoints between
    /// consecutive endpoints, a point above them all) and reads the first
    /// maximal run of best points, and how many runs there are. Denials
    /// ([0, 0]) are counted at a point of their own, which no other interval
    /// covers, and reported only when no other run ties with them.
    fn brute_force(intervals: &[(f64, Option<f64>)]) -> (f64, Option<f64>, u32, u32) {
        let is_denial = |i: &&(f64, Option<f64>)| i.1 == Some(0.0);
        let denials = intervals.iter().filter(is_denial).count() as u32;
        let others: Vec<_> = intervals.iter().filter(|i| !is_denial(i)).collect();
        let mut ends: Vec<f64> = others
            .iter()
            .flat_map(|&&(l, h)| std::iter::once(l).chain(h))
            .collect();
        ends.sort_by(f64::total_cmp);
        ends.dedup();
        let mut points: Vec<f64> = Vec::new();
        for (i, &e) in ends.iter().enumerate() {
            points.push(e);
            if let Some(&next) = ends.get(i + 1) {
                points.push((e + next) / 2.0);
            }
        }
        if let Some(&last) = ends.last() {
            points.push(last + 1.0);
        }
        let cover = |x: f64| {
            others
                .iter()
                .filter(|&&&(l, h)| l <= x && h.is_none_or(|h| x <= h))
                .count() as u32
        };
        let counts: Vec<u32> = points.iter().map(|&p| cover(p)).collect();
        let k = counts.iter().copied().chain([denials]).max().unwrap();
        // Runs as (low, high) of the first and last point of each.
        let mut runs: Vec<(f64, Option<f64>)> = Vec::new();
        let mut at = 0;
        while at < points.len() {
            if counts[at] == k {
                let start = at;
                while at + 1 < points.len() && counts[at + 1] == k {
                    at += 1;
                }
                let high = (at + 1 < points.len()).then_some(points[at]);
                runs.push((points[start], high));
            }
            at += 1;
        }
        if denials == k {
            runs.push((0.0, Some(0.0)));
        }
        (runs[0].0, runs[0].1, k, runs.len() as u32)
    }

    /// Closed, degenerate and open intervals on a small grid so that
    /// touching and equal endpoints are common.
    fn interval() -> impl Strategy<Value = (f64, Option<f64>)> {
        (0u8..12, 0u8..5, 0u8..4).prop_map(|(low, width, kind)| {
            let low = f64::from(low);
            match kind {
                0 => (low, Some(low)),
                1 => (low, None),
                _ => (low, Some(low + f64::from(width))),
            }
        })
    }

    proptest! {
        // The polars sweep agrees with counting every candidate point.
        #[test]
        fn sweep_matches_brute_force(intervals in prop::collection::vec(interval(), 1..9)) {
            prop_assert_eq!(polars_sweep(&intervals), brute_force(&intervals));
        }

        // The plain-Rust sweep of the timeline snapshots agrees too.
        #[test]
        fn snapshot_sweep_matches_brute_force(intervals in prop::collection::vec(interval(), 1..9)) {
            let claims: Vec<summary::Claim> = intervals
                .iter()
                .map(|&(low, high)| summary::Claim {
                    stated_low: low,
                    stated_high: high.unwrap_or(low),
                    point: low,
                    affiliation: 0,
                    low,
                    high,
                    denial: high == Some(0.0),
                })
                .collect();
            let got = summary::consensus(&claims).unwrap();
            let got = (got.low, got.high, got.support as u32, got.others as u32 + 1);
            prop_assert_eq!(got, brute_force(&intervals));
        }
    }

    // Touching closed intervals overlap at the shared end.
    #[test]
    fn touching_intervals_overlap() {
        let got = polars_sweep(&[(1.0, Some(2.0)), (2.0, Some(3.0))]);
        assert_eq!(got, (2.0, Some(2.0), 2, 1));
    }

    // A denial does not meet "up to" at 0; on a tie the least non-denial
    // stretch is reported, the denial counted among the ties; a denial
    // stretch that beats the others is reported.
    #[test]
    fn denial_meets_only_denials() {
        let got = polars_sweep(&[(0.0, Some(0.0)), (0.0, Some(8.0)), (10.0, None)]);
        assert_eq!(got, (0.0, Some(8.0), 1, 3));
        let got = polars_sweep(&[(0.0, Some(0.0)), (0.0, Some(8.0)), (5.0, None)]);
        assert_eq!(got, (5.0, Some(8.0), 2, 1));
        let got = polars_sweep(&[(0.0, Some(0.0)), (0.0, Some(0.0)), (0.0, Some(8.0))]);
        assert_eq!(got, (0.0, Some(0.0), 2, 1));
    }

    // Disjoint ties report the least stretch and count the others.
    #[test]
    fn ties_report_least_start() {
        let got = polars_sweep(&[(5.0, Some(6.0)), (1.0, Some(2.0)), (8.0, None)]);
        assert_eq!(got, (1.0, Some(2.0), 1, 3));
    }
}
