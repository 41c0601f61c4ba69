//! The data stage: the schema of the three CSV files, date specs, numbers,
//! loading with validation, and the polars frames built from validated rows.

pub mod claims;
pub mod datespec;
pub mod frames;
pub mod load;
pub mod number;

use std::fmt;
use std::path::PathBuf;

pub use claims::Claims;
pub use datespec::{DateSpec, Day};

/// Everything read from one data folder, validated.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// The folder the files were read from.
    pub dir: PathBuf,
    /// Every row of claims.csv, repeats included, in file order (stored
    /// compactly; [`Claims::claim`] gives one row as a [`Claim`]).
    pub claims: Claims,
    /// Every row of sources.csv, in file order.
    pub sources: Vec<Source>,
    /// Every row of metrics.csv, in file order.
    pub metrics: Vec<Metric>,
    /// Every row of the optional events.csv, in file order (empty without
    /// the file).
    pub events: Vec<Event>,
}

impl Dataset {
    /// The metric with this id.
    pub fn metric(&self, id: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.id == id)
    }

    /// A dataset from owned rows (tests and tools); an error names a
    /// metric, source or origin that is not there.
    pub fn new(
        dir: PathBuf,
        claims: &[Claim],
        sources: Vec<Source>,
        metrics: Vec<Metric>,
    ) -> Result<Dataset, String> {
        let claims = Claims::from_claims(claims, &metrics, &sources)?;
        let mut metrics = metrics;
        set_decimals(&mut metrics, &claims);
        Ok(Dataset {
            dir,
            claims,
            sources,
            metrics,
            events: Vec::new(),
        })
    }

    /// The events a chart or table of `metric` shows as of `as_of`: those
    /// for every metric (no `metrics`) or naming it, begun on or before the
    /// day, in file order.
    pub fn events_of(&self, metric: &str, as_of: Day) -> Vec<Event> {
        self.events
            .iter()
            .filter(|e| e.concerns(metric) && e.date.start <= as_of)
            .cloned()
            .collect()
    }

    /// Claim row `row` as an owned [`Claim`].
    pub fn claim(&self, row: usize) -> Claim {
        self.claims.claim(row, &self.metrics, &self.sources)
    }

    /// For every claim row (by index), the index of the origin claim it
    /// reports: itself when it has no `origin`, else the end of its `origin`
    /// chain (a chain that loops, which validation rejects, maps to the row
    /// itself). Resolved once when the claims are loaded.
    pub fn root_index(&self) -> Vec<usize> {
        self.claims
            .records()
            .iter()
            .map(|r| r.root as usize)
            .collect()
    }

    /// The default as-of day: the latest end of any `claimed` window
    /// (never today's date). `None` when there are no claims.
    pub fn latest_claimed(&self) -> Option<Day> {
        self.claims.records().iter().map(|r| r.claimed.end).max()
    }
}

/// Sets each metric's `decimals` from every claim row stated for it.
pub(crate) fn set_decimals(metrics: &mut [Metric], claims: &Claims) {
    // Each core takes a part of the rows (a pass over a million records).
    let records = claims.records();
    let parts = crate::parallel::in_parts(records.len(), 1 << 16, |rows| {
        let mut most = vec![0u32; metrics.len()];
        for record in &records[rows] {
            let (low, high) = record.stated.ends();
            let central = record.stated.central().unwrap_or(low);
            let places = [low, high, central]
                .into_iter()
                .map(number::decimals)
                .max()
                .unwrap_or(0);
            if let Some(most) = most.get_mut(record.metric as usize) {
                *most = (*most).max(places);
            }
        }
        most
    });
    for (k, metric) in metrics.iter_mut().enumerate() {
        metric.decimals = parts.iter().map(|most| most[k]).max().unwrap_or(0);
    }
}

/// How a number was stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Qualifier {
    /// "11,000": the interval is the point.
    Exact,
    /// "approximately 11,000": the point ± the metric's tolerance.
    Approx,
    /// "at least 10,000": open above.
    AtLeast,
    /// "up to 8,000": from 0 to the value.
    UpTo,
    /// "10,000 to 12,000": `low` and `high`.
    Range,
}

impl Qualifier {
    /// Every qualifier, in the order the docs list them.
    pub const ALL: [Qualifier; 5] = [
        Qualifier::Exact,
        Qualifier::Approx,
        Qualifier::AtLeast,
        Qualifier::UpTo,
        Qualifier::Range,
    ];

    /// The spelling used in the CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::Approx => "approx",
            Qualifier::AtLeast => "at_least",
            Qualifier::UpTo => "up_to",
            Qualifier::Range => "range",
        }
    }

    /// Parses the CSV spelling; `None` for anything else.
    pub fn parse(text: &str) -> Option<Qualifier> {
        Qualifier::ALL.into_iter().find(|q| q.as_str() == text)
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The numbers a claim states.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stated {
    /// `value` (every qualifier but `range`).
    Value(f64),
    /// `low` and `high` (qualifier `range`), low ≤ high, and the central
    /// estimate the range surrounds when `value` is given (low ≤ it ≤ high):
    /// "4,645 (95% CI 793–8,498)".
    Range(f64, f64, Option<f64>),
}

impl Stated {
    /// The least and the greatest number stated (a value: itself twice).
    pub fn ends(self) -> (f64, f64) {
        match self {
            Stated::Value(v) => (v, v),
            Stated::Range(low, high, _) => (low, high),
        }
    }

    /// A range's stated central estimate.
    pub fn central(self) -> Option<f64> {
        match self {
            Stated::Value(_) => None,
            Stated::Range(_, _, central) => central,
        }
    }
}

/// One row of claims.csv, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// Stable slug id.
    pub id: String,
    /// Id of the metric claimed.
    pub metric: String,
    /// When the claimant made the claim.
    pub claimed: DateSpec,
    /// Id of the claimant in sources.csv.
    pub source: String,
    /// How the number was stated.
    pub qualifier: Qualifier,
    /// The stated number(s).
    pub stated: Stated,
    /// URL or document name where the claim was read.
    pub document: String,
    /// Who published the document.
    pub outlet: Option<String>,
    /// When the document was published.
    pub published: Option<DateSpec>,
    /// The claim this row repeats (circular reporting).
    pub origin: Option<String>,
    /// The day or period the number describes, when given (else the
    /// `claimed` window's).
    pub refers_to: Option<DateSpec>,
    /// A repeat that restates its origin in its own words (its qualifier
    /// and numbers are the outlet's, not the claim's).
    pub restated: bool,
    /// The claim this row is another figure of, given in the same statement.
    pub alternative_of: Option<String>,
    /// The claims this estimate is derived from.
    pub based_on: Vec<String>,
    /// The words that carry the claim.
    pub quote: Option<String>,
    /// Analyst's notes.
    pub notes: Option<String>,
    /// Physical line where the row starts in claims.csv (1 = header).
    pub line: usize,
}

/// Kind of claimant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    Government,
    Military,
    Intelligence,
    Media,
    Research,
    Ngo,
    International,
    Anonymous,
    Other,
}

impl SourceKind {
    /// Every kind, in the order the docs list them.
    pub const ALL: [SourceKind; 9] = [
        SourceKind::Government,
        SourceKind::Military,
        SourceKind::Intelligence,
        SourceKind::Media,
        SourceKind::Research,
        SourceKind::Ngo,
        SourceKind::International,
        SourceKind::Anonymous,
        SourceKind::Other,
    ];

    /// The spelling used in sources.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Government => "government",
            SourceKind::Military => "military",
            SourceKind::Intelligence => "intelligence",
            SourceKind::Media => "media",
            SourceKind::Research => "research",
            SourceKind::Ngo => "ngo",
            SourceKind::International => "international",
            SourceKind::Anonymous => "anonymous",
            SourceKind::Other => "other",
        }
    }

    /// Parses the CSV spelling; `None` for anything else.
    pub fn parse(text: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One row of sources.csv: a claimant.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Slug id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Country or organisation the claimant speaks for.
    pub affiliation: String,
    /// Kind of claimant, when given.
    pub kind: Option<SourceKind>,
    /// The claimant speaks for a party to the conflict or dispute the
    /// numbers are about (`party = yes`).
    pub party: bool,
    /// Admiralty source grade `A`–`F`; `F` when not given.
    pub reliability: char,
    /// Analyst's notes.
    pub notes: Option<String>,
    /// Short label for chart axes and table headers; `name` when `None`.
    pub short: Option<String>,
    /// This source's colour in every chart (`#rrggbb`), when given.
    pub color: Option<[u8; 3]>,
    /// Physical line where the row starts in sources.csv.
    pub line: usize,
}

/// One row of events.csv: something that happened, drawn on timelines as
/// a labelled rule so a step in a count is explained where it is seen.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Slug id.
    pub id: String,
    /// When it happened (a day or a window).
    pub date: DateSpec,
    /// Short text drawn on the chart.
    pub label: String,
    /// The metrics it concerns; empty: every metric.
    pub metrics: Vec<String>,
    /// Where it is documented (URL or document name).
    pub document: Option<String>,
    /// Analyst's notes.
    pub notes: Option<String>,
    /// Physical line where the row starts in events.csv.
    pub line: usize,
}

impl Event {
    /// Whether the event concerns `metric` (an event naming no metric
    /// concerns every one).
    pub fn concerns(&self, metric: &str) -> bool {
        self.metrics.is_empty() || self.metrics.iter().any(|m| m == metric)
    }
}

/// One row of metrics.csv: a quantity with one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Slug id, e.g. `kp_troops_kursk`.
    pub id: String,
    /// Human label.
    pub label: String,
    /// Unit, e.g. "troops".
    pub unit: String,
    /// Relative half-width of `approx` claims, 0 ≤ t < 1 (default 0.1).
    pub tolerance: f64,
    /// Scope and caveats.
    pub description: Option<String>,
    /// A current claim whose `claimed` window ends more than this many days
    /// before the as-of day is stale (docs/figures.md); `None`: never.
    pub stale_after: Option<u32>,
    /// The most digits after the point of any number stated for it (every
    /// row of claims.csv, repeats included): the precision its figures are
    /// shown at (DESIGN §2, Precision shown). Set when the claims are read.
    pub decimals: u32,
    /// Physical line where the row starts in metrics.csv.
    pub line: usize,
}

/// The one diagnostic type of data files and notebooks (in `error`, which
/// imports nothing of the data).
pub use crate::error::{Diagnostic, Severity};

/// Whether `text` matches `[a-z0-9][a-z0-9_-]*`: an id, safe as a file
/// name on every system.
pub fn is_slug(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}
