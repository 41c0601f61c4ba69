//! The formats a report is written in besides README.md (front matter
//! `formats`, `build --format`): each rendered from the README's Markdown
//! and the report's charts, with the figures the charts draw.

use std::collections::BTreeMap;

use crate::analysis::Figures;
use crate::chart::ChartKind;
use crate::error::Result;
use crate::html;

use super::ReportFormat;
use super::cell::What;
use super::parse::{Block, Notebook};
use super::render::chart_file;

/// The file each format is written to.
pub fn file_name(format: ReportFormat) -> &'static str {
    match format {
        ReportFormat::Html => "index.html",
        ReportFormat::Pdf => "report.pdf",
    }
}

/// Adds to `files` (README.md and the charts, as rendered) the file of
/// every format the notebook asks for.
pub(super) fn add(
    notebook: &Notebook,
    figures: &Figures,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<()> {
    for &format in &notebook.front.formats {
        let bytes = match format {
            ReportFormat::Html => html_page(notebook, figures, files)?,
            ReportFormat::Pdf => pdf_document(notebook, figures, files)?,
        };
        files.insert(file_name(format).to_string(), bytes);
    }
    Ok(())
}

/// `index.html`: the README's Markdown with the charts inline.
fn html_page(
    notebook: &Notebook,
    figures: &Figures,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<Vec<u8>> {
    let text = |name: &str| {
        files
            .get(name)
            .map(|bytes| String::from_utf8_lossy(bytes))
            .ok_or_else(|| anyhow::anyhow!("{name}: not rendered"))
    };
    let readme = text("README.md")?;
    let mut svgs = Vec::new();
    for block in &notebook.blocks {
        let Block::Cell(cell) = block else { continue };
        let (What::Chart(kind), Some(file)) = (cell.what, chart_file(cell)) else {
            continue;
        };
        let metric = cell.metrics.first().map_or("", |(m, _)| m.as_str());
        let view = figures.view(metric)?;
        let history = match kind {
            ChartKind::Timeline => Some(figures.history(metric)?),
            _ => None,
        };
        svgs.push((
            file.clone(),
            text(&file)?,
            html::of_chart(kind, view, history),
        ));
    }
    let charts: Vec<html::Chart<'_>> = svgs
        .iter()
        .map(|(file, svg, data)| html::Chart {
            file,
            svg,
            data: data.clone(),
        })
        .collect();
    let title = notebook.front.title.as_deref().unwrap_or("Report");
    Ok(html::page(title, &readme, &charts).into_bytes())
}

/// `report.pdf`: the README's Markdown typeset, charts as vector graphics.
#[cfg(feature = "pdf")]
fn pdf_document(
    notebook: &Notebook,
    figures: &Figures,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<Vec<u8>> {
    let readme = files
        .get("README.md")
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
        .ok_or_else(|| anyhow::anyhow!("README.md: not rendered"))?;
    let mut charts = BTreeMap::new();
    for block in &notebook.blocks {
        let Block::Cell(cell) = block else { continue };
        if let Some(file) = chart_file(cell)
            && let Some(svg) = files.get(&file)
        {
            charts.insert(file, String::from_utf8_lossy(svg).into_owned());
        }
    }
    let title = notebook.front.title.as_deref().unwrap_or("Report");
    crate::pdf::document(title, figures.analysis.as_of, &readme, &charts)
}

/// Without the `pdf` feature: the error `--format pdf` meets.
#[cfg(not(feature = "pdf"))]
fn pdf_document(_: &Notebook, _: &Figures, _: &BTreeMap<String, Vec<u8>>) -> Result<Vec<u8>> {
    let why = ReportFormat::Pdf.missing().unwrap_or_default();
    Err(crate::error::Error::Usage(format!("--format pdf: {why}")))
}
