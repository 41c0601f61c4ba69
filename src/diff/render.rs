//! `diff` for people: a terminal listing and a pull-request comment in
//! Markdown. Both read the same lines; every text that came from the CSVs
//! (or from git: chart paths, revision names) is cleaned for its medium,
//! [`text::clean`] or [`markdown::escape`]. Numbers are written by the
//! shared formatters.
//!
//! Two revisions can differ in a million claims. The terminal listing is
//! written line by line as it is made (never held whole); the comment stops
//! at [`COMMENT_BUDGET`] bytes, below GitHub's 65,536-character limit, and
//! ends with one line counting what it left out — lines are made only while
//! there is room, so a cut comment costs no more memory than a short one.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::Value;

use super::compare::{ClaimRef, Edit, describe};
use super::git::ChartChange;
use super::model::{Current, Diff, MetricDiff, Moved, Version, summary};
use crate::analysis::MetricView;
use crate::render::markdown::{self, Align};
use crate::render::show::json::show_value;
use crate::render::{figure, span, words};
use crate::text;

/// The hidden marker that starts every Markdown diff, so CI can find and
/// update its earlier comment.
pub const MARKER: &str = "<!-- rangefinder-diff -->";

/// Cleans text from the data for the medium: [`markdown::escape`] or
/// [`text::clean`].
type Escape = fn(&str) -> String;

/// The most bytes of a comment before its closing count of what was left
/// out (at most a few hundred bytes): GitHub refuses a comment over 65,536
/// characters, and a character is at least one byte.
pub const COMMENT_BUDGET: usize = 64_000;

/// What a listed line is about, to count what a cut comment left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Metric,
    Added,
    Removed,
    Edited,
    Moved,
    Unmoved,
    Other,
    Source,
    Chart,
}

impl Kind {
    /// "240 more claims edited".
    fn more(self, n: usize) -> String {
        let (one, many) = match self {
            Kind::Metric => ("more metric", "more metrics"),
            Kind::Added => ("more claim added", "more claims added"),
            Kind::Removed => ("more claim removed", "more claims removed"),
            Kind::Edited => ("more claim edited", "more claims edited"),
            Kind::Moved => ("more current claim moved", "more current claims moved"),
            Kind::Unmoved => (
                "more claim that moved no figure",
                "more claims that moved no figure",
            ),
            Kind::Other => ("more metric line", "more metric lines"),
            Kind::Source => ("more source change", "more source changes"),
            Kind::Chart => ("more chart", "more charts"),
        };
        format!("{n} {}", words::plural(n, one, many))
    }
}

/// A run of lines of one kind, each made only when asked for.
struct Section<'x> {
    kind: Kind,
    len: usize,
    line: Box<dyn Fn(usize) -> String + 'x>,
}

impl<'x> Section<'x> {
    /// `items` listed as `line` words each.
    fn of<T>(kind: Kind, items: &'x [T], line: impl Fn(&T) -> String + 'x) -> Section<'x> {
        Section {
            kind,
            len: items.len(),
            line: Box::new(move |i| line(&items[i])),
        }
    }
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
            side(before, &|v| range(v, &|r| figure(r.median, v.decimals))),
            side(after, &|v| range(v, &|r| figure(r.median, v.decimals))),
        ],
        [
            "sources".to_owned(),
            side(before, &|v| range(v, &sources)),
            side(after, &|v| range(v, &sources)),
        ],
        [
            "consensus".to_owned(),
            side(before, &|v| {
                words::consensus_with_agreement(&words::Outcome::of(v))
            }),
            side(after, &|v| {
                words::consensus_with_agreement(&words::Outcome::of(v))
            }),
        ],
        [
            "bounds".to_owned(),
            side(before, &|v| words::bounds(&v.bounds)),
            side(after, &|v| words::bounds(&v.bounds)),
        ],
    ];
    // Figures the show JSON gains later appear without a change here.
    let (x, y) = (before.map(show_value), after.map(show_value));
    // `estimates` and `tied` are worded in the consensus row.
    let known = [
        "metric",
        "as_of",
        "range",
        "consensus",
        "bounds",
        "claims",
        "estimates",
        "tied",
    ];
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
fn metric_sections<'x>(m: &'x MetricDiff<'x>, escape: Escape) -> Vec<Section<'x>> {
    let status: &'static [&'static str] = match (m.before, m.after) {
        (None, Some(_)) => &["metric added"],
        (Some(_), None) => &["metric removed"],
        _ => &[],
    };
    vec![
        Section::of(Kind::Other, status, |s: &&str| (*s).to_owned()),
        Section::of(Kind::Other, &m.row, move |f| {
            format!("metric {}", escape(&describe(f)))
        }),
        Section::of(Kind::Added, &m.added, move |c| {
            format!("added {}", claim(c, escape))
        }),
        Section::of(Kind::Removed, &m.removed, move |c| {
            format!("removed {}", claim(c, escape))
        }),
        Section::of(Kind::Edited, &m.edited, move |e| {
            format!("edited {}", edit(e, escape))
        }),
        Section::of(Kind::Moved, &m.moved, move |x| {
            format!("moved {}", moved(x, escape))
        }),
        Section::of(Kind::Unmoved, &m.unmoved, move |id| {
            // A current claim edited outside its figures (a quote, the
            // period it describes) is still its source's current claim.
            let current = [m.before, m.after]
                .into_iter()
                .flatten()
                .any(|v| v.current.iter().any(|c| &c.id == id));
            if current {
                format!(
                    "{} moved no figure (its source's current claim, stated as before)",
                    escape(id)
                )
            } else {
                format!(
                    "{} moved no figure (no source's current claim, before or after)",
                    escape(id)
                )
            }
        }),
    ]
}

/// "working tree, as of 2025-03-07".
fn side(version: &Version, view: Option<&MetricView>) -> String {
    match view {
        Some(v) => format!("{}, as of {}", version.short(), v.as_of),
        None => version.short(),
    }
}

/// Sources added, removed, edited, as lines.
fn source_sections<'x>(diff: &'x Diff<'x>, escape: Escape) -> Vec<Section<'x>> {
    let s = &diff.sources;
    vec![
        Section::of(Kind::Source, &s.added, move |i| {
            format!("source added: {}", escape(i))
        }),
        Section::of(Kind::Source, &s.removed, move |i| {
            format!("source removed: {}", escape(i))
        }),
        Section::of(Kind::Source, &s.edited, move |e| {
            let fields: Vec<String> = e.fields.iter().map(|f| escape(&describe(f))).collect();
            format!("source {}: {}", escape(&e.after), fields.join("; "))
        }),
    ]
}

/// The terminal listing, written to `out` line by line as it is made.
pub fn text(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    let t: Escape = text::clean;
    writeln!(
        out,
        "{} → {}: {}",
        t(&diff.a.short()),
        t(&diff.b.short()),
        summary(diff)
    )?;
    for m in &diff.metrics {
        writeln!(out, "\n{}: {}", t(&m.metric), t(m.label()))?;
        for [name, x, y] in figure_rows(m.before, m.after) {
            let arrow = if x == y {
                "(unchanged)".to_owned()
            } else {
                format!("→ {}", t(&y))
            };
            writeln!(out, "  {name:<10} {} {arrow}", t(&x))?;
        }
        for section in metric_sections(m, t) {
            for i in 0..section.len {
                writeln!(out, "  {}", (section.line)(i))?;
            }
        }
    }
    let sources = source_sections(diff, t);
    if sources.iter().any(|s| s.len > 0) {
        writeln!(out)?;
        for section in sources {
            for i in 0..section.len {
                writeln!(out, "{}", (section.line)(i))?;
            }
        }
    }
    if !diff.charts.is_empty() {
        writeln!(out, "\ncharts changed:")?;
        for chart in &diff.charts {
            writeln!(out, "  {} {}", status(chart), t(chart.path()))?;
        }
    }
    Ok(())
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

/// A comment being written within [`COMMENT_BUDGET`]: once a piece does
/// not fit, nothing more is written and what is left is only counted.
struct Comment {
    out: String,
    budget: usize,
    full: bool,
    omitted: BTreeMap<Kind, usize>,
}

impl Comment {
    fn new(budget: usize) -> Comment {
        Comment {
            out: String::new(),
            budget,
            full: false,
            omitted: BTreeMap::new(),
        }
    }

    /// Appends `piece` if it fits; else the comment is full from now on.
    fn push(&mut self, piece: &str) -> bool {
        if !self.full && self.out.len() + piece.len() <= self.budget {
            self.out.push_str(piece);
        } else {
            self.full = true;
        }
        !self.full
    }

    /// Counts `n` items of `kind` left out.
    fn skip(&mut self, kind: Kind, n: usize) {
        if n > 0 {
            *self.omitted.entry(kind).or_default() += n;
        }
    }

    /// Writes a section's lines as list items (`prefix` before each) while
    /// they fit, and counts the rest.
    fn section(&mut self, section: &Section, prefix: &str) {
        for i in 0..section.len {
            if self.full || !self.push(&format!("{prefix}{}\n", (section.line)(i))) {
                self.skip(section.kind, section.len - i);
                return;
            }
        }
    }

    /// The comment, closed by the count of what was left out, if anything.
    fn finish(mut self) -> String {
        if !self.omitted.is_empty() {
            let counts: Vec<String> = self.omitted.iter().map(|(k, n)| k.more(*n)).collect();
            self.out.push_str(&format!(
                "\n**This comment is cut to fit GitHub's limit:** and {}; run \
                 `rangefinder diff` locally for everything.\n",
                counts.join(", ")
            ));
        }
        self.out
    }
}

/// The charts section: before and after side by side, or the list.
fn charts_markdown(comment: &mut Comment, diff: &Diff, image_url: Option<&str>) {
    if !comment.push("\n### Charts\n\n") {
        comment.skip(Kind::Chart, diff.charts.len());
        return;
    }
    let Some(template) = image_url else {
        let list = Section::of(Kind::Chart, &diff.charts, |chart| {
            format!("{}: {}", status(chart), markdown::escape(chart.path()))
        });
        comment.section(&list, "- ");
        return;
    };
    let columns = [
        ("chart", Align::Left),
        ("before", Align::Left),
        ("after", Align::Left),
    ];
    let header = markdown::table(&columns, &[]);
    if !comment.push(&header) {
        comment.skip(Kind::Chart, diff.charts.len());
        return;
    }
    let rows = Section::of(Kind::Chart, &diff.charts, |chart| {
        let path = chart.path();
        let (x, y) = match chart {
            ChartChange::Added(_) => ("—".to_owned(), image(template, diff.b, path, "after")),
            ChartChange::Removed(_) => (image(template, diff.a, path, "before"), "—".to_owned()),
            ChartChange::Modified(_) => (
                image(template, diff.a, path, "before"),
                image(template, diff.b, path, "after"),
            ),
        };
        let row = markdown::table(&columns, &[vec![markdown::escape(path), x, y]]);
        row[header.len()..].trim_end().to_owned()
    });
    comment.section(&rows, "");
}

/// The pull-request comment, never longer than [`COMMENT_BUDGET`] bytes
/// and its closing count.
pub fn markdown(diff: &Diff, image_url: Option<&str>) -> String {
    comment(diff, image_url, COMMENT_BUDGET)
}

/// The comment within `budget` bytes (and its closing count).
fn comment(diff: &Diff, image_url: Option<&str>, budget: usize) -> String {
    let e: Escape = markdown::escape;
    let mut comment = Comment::new(budget);
    comment.push(&format!(
        "{MARKER}\n## rangefinder diff: {} → {}\n\n**{}**\n",
        e(&diff.a.short()),
        e(&diff.b.short()),
        summary(diff)
    ));
    for m in &diff.metrics {
        let sections = metric_sections(m, e);
        if comment.full {
            comment.skip(Kind::Metric, 1);
            for section in &sections {
                comment.skip(section.kind, section.len);
            }
            continue;
        }
        let mut block = format!("\n### {} ({})\n\n", e(m.label()), e(&m.metric));
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
        block.push_str(&markdown::table(&columns, &rows));
        block.push('\n');
        if !comment.push(&block) {
            comment.skip(Kind::Metric, 1);
        }
        for section in &sections {
            comment.section(section, "- ");
        }
    }
    let sources = source_sections(diff, e);
    if sources.iter().any(|s| s.len > 0) {
        if comment.push("\n### Sources\n\n") {
            for section in &sources {
                comment.section(section, "- ");
            }
        } else {
            for section in &sources {
                comment.skip(section.kind, section.len);
            }
        }
    }
    if !diff.charts.is_empty() {
        charts_markdown(&mut comment, diff, image_url);
    }
    comment.finish()
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
