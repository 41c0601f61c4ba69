//! The interval and point of every claim (docs/figures.md table), as polars
//! expressions over the claims frame: they depend only on the qualifier, the
//! stated numbers and the metric's tolerance.

use polars::prelude::*;

use crate::data::Qualifier;

/// Adds `low`, `high` (null = open above) and `point` to a claims frame.
///
/// | qualifier  | interval          | point   |
/// |------------|-------------------|---------|
/// | exact v    | [v, v]            | v       |
/// | approx v   | [v(1−t), v(1+t)]  | v       |
/// | at_least v | [v, +∞)           | v       |
/// | up_to v    | [0, v]            | v       |
/// | range l..h | [l, h]            | (l+h)/2 |
///
/// Also adds `denial`: the interval is [0, 0] ("no troops"). A denial meets
/// only other denials (docs/figures.md): with plain closed intervals [0, 0]
/// would touch every `up_to` interval [0, v] at 0, but "up to 12,000" says
/// that some troops are there, so it does not agree with "none".
pub fn with_intervals(claims: LazyFrame) -> LazyFrame {
    let is = |q: Qualifier| col("qualifier").eq(lit(q as u32));
    let value = || col("stated_low");
    let tolerance = || col("tolerance");
    // v · (1 ± t) as the exact decimal it is (`scale` = 10^decimals, from
    // the loader; 0 leaves it as computed): half away from zero, the ends
    // being ≥ 0.
    let exact = |end: Expr| {
        let scale = || col("scale");
        when(scale().gt(lit(0.0)))
            .then(
                (end.clone() * scale() + lit(0.5))
                    .cast(DataType::Int64)
                    .cast(DataType::Float64)
                    / scale(),
            )
            .otherwise(end)
    };
    claims
        .with_columns([
            when(is(Qualifier::Approx))
                .then(exact(value() * (lit(1.0) - tolerance())))
                .when(is(Qualifier::UpTo))
                .then(lit(0.0))
                .otherwise(col("stated_low"))
                .alias("low"),
            when(is(Qualifier::Approx))
                .then(exact(value() * (lit(1.0) + tolerance())))
                .when(is(Qualifier::AtLeast))
                .then(lit(NULL).cast(DataType::Float64))
                .otherwise(col("stated_high"))
                .alias("high"),
            // For a value both stated numbers are v, so this is v exactly;
            // a range with a central estimate has that as its point.
            col("central")
                .fill_null((col("stated_low") + col("stated_high")) / lit(2.0))
                .alias("point"),
        ])
        .with_column(super::query::denial().alias("denial"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::analysis::test_util::bools;

    // Each qualifier gets the interval and point of the docs/figures.md table.
    #[test]
    fn table_of_design_2() {
        let df = df! {
            "qualifier" => Qualifier::ALL.map(|q| q as u32),
            "stated_low" => [5.0, 100.0, 7.0, 8.0, 10.0],
            "stated_high" => [5.0, 100.0, 7.0, 8.0, 20.0],
            "central" => [None, None, None, None, None::<f64>],
            "scale" => [0.0, 100.0, 0.0, 0.0, 0.0],
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
        let denial = bools(&out, "denial");
        assert_eq!(denial, [Some(false); 5]);
    }

    // Only an interval [0, 0] is a denial: exact 0, up_to 0, approx 0; not at_least 0.
    #[test]
    fn denials() {
        let df = df! {
            "qualifier" => [Qualifier::Exact, Qualifier::UpTo, Qualifier::Approx, Qualifier::AtLeast, Qualifier::Range].map(|q| q as u32),
            "stated_low" => [0.0, 0.0, 0.0, 0.0, 0.0],
            "stated_high" => [0.0, 0.0, 0.0, 0.0, 5.0],
            "central" => [None, None, None, None, None::<f64>],
            "scale" => [0.0, 0.0, 10.0, 0.0, 0.0],
            "tolerance" => [0.1; 5],
        }
        .unwrap();
        let out = with_intervals(df.lazy()).collect().unwrap();
        let denial = bools(&out, "denial");
        let (t, f) = (Some(true), Some(false));
        assert_eq!(denial, [t, t, t, f, f]);
    }
}
