//! The checks of a parsed notebook that need the data (unknown metrics,
//! sources and affiliations, `since`, a log scale over a 0, clashing or
//! over-long chart files): every problem found, each at its line, before
//! anything is computed.

use std::collections::{BTreeMap, BTreeSet};

use crate::chart;
use crate::data::{Dataset, Day};

use super::Problem;
use super::cell::{Cell, TableKind, What};
use super::front;
use super::inline::{self, Key};
use super::parse::{Block, Notebook};

/// Every problem of `notebook` that needs the data, as of `as_of`.
/// `first_edition`: the notebook is built as its first edition, where no
/// `since` means "no earlier edition", not a mistake.
pub fn check(
    notebook: &Notebook,
    dataset: &Dataset,
    as_of: Day,
    first_edition: bool,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    // A set, not a search of metrics.csv per id: a cell may list 100,000.
    let ids: BTreeSet<&str> = dataset.metrics.iter().map(|m| m.id.as_str()).collect();
    let listed: Vec<&str> = dataset.metrics.iter().map(|m| m.id.as_str()).collect();
    // The nearest known ids of each unknown one, found once however often
    // it is used.
    let mut nearest: BTreeMap<String, String> = BTreeMap::new();
    let mut known = |metric: &str, line: usize, problems: &mut Vec<Problem>, what: &str| {
        if !ids.contains(metric) {
            let unknown = nearest
                .entry(metric.to_owned())
                .or_insert_with(|| crate::error::unknown_metric(metric, &listed));
            problems.push(Problem::at(line, format!("{what}{unknown}")));
        }
    };
    let source_list: Vec<&str> = dataset.sources.iter().map(|s| s.id.as_str()).collect();
    let sources: BTreeSet<&str> = source_list.iter().copied().collect();
    let front = &notebook.front;
    let mut since_used = None;
    let mut files: BTreeMap<String, usize> = BTreeMap::new();
    // Inline values of the prose, the captions and the title, checked
    // alike; the title cannot name itself.
    let mut values: Vec<inline::Inline> = Vec::new();
    if let Some(title) = &front.title {
        let (segments, found) = super::parse::segments(title, front.title_line);
        problems.extend(found);
        for segment in segments {
            if let Block::Value(value) = segment {
                if value.key == Key::Title {
                    problems.push(Problem::at(
                        value.line,
                        "front matter: title: `{{ title }}` in the title itself (write the \
                         title's words)"
                            .into(),
                    ));
                }
                values.push(value);
            }
        }
    }
    for block in &notebook.blocks {
        match block {
            Block::Value(value) => values.push(value.clone()),
            Block::Cell(Cell {
                caption: Some(caption),
                line,
                ..
            }) => {
                let (segments, found) = super::parse::segments(caption, *line);
                problems.extend(found);
                values.extend(segments.into_iter().filter_map(|b| match b {
                    Block::Value(value) => Some(value),
                    _ => None,
                }));
            }
            _ => {}
        }
    }
    for value in &values {
        if let Some(source) = &value.source
            && !sources.contains(source.as_str())
        {
            problems.push(Problem::at(
                value.line,
                format!(
                    "inline value `{}`: unknown source \"{source}\" ({})",
                    value.key.as_str(),
                    crate::error::known_ids(source, &source_list)
                ),
            ));
        }
        if let Some(metric) = &value.metric {
            let what = format!("inline value `{}`: ", value.key.as_str());
            known(metric, value.line, &mut problems, &what);
        }
        if value.key == Key::Since {
            since_used.get_or_insert(value.line);
            if front.since.is_none() && !first_edition {
                problems.push(Problem::at(
                    value.line,
                    "inline value `since`: the front matter has no `since`".into(),
                ));
            }
        }
    }
    for block in &notebook.blocks {
        match block {
            Block::Text(_) | Block::Value(_) => {}
            Block::Cell(cell) => {
                for (metric, line) in &cell.metrics {
                    known(metric, *line, &mut problems, "cell: metric: ");
                }
                // A filter names sources and affiliations of the data.
                for (is_source, name, line) in &cell.filter_names {
                    let (what, listed): (&str, Vec<&str>) = if *is_source {
                        ("source", source_list.clone())
                    } else {
                        let mut seen = BTreeSet::new();
                        let affiliations = dataset
                            .sources
                            .iter()
                            .map(|s| s.affiliation.as_str())
                            .filter(|a| seen.insert(*a))
                            .collect();
                        ("affiliation", affiliations)
                    };
                    if !listed.contains(&name.as_str()) {
                        problems.push(Problem::at(
                            *line,
                            format!(
                                "cell: exclude: unknown {what} \"{}\" ({})",
                                crate::error::one_line(name),
                                crate::error::known_ids(name, &listed)
                            ),
                        ));
                    }
                }
                if let Some((chart::Scale::Log, line)) = cell.scale
                    && let Some((metric, _)) = cell.metrics.first()
                    && let Some(problem) = log_problem(dataset, metric, as_of)
                {
                    problems.push(Problem::at(
                        line,
                        format!("cell: scale = \"log\": {problem}"),
                    ));
                }
                if cell.what == What::Table(TableKind::Changes)
                    && front.since.is_none()
                    && !first_edition
                {
                    problems.push(Problem::at(
                        cell.what_line,
                        "cell: a changes table needs `since` in the front matter".into(),
                    ));
                }
                if let Some(file) = chart_file(cell) {
                    if file.len() > LONGEST_FILE_NAME {
                        let start: String = file.chars().take(40).collect();
                        problems.push(Problem::at(
                            cell.line,
                            format!(
                                "cell: chart file \"{start}…\" is {} bytes long, over the limit \
                                 of {LONGEST_FILE_NAME} (give the cell a shorter `name`)",
                                file.len()
                            ),
                        ));
                    } else if let Some(first) = files.get(&file) {
                        problems.push(Problem::at(
                            cell.line,
                            format!(
                                "cell: chart file \"{file}\" is also written by the cell on line \
                                 {first} (give one of them a `name`)"
                            ),
                        ));
                    } else {
                        files.insert(file, cell.line);
                    }
                }
            }
        }
    }
    problems.extend(front::check_since(front, as_of));
    problems
}

/// The first claim of `metric` known as of `as_of` that a log axis cannot
/// draw (a stated number at or below 0), as "claim ID states N; …". Every
/// known claim is looked at, the ones a timeline draws; a forest plot
/// draws only the current ones, but a 0 among a metric's claims is a
/// denial, and the chart should not hide it off a log axis either way.
fn log_problem(dataset: &Dataset, metric: &str, as_of: Day) -> Option<String> {
    let code = dataset.metrics.iter().position(|m| m.id == metric)?;
    let claims = &dataset.claims;
    claims
        .records()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.origin.is_none() && r.metric as usize == code && r.claimed.end <= as_of)
        .find_map(|(row, r)| {
            let (least, _) = r.stated.ends();
            (least <= 0.0).then(|| {
                format!(
                    "claim {} states {}; a log scale needs every value drawn above 0",
                    claims.id(row),
                    crate::render::number(least)
                )
            })
        })
}

/// The longest chart file name, in bytes: well under the 255 that most
/// file systems allow, so the build never fails on a name half-way through
/// writing a report.
const LONGEST_FILE_NAME: usize = 200;

/// The SVG files the notebook's chart cells write, as [`chart_file`] names
/// them.
pub fn chart_files(notebook: &Notebook) -> BTreeSet<String> {
    notebook
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Cell(cell) => chart_file(cell),
            _ => None,
        })
        .collect()
}

/// The SVG file a chart cell writes: `name.svg` or `<chart>-<metric>.svg`.
pub(super) fn chart_file(cell: &Cell) -> Option<String> {
    let What::Chart(kind) = cell.what else {
        return None;
    };
    let stem = match (&cell.name, cell.metrics.first()) {
        (Some(name), _) => name.clone(),
        (None, Some((metric, _))) => format!("{}-{metric}", kind.as_str()),
        (None, None) => return None,
    };
    Some(format!("{stem}.svg"))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::data::Metric;
    use crate::notebook::parse;

    /// A dataset that knows metric `m` only.
    pub(in crate::notebook) fn dataset() -> Dataset {
        Dataset {
            metrics: vec![Metric {
                id: "m".into(),
                label: "M".into(),
                unit: "u".into(),
                tolerance: 0.1,
                description: None,
                stale_after: None,
                decimals: 0,
                line: 2,
            }],
            ..Dataset::default()
        }
    }

    /// The problems `check` finds in notebook `text` (which parses
    /// cleanly) against [`dataset`] as of 2024-11-05, as `line: message`.
    fn checked(text: &str) -> Vec<String> {
        let (notebook, problems) = parse::parse(text);
        assert_eq!(problems, []);
        let as_of = Day::from_ymd_opt(2024, 11, 5).unwrap_or_default();
        check(&notebook, &dataset(), as_of, false)
            .iter()
            .map(|p| format!("{}: {}", p.line, p.message))
            .collect()
    }

    // Unknown metrics, clashing chart files and a late `since` are found
    // together, each at its line.
    #[test]
    fn checks_against_the_data() {
        let text = "+++\ntitle = \"T\"\nsince = \"2024-12-01\"\n+++\n{{ low x }}\n\
                    ```rangefinder\nchart = \"ranges\"\nmetric = \"m\"\n```\n\
                    ```rangefinder\nchart = \"ranges\"\nmetric = \"m\"\n```\n\
                    ```rangefinder\nchart = \"ranges\"\nmetric = \"m\"\nname = \"other\"\n```\n";
        assert_eq!(
            checked(text),
            [
                "5: inline value `low`: unknown metric \"x\" (known: m)",
                "10: cell: chart file \"ranges-m.svg\" is also written by the cell on line 6 \
                 (give one of them a `name`)",
                "3: front matter: since (2024-12-01) must be before as_of (2024-11-05)",
            ]
        );
    }

    // A chart name that makes a file name over the limit is a notebook
    // problem, found before anything is written (it once failed the build
    // half-way through writing a report).
    #[test]
    fn limits_chart_file_names() {
        let long = "n".repeat(197);
        let text = format!(
            "+++\ntitle = \"T\"\n+++\n```rangefinder\nchart = \"ranges\"\nmetric = \"m\"\n\
             name = \"{long}\"\n```\n```rangefinder\nchart = \"ranges\"\nmetric = \"m\"\n\
             name = \"{}\"\n```\n",
            &long[1..]
        );
        assert_eq!(
            checked(&text),
            [format!(
                "4: cell: chart file \"{}…\" is 201 bytes long, over the limit of 200 (give \
                 the cell a shorter `name`)",
                &long[..40]
            )]
        );
    }
}
