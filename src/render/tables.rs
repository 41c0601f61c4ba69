//! The table kinds of a notebook read straight from the analysis structs,
//! as tables of the document model (`document::Table`: typed cells, each
//! format escapes and lays them out). Every number is traceable: claim
//! tables give the claim id, source, document and further reports. Every
//! table of every output lives in `render/` (`show`'s in `show.rs`).

use crate::analysis::{ClaimView, MetricChanges, MetricHistory, MetricView};
use crate::document::{Align, Block, Span, Table, lines};
use crate::error::Result;
use crate::render::{self};

use super::cells::{NONE, further, id, interval, qualifier, stated, stated_number};
use crate::parallel;
use crate::render::words;

/// A table cell of one span.
fn one(span: Span) -> Vec<Span> {
    vec![span]
}

/// A cell of words.
fn plain(text: impl Into<String>) -> Vec<Span> {
    one(Span::Plain(text.into()))
}

/// A cell of text from the data.
fn text(text: &str) -> Vec<Span> {
    one(Span::text(text))
}

/// A cell of optional text from the data (empty without).
fn text_or_empty(text: Option<&str>) -> Vec<Span> {
    text.map(self::text).unwrap_or_default()
}

/// A figure's cell.
fn number(text: String) -> Vec<Span> {
    one(Span::Number(text))
}

/// "derived from `a`, `b`" after `before` (nothing when not derived).
fn derived_from(before: &str, bases: &[String]) -> Vec<Span> {
    let mut spans = Vec::new();
    for (k, base) in bases.iter().enumerate() {
        spans.push(Span::plain(if k == 0 { before } else { ", " }));
        spans.push(id(base));
    }
    spans
}

/// `ranges`: one row per metric.
pub fn ranges(views: &[&MetricView]) -> Table {
    let row = |v: &&MetricView| {
        let mut row = vec![text(&v.label)];
        match v.range {
            Some(r) => row.extend([
                number(render::span(r.low, r.high)),
                number(render::figure(r.median, v.decimals)),
            ]),
            None => row.extend([plain(NONE), plain(NONE)]),
        }
        let outcome = words::Outcome::of(v);
        row.push(plain(words::consensus(&outcome)));
        row.push(plain(words::agreement_in_full(&outcome)));
        row.push(plain(words::bounds(&v.bounds)));
        row.push(number(v.range.map_or(0, |r| r.sources).to_string()));
        row.push(number(v.range.map_or(0, |r| r.affiliations).to_string()));
        row
    };
    // Formatting is a few microseconds a row: a cell of 100,000 metrics
    // shares its rows over the cores (in order: parts are joined as split).
    let rows: Vec<Vec<Vec<Span>>> = parallel::in_parts(views.len(), 4096, |part| {
        views[part].iter().map(row).collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    Table::new(
        &[
            ("Quantity", Align::Left),
            ("Range", Align::Right),
            ("Median", Align::Right),
            ("Consensus", Align::Right),
            ("Agreement", Align::Right),
            ("Bounds", Align::Right),
            ("Sources", Align::Right),
            ("Affiliations", Align::Right),
        ],
        rows,
    )
}

/// `claims`: every claim known as of the day, one row each, with its
/// status among its source's claims (current, stale or superseded) and, for
/// a live current claim, its corroboration; a Quantity column when the
/// table covers several metrics. `views` are the metrics' views, in the
/// order of `histories`.
pub fn claims(histories: &[&MetricHistory], views: &[&MetricView]) -> Table {
    let several = histories.len() > 1;
    let mut rows = Vec::new();
    for (history, view) in histories.iter().zip(views) {
        let stated = render::live_stated(view);
        let row = |claim: &ClaimView, status: Vec<Span>, corroboration: Vec<Span>| {
            let mut row = Vec::new();
            if several {
                row.push(text(&history.label));
            }
            let claimed = match &claim.refers_to {
                Some(r) => vec![
                    Span::text(&claim.claimed.text),
                    Span::plain(" (describes "),
                    Span::text(&r.text),
                    Span::plain(")"),
                ],
                None => text(&claim.claimed.text),
            };
            row.extend([
                one(id(&claim.id)),
                claimed,
                vec![
                    Span::text(&claim.source_name),
                    Span::Plain(format!(" ({})", claim.reliability)),
                ],
                plain(qualifier(claim.qualifier)),
                number(stated_number(claim.stated)),
                number(interval(&render::shown_interval_among(claim, &stated))),
                status,
                corroboration,
                one(Span::document(&claim.own.document)),
                text_or_empty(claim.own.outlet.as_deref()),
                further(claim),
            ]);
            row
        };
        for claim in &history.known {
            let current = view.current.iter().find(|c| c.id == claim.id);
            let (status, corroboration) = match current {
                Some(c) if c.stale => ("stale", Vec::new()),
                Some(c) if !c.derived.is_empty() => ("current", Vec::new()),
                Some(c) => ("current", number(c.corroboration.to_string())),
                None => ("superseded", Vec::new()),
            };
            let stale = current.is_some_and(|c| c.stale);
            // A derived claim says what it is derived from, with its status.
            let mut status = plain(status);
            status.extend(derived_from(", derived from ", &claim.derived));
            rows.push(row(claim, status, corroboration));
            // Its alternatives follow it, in no figure, stale when it is.
            for alternative in &claim.alternatives {
                let status = vec![
                    Span::plain("alternative of "),
                    id(&claim.id),
                    Span::plain(if stale { ", stale" } else { "" }),
                ];
                rows.push(row(alternative, status, Vec::new()));
            }
        }
    }
    let mut columns = Vec::new();
    if several {
        columns.push(("Quantity", Align::Left));
    }
    columns.extend([
        ("Claim", Align::Left),
        ("Claimed", Align::Left),
        ("Source (grade)", Align::Left),
        ("Qualifier", Align::Left),
        ("Stated", Align::Right),
        ("Interval", Align::Right),
        ("Status", Align::Left),
        ("Corroboration", Align::Right),
        ("Document", Align::Left),
        ("Outlet", Align::Left),
        ("Further reports", Align::Left),
    ]);
    Table::new(&columns, rows)
}

/// `changes`: one row per metric, between `since` and `as_of`.
pub fn changes(changes: &[&MetricChanges]) -> Table {
    let (since, as_of) = changes
        .first()
        .map(|c| (c.since.to_string(), c.as_of.to_string()))
        .unwrap_or_default();
    let rows: Vec<Vec<Vec<Span>>> = changes
        .iter()
        .map(|c| {
            let new: Vec<Vec<Span>> = c
                .new_claims
                .iter()
                .map(|claim| {
                    vec![
                        id(&claim.id),
                        Span::plain(" "),
                        Span::text(&claim.source_name),
                        Span::Plain(format!(": {}", stated(claim))),
                    ]
                })
                .collect();
            let revised: Vec<Vec<Span>> = c
                .revisions
                .iter()
                .map(|r| {
                    vec![
                        Span::text(&r.new.source_name),
                        Span::Plain(format!(": {} → {} (", stated(&r.old), stated(&r.new))),
                        id(&r.old.id),
                        Span::plain(" → "),
                        id(&r.new.id),
                        Span::plain(")"),
                    ]
                })
                .collect();
            let span = |r: Option<crate::analysis::RangeSummary>| match r {
                Some(r) => number(render::span(r.low, r.high)),
                None => plain(NONE),
            };
            vec![
                text(&c.label),
                lines(new),
                lines(revised),
                span(c.range_before),
                span(c.range_after),
                plain(words::consensus_at(
                    c.consensus_before.as_ref(),
                    &c.agreement_before,
                    c.decimals,
                )),
                plain(words::consensus_at(
                    c.consensus_after.as_ref(),
                    &c.agreement_after,
                    c.decimals,
                )),
                plain(words::bounds(&c.bounds_before)),
                plain(words::bounds(&c.bounds_after)),
            ]
        })
        .collect();
    let headers = [
        format!("Range on {since}"),
        format!("Range on {as_of}"),
        format!("Consensus on {since}"),
        format!("Consensus on {as_of}"),
        format!("Bounds on {since}"),
        format!("Bounds on {as_of}"),
    ];
    Table::new(
        &[
            ("Quantity", Align::Left),
            ("New claims", Align::Left),
            ("Revisions (old → new claim)", Align::Left),
            (&headers[0], Align::Right),
            (&headers[1], Align::Right),
            (&headers[2], Align::Right),
            (&headers[3], Align::Right),
            (&headers[4], Align::Right),
            (&headers[5], Align::Right),
        ],
        rows,
    )
}

/// `agreement`: per metric, a source × source matrix of the gaps between
/// live claims in percent of the larger point, as the chart shows them
/// ("agree" where their intervals meet, "stale" for a stale claim), sources
/// by their short labels, headed by the metric's label when the table
/// covers several. Each view's pairs must
/// have been asked for (`analysis::add_pairs`).
pub fn agreement(views: &[&MetricView]) -> Result<Vec<Block>> {
    let mut blocks = Vec::new();
    for view in views {
        view.pairs()?;
        if views.len() > 1 {
            blocks.push(Block::Paragraph(vec![Span::Strong(text(&view.label))]));
        }
        if view.current.is_empty() {
            blocks.push(Block::Paragraph(plain(format!(
                "No claims known as of {}.",
                view.as_of
            ))));
            continue;
        }
        let mut columns = vec![(plain("Source (claim)"), Align::Left)];
        columns.extend(
            view.current
                .iter()
                .map(|c| (text(&c.source_short), Align::Right)),
        );
        let rows: Vec<Vec<Vec<Span>>> = view
            .current
            .iter()
            .enumerate()
            .map(|(i, a)| {
                // A derived claim says what it is derived from: its
                // agreement is no independent support.
                let mut first = vec![Span::text(&a.source_short), Span::plain(" ("), id(&a.id)];
                first.extend(derived_from(", derived from ", &a.derived));
                first.push(Span::plain(")"));
                let mut row = vec![first];
                for (j, b) in view.current.iter().enumerate() {
                    row.push(plain(match view.pair(i, j) {
                        _ if a.source == b.source => "—".into(),
                        // A stale claim is paired with none.
                        _ if a.stale || b.stale => "stale".into(),
                        Some(p) if p.agree => "agree".into(),
                        Some(p) => words::gap(p.gap),
                        None => NONE.into(),
                    }));
                }
                row
            })
            .collect();
        blocks.push(Block::Table(Table { columns, rows }));
    }
    Ok(blocks)
}

/// `sources`: every claim the report cites, one row each.
pub fn sources(claims: &[&ClaimView]) -> Table {
    let rows: Vec<Vec<Vec<Span>>> = claims
        .iter()
        .map(|c| {
            vec![
                one(id(&c.id)),
                one(id(&c.metric)),
                plain(stated(c)),
                text(&c.claimed.text),
                text(&c.source_name),
                text(&c.affiliation),
                text(&c.reliability.to_string()),
                c.quote.as_deref().map_or_else(Vec::new, |q| {
                    vec![Span::plain("“"), Span::text(q), Span::plain("”")]
                }),
                text_or_empty(c.own.outlet.as_deref()),
                one(Span::document(&c.own.document)),
                further(c),
            ]
        })
        .collect();
    Table::new(
        &[
            ("Claim", Align::Left),
            ("Metric", Align::Left),
            ("Stated", Align::Right),
            ("Claimed", Align::Left),
            ("Source", Align::Left),
            ("Affiliation", Align::Left),
            ("Reliability", Align::Left),
            ("Quote", Align::Left),
            ("Outlet", Align::Left),
            ("Document", Align::Left),
            ("Further reports", Align::Left),
        ],
        rows,
    )
}

/// `events`: the events of the report's metrics begun by its as-of day,
/// by date, one row each with the metrics it concerns and its document.
pub fn events(events: &[&crate::data::Event]) -> Table {
    let mut sorted = events.to_vec();
    sorted.sort_by_key(|e| (e.date.start, e.date.end));
    let rows: Vec<Vec<Vec<Span>>> = sorted
        .iter()
        .map(|e| {
            let metrics = if e.metrics.is_empty() {
                plain("all")
            } else {
                let mut spans = Vec::new();
                for (k, metric) in e.metrics.iter().enumerate() {
                    if k > 0 {
                        spans.push(Span::plain(" "));
                    }
                    spans.push(id(metric));
                }
                spans
            };
            vec![
                text(&e.date.text),
                text(&e.label),
                metrics,
                e.document
                    .as_deref()
                    .map(|d| one(Span::document(d)))
                    .unwrap_or_default(),
                one(id(&e.id)),
            ]
        })
        .collect();
    Table::new(
        &[
            ("Date", Align::Left),
            ("Event", Align::Left),
            ("Metrics", Align::Left),
            ("Document", Align::Left),
            ("Id", Align::Left),
        ],
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Consensus, Interval, Pair, RangeSummary, Report};
    use crate::data::{DateSpec, Day, Qualifier, Stated};
    use crate::render::readme::blocks_text;

    /// A table as Markdown.
    fn md(table: Table) -> String {
        blocks_text(&[Block::Table(table)])
    }

    /// A day from its ISO text.
    fn day(text: &str) -> Day {
        Day::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    /// A hand-built claim by `source` stating `value` with `qualifier`.
    fn claim(id: &str, source: &str, qualifier: Qualifier, value: f64) -> ClaimView {
        let high = match qualifier {
            Qualifier::AtLeast => None,
            _ => Some(value),
        };
        ClaimView {
            id: id.into(),
            metric: "m".into(),
            source: source.into(),
            source_name: format!("{source} | <i>name</i>"),
            source_short: format!("{source} | <i>name</i>"),
            affiliation: "Ukraine".into(),
            source_row: 0,
            source_color: None,
            reliability: 'B',
            qualifier,
            stated: Stated::Value(value),
            interval: Interval { low: value, high },
            point: value,
            claimed: DateSpec::day(day("2024-11-04")),
            own: Report {
                row: id.into(),
                outlet: Some("Outlet".into()),
                document: "https://example.com/d".into(),
                published: None,
                restated: None,
            },
            further: vec![Report {
                row: format!("{id}_r"),
                outlet: None,
                document: "javascript:alert(1)".into(),
                published: None,
                restated: None,
            }],
            quote: Some("a [quote]".into()),
            refers_to: None,
            derived: Vec::new(),
            alternatives: Vec::new(),
            corroboration: 0,
            stale: false,
        }
    }

    /// A view of metric `m` with the given current claims.
    fn view(current: Vec<ClaimView>, pairs: Vec<Pair>) -> MetricView {
        MetricView {
            metric: "m".into(),
            label: "Troops *here*".into(),
            unit: "troops".into(),
            as_of: day("2024-11-05"),
            decimals: 1,
            range: (!current.is_empty()).then_some(RangeSummary {
                low: 10000.0,
                high: 12000.5,
                median: 11000.0,
                sources: 2,
                affiliations: 1,
            }),
            consensus: (!current.is_empty()).then_some(Consensus {
                low: 10000.0,
                high: None,
                support: 2,
                of: 2,
                affiliations: 1,
            }),
            tied: Vec::new(),
            estimates: if current.is_empty() { 0 } else { 2 },
            bounds: Default::default(),
            current,
            pairs: Some(pairs),
        }
    }

    // A ranges row formats every figure; a metric without claims reads n/a
    // for its range and "none" for consensus, agreement and bounds.
    #[test]
    fn ranges_rows() {
        let full = view(vec![claim("a", "s1", Qualifier::Exact, 10000.0)], vec![]);
        let empty = view(vec![], vec![]);
        let text = md(ranges(&[&full, &empty]));
        let lines: Vec<&str> = text.lines().skip(2).collect();
        assert_eq!(
            lines,
            [
                "| Troops \\*here\\* | 10,000–12,000.5 | 11,000 | 10,000 or more | 2 of 2 \
                 estimates, both from Ukraine | none | 2 | 1 |",
                "| Troops \\*here\\* | n/a | n/a | none | no estimate | none | 0 | 0 |",
            ]
        );
    }

    // A claim row links only web documents and lists its further reports.
    #[test]
    fn sources_rows_are_traceable_and_escaped() {
        let c = claim("c1", "s1", Qualifier::AtLeast, 10000.0);
        let text = md(sources(&[&c]));
        assert_eq!(
            text.lines().nth(2),
            Some(
                "| `c1` | `m` | at least 10,000 | 2024-11-04 | s1 \\| &lt;i&gt;name&lt;/i&gt; | Ukraine | B | “a \\[quote\\]” | Outlet | \
                 [example.com](https://example.com/d) | `c1_r` javascript:alert(1) |"
            )
        );
        assert_eq!(stated(&c), "at least 10,000");
    }

    // The agreement matrix shows "agree", the gap, or a dash on the diagonal.
    #[test]
    fn agreement_matrix() {
        let pair = |a: usize, b: usize, agree: bool, gap: f64| Pair { a, b, agree, gap };
        let v = view(
            vec![
                claim("a", "s1", Qualifier::Exact, 10000.0),
                claim("b", "s2", Qualifier::Exact, 12000.0),
            ],
            vec![pair(0, 1, false, 1.0 / 6.0), pair(1, 0, true, 0.0)],
        );
        let text = blocks_text(&agreement(&[&v]).unwrap_or_default());
        let rows: Vec<&str> = text.lines().skip(2).collect();
        assert_eq!(
            rows,
            [
                "| s1 \\| &lt;i&gt;name&lt;/i&gt; (`a`) | — | 17% |",
                "| s2 \\| &lt;i&gt;name&lt;/i&gt; (`b`) | agree | — |",
            ]
        );
    }
}
