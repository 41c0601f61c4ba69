//! A report's Markdown as Typst markup, walked from comrak's tree of it (the
//! HTML renderer's parse): headings, paragraphs, lists, tables, emphasis,
//! links, code, footnotes, and each chart as a figure of its SVG. Every
//! piece of text is written as a Typst string (`#"…";`), never as markup,
//! so nothing in the data or the notebook can run as Typst code; HTML in the
//! notebook is kept as text, as the HTML renderer shows it.

use std::collections::{BTreeMap, BTreeSet};

use comrak::nodes::{AstNode, ListType, NodeValue, TableAlignment};
use comrak::{Arena, parse_document};

/// The Typst markup of `markdown`; `charts` are the file names of the
/// report's charts (drawn as figures, the rest of the images as links).
pub fn markup(markdown: &str, charts: &BTreeSet<String>) -> String {
    let options = crate::html::markdown_options();
    let arena = Arena::new();
    let root = parse_document(&arena, crate::html::without_mark(markdown), &options);
    let mut notes = BTreeMap::new();
    for node in root.descendants() {
        if let NodeValue::FootnoteDefinition(definition) = &node.data().value {
            notes.insert(definition.name.clone(), node);
        }
    }
    let mut writer = Writer {
        out: String::with_capacity(markdown.len() * 2),
        charts,
        notes,
        in_table: false,
    };
    writer.blocks(root);
    writer.out
}

/// The markup written so far, and what it needs to know.
struct Writer<'a, 'c> {
    out: String,
    charts: &'c BTreeSet<String>,
    notes: BTreeMap<String, &'a AstNode<'a>>,
    /// Inside a table cell: a date window may wrap after its `/`.
    in_table: bool,
}

impl<'a> Writer<'a, '_> {
    /// Every child of `node` as blocks.
    fn blocks(&mut self, node: &'a AstNode<'a>) {
        for child in node.children() {
            self.block(child);
        }
    }

    /// One block.
    fn block(&mut self, node: &'a AstNode<'a>) {
        let value = node.data().value.clone();
        match value {
            NodeValue::Paragraph => {
                if let Some(figure) = self.figure(node) {
                    self.out.push_str(&figure);
                } else {
                    self.inlines(node);
                }
                self.out.push_str("\n\n");
            }
            NodeValue::Heading(heading) => {
                self.out
                    .push_str(&format!("#heading(level: {})[", heading.level));
                self.inlines(node);
                self.out.push_str("]\n\n");
            }
            NodeValue::List(list) => {
                match list.list_type {
                    ListType::Bullet => self.out.push_str("#list(tight: true,\n"),
                    ListType::Ordered => self
                        .out
                        .push_str(&format!("#enum(tight: true, start: {},\n", list.start)),
                }
                for item in node.children() {
                    self.out.push('[');
                    self.blocks(item);
                    self.out.push_str("],\n");
                }
                self.out.push_str(")\n\n");
            }
            NodeValue::BlockQuote | NodeValue::MultilineBlockQuote(_) => {
                self.out.push_str("#quote(block: true)[");
                self.blocks(node);
                self.out.push_str("]\n\n");
            }
            NodeValue::CodeBlock(code) => {
                self.out
                    .push_str(&format!("#raw(block: true, {})\n\n", string(&code.literal)));
            }
            NodeValue::HtmlBlock(html) => {
                self.out
                    .push_str(&format!("#{};\n\n", string(&html.literal)));
            }
            NodeValue::ThematicBreak => self.out.push_str("#line(length: 100%)\n\n"),
            NodeValue::Table(table) => self.table(node, &table.alignments),
            NodeValue::FootnoteDefinition(_) => {}
            _ => self.blocks(node),
        }
    }

    /// A paragraph holding only a chart of the report: its figure.
    fn figure(&self, node: &'a AstNode<'a>) -> Option<String> {
        let only = node.first_child().filter(|c| c.next_sibling().is_none())?;
        let NodeValue::Image(link) = &only.data().value else {
            return None;
        };
        if !self.charts.contains(&link.url) {
            return None;
        }
        let alt: String = only
            .descendants()
            .filter_map(|n| match &n.data().value {
                NodeValue::Text(text) => Some(text.to_string()),
                _ => None,
            })
            .collect();
        Some(format!(
            "#figure(image({}, width: 100%, alt: {}))",
            string(&format!("/{}", link.url)),
            string(&alt)
        ))
    }

    /// A GFM table, its first row the header.
    fn table(&mut self, node: &'a AstNode<'a>, alignments: &[TableAlignment]) {
        let align: Vec<&str> = alignments
            .iter()
            .map(|a| match a {
                TableAlignment::Right => "right",
                TableAlignment::Center => "center",
                _ => "left",
            })
            .collect();
        self.out.push_str(&format!(
            "#table(columns: {}, align: ({},),\n",
            align.len().max(1),
            align.join(", ")
        ));
        for row in node.children() {
            let header = matches!(row.data().value, NodeValue::TableRow(true));
            if header {
                self.out.push_str("table.header(");
            }
            for cell in row.children() {
                self.out.push('[');
                self.in_table = true;
                self.inlines(cell);
                self.in_table = false;
                self.out.push_str("], ");
            }
            if header {
                self.out.push_str("),");
            }
            self.out.push('\n');
        }
        self.out.push_str(")\n\n");
    }

    /// Every child of `node` as inline content.
    fn inlines(&mut self, node: &'a AstNode<'a>) {
        for child in node.children() {
            self.inline(child);
        }
    }

    /// One inline.
    fn inline(&mut self, node: &'a AstNode<'a>) {
        let value = node.data().value.clone();
        match value {
            NodeValue::Text(text) => self.text(&text),
            NodeValue::SoftBreak => self.out.push(' '),
            NodeValue::LineBreak => self.out.push_str("#linebreak();"),
            NodeValue::Code(code) => {
                // Claim ids are long and break nowhere: a zero-width space
                // after each `_` lets a narrow table cell wrap one.
                let breakable = code.literal.replace('_', "_\u{200B}");
                self.out.push_str(&format!("#raw({});", string(&breakable)));
            }
            NodeValue::HtmlInline(html) => match html.as_str() {
                "<br>" => self.out.push_str("#linebreak();"),
                crate::render::markdown::EMAIL_BREAK => {}
                other => self.text(other),
            },
            NodeValue::Emph => self.wrapped("emph", node),
            NodeValue::Strong => self.wrapped("strong", node),
            NodeValue::Strikethrough => self.wrapped("strike", node),
            NodeValue::Link(link) if crate::render::markdown::is_web_url(&link.url) => {
                self.out.push_str(&format!("#link({})[", string(&link.url)));
                self.inlines(node);
                self.out.push_str("];");
            }
            NodeValue::FootnoteReference(reference) => {
                self.out.push_str("#footnote[");
                if let Some(definition) = self.notes.get(&reference.name).copied() {
                    self.blocks(definition);
                }
                self.out.push_str("];");
            }
            // Links to files, images that are not charts: their text.
            _ => self.inlines(node),
        }
    }

    /// `#function[children];`.
    fn wrapped(&mut self, function: &str, node: &'a AstNode<'a>) {
        self.out.push('#');
        self.out.push_str(function);
        self.out.push('[');
        self.inlines(node);
        self.out.push_str("];");
    }

    /// Text, as a string.
    fn text(&mut self, text: &str) {
        self.out.push('#');
        if self.in_table {
            self.out.push_str(&string(&text.replace('/', "/\u{200B}")));
        } else {
            self.out.push_str(&string(text));
        }
        self.out.push(';');
    }
}

/// A Typst string literal holding `text` (hidden characters dropped).
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if crate::text::is_hidden(c) => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Text is a Typst string: quotes and backslashes escaped, bidi
    // overrides dropped, so `#panic()` in text is never code.
    #[test]
    fn text_is_a_string() {
        assert_eq!(string("a \"b\" \\ #c\u{202e}"), "\"a \\\"b\\\" \\\\ #c\"");
    }

    // Headings, emphasis, links, tables and a chart figure; the notebook's
    // HTML is text; a link only from a web URL.
    #[test]
    fn markdown_as_typst() {
        let charts: BTreeSet<String> = ["c.svg".to_string()].into();
        let markdown = "## H *e*\n\n<b>x</b> [d](javascript:x) [w](https://w.org)\n\n\
                        | a | b |\n|---|--:|\n| 1/2 | `i_d` |\n\n![alt](c.svg)\n";
        assert_eq!(
            markup(markdown, &charts),
            "#heading(level: 2)[#\"H \";#emph[#\"e\";];]\n\n\
             #\"<b>\";#\"x\";#\"</b>\";#\" \";#\"d\";#\" \";#link(\"https://w.org\")[#\"w\";];\n\n\
             #table(columns: 2, align: (left, right,),\n\
             table.header([#\"a\";], [#\"b\";], ),\n\
             [#\"1/\u{200B}2\";], [#raw(\"i_\u{200B}d\");], \n)\n\n\
             #figure(image(\"/c.svg\", width: 100%, alt: \"alt\"))\n\n"
        );
    }
}
