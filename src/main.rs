//! rangefinder: curated CSVs of dated, sourced estimates in, briefing
//! reports out. `main` is the pipeline:
//! args -> Config -> load (csv + validate) -> analyse (polars)
//! -> document -> render (markdown, html, pdf; svg) -> write (atomic).
//! Each command's stages are library functions (`commands/`) that return
//! what to print; this file parses, dispatches, prints and sets the exit
//! code. A closed stdout (`rangefinder show | head -1`) ends the command
//! quietly with 0, as ripgrep does.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;

use rangefinder::cli::{Args, Config, Output};
use rangefinder::commands::{self, Printed, publish, query};
use rangefinder::error::{Error, Result};
use rangefinder::{diff, init, notebook, project, write};

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
        // The reader went away (`| head -1`): nothing more to say.
        Ok(Err(error)) if closed_pipe(&error) => ExitCode::SUCCESS,
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

/// Runs one checked command: its library function, then its output printed.
fn run(config: &Config) -> Result<()> {
    match config {
        Config::Check { data } => print(&query::check(data)?),
        Config::Show {
            metric,
            as_of,
            data,
            format,
            filter,
            robustness,
        } => print(&query::show(
            data,
            metric.as_deref(),
            *as_of,
            filter,
            *format,
            *robustness,
        )?),
        Config::Changes {
            since,
            as_of,
            metrics,
            data,
            format,
        } => print(&query::changes(data, *since, *as_of, metrics, *format)?),
        Config::Chart {
            kind,
            metric,
            as_of,
            data,
            output,
            scale,
        } => {
            let svg = query::chart(data, *kind, metric, *as_of, *scale)?;
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
            let printed = if *check {
                commands::build::check(&built)
            } else {
                commands::build::write(&built)
            };
            report(printed, !*quiet)
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
            let done = publish::publish(&publish::Options {
                notebook: notebook.clone(),
                as_of: *as_of,
                published: *published,
                default_data: default_data.clone(),
            })?;
            for warning in &done.warnings {
                eprintln!("{warning}");
            }
            print(&publish::summary(&done))
        }
        Config::Publish {
            notebook,
            default_data,
            ..
        } => report(publish::verified(notebook, default_data)?, true),
        Config::Init { dir } => {
            let created = init::init(dir)?;
            print(&init::summary(dir, &created))
        }
    }
}

/// Prints a command's status lines (unless `shown` is false), then ends as
/// it ended.
fn report(printed: Printed, shown: bool) -> Result<()> {
    if shown {
        print(&printed.status)?;
    }
    printed.outcome
}

/// Writes a command's output to stdout.
fn print(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Error::Other(anyhow::Error::new(e).context("writing to stdout")))
}

/// Whether `error` is a write to a stdout whose reader has gone (every
/// command's writes to stdout say "writing to stdout").
fn closed_pipe(error: &Error) -> bool {
    let Error::Other(error) = error else {
        return false;
    };
    error.to_string() == "writing to stdout"
        && error.chain().any(|cause| {
            cause
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
        })
}
