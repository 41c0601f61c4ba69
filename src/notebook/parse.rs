//! Splits a notebook into front matter, text with inline values, and
//! `rangefinder` cells, collecting every problem with its line. Text outside
//! cells is kept byte for byte (only inline values are replaced later).

use super::Problem;
use super::cell::{self, Cell};
use super::front::{self, FrontMatter};
use super::inline::{self, Inline};

/// A parsed notebook: what parsed cleanly (problems are returned beside it).
#[derive(Debug, Clone, PartialEq)]
pub struct Notebook {
    /// The front matter (defaults where it was missing or wrong).
    pub front: FrontMatter,
    /// The body, in order.
    pub blocks: Vec<Block>,
}

/// A piece of the notebook body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Text kept as written.
    Text(String),
    /// An inline value `{{ … }}`.
    Value(Inline),
    /// A `rangefinder` cell.
    Cell(Cell),
}

/// A fence line: its character, its length and its info string.
fn fence(line: &str) -> Option<(char, usize, &str)> {
    let trimmed = line.trim_end_matches(['\n', '\r']);
    let indent = trimmed.len() - trimmed.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &trimmed[indent..];
    let c = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let count = rest.chars().take_while(|x| *x == c).count();
    (count >= 3).then(|| (c, count, rest[count..].trim()))
}

/// True when `line` closes a fence opened with `c` repeated `count` times.
fn closes(line: &str, c: char, count: usize) -> bool {
    fence(line).is_some_and(|(k, n, info)| k == c && n >= count && info.is_empty())
}

/// Parses a whole notebook; every problem found, in line order.
pub fn parse(text: &str) -> (Notebook, Vec<Problem>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut problems = Vec::new();
    let is_marker = |line: &str| line.trim_end() == "+++";

    let (front, body_start) = match lines.first() {
        Some(first) if is_marker(first) => match lines[1..].iter().position(|l| is_marker(l)) {
            Some(end) => {
                let toml: String = lines[1..=end].concat();
                let (front, found) = front::parse(&toml, 2);
                problems.extend(found);
                (front, end + 2)
            }
            None => {
                problems.push(Problem::at(
                    1,
                    "front matter: the opening `+++` is never closed".into(),
                ));
                (FrontMatter::default(), lines.len())
            }
        },
        _ => {
            problems.push(Problem::at(
                1,
                "front matter: expected `+++` on the first line, then TOML with \
                          at least `title`, then `+++`"
                    .into(),
            ));
            (FrontMatter::default(), 0)
        }
    };

    let mut blocks = Vec::new();
    let mut text_run = String::new();
    let mut i = body_start;
    while i < lines.len() {
        let line = lines[i];
        let number = i + 1;
        match fence(line) {
            Some(('`', count, "rangefinder")) => {
                let end = lines[i + 1..].iter().position(|l| closes(l, '`', count));
                let Some(end) = end.map(|e| i + 1 + e) else {
                    problems.push(Problem::at(
                        number,
                        "cell: this `rangefinder` cell is never closed (expected a \
                                  line of backticks)"
                            .into(),
                    ));
                    break;
                };
                flush(&mut text_run, &mut blocks);
                let toml: String = lines[i + 1..end].concat();
                match cell::parse(&toml, number + 1, number) {
                    Ok(cell) => blocks.push(Block::Cell(cell)),
                    Err(found) => problems.extend(found),
                }
                i = end + 1;
            }
            Some((c, count, _)) => {
                // A plain code block: text like any other, but a
                // `rangefinder` fence inside it is an example, not a cell.
                let end = lines[i + 1..]
                    .iter()
                    .position(|l| closes(l, c, count))
                    .map_or(lines.len() - 1, |e| i + 1 + e);
                for (j, inner) in lines.iter().enumerate().take(end + 1).skip(i) {
                    text_line(inner, j + 1, &mut text_run, &mut blocks, &mut problems);
                }
                i = end + 1;
            }
            None => {
                text_line(line, number, &mut text_run, &mut blocks, &mut problems);
                i += 1;
            }
        }
    }
    flush(&mut text_run, &mut blocks);
    problems.sort();
    (Notebook { front, blocks }, problems)
}

/// Moves pending text into a block.
fn flush(text_run: &mut String, blocks: &mut Vec<Block>) {
    if !text_run.is_empty() {
        blocks.push(Block::Text(std::mem::take(text_run)));
    }
}

/// A caption (or any one line of text from notebook line `line`) split at
/// its inline values: text and value blocks, and the problems of the values.
pub fn segments(text: &str, line: usize) -> (Vec<Block>, Vec<Problem>) {
    let (mut run, mut blocks, mut problems) = (String::new(), Vec::new(), Vec::new());
    text_line(text, line, &mut run, &mut blocks, &mut problems);
    flush(&mut run, &mut blocks);
    (blocks, problems)
}

/// Splits one line of text at its inline values.
fn text_line(
    line: &str,
    number: usize,
    text_run: &mut String,
    blocks: &mut Vec<Block>,
    problems: &mut Vec<Problem>,
) {
    let mut rest = line;
    while let Some(open) = rest.find("{{") {
        text_run.push_str(&rest[..open]);
        // `{{{{` writes a literal `{{`.
        if let Some(after) = rest[open..].strip_prefix("{{{{") {
            text_run.push_str("{{");
            rest = after;
            continue;
        }
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            problems.push(Problem::at(
                number,
                "inline value: `{{` is never closed by `}}` on the same line".into(),
            ));
            rest = after;
            break;
        };
        match inline::parse(&after[..close], number) {
            Ok(value) => {
                flush(text_run, blocks);
                blocks.push(Block::Value(value));
            }
            Err(problem) => problems.push(problem),
        }
        rest = &after[close + 2..];
    }
    text_run.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines of every problem.
    fn lines(problems: &[Problem]) -> Vec<usize> {
        problems.iter().map(|p| p.line).collect()
    }

    // Text outside cells is kept byte for byte, around values and cells.
    #[test]
    fn keeps_text_and_finds_cells_and_values() {
        let text = "+++\ntitle = \"T\"\n+++\n\nAs of {{ as_of }}.\r\n\n```rangefinder\n\
                    table = \"ranges\"\nmetric = \"m\"\n```\nend\n";
        let (notebook, problems) = parse(text);
        assert_eq!(problems, []);
        assert_eq!(notebook.front.title.as_deref(), Some("T"));
        let kinds: Vec<String> = notebook
            .blocks
            .iter()
            .map(|b| match b {
                Block::Text(t) => format!("text {t:?}"),
                Block::Value(v) => format!("value {}", v.line),
                Block::Cell(c) => format!("cell {}", c.line),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "text \"\\nAs of \"",
                "value 5",
                "text \".\\r\\n\\n\"",
                "cell 7",
                "text \"end\\n\""
            ]
        );
    }

    // A rangefinder fence inside another code block is not a cell.
    #[test]
    fn fences_inside_code_blocks_are_text() {
        let text = "+++\ntitle = \"T\"\n+++\n````markdown\n```rangefinder\nbad\n```\n````\n";
        let (notebook, problems) = parse(text);
        assert_eq!(problems, []);
        assert_eq!(
            notebook.blocks,
            [Block::Text(
                "````markdown\n```rangefinder\nbad\n```\n````\n".into()
            )]
        );
    }

    // `{{{{` is a literal `{{`, not the start of an inline value.
    #[test]
    fn escaped_braces() {
        let (notebook, problems) = parse("+++\ntitle = \"T\"\n+++\na {{{{ b }} {{ as_of }}\n");
        assert_eq!(problems, []);
        let Some(Block::Text(text)) = notebook.blocks.first() else {
            panic!("no text block: {:?}", notebook.blocks);
        };
        assert_eq!(text, "a {{ b }} ");
        assert!(matches!(notebook.blocks.get(1), Some(Block::Value(_))));
    }

    // Missing front matter, an unclosed `{{` and an unclosed cell are all found.
    #[test]
    fn structural_problems_have_lines() {
        let (_, problems) = parse("no front matter\n");
        assert_eq!(lines(&problems), [1]);
        let (_, problems) = parse("+++\ntitle = \"T\"\n");
        assert_eq!(lines(&problems), [1]);
        let text = "+++\ntitle = \"T\"\n+++\nx {{ as_of\n{{ nope }}\n```rangefinder\n";
        let (_, problems) = parse(text);
        assert_eq!(lines(&problems), [4, 5, 6]);
        assert!(problems[2].message.contains("never closed"), "{problems:?}");
    }
}
