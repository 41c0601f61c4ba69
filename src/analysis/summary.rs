//! Range, consensus and bounds of one metric's live claims (at most one
//! per source) in plain Rust: the production implementation until the
//! figures became polars queries ([`query`](super::query)), kept only in the
//! tests (this module is compiled for them alone) to check the queries,
//! with brute forces written from the words of docs/figures.md. Every
//! property test below runs the query ([`by_query`]) and compares.

use std::collections::BTreeSet;

use super::{Consensus, RangeSummary, Stretch};

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
        median: crate::chart::median(claims.iter().map(|c| c.point).collect()),
        sources: claims.len(),
        affiliations: affiliations.len(),
    })
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
    use crate::analysis::figures;
    use crate::data::Qualifier;

    /// What the queries give for `claims` (one group; claim i is source
    /// and row i): range, sweep and bounds, a bound naming its claim by
    /// position as [`bounds`] does.
    fn by_query(claims: &[Claim]) -> (Option<RangeSummary>, Sweep, Bounds) {
        let n = claims.len() as u32;
        let qualifier = |c: &Claim| match c.kind {
            Kind::Floor => Qualifier::AtLeast,
            Kind::Ceiling => Qualifier::UpTo,
            Kind::Estimate if c.stated_low < c.stated_high => Qualifier::Range,
            Kind::Estimate => Qualifier::Exact,
        } as u32;
        let df = df! {
            "group" => vec![0u32; n as usize],
            "day" => vec![0i32; n as usize],
            "row" => (0..n).collect::<Vec<_>>(),
            "source" => (0..n).collect::<Vec<_>>(),
            "affiliation" => claims.iter().map(|c| c.affiliation).collect::<Vec<_>>(),
            "qualifier" => claims.iter().map(qualifier).collect::<Vec<_>>(),
            "stated_low" => claims.iter().map(|c| c.stated_low).collect::<Vec<_>>(),
            "stated_high" => claims.iter().map(|c| c.stated_high).collect::<Vec<_>>(),
            "low" => claims.iter().map(|c| c.low).collect::<Vec<_>>(),
            "high" => claims.iter().map(|c| c.high).collect::<Vec<_>>(),
            "point" => claims.iter().map(|c| c.point).collect::<Vec<_>>(),
            "denial" => claims.iter().map(|c| c.denial).collect::<Vec<_>>(),
            "derived" => claims.iter().map(|c| c.derived).collect::<Vec<_>>(),
            "refers_end" => vec![0i32; n as usize],
            "stale_after" => vec![None::<i64>; n as usize],
        }
        .unwrap();
        let group = figures::groups(
            df.lazy(),
            1,
            |row| row.to_string(),
            crate::analysis::query::Wanted::All,
        )
        .unwrap()
        .remove(0);
        let at = |b: Option<crate::analysis::Bound>| b.map(|b| (b.value, b.claim.parse().unwrap()));
        let bounds = Bounds {
            floor: at(group.bounds.floor),
            ceiling: at(group.bounds.ceiling),
            floors: group.bounds.floors,
            ceilings: group.bounds.ceilings,
            floors_consistent: group.bounds.floors_consistent,
            ceilings_consistent: group.bounds.ceilings_consistent,
        };
        let sweep = Sweep {
            consensus: group.consensus,
            tied: group.tied,
            estimates: group.estimates,
        };
        (group.range, sweep, bounds)
    }

    /// The query's consensus sweep of `claims`.
    fn query_sweep(claims: &[Claim]) -> Sweep {
        by_query(claims).1
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
    pub(super) fn consensus_brute(claims: &[Claim]) -> Sweep {
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
    pub(super) fn bounds_brute(claims: &[Claim], consensus: Option<&Consensus>) -> Bounds {
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
        // The figures query's range is the plain-Rust one, bit for bit.
        #[test]
        fn range_matches_polars(claims in prop::collection::vec(claim(), 0..9)) {
            prop_assert_eq!(by_query(&claims).0, range(&claims));
        }

        // The query's sweep gives docs/figures.md's consensus, point by
        // point, and the plain-Rust sweep's.
        #[test]
        fn consensus_matches_brute_force(claims in prop::collection::vec(claim(), 0..9)) {
            let query = query_sweep(&claims);
            prop_assert_eq!(&query, &consensus_brute(&claims));
            prop_assert_eq!(&query, &consensus(&claims));
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
            prop_assert_eq!(query_sweep(&more), query_sweep(&claims));
            let sweep = query_sweep(&claims);
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
            let (_, sweep, query) = by_query(&claims);
            let c = sweep.consensus;
            prop_assert_eq!(query, bounds_brute(&claims, c.as_ref()));
            prop_assert_eq!(query, bounds(&claims, c.as_ref()));
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
            prop_assert_eq!(query_sweep(&more), query_sweep(&claims));
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
        let (_, sweep, b) = by_query(&claims);
        let c = sweep.consensus.unwrap();
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
        let (_, sweep, b) = by_query(&claims);
        assert_eq!(sweep.consensus, None);
        assert_eq!(sweep.estimates, 3);
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
        let (_, sweep, b) = by_query(&claims);
        assert_eq!((sweep.consensus, sweep.estimates), (None, 1));
        assert_eq!(b.floor, Some((20000.0, 4)));
        assert_eq!(b.floors_consistent, None);
    }

    // The range uses stated numbers, not intervals: up to 8 and at least
    // 10 and 12 span 8..12, median 10, 3 sources of 2 affiliations.
    #[test]
    fn range_uses_stated_numbers() {
        let from = |affiliation: u32, c: Claim| Claim { affiliation, ..c };
        let claims = [
            from(0, ceiling(8.0)),
            from(1, floor(10.0)),
            from(1, floor(12.0)),
        ];
        let range = by_query(&claims).0.unwrap();
        assert_eq!((range.low, range.high, range.median), (8.0, 12.0, 10.0));
        assert_eq!((range.sources, range.affiliations), (3, 2));
    }

    // Nothing known: no range, no consensus, no bounds.
    #[test]
    fn empty() {
        assert_eq!(by_query(&[]), (None, Sweep::default(), Bounds::default()));
    }
}

/// The plain-Rust figures against the queries on every shipped dataset.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod shipped {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use super::*;
    use crate::analysis::pairs::{self, Side};
    use crate::analysis::{ClaimView, MetricView, Omission, add_pairs, analyse, robustness};
    use crate::data::load::load;
    use crate::data::{Dataset, Qualifier};

    /// The live claims of `claims` as the plain figures read them
    /// (affiliations numbered by name, the same test as the dataset's
    /// codes).
    fn plain(claims: &[&ClaimView]) -> Vec<Claim> {
        let mut codes: BTreeMap<&str, u32> = BTreeMap::new();
        claims
            .iter()
            .map(|c| {
                let next = codes.len() as u32;
                let (stated_low, stated_high) = c.stated.ends();
                Claim {
                    stated_low,
                    stated_high,
                    point: c.point,
                    affiliation: *codes.entry(c.affiliation.as_str()).or_insert(next),
                    low: c.interval.low,
                    high: c.interval.high,
                    denial: c.interval.is_denial(),
                    kind: match c.qualifier {
                        Qualifier::AtLeast => Kind::Floor,
                        Qualifier::UpTo => Kind::Ceiling,
                        _ => Kind::Estimate,
                    },
                    derived: !c.derived.is_empty(),
                }
            })
            .collect()
    }

    /// Checks every figure of `view` against the plain-Rust versions;
    /// returns how many figures were compared.
    fn check(view: &MetricView, dataset: &Dataset, what: &str) -> usize {
        let live: Vec<&ClaimView> = view.current.iter().filter(|c| !c.stale).collect();
        let claims = plain(&live);
        assert_eq!(view.range, range(&claims), "range, {what}");
        let sweep = consensus(&claims);
        // DESIGN's words too, not only the code the queries replaced.
        assert_eq!(
            sweep,
            super::tests::consensus_brute(&claims),
            "brute consensus, {what}"
        );
        assert_eq!(view.consensus, sweep.consensus, "consensus, {what}");
        assert_eq!(view.tied, sweep.tied, "tied, {what}");
        assert_eq!(view.estimates, sweep.estimates, "estimates, {what}");
        // A bound's tie goes to the first source in sources.csv order.
        let mut by_row = live.clone();
        by_row.sort_by_key(|c| c.source_row);
        let b = bounds(&plain(&by_row), sweep.consensus.as_ref());
        assert_eq!(
            b,
            super::tests::bounds_brute(&plain(&by_row), sweep.consensus.as_ref()),
            "brute bounds, {what}"
        );
        let id = |at: Option<(f64, usize)>| at.map(|(v, i)| (v, by_row[i].id.clone()));
        let got =
            |b: &Option<crate::analysis::Bound>| b.as_ref().map(|b| (b.value, b.claim.clone()));
        assert_eq!(got(&view.bounds.floor), id(b.floor), "floor, {what}");
        assert_eq!(got(&view.bounds.ceiling), id(b.ceiling), "ceiling, {what}");
        assert_eq!(
            (view.bounds.floors, view.bounds.ceilings),
            (b.floors, b.ceilings),
            "bounds, {what}"
        );
        assert_eq!(
            (
                view.bounds.floors_consistent,
                view.bounds.ceilings_consistent
            ),
            (b.floors_consistent, b.ceilings_consistent),
            "consistent bounds, {what}"
        );
        // Pairs by position among the live claims, then in `current`.
        let sides: Vec<Side> = claims
            .iter()
            .map(|c| Side::new(c.low, c.high, c.point, c.affiliation))
            .collect();
        let (mut expected, corroboration) = pairs::pairs(&sides);
        let at: Vec<usize> = (0..view.current.len())
            .filter(|&i| !view.current[i].stale)
            .collect();
        for p in &mut expected {
            (p.a, p.b) = (at[p.a], at[p.b]);
        }
        assert_eq!(view.pairs.as_deref(), Some(&expected[..]), "pairs, {what}");
        // Corroboration leaves derived claims out (docs/figures.md), which
        // the plain pairs do not know: only compare where none is derived.
        if claims.iter().all(|c| !c.derived) {
            let got: Vec<usize> = live.iter().map(|c| c.corroboration).collect();
            assert_eq!(got, corroboration, "corroboration, {what}");
        }
        // Robustness: the figures of the rest, without each omission.
        for row in robustness(view, dataset).unwrap() {
            let party = |c: &ClaimView| dataset.sources[c.source_row].party;
            let kept: Vec<&ClaimView> = live
                .iter()
                .copied()
                .filter(|c| match &row.without {
                    Omission::Source(id) => &c.source != id,
                    Omission::Affiliation(a) => &c.affiliation != a,
                    Omission::Parties => !party(c),
                    Omission::BelowC => c.reliability <= 'C',
                })
                .collect();
            let rest = plain(&kept);
            let what = format!("{what} without {}", row.without.key());
            assert_eq!(row.sources, kept.len(), "sources, {what}");
            assert_eq!(row.range, range(&rest), "range, {what}");
            let sweep = consensus(&rest);
            assert_eq!(row.consensus, sweep.consensus, "consensus, {what}");
            assert_eq!(row.estimates, sweep.estimates, "estimates, {what}");
        }
        1
    }

    // On every shipped dataset, as of every day a claim window ends (the
    // days every timeline draws) and for every metric: range, consensus,
    // ties, bounds, pairs, corroboration and robustness from the queries
    // are the plain-Rust ones.
    #[test]
    fn queries_match_the_plain_figures_on_every_shipped_day() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut compared, mut expected) = (0, 0);
        for folder in crate::data::frames::tests::SHIPPED {
            let dataset = load(&root.join(folder)).unwrap().dataset;
            let days: BTreeSet<_> = (0..dataset.claims.len())
                .map(|row| dataset.claims.claimed_window(row).end)
                .collect();
            expected += days.len() * dataset.metrics.len();
            for day in days {
                let mut analysis = analyse(&dataset, day).unwrap();
                let metrics: Vec<String> = analysis.metrics.keys().cloned().collect();
                let ids: Vec<&str> = metrics.iter().map(String::as_str).collect();
                add_pairs(&mut analysis, &ids).unwrap();
                for (id, view) in &analysis.metrics {
                    compared += check(view, &dataset, &format!("{folder} {id} as of {day}"));
                }
            }
        }
        // Every metric of every dataset on every such day (188 in all).
        assert_eq!(compared, expected);
        assert!(compared >= 188, "{compared} (metric, day) compared");
    }
}

/// Every day of a timeline from the queries against the plain figures
/// over brute-force current claims, on random data.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod timelines {
    use std::path::PathBuf;

    use proptest::prelude::*;

    use super::*;
    use crate::analysis::history;
    use crate::data::frames::tests::{claim, day, metric, source};
    use crate::data::{Claim as Row, Dataset, DateSpec, Qualifier, Stated};

    /// A claim: source, start day offset, window length, qualifier (0
    /// exact, 1 range, 2 at least, 3 up to), low, width.
    type Raw = (usize, u64, u64, u8, u8, u8);

    /// The interval, point and kind of a raw claim (docs/figures.md; no
    /// tolerance: no approx claims here).
    fn plain(raw: &Raw, affiliation: u32) -> Claim {
        let (low, high) = (f64::from(raw.4), f64::from(raw.4) + f64::from(raw.5));
        let (interval, point, kind) = match raw.3 {
            0 => ((low, Some(low)), low, Kind::Estimate),
            1 => ((low, Some(high)), (low + high) / 2.0, Kind::Estimate),
            2 => ((low, None), low, Kind::Floor),
            _ => ((0.0, Some(low)), low, Kind::Ceiling),
        };
        let stated_high = if raw.3 == 1 { high } else { low };
        Claim {
            stated_low: low,
            stated_high,
            point,
            affiliation,
            low: interval.0,
            high: interval.1,
            denial: interval == (0.0, Some(0.0)),
            kind,
            derived: false,
        }
    }

    fn dataset(raw: &[Raw]) -> Dataset {
        let ids = ["s0", "s1", "s2", "s3"];
        let rows: Vec<Row> = raw
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (low, high) = (f64::from(r.4), f64::from(r.4) + f64::from(r.5));
                let (q, stated) = match r.3 {
                    0 => (Qualifier::Exact, Stated::Value(low)),
                    1 => (Qualifier::Range, Stated::Range(low, high, None)),
                    2 => (Qualifier::AtLeast, Stated::Value(low)),
                    _ => (Qualifier::UpTo, Stated::Value(low)),
                };
                let mut c = claim(&format!("c{i:02}"), "m0", ids[r.0], q, stated, "2024-01-01");
                let start = day("2024-01-01") + chrono::Days::new(r.1);
                c.claimed = DateSpec {
                    start,
                    end: start + chrono::Days::new(r.2),
                    ..DateSpec::day(start)
                };
                c
            })
            .collect();
        // s0 and s1 share an affiliation.
        let sources = vec![
            source("s0", "A"),
            source("s1", "A"),
            source("s2", "B"),
            source("s3", "C"),
        ];
        Dataset::new(PathBuf::new(), &rows, sources, vec![metric("m0", 0.1)]).unwrap()
    }

    proptest! {
        // DESIGN §2 from its words, day by day: as of each day a claim
        // window ends, each source's current claim is its known claim
        // (claimed end ≤ the day) with the latest claimed window (end,
        // then start, then the greatest id); the timeline's range and
        // consensus that day are the plain figures over those claims.
        #[test]
        fn every_timeline_day_matches_the_plain_figures(
            raw in prop::collection::vec((0usize..4, 0u64..20, 0u64..3, 0u8..4, 0u8..12, 0u8..5), 1..12),
        ) {
            let dataset = dataset(&raw);
            let window = |r: &Raw| {
                let start = day("2024-01-01") + chrono::Days::new(r.1);
                (start + chrono::Days::new(r.2), start)
            };
            let last = raw.iter().map(|r| window(r).0).max().unwrap();
            let timeline = history(&dataset, "m0", last).unwrap();
            let mut days: Vec<_> = raw.iter().map(|r| window(r).0).collect();
            days.sort();
            days.dedup();
            let got: Vec<_> = timeline.snapshots.iter().map(|s| s.day).collect();
            prop_assert_eq!(&got, &days);
            for snapshot in &timeline.snapshots {
                let d = snapshot.day;
                let mut current: Vec<Claim> = Vec::new();
                for s in 0..4 {
                    let latest = raw
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.0 == s && window(r).0 <= d)
                        .max_by_key(|(i, r)| (window(r), format!("c{i:02}")));
                    if let Some((_, r)) = latest {
                        current.push(plain(r, [0, 0, 1, 2][s]));
                    }
                }
                prop_assert_eq!(snapshot.range, range(&current), "range as of {}", d);
                prop_assert_eq!(snapshot.consensus, consensus(&current).consensus, "consensus as of {}", d);
            }
        }
    }
}
