//! Every figure of docs/figures.md over groups of current claims, as polars
//! queries: the one production implementation of staleness, range,
//! median, the consensus sweep, bounds, pairwise agreement and
//! corroboration. A group is whatever a caller asks the figures of — a
//! (metric, day) of the as-of view or of `changes`, a day of a timeline,
//! an omission of a robustness table — named by a `group` column, so one
//! query serves every caller and every day of every timeline at once (never
//! a query per day).
//!
//! The input frame has one row per current claim: `group` (u32), `day`
//! (i32, the day number the group is as of), `row`, `source`, `affiliation`,
//! `qualifier` (u32), `stated_low`, `stated_high`, `low`, `high` (null: open
//! above), `point` (f64), `denial`, `derived` (bool), `refers_end` (i32) and
//! `stale_after` (i64, null: never stale). The frames of `data::frames` with
//! the intervals of `intervals::with_intervals` have them all but `group`
//! and `day`.

use polars::prelude::*;

use crate::data::Qualifier;

/// The figures of every group, as the queries leave them (read back into
/// [`Group`](super::figures::Group)s by `figures`).
pub struct Computed {
    /// Every current claim with `stale`, sorted by (group, source):
    /// `group`, `row`, `source`, `affiliation`, `low`, `high`, `point`,
    /// `stale` (empty unless [`Wanted::All`]).
    pub claims: DataFrame,
    /// Per group with a live claim: `low`, `high`, `median`, `sources`,
    /// `affiliations`.
    pub range: DataFrame,
    /// Per group with a live estimate that is not derived: `estimates`.
    pub estimates: DataFrame,
    /// The stretches reaching the largest support k ≥ 2 of their group, by
    /// (group, start): `low`, `high` (+∞: open above), `denial`, `support`.
    /// One stretch is the consensus; two or more tie.
    pub reaching: DataFrame,
    /// Per group whose consensus is one stretch: `affiliations` of the
    /// estimates covering it.
    pub affiliations: DataFrame,
    /// Per group with a live floor: `count`, `value` and `row` of the
    /// greatest, `met` (see `bounds`; empty unless [`Wanted::All`]).
    pub floors: DataFrame,
    /// Per group with a live ceiling: the same, of the least.
    pub ceilings: DataFrame,
}

/// A claim is stale as of its group's day when the period it describes
/// ended more than its metric's `stale_after` days before (docs/figures.md).
pub fn stale() -> Expr {
    (col("day").cast(DataType::Int64) - col("refers_end").cast(DataType::Int64))
        .gt(col("stale_after"))
        .fill_null(lit(false))
}

/// A denial: the interval [0, 0] (the one statement of the rule as an
/// expression; `Interval::is_denial` is the same rule on a read-back
/// interval).
pub fn denial() -> Expr {
    col("low")
        .eq(lit(0.0))
        .and(col("high").eq(lit(0.0)))
        .fill_null(lit(false))
}

/// The claim's qualifier is `q`.
fn is(q: Qualifier) -> Expr {
    col("qualifier").eq(lit(q as u32))
}

/// An estimate (exact, approx, range), not a floor or ceiling.
fn estimate() -> Expr {
    is(Qualifier::AtLeast).or(is(Qualifier::UpTo)).not()
}

/// Which figures a caller reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// Every figure, and the current claims marked stale or not.
    All,
    /// Range and consensus only (the bands of a timeline).
    Bands,
}

/// The columns the queries read of the input (see the module docs).
const INPUT: [&str; 15] = [
    "group",
    "day",
    "row",
    "source",
    "affiliation",
    "qualifier",
    "stated_low",
    "stated_high",
    "low",
    "high",
    "point",
    "denial",
    "derived",
    "refers_end",
    "stale_after",
];

/// The input columns of the queries, for a caller that gathers rows of a
/// wider frame.
pub fn input_columns() -> &'static [&'static str] {
    &INPUT[..]
}

/// Runs the figure queries `wanted` over `current` (see the module docs).
/// With [`Wanted::Bands`], `claims`, `floors` and `ceilings` are empty.
pub fn compute(current: LazyFrame, wanted: Wanted) -> PolarsResult<Computed> {
    let marked = current
        .select(INPUT.map(col))
        .with_column(stale().alias("stale"));
    let claims = match wanted {
        Wanted::All => marked
            .clone()
            .select(
                [
                    "group",
                    "row",
                    "source",
                    "affiliation",
                    "low",
                    "high",
                    "point",
                    "stale",
                ]
                .map(col),
            )
            .sort_by_exprs(
                [col("group"), col("source")],
                SortMultipleOptions::default(),
            )
            .collect()?,
        Wanted::Bands => DataFrame::empty(),
    };
    let live = marked.filter(col("stale").not()).collect()?;
    let live = || live.clone().lazy();
    let estimates = live()
        .filter(estimate().and(col("derived").not()))
        .collect()?;
    let estimates = || estimates.clone().lazy();
    let range = range(live()).collect()?;
    let counted = estimates()
        .group_by([col("group")])
        .agg([len().cast(DataType::UInt32).alias("estimates")])
        .collect()?;
    let reaching = sweep(estimates())?.collect()?;
    let single = reaching
        .clone()
        .lazy()
        .filter(len().over([col("group")])?.eq(lit(1u32)));
    let affiliations = supporting(estimates(), single.clone()).collect()?;
    let (floors, ceilings) = match wanted {
        Wanted::All => (
            bounds(live(), single.clone(), true).collect()?,
            bounds(live(), single, false).collect()?,
        ),
        Wanted::Bands => (DataFrame::empty(), DataFrame::empty()),
    };
    Ok(Computed {
        claims,
        range,
        estimates: counted,
        reaching,
        affiliations,
        floors,
        ceilings,
    })
}

/// The range of each group's live claims: least and greatest stated
/// number (not the intervals), median of the points (linear interpolation
/// at 0.5), how many sources and distinct affiliations.
fn range(live: LazyFrame) -> LazyFrame {
    live.group_by([col("group")]).agg([
        col("stated_low").min().alias("low"),
        col("stated_high").max().alias("high"),
        col("point").median().alias("median"),
        len().cast(DataType::UInt32).alias("sources"),
        col("affiliation")
            .n_unique()
            .cast(DataType::UInt32)
            .alias("affiliations"),
    ])
}

/// The consensus sweep over each group's estimates (docs/figures.md): their
/// interval ends as events sorted by position, and at one position denial
/// opens, denial closes, opens, closes (opening first makes touching
/// intervals share their end; the denial phases first make a denial meet
/// only denials). The cumulative sum after an opening is the coverage of
/// the stretch from there to the next event; the stretches whose coverage
/// is the group's largest k, when k ≥ 2, are returned.
fn sweep(estimates: LazyFrame) -> PolarsResult<LazyFrame> {
    let phase = |denial: i32, other: i32| {
        when(col("denial"))
            .then(lit(denial))
            .otherwise(lit(other))
            .alias("phase")
    };
    let opens = estimates.clone().select([
        col("group"),
        col("low").alias("pos"),
        phase(0, 2),
        lit(1i32).alias("delta"),
    ]);
    let closes = estimates.select([
        col("group"),
        col("high").fill_null(lit(f64::INFINITY)).alias("pos"),
        phase(1, 3),
        lit(-1i32).alias("delta"),
    ]);
    // Sorted by group first, each group's events sum to 0 (an opening and
    // a closing per estimate): the running sum over the whole frame is each
    // group's own, and the event after an opening is in its group (the
    // group's last event is a closing).
    Ok(concat([opens, closes], UnionArgs::default())?
        .sort_by_exprs(
            [col("group"), col("pos"), col("phase")],
            SortMultipleOptions::default(),
        )
        .with_columns([
            col("delta").cum_sum(false).alias("cover"),
            col("pos")
                .shift(lit(-1))
                .fill_null(lit(f64::INFINITY))
                .alias("next"),
        ])
        .filter((col("phase") % lit(2)).eq(lit(0)))
        .with_column(col("cover").max().over([col("group")])?.alias("k"))
        .filter(col("cover").eq(col("k")).and(col("k").gt_eq(lit(2))))
        .select([
            col("group"),
            col("pos").alias("low"),
            col("next").alias("high"),
            col("phase").eq(lit(0)).alias("denial"),
            col("k").cast(DataType::UInt32).alias("support"),
        ]))
}

/// How many distinct affiliations the estimates covering each single
/// consensus stretch come from: a denial stretch is covered by denials
/// only, any other by the other estimates.
fn supporting(estimates: LazyFrame, single: LazyFrame) -> LazyFrame {
    let stretch = single.select([
        col("group"),
        col("low").alias("c_low"),
        col("high").alias("c_high"),
        col("denial").alias("c_denial"),
    ]);
    estimates
        .join(
            stretch,
            [col("group")],
            [col("group")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            col("denial")
                .eq(col("c_denial"))
                .and(col("low").lt_eq(col("c_low")))
                .and(col("c_high").lt_eq(col("high").fill_null(lit(f64::INFINITY)))),
        )
        .group_by([col("group")])
        .agg([col("affiliation")
            .n_unique()
            .cast(DataType::UInt32)
            .alias("affiliations")])
}

/// The bounds of each group's live claims, floors (`floor`) or ceilings:
/// per group, how many (`count`), the greatest floor or least ceiling
/// (`value`) and its claim (`row`; the first by source on a tie), and —
/// with a consensus — how many meet its stretch (`met`, null without one):
/// a floor v when v ≤ its end, a ceiling v when v ≥ its start; a denial
/// consensus (0) only a bound of 0, as a denial agrees only with denials.
fn bounds(live: LazyFrame, single: LazyFrame, floor: bool) -> LazyFrame {
    let stretch = single.select([
        col("group"),
        col("low").alias("c_low"),
        col("high").alias("c_high"),
    ]);
    let (qualifier, value) = if floor {
        (Qualifier::AtLeast, "stated_low")
    } else {
        (Qualifier::UpTo, "stated_high")
    };
    let zero = col("c_low").eq(lit(0.0)).and(col("c_high").eq(lit(0.0)));
    let meets = if floor {
        col(value).lt_eq(col("c_high"))
    } else {
        col(value).gt_eq(col("c_low"))
    };
    let meets = when(zero).then(col(value).eq(lit(0.0))).otherwise(meets);
    live.filter(is(qualifier))
        .join(
            stretch,
            [col("group")],
            [col("group")],
            JoinArgs::new(JoinType::Left),
        )
        .sort_by_exprs(
            [col("group"), col(value), col("source")],
            SortMultipleOptions::default().with_order_descending_multi([false, floor, false]),
        )
        .group_by([col("group")])
        .agg([
            len().cast(DataType::UInt32).alias("count"),
            col(value).first().alias("value"),
            col("row").first().alias("row"),
            when(col("c_low").first().is_null())
                .then(lit(NULL).cast(DataType::UInt32))
                .otherwise(meets.sum().cast(DataType::UInt32))
                .alias("met"),
        ])
}

/// Every ordered pair (a, b) of different sources' live claims per group,
/// with `agree` (their intervals intersect, and a denial meets only
/// denials) and `gap` (0 when they agree; 1 between a denial and anything
/// else; else the distance between the intervals over the larger point),
/// sorted by (group, a, b). `current` has `group`, `at` (the claim's
/// position, naming it in the pairs), `affiliation`, `low`, `high` (null:
/// open above), `point`, `denial` and `derived`.
pub fn pairs(current: LazyFrame) -> LazyFrame {
    let side = |suffix: &str| {
        let named = |c: &str| format!("{c}_{suffix}");
        current.clone().select([
            col("group"),
            col("at").alias(named("at")),
            col("affiliation").alias(named("affiliation")),
            col("low").alias(named("low")),
            col("high")
                .fill_null(lit(f64::INFINITY))
                .alias(named("high")),
            col("point").alias(named("point")),
            col("denial").alias(named("denial")),
            col("derived").alias(named("derived")),
        ])
    };
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
    side("a")
        .join(
            side("b"),
            [col("group")],
            [col("group")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col("at_a").neq(col("at_b")))
        .with_column(agree.alias("agree"))
        .with_column(
            when(col("agree"))
                .then(lit(0.0))
                .when(col("denial_a").neq(col("denial_b")))
                .then(lit(1.0))
                .otherwise(distance / larger)
                .alias("gap"),
        )
        .sort_by_exprs(
            [col("group"), col("at_a"), col("at_b")],
            SortMultipleOptions::default(),
        )
}

/// Each claim's corroboration from [`pairs`]: per (group, a), how many
/// other affiliations' claims agree with it, a derived claim neither giving
/// nor receiving it (docs/figures.md). Claims no one corroborates are
/// absent (0).
pub fn corroboration(pairs: LazyFrame) -> LazyFrame {
    pairs
        .filter(
            col("agree")
                .and(col("affiliation_a").neq(col("affiliation_b")))
                .and(col("derived_a").not())
                .and(col("derived_b").not()),
        )
        .group_by([col("group"), col("at_a")])
        .agg([col("affiliation_b")
            .n_unique()
            .cast(DataType::UInt32)
            .alias("corroboration")])
}
