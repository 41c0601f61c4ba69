//! A notebook's front matter: the TOML between the `+++` lines at the top,
//! with `title` (required), `as_of`, `since`, `data` and `formats`. Unknown
//! keys are errors, so a typo (`as-of`) never silently changes a report.

use crate::data::{DateSpec, Day};
use crate::error::not_before;

use super::Problem;
use super::spanned::{self, Entry, Value};

/// Keys the front matter accepts.
const KEYS: &str = "title, as_of, since, data, formats";

/// The settings of one notebook.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// The report's title (`{{ title }}`); it may hold inline values.
    pub title: Option<String>,
    /// Line of the `title` key (for problems with its inline values).
    pub title_line: usize,
    /// The report's day; default: the latest claim in the data.
    pub as_of: Option<Day>,
    /// Line of the `as_of` key (for "--since must be before as_of").
    pub as_of_line: usize,
    /// The earlier day of `changes` tables and `{{ since }}`.
    pub since: Option<Day>,
    /// Line of the `since` key (for "since must be before as_of").
    pub since_line: usize,
    /// The data folder, relative to the notebook.
    pub data: Option<String>,
    /// `as_of` was set by `--as-of`, not by the front matter.
    pub as_of_from_flag: bool,
    /// `since` was set by `--since`, not by the front matter.
    pub since_from_flag: bool,
    /// The formats written beside README.md (`formats`, plus `build
    /// --format`), sorted, each once.
    pub formats: Vec<ReportFormat>,
}

/// A format a report is written in besides its README.md (DESIGN §3
/// Output formats).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum ReportFormat {
    /// `index.html`: one self-contained page, charts inline.
    Html,
    /// `report.pdf`: typeset by Typst (built with the cargo feature `pdf`).
    Pdf,
}

impl ReportFormat {
    /// The name in the front matter and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Pdf => "pdf",
        }
    }

    /// Every format, in order (for "expected …").
    const ALL: [ReportFormat; 2] = [ReportFormat::Html, ReportFormat::Pdf];

    /// Why this rangefinder cannot write the format, if it cannot.
    pub fn missing(self) -> Option<&'static str> {
        match self {
            ReportFormat::Pdf if !cfg!(feature = "pdf") => Some(
                "this rangefinder was built without PDF support (install it with \
                 `cargo install --locked --features pdf --path .`)",
            ),
            _ => None,
        }
    }
}

impl FrontMatter {
    /// Applies a build's `--as-of` and `--since`, remembering that the
    /// flags set them so that errors name the flag.
    pub fn override_with(&mut self, as_of: Option<Day>, since: Option<Day>) {
        if as_of.is_some() {
            self.as_of = as_of;
            self.as_of_from_flag = true;
        }
        if since.is_some() {
            self.since = since;
            self.since_from_flag = true;
        }
    }
}

impl FrontMatter {
    /// Adds formats (`build --format`, `preview`) to those the front matter
    /// asks for: a flag adds a format, it never removes one the notebook
    /// writes (its file would then be removed as no longer produced).
    pub fn add_formats(&mut self, formats: &[ReportFormat]) {
        self.formats.extend_from_slice(formats);
        self.formats.sort();
        self.formats.dedup();
    }
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
                    return Err(Problem::at(
                        entry.key_line,
                        "front matter: title: empty (write the report's title)".into(),
                    ));
                }
                front.title = Some(t);
                front.title_line = entry.key_line;
                Ok(())
            }),
            "data" => spanned::string(entry, "front matter").map(|d| front.data = Some(d)),
            "as_of" => day(entry).map(|d| {
                front.as_of = Some(d);
                front.as_of_line = entry.key_line;
            }),
            "since" => day(entry).map(|d| {
                front.since = Some(d);
                front.since_line = entry.key_line;
            }),
            "formats" => formats(entry).map(|f| front.add_formats(&f)),
            other => Err(Problem::at(
                entry.key_line,
                format!(
                    "front matter: unknown key \"{other}\" {}",
                    crate::error::expected(other, KEYS)
                ),
            )),
        };
        if let Err(problem) = outcome {
            problems.push(problem);
        }
    }
    if front.title.is_none() && !entries.iter().any(|e| e.key == "title") {
        problems.push(Problem::at(
            first_line.saturating_sub(1).max(1),
            "front matter: missing key \"title\"".into(),
        ));
    }
    (front, problems)
}

/// "since must be before as_of", once the as-of day is resolved (from
/// `--as-of`, the front matter or, by default, the data); `None` when they
/// are in order or there is no since day. The message names the flag that
/// set either day, not the front matter, at the line of the front matter
/// key it conflicts with.
pub fn check_since(front: &FrontMatter, as_of: Day) -> Option<Problem> {
    let since = front.since?;
    if since < as_of {
        return None;
    }
    let (line, message) = match (front.since_from_flag, front.as_of_from_flag) {
        (true, false) if front.as_of.is_some() => (
            front.as_of_line,
            format!("--since {since} is not before this notebook's as_of ({as_of})"),
        ),
        (true, false) => (
            1,
            format!(
                "--since {since} is not before the as-of day {as_of} (the latest claim in \
                 the data)"
            ),
        ),
        (false, true) => (
            front.since_line,
            format!("--as-of {as_of} is not after this notebook's since ({since})"),
        ),
        // Both flags: the command line checks their order before any work.
        (true, true) => (
            1,
            not_before(&format!("--since {since}"), &format!("--as-of {as_of}")),
        ),
        (false, false) => (
            front.since_line,
            format!(
                "front matter: {}",
                not_before(&format!("since ({since})"), &format!("as_of ({as_of})"))
            ),
        ),
    };
    Some(Problem::at(line.max(1), message))
}

/// The formats of `formats = ["html"]`: a list of known names.
fn formats(entry: &Entry) -> Result<Vec<ReportFormat>, Problem> {
    let Value::Strs(names) = &entry.value else {
        return Err(Problem::at(
            entry.value_line,
            format!(
                "front matter: formats: expected a list of formats such as [\"html\"], found {}",
                entry.value.type_name()
            ),
        ));
    };
    let known: Vec<&str> = ReportFormat::ALL.iter().map(|f| f.as_str()).collect();
    names
        .iter()
        .map(|(name, line)| {
            let format = ReportFormat::ALL.into_iter().find(|f| f.as_str() == name);
            if let Some(why) = format.and_then(ReportFormat::missing) {
                return Err(Problem::at(
                    *line,
                    format!("front matter: formats: {name}: {why}"),
                ));
            }
            format.ok_or_else(|| {
                Problem::at(
                    *line,
                    format!(
                        "front matter: formats: unknown format \"{name}\" {}",
                        crate::error::expected(name, &known.join(", "))
                    ),
                )
            })
        })
        .collect()
}

/// A day written as `"2024-11-05"` or as a bare TOML date.
fn day(entry: &Entry) -> Result<Day, Problem> {
    let text = match &entry.value {
        Value::Str(s) | Value::Date(s) => s.as_str(),
        other => {
            return Err(Problem::at(
                entry.value_line,
                format!(
                    "front matter: {}: expected a day (YYYY-MM-DD), found {}",
                    entry.key,
                    other.type_name()
                ),
            ));
        }
    };
    // The CSV files' parser: a day reads, and fails, as it does there.
    DateSpec::parse_day(text).map_err(|message| {
        Problem::at(
            entry.value_line,
            format!("front matter: {}: {message}", entry.key),
        )
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
        assert_eq!((front.as_of_line, front.since_line), (3, 4));
        assert_eq!(front.data.as_deref(), Some("d"));
    }

    /// The problems of front matter `text` starting on line 2, as
    /// `line: message`.
    fn messages(text: &str) -> Vec<String> {
        let (_, problems) = parse(text, 2);
        problems
            .iter()
            .map(|p| format!("{}: {}", p.line, p.message))
            .collect()
    }

    // Unknown keys, bad days and a missing title are all reported (since ≥
    // as_of needs the resolved as_of: render::check finds it).
    #[test]
    fn reports_every_problem() {
        let text = "as-of = \"x\"\nas_of = \"2024-11-31\"\ndata = 3\n";
        assert_eq!(
            messages(text),
            [
                "2: front matter: unknown key \"as-of\" (did you mean \"as_of\"? expected title, as_of, since, data, formats)",
                "3: front matter: as_of: \"2024-11-31\": day 31 does not exist (November \
                 2024 has 30 days)",
                "4: front matter: data: expected a string, found integer",
                "1: front matter: missing key \"title\"",
            ]
        );
    }

    // An empty title is a problem (it rendered as a bare `# ` heading).
    #[test]
    fn refuses_an_empty_title() {
        assert_eq!(
            messages("title = \" \"\n"),
            ["2: front matter: title: empty (write the report's title)"]
        );
    }

    /// The front matter of a notebook with `as_of` on line 3 and `since` on
    /// line 4, then the flags applied (test helper).
    fn front(as_of: Option<&str>, since: &str, flags: (Option<&str>, Option<&str>)) -> FrontMatter {
        let day = |t: &str| DateSpec::parse_day(t).ok();
        let mut front = FrontMatter {
            as_of: as_of.and_then(day),
            as_of_line: 3,
            since: day(since),
            since_line: 4,
            ..FrontMatter::default()
        };
        front.override_with(flags.0.and_then(day), flags.1.and_then(day));
        front
    }

    // since ≥ as_of blames what set the days: a flag by name, at the line
    // of the front matter key it conflicts with.
    #[test]
    fn since_after_as_of_names_the_flag() {
        let message = |front: &FrontMatter, as_of: &str| {
            let as_of = DateSpec::parse_day(as_of).unwrap_or_default();
            check_since(front, as_of).map(|p| format!("{}: {}", p.line, p.message))
        };
        let flagged = front(None, "2023-09-14", (Some("2023-09-13"), None));
        assert_eq!(
            message(&flagged, "2023-09-13").as_deref(),
            Some("4: --as-of 2023-09-13 is not after this notebook's since (2023-09-14)")
        );
        let by_data = front(None, "2023-09-14", (None, None));
        assert_eq!(
            message(&by_data, "2023-09-14").as_deref(),
            Some("4: front matter: since (2023-09-14) must be before as_of (2023-09-14)")
        );
        let since_flag = front(Some("2023-09-13"), "2023-01-01", (None, Some("2023-09-14")));
        assert_eq!(
            message(&since_flag, "2023-09-13").as_deref(),
            Some("3: --since 2023-09-14 is not before this notebook's as_of (2023-09-13)")
        );
        let in_order = front(Some("2023-09-15"), "2023-01-01", (None, Some("2023-09-14")));
        assert_eq!(message(&in_order, "2023-09-15"), None);
    }
}
