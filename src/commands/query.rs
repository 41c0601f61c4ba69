//! The commands that read a data folder and answer on stdout: `check`,
//! `show`, `changes` and `chart`. Each loads, analyses and renders, and
//! returns the text to print; `main` prints it.

use std::path::Path;

use crate::analysis::{self, Analysis, Filter};
use crate::chart::{self, ChartKind, Scale};
use crate::data::{self, Dataset, Day};
use crate::error::{Error, Result};
use crate::render::{self, Format};

/// `check`: the data's warnings and a summary line; its errors are the
/// error.
pub fn check(data: &Path) -> Result<String> {
    let loaded = data::load::load(data).map_err(Error::Data)?;
    Ok(render::check_summary(&loaded))
}

/// `show`: without a metric, the metrics with their claim counts (or, in
/// CSV, every metric's figures, one row each); with one, its figures, its
/// claims and, when asked, its robustness, under `filter`.
pub fn show(
    data: &Path,
    metric: Option<&str>,
    as_of: Option<Day>,
    filter: &Filter,
    format: Format,
    robustness: bool,
) -> Result<String> {
    let dataset = load(data)?;
    let Some(metric) = metric else {
        if format == Format::Csv {
            let analysis = analyse(&dataset, as_of, filter)?;
            let views: Vec<&analysis::MetricView> = dataset
                .metrics
                .iter()
                .filter_map(|m| analysis.metrics.get(&m.id))
                .collect();
            return Ok(render::csv::render(&views));
        }
        return Ok(render::metrics::render(&dataset, as_of, format));
    };
    known_names(&dataset, filter)?;
    let mut analysis = analyse(&dataset, as_of, filter)?;
    // One metric's pairs: its claims' corroboration.
    analysis::add_pairs(&mut analysis, &[metric])?;
    let view = analysis::view(&analysis, metric)?;
    let rows = if robustness {
        Some(analysis::robustness(view, &dataset)?)
    } else {
        None
    };
    Ok(render::show::render_with(
        view,
        format,
        rows.as_deref(),
        filter,
    ))
}

/// `changes`: per metric, what changed between `since` and `as_of` (the
/// data's latest claim by default): the metrics named, else those that
/// changed.
pub fn changes(
    data: &Path,
    since: Day,
    as_of: Option<Day>,
    metrics: &[String],
    format: Format,
) -> Result<String> {
    let dataset = load(data)?;
    let as_of = resolve_as_of(&dataset, as_of)?;
    for metric in metrics {
        known_metric(&dataset, "--metric", metric)?;
    }
    let mut changes = analysis::changes(&dataset, since, as_of)?;
    changes.retain(|c| {
        if metrics.is_empty() {
            !render::show::unchanged(c)
        } else {
            metrics.contains(&c.metric)
        }
    });
    Ok(render::show::render_changes(&changes, format))
}

/// `chart`: the SVG of a chart of `kind` on `metric` as of `as_of`.
pub fn chart(
    data: &Path,
    kind: ChartKind,
    metric: &str,
    as_of: Option<Day>,
    scale: Scale,
) -> Result<String> {
    let dataset = load(data)?;
    let mut analysis = analyse(&dataset, as_of, &Filter::default())?;
    if kind == ChartKind::Agreement {
        analysis::add_pairs(&mut analysis, &[metric])?;
    }
    let view = analysis::view(&analysis, metric)?;
    // Only a timeline draws the claims through time.
    let history = match kind {
        ChartKind::Timeline => Some(analysis::history(&dataset, metric, analysis.as_of)?),
        _ => None,
    };
    let options = chart::Options {
        scale,
        events: dataset.events_of(metric, analysis.as_of),
    };
    // A value a log axis cannot draw is the flag's error.
    chart::render(kind, view, history.as_ref(), &options).map_err(|e| match e {
        Error::Other(e) if scale == Scale::Log => Error::Other(anyhow::anyhow!("--scale log: {e}")),
        e => e,
    })
}

/// A metric id given to `flag` must be in the data; the error names the
/// flag and the known ids.
fn known_metric(dataset: &Dataset, flag: &str, metric: &str) -> Result<()> {
    if dataset.metric(metric).is_some() {
        return Ok(());
    }
    let known: Vec<&str> = dataset.metrics.iter().map(|m| m.id.as_str()).collect();
    Err(Error::Usage(format!(
        "{flag}: {}",
        crate::error::unknown_metric(metric, &known)
    )))
}

/// Loads a data folder; its errors become [`Error::Data`].
fn load(dir: &Path) -> Result<Dataset> {
    Ok(data::load::load(dir).map_err(Error::Data)?.dataset)
}

/// The as-of day asked for, or the default: the latest claim in the data.
fn resolve_as_of(dataset: &Dataset, as_of: Option<Day>) -> Result<Day> {
    as_of
        .or_else(|| dataset.latest_claimed())
        .ok_or_else(|| Error::Other(anyhow::anyhow!("{}: no claims", dataset.dir.display())))
}

/// Analyses every metric as of the day asked for (or the default).
fn analyse(dataset: &Dataset, as_of: Option<Day>, filter: &Filter) -> Result<Analysis> {
    let as_of = resolve_as_of(dataset, as_of)?;
    analysis::analyse_filtered(dataset, as_of, filter)
}

/// The sources and affiliations `show`'s filter flags name must be in the
/// data; the error names the flag and the nearest known names.
fn known_names(dataset: &Dataset, filter: &Filter) -> Result<()> {
    let sources: Vec<&str> = dataset.sources.iter().map(|s| s.id.as_str()).collect();
    let mut affiliations: Vec<&str> = Vec::new();
    for source in &dataset.sources {
        if !affiliations.contains(&source.affiliation.as_str()) {
            affiliations.push(&source.affiliation);
        }
    }
    let checks = [
        ("--exclude-source", "source", &filter.sources, &sources),
        (
            "--exclude-affiliation",
            "affiliation",
            &filter.affiliations,
            &affiliations,
        ),
    ];
    for (flag, what, names, known) in checks {
        if let Some(name) = names.iter().find(|n| !known.contains(&n.as_str())) {
            return Err(Error::Usage(format!(
                "{flag}: unknown {what} \"{}\" ({})",
                crate::text::clean(name),
                crate::error::known_ids(name, known)
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped seed data (tests run in the crate's folder).
    fn seed() -> &'static Path {
        Path::new("data")
    }

    /// A day from its ISO text.
    fn day(text: &str) -> Day {
        Day::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    // `check` of the seed data is one summary line and no error.
    #[test]
    fn check_summarises() -> Result<()> {
        let summary = check(seed())?;
        assert!(summary.starts_with("ok: "), "{summary}");
        assert!(summary.ends_with(" 0 warnings\n"), "{summary}");
        Ok(())
    }

    // `show METRIC --format json` gives DESIGN §4's figures for Kursk.
    #[test]
    fn show_gives_the_worked_example() -> Result<()> {
        let filter = Filter::default();
        let json = show(
            seed(),
            Some("kp_troops_kursk"),
            Some(day("2025-03-07")),
            &filter,
            Format::Json,
            false,
        )?;
        let value: serde_json::Value = serde_json::from_str(&json).map_err(anyhow::Error::new)?;
        assert_eq!(value["consensus"]["low"], 11000);
        assert_eq!(value["consensus"]["support"], 2);
        assert_eq!(value["bounds"]["ceiling"], 8000);
        Ok(())
    }

    // A filter flag naming an unknown affiliation is a usage error naming
    // the flag; so is an unknown `--metric`.
    #[test]
    fn unknown_names_are_the_flags_errors() {
        let filter = Filter {
            affiliations: vec!["Ukraina".into()],
            ..Filter::default()
        };
        let shown = show(
            seed(),
            Some("kp_troops_kursk"),
            None,
            &filter,
            Format::Text,
            false,
        );
        assert!(
            matches!(&shown, Err(Error::Usage(m)) if m.starts_with("--exclude-affiliation: unknown affiliation \"Ukraina\"")),
            "{shown:?}"
        );
        let changed = changes(seed(), day("2024-10-01"), None, &["x".into()], Format::Text);
        assert!(
            matches!(&changed, Err(Error::Usage(m)) if m.starts_with("--metric: unknown metric \"x\"")),
            "{changed:?}"
        );
    }

    // `changes` without metrics lists only those that changed; a chart is
    // one SVG, and a log scale over a denial is the flag's error.
    #[test]
    fn changes_and_charts() -> Result<()> {
        let text = changes(seed(), day("2024-10-01"), None, &[], Format::Markdown)?;
        assert!(
            text.contains("North Korean troops in Kursk region"),
            "{text}"
        );
        let svg = chart(
            seed(),
            ChartKind::Ranges,
            "kp_troops_kursk",
            None,
            Scale::Linear,
        )?;
        assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
        let log = chart(
            seed(),
            ChartKind::Ranges,
            "kp_troops_russia",
            None,
            Scale::Log,
        );
        assert!(
            matches!(&log, Err(Error::Other(e)) if e.to_string().starts_with("--scale log: ")),
            "{log:?}"
        );
        Ok(())
    }
}
