//! `rangefinder` cells: TOML naming a chart (`chart`, `metric`, `caption`,
//! `name`) or a table (`table`, `metric` or `metrics`, `caption`). Every
//! problem names the line of the key or value at fault.

use crate::analysis::Filter;
use crate::chart::{ChartKind, Scale};
use crate::data::{SourceKind, is_slug};
use crate::error;

use super::Problem;
use super::spanned::{self, Entry, Value};

/// The tables a cell can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// Per metric: range, median, consensus, agreement, sources.
    Ranges,
    /// Every claim known as of the report's day.
    Claims,
    /// What changed between `since` and `as_of`.
    Changes,
    /// Source × source agreement.
    Agreement,
    /// Every claim the report cites.
    Sources,
    /// The events (events.csv) of the metrics, up to the as-of day.
    Events,
    /// The report's published editions, newest first.
    Editions,
    /// The figures without each source, affiliation, the parties and the
    /// low grades (DESIGN §2, Robustness).
    Robustness,
}

impl TableKind {
    /// Every kind, in the order the docs list them.
    const ALL: [TableKind; 8] = [
        TableKind::Ranges,
        TableKind::Claims,
        TableKind::Changes,
        TableKind::Agreement,
        TableKind::Sources,
        TableKind::Robustness,
        TableKind::Events,
        TableKind::Editions,
    ];

    /// The spelling in notebooks.
    pub fn as_str(self) -> &'static str {
        match self {
            TableKind::Ranges => "ranges",
            TableKind::Claims => "claims",
            TableKind::Changes => "changes",
            TableKind::Agreement => "agreement",
            TableKind::Sources => "sources",
            TableKind::Events => "events",
            TableKind::Editions => "editions",
            TableKind::Robustness => "robustness",
        }
    }
}

/// What a cell renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// An SVG chart and its image link.
    Chart(ChartKind),
    /// A Markdown table.
    Table(TableKind),
}

/// One parsed cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Notebook line of the opening fence.
    pub line: usize,
    /// What to render.
    pub what: What,
    /// Line of the `chart`/`table` key.
    pub what_line: usize,
    /// The metrics, each with the line of its value (empty: a `sources`
    /// table over the whole report).
    pub metrics: Vec<(String, usize)>,
    /// Caption shown in italics below.
    pub caption: Option<String>,
    /// Chart file stem (`name.svg`), instead of `<chart>-<metric>`.
    pub name: Option<String>,
    /// A chart's value axis scale, with the line of its key (`None`: not
    /// given, linear).
    pub scale: Option<(Scale, usize)>,
    /// `metrics = "all"`: the line of the key; `metrics` is filled with
    /// every metric of the data, in metrics.csv order, before the cell is
    /// checked ([`Cell::expand`]).
    pub all_metrics: Option<usize>,
    /// What the cell's figures leave out (`exclude`, `min_reliability`).
    pub filter: Filter,
    /// The source ids and affiliations the filter names, each with its
    /// line, for the check against the data: (is a source, name, line).
    pub filter_names: Vec<(bool, String, usize)>,
}

impl Cell {
    /// The chart's value axis scale (linear unless the cell says `log`).
    pub fn scale(&self) -> Scale {
        self.scale.map_or(Scale::Linear, |(scale, _)| scale)
    }

    /// Fills the metrics of a `metrics = "all"` cell with `ids` (every
    /// metric of its data, in order); other cells are left as they are.
    pub fn expand<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) {
        if let Some(line) = self.all_metrics {
            self.metrics = ids.into_iter().map(|id| (id.to_owned(), line)).collect();
        }
    }
}

/// Keys a cell accepts.
const KEYS: &str = "chart, table, metric, metrics, caption, name, scale, exclude, min_reliability";

/// Keys of `exclude`.
const EXCLUDE_KEYS: &str = "sources, affiliations, kinds, party";

/// Parses the TOML of a cell whose first line is notebook line
/// `first_line`; `open` is the line of its opening fence.
pub fn parse(text: &str, first_line: usize, open: usize) -> Result<Cell, Vec<Problem>> {
    let entries = spanned::entries(text, first_line, "cell").map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    let at = |line: usize, message: String| Problem::at(line, format!("cell: {message}"));
    let mut what: Option<(What, usize)> = None;
    let mut metrics: Option<Vec<(String, usize)>> = None;
    let mut caption = None;
    let mut name: Option<(String, usize)> = None;
    let mut scale: Option<(Scale, usize)> = None;
    let mut all_metrics = None;
    let mut filter = Filter::default();
    let mut filter_names = Vec::new();
    for entry in &entries {
        let outcome: Result<(), Problem> = match entry.key.as_str() {
            key @ ("chart" | "table") if what.is_some() => Err(at(
                entry.key_line,
                format!("`{key}`: a cell has one `chart` or one `table`"),
            )),
            "chart" => kind(entry, "chart", &chart_names(), |s| {
                ChartKind::parse(s).map(What::Chart)
            })
            .map(|w| what = Some((w, entry.key_line))),
            "table" => kind(entry, "table", &table_names(), |s| {
                TableKind::ALL
                    .into_iter()
                    .find(|k| k.as_str() == s)
                    .map(What::Table)
            })
            .map(|w| what = Some((w, entry.key_line))),
            key @ ("metric" | "metrics") if metrics.is_some() => Err(at(
                entry.key_line,
                format!("`{key}`: give either `metric` or `metrics`, once"),
            )),
            "metric" => {
                spanned::string(entry, "cell").map(|m| metrics = Some(vec![(m, entry.value_line)]))
            }
            "metrics" => match &entry.value {
                Value::Strs(list) if !list.is_empty() => {
                    metrics = Some(list.clone());
                    Ok(())
                }
                Value::Str(all) if all == "all" => {
                    metrics = Some(Vec::new());
                    all_metrics = Some(entry.value_line);
                    Ok(())
                }
                other => Err(at(
                    entry.value_line,
                    format!(
                        "metrics: expected a non-empty array of metric ids or \"all\", found {}",
                        match other {
                            Value::Str(text) => format!("\"{}\"", crate::error::one_line(text)),
                            other => other.type_name().to_owned(),
                        }
                    ),
                )),
            },
            "caption" => spanned::string(entry, "cell").map(|c| caption = Some(c)),
            "name" => spanned::string(entry, "cell").and_then(|n| {
                if is_slug(&n) {
                    name = Some((n, entry.key_line));
                    Ok(())
                } else {
                    Err(at(
                        entry.value_line,
                        format!(
                            "name: \"{n}\" is not a file stem (expected [a-z0-9][a-z0-9_-]*; \
                             the chart is written as NAME.svg)"
                        ),
                    ))
                }
            }),
            "scale" => spanned::string(entry, "cell").and_then(|s| match Scale::parse(&s) {
                Some(found) => {
                    scale = Some((found, entry.key_line));
                    Ok(())
                }
                None => Err(at(
                    entry.value_line,
                    format!(
                        "scale: unknown scale \"{s}\" {}",
                        error::expected(&s, "linear, log")
                    ),
                )),
            }),
            "exclude" => match &entry.value {
                Value::Table(keys) => {
                    for key in keys {
                        if let Err(problem) = exclude(key, &mut filter, &mut filter_names, &at) {
                            problems.push(problem);
                        }
                    }
                    Ok(())
                }
                other => Err(at(
                    entry.value_line,
                    format!(
                        "exclude: expected a table such as {{ party = true, sources = \
                         [\"us_dod\"] }}, found {}",
                        other.type_name()
                    ),
                )),
            },
            "min_reliability" => spanned::string(entry, "cell").and_then(|g| match g.as_str() {
                "A" | "B" | "C" | "D" | "E" | "F" => {
                    filter.min_reliability = g.chars().next();
                    Ok(())
                }
                _ => Err(at(
                    entry.value_line,
                    format!(
                        "min_reliability: unknown grade \"{}\" (expected A, B, C, D, E \
                             or F: keep the sources graded this or better)",
                        crate::error::one_line(&g)
                    ),
                )),
            }),
            other => Err(at(
                entry.key_line,
                format!("unknown key \"{other}\" {}", error::expected(other, KEYS)),
            )),
        };
        if let Err(problem) = outcome {
            problems.push(problem);
        }
    }
    let metrics = metrics.unwrap_or_default();
    // A misspelt `metric` is reported as an unknown key, not again as a
    // missing metric.
    let misspelt_metric = entries.iter().any(|e| {
        !KEYS.split(", ").any(|k| k == e.key)
            && matches!(
                error::nearest(&e.key, KEYS.split(", ")),
                Some("metric" | "metrics")
            )
    });
    match what {
        None if !entries.iter().any(|e| e.key == "chart" || e.key == "table") => problems.push(at(
            open,
            format!(
                "needs `chart = \"{}\"` or `table = \"{}\"`",
                chart_names(),
                table_names()
            ),
        )),
        Some((What::Chart(kind), _)) => {
            if let (ChartKind::Agreement, Some((Scale::Log, line))) = (kind, scale) {
                problems.push(at(
                    line,
                    "scale: an agreement chart has no value axis (a log scale is for timeline \
                     and ranges)"
                        .into(),
                ));
            }
            if entries.iter().any(|e| e.key == "metrics") {
                problems.push(at(open, "a chart shows one metric: use `metric`".into()));
            } else if metrics.is_empty()
                && !entries.iter().any(|e| e.key == "metric")
                && !misspelt_metric
            {
                problems.push(at(open, "a chart needs `metric = \"…\"`".into()));
            }
        }
        Some((What::Table(kind), _)) => {
            if let Some((_, line)) = &name {
                problems.push(at(*line, "name: only a chart has a file name".into()));
            }
            if let Some((_, line)) = &scale {
                problems.push(at(*line, "scale: only a chart has a value axis".into()));
            }
            let any_metric = entries
                .iter()
                .any(|e| e.key == "metric" || e.key == "metrics");
            let whole_report = matches!(
                kind,
                TableKind::Sources | TableKind::Events | TableKind::Editions
            );
            if !whole_report && !any_metric && !misspelt_metric {
                let kind = kind.as_str();
                let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                };
                problems.push(at(
                    open,
                    format!("{article} {kind} table needs `metric` or `metrics`"),
                ));
            }
        }
        None => {}
    }
    match what {
        Some((what, what_line)) if problems.is_empty() => Ok(Cell {
            line: open,
            what,
            what_line,
            metrics,
            caption,
            name: name.map(|(n, _)| n),
            scale,
            all_metrics,
            filter,
            filter_names,
        }),
        _ => Err(problems),
    }
}

/// Reads one key of a cell's `exclude` table into `filter`; the source ids
/// and affiliations it names go to `names` (checked against the data
/// later).
fn exclude(
    entry: &Entry,
    filter: &mut Filter,
    names: &mut Vec<(bool, String, usize)>,
    at: &dyn Fn(usize, String) -> Problem,
) -> Result<(), Problem> {
    let list = |entry: &Entry| match &entry.value {
        Value::Strs(list) => Ok(list.clone()),
        Value::Str(one) => Ok(vec![(one.clone(), entry.value_line)]),
        other => Err(at(
            entry.value_line,
            format!(
                "exclude: {}: expected an array of strings, found {}",
                entry.key,
                other.type_name()
            ),
        )),
    };
    match entry.key.as_str() {
        "sources" | "affiliations" => {
            let source = entry.key == "sources";
            for (name, line) in list(entry)? {
                if source {
                    filter.sources.push(name.clone());
                } else {
                    filter.affiliations.push(name.clone());
                }
                names.push((source, name, line));
            }
            Ok(())
        }
        "kinds" => {
            for (kind, line) in list(entry)? {
                match SourceKind::parse(&kind) {
                    Some(kind) => filter.kinds.push(kind),
                    None => {
                        let expected = SourceKind::ALL.map(SourceKind::as_str).join(", ");
                        return Err(at(
                            line,
                            format!(
                                "exclude: kinds: unknown kind \"{}\" {}",
                                crate::error::one_line(&kind),
                                error::expected(&kind, &expected)
                            ),
                        ));
                    }
                }
            }
            Ok(())
        }
        "party" => match entry.value {
            Value::Bool(party) => {
                filter.parties = party;
                Ok(())
            }
            ref other => Err(at(
                entry.value_line,
                format!(
                    "exclude: party: expected true or false, found {}",
                    other.type_name()
                ),
            )),
        },
        other => Err(at(
            entry.key_line,
            format!(
                "exclude: unknown key \"{other}\" {}",
                error::expected(other, EXCLUDE_KEYS)
            ),
        )),
    }
}

/// Parses a `chart`/`table` value with `parse`, or names what was expected.
fn kind(
    entry: &Entry,
    key: &str,
    expected: &str,
    parse: impl Fn(&str) -> Option<What>,
) -> Result<What, Problem> {
    let text = spanned::string(entry, "cell")?;
    parse(&text).ok_or_else(|| {
        Problem::at(
            entry.value_line,
            format!(
                "cell: {key}: unknown kind \"{text}\" {}",
                error::expected(&text, expected)
            ),
        )
    })
}

/// "timeline, ranges, agreement".
fn chart_names() -> String {
    [ChartKind::Timeline, ChartKind::Ranges, ChartKind::Agreement]
        .map(ChartKind::as_str)
        .join(", ")
}

/// "ranges, claims, changes, agreement, sources, events, editions".
fn table_names() -> String {
    TableKind::ALL.map(TableKind::as_str).join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each problem as `line: message`.
    fn problems(text: &str) -> Vec<String> {
        match parse(text, 11, 10) {
            Ok(cell) => panic!("expected problems, parsed {cell:?}"),
            Err(found) => found
                .iter()
                .map(|p| format!("{}: {}", p.line, p.message))
                .collect(),
        }
    }

    // A chart cell and a multi-metric table cell parse with their lines.
    #[test]
    fn parses_charts_and_tables() {
        let chart = parse(
            "chart = \"timeline\"\nmetric = \"m\"\nname = \"t-1\"\n",
            11,
            10,
        );
        let chart = chart.map_err(|p| format!("{p:?}"));
        assert_eq!(
            chart
                .as_ref()
                .map(|c| (c.what, c.metrics.clone(), c.name.clone())),
            Ok((
                What::Chart(ChartKind::Timeline),
                vec![("m".to_string(), 12)],
                Some("t-1".to_string())
            ))
        );
        let table = parse("table = \"ranges\"\nmetrics = [\"a\",\n \"b\"]\n", 11, 10);
        assert_eq!(
            table.map(|c| c.metrics).map_err(|p| format!("{p:?}")),
            Ok(vec![("a".to_string(), 12), ("b".to_string(), 13)])
        );
        assert!(parse("table = \"sources\"\n", 11, 10).is_ok());
    }

    // Unknown keys and kinds, and missing or doubled keys, are each reported.
    #[test]
    fn reports_every_problem() {
        assert_eq!(
            problems("chart = \"pie\"\ncolour = \"red\"\nmetric = \"m\"\n"),
            [
                "11: cell: chart: unknown kind \"pie\" (expected timeline, ranges, agreement)",
                "12: cell: unknown key \"colour\" (expected chart, table, metric, metrics, \
                 caption, name, scale, exclude, min_reliability)",
            ]
        );
        assert_eq!(
            problems("metric = \"m\"\n"),
            [
                "10: cell: needs `chart = \"timeline, ranges, agreement\"` or `table = \"ranges, \
              claims, changes, agreement, sources, robustness, events, editions\"`"
            ]
        );
        assert_eq!(
            problems("table = \"claims\"\ntable = \"ranges\"\n"),
            ["12: cell: invalid TOML: duplicate key"]
        );
        assert_eq!(
            problems("table = \"claims\"\nchart = \"ranges\"\nname = \"x\"\n"),
            [
                "12: cell: `chart`: a cell has one `chart` or one `table`",
                "13: cell: name: only a chart has a file name",
                "10: cell: a claims table needs `metric` or `metrics`",
            ]
        );
        assert_eq!(
            problems("table = \"agreement\"\n"),
            ["10: cell: an agreement table needs `metric` or `metrics`"]
        );
        // A misspelt key or kind is told the nearest one, and a misspelt
        // `metric` is one problem, not also a missing metric.
        assert_eq!(
            problems("chart = \"Ranges\"\nmetrc = \"m\"\n"),
            [
                "11: cell: chart: unknown kind \"Ranges\" (did you mean \"ranges\"? expected \
                 timeline, ranges, agreement)",
                "12: cell: unknown key \"metrc\" (did you mean \"metric\"? expected chart, table, \
                 metric, metrics, caption, name, scale, exclude, min_reliability)",
            ]
        );
        assert_eq!(
            problems("table = \"claims\"\nmetrcs = [\"m\"]\n"),
            [
                "12: cell: unknown key \"metrcs\" (did you mean \"metrics\"? expected chart, \
                 table, metric, metrics, caption, name, scale, exclude, min_reliability)"
            ]
        );
        assert_eq!(
            problems("chart = \"ranges\"\nmetrics = [\"a\"]\nname = \"A b\"\n"),
            [
                "13: cell: name: \"A b\" is not a file stem (expected [a-z0-9][a-z0-9_-]*; the \
                 chart is written as NAME.svg)",
                "10: cell: a chart shows one metric: use `metric`",
            ]
        );
        // `scale` is a chart's, and log only where there is a value axis.
        assert_eq!(
            problems("chart = \"agreement\"\nmetric = \"m\"\nscale = \"log\"\n"),
            [
                "13: cell: scale: an agreement chart has no value axis (a log scale is for \
                 timeline and ranges)"
            ]
        );
        assert_eq!(
            problems("table = \"ranges\"\nmetric = \"m\"\nscale = \"lg\"\n"),
            ["13: cell: scale: unknown scale \"lg\" (did you mean \"log\"? expected linear, log)"]
        );
        assert_eq!(
            problems("table = \"ranges\"\nmetric = \"m\"\nscale = \"log\"\n"),
            ["13: cell: scale: only a chart has a value axis"]
        );
        let log = parse(
            "chart = \"timeline\"\nmetric = \"m\"\nscale = \"log\"\n",
            11,
            10,
        );
        assert_eq!(log.map(|c| c.scale()).ok(), Some(Scale::Log));
        assert_eq!(
            problems("table = [\n"),
            ["11: cell: invalid TOML: unclosed array, expected `]`"]
        );
    }
}
