//! A notebook's front matter: the TOML between the `+++` lines at the top,
//! with `title` (required), `as_of`, `since` and `data`. Unknown keys are
//! errors, so a typo (`as-of`) never silently changes a report.

use crate::data::Day;

use super::Problem;
use super::spanned::{self, Entry, Value};

/// Keys the front matter accepts.
const KEYS: &str = "title, as_of, since, data";

/// The settings of one notebook.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// The report's title (`{{ title }}`).
    pub title: Option<String>,
    /// The report's day; default: the latest claim in the data.
    pub as_of: Option<Day>,
    /// The earlier day of `changes` tables and `{{ since }}`.
    pub since: Option<Day>,
    /// Line of the `since` key (for "since must be before as_of").
    pub since_line: usize,
    /// The data folder, relative to the notebook.
    pub data: Option<String>,
}

/// Parses the front matter TOML whose first line is notebook line
/// `first_line` (the `+++` line is the one before).
pub fn parse(text: &str, first_line: usize) -> (FrontMatter, Vec<Problem>) {
    let mut front = FrontMatter::default();
    let mut problems = Vec::new();
    let entries = match spanned::entries(text, first_line, "front matter") {
        Ok(entries) => entries,
        Err(problem) => return (front, vec![problem]),
    };
    for entry in &entries {
        let outcome = match entry.key.as_str() {
            "title" => spanned::string(entry, "front matter").and_then(|t| {
                // An empty title would render as a bare `# ` heading.
                if t.trim().is_empty() {
                    return Err(Problem {
                        line: entry.key_line,
                        message: "front matter: title: empty (write the report's title)".into(),
                    });
                }
                front.title = Some(t);
                Ok(())
            }),
            "data" => spanned::string(entry, "front matter").map(|d| front.data = Some(d)),
            "as_of" => day(entry).map(|d| front.as_of = Some(d)),
            "since" => day(entry).map(|d| {
                front.since = Some(d);
                front.since_line = entry.key_line;
            }),
            other => Err(Problem {
                line: entry.key_line,
                message: format!("front matter: unknown key \"{other}\" (expected {KEYS})"),
            }),
        };
        if let Err(problem) = outcome {
            problems.push(problem);
        }
    }
    if front.title.is_none() && !entries.iter().any(|e| e.key == "title") {
        problems.push(Problem {
            line: first_line.saturating_sub(1).max(1),
            message: "front matter: missing key \"title\"".into(),
        });
    }
    (front, problems)
}

/// "since must be before as_of", at the `since` line (checked once the
/// as-of day is resolved from the flag, the front matter or the data).
pub fn since_after(line: usize, since: Day, as_of: Day) -> Problem {
    Problem {
        line,
        message: format!("front matter: since ({since}) must be before as_of ({as_of})"),
    }
}

/// A day written as `"2024-11-05"` or as a bare TOML date.
fn day(entry: &Entry) -> Result<Day, Problem> {
    let text = match &entry.value {
        Value::Str(s) | Value::Date(s) => s.as_str(),
        other => {
            return Err(Problem {
                line: entry.value_line,
                message: format!(
                    "front matter: {}: expected a day (YYYY-MM-DD), found {}",
                    entry.key,
                    other.type_name()
                ),
            });
        }
    };
    Day::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| Problem {
        line: entry.value_line,
        message: format!(
            "front matter: {}: \"{text}\" is not a day (expected YYYY-MM-DD)",
            entry.key
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every key parses; quoted and bare dates are both days.
    #[test]
    fn parses_every_key() {
        let text = "title = \"T\"\nas_of = 2024-11-05\nsince = \"2024-10-25\"\ndata = \"d\"\n";
        let (front, problems) = parse(text, 2);
        assert_eq!(problems, []);
        assert_eq!(front.title.as_deref(), Some("T"));
        assert_eq!(
            front.as_of.map(|d| d.to_string()).as_deref(),
            Some("2024-11-05")
        );
        assert_eq!(
            front.since.map(|d| d.to_string()).as_deref(),
            Some("2024-10-25")
        );
        assert_eq!(front.since_line, 4);
        assert_eq!(front.data.as_deref(), Some("d"));
    }

    // Unknown keys, bad days and a missing title are all reported (since ≥
    // as_of needs the resolved as_of: render::check finds it).
    #[test]
    fn reports_every_problem() {
        let text = "as-of = \"x\"\nas_of = \"2024-11-31\"\ndata = 3\n";
        let (_, problems) = parse(text, 2);
        let messages: Vec<String> = problems
            .iter()
            .map(|p| format!("{}: {}", p.line, p.message))
            .collect();
        assert_eq!(
            messages,
            [
                "2: front matter: unknown key \"as-of\" (expected title, as_of, since, data)",
                "3: front matter: as_of: \"2024-11-31\" is not a day (expected YYYY-MM-DD)",
                "4: front matter: data: expected a string, found integer",
                "1: front matter: missing key \"title\"",
            ]
        );
    }

    // An empty title is a problem (it rendered as a bare `# ` heading).
    #[test]
    fn refuses_an_empty_title() {
        let (_, problems) = parse("title = \" \"\n", 2);
        let messages: Vec<String> = problems
            .iter()
            .map(|p| format!("{}: {}", p.line, p.message))
            .collect();
        assert_eq!(
            messages,
            ["2: front matter: title: empty (write the report's title)"]
        );
    }
}
