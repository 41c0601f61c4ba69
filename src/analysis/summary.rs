//! Range, consensus and bounds of one metric's live claims (at most one
//! per source), in plain Rust: the one production implementation of each,
//! shared by the as-of views, the changes and every timeline snapshot. A
//! metric has a handful of current claims, and a history has a snapshot per
//! claimed-end day (over a thousand at 1M claims): a polars query per set
//! cost more than the figures. The range is checked against the polars
//! query it replaced (`asof::range`), and consensus and bounds against a
//! brute force written from the words of docs/figures.md, in the tests.

use std::collections::BTreeSet;

use super::{Consensus, RangeSummary, Stretch};
use crate::data::Qualifier;

/// Whether a claim estimates the number or only bounds it (docs/figures.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// exact, approx, range: a closed interval the number is in.
    Estimate,
    /// at_least: a floor, open above.
    Floor,
    /// up_to: a ceiling, from 0.
    Ceiling,
}

impl Kind {
    /// The kind of a qualifier.
    pub fn of(qualifier: Qualifier) -> Kind {
        match qualifier {
            Qualifier::Exact | Qualifier::Approx | Qualifier::Range => Kind::Estimate,
            Qualifier::AtLeast => Kind::Floor,
            Qualifier::UpTo => Kind::Ceiling,
        }
    }
}

/// One live claim, as range, consensus and bounds read it.
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
    /// Estimate, floor or ceiling.
    pub kind: Kind,
    /// A derived estimate (`based_on`): in the range, never in the
    /// consensus.
    pub derived: bool,
}

/// What the consensus sweep finds (docs/figures.md): the consensus, or the
/// stretches that tie for it, and how many estimates it looked at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sweep {
    /// The consensus; `None` with fewer than two overlapping estimates or a
    /// tie.
    pub consensus: Option<Consensus>,
    /// The separate stretches that each reach the largest support k ≥ 2,
    /// when there are two or more (then there is no consensus), by start.
    pub tied: Vec<Stretch>,
    /// How many live, non-derived estimates (0: none; 1: a single one).
    pub estimates: usize,
}

/// The strongest floor and ceiling among live claims, by their position in
/// the slice given to [`bounds`] (the caller names the claims).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Bounds {
    /// The greatest `at_least` value and its claim's position.
    pub floor: Option<(f64, usize)>,
    /// The least `up_to` value and its claim's position.
    pub ceiling: Option<(f64, usize)>,
    /// How many live floors.
    pub floors: usize,
    /// How many live ceilings.
    pub ceilings: usize,
    /// How many floors meet the consensus stretch; `None` without consensus.
    pub floors_consistent: Option<usize>,
    /// How many ceilings meet the consensus stretch; `None` without consensus.
    pub ceilings_consistent: Option<usize>,
}

/// Whether a current claim whose `claimed` window ends on day number `end`
/// is stale as of day number `as_of` on a metric with `stale_after`
/// (docs/figures.md: it ends more than that many days before).
pub fn is_stale(end: i32, as_of: i32, stale_after: Option<u32>) -> bool {
    stale_after.is_some_and(|days| i64::from(as_of) - i64::from(end) > i64::from(days))
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
/// the figures match the as-of view's to the bit. NaN when empty. The one
/// median of the crate: the charts' binned and grouped markers use it too.
pub fn median(mut points: Vec<f64>) -> f64 {
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

/// The consensus of `claims` (docs/figures.md): over the live estimates
/// that are not derived, the stretch covered by the most of their intervals,
/// by a sweep over the endpoints. Events are sorted by position, and at one
/// position: denial opens, denial closes, opens, closes. Opening first makes
/// touching intervals [a,b], [b,c] share b; the denial phases first make a
/// denial ([0,0]) meet only other denials, as in pairwise agreement. The
/// running sum after an opening event is the coverage of the stretch
/// starting there and the next event ends it. There is a consensus only
/// when the most coverage k is at least 2 and one stretch reaches it; two
/// or more stretches reaching k are a tie, reported as such. Bounds never
/// count.
pub fn consensus(claims: &[Claim]) -> Sweep {
    let estimates: Vec<&Claim> = claims
        .iter()
        .filter(|c| c.kind == Kind::Estimate && !c.derived)
        .collect();
    let mut sweep = Sweep {
        estimates: estimates.len(),
        ..Sweep::default()
    };
    if estimates.len() < 2 {
        return sweep;
    }
    let mut events: Vec<(f64, u8)> = Vec::with_capacity(2 * estimates.len());
    for c in &estimates {
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
    if k < 2 {
        return sweep;
    }
    // (low, high, denial) of every opening event reaching k, in event
    // order: by position, so the first has the least start.
    let reaching: Vec<(f64, f64, bool)> = (0..events.len())
        .filter(|&i| events[i].1.is_multiple_of(2) && covers[i] == k)
        .map(|i| {
            let next = events.get(i + 1).map_or(f64::INFINITY, |e| e.0);
            (events[i].0, next, events[i].1 == 0)
        })
        .collect();
    let support = usize::try_from(k).unwrap_or(0);
    let finite = |high: f64| Some(high).filter(|h| h.is_finite());
    if let [(low, high, denial)] = reaching[..] {
        // The k estimates covering the stretch: a denial stretch is
        // covered by denials only, any other by the other estimates. Their
        // distinct affiliations are counted without a set (a timeline asks
        // this on every day it draws, of a few dozen claims).
        let supporting = || {
            estimates
                .iter()
                .filter(|c| c.denial == denial && c.low <= low && c.high.is_none_or(|h| high <= h))
                .map(|c| c.affiliation)
        };
        let affiliations = supporting()
            .enumerate()
            .filter(|&(i, a)| !supporting().take(i).any(|b| b == a))
            .count();
        sweep.consensus = Some(Consensus {
            low,
            high: finite(high),
            support,
            of: estimates.len(),
            affiliations,
        });
    } else {
        sweep.tied = reaching
            .iter()
            .map(|&(low, high, _)| Stretch {
                low,
                high: finite(high),
                support,
            })
            .collect();
    }
    sweep
}

/// The bounds of `claims` (docs/figures.md): the greatest floor and the least
/// ceiling (the first in slice order on a tie), how many of each, and —
/// with a consensus — how many meet its stretch. A floor v meets it when
/// v ≤ its end, a ceiling v when v ≥ its start; a denial consensus (0) is
/// met only by a bound of 0, as a denial agrees only with denials.
pub fn bounds(claims: &[Claim], consensus: Option<&Consensus>) -> Bounds {
    let mut bounds = Bounds::default();
    let denial = consensus.is_some_and(|c| c.low == 0.0 && c.high == Some(0.0));
    let (mut floors_met, mut ceilings_met) = (0, 0);
    for (at, claim) in claims.iter().enumerate() {
        match claim.kind {
            Kind::Estimate => {}
            Kind::Floor => {
                let value = claim.stated_low;
                bounds.floors += 1;
                if bounds.floor.is_none_or(|(best, _)| value > best) {
                    bounds.floor = Some((value, at));
                }
                if let Some(c) = consensus {
                    let meets = if denial {
                        value == 0.0
                    } else {
                        c.high.is_none_or(|high| value <= high)
                    };
                    floors_met += usize::from(meets);
                }
            }
            Kind::Ceiling => {
                let value = claim.stated_high;
                bounds.ceilings += 1;
                if bounds.ceiling.is_none_or(|(best, _)| value < best) {
                    bounds.ceiling = Some((value, at));
                }
                if let Some(c) = consensus {
                    let meets = if denial { value == 0.0 } else { value >= c.low };
                    ceilings_met += usize::from(meets);
                }
            }
        }
    }
    if consensus.is_some() {
        bounds.floors_consistent = Some(floors_met);
        bounds.ceilings_consistent = Some(ceilings_met);
    }
    bounds
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use polars::prelude::*;
    use proptest::prelude::*;

    use super::*;
    use crate::analysis::asof;
    use crate::analysis::figures::{f64s, u32s};

    /// The range of `claims` by the polars query it replaced.
    fn range_by_polars(claims: &[Claim]) -> Option<RangeSummary> {
        let n = claims.len();
        let df = df! {
            "metric" => vec![0u32; n],
            "day" => vec![0i32; n],
            "affiliation" => claims.iter().map(|c| c.affiliation).collect::<Vec<_>>(),
            "stated_low" => claims.iter().map(|c| c.stated_low).collect::<Vec<_>>(),
            "stated_high" => claims.iter().map(|c| c.stated_high).collect::<Vec<_>>(),
            "point" => claims.iter().map(|c| c.point).collect::<Vec<_>>(),
        }
        .unwrap();
        let range = asof::range(df.lazy()).collect().unwrap();
        (range.height() > 0).then(|| RangeSummary {
            low: f64s(&range, "low").unwrap()[0],
            high: f64s(&range, "high").unwrap()[0],
            median: f64s(&range, "median").unwrap()[0],
            sources: u32s(&range, "sources").unwrap()[0] as usize,
            affiliations: u32s(&range, "affiliations").unwrap()[0] as usize,
        })
    }

    /// A claim as the data states it: denials, exact, approx-like and range
    /// estimates, floors and ceilings on a small grid (so ties, touching and
    /// nested intervals occur), with points that are not always whole.
    fn claim() -> impl Strategy<Value = Claim> {
        (0u8..12, 0u8..5, 0u8..5, 0u32..3, 0u8..6, 0u8..5).prop_map(
            |(low, width, at, aff, kind, derived)| {
                let low = f64::from(low);
                let high = low + f64::from(width);
                let point = low + f64::from(at.min(width)) / 2.0;
                let (low, high, stated_low, stated_high, kind, denial) = match kind {
                    0 => (0.0, Some(0.0), 0.0, 0.0, Kind::Estimate, true),
                    1 => (low, None, low, low, Kind::Floor, false),
                    2 => (0.0, Some(high), high, high, Kind::Ceiling, false),
                    _ => (low, Some(high), low, high, Kind::Estimate, false),
                };
                Claim {
                    stated_low,
                    stated_high,
                    point,
                    affiliation: aff,
                    low,
                    high,
                    denial,
                    kind,
                    // One claim in five is derived (based on others).
                    derived: derived == 0,
                }
            },
        )
    }

    /// docs/figures.md's consensus, from its words, point by point: over
    /// the live estimates that are not derived, the stretch covered by the
    /// largest number k of their closed intervals (a denial meets only
    /// denials); none when fewer than two estimates, when k < 2, or when k
    /// is reached on two or more separate stretches (then those are `tied`);
    /// `affiliations` = distinct affiliations of the k covering it. Coverage
    /// is looked at on every endpoint and every midpoint between
    /// neighbouring endpoints, which separates any two stretches.
    fn consensus_brute(claims: &[Claim]) -> Sweep {
        let estimates: Vec<&Claim> = claims
            .iter()
            .filter(|c| c.kind == Kind::Estimate && !c.derived)
            .collect();
        let none = Sweep {
            estimates: estimates.len(),
            ..Sweep::default()
        };
        if estimates.len() < 2 {
            return none;
        }
        let mut ends: Vec<f64> = estimates
            .iter()
            .flat_map(|c| [c.low, c.high.unwrap_or(c.low)])
            .collect();
        ends.sort_by(f64::total_cmp);
        ends.dedup();
        let mut points = Vec::new();
        for (i, &e) in ends.iter().enumerate() {
            points.push(e);
            if let Some(&next) = ends.get(i + 1) {
                points.push((e + next) / 2.0);
            }
        }
        let covering = |x: f64, denials: bool| -> Vec<&Claim> {
            estimates
                .iter()
                .copied()
                .filter(|c| c.denial == denials && c.low <= x && c.high.is_none_or(|h| x <= h))
                .collect()
        };
        let k = points
            .iter()
            .flat_map(|&x| [covering(x, true).len(), covering(x, false).len()])
            .max()
            .unwrap_or(0);
        if k < 2 {
            return none;
        }
        // Maximal runs of points covered k times, per class: (start, end, class).
        let mut stretches: Vec<(f64, bool, f64)> = Vec::new();
        for denials in [true, false] {
            let mut run: Option<(f64, f64)> = None;
            for &x in &points {
                if covering(x, denials).len() == k {
                    run = Some(run.map_or((x, x), |(start, _)| (start, x)));
                } else if let Some((start, end)) = run.take() {
                    stretches.push((start, denials, end));
                }
            }
            if let Some((start, end)) = run {
                stretches.push((start, denials, end));
            }
        }
        stretches.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        // An open-ended estimate cannot occur among estimates (only floors
        // are open), so every stretch ends at a point.
        if let [(low, denials, high)] = stretches[..] {
            let affiliations: BTreeSet<u32> = covering(low, denials)
                .iter()
                .map(|c| c.affiliation)
                .collect();
            return Sweep {
                consensus: Some(Consensus {
                    low,
                    high: Some(high),
                    support: k,
                    of: estimates.len(),
                    affiliations: affiliations.len(),
                }),
                ..none
            };
        }
        Sweep {
            tied: stretches
                .iter()
                .map(|&(low, _, high)| Stretch {
                    low,
                    high: Some(high),
                    support: k,
                })
                .collect(),
            ..none
        }
    }

    /// docs/figures.md's bounds, from its words: floor = the greatest live
    /// at_least value, ceiling = the least live up_to value, their counts,
    /// and with a consensus how many meet its stretch.
    fn bounds_brute(claims: &[Claim], consensus: Option<&Consensus>) -> Bounds {
        let floors: Vec<(usize, f64)> = claims
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == Kind::Floor)
            .map(|(i, c)| (i, c.stated_low))
            .collect();
        let ceilings: Vec<(usize, f64)> = claims
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == Kind::Ceiling)
            .map(|(i, c)| (i, c.stated_high))
            .collect();
        let greatest = floors.iter().map(|f| f.1).fold(f64::NEG_INFINITY, f64::max);
        let least = ceilings.iter().map(|f| f.1).fold(f64::INFINITY, f64::min);
        let floor = floors
            .iter()
            .find(|f| f.1 == greatest)
            .map(|&(i, v)| (v, i));
        let ceiling = ceilings.iter().find(|f| f.1 == least).map(|&(i, v)| (v, i));
        let denial = consensus.is_some_and(|c| c.low == 0.0 && c.high == Some(0.0));
        let meets = |low: f64, high: f64| {
            consensus.map(|c| {
                if denial {
                    low <= 0.0 && 0.0 <= high && (low == high)
                } else {
                    low <= c.high.unwrap_or(f64::INFINITY) && c.low <= high
                }
            })
        };
        let count = |items: &[(usize, f64)], floor: bool| -> Option<usize> {
            consensus?;
            Some(
                items
                    .iter()
                    .filter(|&&(_, v)| {
                        let (low, high) = if floor { (v, f64::INFINITY) } else { (0.0, v) };
                        if denial {
                            v == 0.0
                        } else {
                            meets(low, high).unwrap_or(false)
                        }
                    })
                    .count(),
            )
        };
        Bounds {
            floor,
            ceiling,
            floors: floors.len(),
            ceilings: ceilings.len(),
            floors_consistent: count(&floors, true),
            ceilings_consistent: count(&ceilings, false),
        }
    }

    proptest! {
        // The plain-Rust range gives the polars query's figures, bit for bit.
        #[test]
        fn range_matches_polars(claims in prop::collection::vec(claim(), 1..9)) {
            prop_assert_eq!(range(&claims), range_by_polars(&claims));
        }

        // The sweep gives docs/figures.md's consensus, point by point.
        #[test]
        fn consensus_matches_brute_force(claims in prop::collection::vec(claim(), 0..9)) {
            prop_assert_eq!(consensus(&claims), consensus_brute(&claims));
        }

        // A derived estimate never moves the consensus, and the consensus
        // of one estimate never exists.
        #[test]
        fn derived_estimates_and_single_ones_make_no_consensus(
            claims in prop::collection::vec(claim(), 0..8),
            extra in claim(),
        ) {
            let mut more = claims.clone();
            more.push(Claim { derived: true, ..extra });
            prop_assert_eq!(consensus(&more), consensus(&claims));
            let sweep = consensus(&claims);
            if sweep.estimates < 2 {
                prop_assert_eq!(sweep.consensus, None);
            }
            if let Some(c) = sweep.consensus {
                prop_assert!(c.support >= 2 && sweep.tied.is_empty());
                prop_assert!(c.affiliations >= 1 && c.affiliations <= c.support);
            }
            prop_assert!(sweep.tied.len() != 1);
        }

        // Bounds are docs/figures.md's, with consistency against the consensus.
        #[test]
        fn bounds_match_brute_force(claims in prop::collection::vec(claim(), 0..9)) {
            let c = consensus(&claims).consensus;
            prop_assert_eq!(bounds(&claims, c.as_ref()), bounds_brute(&claims, c.as_ref()));
        }

        // Adding a floor or a ceiling never moves the consensus.
        #[test]
        fn bounds_never_move_the_consensus(
            claims in prop::collection::vec(claim(), 0..8),
            extra in claim(),
        ) {
            prop_assume!(extra.kind != Kind::Estimate);
            let mut more = claims.clone();
            more.push(extra);
            prop_assert_eq!(consensus(&more), consensus(&claims));
        }
    }

    /// An estimate [low, high] of affiliation 0.
    fn estimate(low: f64, high: f64) -> Claim {
        Claim {
            stated_low: low,
            stated_high: high,
            point: (low + high) / 2.0,
            affiliation: 0,
            low,
            high: Some(high),
            denial: low == 0.0 && high == 0.0,
            kind: Kind::Estimate,
            derived: false,
        }
    }

    /// A floor ("at least v").
    fn floor(v: f64) -> Claim {
        Claim {
            high: None,
            kind: Kind::Floor,
            ..estimate(v, v)
        }
    }

    /// A ceiling ("up to v").
    fn ceiling(v: f64) -> Claim {
        Claim {
            low: 0.0,
            kind: Kind::Ceiling,
            ..estimate(v, v)
        }
    }

    // the worked example of docs/figures.md, Kursk: 11,000, about 11,000 and about
    // 8,000 give 11,000 (2 of 3); the floor 10,000 is consistent, the
    // ceiling 8,000 is not.
    #[test]
    fn worked_example_kursk() {
        let from = |affiliation: u32, c: Claim| Claim { affiliation, ..c };
        let claims = [
            from(3, ceiling(8000.0)),
            from(1, estimate(11000.0, 11000.0)),
            from(3, floor(10000.0)),
            from(2, estimate(9900.0, 12100.0)),
            from(3, estimate(7200.0, 8800.0)),
        ];
        let c = consensus(&claims).consensus.unwrap();
        assert_eq!(
            c,
            Consensus {
                low: 11000.0,
                high: Some(11000.0),
                support: 2,
                of: 3,
                affiliations: 2
            }
        );
        let b = bounds(&claims, Some(&c));
        assert_eq!(b.floor, Some((10000.0, 2)));
        assert_eq!(b.ceiling, Some((8000.0, 0)));
        assert_eq!(
            (b.floors_consistent, b.ceilings_consistent),
            (Some(1), Some(0))
        );
    }

    // Russia: 10,000, about 12,000 and the denial overlap nowhere: no
    // consensus; the ceiling 12,000 is still reported.
    #[test]
    fn worked_example_russia() {
        let claims = [
            estimate(10000.0, 10000.0),
            estimate(10800.0, 13200.0),
            ceiling(12000.0),
            estimate(0.0, 0.0),
        ];
        assert_eq!(consensus(&claims).consensus, None);
        assert_eq!(consensus(&claims).estimates, 3);
        let b = bounds(&claims, None);
        assert_eq!(b.ceiling, Some((12000.0, 2)));
        assert_eq!((b.floors, b.ceilings), (0, 1));
        assert_eq!(b.ceilings_consistent, None);
    }

    // Five floors never make a consensus (Derna: "20,000 or more" once
    // headed the report while the official count was 4,331).
    #[test]
    fn floors_alone_make_no_consensus() {
        let claims: Vec<Claim> = [2300.0, 3958.0, 7000.0, 15000.0, 20000.0]
            .into_iter()
            .map(floor)
            .chain([estimate(4331.0, 4331.0)])
            .collect();
        // One estimate beside them is a single estimate: no consensus
        // either (DESIGN v3: a consensus needs two overlapping estimates).
        let sweep = consensus(&claims);
        assert_eq!((sweep.consensus, sweep.estimates), (None, 1));
        assert_eq!(bounds(&claims, None).floor, Some((20000.0, 4)));
        assert_eq!(bounds(&claims, None).floors_consistent, None);
    }

    // Nothing known: no range, no consensus, no bounds.
    #[test]
    fn empty() {
        assert_eq!(range(&[]), None);
        assert_eq!(consensus(&[]), Sweep::default());
        assert_eq!(bounds(&[], None), Bounds::default());
    }
}
