//! TOML with line numbers: front matter and cells are parsed with toml's
//! spanned tables so every problem can name the notebook line of the key or
//! value at fault, and simplified into the few value shapes notebooks use.

use toml::de::{DeTable, DeValue};

use super::Problem;

/// A TOML value, reduced to what notebooks use.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string.
    Str(String),
    /// An array of strings, each with its line.
    Strs(Vec<(String, usize)>),
    /// A bare TOML date or datetime, as written.
    Date(String),
    /// `true` or `false`.
    Bool(bool),
    /// An inline table (`{ party = true }`), its entries in document order.
    Table(Vec<Entry>),
    /// Anything else, by TOML type name (for the error message).
    Other(&'static str),
}

impl Value {
    /// The TOML type name, for "expected a string, found …".
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::Strs(_) => "array",
            Value::Date(_) => "datetime",
            Value::Bool(_) => "boolean",
            Value::Table(_) => "table",
            Value::Other(name) => name,
        }
    }
}

/// One `key = value` of a table, in document order.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Notebook line of the key.
    pub key_line: usize,
    /// The value.
    pub value: Value,
    /// Notebook line where the value starts.
    pub value_line: usize,
}

/// Parses `text`, whose first line is notebook line `first_line`, into its
/// entries in document order; malformed TOML is one problem at its line,
/// its message starting with `what` (`front matter`, `cell`).
pub fn entries(text: &str, first_line: usize, what: &str) -> Result<Vec<Entry>, Problem> {
    let lines = Lines::new(text, first_line);
    let line_at = |offset: usize| lines.at(offset);
    let table = DeTable::parse(text).map_err(|error| {
        Problem::at(
            line_at(error.span().map_or(0, |s| s.start)),
            format!(
                "{what}: invalid TOML: {}",
                error.message().lines().next().unwrap_or("")
            ),
        )
    })?;
    Ok(table_entries(table.get_ref(), &line_at))
}

/// The entries of a table in document order, lines by `line_at`.
fn table_entries<'a>(
    table: &toml::de::DeTable<'a>,
    line_at: &dyn Fn(usize) -> usize,
) -> Vec<Entry> {
    let mut found: Vec<(usize, Entry)> = table
        .iter()
        .map(|(key, value)| {
            let simple = match value.get_ref() {
                DeValue::String(s) => Value::Str(s.to_string()),
                DeValue::Boolean(b) => Value::Bool(*b),
                DeValue::Table(inner) => Value::Table(table_entries(inner, line_at)),
                DeValue::Datetime(d) => Value::Date(d.to_string()),
                DeValue::Array(items) => {
                    let mut strings = Vec::new();
                    let mut all = true;
                    for item in items.iter() {
                        match item.get_ref() {
                            DeValue::String(s) => {
                                strings.push((s.to_string(), line_at(item.span().start)))
                            }
                            _ => all = false,
                        }
                    }
                    if all {
                        Value::Strs(strings)
                    } else {
                        Value::Other("array of non-strings")
                    }
                }
                other => Value::Other(other.type_str()),
            };
            let entry = Entry {
                key: key.get_ref().to_string(),
                key_line: line_at(key.span().start),
                value: simple,
                value_line: line_at(value.span().start),
            };
            (key.span().start, entry)
        })
        .collect();
    found.sort_by_key(|(start, _)| *start);
    found.into_iter().map(|(_, entry)| entry).collect()
}

/// The line numbers of a text, found in one pass: counting the newlines
/// before each key and value made a cell of 100,000 metrics quadratic
/// (33 s).
struct Lines {
    /// Byte offset just after each newline, ascending.
    starts: Vec<usize>,
    /// The line number of the text's first line.
    first_line: usize,
}

impl Lines {
    /// The lines of `text`, whose first line is number `first_line`.
    fn new(text: &str, first_line: usize) -> Lines {
        let starts = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(at, _)| at + 1)
            .collect();
        Lines { starts, first_line }
    }

    /// The line number of byte `offset`: the first line plus the newlines
    /// before it.
    fn at(&self, offset: usize) -> usize {
        self.first_line + self.starts.partition_point(|&start| start <= offset)
    }
}

/// The string of `entry`, or a problem at its value's line; `what` names
/// the part of the notebook (`front matter`, `cell`).
pub fn string(entry: &Entry, what: &str) -> Result<String, Problem> {
    match &entry.value {
        Value::Str(s) => Ok(s.clone()),
        other => Err(Problem::at(
            entry.value_line,
            format!(
                "{what}: {}: expected a string, found {}",
                entry.key,
                other.type_name()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Entries come back in document order with the lines of keys and values.
    #[test]
    fn entries_in_order_with_lines() -> Result<(), Problem> {
        let text = "zeta = \"z\"\n\nalpha = [\n  \"a\",\n  \"b\",\n]\nn = 3\nd = 2024-11-05\n";
        let found = entries(text, 10, "cell")?;
        let keys: Vec<_> = found.iter().map(|e| (e.key.as_str(), e.key_line)).collect();
        assert_eq!(keys, [("zeta", 10), ("alpha", 12), ("n", 16), ("d", 17)]);
        assert_eq!(
            found[1].value,
            Value::Strs(vec![("a".into(), 13), ("b".into(), 14)])
        );
        assert_eq!(found[2].value, Value::Other("integer"));
        assert_eq!(found[3].value, Value::Date("2024-11-05".into()));
        Ok(())
    }

    // The line of every byte (newlines, the end and past it included) is
    // the first line plus the newlines before it, as counting them says.
    #[test]
    fn lines_count_newlines_before() {
        let text = "a\n\nbc\nd\u{e9}\n";
        let lines = Lines::new(text, 7);
        for offset in 0..text.len() + 3 {
            let before = text.as_bytes()[..offset.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            assert_eq!(lines.at(offset), 7 + before, "offset {offset}");
        }
        assert_eq!(Lines::new("", 1).at(0), 1);
    }

    // Malformed TOML is reported at the line where parsing failed.
    #[test]
    fn malformed_toml_has_a_line() {
        let problem = entries("a = \"x\"\nb = \n", 5, "cell").err();
        assert_eq!(problem.map(|p| p.line), Some(6));
        let problem = entries("a = \"x\"\na = \"y\"\n", 1, "cell").err();
        assert!(
            problem.is_some_and(|p| p.line == 2 && p.message.starts_with("cell: invalid TOML: "))
        );
    }
}
