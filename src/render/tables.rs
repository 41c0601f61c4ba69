//! The five table kinds of a notebook, as GitHub-flavoured Markdown read
//! straight from the analysis structs. Every number is traceable: claim
//! tables give the claim id, source, document and further reports. Every
//! table of every output lives in `render/` (`show`'s in `show.rs`).

use crate::analysis::{ClaimView, MetricChanges, MetricHistory, MetricView};
use crate::error::Result;
use crate::render::markdown::{self, Align};
use crate::render::{self};

use super::cells::{NONE, further, id, interval, lines, qualifier, stated, stated_number};
use crate::parallel;
use crate::render::words;

/// `ranges`: one row per metric.
pub fn ranges(views: &[&MetricView]) -> String {
    let row = |v: &&MetricView| {
        let mut row = vec![markdown::escape(&v.label)];
        match v.range {
            Some(r) => row.extend([
                render::span(r.low, r.high),
                render::figure(r.median, v.decimals),
            ]),
            None => row.extend([NONE.into(), NONE.into()]),
        }
        let outcome = words::Outcome::of(v);
        row.push(words::consensus(&outcome));
        row.push(words::agreement_in_full(&outcome));
        row.push(words::bounds(&v.bounds));
        row.push(v.range.map_or(0, |r| r.sources).to_string());
        row.push(v.range.map_or(0, |r| r.affiliations).to_string());
        row
    };
    // Formatting is a few microseconds a row: a cell of 100,000 metrics
    // shares its rows over the cores (in order: parts are joined as split).
    let rows: Vec<Vec<String>> = parallel::in_parts(views.len(), 4096, |part| {
        views[part].iter().map(row).collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    markdown::table(
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
        &rows,
    )
}

/// `claims`: every claim known as of the day, one row each, with its
/// status among its source's claims (current, stale or superseded) and, for
/// a live current claim, its corroboration; a Quantity column when the
/// table covers several metrics. `views` are the metrics' views, in the
/// order of `histories`.
pub fn claims(histories: &[&MetricHistory], views: &[&MetricView]) -> String {
    let several = histories.len() > 1;
    let mut rows = Vec::new();
    for (history, view) in histories.iter().zip(views) {
        let stated = render::live_stated(view);
        let row = |claim: &ClaimView, status: String, corroboration: String| {
            let mut row = Vec::new();
            if several {
                row.push(markdown::escape(&history.label));
            }
            row.extend([
                id(&claim.id),
                match &claim.refers_to {
                    Some(r) => format!(
                        "{} (describes {})",
                        markdown::escape(&claim.claimed.text),
                        markdown::escape(&r.text)
                    ),
                    None => markdown::escape(&claim.claimed.text),
                },
                format!(
                    "{} ({})",
                    markdown::escape(&claim.source_name),
                    claim.reliability
                ),
                qualifier(claim.qualifier).into(),
                stated_number(claim.stated),
                interval(&render::shown_interval_among(claim, &stated)),
                status,
                corroboration,
                markdown::document(&claim.own.document),
                claim
                    .own
                    .outlet
                    .as_deref()
                    .map(markdown::escape)
                    .unwrap_or_default(),
                further(claim),
            ]);
            row
        };
        for claim in &history.known {
            let current = view.current.iter().find(|c| c.id == claim.id);
            let (status, corroboration) = match current {
                Some(c) if c.stale => ("stale", String::new()),
                Some(c) if !c.derived.is_empty() => ("current", String::new()),
                Some(c) => ("current", c.corroboration.to_string()),
                None => ("superseded", String::new()),
            };
            let stale = current.is_some_and(|c| c.stale);
            // A derived claim says what it is derived from, with its status.
            let status = if claim.derived.is_empty() {
                status.to_string()
            } else {
                let bases: Vec<String> = claim.derived.iter().map(|b| id(b)).collect();
                format!("{status}, derived from {}", bases.join(", "))
            };
            rows.push(row(claim, status, corroboration));
            // Its alternatives follow it, in no figure, stale when it is.
            for alternative in &claim.alternatives {
                let stale = if stale { ", stale" } else { "" };
                let status = format!("alternative of {}{stale}", id(&claim.id));
                rows.push(row(alternative, status, String::new()));
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
    markdown::table(&columns, &rows)
}

/// `changes`: one row per metric, between `since` and `as_of`.
pub fn changes(changes: &[&MetricChanges]) -> String {
    let (since, as_of) = changes
        .first()
        .map(|c| (c.since.to_string(), c.as_of.to_string()))
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = changes
        .iter()
        .map(|c| {
            let new: Vec<String> = c
                .new_claims
                .iter()
                .map(|claim| {
                    format!(
                        "{} {}: {}",
                        id(&claim.id),
                        markdown::escape(&claim.source_name),
                        stated(claim)
                    )
                })
                .collect();
            let revised: Vec<String> = c
                .revisions
                .iter()
                .map(|r| {
                    format!(
                        "{}: {} → {} ({} → {})",
                        markdown::escape(&r.new.source_name),
                        stated(&r.old),
                        stated(&r.new),
                        id(&r.old.id),
                        id(&r.new.id)
                    )
                })
                .collect();
            let span = |r: Option<crate::analysis::RangeSummary>| {
                r.map_or_else(|| NONE.into(), |r| render::span(r.low, r.high))
            };

            vec![
                markdown::escape(&c.label),
                lines(new),
                lines(revised),
                span(c.range_before),
                span(c.range_after),
                words::consensus_at(c.consensus_before.as_ref(), &c.agreement_before, c.decimals),
                words::consensus_at(c.consensus_after.as_ref(), &c.agreement_after, c.decimals),
                words::bounds(&c.bounds_before),
                words::bounds(&c.bounds_after),
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
    markdown::table(
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
        &rows,
    )
}

/// `agreement`: per metric, a source × source matrix of the gaps between
/// live claims in percent of the larger point, as the chart shows them
/// ("agree" where their intervals meet, "stale" for a stale claim), sources
/// by their short labels, headed by the metric's label when the table
/// covers several. Each view's pairs must
/// have been asked for (`analysis::add_pairs`).
pub fn agreement(views: &[&MetricView]) -> Result<String> {
    let mut parts = Vec::new();
    for view in views {
        view.pairs()?;
        let mut part = String::new();
        if views.len() > 1 {
            part.push_str(&format!("**{}**\n\n", markdown::escape(&view.label)));
        }
        if view.current.is_empty() {
            part.push_str(&format!("No claims known as of {}.\n", view.as_of));
            parts.push(part);
            continue;
        }
        let names: Vec<String> = view
            .current
            .iter()
            .map(|c| markdown::escape(&c.source_short))
            .collect();
        let mut columns = vec![("Source (claim)", Align::Left)];
        columns.extend(names.iter().map(|n| (n.as_str(), Align::Right)));
        let rows: Vec<Vec<String>> = view
            .current
            .iter()
            .zip(&names)
            .enumerate()
            .map(|(i, (a, name))| {
                // A derived claim says what it is derived from: its
                // agreement is no independent support.
                let derived = if a.derived.is_empty() {
                    String::new()
                } else {
                    let bases: Vec<String> = a.derived.iter().map(|b| id(b)).collect();
                    format!(", derived from {}", bases.join(", "))
                };
                let mut row = vec![format!("{name} ({}{derived})", id(&a.id))];
                for (j, b) in view.current.iter().enumerate() {
                    row.push(match view.pair(i, j) {
                        _ if a.source == b.source => "—".into(),
                        // A stale claim is paired with none.
                        _ if a.stale || b.stale => "stale".into(),
                        Some(p) if p.agree => "agree".into(),
                        Some(p) => words::gap(p.gap),
                        None => NONE.into(),
                    });
                }
                row
            })
            .collect();
        part.push_str(&markdown::table(&columns, &rows));
        parts.push(part);
    }
    Ok(parts.join("\n"))
}

/// `sources`: every claim the report cites, one row each.
pub fn sources(claims: &[&ClaimView]) -> String {
    let rows: Vec<Vec<String>> = claims
        .iter()
        .map(|c| {
            vec![
                id(&c.id),
                id(&c.metric),
                stated(c),
                markdown::escape(&c.claimed.text),
                markdown::escape(&c.source_name),
                markdown::escape(&c.affiliation),
                markdown::escape(&c.reliability.to_string()),
                c.quote
                    .as_deref()
                    .map(|q| format!("“{}”", markdown::escape(q)))
                    .unwrap_or_default(),
                c.own
                    .outlet
                    .as_deref()
                    .map(markdown::escape)
                    .unwrap_or_default(),
                markdown::document(&c.own.document),
                further(c),
            ]
        })
        .collect();
    markdown::table(
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
        &rows,
    )
}

/// `events`: the events of the report's metrics begun by its as-of day,
/// by date, one row each with the metrics it concerns and its document.
pub fn events(events: &[&crate::data::Event]) -> String {
    let mut sorted = events.to_vec();
    sorted.sort_by_key(|e| (e.date.start, e.date.end));
    let rows: Vec<Vec<String>> = sorted
        .iter()
        .map(|e| {
            let metrics = if e.metrics.is_empty() {
                "all".to_string()
            } else {
                e.metrics
                    .iter()
                    .map(|m| id(m))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            vec![
                markdown::escape(&e.date.text),
                markdown::escape(&e.label),
                metrics,
                e.document
                    .as_deref()
                    .map(markdown::document)
                    .unwrap_or_default(),
                id(&e.id),
            ]
        })
        .collect();
    markdown::table(
        &[
            ("Date", Align::Left),
            ("Event", Align::Left),
            ("Metrics", Align::Left),
            ("Document", Align::Left),
            ("Id", Align::Left),
        ],
        &rows,
    )
}

/// The link to an edition, from the report's folder (an edition's README
/// is relinked from its own folder by `edition::relink`).
fn edition_link(edition: &crate::edition::Edition) -> String {
    format!(
        "[{0}](editions/{0}/README.md)",
        edition.as_of.format("%Y-%m-%d")
    )
}

/// `editions`: the report's editions, newest first: as-of day (a link to
/// the edition), publication day and the commit it was built from.
pub fn editions(editions: &[&crate::edition::Edition]) -> String {
    let rows: Vec<Vec<String>> = editions
        .iter()
        .rev()
        .map(|e| {
            vec![
                edition_link(e),
                e.published.format("%Y-%m-%d").to_string(),
                e.commit.as_deref().map_or_else(
                    || "uncommitted".to_string(),
                    |c| id(&c.chars().take(12).collect::<String>()),
                ),
            ]
        })
        .collect();
    markdown::table(
        &[
            ("Edition (as of)", Align::Left),
            ("Published", Align::Left),
            ("Data and notebook at", Align::Left),
        ],
        &rows,
    )
}

/// The editions as a Markdown list, newest first (the end of a README
/// without an `editions` table).
pub fn edition_list(editions: &[&crate::edition::Edition]) -> String {
    editions
        .iter()
        .rev()
        .map(|e| {
            format!(
                "- {}, published {}\n",
                edition_link(e),
                e.published.format("%Y-%m-%d")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Consensus, Interval, Pair, RangeSummary, Report};
    use crate::data::{DateSpec, Day, Qualifier, Stated};

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
        let text = ranges(&[&full, &empty]);
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
        let text = sources(&[&c]);
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
        let text = agreement(&[&v]).unwrap_or_default();
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
