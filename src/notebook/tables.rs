//! The five table kinds of a notebook, as GitHub-flavoured Markdown read
//! straight from the analysis structs. Every number is traceable: claim
//! tables give the claim id, source, document and further reports.

use crate::analysis::{ClaimView, Consensus, Interval, MetricChanges, MetricHistory, MetricView};
use crate::data::{Qualifier, Stated};
use crate::render::markdown::{self, Align};
use crate::render::{self};

/// What a missing figure reads (no claim known yet).
const NONE: &str = "n/a";

/// `ranges`: one row per metric.
pub fn ranges(views: &[&MetricView]) -> String {
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| {
            let mut row = vec![markdown::escape(&v.label)];
            match v.range {
                Some(r) => row.extend([render::span(r.low, r.high), render::number(r.median)]),
                None => row.extend([NONE.into(), NONE.into()]),
            }
            row.push(v.consensus.map_or_else(|| NONE.into(), |c| consensus(&c)));
            row.push(v.consensus.map_or_else(|| NONE.into(), |c| k_of_n(&c)));
            row.push(v.range.map_or(0, |r| r.sources).to_string());
            row.push(v.range.map_or(0, |r| r.affiliations).to_string());
            row
        })
        .collect();
    markdown::table(
        &[
            ("Quantity", Align::Left),
            ("Range", Align::Right),
            ("Median", Align::Right),
            ("Consensus", Align::Right),
            ("Agreement", Align::Right),
            ("Sources", Align::Right),
            ("Affiliations", Align::Right),
        ],
        &rows,
    )
}

/// `claims`: every claim known as of the day, one row each; a Quantity
/// column when the table covers several metrics.
pub fn claims(histories: &[&MetricHistory]) -> String {
    let several = histories.len() > 1;
    let mut rows = Vec::new();
    for history in histories {
        for claim in &history.known {
            let mut row = Vec::new();
            if several {
                row.push(markdown::escape(&history.label));
            }
            row.extend([
                id(&claim.id),
                markdown::escape(&claim.claimed.text),
                markdown::escape(&claim.source_name),
                qualifier(claim.qualifier).into(),
                stated_number(claim.stated),
                interval(&claim.interval),
                markdown::document(&claim.own.document),
                claim
                    .own
                    .outlet
                    .as_deref()
                    .map(markdown::escape)
                    .unwrap_or_default(),
                further(claim),
            ]);
            rows.push(row);
        }
    }
    let mut columns = Vec::new();
    if several {
        columns.push(("Quantity", Align::Left));
    }
    columns.extend([
        ("Claim", Align::Left),
        ("Claimed", Align::Left),
        ("Source", Align::Left),
        ("Qualifier", Align::Left),
        ("Stated", Align::Right),
        ("Interval", Align::Right),
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
                        render::number(r.old.point),
                        render::number(r.new.point),
                        id(&r.old.id),
                        id(&r.new.id)
                    )
                })
                .collect();
            let span = |r: Option<crate::analysis::RangeSummary>| {
                r.map_or_else(|| NONE.into(), |r| render::span(r.low, r.high))
            };
            let agreed = |c: Option<Consensus>| c.map_or_else(|| NONE.into(), |c| consensus(&c));
            vec![
                markdown::escape(&c.label),
                lines(new),
                lines(revised),
                span(c.range_before),
                span(c.range_after),
                agreed(c.consensus_before),
                agreed(c.consensus_after),
            ]
        })
        .collect();
    let headers = [
        format!("Range on {since}"),
        format!("Range on {as_of}"),
        format!("Consensus on {since}"),
        format!("Consensus on {as_of}"),
    ];
    markdown::table(
        &[
            ("Quantity", Align::Left),
            ("New claims", Align::Left),
            ("Revisions (old → new point)", Align::Left),
            (&headers[0], Align::Right),
            (&headers[1], Align::Right),
            (&headers[2], Align::Right),
            (&headers[3], Align::Right),
        ],
        &rows,
    )
}

/// `agreement`: per metric, a source × source matrix of gaps between
/// current claims ("agree" where their intervals meet), headed by the
/// metric's label when the table covers several.
pub fn agreement(views: &[&MetricView]) -> String {
    let mut parts = Vec::new();
    for view in views {
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
            .map(|c| markdown::escape(&c.source_name))
            .collect();
        let mut columns = vec![("Source (claim)", Align::Left)];
        columns.extend(names.iter().map(|n| (n.as_str(), Align::Right)));
        let rows: Vec<Vec<String>> = view
            .current
            .iter()
            .zip(&names)
            .map(|(a, name)| {
                let mut row = vec![format!("{name} ({})", id(&a.id))];
                for b in &view.current {
                    let pair = view
                        .pairs
                        .iter()
                        .find(|p| p.a == a.source && p.b == b.source);
                    row.push(match pair {
                        _ if a.source == b.source => "—".into(),
                        Some(p) if p.agree => "agree".into(),
                        Some(p) => render::number(p.gap),
                        None => NONE.into(),
                    });
                }
                row
            })
            .collect();
        part.push_str(&markdown::table(&columns, &rows));
        parts.push(part);
    }
    parts.join("\n")
}

/// `sources`: every claim the report cites, one row each.
pub fn sources(claims: &[&ClaimView]) -> String {
    let rows: Vec<Vec<String>> = claims
        .iter()
        .map(|c| {
            vec![
                id(&c.id),
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

/// A claim or row id as code (ids are slugs, so nothing to escape).
fn id(id: &str) -> String {
    format!("`{}`", id.replace('`', ""))
}

/// The qualifier in words.
fn qualifier(qualifier: Qualifier) -> &'static str {
    match qualifier {
        Qualifier::Exact => "exact",
        Qualifier::Approx => "approx.",
        Qualifier::AtLeast => "at least",
        Qualifier::UpTo => "up to",
        Qualifier::Range => "range",
    }
}

/// The stated number(s): `8,000`, `10,000–12,000`.
fn stated_number(stated: Stated) -> String {
    match stated {
        Stated::Value(v) => render::number(v),
        Stated::Range(low, high) => render::span(low, high),
    }
}

/// The claim as stated: `up to 8,000`, `about 11,000`, `10,000–12,000`.
pub fn stated(claim: &ClaimView) -> String {
    let number = stated_number(claim.stated);
    match claim.qualifier {
        Qualifier::Exact | Qualifier::Range => number,
        Qualifier::Approx => format!("about {number}"),
        Qualifier::AtLeast => format!("at least {number}"),
        Qualifier::UpTo => format!("up to {number}"),
    }
}

/// An interval: `9,900–12,100`, `10,000 or more`.
fn interval(interval: &Interval) -> String {
    render::interval(interval)
}

/// A consensus stretch, with the count of tied stretches.
fn consensus(c: &Consensus) -> String {
    let stretch = interval(&Interval {
        low: c.low,
        high: c.high,
    });
    match c.others {
        0 => stretch,
        1 => format!("{stretch} (1 other stretch ties)"),
        n => format!("{stretch} ({n} other stretches tie)"),
    }
}

/// "k of n": how many current claims the consensus allows.
fn k_of_n(c: &Consensus) -> String {
    format!("{} of {}", c.support, c.of)
}

/// Further reports of a claim, one per line: row id, outlet, document.
fn further(claim: &ClaimView) -> String {
    let reports: Vec<String> = claim
        .further
        .iter()
        .map(|r| {
            let outlet = r.outlet.as_deref().map(markdown::escape);
            match outlet {
                Some(outlet) => format!(
                    "{} {outlet}, {}",
                    id(&r.row),
                    markdown::document(&r.document)
                ),
                None => format!("{} {}", id(&r.row), markdown::document(&r.document)),
            }
        })
        .collect();
    lines(reports)
}

/// Cell items joined by line breaks (`<br>` is the one HTML GFM tables
/// allow for that); empty when there are none.
fn lines(items: Vec<String>) -> String {
    items.join("<br>")
}
