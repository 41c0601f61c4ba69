//! The PDF renderer (cargo feature `pdf`): a report's Markdown typeset
//! in-process by Typst, as a library, from the Typst markup of
//! [`markup`]. Charts are drawn from their SVG as vector graphics; fonts
//! are the shipped DejaVu Sans family (assets/fonts), embedded; nothing is
//! read from disk or the network (the Typst world below holds the markup,
//! the charts and the fonts in memory); the document is dated by its as-of
//! day, never the clock, so the same inputs give the same bytes.

mod markup;

use std::collections::{BTreeMap, BTreeSet};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::data::Day;
use crate::error::{Error, Result};

/// The fonts a report is set in, shipped with rangefinder.
const FONTS: [&[u8]; 5] = [
    include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSans-Oblique.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSans-BoldOblique.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSansMono.ttf"),
];

/// The page, type and table settings before the report's markup.
const PREAMBLE: &str = r##"#set page(paper: "a4", margin: (x: 1.6cm, y: 1.8cm), numbering: "1")
#set text(font: "DejaVu Sans", size: 9pt, lang: "en")
#set par(leading: 0.6em, spacing: 1em)
#show heading: set block(above: 1.4em, below: 0.7em)
#show heading.where(level: 1): set text(size: 16pt)
#show heading.where(level: 2): set text(size: 12.5pt)
#show raw: set text(font: "DejaVu Sans Mono", size: 0.95em)
#set table(stroke: 0.5pt + luma(170), inset: 3pt)
#show table: set text(size: 7pt, hyphenate: true)
#show table.cell.where(y: 0): set text(weight: "bold")
#show figure: set block(breakable: false)
#show link: set text(fill: rgb("#0550ae"))
"##;

/// The PDF renderer of a report's document: `report.pdf`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pdf;

impl crate::document::Renderer for Pdf {
    fn file(&self) -> &'static str {
        "report.pdf"
    }

    /// The document's Markdown typeset, its figures as vector graphics.
    fn render(&self, document: &crate::document::Document) -> Result<Vec<u8>> {
        let markdown = crate::render::readme::body(document);
        let charts: BTreeMap<String, String> = document
            .figures()
            .map(|f| (f.file.clone(), f.svg.clone()))
            .collect();
        self::document(&document.title, document.as_of, &markdown, &charts)
    }
}

/// The PDF of a report titled `title`, as of `as_of`, whose Markdown is
/// `markdown` and whose charts are `charts` (file name, SVG).
pub fn document(
    title: &str,
    as_of: Day,
    markdown: &str,
    charts: &BTreeMap<String, String>,
) -> Result<Vec<u8>> {
    let date = Datetime::from_ymd(
        chrono::Datelike::year(&as_of),
        chrono::Datelike::month(&as_of) as u8,
        chrono::Datelike::day(&as_of) as u8,
    )
    .ok_or_else(|| anyhow::anyhow!("pdf: {as_of}: not a date Typst can hold"))?;
    let names: BTreeSet<String> = charts.keys().cloned().collect();
    let text = format!(
        "#set document(title: {}, date: datetime(year: {}, month: {}, day: {}))\n{PREAMBLE}\n{}",
        markup::string(title),
        chrono::Datelike::year(&as_of),
        chrono::Datelike::month(&as_of),
        chrono::Datelike::day(&as_of),
        markup::markup(markdown, &names)
    );
    let world = Memory::new(text, charts, date);
    let compiled = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| {
            let messages: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
            Error::Other(anyhow::anyhow!(
                "typesetting the PDF: {}",
                messages.join("; ")
            ))
        })?;
    let options = PdfOptions {
        ident: Smart::Custom(title.to_string()),
        creator: Smart::Custom(Some("rangefinder".to_string())),
        timestamp: Some(Timestamp::new_utc(date)),
        standards: PdfStandards::new(&[PdfStandard::A_2b])
            .map_err(|e| anyhow::anyhow!("pdf: {}", e.message()))?,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&compiled, &options).map_err(|errors| {
        let messages: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        Error::Other(anyhow::anyhow!("writing the PDF: {}", messages.join("; ")))
    })
}

/// A Typst world wholly in memory: the main markup, the charts by path,
/// the shipped fonts, and a fixed day.
struct Memory {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    /// The charts, by their path in the world (a handful: searched).
    files: Vec<(FileId, Bytes)>,
    today: Datetime,
}

impl Memory {
    /// The world of one report.
    fn new(text: String, charts: &BTreeMap<String, String>, today: Datetime) -> Memory {
        let id = |path: &str| {
            VirtualPath::new(path)
                .ok()
                .map(|vpath| RootedPath::new(VirtualRoot::Project, vpath).intern())
        };
        let fonts: Vec<Font> = FONTS
            .iter()
            .filter_map(|data| Font::new(Bytes::new(*data), 0))
            .collect();
        let main = id("/main.typ").unwrap_or_else(|| Source::detached("").id());
        let files = charts
            .iter()
            .filter_map(|(name, svg)| {
                Some((
                    id(&format!("/{name}"))?,
                    Bytes::new(svg.clone().into_bytes()),
                ))
            })
            .collect();
        Memory {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            main: Source::new(main, text),
            files,
            today,
        }
    }
}

impl World for Memory {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .iter()
            .find(|(file, _)| *file == id)
            .map(|(_, bytes)| bytes.clone())
            .ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
