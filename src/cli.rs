//! The command line: clap's derive [`Args`], turned into a checked
//! [`Config`] before any work starts. Stages get `&Config`, never raw flags.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::data::Day;
use crate::error::{Error, Result};

/// Turn curated CSVs of dated, sourced estimates into briefing reports.
#[derive(Debug, Parser)]
#[command(name = "rangefinder", version, about, long_about = None)]
pub struct Args {
    #[command(subcommand)]
    command: CommandArgs,
}

#[derive(Debug, Subcommand)]
enum CommandArgs {
    /// Render notebooks (reports/<name>/brief.md) into reports (README.md + SVGs).
    Build {
        /// Notebooks to build; default: every reports/*/brief.md.
        notebooks: Vec<PathBuf>,
        /// Data folder; overrides each notebook's `data`.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Report day (YYYY-MM-DD); overrides each notebook's `as_of`.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Write nothing; exit 1 naming every file that differs.
        #[arg(long)]
        check: bool,
    },
    /// Validate the data files and report every problem, one per line.
    Check {
        /// Data folder.
        #[arg(long, value_name = "DIR", default_value = "data")]
        data: PathBuf,
    },
    /// Range, consensus and each source's current claim for one metric.
    Show {
        /// Metric id.
        metric: String,
        /// Day to view the data as of (YYYY-MM-DD); default: latest claim.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Data folder.
        #[arg(long, value_name = "DIR", default_value = "data")]
        data: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// New claims, revisions, range and consensus between two days, per metric.
    Changes {
        /// The earlier day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        since: String,
        /// The later day (YYYY-MM-DD); default: latest claim.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Data folder.
        #[arg(long, value_name = "DIR", default_value = "data")]
        data: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
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
        /// Data folder.
        #[arg(long, value_name = "DIR", default_value = "data")]
        data: PathBuf,
        /// Output file.
        #[arg(short, long, value_name = "FILE.svg")]
        output: PathBuf,
    },
}

/// Output format of `show` and `changes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable terminal table.
    Text,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// One JSON object (DESIGN 4).
    Json,
}

/// The three chart kinds (DESIGN 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ValueEnum)]
pub enum ChartKind {
    /// Every claim by the date it was made.
    Timeline,
    /// Forest plot of each source's current claim.
    Ranges,
    /// Source × source matrix coloured by gap.
    Agreement,
}

impl ChartKind {
    /// The name used in notebooks and file names.
    pub fn as_str(self) -> &'static str {
        match self {
            ChartKind::Timeline => "timeline",
            ChartKind::Ranges => "ranges",
            ChartKind::Agreement => "agreement",
        }
    }

    /// Parses the notebook spelling.
    pub fn parse(text: &str) -> Option<ChartKind> {
        [ChartKind::Timeline, ChartKind::Ranges, ChartKind::Agreement]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// A checked command, ready to run.
#[derive(Debug, Clone, PartialEq)]
pub enum Config {
    Build {
        notebooks: Vec<PathBuf>,
        data: Option<PathBuf>,
        as_of: Option<Day>,
        check: bool,
    },
    Check {
        data: PathBuf,
    },
    Show {
        metric: String,
        as_of: Option<Day>,
        data: PathBuf,
        format: Format,
    },
    Changes {
        since: Day,
        as_of: Option<Day>,
        data: PathBuf,
        format: Format,
    },
    Chart {
        kind: ChartKind,
        metric: String,
        as_of: Option<Day>,
        data: PathBuf,
        output: PathBuf,
    },
}

impl Config {
    /// Checks the arguments clap could not: dates and their order.
    pub fn from_args(args: Args) -> Result<Config> {
        Ok(match args.command {
            CommandArgs::Build {
                notebooks,
                data,
                as_of,
                check,
            } => Config::Build {
                notebooks,
                data,
                as_of: parse_day("--as-of", as_of.as_deref())?,
                check,
            },
            CommandArgs::Check { data } => Config::Check { data },
            CommandArgs::Show {
                metric,
                as_of,
                data,
                format,
            } => Config::Show {
                metric,
                as_of: parse_day("--as-of", as_of.as_deref())?,
                data,
                format,
            },
            CommandArgs::Changes {
                since,
                as_of,
                data,
                format,
            } => {
                let since = parse_day("--since", Some(&since))?
                    .ok_or_else(|| Error::Usage("--since needs a date".into()))?;
                let as_of = parse_day("--as-of", as_of.as_deref())?;
                if as_of.is_some_and(|d| d <= since) {
                    return Err(Error::Usage(format!(
                        "--since {since} must be before --as-of {}",
                        as_of.map(|d| d.to_string()).unwrap_or_default()
                    )));
                }
                Config::Changes {
                    since,
                    as_of,
                    data,
                    format,
                }
            }
            CommandArgs::Chart {
                kind,
                metric,
                as_of,
                data,
                output,
            } => Config::Chart {
                kind,
                metric,
                as_of: parse_day("--as-of", as_of.as_deref())?,
                data,
                output,
            },
        })
    }
}

/// Parses an ISO day given to `flag`.
fn parse_day(flag: &str, text: Option<&str>) -> Result<Option<Day>> {
    let Some(text) = text else { return Ok(None) };
    Day::parse_from_str(text.trim(), "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            Error::Usage(format!(
                "{flag}: \"{text}\" is not a day (expected YYYY-MM-DD)"
            ))
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

    // A bad day is a usage error naming the flag.
    #[test]
    fn bad_day_is_usage_error() {
        let error = parse_day("--as-of", Some("2024-02-30")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "--as-of: \"2024-02-30\" is not a day (expected YYYY-MM-DD)"
        );
    }
}
