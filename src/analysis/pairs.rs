//! Pairwise agreement between current claims and corroboration (DESIGN 2):
//! a self-join of the current claims on (metric, day).

use polars::prelude::*;

use super::asof::keys;

/// One side of the self-join, its columns suffixed `_a` or `_b`; an open
/// upper end becomes +∞ so comparisons need no null handling.
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

/// Every ordered pair of different sources' current claims per (metric,
/// day): `agree` when their intervals intersect, `gap` = 0 when they agree,
/// else the distance between the intervals over the larger point. A denial
/// agrees only with denials and is 1 apart from anything else (the formula's
/// value for every claim not reaching down to 0).
pub fn pairs(current: &LazyFrame) -> LazyFrame {
    let (a, b) = (side(current, "a"), side(current, "b"));
    let agree = col("low_a")
        .lt_eq(col("high_b"))
        .and(col("low_b").lt_eq(col("high_a")))
        .and(col("denial_a").eq(col("denial_b")));
    let distance = when(col("high_a").lt(col("low_b")))
        .then(col("low_b") - col("high_a"))
        .otherwise(col("low_a") - col("high_b"));
    // Disjoint intervals have a positive low, so the larger point is > 0.
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

/// Per (metric, day, row_a): how many other affiliations' current claims
/// agree with the current claim `row_a`.
pub fn corroboration(pairs: LazyFrame) -> LazyFrame {
    pairs
        .filter(col("agree").and(col("affiliation_a").neq(col("affiliation_b"))))
        .group_by([col("metric"), col("day"), col("row_a")])
        .agg([col("affiliation_b")
            .n_unique()
            .cast(DataType::UInt32)
            .alias("corroboration")])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::analysis::test_util::bools;

    /// Three current claims: [10, 12] and [11, ∞) by two affiliations, and
    /// [0, 8] by a third affiliation's source.
    fn current() -> LazyFrame {
        df! {
            "metric" => [0u32, 0, 0],
            "day" => [1i32, 1, 1],
            "source" => [0u32, 1, 2],
            "affiliation" => [0u32, 1, 2],
            "row" => [10u32, 11, 12],
            "low" => [10.0, 11.0, 0.0],
            "high" => [Some(12.0), None, Some(8.0)],
            "point" => [11.0, 11.0, 8.0],
            "denial" => [false; 3],
        }
        .unwrap()
        .lazy()
    }

    // Intersecting intervals agree with gap 0; disjoint ones get distance / larger point.
    #[test]
    fn agreement_and_gap() {
        let out = pairs(&current())
            .sort(["source_a", "source_b"], SortMultipleOptions::default())
            .collect()
            .unwrap();
        let agree = bools(&out, "agree");
        let gap = out.column("gap").unwrap().f64().unwrap().to_vec();
        // (0,1) (0,2) (1,0) (1,2) (2,0) (2,1)
        let t = Some(true);
        let f = Some(false);
        assert_eq!(agree, [t, f, t, f, f, f]);
        let (g02, g12) = (2.0 / 11.0, 3.0 / 11.0);
        let expected = [0.0, g02, 0.0, g12, g02, g12];
        for (got, want) in gap.iter().zip(expected) {
            assert!((got.unwrap() - want).abs() < 1e-12, "{got:?} vs {want}");
        }
    }

    // A denial disagrees with "up to" (gap 1) though both contain 0.
    #[test]
    fn denial_disagrees_with_up_to() {
        let current = df! {
            "metric" => [0u32, 0],
            "day" => [1i32, 1],
            "source" => [0u32, 1],
            "affiliation" => [0u32, 1],
            "row" => [0u32, 1],
            "low" => [0.0, 0.0],
            "high" => [0.0, 8.0],
            "point" => [0.0, 8.0],
            "denial" => [true, false],
        }
        .unwrap()
        .lazy();
        let out = pairs(&current).collect().unwrap();
        let agree = bools(&out, "agree");
        let gap = out.column("gap").unwrap().f64().unwrap().to_vec();
        assert_eq!(agree, [Some(false), Some(false)]);
        assert_eq!(gap, [Some(1.0), Some(1.0)]);
    }

    // Corroboration counts other affiliations whose claim agrees.
    #[test]
    fn corroboration_counts_agreeing_affiliations() {
        let out = corroboration(pairs(&current()))
            .sort(["row_a"], SortMultipleOptions::default())
            .collect()
            .unwrap();
        let rows = out.column("row_a").unwrap().u32().unwrap().to_vec();
        let counts = out.column("corroboration").unwrap().u32().unwrap().to_vec();
        assert_eq!(rows, [Some(10), Some(11)]);
        assert_eq!(counts, [Some(1), Some(1)]);
    }
}
