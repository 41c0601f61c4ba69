//! `diff` for people: a terminal listing and a pull-request comment in
//! Markdown. Both read the same lines; Markdown escapes every text that
//! came from the CSVs (or from git: chart paths) with
//! [`markdown::escape`]. Numbers are written by the shared formatters.

use serde_json::Value;

use super::compare::{ClaimRef, Edit, describe};
use super::git::ChartChange;
use super::model::{Current, Diff, MetricDiff, Moved, Version, summary};
use crate::analysis::MetricView;
use crate::render::markdown::{self, Align};
use crate::render::show::consensus_line;
use crate::render::show::json::show_value;
use crate::render::words;
use crate::render::{number, span};

/// The hidden marker that starts every Markdown diff, so CI can find and
/// update its earlier comment.
pub const MARKER: &str = "<!-- rangefinder-diff -->";

/// Escapes for Markdown, or leaves text as it is for the terminal.
type Escape = fn(&str) -> String;

fn plain(text: &str) -> String {
    text.to_owned()
}

/// The figure rows of a metric: name and value on each side. Range and
/// consensus are worded as `show` words them; any other figure of the
/// show JSON is listed by its keys.
fn figure_rows(before: Option<&MetricView>, after: Option<&MetricView>) -> Vec<[String; 3]> {
    let absent = || "—".to_owned();
    let side = |view: Option<&MetricView>, pick: &dyn Fn(&MetricView) -> String| {
        view.map_or_else(absent, pick)
    };
    let range = |v: &MetricView, f: &dyn Fn(&crate::analysis::RangeSummary) -> String| {
        v.range.as_ref().map_or_else(|| "none".to_owned(), f)
    };
    let mut rows = vec![
        [
            "range".to_owned(),
            side(before, &|v| range(v, &|r| span(r.low, r.high))),
            side(after, &|v| range(v, &|r| span(r.low, r.high))),
        ],
        [
            "median".to_owned(),
            side(before, &|v| range(v, &|r| number(r.median))),
            side(after, &|v| range(v, &|r| number(r.median))),
        ],
        [
            "sources".to_owned(),
            side(before, &|v| range(v, &sources)),
            side(after, &|v| range(v, &sources)),
        ],
        [
            "consensus".to_owned(),
            side(before, &|v| consensus_line(v.consensus.as_ref())),
            side(after, &|v| consensus_line(v.consensus.as_ref())),
        ],
        [
            "bounds".to_owned(),
            side(before, &|v| words::bounds(&v.bounds)),
            side(after, &|v| words::bounds(&v.bounds)),
        ],
    ];
    // Figures the show JSON gains later appear without a change here.
    let (x, y) = (before.map(show_value), after.map(show_value));
    let known = ["metric", "as_of", "range", "consensus", "bounds", "claims"];
    let keys: std::collections::BTreeSet<&String> = [&x, &y]
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|o| o.keys())
        .filter(|k| !known.contains(&k.as_str()))
        .collect();
    for key in keys {
        let cell = |v: &Option<Value>| {
            v.as_ref()
                .map_or_else(absent, |v| v[key.as_str()].to_string())
        };
        rows.push([key.clone(), cell(&x), cell(&y)]);
    }
    rows
}

/// "5 (4 affiliations)".
fn sources(r: &crate::analysis::RangeSummary) -> String {
    let what = words::plural(r.affiliations, "affiliation", "affiliations");
    format!("{} ({} {what})", r.sources, r.affiliations)
}

/// "approx 12,000 on 2025-03-08".
fn current(c: &Current, escape: Escape) -> String {
    format!("{} {} on {}", escape(&c.id), c.stated, escape(&c.claimed))
}

/// A claim as listed: "id (source): approx 11,000, claimed 2024-11-04".
fn claim(c: &ClaimRef, escape: Escape) -> String {
    let origin = c
        .origin
        .as_ref()
        .map_or_else(String::new, |o| format!(", repeats {}", escape(o)));
    format!(
        "{} ({}): {}, claimed {}{origin}",
        escape(&c.id),
        escape(&c.source),
        c.stated,
        escape(&c.claimed)
    )
}

/// An edit: "id (source): value 11,000 → 12,000; claimed …".
fn edit(e: &Edit<ClaimRef>, escape: Escape) -> String {
    let fields: Vec<String> = e.fields.iter().map(|f| escape(&describe(f))).collect();
    format!(
        "{} ({}): {}",
        escape(&e.after.id),
        escape(&e.after.source),
        fields.join("; ")
    )
}

/// A moved current claim in words.
fn moved(m: &Moved, escape: Escape) -> String {
    let what = match (&m.before, &m.after) {
        // Only its staleness changed: it left the figures, or came back.
        (Some(x), Some(y)) if x.id == y.id && x.stated == y.stated && x.claimed == y.claimed => {
            let became = if y.stale {
                "became stale (it no longer counts)"
            } else {
                "is no longer stale (it counts again)"
            };
            format!("current claim {} {became}", current(y, escape))
        }
        (Some(x), Some(y)) if x.id == y.id => format!(
            "current claim {} edited: {} on {} → {} on {}",
            escape(&x.id),
            x.stated,
            escape(&x.claimed),
            y.stated,
            escape(&y.claimed)
        ),
        (Some(x), Some(y)) => format!(
            "current claim {} → {}",
            current(x, escape),
            current(y, escape)
        ),
        (None, Some(y)) => format!("new current claim {}", current(y, escape)),
        (Some(x), None) => format!("no current claim (was {})", current(x, escape)),
        (None, None) => "no current claim".to_owned(),
    };
    let because = if m.because.is_empty() {
        " (no claim of it changed: the day the figures are as of, or the metric's \
         stale_after, moved)"
            .to_owned()
    } else {
        let ids: Vec<String> = m.because.iter().map(|i| escape(i)).collect();
        format!(" (by {})", ids.join(", "))
    };
    format!("{}: {what}{because}", escape(&m.source))
}

/// The lines under a metric: its row edits, claims, and what moved it.
fn metric_lines(m: &MetricDiff, escape: Escape) -> Vec<String> {
    let mut lines = Vec::new();
    if m.before.is_none() && m.after.is_some() {
        lines.push("metric added".to_owned());
    }
    if m.before.is_some() && m.after.is_none() {
        lines.push("metric removed".to_owned());
    }
    for field in &m.row {
        lines.push(format!("metric {}", escape(&describe(field))));
    }
    lines.extend(
        m.added
            .iter()
            .map(|c| format!("added {}", claim(c, escape))),
    );
    lines.extend(
        m.removed
            .iter()
            .map(|c| format!("removed {}", claim(c, escape))),
    );
    lines.extend(
        m.edited
            .iter()
            .map(|e| format!("edited {}", edit(e, escape))),
    );
    lines.extend(
        m.moved
            .iter()
            .map(|x| format!("moved {}", moved(x, escape))),
    );
    for id in &m.unmoved {
        lines.push(format!(
            "{} moved no figure (no source's current claim, before or after)",
            escape(id)
        ));
    }
    lines
}

/// "working tree, as of 2025-03-07".
fn side(version: &Version, view: Option<&MetricView>) -> String {
    match view {
        Some(v) => format!("{}, as of {}", version.short(), v.as_of),
        None => version.short(),
    }
}

/// Sources added, removed, edited, as lines.
fn source_lines(diff: &Diff, escape: Escape) -> Vec<String> {
    let s = &diff.sources;
    let mut lines: Vec<String> = s
        .added
        .iter()
        .map(|i| format!("source added: {}", escape(i)))
        .collect();
    lines.extend(
        s.removed
            .iter()
            .map(|i| format!("source removed: {}", escape(i))),
    );
    for e in &s.edited {
        let fields: Vec<String> = e.fields.iter().map(|f| escape(&describe(f))).collect();
        lines.push(format!(
            "source {}: {}",
            escape(&e.after),
            fields.join("; ")
        ));
    }
    lines
}

/// The terminal listing.
pub fn text(diff: &Diff) -> String {
    let mut out = format!(
        "{} → {}: {}\n",
        diff.a.short(),
        diff.b.short(),
        summary(diff)
    );
    for m in &diff.metrics {
        out.push_str(&format!("\n{}: {}\n", m.metric, m.label()));
        for [name, x, y] in figure_rows(m.before, m.after) {
            let arrow = if x == y {
                "(unchanged)".to_owned()
            } else {
                format!("→ {y}")
            };
            out.push_str(&format!("  {name:<10} {x} {arrow}\n"));
        }
        for line in metric_lines(m, plain) {
            out.push_str(&format!("  {line}\n"));
        }
    }
    let sources = source_lines(diff, plain);
    if !sources.is_empty() {
        out.push('\n');
        for line in sources {
            out.push_str(&format!("{line}\n"));
        }
    }
    if !diff.charts.is_empty() {
        out.push_str("\ncharts changed:\n");
        for chart in &diff.charts {
            out.push_str(&format!("  {} {}\n", status(chart), chart.path()));
        }
    }
    out
}

/// "added", "removed", "changed".
fn status(chart: &ChartChange) -> &'static str {
    match chart {
        ChartChange::Added(_) => "added",
        ChartChange::Removed(_) => "removed",
        ChartChange::Modified(_) => "changed",
    }
}

/// A path in a URL: everything but unreserved characters and `/` encoded.
fn url_path(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'.' | b'-' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The image of `path` at `version`'s commit, from the template; `alt`
/// is "before" or "after" (the path is in the row's first cell).
fn image(template: &str, version: &Version, path: &str, alt: &str) -> String {
    let url = template
        .replace("{rev}", version.commit.as_deref().unwrap_or(""))
        .replace("{path}", &url_path(path));
    format!("![{alt}]({})", url.replace(['(', ')', ' ', '<', '>'], ""))
}

/// The charts section: before and after side by side, or the list.
fn charts_markdown(diff: &Diff, image_url: Option<&str>) -> String {
    let mut out = String::from("### Charts\n\n");
    let Some(template) = image_url else {
        for chart in &diff.charts {
            out.push_str(&format!(
                "- {}: {}\n",
                status(chart),
                markdown::escape(chart.path())
            ));
        }
        return out;
    };
    let columns = [
        ("chart", Align::Left),
        ("before", Align::Left),
        ("after", Align::Left),
    ];
    let rows: Vec<Vec<String>> = diff
        .charts
        .iter()
        .map(|chart| {
            let path = chart.path();
            let (x, y) = match chart {
                ChartChange::Added(_) => ("—".to_owned(), image(template, diff.b, path, "after")),
                ChartChange::Removed(_) => {
                    (image(template, diff.a, path, "before"), "—".to_owned())
                }
                ChartChange::Modified(_) => (
                    image(template, diff.a, path, "before"),
                    image(template, diff.b, path, "after"),
                ),
            };
            vec![markdown::escape(path), x, y]
        })
        .collect();
    out.push_str(&markdown::table(&columns, &rows));
    out
}

/// The pull-request comment.
pub fn markdown(diff: &Diff, image_url: Option<&str>) -> String {
    let e: Escape = markdown::escape;
    let mut out = format!(
        "{MARKER}\n## rangefinder diff: {} → {}\n\n**{}**\n",
        e(&diff.a.short()),
        e(&diff.b.short()),
        summary(diff)
    );
    for m in &diff.metrics {
        out.push_str(&format!("\n### {} ({})\n\n", e(m.label()), e(&m.metric)));
        let columns = [
            ("figure", Align::Left),
            (
                &*format!("before: {}", e(&side(diff.a, m.before))),
                Align::Right,
            ),
            (
                &*format!("after: {}", e(&side(diff.b, m.after))),
                Align::Right,
            ),
        ];
        let rows: Vec<Vec<String>> = figure_rows(m.before, m.after)
            .into_iter()
            .map(|[name, x, y]| {
                let y = if x == y {
                    e(&y)
                } else {
                    format!("**{}**", e(&y))
                };
                vec![name, e(&x), y]
            })
            .collect();
        out.push_str(&markdown::table(&columns, &rows));
        out.push('\n');
        for line in metric_lines(m, e) {
            out.push_str(&format!("- {line}\n"));
        }
    }
    let sources = source_lines(diff, e);
    if !sources.is_empty() {
        out.push_str("\n### Sources\n\n");
        for line in sources {
            out.push_str(&format!("- {line}\n"));
        }
    }
    if !diff.charts.is_empty() {
        out.push('\n');
        out.push_str(&charts_markdown(diff, image_url));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // A hostile chart path cannot break out of the URL or the alt text.
    #[test]
    fn chart_urls_are_encoded() {
        assert_eq!(
            url_path("reports/a b/x(1).svg"),
            "reports/a%20b/x%281%29.svg"
        );
    }
}
