//! Robustness (DESIGN §2) as people read it: a table per metric of the
//! figures without each omission, each change from the full figures
//! marked, and a sentence naming the omissions that break or move the
//! consensus; and the `robustness` list of `show --format json`.

use serde_json::{Value, json};

use crate::analysis::{Consensus, MetricView, RangeSummary, RobustnessRow};
use crate::document::{Align, Block, Span, Table};
use crate::render::{figure, span, words};

/// How an omission leaves the consensus.
fn effect(view: &MetricView, row: &RobustnessRow) -> &'static str {
    let stretch = |c: &Consensus| (c.low, c.high);
    match (&view.consensus, &row.consensus) {
        (Some(_), None) => "breaks the consensus",
        (None, Some(_)) => "makes a consensus",
        (Some(a), Some(b)) if stretch(a) != stretch(b) && !row.robust => "moves the consensus",
        (Some(a), Some(b)) if stretch(a) != stretch(b) => {
            "shifts the consensus (still overlapping)"
        }
        _ => "robust",
    }
}

/// The consensus in words at the metric's precision.
fn consensus(view: &MetricView, c: Option<&Consensus>) -> String {
    words::consensus_with_agreement(&words::Outcome::bare(c, view.decimals))
}

/// "8,000–11,000".
fn range(r: Option<&RangeSummary>) -> String {
    r.map_or_else(|| words::NONE.to_owned(), |r| span(r.low, r.high))
}

/// "10,000".
fn median(view: &MetricView, r: Option<&RangeSummary>) -> String {
    r.map_or_else(
        || words::NONE.to_owned(),
        |r| figure(r.median, view.decimals),
    )
}

/// The sentence under a metric's table: "Robust: …", or which omissions
/// break or move the consensus.
pub fn verdict(view: &MetricView, rows: &[RobustnessRow]) -> String {
    let named = |what: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| effect(view, r) == what)
            .map(|r| r.label.clone())
            .collect()
    };
    let list = |items: Vec<String>| match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    };
    let (breaks, moves, makes) = (
        named("breaks the consensus"),
        named("moves the consensus"),
        named("makes a consensus"),
    );
    if rows.is_empty() {
        return "No live claim to leave out.".to_owned();
    }
    let mut parts = Vec::new();
    if !breaks.is_empty() {
        parts.push(format!("without {} there is no consensus", list(breaks)));
    }
    if !moves.is_empty() {
        parts.push(format!(
            "without {} the consensus moves off the full one",
            list(moves)
        ));
    }
    if !makes.is_empty() {
        parts.push(format!("without {} a consensus appears", list(makes)));
    }
    if parts.is_empty() {
        "Robust: no omission breaks or moves the consensus.".to_owned()
    } else {
        format!("Not robust: {}.", parts.join("; "))
    }
}

/// `robustness`: per metric, the full figures then one row per omission,
/// each figure that differs from the full one in bold, and the verdict.
pub fn table(metrics: &[(&MetricView, &[RobustnessRow])]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let plain = |text: String| vec![Span::Plain(text)];
    for (view, rows) in metrics {
        if metrics.len() > 1 {
            blocks.push(Block::Paragraph(vec![Span::Strong(vec![Span::text(
                &view.label,
            )])]));
        }
        let full_range = range(view.range.as_ref());
        let full_median = median(view, view.range.as_ref());
        let full_consensus = consensus(view, view.consensus.as_ref());
        let marked = |text: String, full: &str| {
            if text == full {
                plain(text)
            } else {
                vec![Span::Strong(plain(text))]
            }
        };
        let mut table_rows = vec![vec![
            plain("nothing (every live claim)".to_owned()),
            vec![Span::Number(
                view.range.map_or(0, |r| r.sources).to_string(),
            )],
            plain(full_range.clone()),
            plain(full_median.clone()),
            plain(full_consensus.clone()),
            Vec::new(),
        ]];
        for row in rows.iter() {
            table_rows.push(vec![
                vec![Span::text(&row.label)],
                vec![Span::Number(row.sources.to_string())],
                marked(range(row.range.as_ref()), &full_range),
                marked(median(view, row.range.as_ref()), &full_median),
                marked(consensus(view, row.consensus.as_ref()), &full_consensus),
                plain(effect(view, row).to_owned()),
            ]);
        }
        blocks.push(Block::Table(Table::new(
            &[
                ("Without", Align::Left),
                ("Sources", Align::Right),
                ("Range", Align::Right),
                ("Median", Align::Right),
                ("Consensus", Align::Right),
                ("Effect", Align::Left),
            ],
            table_rows,
        )));
        blocks.push(Block::Paragraph(vec![Span::text(verdict(view, rows))]));
    }
    blocks
}

/// The terminal lines of `show --robustness`.
pub fn text(view: &MetricView, rows: &[RobustnessRow]) -> String {
    let mut out = String::from("\nrobustness (figures without each):\n");
    for row in rows {
        out.push_str(&format!(
            "  without {}: {} sources, range {}, median {}, consensus {} — {}\n",
            crate::text::clean(&row.label),
            row.sources,
            range(row.range.as_ref()),
            median(view, row.range.as_ref()),
            consensus(view, row.consensus.as_ref()),
            effect(view, row)
        ));
    }
    out.push_str(&format!("  {}\n", crate::text::clean(&verdict(view, rows))));
    out
}

/// The `robustness` list of `show --format json` (DESIGN §4).
pub fn json(rows: &[RobustnessRow]) -> Value {
    rows.iter()
        .map(|row| {
            json!({
                "without": row.without.key(),
                "sources": row.sources,
                "range": row.range.map_or(Value::Null, |r| json!({
                    "low": super::show::json::num(r.low),
                    "high": super::show::json::num(r.high),
                })),
                "median": row.range.map_or(Value::Null, |r| super::show::json::num(r.median)),
                "consensus": super::show::json::consensus(row.consensus.as_ref()),
                "robust": row.robust,
            })
        })
        .collect()
}
