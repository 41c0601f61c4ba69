//! `show` and `changes` output: a terminal table, Markdown, or the JSON
//! object of docs/commands.md. Every figure comes from the analysis structs.

pub mod json;

use crate::analysis::{ClaimView, MetricChanges, MetricView, RangeSummary};
use crate::render::Format;
use crate::render::markdown::{self, Align};
use crate::render::{cells, interval, number, span, words};
use crate::text;

/// `show METRIC` with what its flags add: the filter it was computed under
/// (said in every format but CSV), and the robustness rows when asked.
pub fn render_with(
    view: &MetricView,
    format: Format,
    robustness: Option<&[crate::analysis::RobustnessRow]>,
    filter: &crate::analysis::Filter,
) -> String {
    let left_out = filter.words();
    match format {
        Format::Json => {
            let mut value = json::show_value(view);
            if let Some(rows) = robustness {
                value["robustness"] = super::robustness::json(rows);
            }
            if !left_out.is_empty() {
                value["filter"] = serde_json::Value::from(left_out);
            }
            format!("{value:#}\n")
        }
        Format::Csv => render(view, format),
        Format::Text => {
            let mut out = render(view, format);
            if !left_out.is_empty() {
                out.push_str(&format!("\n{}\n", text::clean(&left_out)));
            }
            if let Some(rows) = robustness {
                out.push_str(&super::robustness::text(view, rows));
            }
            out
        }
        Format::Markdown => {
            let mut out = render(view, format);
            if !left_out.is_empty() {
                out.push_str(&format!("\n*{}*\n", markdown::escape(&left_out)));
            }
            if let Some(rows) = robustness {
                out.push_str("\n### Robustness\n\n");
                out.push_str(&crate::render::readme::blocks_text(
                    &super::robustness::table(&[(view, rows)]),
                ));
            }
            out
        }
    }
}

/// `show METRIC` in the format asked for.
pub fn render(view: &MetricView, format: Format) -> String {
    match format {
        Format::Json => json::show(view),
        Format::Text => text(view),
        Format::Markdown => markdown(view),
        Format::Csv => super::csv::render(&[view]),
    }
}

/// True when nothing of a metric changed: no new claim, no revision, and
/// the same range, consensus and bounds on both days. `changes` leaves such metrics
/// out unless they are asked for by name.
pub fn unchanged(changes: &MetricChanges) -> bool {
    changes.new_claims.is_empty()
        && changes.revisions.is_empty()
        && changes.range_before == changes.range_after
        && changes.consensus_before == changes.consensus_after
        && changes.bounds_before == changes.bounds_after
}

/// `changes` in the format asked for; with no metric to show, text and
/// Markdown say so in one line and JSON is an empty list.
pub fn render_changes(changes: &[MetricChanges], format: Format) -> String {
    if changes.is_empty() && format != Format::Json {
        return "no metric changed\n".to_string();
    }
    match format {
        // The command line refuses csv for `changes`.
        Format::Json | Format::Csv => json::changes(changes),
        Format::Text => changes
            .iter()
            .map(changes_text)
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Markdown => changes
            .iter()
            .map(changes_markdown)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// "8,000–11,000, median 10,000 (3 sources, 2 affiliations)".
pub(crate) fn range_line(range: Option<&RangeSummary>, decimals: u32) -> String {
    range.map_or_else(
        || "none".to_string(),
        |r| {
            format!(
                "{}, median {} ({} {}, {} {})",
                span(r.low, r.high),
                crate::render::figure(r.median, decimals),
                r.sources,
                words::plural(r.sources, "source", "sources"),
                r.affiliations,
                words::plural(r.affiliations, "affiliation", "affiliations"),
            )
        },
    )
}

/// The further reports of a claim: "Business Insider (row id)", or the
/// document when no outlet is named.
fn further(claim: &ClaimView) -> Vec<String> {
    claim
        .further
        .iter()
        .map(|r| {
            let restated = r.restated.map_or_else(String::new, |(q, s)| {
                format!(", restated as {}", cells::stated_as(q, s))
            });
            format!(
                "{} ({}{restated})",
                r.outlet.as_deref().unwrap_or(&r.document),
                r.row
            )
        })
        .collect()
}

/// What else the data says of a claim: what it is derived from, and the
/// other figures its source gave with it ("derived from a b; alternative
/// census: 1,191 (836–1,544)").
fn also(claim: &ClaimView) -> String {
    let mut parts = Vec::new();
    if !claim.derived.is_empty() {
        parts.push(format!("derived from {}", claim.derived.join(" ")));
    }
    for a in &claim.alternatives {
        parts.push(format!(
            "alternative {}: {}",
            a.id,
            cells::stated_as(a.qualifier, a.stated)
        ));
    }
    parts.join("; ")
}

/// The cells of a claim row, unescaped: source, affiliation, qualifier,
/// interval, point, claimed, claim id, further reports.
fn claim_cells(claim: &ClaimView, stated: &[f64]) -> Vec<String> {
    vec![
        claim.source.clone(),
        claim.affiliation.clone(),
        claim.qualifier.to_string(),
        interval(&crate::render::shown_interval_among(claim, stated)),
        number(claim.point),
        match (&claim.refers_to, claim.stale) {
            (Some(r), true) => format!("{} (describes {}, stale)", claim.claimed.text, r.text),
            (Some(r), false) => format!("{} (describes {})", claim.claimed.text, r.text),
            (None, true) => format!("{} (stale)", claim.claimed.text),
            (None, false) => claim.claimed.text.clone(),
        },
        claim.id.clone(),
        further(claim).join("; "),
        also(claim),
    ]
}

/// The claims table's columns: header and alignment (numbers right), for
/// both the terminal and Markdown.
const COLUMNS: [(&str, Align); 9] = [
    ("source", Align::Left),
    ("affiliation", Align::Left),
    ("qualifier", Align::Left),
    ("interval", Align::Right),
    ("point", Align::Right),
    ("claimed", Align::Left),
    ("claim", Align::Left),
    ("further reports", Align::Left),
    ("also", Align::Left),
];

/// Columns aligned by padding to the widest cell (numbers right-aligned).
fn aligned(rows: &[Vec<String>]) -> String {
    let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..COLUMNS.len()).map(width).collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for ((cell, width), (_, align)) in row.iter().zip(&widths).zip(&COLUMNS) {
            let pad = width - cell.chars().count();
            if *align == Align::Right {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
            line.push_str("  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The terminal view: heading, range, consensus, then the claims table.
fn text(view: &MetricView) -> String {
    let mut out = format!(
        "{}: {} ({}), as of {}\n",
        text::clean(&view.metric),
        text::clean(&view.label),
        text::clean(&view.unit),
        view.as_of
    );
    if view.current.is_empty() {
        out.push_str(&format!("no claim known as of {}\n", view.as_of));
        return out;
    }
    out.push_str(&format!(
        "range:     {}\n",
        range_line(view.range.as_ref(), view.decimals)
    ));
    out.push_str(&format!(
        "consensus: {}\n",
        words::consensus_with_agreement(&words::Outcome::of(view))
    ));
    out.push_str(&format!("bounds:    {}\n\n", words::bounds(&view.bounds)));
    let mut rows = vec![COLUMNS.map(|(h, _)| h.to_owned()).to_vec()];
    let stated = crate::render::live_stated(view);
    rows.extend(json::by_row(view).into_iter().map(|claim| {
        claim_cells(claim, &stated)
            .iter()
            .map(|cell| text::clean(cell))
            .collect()
    }));
    out.push_str(&aligned(&rows));
    out
}

/// A GFM table of claims, every cell from the CSVs escaped.
fn claims_table(view: &MetricView) -> String {
    let stated = crate::render::live_stated(view);
    let rows: Vec<Vec<String>> = json::by_row(view)
        .into_iter()
        .map(|c| {
            claim_cells(c, &stated)
                .iter()
                .map(|cell| markdown::escape(cell))
                .collect()
        })
        .collect();
    markdown::table(&COLUMNS, &rows)
}

/// The Markdown view: a heading, range and consensus, the claims table.
fn markdown(view: &MetricView) -> String {
    let mut out = format!(
        "## {} ({}), as of {}\n\n",
        markdown::escape(&view.label),
        markdown::escape(&view.metric),
        view.as_of
    );
    if view.current.is_empty() {
        out.push_str(&format!("No claim known as of {}.\n", view.as_of));
        return out;
    }
    out.push_str(&format!(
        "- Range: {}\n- Consensus: {}\n- Bounds: {}\n\n",
        range_line(view.range.as_ref(), view.decimals),
        words::consensus_with_agreement(&words::Outcome::of(view)),
        words::bounds(&view.bounds)
    ));
    out.push_str(&claims_table(view));
    out
}

/// The lines of one metric's changes, shared by text and Markdown.
fn change_lines(c: &MetricChanges, escape: fn(&str) -> String) -> Vec<String> {
    let mut lines = vec![
        format!(
            "range: {} → {}",
            range_line(c.range_before.as_ref(), c.decimals),
            range_line(c.range_after.as_ref(), c.decimals)
        ),
        format!(
            "consensus: {} → {}",
            words::consensus_at(c.consensus_before.as_ref(), &c.agreement_before, c.decimals),
            words::consensus_at(c.consensus_after.as_ref(), &c.agreement_after, c.decimals)
        ),
        format!(
            "bounds: {} → {}",
            words::bounds(&c.bounds_before),
            words::bounds(&c.bounds_after)
        ),
    ];
    if c.new_claims.is_empty() {
        lines.push("new claims: none".into());
    }
    for n in &c.new_claims {
        lines.push(format!(
            "new claim: {} {} on {} ({})",
            escape(&n.source),
            cells::stated(n),
            escape(&n.claimed.text),
            escape(&n.id)
        ));
    }
    if c.revisions.is_empty() {
        lines.push("revisions: none".into());
    }
    for r in &c.revisions {
        lines.push(format!(
            "revision: {}: {} → {} ({} → {})",
            escape(&r.source),
            cells::stated(&r.old),
            cells::stated(&r.new),
            escape(&r.old.id),
            escape(&r.new.id)
        ));
    }
    lines
}

/// One metric's changes for the terminal.
fn changes_text(c: &MetricChanges) -> String {
    let mut out = format!(
        "{}: {}, {} → {}\n",
        text::clean(&c.metric),
        text::clean(&c.label),
        c.since,
        c.as_of
    );
    for line in change_lines(c, text::clean) {
        out.push_str(&format!("  {line}\n"));
    }
    out
}

/// One metric's changes as a Markdown section.
fn changes_markdown(c: &MetricChanges) -> String {
    let mut out = format!(
        "## {} ({}), {} → {}\n\n",
        markdown::escape(&c.label),
        markdown::escape(&c.metric),
        c.since,
        c.as_of
    );
    for line in change_lines(c, markdown::escape) {
        out.push_str(&format!("- {line}\n"));
    }
    out
}
