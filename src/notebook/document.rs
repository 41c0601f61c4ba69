//! A parsed and checked notebook plus the analysis, turned into the
//! report's [`Document`]: the prose kept, inline values expanded, and each
//! cell's blocks from its kind (`kinds`) with its caption. Also what the
//! notebook asks of the analysis ([`request`]), from its cells' kinds.

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::{ClaimView, Figures, Request};
use crate::data::Day;
use crate::document::{Block as DocBlock, Document, Part, Span};
use crate::edition::Edition;
use crate::error::Result;
use crate::parallel;

use super::cell::{Cell, TableKind, What};
use super::inline;
use super::kinds::{self, Needs};
use super::parse::{Block, Notebook};

/// The metrics whose history a cell reads (timeline charts and claim
/// tables), each once, in order of first use.
fn history_metrics<'n>(cells: &[&'n Cell]) -> Vec<&'n str> {
    cell_metrics(cells, |needs| needs.history)
}

/// The metrics whose source pairs a cell shows (agreement tables and
/// charts, and claim tables with their corroboration), each once, in order
/// of first use: the only ones `analysis::add_pairs` has to compute.
fn paired_metrics<'n>(cells: &[&'n Cell]) -> Vec<&'n str> {
    cell_metrics(cells, |needs| needs.pairs)
}

/// The metrics of the cells whose kind's needs `wanted` picks, each once,
/// in order of first use (a set keeps a cell of 100,000 metrics linear).
fn cell_metrics<'n>(cells: &[&'n Cell], wanted: impl Fn(Needs) -> bool) -> Vec<&'n str> {
    let mut metrics: Vec<&str> = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for cell in cells.iter().filter(|c| wanted(kinds::of(c.what).needs())) {
        for (metric, _) in &cell.metrics {
            if seen.insert(metric) {
                metrics.push(metric);
            }
        }
    }
    metrics
}

/// The cells of a notebook, in order.
fn cells(notebook: &Notebook) -> Vec<&Cell> {
    notebook
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Cell(cell) => Some(cell),
            _ => None,
        })
        .collect()
}

/// What a checked notebook asks of the analysis as of `as_of`: pairs for
/// its agreement views and claim tables, histories for its timelines and
/// claim tables, changes for a changes table; the cells with a filter ask
/// the same of the claims their filter keeps, one request per filter.
pub fn request(notebook: &Notebook, as_of: Day) -> Request {
    let all = cells(notebook);
    let of = |cells: &[&Cell]| {
        let owned = |metrics: Vec<&str>| metrics.into_iter().map(str::to_owned).collect();
        let shows_changes = cells.iter().any(|c| kinds::of(c.what).needs().changes);
        Request {
            as_of,
            pairs: owned(paired_metrics(cells)),
            histories: owned(history_metrics(cells)),
            robustness: owned(cell_metrics(cells, |needs| needs.robustness)),
            changes_since: notebook
                .front
                .since
                .filter(|_| shows_changes)
                .into_iter()
                .collect(),
            filtered: BTreeMap::new(),
        }
    };
    let unfiltered: Vec<&Cell> = all
        .iter()
        .copied()
        .filter(|c| c.filter.is_empty())
        .collect();
    let mut request = of(&unfiltered);
    let filters: BTreeSet<&crate::analysis::Filter> = all
        .iter()
        .map(|c| &c.filter)
        .filter(|f| !f.is_empty())
        .collect();
    for filter in filters {
        let theirs: Vec<&Cell> = all
            .iter()
            .copied()
            .filter(|c| &c.filter == filter)
            .collect();
        request.filtered.insert(filter.clone(), of(&theirs));
    }
    request
}

/// The document of a checked notebook, from the figures of its
/// [`request`]. `editions` are the editions the report lists (for an
/// edition being built, those before it), oldest first; `edition` the
/// as-of day of the edition being built. Without an `editions` table, a
/// report with editions ends with their list, newest first.
pub fn document(
    notebook: &Notebook,
    figures: &Figures,
    editions: &[&Edition],
    edition: Option<Day>,
) -> Result<Document> {
    let front = &notebook.front;
    let analysis = &figures.analysis;
    let cells = cells(notebook);
    // Only a sources table reads the cited claims.
    let cited = if cells.iter().any(|c| kinds::of(c.what).reads_cited()) {
        cited(notebook, figures)?
    } else {
        BTreeMap::new()
    };
    // The title's own inline values are expanded first (it cannot hold
    // `{{ title }}`: checked before).
    let mut context = inline::Context {
        as_of: analysis.as_of,
        since: front.since,
        title: &[],
        edition,
    };
    let title = caption_spans(
        front.title.as_deref().unwrap_or(""),
        front.title_line,
        &context,
        figures,
    )?;
    context.title = &title;
    // Cells (charts mostly) are rendered in parallel, then put in order;
    // the first error in notebook order is the one reported.
    let mut rendered = parallel::each(&cells, |cell| {
        kinds::of(cell.what).blocks(&kinds::Input {
            cell,
            figures: figures.under(&cell.filter)?,
            since: front.since,
            cited: &cited,
            editions,
        })
    })
    .into_iter();
    let mut parts: Vec<Part> = Vec::new();
    // The prose since the last cell.
    let mut prose: Vec<Span> = Vec::new();
    for block in &notebook.blocks {
        match block {
            Block::Text(text) => prose.push(Span::Markdown(text.clone())),
            Block::Value(value) => {
                let view = match &value.metric {
                    Some(metric) => Some(figures.view(metric)?),
                    None => None,
                };
                prose.extend(inline::render(value, &context, view));
            }
            Block::Cell(cell) => {
                if !prose.is_empty() {
                    parts.push(Part::Prose(std::mem::take(&mut prose)));
                }
                let mut blocks = rendered
                    .next()
                    .ok_or_else(|| anyhow::anyhow!("cell on line {} not rendered", cell.line))??;
                // A filtered cell's caption reads its own figures and says
                // what the filter leaves out (DESIGN §2, Filters).
                let under = figures.under(&cell.filter)?;
                let mut caption = match &cell.caption {
                    Some(caption) => caption_spans(caption, cell.line, &context, under)?,
                    None => Vec::new(),
                };
                let left_out = cell.filter.words();
                if !left_out.is_empty() {
                    if !caption.is_empty() {
                        let said = crate::document::raw(&caption);
                        let stop = if said.ends_with(['.', '!', '?']) {
                            ""
                        } else {
                            "."
                        };
                        caption.push(Span::Plain(format!("{stop} ")));
                    }
                    caption.push(Span::Text(left_out));
                }
                if !caption.is_empty() {
                    blocks.push(DocBlock::Caption(caption));
                }
                parts.push(Part::Cell(blocks));
            }
        }
    }
    if !prose.is_empty() {
        parts.push(Part::Prose(prose));
    }
    let listed = cells
        .iter()
        .any(|c| c.what == What::Table(TableKind::Editions));
    if !editions.is_empty() && !listed {
        parts.push(Part::Appendix(kinds::edition_list(editions)));
    }
    Ok(Document {
        title: front.title.clone().unwrap_or_else(|| "Report".to_owned()),
        as_of: analysis.as_of,
        parts,
    })
}

/// Every claim the report cites, by claim id: the claims each table, chart
/// and inline value is computed from.
fn cited<'f>(
    notebook: &Notebook,
    figures: &'f Figures,
) -> Result<BTreeMap<&'f str, &'f ClaimView>> {
    let mut cited = BTreeMap::new();
    let mut add = |claims: &'f [ClaimView]| {
        for claim in claims {
            cited.entry(claim.id.as_str()).or_insert(claim);
            // An alternative is cited with its claim (nothing recorded is
            // dropped from the tables).
            for alternative in &claim.alternatives {
                cited.entry(alternative.id.as_str()).or_insert(alternative);
            }
        }
    };
    for block in &notebook.blocks {
        match block {
            Block::Value(value) => {
                if let Some(metric) = &value.metric {
                    add(&figures.view(metric)?.current);
                }
            }
            Block::Cell(cell) => {
                let kind = kinds::of(cell.what);
                for (metric, _) in &cell.metrics {
                    for claims in kind.cites(metric, figures, notebook.front.since)? {
                        add(claims);
                    }
                }
            }
            Block::Text(_) => {}
        }
    }
    Ok(cited)
}

/// A caption's (or the title's) spans: its text as text from the data (so
/// a `*` or a tag in it cannot break out of the italics), white space runs
/// as one space, inline values expanded (issue 21: `{{ since }}` in a
/// caption was left as written), trimmed. Empty: no caption (not a
/// literal `**`).
fn caption_spans(
    caption: &str,
    line: usize,
    context: &inline::Context,
    figures: &Figures,
) -> Result<Vec<Span>> {
    let (segments, _) = super::parse::segments(caption, line);
    let mut out: Vec<Span> = Vec::new();
    for segment in &segments {
        match segment {
            Block::Text(text) => {
                let mut collapsed = String::with_capacity(text.len());
                for c in text.chars() {
                    if !c.is_whitespace() {
                        collapsed.push(c);
                    } else if !(collapsed.ends_with(' ')
                        || (collapsed.is_empty() && ends_with_space(&out)))
                    {
                        collapsed.push(' ');
                    }
                }
                out.push(Span::Text(collapsed));
            }
            Block::Value(value) => {
                let view = match &value.metric {
                    Some(metric) => Some(figures.view(metric)?),
                    None => None,
                };
                out.extend(inline::render(value, context, view));
            }
            Block::Cell(_) => {}
        }
    }
    Ok(trimmed(out))
}

/// Whether the spans end in a space, as written.
fn ends_with_space(spans: &[Span]) -> bool {
    spans
        .iter()
        .rev()
        .map(Span::raw)
        .find(|text| !text.is_empty())
        .is_some_and(|text| text.ends_with(' '))
}

/// The spans without white space at their start and end, and without the
/// empty ones that leaves.
fn trimmed(mut spans: Vec<Span>) -> Vec<Span> {
    for at_start in [true, false] {
        loop {
            let span = if at_start {
                spans.first_mut()
            } else {
                spans.last_mut()
            };
            let Some(Span::Text(text) | Span::Plain(text)) = span else {
                break;
            };
            *text = if at_start {
                text.trim_start()
            } else {
                text.trim_end()
            }
            .to_owned();
            if !text.is_empty() {
                break;
            }
            if at_start {
                spans.remove(0);
            } else {
                spans.pop();
            }
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notebook::parse;

    // Only agreement tables and charts, and claim tables (which show each
    // claim's corroboration), ask for source pairs (n² a metric): not
    // inline values, ranges tables or timelines.
    #[test]
    fn pairs_only_for_agreement_views() {
        let cell = |key: &str, kind: &str, metrics: &str| {
            let metrics = match key {
                "chart" => format!("metric = {metrics}"),
                _ => format!("metrics = [{metrics}]"),
            };
            format!("```rangefinder\n{key} = \"{kind}\"\n{metrics}\n```\n")
        };
        let text = [
            "+++\ntitle = \"T\"\n+++\n{{ agreement i }} {{ range i }}\n".to_string(),
            cell("table", "ranges", "\"r\""),
            cell("table", "agreement", "\"b\", \"a\""),
            cell("chart", "timeline", "\"t\""),
            cell("table", "claims", "\"t\""),
            cell("chart", "agreement", "\"c\""),
            cell("chart", "agreement", "\"a\""),
        ]
        .concat();
        let (notebook, problems) = parse::parse(&text);
        assert_eq!(problems, []);
        assert_eq!(paired_metrics(&cells(&notebook)), ["b", "a", "t", "c"]);
        assert_eq!(history_metrics(&cells(&notebook)), ["t"]);
    }
}
