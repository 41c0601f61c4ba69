//! As-of frames. In production, one: the claims the scans picked as of a
//! day, with their intervals, tagged with the day ([`on_day`]). The polars
//! as-of queries the scans replaced — origin claims, claims known as of a
//! day, each source's current claim — are kept only to check
//! them ([`scan`](super::scan) picks in plain Rust; see the crate docs).

use polars::prelude::*;

use super::intervals::with_intervals;

/// The claims of `claims` (a claims frame of rows the scans picked as of
/// day number `day`) with their intervals, tagged with the day.
pub fn on_day(claims: LazyFrame, day: i32) -> LazyFrame {
    with_intervals(claims).with_column(lit(day).alias("day"))
}

/// Origin claims with their intervals: a row with `origin` is a report of
/// its origin claim, not a claim of its own (docs/figures.md, collapsing
/// repeats). The scans' [`known_origin`](super::scan::known_origin) in
/// polars, kept to check them.
#[cfg(test)]
pub fn origins(claims: LazyFrame) -> LazyFrame {
    with_intervals(claims).filter(col("row").eq(col("root")).and(col("alternative").not()))
}

/// Claims known as of `day` (their `claimed` window ends on or before it),
/// tagged with that day.
#[cfg(test)]
pub fn known(origins: LazyFrame, day: i32) -> LazyFrame {
    origins
        .filter(col("end").lt_eq(lit(day)))
        .with_column(lit(day).alias("day"))
}

/// Columns kept for each current claim.
#[cfg(test)]
const CURRENT: [&str; 12] = [
    "row",
    "id",
    "affiliation",
    "stated_low",
    "stated_high",
    "low",
    "high",
    "point",
    "start",
    "end",
    "qualifier",
    "denial",
];

/// The claims that can be a source's current claim per (metric, day):
/// those describing the latest day (`refers_end`), and of those the latest
/// (end, start) `claimed` window, each picked with a window maximum (no
/// sort of every known claim, and no id needed).
#[cfg(test)]
fn latest(known: LazyFrame) -> PolarsResult<LazyFrame> {
    // (end, start) as one integer that orders like the pair.
    let window = (col("end").cast(DataType::Int64) * lit(1i64 << 32))
        + (col("start").cast(DataType::Int64) - lit(i64::from(i32::MIN)));
    let group = || [col("metric"), col("day"), col("source")];
    let described = col("refers_end").max().over(group())?;
    let latest = col("window").max().over(group())?;
    Ok(known
        .filter(col("refers_end").eq(described))
        .with_column(window.alias("window"))
        .filter(col("window").eq(latest)))
}

/// Each source's current claim per (metric, day): the known claim with the
/// latest `claimed` window, comparing end, then start, then id. Only the
/// claims [`latest`] keeps can win; sorting those few by id and taking the
/// last row of each group then works because polars keeps the row order
/// within a group. `known` needs an `id` column (at least on the rows
/// [`latest`] keeps). The query `analyse` used before
/// [`scan::Slot`](super::scan::Slot), kept to check it.
#[cfg(test)]
pub fn current(known: LazyFrame) -> PolarsResult<LazyFrame> {
    Ok(latest(known)?
        .sort_by_exprs(
            [col("refers_end"), col("end"), col("start"), col("id")],
            SortMultipleOptions::default(),
        )
        .group_by([col("metric"), col("day"), col("source")])
        .agg(CURRENT.map(|c| col(c).last())))
}

/// [`current`] of a claims frame without ids: the ids of the few rows
/// [`latest`] keeps are looked up in `claims`.
#[cfg(test)]
pub fn current_of(known: LazyFrame, claims: &crate::data::Claims) -> PolarsResult<LazyFrame> {
    let mut latest = latest(known)?.collect()?;
    let ids: Vec<&str> = latest
        .column("row")?
        .u32()?
        .into_no_null_iter()
        .map(|row| claims.id(row as usize))
        .collect();
    latest.with_column(Column::new("id".into(), ids))?;
    current(latest.lazy())
}

/// [`current_of`] with the columns the figures read that it does not keep
/// (`derived`, `refers_end`, `stale_after`), joined from `frame` by row.
#[cfg(test)]
pub fn current_for_figures(
    known: LazyFrame,
    claims: &crate::data::Claims,
    frame: LazyFrame,
) -> PolarsResult<LazyFrame> {
    let more = frame.select([
        col("row"),
        col("derived"),
        col("refers_end"),
        col("stale_after"),
    ]);
    Ok(current_of(known, claims)?.join(
        more,
        [col("row")],
        [col("row")],
        JoinArgs::new(JoinType::Inner),
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The current claims of a test frame, sorted by source.
    fn current_by_source(df: DataFrame) -> DataFrame {
        current(df.lazy())
            .unwrap()
            .sort(["source"], SortMultipleOptions::default())
            .collect()
            .unwrap()
    }

    // The latest window wins: end first, then start, then id; per source.
    #[test]
    fn current_compares_end_start_id() {
        let df = df! {
            "metric" => [0u32, 0, 0, 0, 0],
            "day" => [9i32, 9, 9, 9, 9],
            "source" => [1u32, 1, 1, 1, 2],
            "row" => [0u32, 1, 2, 3, 4],
            "id" => ["e", "d", "b", "c", "a"],
            "affiliation" => [0u32, 0, 0, 0, 1],
            "stated_low" => [1.0, 2.0, 3.0, 4.0, 5.0],
            "stated_high" => [1.0, 2.0, 3.0, 4.0, 5.0],
            "low" => [1.0, 2.0, 3.0, 4.0, 5.0],
            "high" => [1.0, 2.0, 3.0, 4.0, 5.0],
            "point" => [1.0, 2.0, 3.0, 4.0, 5.0],
            "start" => [1i32, 3, 2, 2, 1],
            "end" => [4i32, 4, 4, 4, 1],
            "refers_end" => [4i32, 4, 4, 4, 1],
            "qualifier" => ["exact"; 5],
            "denial" => [false; 5],
        }
        .unwrap();
        let out = current_by_source(df);
        let rows = out.column("row").unwrap().u32().unwrap().to_vec();
        // Source 1: rows 0-3 end on 4; row 1 starts latest (3).
        assert_eq!(rows, [Some(1), Some(4)]);
    }

    use proptest::prelude::*;

    /// A claim of the proptest: source, claimed start and end, refers_to
    /// end, id.
    type Raw = (u32, i32, i32, i32, String);

    /// Naive current claim per source, from DESIGN §2's words: the one
    /// describing the latest time (refers_to end), then the latest claimed
    /// window (end, then start), then the greatest id.
    fn naive(claims: &[Raw]) -> Vec<(u32, u32)> {
        type Key<'a> = (i32, i32, i32, &'a str, u32);
        let mut best: std::collections::BTreeMap<u32, Key> = Default::default();
        for (row, (source, start, end, refers, id)) in claims.iter().enumerate() {
            let candidate = (*refers, *end, *start, id.as_str(), row as u32);
            let entry = best.entry(*source).or_insert(candidate);
            if candidate > *entry {
                *entry = candidate;
            }
        }
        best.into_iter().map(|(s, c)| (s, c.4)).collect()
    }

    proptest! {
        // The polars current-claim selection picks what a naive max picks.
        #[test]
        fn current_matches_naive(
            raw in prop::collection::vec((0u32..3, 0i32..4, 0i32..3, 0i32..3), 1..12)
        ) {
            // Unique ids in an order unrelated to the rows; refers_to ends
            // on or before the claimed window's end.
            let claims: Vec<Raw> = raw
                .iter()
                .enumerate()
                .map(|(i, &(s, start, len, back))| {
                    let id = format!("c{:02}-{i}", (i * 7) % 13);
                    (s, start, start + len, start + len - back, id)
                })
                .collect();
            let n = claims.len();
            let df = df! {
                "metric" => vec![0u32; n],
                "day" => vec![0i32; n],
                "source" => claims.iter().map(|c| c.0).collect::<Vec<_>>(),
                "row" => (0..n as u32).collect::<Vec<_>>(),
                "id" => claims.iter().map(|c| c.4.clone()).collect::<Vec<_>>(),
                "affiliation" => vec![0u32; n],
                "stated_low" => vec![1.0; n],
                "stated_high" => vec![1.0; n],
                "low" => vec![1.0; n],
                "high" => vec![1.0; n],
                "point" => vec![1.0; n],
                "start" => claims.iter().map(|c| c.1).collect::<Vec<_>>(),
                "end" => claims.iter().map(|c| c.2).collect::<Vec<_>>(),
                "refers_end" => claims.iter().map(|c| c.3).collect::<Vec<_>>(),
                "qualifier" => vec!["exact"; n],
                "denial" => vec![false; n],
            }
            .unwrap();
            let out = current_by_source(df);
            let sources = out.column("source").unwrap().u32().unwrap().to_vec();
            let rows = out.column("row").unwrap().u32().unwrap().to_vec();
            let got: Vec<(u32, u32)> = sources.into_iter().zip(rows).map(|(s, r)| (s.unwrap(), r.unwrap())).collect();
            prop_assert_eq!(got, naive(&claims));
        }
    }
}
