//! rangefinder: curated CSVs of dated, sourced estimates in, briefing
//! reports out. `main` is the pipeline:
//! args -> Config -> load (csv + validate) -> analyse (polars)
//! -> render (markdown, svg) -> write (atomic).

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use rangefinder::analysis::{self, Analysis};
use rangefinder::cli::{Args, ChartKind, Config};
use rangefinder::data::{self, Dataset, Day};
use rangefinder::error::{Error, Result};
use rangefinder::{chart, notebook, render, timing, write};

fn main() -> ExitCode {
    // A panic is a bug, but it must still end as DESIGN's exit codes say
    // (1, never Rust's 101) with one line saying what happened.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error, please report it: {info}");
    }));
    let outcome = std::panic::catch_unwind(|| {
        Config::from_args(Args::parse()).and_then(|config| run(&config))
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
            metric,
            as_of,
            data,
            format,
        } => {
            let dataset = load(data)?;
            let analysis = analyse(&dataset, *as_of)?;
            let view = analysis::view(&analysis, metric)?;
            print(&render::show::render(view, *format))
        }
        Config::Changes {
            since,
            as_of,
            data,
            format,
        } => {
            let dataset = load(data)?;
            let as_of = resolve_as_of(&dataset, *as_of)?;
            let changes = analysis::changes(&dataset, *since, as_of)?;
            print(&render::show::render_changes(&changes, *format))
        }
        Config::Chart {
            kind,
            metric,
            as_of,
            data,
            output,
        } => {
            let dataset = load(data)?;
            let mut analysis = analyse(&dataset, *as_of)?;
            if *kind == ChartKind::Agreement {
                analysis::add_pairs(&mut analysis, &[metric]);
            }
            let view = analysis::view(&analysis, metric)?;
            let history = analysis::history(&dataset, metric, analysis.as_of)?;
            let svg = chart::render(*kind, view, &history)?;
            write::write_file(output, svg.as_bytes())
        }
        Config::Build {
            notebooks,
            data,
            as_of,
            check,
        } => {
            let notebooks = notebook::select(notebooks, Path::new("reports"))?;
            let options = notebook::Options {
                data: data.clone(),
                as_of: *as_of,
            };
            let reports = notebook::render_all(&notebooks, &options)?;
            let _write = timing::phase("write");
            if *check {
                write::check(&reports)
            } else {
                write::apply(&reports)
            }
        }
    }
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
fn analyse(dataset: &Dataset, as_of: Option<Day>) -> Result<Analysis> {
    let as_of = resolve_as_of(dataset, as_of)?;
    analysis::analyse(dataset, as_of)
}

/// Writes a command's output to stdout.
fn print(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Error::Other(anyhow::Error::new(e).context("writing to stdout")))
}
