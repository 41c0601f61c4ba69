//! Text renderers: number and date formatting shared by every output, the
//! `check` summary, `show`/`changes` output and Markdown tables. Renderers
//! return strings; only `write.rs` decides where bytes go.

mod cells;
pub mod csv;
pub mod markdown;
pub mod metrics;
pub mod readme;
pub mod robustness;
pub mod show;
pub mod tables;
pub mod words;

use crate::analysis::{ClaimView, Interval};
use crate::data::load::Loaded;
use crate::data::{Qualifier, Stated};

/// Output format of `show` and `changes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable terminal table.
    Text,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// JSON: one object per metric.
    Json,
    /// CSV, one row per metric with every figure (`show` only).
    Csv,
}

pub use crate::text::number;

/// A claim as stated (`about 11,000`), as every table writes it.
pub use cells::stated;

/// Two numbers with an en dash, or one when they are equal:
/// `10,000–12,000`, `11,000`.
pub fn span(low: f64, high: f64) -> String {
    if number(low) == number(high) {
        number(low)
    } else {
        format!("{}–{}", number(low), number(high))
    }
}

/// A figure computed from the claims (a median, a consensus end) at its
/// metric's precision, `decimals` places (DESIGN §2, Precision shown):
/// whole deaths give a median of 1,494, not 1,493.5.
pub fn figure(value: f64, decimals: u32) -> String {
    number(crate::text::round_half_even(value, decimals))
}

/// An interval end at `decimals` places, unless rounding would carry it
/// across or onto a number in `stated` (another claim's): 976.5–1,193.5
/// beside an exact 1,194 is not shown as 976–1,194.
pub fn end_at(value: f64, decimals: u32, stated: &[f64]) -> f64 {
    let shown = crate::text::round_half_even(value, decimals);
    let side = |x: f64, s: f64| x.partial_cmp(&s);
    if stated.iter().any(|&s| side(value, s) != side(shown, s)) {
        value
    } else {
        shown
    }
}

/// The stated number(s): `8,000`, `10,000–12,000`, and a range with its
/// central estimate `4,645 (793–8,498)`.
pub fn stated_number(stated: Stated) -> String {
    match stated {
        Stated::Value(v) => number(v),
        Stated::Range(low, high, None) => span(low, high),
        Stated::Range(low, high, Some(central)) => {
            format!("{} ({})", number(central), span(low, high))
        }
    }
}

/// An interval: `10,000–12,000`, `11,000`, or `150,000 or more` when open.
pub fn interval(interval: &Interval) -> String {
    match interval.high {
        Some(high) => span(interval.low, high),
        None => format!("{} or more", number(interval.low)),
    }
}

/// A claim's interval as shown: ends derived from a tolerance (`approx`)
/// get no more decimals than the stated number, so "about 43,421" at ±5%
/// reads 41,250–45,592, not 41,249.95–45,592.05. The analysis keeps the
/// exact interval; only what is shown is rounded.
pub fn shown_interval(claim: &ClaimView) -> Interval {
    shown_interval_among(claim, &[])
}

/// The numbers the live current claims of `view` state (a range's low and
/// high, any other claim's value): what a shown end must not cross.
pub fn live_stated(view: &crate::analysis::MetricView) -> Vec<f64> {
    view.current
        .iter()
        .filter(|c| !c.stale)
        .flat_map(|c| <[f64; 2]>::from(c.stated.ends()))
        .collect()
}

/// [`shown_interval`], except that an end keeps its decimals where
/// rounding would carry it across or onto a number in `stated` (the other
/// live claims'): "about 1,085" beside an exact 1,194 reads
/// 976.5–1,193.5, not 977–1,194 (DESIGN §2, Precision shown).
pub fn shown_interval_among(claim: &ClaimView, stated: &[f64]) -> Interval {
    if claim.qualifier != Qualifier::Approx {
        return claim.interval;
    }
    let (value, _) = claim.stated.ends();
    let decimals = crate::data::number::decimals(value);
    let round = |v: f64| end_at(v, decimals, stated);
    Interval {
        low: round(claim.interval.low),
        high: claim.interval.high.map(round),
    }
}

/// What `check` prints on success: the warnings, then one summary line.
pub fn check_summary(loaded: &Loaded) -> String {
    let mut out = String::new();
    for warning in &loaded.warnings {
        out.push_str(&warning.to_string());
        out.push('\n');
    }
    let dataset = &loaded.dataset;
    let count = |n: usize, one: &str, many: &str| format!("{n} {}", words::plural(n, one, many));
    // A repeat is a further report of a claim, never a claim of its own
    // (docs/data.md), so it is counted apart.
    let records = dataset.claims.records();
    let repeats = records.iter().filter(|r| r.origin.is_some()).count();
    let claims = match repeats {
        0 => count(records.len(), "claim", "claims"),
        _ => format!(
            "{} and {}",
            count(records.len() - repeats, "claim", "claims"),
            count(repeats, "repeat", "repeats")
        ),
    };
    out.push_str(&format!(
        "ok: {claims}, {}, {}, {}\n",
        count(dataset.sources.len(), "source", "sources"),
        count(dataset.metrics.len(), "metric", "metrics"),
        count(loaded.warning_count, "warning", "warnings"),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Thousands separators, at most two decimals, trailing zeros dropped.
    #[test]
    fn numbers() {
        assert_eq!(number(9900.0), "9,900");
        assert_eq!(number(112.5), "112.5");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(1234567.891), "1,234,567.89");
        assert_eq!(number(100.004), "100");
        assert_eq!(number(999.999), "1,000");
        assert_eq!(number(-0.001), "0");
        assert_eq!(number(-1500.0), "-1,500");
    }

    // Ranges use an en dash; an open upper bound reads "or more".
    #[test]
    fn intervals() {
        assert_eq!(span(10000.0, 12000.0), "10,000–12,000");
        assert_eq!(span(11000.0, 11000.0), "11,000");
        let open = Interval {
            low: 150000.0,
            high: None,
        };
        assert_eq!(interval(&open), "150,000 or more");
    }
}
