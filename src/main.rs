//! rangefinder: curated CSVs of dated, sourced estimates in, briefing
//! reports out. `main` is the pipeline:
//! args -> Config -> load (csv + validate) -> analyse (polars)
//! -> render (markdown, html, svg) -> write (atomic). Each command's
//! stages are library functions (`commands/`, and the modules named
//! below); this file parses, dispatches, prints and sets the exit code.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use rangefinder::analysis::{self, Analysis};
use rangefinder::cli::{Args, ChartKind, Config, Output, Scale};
use rangefinder::data::{self, Dataset, Day};
use rangefinder::error::{Error, Result};
use rangefinder::{chart, commands, diff, edition, init, notebook, project, render, write};

fn main() -> ExitCode {
    // A panic is a bug, but it must still end as the documented exit codes say
    // (1, never Rust's 101) with one line saying what happened.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error, please report it: {info}");
    }));
    let outcome = std::panic::catch_unwind(|| {
        let root = project::root();
        Config::resolve(Args::parse(), &root).and_then(|config| {
            // Found above the current folder: say which project is used.
            let quiet = matches!(
                config,
                Config::Init { .. } | Config::Build { quiet: true, .. }
            );
            if let Some(note) = project::note(&root).filter(|_| !quiet) {
                eprintln!("{note}");
            }
            run(&config)
        })
    });
    match outcome {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(error)) => {
            let mut stderr = std::io::stderr().lock();
            for line in error.lines() {
                let _ = writeln!(stderr, "{line}");
            }
            ExitCode::from(error.exit_code())
        }
        Err(_) => ExitCode::FAILURE,
    }
}

/// Runs one checked command.
fn run(config: &Config) -> Result<()> {
    match config {
        Config::Check { data } => {
            let loaded = data::load::load(data).map_err(Error::Data)?;
            let summary = render::check_summary(&loaded);
            print(&summary)
        }
        Config::Show {
            metric: None,
            as_of,
            data,
            format,
            filter,
            ..
        } => {
            let dataset = load(data)?;
            if *format == render::Format::Csv {
                // Every metric's figures, one row each.
                let analysis = analyse(&dataset, *as_of, filter)?;
                let views: Vec<&analysis::MetricView> = dataset
                    .metrics
                    .iter()
                    .filter_map(|m| analysis.metrics.get(&m.id))
                    .collect();
                return print(&render::csv::render(&views));
            }
            print(&render::metrics::render(&dataset, *as_of, *format))
        }
        Config::Show {
            metric: Some(metric),
            as_of,
            data,
            format,
            filter,
            robustness,
        } => {
            let dataset = load(data)?;
            known_names(&dataset, filter)?;
            let mut analysis = analyse(&dataset, *as_of, filter)?;
            // One metric's pairs: its claims' corroboration.
            analysis::add_pairs(&mut analysis, &[metric])?;
            let view = analysis::view(&analysis, metric)?;
            let rows = if *robustness {
                Some(analysis::robustness(view, &dataset)?)
            } else {
                None
            };
            print(&render::show::render_with(
                view,
                *format,
                rows.as_deref(),
                filter,
            ))
        }
        Config::Changes {
            since,
            as_of,
            metrics,
            data,
            format,
        } => {
            let dataset = load(data)?;
            let as_of = resolve_as_of(&dataset, *as_of)?;
            for metric in metrics {
                known_metric(&dataset, "--metric", metric)?;
            }
            let mut changes = analysis::changes(&dataset, *since, as_of)?;
            // Metrics asked for by name are shown as asked; otherwise only
            // those that changed.
            changes.retain(|c| {
                if metrics.is_empty() {
                    !render::show::unchanged(c)
                } else {
                    metrics.contains(&c.metric)
                }
            });
            print(&render::show::render_changes(&changes, *format))
        }
        Config::Chart {
            kind,
            metric,
            as_of,
            data,
            output,
            scale,
        } => {
            let dataset = load(data)?;
            let mut analysis = analyse(&dataset, *as_of, &analysis::Filter::default())?;
            if *kind == ChartKind::Agreement {
                analysis::add_pairs(&mut analysis, &[metric])?;
            }
            let view = analysis::view(&analysis, metric)?;
            // Only a timeline draws the claims through time.
            let history = match kind {
                ChartKind::Timeline => Some(analysis::history(&dataset, metric, analysis.as_of)?),
                _ => None,
            };
            let options = chart::Options {
                scale: *scale,
                events: dataset.events_of(metric, analysis.as_of),
            };
            // A value a log axis cannot draw is the flag's error.
            let svg =
                chart::render(*kind, view, history.as_ref(), &options).map_err(|e| match e {
                    Error::Other(e) if *scale == Scale::Log => {
                        Error::Other(anyhow::anyhow!("--scale log: {e}"))
                    }
                    e => e,
                })?;
            match output {
                Output::Stdout => print(&svg),
                Output::File(path) => write::write_file(path, svg.as_bytes()),
            }
        }
        Config::Build {
            notebooks,
            reports,
            data,
            default_data,
            as_of,
            since,
            formats,
            check,
            quiet,
        } => {
            let options = notebook::Options {
                data: data.clone(),
                as_of: *as_of,
                since: *since,
                default_data: default_data.clone(),
                formats: formats.clone(),
            };
            let built = commands::build::render(notebooks, reports, &options, &mut |warning| {
                eprintln!("{warning}");
            })?;
            let lines = if *check {
                commands::build::check(&built)
            } else {
                commands::build::write(&built)
            };
            if !*quiet {
                print(&lines.status)?;
            }
            lines.outcome
        }
        Config::Preview(options) => commands::preview::run(options, &mut std::io::stdout()),
        Config::Diff(options) => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            diff::run(options, &mut stdout)
        }
        Config::Publish {
            notebook,
            as_of,
            published,
            verify: false,
            default_data,
        } => {
            let options = edition::publish::Options {
                notebook: notebook.clone(),
                as_of: *as_of,
                published: *published,
                default_data: default_data.clone(),
            };
            let done = edition::publish::publish(&options)?;
            for warning in &done.warnings {
                eprintln!("{warning}");
            }
            let report = match done.report {
                write::Outcome::Written => "written (it lists the new edition)",
                write::Outcome::Unchanged => "unchanged",
            };
            let dir = done
                .folder
                .parent()
                .and_then(Path::parent)
                .unwrap_or(Path::new("."));
            print(&format!(
                "{}: published\n{}: {report}\n",
                commands::shown(&done.folder),
                commands::shown(dir)
            ))
        }
        Config::Publish {
            notebook,
            default_data,
            ..
        } => {
            let (status, problems) = edition::publish::verify(notebook, default_data)?;
            print(&status.iter().map(|l| format!("{l}\n")).collect::<String>())?;
            if problems.is_empty() {
                Ok(())
            } else {
                Err(Error::Stale(problems))
            }
        }
        Config::Init { dir } => {
            let created = init::init(dir)?;
            print(&init::summary(dir, &created))
        }
    }
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
        rangefinder::error::unknown_metric(metric, &known)
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
fn analyse(dataset: &Dataset, as_of: Option<Day>, filter: &analysis::Filter) -> Result<Analysis> {
    let as_of = resolve_as_of(dataset, as_of)?;
    analysis::analyse_filtered(dataset, as_of, filter)
}

/// The sources and affiliations `show`'s filter flags name must be in the
/// data; the error names the flag and the nearest known names.
fn known_names(dataset: &Dataset, filter: &analysis::Filter) -> Result<()> {
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
                rangefinder::text::clean(name),
                rangefinder::error::known_ids(name, known)
            )));
        }
    }
    Ok(())
}

/// Writes a command's output to stdout.
fn print(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Error::Other(anyhow::Error::new(e).context("writing to stdout")))
}
