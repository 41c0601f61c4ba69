//! The interval and point of every claim (DESIGN 2 table), as polars
//! expressions over the claims frame: they depend only on the qualifier, the
//! stated numbers and the metric's tolerance.

use polars::prelude::*;

/// Adds `low`, `high` (null = open above) and `point` to a claims frame.
///
/// | qualifier  | interval          | point   |
/// |------------|-------------------|---------|
/// | exact v    | [v, v]            | v       |
/// | approx v   | [v(1−t), v(1+t)]  | v       |
/// | at_least v | [v, +∞)           | v       |
/// | up_to v    | [0, v]            | v       |
/// | range l..h | [l, h]            | (l+h)/2 |
pub fn with_intervals(claims: LazyFrame) -> LazyFrame {
    let is = |q: &str| col("qualifier").eq(lit(q.to_string()));
    let value = || col("stated_low");
    let tolerance = || col("tolerance");
    claims.with_columns([
        when(is("approx"))
            .then(value() * (lit(1.0) - tolerance()))
            .when(is("up_to"))
            .then(lit(0.0))
            .otherwise(col("stated_low"))
            .alias("low"),
        when(is("approx"))
            .then(value() * (lit(1.0) + tolerance()))
            .when(is("at_least"))
            .then(lit(NULL).cast(DataType::Float64))
            .otherwise(col("stated_high"))
            .alias("high"),
        // For a value both stated numbers are v, so this is v exactly.
        ((col("stated_low") + col("stated_high")) / lit(2.0)).alias("point"),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each qualifier gets the interval and point of the DESIGN 2 table.
    #[test]
    fn table_of_design_2() {
        let df = df! {
            "qualifier" => ["exact", "approx", "at_least", "up_to", "range"],
            "stated_low" => [5.0, 100.0, 7.0, 8.0, 10.0],
            "stated_high" => [5.0, 100.0, 7.0, 8.0, 20.0],
            "tolerance" => [0.1, 0.25, 0.1, 0.1, 0.1],
        }
        .unwrap();
        let out = with_intervals(df.lazy()).collect().unwrap();
        let get = |name: &str| out.column(name).unwrap().f64().unwrap().to_vec();
        assert_eq!(
            get("low"),
            [Some(5.0), Some(75.0), Some(7.0), Some(0.0), Some(10.0)]
        );
        assert_eq!(
            get("high"),
            [Some(5.0), Some(125.0), None, Some(8.0), Some(20.0)]
        );
        assert_eq!(
            get("point"),
            [Some(5.0), Some(100.0), Some(7.0), Some(8.0), Some(15.0)]
        );
    }
}
