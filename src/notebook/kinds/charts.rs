//! The chart cells: a timeline, a forest plot of ranges and an agreement
//! matrix, each a figure of its SVG, what it shows in words and the data
//! it draws as a table.

use crate::analysis::MetricView;
use crate::chart::data as chart_data;
use crate::chart::{self, ChartKind};
use crate::document::{Block, Figure, Span};
use crate::error::Result;

use super::{Input, Kind, Needs};
use crate::notebook::check::chart_file;

/// `chart = "timeline"`: every claim by the date it describes.
pub struct Timeline;

/// `chart = "ranges"`: a forest plot of each source's current claim.
pub struct Ranges;

/// `chart = "agreement"`: a source × source matrix of gaps.
pub struct Agreement;

impl Kind for Timeline {
    fn needs(&self) -> Needs {
        // Only a timeline draws the claims through time.
        Needs {
            history: true,
            ..Needs::default()
        }
    }

    fn blocks(&self, input: &Input<'_>) -> Result<Vec<Block>> {
        figure(ChartKind::Timeline, input)
    }
}

impl Kind for Ranges {
    fn needs(&self) -> Needs {
        Needs::default()
    }

    fn blocks(&self, input: &Input<'_>) -> Result<Vec<Block>> {
        figure(ChartKind::Ranges, input)
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
        figure(ChartKind::Agreement, input)
    }
}

/// The figure of a chart of `kind` on the cell's first metric.
fn figure(kind: ChartKind, input: &Input<'_>) -> Result<Vec<Block>> {
    let figures = input.figures;
    let metric = input.metrics().first().copied().unwrap_or_default();
    let history = match kind {
        ChartKind::Timeline => Some(figures.history(metric)?),
        _ => None,
    };
    let view = figures.view(metric)?;
    let options = chart::Options {
        scale: input.cell.scale(),
        events: match kind {
            ChartKind::Timeline => figures.events_of(metric),
            _ => Vec::new(),
        },
    };
    let svg = chart::render(kind, view, history, &options)?;
    Ok(vec![Block::Figure(Figure {
        file: chart_file(input.cell).unwrap_or_default(),
        svg,
        alt: alt_text(kind, view),
        data: chart_data::of_chart(kind, view, history),
    })])
}

/// What a chart shows, for readers who cannot see it.
fn alt_text(kind: ChartKind, view: &MetricView) -> Vec<Span> {
    let what = match kind {
        ChartKind::Timeline => "Timeline of every claim",
        ChartKind::Ranges => "Each source's latest claim",
        ChartKind::Agreement => "Agreement between sources",
    };
    vec![
        Span::Plain(format!("{what}: ")),
        Span::text(&view.label),
        Span::Plain(format!(", as of {}", view.as_of)),
    ]
}
