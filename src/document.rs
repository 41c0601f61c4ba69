//! The document model of a rendered report: what the notebook stage
//! yields once, and every format renders (DESIGN §3, Output formats). The
//! analyst's prose with its inline values, and for each cell its blocks:
//! headings, paragraphs, tables of typed cells with their alignment,
//! figures (a chart's SVG, its description and its data as a table),
//! captions and links. Text from the data is held unescaped
//! ([`Span::Text`]): each renderer escapes it for its own format, so no
//! renderer sees another format's escaping.
//!
//! The renderers, one per file a report is written to, sit behind
//! [`Renderer`] (mdBook's `Renderer`, hyperfine's `Exporter`):
//! `render::readme::Markdown` (README.md), `html::Html` (index.html) and
//! `pdf::Pdf` (report.pdf, feature `pdf`). A renderer never computes a
//! figure: everything it writes is in the document.

use chrono::NaiveDate;

use crate::error::Result;

/// A rendered report: its title, its day and its parts in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The front matter's title as written (for a page's or a PDF's
    /// metadata); the title as shown, its inline values expanded, is in
    /// the prose.
    pub title: String,
    /// The as-of day of its figures (a PDF's creation date).
    pub as_of: NaiveDate,
    /// The parts, in the notebook's order.
    pub parts: Vec<Part>,
}

/// A part of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// The analyst's own text (GitHub-flavoured Markdown, kept as written)
    /// with its inline values expanded.
    Prose(Vec<Span>),
    /// What one cell yields, caption last.
    Cell(Vec<Block>),
    /// What the tool adds after the notebook's text (the list of editions).
    Appendix(Vec<Block>),
}

/// A block of a cell or appendix.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading of `level` (1–6).
    Heading(u8, Vec<Span>),
    /// A paragraph.
    Paragraph(Vec<Span>),
    /// A bulleted list, one item each.
    List(Vec<Vec<Span>>),
    /// A table.
    Table(Table),
    /// A chart.
    Figure(Figure),
    /// The caption of the cell's table or figure.
    Caption(Vec<Span>),
}

/// A piece of inline text.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    /// GitHub-flavoured Markdown from the notebook, as written.
    Markdown(String),
    /// Text from the data or the notebook's values: escaped by each
    /// renderer (it may hold any character).
    Text(String),
    /// Words the tool writes itself ("at least", "none", "2 of 3
    /// estimates"): no markup in them, written as they are.
    Plain(String),
    /// A number or figure as shown ("10,000–12,000", "11,000 or more").
    Number(String),
    /// An id (a claim, a metric), shown as code.
    Code(String),
    /// A link to a web document: only made from `http`/`https` URLs (see
    /// [`Span::document`]).
    Link {
        /// The text shown (a host name).
        text: String,
        /// The URL.
        url: String,
    },
    /// A link to a file of the report itself (an edition's README).
    File {
        /// The text shown.
        text: String,
        /// The path, relative to the report folder.
        path: String,
    },
    /// Strong emphasis.
    Strong(Vec<Span>),
    /// Emphasis.
    Emphasis(Vec<Span>),
    /// A line break within a table cell.
    Break,
}

impl Span {
    /// Plain words.
    pub fn plain(text: impl Into<String>) -> Span {
        Span::Plain(text.into())
    }

    /// Text from the data.
    pub fn text(text: impl Into<String>) -> Span {
        Span::Text(text.into())
    }

    /// A number as shown.
    pub fn number(text: impl Into<String>) -> Span {
        Span::Number(text.into())
    }

    /// An id as code.
    pub fn code(id: impl Into<String>) -> Span {
        Span::Code(id.into())
    }

    /// A document: a link when it is a web URL (its text the host, without
    /// `www.`), else its name as text.
    pub fn document(document: &str) -> Span {
        if !crate::text::is_web_url(document) {
            return Span::text(document);
        }
        let after_scheme = document.split_once("://").map_or(document, |(_, r)| r);
        let host = after_scheme
            .split(['/', '?', '#'])
            .next()
            .unwrap_or(after_scheme);
        let host = host.rsplit('@').next().unwrap_or(host);
        let host = host.strip_prefix("www.").unwrap_or(host);
        Span::Link {
            text: host.to_owned(),
            url: document.to_owned(),
        }
    }

    /// The text as read, without markup (for a check on its last
    /// character, or a plain-text format).
    pub fn raw(&self) -> String {
        match self {
            Span::Markdown(text)
            | Span::Text(text)
            | Span::Plain(text)
            | Span::Number(text)
            | Span::Code(text)
            | Span::Link { text, .. }
            | Span::File { text, .. } => text.clone(),
            Span::Strong(spans) | Span::Emphasis(spans) => raw(spans),
            Span::Break => "\n".to_owned(),
        }
    }
}

/// Spans as read, without markup.
pub fn raw(spans: &[Span]) -> String {
    spans.iter().map(Span::raw).collect()
}

/// Items as the lines of one table cell, [`Span::Break`] between them.
pub fn lines(items: Vec<Vec<Span>>) -> Vec<Span> {
    let mut out = Vec::new();
    for (k, item) in items.into_iter().enumerate() {
        if k > 0 {
            out.push(Span::Break);
        }
        out.extend(item);
    }
    out
}

/// How a column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text columns.
    Left,
    /// Number columns.
    Right,
}

/// A table: its columns, then rows of cells, each a row of spans (an
/// empty cell holds none).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Each column's header and alignment.
    pub columns: Vec<(Vec<Span>, Align)>,
    /// The rows, each as long as `columns`.
    pub rows: Vec<Vec<Vec<Span>>>,
}

impl Table {
    /// A table of columns named by plain words.
    pub fn new(columns: &[(&str, Align)], rows: Vec<Vec<Vec<Span>>>) -> Table {
        Table {
            columns: columns
                .iter()
                .map(|(name, align)| (vec![Span::plain(*name)], *align))
                .collect(),
            rows,
        }
    }
}

/// A chart: its file, its SVG, what it shows in words and its data.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The file it is written to (`<chart>-<metric>.svg`).
    pub file: String,
    /// The SVG.
    pub svg: String,
    /// What it shows, for readers who cannot see it (an image's alt text).
    pub alt: Vec<Span>,
    /// The data it draws, as a table a screen reader reaches.
    pub data: DataTable,
}

/// A chart's data: a table of plain text cells with its caption (written
/// escaped by each renderer).
#[derive(Debug, Clone, PartialEq)]
pub struct DataTable {
    /// What the table holds, in words.
    pub caption: String,
    /// Column headers.
    pub columns: Vec<&'static str>,
    /// Rows of cells, each as long as `columns`.
    pub rows: Vec<Vec<String>>,
}

impl Document {
    /// Every figure of the document, in order.
    pub fn figures(&self) -> impl Iterator<Item = &Figure> {
        self.parts
            .iter()
            .flat_map(|part| match part {
                Part::Cell(blocks) | Part::Appendix(blocks) => blocks.as_slice(),
                Part::Prose(_) => &[],
            })
            .filter_map(|block| match block {
                Block::Figure(figure) => Some(figure),
                _ => None,
            })
    }
}

/// A format a report is written in: the document rendered as one file's
/// bytes. Renderers return bytes; only `write.rs` decides where they go.
pub trait Renderer {
    /// The file it writes in the report folder (`README.md`, `index.html`).
    fn file(&self) -> &'static str;
    /// The document as that file's bytes.
    fn render(&self, document: &Document) -> Result<Vec<u8>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    // A document link is made only from a web URL, its text the host.
    #[test]
    fn documents_link_only_web_urls() {
        assert_eq!(
            Span::document("https://www.reuters.com/world/x"),
            Span::Link {
                text: "reuters.com".into(),
                url: "https://www.reuters.com/world/x".into()
            }
        );
        assert_eq!(
            Span::document("javascript:alert(1)"),
            Span::text("javascript:alert(1)")
        );
    }

    // Lines of a cell are joined by breaks; raw text reads them as lines.
    #[test]
    fn lines_and_raw_text() {
        let cell = lines(vec![
            vec![Span::code("a")],
            vec![Span::Strong(vec![Span::plain("b")])],
        ]);
        assert_eq!(raw(&cell), "a\nb");
    }
}
