//! The command line: clap's derive [`Args`], turned into a checked
//! [`Config`] before any work starts. Stages get `&Config`, never raw flags.
//! Default folders are resolved against the project root ([`crate::project`]),
//! so every command works from any folder inside a project.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

pub use crate::chart::{ChartKind, Scale};
use crate::data::{DateSpec, Day};
use crate::error::{Error, Result};
pub use crate::notebook::ReportFormat;
pub use crate::render::Format;

/// Turn curated CSVs of dated, sourced estimates into briefing reports.
///
/// A project holds `data/` (claims.csv, sources.csv, metrics.csv) and
/// `reports/<name>/brief.md` notebooks; every command finds the project from
/// any folder inside it. Start one with `rangefinder init`.
#[derive(Debug, Parser)]
#[command(name = "rangefinder", version, about, long_about)]
pub struct Args {
    #[command(subcommand)]
    command: CommandArgs,
}

#[derive(Debug, Subcommand)]
enum CommandArgs {
    /// Render notebooks (reports/<name>/brief.md) into reports (README.md + SVGs).
    ///
    /// Also writes each format the notebook's `formats` asks for, and those
    /// given with --format (html: index.html; pdf: report.pdf). Prints one
    /// line per report: written, unchanged, or with --check differs. Exit 1
    /// on invalid data or notebooks, or with --check when a report on disk
    /// differs from what build would write.
    Build {
        /// Notebooks or report folders (a folder names its brief.md);
        /// default: every reports/*/brief.md.
        #[arg(value_name = "NOTEBOOK|DIR")]
        notebooks: Vec<PathBuf>,
        /// Data folder; overrides each notebook's `data`.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Report day (YYYY-MM-DD); overrides each notebook's `as_of`.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Earlier day of `changes` tables (YYYY-MM-DD); overrides each notebook's `since`.
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Also write this format (repeatable), besides those each
        /// notebook's `formats` lists; README.md is always written.
        #[arg(long = "format", value_enum, value_name = "FORMAT")]
        formats: Vec<ReportFormat>,
        /// Write nothing; exit 1 naming every file that differs.
        #[arg(long)]
        check: bool,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Freeze a report as built now into reports/<name>/editions/<as_of>/
    /// with edition.toml (as-of day, publication day, git commit, SHA-256 of
    /// every file); with --verify, rebuild every edition from its commit
    /// and compare byte for byte.
    Publish {
        /// The report's notebook or folder.
        #[arg(value_name = "NOTEBOOK|DIR")]
        report: PathBuf,
        /// The edition's as-of day (YYYY-MM-DD); default: the notebook's
        /// as_of, else the latest claim.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// The publication day recorded (YYYY-MM-DD); default: today (UTC).
        #[arg(long, value_name = "DATE")]
        published: Option<String>,
        /// Publish nothing: rebuild every edition of the report from the
        /// commit it records and exit 1 naming each file that differs.
        #[arg(long, conflicts_with_all = ["as_of", "published"])]
        verify: bool,
    },
    /// Serve a report's HTML on 127.0.0.1, rebuilt in memory whenever its
    /// notebook or data change; the page reloads itself.
    ///
    /// Builds the report as `build --format html` would, writing nothing,
    /// and serves only that page at http://127.0.0.1:PORT/ (printed once it
    /// listens). It watches the notebook, the data folder (events.csv
    /// included) and the report's editions, by polling sizes and modification
    /// times every 200 ms; a burst of saves is one rebuild, and editor swap
    /// and backup files (.*.swp, *~, .#*, 4913) are ignored. A problem in the
    /// data or notebook is shown at the top of the page as the `FILE:LINE: …`
    /// lines `check` prints, above the last good build. Stop it with Ctrl-C.
    Preview {
        /// The report's notebook or folder; default: the only report under
        /// reports/.
        #[arg(value_name = "NOTEBOOK|DIR")]
        report: Option<PathBuf>,
        /// Port on 127.0.0.1; 0 picks a free one. A port in use is an error,
        /// never silently replaced by another.
        #[arg(long, value_name = "N", default_value_t = 8000)]
        port: u16,
        /// Watch by polling (always so: this option is accepted for
        /// file systems without change notifications, and changes nothing).
        #[arg(long)]
        poll: bool,
    },
    /// Validate the data files and report every problem, one per line.
    Check {
        /// Data folder; default: data/ of the project.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
    /// Range, consensus and each source's current claim for one metric;
    /// without a metric, every metric with its number of claims.
    Show {
        /// Metric id; omit it to list the metrics.
        metric: Option<String>,
        /// Day to view the data as of (YYYY-MM-DD); default: latest claim.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Data folder; default: data/ of the project.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Output format (csv: one row per metric with every figure; without
        /// a metric, every metric).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Leave out this source's claims (repeatable).
        #[arg(long = "exclude-source", value_name = "SOURCE")]
        exclude_sources: Vec<String>,
        /// Leave out the claims of this affiliation's sources (repeatable).
        #[arg(long = "exclude-affiliation", value_name = "AFFILIATION")]
        exclude_affiliations: Vec<String>,
        /// Leave out the claims of this kind of source (repeatable).
        #[arg(long = "exclude-kind", value_name = "KIND")]
        exclude_kinds: Vec<String>,
        /// Leave out the claims of the parties (sources with party = yes).
        #[arg(long)]
        exclude_parties: bool,
        /// Keep only sources graded this or better (A–F).
        #[arg(long, value_name = "GRADE")]
        min_reliability: Option<String>,
        /// Add the figures without each source, affiliation, the parties and
        /// the low grades.
        #[arg(long)]
        robustness: bool,
    },
    /// New claims, revisions, range and consensus between two days, for
    /// each metric that changed.
    Changes {
        /// The earlier day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        since: String,
        /// The later day (YYYY-MM-DD); default: latest claim.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Only this metric (repeat the flag for several); a metric named
        /// here is shown even when it did not change.
        #[arg(long = "metric", value_name = "METRIC")]
        metrics: Vec<String>,
        /// Data folder; default: data/ of the project.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Compare the figures of two versions of the data in git, and the
    /// claims that moved them (like `git diff` and `dvc metrics diff`).
    ///
    /// A_REV defaults to HEAD, B_REV to the working tree. Per metric that
    /// changed: range, median, consensus before and after, the claims
    /// added, removed and edited, and which sources' current claims moved.
    /// Exit 1 when a version's data fail check, 2 outside a git repository
    /// or for an unknown revision.
    Diff {
        /// The earlier revision; default: HEAD.
        #[arg(value_name = "A_REV")]
        a: Option<String>,
        /// The later revision; default: the working tree.
        #[arg(value_name = "B_REV")]
        b: Option<String>,
        /// Data folder; default: data/ of the project (the same path at both revisions).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Day to view both versions as of (YYYY-MM-DD); default: each its latest claim.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// List unchanged metrics too.
        #[arg(long)]
        all: bool,
        /// Output format (markdown: a pull-request comment).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Markdown: show changed charts before and after from this URL,
        /// `{rev}` (a commit) and `{path}` filled in, e.g.
        /// https://github.com/OWNER/REPO/raw/{rev}/{path}
        #[arg(long, value_name = "TEMPLATE")]
        image_url: Option<String>,
    },
    /// Draw one chart as SVG, outside a notebook.
    Chart {
        /// Chart kind.
        #[arg(value_enum)]
        kind: ChartKind,
        /// Metric id.
        metric: String,
        /// Day to view the data as of (YYYY-MM-DD); default: latest claim.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Data folder; default: data/ of the project.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Output file, or - for standard output; default: KIND-METRIC.svg.
        #[arg(short, long, value_name = "FILE|-")]
        output: Option<PathBuf>,
        /// Value axis scale of a timeline or ranges chart (log: every value
        /// drawn must be above 0).
        #[arg(long, value_enum, default_value_t = Scale::Linear)]
        scale: Scale,
    },
    /// Start a project in DIR: example data, a report notebook, a CI
    /// workflow and a README. Writes nothing if any of them exists.
    Init {
        /// The project folder (created if missing); default: the current folder.
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Where `chart` writes its SVG.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Standard output (`-o -`).
    Stdout,
    /// A file, written atomically.
    File(PathBuf),
}

/// A checked command, ready to run.
#[derive(Debug, Clone, PartialEq)]
pub enum Config {
    Build {
        /// Notebooks or report folders named on the command line.
        notebooks: Vec<PathBuf>,
        /// The project's `reports/` folder (searched when none is named).
        reports: PathBuf,
        /// `--data`: overrides each notebook's `data`.
        data: Option<PathBuf>,
        /// A notebook's data folder when neither `--data` nor its `data` says.
        default_data: PathBuf,
        as_of: Option<Day>,
        since: Option<Day>,
        /// `--format`: added to each notebook's `formats`.
        formats: Vec<ReportFormat>,
        check: bool,
        quiet: bool,
    },
    Check {
        data: PathBuf,
    },
    Show {
        /// `None`: list the metrics.
        metric: Option<String>,
        as_of: Option<Day>,
        data: PathBuf,
        format: Format,
        /// What the figures leave out (the filter flags).
        filter: crate::analysis::Filter,
        /// Add the robustness rows.
        robustness: bool,
    },
    Changes {
        since: Day,
        as_of: Option<Day>,
        /// Metrics asked for with `--metric`; empty: every metric that changed.
        metrics: Vec<String>,
        data: PathBuf,
        format: Format,
    },
    Chart {
        kind: ChartKind,
        metric: String,
        as_of: Option<Day>,
        data: PathBuf,
        output: Output,
        /// The value axis scale.
        scale: Scale,
    },
    Diff(crate::diff::Options),
    Preview(crate::commands::preview::Options),
    Publish {
        /// The report's notebook.
        notebook: PathBuf,
        as_of: Option<Day>,
        published: Option<Day>,
        verify: bool,
        /// The project's data/ (for a notebook that names none).
        default_data: PathBuf,
    },
    Init {
        dir: PathBuf,
    },
}

impl Config {
    /// Checks the arguments clap could not (dates and their order) and
    /// resolves default folders against the project root found from the
    /// current folder.
    pub fn from_args(args: Args) -> Result<Config> {
        Config::resolve(args, &crate::project::root())
    }

    /// [`Config::from_args`] with the project root given (relative to the
    /// current folder; empty when it is the current folder).
    pub fn resolve(args: Args, root: &Path) -> Result<Config> {
        let data = |flag: Option<PathBuf>| flag.unwrap_or_else(|| root.join("data"));
        Ok(match args.command {
            CommandArgs::Build {
                notebooks,
                data,
                as_of,
                since,
                formats,
                check,
                quiet,
            } => {
                let as_of = parse_day("--as-of", as_of.as_deref())?;
                let since = parse_day("--since", since.as_deref())?;
                in_order(since, as_of)?;
                for format in &formats {
                    if let Some(why) = format.missing() {
                        return Err(Error::Usage(format!("--format {}: {why}", format.as_str())));
                    }
                }
                Config::Build {
                    notebooks,
                    reports: root.join("reports"),
                    data,
                    default_data: root.join("data"),
                    as_of,
                    since,
                    formats,
                    check,
                    quiet,
                }
            }
            CommandArgs::Check { data: flag } => Config::Check { data: data(flag) },
            CommandArgs::Preview { report, port, poll } => {
                let reports = root.join("reports");
                let named: Vec<PathBuf> = report.into_iter().collect();
                let mut found = crate::notebook::select(&named, &reports)?;
                if found.len() > 1 {
                    let names: Vec<String> = found
                        .iter()
                        .filter_map(|n| n.parent().and_then(Path::file_name))
                        .map(|n| n.to_string_lossy().into_owned())
                        .collect();
                    return Err(Error::Usage(format!(
                        "preview shows one report: name it (one of {})",
                        names.join(", ")
                    )));
                }
                let notebook = found
                    .pop()
                    .ok_or_else(|| Error::Usage("preview needs a report".into()))?;
                Config::Preview(crate::commands::preview::Options {
                    notebook,
                    default_data: root.join("data"),
                    port,
                    poll,
                })
            }
            CommandArgs::Publish {
                report,
                as_of,
                published,
                verify,
            } => {
                let mut notebook =
                    crate::notebook::select(std::slice::from_ref(&report), &root.join("reports"))?;
                let notebook = notebook
                    .pop()
                    .ok_or_else(|| Error::Usage("publish needs a report".into()))?;
                Config::Publish {
                    notebook,
                    as_of: parse_day("--as-of", as_of.as_deref())?,
                    published: parse_day("--published", published.as_deref())?,
                    verify,
                    default_data: root.join("data"),
                }
            }
            CommandArgs::Show {
                metric,
                as_of,
                data: flag,
                format,
                exclude_sources,
                exclude_affiliations,
                exclude_kinds,
                exclude_parties,
                min_reliability,
                robustness,
            } => Config::Show {
                metric,
                as_of: parse_day("--as-of", as_of.as_deref())?,
                data: data(flag),
                format,
                filter: filter(
                    exclude_sources,
                    exclude_affiliations,
                    &exclude_kinds,
                    exclude_parties,
                    min_reliability.as_deref(),
                )?,
                robustness,
            },
            CommandArgs::Changes {
                since,
                as_of,
                metrics,
                data: flag,
                format,
            } => {
                if format == Format::Csv {
                    return Err(Error::Usage(
                        "--format csv: only `show` writes CSV (one row per metric); use json"
                            .into(),
                    ));
                }
                let since = parse_day("--since", Some(&since))?
                    .ok_or_else(|| Error::Usage("--since needs a date".into()))?;
                let as_of = parse_day("--as-of", as_of.as_deref())?;
                in_order(Some(since), as_of)?;
                let mut unique = Vec::new();
                for metric in metrics {
                    if !unique.contains(&metric) {
                        unique.push(metric);
                    }
                }
                Config::Changes {
                    since,
                    as_of,
                    metrics: unique,
                    data: data(flag),
                    format,
                }
            }
            CommandArgs::Chart {
                kind,
                metric,
                as_of,
                data: flag,
                output,
                scale,
            } => {
                if scale == Scale::Log && kind == ChartKind::Agreement {
                    return Err(Error::Usage(
                        "--scale log: an agreement chart has no value axis (use it with \
                         timeline or ranges)"
                            .into(),
                    ));
                }
                let output = match output {
                    Some(path) if path.as_os_str() == "-" => Output::Stdout,
                    Some(path) => Output::File(path),
                    None => Output::File(PathBuf::from(format!("{}-{metric}.svg", kind.as_str()))),
                };
                Config::Chart {
                    kind,
                    metric,
                    as_of: parse_day("--as-of", as_of.as_deref())?,
                    data: data(flag),
                    output,
                    scale,
                }
            }
            CommandArgs::Diff {
                a,
                b,
                data: flag,
                as_of,
                all,
                format,
                image_url,
            } => {
                if format == Format::Csv {
                    return Err(Error::Usage(
                        "--format csv: only `show` writes CSV (one row per metric); use json"
                            .into(),
                    ));
                }
                if let Some(template) = &image_url
                    && !(template.contains("{rev}") && template.contains("{path}"))
                {
                    return Err(Error::Usage(format!(
                        "--image-url: \"{template}\" needs both {{rev}} and {{path}}"
                    )));
                }
                Config::Diff(crate::diff::Options {
                    a: a.unwrap_or_else(|| "HEAD".to_owned()),
                    b,
                    root: root.to_path_buf(),
                    data: data(flag),
                    reports: root.join("reports"),
                    as_of: parse_day("--as-of", as_of.as_deref())?,
                    all,
                    format,
                    image_url,
                })
            }
            CommandArgs::Init { dir } => Config::Init {
                dir: dir.unwrap_or_else(|| PathBuf::from(".")),
            },
        })
    }
}

/// `--since` must come before `--as-of` when both are given.
fn in_order(since: Option<Day>, as_of: Option<Day>) -> Result<()> {
    match (since, as_of) {
        (Some(since), Some(as_of)) if as_of <= since => Err(Error::Usage(
            crate::error::not_before(&format!("--since {since}"), &format!("--as-of {as_of}")),
        )),
        _ => Ok(()),
    }
}

/// Parses the day given to `flag` with the CSV files' date parser, so it is
/// read and its errors worded exactly as in a CSV cell.
fn parse_day(flag: &str, text: Option<&str>) -> Result<Option<Day>> {
    let Some(text) = text else { return Ok(None) };
    DateSpec::parse_day(text)
        .map(Some)
        .map_err(|message| Error::Usage(format!("{flag}: {message}")))
}

/// The filter of `show`'s flags; an unknown kind or grade is a usage error
/// naming its flag (sources and affiliations are checked against the data).
fn filter(
    sources: Vec<String>,
    affiliations: Vec<String>,
    kinds: &[String],
    parties: bool,
    grade: Option<&str>,
) -> Result<crate::analysis::Filter> {
    use crate::data::SourceKind;
    let kinds = kinds
        .iter()
        .map(|k| {
            SourceKind::parse(k).ok_or_else(|| {
                let expected = SourceKind::ALL.map(SourceKind::as_str).join(", ");
                Error::Usage(format!(
                    "--exclude-kind: unknown kind \"{}\" (expected {expected})",
                    crate::text::clean(k)
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let min_reliability = match grade {
        None => None,
        Some(g @ ("A" | "B" | "C" | "D" | "E" | "F")) => g.chars().next(),
        Some(other) => {
            return Err(Error::Usage(format!(
                "--min-reliability: unknown grade \"{}\" (expected A, B, C, D, E or F)",
                crate::text::clean(other)
            )));
        }
    };
    Ok(crate::analysis::Filter {
        sources,
        affiliations,
        kinds,
        parties,
        min_reliability,
    })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    // The clap definition is internally consistent (mdBook's verify_app).
    #[test]
    fn verify_args() {
        Args::command().debug_assert();
    }

    /// The config of a command line, with the project root at `root`.
    fn config(root: &str, line: &[&str]) -> Result<Config> {
        let args = Args::try_parse_from(std::iter::once("rangefinder").chain(line.iter().copied()))
            .map_err(|e| Error::Usage(e.to_string()))?;
        Config::resolve(args, Path::new(root))
    }

    // A bad day is a usage error naming the flag, worded as the CSV loader
    // words it.
    #[test]
    fn bad_day_is_usage_error() {
        let error = parse_day("--as-of", Some("2024-02-30")).err();
        assert_eq!(
            error.map(|e| e.to_string()).as_deref(),
            Some("--as-of: \"2024-02-30\": day 30 does not exist (February 2024 has 29 days)")
        );
    }

    // Default folders are the project's, seen from the current folder;
    // flags given are kept as typed.
    #[test]
    fn defaults_resolve_against_the_root() -> Result<()> {
        let Config::Check { data } = config("../..", &["check"])? else {
            panic!("expected check");
        };
        assert_eq!(data, Path::new("../../data"));
        let Config::Build {
            reports,
            default_data,
            data,
            ..
        } = config("..", &["build", "--data", "d"])?
        else {
            panic!("expected build");
        };
        assert_eq!(reports, Path::new("../reports"));
        assert_eq!(default_data, Path::new("../data"));
        assert_eq!(data.as_deref(), Some(Path::new("d")));
        Ok(())
    }

    // `-o -` is standard output; without -o the file is KIND-METRIC.svg.
    #[test]
    fn chart_output() -> Result<()> {
        let output = |line: &[&str]| match config("", line) {
            Ok(Config::Chart { output, .. }) => Some(output),
            _ => None,
        };
        assert_eq!(
            output(&["chart", "ranges", "m", "-o", "-"]),
            Some(Output::Stdout)
        );
        assert_eq!(
            output(&["chart", "ranges", "m"]),
            Some(Output::File(PathBuf::from("ranges-m.svg")))
        );
        Ok(())
    }
}
