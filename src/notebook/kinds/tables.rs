//! The table cells: each says what it needs from the analysis, which claims
//! it cites, and builds its blocks from `render::tables` (the analysis'
//! tables) or, for the report's own editions, here.

use crate::analysis::{ClaimView, Figures, MetricChanges, MetricHistory, MetricView};
use crate::data::Day;
use crate::document::{Align, Block, Span, Table};
use crate::edition::Edition;
use crate::error::Result;
use crate::render::{robustness, tables};

use super::{Input, Kind, Needs};

/// `table = "ranges"`: range, median, consensus and bounds per metric.
pub struct Ranges;

/// `table = "claims"`: every claim known, with status and corroboration.
pub struct Claims;

/// `table = "changes"`: what changed since `since`.
pub struct Changes;

/// `table = "agreement"`: the gaps between sources, per metric.
pub struct Agreement;

/// `table = "sources"`: every claim the report cites.
pub struct Sources;

/// `table = "events"`: the events of the metrics up to the as-of day.
pub struct Events;

/// `table = "editions"`: the report's published editions.
pub struct Editions;

/// `table = "robustness"`: the figures without each omission.
pub struct Robustness;

/// The views of `metrics`, in order.
fn views<'f>(figures: &'f Figures, metrics: &[&str]) -> Result<Vec<&'f MetricView>> {
    metrics.iter().map(|m| figures.view(m)).collect()
}

impl Kind for Ranges {
    fn needs(&self) -> Needs {
        Needs::default()
    }

    fn blocks(&self, input: &Input<'_>) -> Result<Vec<Block>> {
        let views = views(input.figures, &input.metrics())?;
        Ok(vec![Block::Table(tables::ranges(&views))])
    }
}

impl Kind for Claims {
    fn needs(&self) -> Needs {
        // Its claims' corroboration reads the pairs.
        Needs {
            pairs: true,
            history: true,
            ..Needs::default()
        }
    }

    fn blocks(&self, input: &Input<'_>) -> Result<Vec<Block>> {
        let metrics = input.metrics();
        let histories = metrics
            .iter()
            .map(|m| input.figures.history(m))
            .collect::<Result<Vec<&MetricHistory>>>()?;
        let views = views(input.figures, &metrics)?;
        Ok(vec![Block::Table(tables::claims(&histories, &views))])
    }
}

impl Kind for Changes {
    fn needs(&self) -> Needs {
        Needs {
            changes: true,
            ..Needs::default()
        }
    }

    fn cites<'f>(
        &self,
        metric: &str,
        figures: &'f Figures,
        since: Option<Day>,
    ) -> Result<Vec<&'f [ClaimView]>> {
        let mut cited: Vec<&[ClaimView]> = vec![&figures.view(metric)?.current];
        if let Some(change) = since.and_then(|s| figures.changes(s, metric)) {
            cited.push(&change.new_claims);
            for revision in &change.revisions {
                cited.push(std::slice::from_ref(&revision.old));
            }
        }
        Ok(cited)
    }

    fn blocks(&self, input: &Input<'_>) -> Result<Vec<Block>> {
        // The first edition of a report: nothing earlier to compare with.
        let Some(since) = input.since else {
            return Ok(vec![Block::Paragraph(vec![Span::Emphasis(vec![
                Span::plain("The first edition: there is no earlier edition to compare with."),
            ])])]);
        };
        let changes: Vec<&MetricChanges> = input
            .metrics()
            .iter()
            .filter_map(|m| input.figures.changes(since, m))
            .collect();
        Ok(vec![Block::Table(tables::changes(&changes))])
    }
}

impl Kind for Agreement {
    fn needs(&self) -> Needs {
        Needs {
            pairs: true,
            ..Needs::default()
        }
    }

    fn blocks(&self, input: &Input<'_>) -> Result<Vec<Block>> {
        tables::agreement(&views(input.figures, &input.metrics())?)
    }
}

impl Kind for Sources {
    fn needs(&self) -> Needs {
        Needs::default()
    }

    fn reads_cited(&self) -> bool {
        true
    }

    fn blocks(&self, input: &Input<'_>) -> Result<Vec<Block>> {
        let metrics = input.metrics();
        let mut claims: Vec<&ClaimView> = input
            .cited
            .values()
            .copied()
            .filter(|c| metrics.is_empty() || metrics.contains(&c.metric.as_str()))
            .collect();
        claims.sort_by(|a, b| a.claimed_order().cmp(&b.claimed_order()));
        Ok(vec![Block::Table(tables::sources(&claims))])
    }
}

impl Kind for Events {
    fn needs(&self) -> Needs {
        Needs::default()
    }

    fn blocks(&self, input: &Input<'_>) -> Result<Vec<Block>> {
        let metrics = input.metrics();
        // Without metrics: every event of the data up to the as-of day.
        let events: Vec<&crate::data::Event> = input
            .figures
            .events
            .iter()
            .filter(|e| metrics.is_empty() || metrics.iter().any(|m| e.concerns(m)))
            .collect();
        Ok(vec![Block::Table(tables::events(&events))])
    }
}

impl Kind for Robustness {
    fn needs(&self) -> Needs {
        Needs {
            robustness: true,
            ..Needs::default()
        }
    }

    fn blocks(&self, input: &Input<'_>) -> Result<Vec<Block>> {
        let figures = input.figures;
        let rows = input
            .metrics()
            .iter()
            .map(|m| Ok((figures.view(m)?, figures.robustness(m)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(robustness::table(&rows))
    }
}

impl Kind for Editions {
    fn needs(&self) -> Needs {
        Needs::default()
    }

    fn blocks(&self, input: &Input<'_>) -> Result<Vec<Block>> {
        Ok(vec![Block::Table(editions(input.editions))])
    }
}

/// The link to an edition, from the report's folder (an edition's README
/// is relinked from its own folder by `edition::relink`).
fn edition_link(edition: &Edition) -> Span {
    let day = edition.as_of.format("%Y-%m-%d").to_string();
    Span::File {
        path: format!("editions/{day}/README.md"),
        text: day,
    }
}

/// The editions, newest first: as-of day (a link to the edition),
/// publication day and the commit it was built from.
fn editions(editions: &[&Edition]) -> Table {
    let rows = editions
        .iter()
        .rev()
        .map(|e| {
            vec![
                vec![edition_link(e)],
                vec![Span::Plain(e.published.format("%Y-%m-%d").to_string())],
                vec![e.commit.as_deref().map_or_else(
                    || Span::plain("uncommitted"),
                    |c| Span::code(c.chars().take(12).collect::<String>()),
                )],
            ]
        })
        .collect();
    Table::new(
        &[
            ("Edition (as of)", Align::Left),
            ("Published", Align::Left),
            ("Data and notebook at", Align::Left),
        ],
        rows,
    )
}

/// The end of a README without an `editions` table that has editions:
/// their list, newest first, under a heading.
pub fn edition_list(editions: &[&Edition]) -> Vec<Block> {
    let items = editions
        .iter()
        .rev()
        .map(|e| {
            vec![
                edition_link(e),
                Span::Plain(format!(", published {}", e.published.format("%Y-%m-%d"))),
            ]
        })
        .collect();
    vec![
        Block::Heading(2, vec![Span::plain("Editions")]),
        Block::Paragraph(vec![Span::plain(
            "Published editions of this report, newest first:",
        )]),
        Block::List(items),
    ]
}
