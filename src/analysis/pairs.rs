//! Pairwise agreement between current claims and corroboration (docs/figures.md),
//! in plain Rust over one metric's current claims.
//!
//! This was a polars self-join of the current claims on (metric, day): 200
//! metrics of 50 sources are half a million joined rows, filtered, and read
//! back into Rust, which cost more than everything else the as-of view
//! computes. The polars query is kept in the tests, and a property test holds
//! this code to its results bit for bit.

use super::Pair;

/// One current claim, as agreement reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Side {
    /// Interval low.
    pub low: f64,
    /// Interval high; +∞ when open above.
    pub high: f64,
    /// The claim's point.
    pub point: f64,
    /// The claim is a denial ([0, 0]).
    pub denial: bool,
    /// Affiliation code.
    pub affiliation: u32,
}

impl Side {
    /// A claim with interval [low, high] (`None`: open above), its point and
    /// affiliation; a denial is the interval [0, 0] (as `intervals` flags it).
    pub fn new(low: f64, high: Option<f64>, point: f64, affiliation: u32) -> Side {
        Side {
            low,
            high: high.unwrap_or(f64::INFINITY),
            point,
            denial: super::Interval { low, high }.is_denial(),
            affiliation,
        }
    }
}

/// Whether two current claims agree (their intervals intersect) and their
/// gap: 0 when they agree, else the distance between the intervals over the
/// larger point. A denial agrees only with denials and is 1 apart from
/// anything else (the formula's value for every claim not reaching down to 0).
pub fn agreement(a: &Side, b: &Side) -> (bool, f64) {
    let agree = a.low <= b.high && b.low <= a.high && a.denial == b.denial;
    let gap = if agree {
        0.0
    } else if a.denial != b.denial {
        1.0
    } else {
        let distance = if a.high < b.low {
            b.low - a.high
        } else {
            a.low - b.high
        };
        // Disjoint intervals have a positive low, so the larger point is > 0.
        let larger = if a.point >= b.point { a.point } else { b.point };
        distance / larger
    };
    (agree, gap)
}

/// Every ordered pair (a, b), a ≠ b, of `current` (one claim per source),
/// sorted by (a, b), naming claims by position; and for each claim its
/// corroboration: how many other affiliations' claims agree with it.
pub fn pairs(current: &[Side]) -> (Vec<Pair>, Vec<usize>) {
    let n = current.len();
    let mut pairs = Vec::with_capacity(n * n.saturating_sub(1));
    let mut corroboration = Vec::with_capacity(n);
    let mut agreeing: Vec<u32> = Vec::new();
    for (a, side_a) in current.iter().enumerate() {
        agreeing.clear();
        for (b, side_b) in current.iter().enumerate() {
            if a == b {
                continue;
            }
            let (agree, gap) = agreement(side_a, side_b);
            pairs.push(Pair { a, b, agree, gap });
            if agree && side_a.affiliation != side_b.affiliation {
                agreeing.push(side_b.affiliation);
            }
        }
        agreeing.sort_unstable();
        agreeing.dedup();
        corroboration.push(agreeing.len());
    }
    (pairs, corroboration)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use polars::prelude::*;
    use proptest::prelude::*;

    use super::*;
    use crate::analysis::asof::keys;
    use crate::analysis::figures::{f64s, u32s};
    use crate::analysis::test_util::bools;

    /// One side of the polars self-join, its columns suffixed `_a` or `_b`;
    /// an open upper end becomes +∞ so comparisons need no null handling.
    fn side(current: &LazyFrame, suffix: &str) -> LazyFrame {
        let named = |c: &str| format!("{c}_{suffix}");
        current.clone().select([
            col("metric"),
            col("day"),
            col("source").alias(named("source")),
            col("affiliation").alias(named("affiliation")),
            col("row").alias(named("row")),
            col("low").alias(named("low")),
            col("high")
                .fill_null(lit(f64::INFINITY))
                .alias(named("high")),
            col("point").alias(named("point")),
            col("denial").alias(named("denial")),
        ])
    }

    /// The polars query this module replaced: every ordered pair of
    /// different sources' current claims per (metric, day), with `agree`
    /// and `gap`.
    fn polars_pairs(current: &LazyFrame) -> LazyFrame {
        let (a, b) = (side(current, "a"), side(current, "b"));
        let agree = col("low_a")
            .lt_eq(col("high_b"))
            .and(col("low_b").lt_eq(col("high_a")))
            .and(col("denial_a").eq(col("denial_b")));
        let distance = when(col("high_a").lt(col("low_b")))
            .then(col("low_b") - col("high_a"))
            .otherwise(col("low_a") - col("high_b"));
        let larger = when(col("point_a").gt_eq(col("point_b")))
            .then(col("point_a"))
            .otherwise(col("point_b"));
        a.join(b, keys(), keys(), JoinArgs::new(JoinType::Inner))
            .filter(col("source_a").neq(col("source_b")))
            .with_column(agree.alias("agree"))
            .with_column(
                when(col("agree"))
                    .then(lit(0.0))
                    .when(col("denial_a").neq(col("denial_b")))
                    .then(lit(1.0))
                    .otherwise(distance / larger)
                    .alias("gap"),
            )
    }

    /// The polars corroboration query: per (metric, day, row_a), how many
    /// other affiliations' current claims agree with the claim `row_a`.
    fn polars_corroboration(pairs: LazyFrame) -> LazyFrame {
        pairs
            .filter(col("agree").and(col("affiliation_a").neq(col("affiliation_b"))))
            .group_by([col("metric"), col("day"), col("row_a")])
            .agg([col("affiliation_b")
                .n_unique()
                .cast(DataType::UInt32)
                .alias("corroboration")])
    }

    /// Claims as (low, high, point, affiliation); source i is claim i. A
    /// denial is [0, 0], as `intervals` flags it.
    type Claim = (f64, Option<f64>, f64, u32);

    /// The polars queries' pairs (sorted by source, named by position) and
    /// corroboration of `claims`.
    fn by_polars(claims: &[Claim]) -> (Vec<Pair>, Vec<usize>) {
        let n = claims.len();
        let current = df! {
            "metric" => vec![0u32; n],
            "day" => vec![0i32; n],
            "source" => (0..n as u32).collect::<Vec<_>>(),
            "affiliation" => claims.iter().map(|c| c.3).collect::<Vec<_>>(),
            "row" => (0..n as u32).collect::<Vec<_>>(),
            "low" => claims.iter().map(|c| c.0).collect::<Vec<_>>(),
            "high" => claims.iter().map(|c| c.1).collect::<Vec<_>>(),
            "point" => claims.iter().map(|c| c.2).collect::<Vec<_>>(),
            "denial" => claims.iter().map(|c| c.1 == Some(0.0)).collect::<Vec<_>>(),
        }
        .unwrap()
        .lazy();
        let out = polars_pairs(&current).collect().unwrap();
        let (a, b) = (
            u32s(&out, "source_a").unwrap(),
            u32s(&out, "source_b").unwrap(),
        );
        let (agree, gap) = (bools(&out, "agree"), f64s(&out, "gap").unwrap());
        let mut pairs: Vec<Pair> = (0..out.height())
            .map(|i| Pair {
                a: a[i] as usize,
                b: b[i] as usize,
                agree: agree[i].unwrap(),
                gap: gap[i],
            })
            .collect();
        pairs.sort_by_key(|p| (p.a, p.b));
        let counts = polars_corroboration(out.lazy()).collect().unwrap();
        let rows = u32s(&counts, "row_a").unwrap();
        let k = u32s(&counts, "corroboration").unwrap();
        let mut corroboration = vec![0; n];
        for (row, k) in rows.into_iter().zip(k) {
            corroboration[row as usize] = k as usize;
        }
        (pairs, corroboration)
    }

    /// Runs the plain-Rust pairs on `claims`.
    fn by_rust(claims: &[Claim]) -> (Vec<Pair>, Vec<usize>) {
        let sides: Vec<Side> = claims
            .iter()
            .map(|&(low, high, point, affiliation)| Side::new(low, high, point, affiliation))
            .collect();
        pairs(&sides)
    }

    /// Denials, closed, degenerate and open claims on a small grid (so that
    /// touching ends are common), points inside or past their intervals.
    fn claim() -> impl Strategy<Value = Claim> {
        (0u8..12, 0u8..5, 0u8..7, 0u32..3, 0u8..4).prop_map(|(low, width, at, aff, kind)| {
            let low = f64::from(low);
            let point = low + f64::from(at) / 3.0;
            match kind {
                0 => (0.0, Some(0.0), 0.0, aff),
                1 => (low, None, point, aff),
                _ => (low, Some(low + f64::from(width)), point, aff),
            }
        })
    }

    proptest! {
        // The plain-Rust pairs and corroboration are the polars queries', bit for bit.
        #[test]
        fn matches_polars(claims in prop::collection::vec(claim(), 1..9)) {
            let (rust, polars) = (by_rust(&claims), by_polars(&claims));
            prop_assert_eq!(rust.1, polars.1);
            prop_assert_eq!(rust.0.len(), polars.0.len());
            for (r, p) in rust.0.iter().zip(&polars.0) {
                prop_assert_eq!((r.a, r.b, r.agree), (p.a, p.b, p.agree));
                prop_assert_eq!(r.gap.to_bits(), p.gap.to_bits());
            }
        }

        // Corroboration from the words of docs/figures.md: the number of
        // *other affiliations* with a live claim that agrees with this one,
        // where two claims agree when their intervals intersect, except that
        // a denial ([0, 0]) agrees only with another denial.
        #[test]
        fn corroboration_matches_brute_force(claims in prop::collection::vec(claim(), 0..9)) {
            let denial = |c: &Claim| c.0 == 0.0 && c.1 == Some(0.0);
            let agree = |a: &Claim, b: &Claim| {
                if denial(a) || denial(b) {
                    return denial(a) && denial(b);
                }
                let end = |c: &Claim| c.1.unwrap_or(f64::INFINITY);
                a.0 <= end(b) && b.0 <= end(a)
            };
            let brute: Vec<usize> = claims
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let mut others: Vec<u32> = claims
                        .iter()
                        .enumerate()
                        .filter(|&(j, b)| j != i && b.3 != a.3 && agree(a, b))
                        .map(|(_, b)| b.3)
                        .collect();
                    others.sort_unstable();
                    others.dedup();
                    others.len()
                })
                .collect();
            prop_assert_eq!(by_rust(&claims).1, brute);
        }
    }

    /// Three current claims: [10, 12] and [11, ∞) by two affiliations, and
    /// [0, 8] by a third affiliation's source.
    fn current() -> Vec<Claim> {
        vec![
            (10.0, Some(12.0), 11.0, 0),
            (11.0, None, 11.0, 1),
            (0.0, Some(8.0), 8.0, 2),
        ]
    }

    // Intersecting intervals agree with gap 0; disjoint ones get distance / larger point.
    #[test]
    fn agreement_and_gap() {
        let (pairs, _) = by_rust(&current());
        let agree: Vec<bool> = pairs.iter().map(|p| p.agree).collect();
        let gap: Vec<f64> = pairs.iter().map(|p| p.gap).collect();
        // (0,1) (0,2) (1,0) (1,2) (2,0) (2,1)
        let order: Vec<(usize, usize)> = pairs.iter().map(|p| (p.a, p.b)).collect();
        assert_eq!(order, [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]);
        assert_eq!(agree, [true, false, true, false, false, false]);
        let (g02, g12) = (2.0 / 11.0, 3.0 / 11.0);
        let expected = [0.0, g02, 0.0, g12, g02, g12];
        for (got, want) in gap.iter().zip(expected) {
            assert!((got - want).abs() < 1e-12, "{got:?} vs {want}");
        }
    }

    // A denial disagrees with "up to" (gap 1) though both contain 0.
    #[test]
    fn denial_disagrees_with_up_to() {
        let claims = [(0.0, Some(0.0), 0.0, 0), (0.0, Some(8.0), 8.0, 1)];
        let (pairs, _) = by_rust(&claims);
        let agree: Vec<bool> = pairs.iter().map(|p| p.agree).collect();
        let gap: Vec<f64> = pairs.iter().map(|p| p.gap).collect();
        assert_eq!(agree, [false, false]);
        assert_eq!(gap, [1.0, 1.0]);
    }

    // Corroboration counts other affiliations whose claim agrees.
    #[test]
    fn corroboration_counts_agreeing_affiliations() {
        let (_, corroboration) = by_rust(&current());
        assert_eq!(corroboration, [1, 1, 0]);
    }
}
