//! Pairwise agreement between current claims and corroboration in plain
//! Rust: the production implementation until they became a polars join
//! ([`query::pairs`](super::query::pairs)), kept only in the tests (this
//! module is compiled for them alone), which hold the query to it bit for
//! bit and to a brute force from docs/figures.md's words.

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
    use crate::analysis::figures::{f64s, u32s};
    use crate::analysis::query;
    use crate::analysis::test_util::bools;

    /// Claims as (low, high, point, affiliation); source i is claim i. A
    /// denial is [0, 0], as `intervals` flags it.
    type Claim = (f64, Option<f64>, f64, u32);

    /// The production queries' pairs ([`query::pairs`], named by
    /// position) and corroboration ([`query::corroboration`]) of `claims`.
    fn by_polars(claims: &[Claim]) -> (Vec<Pair>, Vec<usize>) {
        let n = claims.len();
        let current = df! {
            "group" => vec![0u32; n],
            "at" => (0..n as u32).collect::<Vec<_>>(),
            "affiliation" => claims.iter().map(|c| c.3).collect::<Vec<_>>(),
            "low" => claims.iter().map(|c| c.0).collect::<Vec<_>>(),
            "high" => claims.iter().map(|c| c.1).collect::<Vec<_>>(),
            "point" => claims.iter().map(|c| c.2).collect::<Vec<_>>(),
            "derived" => vec![false; n],
        }
        .unwrap()
        .lazy()
        .with_column(query::denial().alias("denial"));
        let out = query::pairs(current).collect().unwrap();
        let (a, b) = (u32s(&out, "at_a").unwrap(), u32s(&out, "at_b").unwrap());
        let (agree, gap) = (bools(&out, "agree"), f64s(&out, "gap").unwrap());
        let pairs: Vec<Pair> = (0..out.height())
            .map(|i| Pair {
                a: a[i] as usize,
                b: b[i] as usize,
                agree: agree[i].unwrap(),
                gap: gap[i],
            })
            .collect();
        let counts = query::corroboration(out.lazy()).collect().unwrap();
        let rows = u32s(&counts, "at_a").unwrap();
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
        // The polars queries' pairs and corroboration are the plain-Rust
        // ones, bit for bit.
        #[test]
        fn matches_polars(claims in prop::collection::vec(claim(), 0..9)) {
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
            prop_assert_eq!(&by_polars(&claims).1, &brute);
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
        let (pairs, _) = by_polars(&current());
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
        let (pairs, _) = by_polars(&claims);
        let agree: Vec<bool> = pairs.iter().map(|p| p.agree).collect();
        let gap: Vec<f64> = pairs.iter().map(|p| p.gap).collect();
        assert_eq!(agree, [false, false]);
        assert_eq!(gap, [1.0, 1.0]);
    }

    // Corroboration counts other affiliations whose claim agrees.
    #[test]
    fn corroboration_counts_agreeing_affiliations() {
        let (_, corroboration) = by_polars(&current());
        assert_eq!(corroboration, [1, 1, 0]);
    }
}
