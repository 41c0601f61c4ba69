//! The files of a report: its document rendered by each format's
//! [`Renderer`] — README.md always (Markdown), and those the front matter
//! or `build --format` ask for (`formats`) — and each chart's SVG.

use std::collections::BTreeMap;

use crate::document::{Document, Renderer};
use crate::error::Result;
use crate::render::readme::Markdown;

use super::ReportFormat;

/// The file each format is written to.
pub fn file_name(format: ReportFormat) -> &'static str {
    match format {
        ReportFormat::Html => "index.html",
        ReportFormat::Pdf => "report.pdf",
    }
}

/// Every file of the report of `document`, by name: README.md, the charts
/// and the file of each of `formats`.
pub(super) fn files(
    document: &Document,
    formats: &[ReportFormat],
) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    for figure in document.figures() {
        files.insert(figure.file.clone(), figure.svg.clone().into_bytes());
    }
    let mut renderers: Vec<&dyn Renderer> = vec![&Markdown];
    for &format in formats {
        renderers.push(renderer(format)?);
    }
    for renderer in renderers {
        files.insert(renderer.file().to_owned(), renderer.render(document)?);
    }
    Ok(files)
}

/// The renderer of `format`.
fn renderer(format: ReportFormat) -> Result<&'static dyn Renderer> {
    match format {
        ReportFormat::Html => Ok(&crate::html::Html),
        #[cfg(feature = "pdf")]
        ReportFormat::Pdf => Ok(&crate::pdf::Pdf),
        // Without the `pdf` feature: the error `--format pdf` meets.
        #[cfg(not(feature = "pdf"))]
        ReportFormat::Pdf => {
            let why = ReportFormat::Pdf.missing().unwrap_or_default();
            Err(crate::error::Error::Usage(format!("--format pdf: {why}")))
        }
    }
}
