//! Range and consensus of one metric's current claims (at most one per
//! source), in plain Rust: the one production implementation of each,
//! shared by the as-of views, the changes and every timeline snapshot. A
//! metric has a handful of current claims, and a history has a snapshot per
//! claimed-end day (over a thousand at 1M claims): a polars query per set
//! cost more than the figures. The polars queries they replaced
//! (`asof::range`, `consensus::sweep`) are kept in the tests, which hold
//! the two to the same results bit for bit.

use std::collections::BTreeSet;

use super::{Consensus, RangeSummary};

/// One current claim, as range and consensus read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Claim {
    /// Least stated number.
    pub stated_low: f64,
    /// Greatest stated number.
    pub stated_high: f64,
    /// The claim's point.
    pub point: f64,
    /// Affiliation code.
    pub affiliation: u32,
    /// Interval low.
    pub low: f64,
    /// Interval high; `None` when open above.
    pub high: Option<f64>,
    /// The claim is a denial ([0, 0]).
    pub denial: bool,
}

/// The range of `claims` (one per source); `None` when empty.
pub fn range(claims: &[Claim]) -> Option<RangeSummary> {
    let first = claims.first()?;
    let low = claims
        .iter()
        .fold(first.stated_low, |m, c| m.min(c.stated_low));
    let high = claims
        .iter()
        .fold(first.stated_high, |m, c| m.max(c.stated_high));
    let affiliations: BTreeSet<u32> = claims.iter().map(|c| c.affiliation).collect();
    Some(RangeSummary {
        low,
        high,
        median: median(claims.iter().map(|c| c.point).collect()),
        sources: claims.len(),
        affiliations: affiliations.len(),
    })
}

/// The median as polars computes it (linear interpolation at 0.5:
/// `0.5 · (upper − lower) + lower`, exactly `lower` when they are equal), so
/// the figures match the as-of view's to the bit.
fn median(mut points: Vec<f64>) -> f64 {
    points.sort_by(f64::total_cmp);
    let n = points.len();
    if n == 0 {
        return f64::NAN;
    }
    let lower = points[(n - 1) / 2];
    let upper = points[n / 2];
    if lower == upper {
        lower
    } else {
        0.5 * (upper - lower) + lower
    }
}

/// The consensus of `claims` by the sweep of `consensus::sweep`: events
/// sorted by position, at one position denial opens, denial closes, opens,
/// closes; the running sum after an opening event is the coverage of the
/// stretch starting there and the next event ends it. Among the stretches
/// reaching the most coverage k, the least non-denial one is reported.
pub fn consensus(claims: &[Claim]) -> Option<Consensus> {
    if claims.is_empty() {
        return None;
    }
    let mut events: Vec<(f64, u8)> = Vec::with_capacity(2 * claims.len());
    for c in claims {
        let phase = if c.denial { 0 } else { 2 };
        events.push((c.low, phase));
        events.push((c.high.unwrap_or(f64::INFINITY), phase + 1));
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut cover = 0i64;
    let covers: Vec<i64> = events
        .iter()
        .map(|&(_, phase)| {
            cover += if phase.is_multiple_of(2) { 1 } else { -1 };
            cover
        })
        .collect();
    let k = covers.iter().copied().max().unwrap_or(0);
    // (phase, low, high) of every opening event reaching k.
    let reaching: Vec<(u8, f64, f64)> = (0..events.len())
        .filter(|&i| events[i].1.is_multiple_of(2) && covers[i] == k)
        .map(|i| {
            let next = events.get(i + 1).map_or(f64::INFINITY, |e| e.0);
            (events[i].1, events[i].0, next)
        })
        .collect();
    // Non-denials (phase 2) before denials, then by position.
    let best = reaching
        .iter()
        .min_by(|a, b| b.0.cmp(&a.0).then(a.1.total_cmp(&b.1)))?;
    Some(Consensus {
        low: best.1,
        high: Some(best.2).filter(|h| h.is_finite()),
        support: usize::try_from(k).unwrap_or(0),
        of: claims.len(),
        others: reaching.len().saturating_sub(1),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use polars::prelude::*;
    use proptest::prelude::*;

    use super::*;
    use crate::analysis::figures::{f64s, u32s};
    use crate::analysis::{asof, consensus};

    /// Range and consensus of `claims` by the polars queries.
    fn by_polars(claims: &[Claim]) -> (Option<RangeSummary>, Option<Consensus>) {
        let n = claims.len();
        let df = df! {
            "metric" => vec![0u32; n],
            "day" => vec![0i32; n],
            "source" => (0..n as u32).collect::<Vec<_>>(),
            "row" => (0..n as u32).collect::<Vec<_>>(),
            "affiliation" => claims.iter().map(|c| c.affiliation).collect::<Vec<_>>(),
            "stated_low" => claims.iter().map(|c| c.stated_low).collect::<Vec<_>>(),
            "stated_high" => claims.iter().map(|c| c.stated_high).collect::<Vec<_>>(),
            "low" => claims.iter().map(|c| c.low).collect::<Vec<_>>(),
            "high" => claims.iter().map(|c| c.high).collect::<Vec<_>>(),
            "point" => claims.iter().map(|c| c.point).collect::<Vec<_>>(),
            "denial" => claims.iter().map(|c| c.denial).collect::<Vec<_>>(),
        }
        .unwrap();
        let range = asof::range(df.clone().lazy()).collect().unwrap();
        let range = (range.height() > 0).then(|| RangeSummary {
            low: f64s(&range, "low").unwrap()[0],
            high: f64s(&range, "high").unwrap()[0],
            median: f64s(&range, "median").unwrap()[0],
            sources: u32s(&range, "sources").unwrap()[0] as usize,
            affiliations: u32s(&range, "affiliations").unwrap()[0] as usize,
        });
        let sweep = consensus::sweep(df.lazy()).unwrap().collect().unwrap();
        let consensus = (sweep.height() > 0).then(|| Consensus {
            low: f64s(&sweep, "low").unwrap()[0],
            high: Some(f64s(&sweep, "high").unwrap()[0]).filter(|h| h.is_finite()),
            support: u32s(&sweep, "support").unwrap()[0] as usize,
            of: n,
            others: u32s(&sweep, "stretches").unwrap()[0].saturating_sub(1) as usize,
        });
        (range, consensus)
    }

    /// Denials, closed, degenerate and open claims on a small grid, with
    /// points that are not always whole, so ties and interpolation occur.
    fn claim() -> impl Strategy<Value = Claim> {
        (0u8..12, 0u8..5, 0u8..5, 0u32..3, 0u8..4).prop_map(|(low, width, at, aff, kind)| {
            let low = f64::from(low);
            let high = low + f64::from(width);
            let (low, high, denial) = match kind {
                0 => (0.0, Some(0.0), true),
                1 => (low, None, false),
                _ => (low, Some(high), false),
            };
            Claim {
                stated_low: low,
                stated_high: high.unwrap_or(low),
                point: low + f64::from(at) / 3.0,
                affiliation: aff,
                low,
                high,
                denial,
            }
        })
    }

    proptest! {
        // The plain-Rust range and sweep give the polars queries' figures, bit for bit.
        #[test]
        fn matches_polars(claims in prop::collection::vec(claim(), 1..9)) {
            let (range_p, consensus_p) = by_polars(&claims);
            prop_assert_eq!(range(&claims), range_p);
            prop_assert_eq!(consensus(&claims), consensus_p);
        }
    }

    // Nothing known: no range, no consensus.
    #[test]
    fn empty() {
        assert_eq!(range(&[]), None);
        assert_eq!(consensus(&[]), None);
    }
}
