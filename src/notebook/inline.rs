//! Inline values, `{{ key }}` or `{{ key METRIC }}`: parsing with line
//! numbers, and rendering from the analysis (never recomputing a figure).

use crate::analysis::MetricView;
use crate::data::Day;
use crate::document::Span;
use crate::render::{self, words};

use super::Problem;

/// What an inline value shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// The report's day.
    AsOf,
    /// The front matter's `since`.
    Since,
    /// The front matter's `title`.
    Title,
    /// Least stated number of the current claims.
    Low,
    /// Greatest stated number of the current claims.
    High,
    /// Median of the current claims' points.
    Median,
    /// `low–high`.
    Range,
    /// The consensus interval.
    Consensus,
    /// How many sources.
    Sources,
    /// How many distinct affiliations.
    Affiliations,
    /// "k of n estimates".
    Agreement,
    /// The strongest floor (greatest `at_least`).
    Floor,
    /// The strongest ceiling (least `up_to`).
    Ceiling,
    /// The metric's label.
    Label,
    /// This edition's as-of day (`publish`), else "not yet published".
    Edition,
    /// A source's current claim on a metric as stated: "about 11,000".
    Claim,
    /// The day or window that claim was made: "2024-11-04".
    Date,
}

impl Key {
    /// Every key, in the order the docs list them.
    const ALL: [Key; 17] = [
        Key::AsOf,
        Key::Since,
        Key::Title,
        Key::Low,
        Key::High,
        Key::Median,
        Key::Range,
        Key::Consensus,
        Key::Sources,
        Key::Affiliations,
        Key::Agreement,
        Key::Floor,
        Key::Ceiling,
        Key::Label,
        Key::Edition,
        Key::Claim,
        Key::Date,
    ];

    /// The spelling in notebooks.
    pub fn as_str(self) -> &'static str {
        match self {
            Key::AsOf => "as_of",
            Key::Since => "since",
            Key::Title => "title",
            Key::Low => "low",
            Key::High => "high",
            Key::Median => "median",
            Key::Range => "range",
            Key::Consensus => "consensus",
            Key::Sources => "sources",
            Key::Affiliations => "affiliations",
            Key::Agreement => "agreement",
            Key::Floor => "floor",
            Key::Ceiling => "ceiling",
            Key::Label => "label",
            Key::Edition => "edition",
            Key::Claim => "claim",
            Key::Date => "date",
        }
    }

    /// Whether the key names a metric.
    fn takes_metric(self) -> bool {
        !matches!(self, Key::AsOf | Key::Since | Key::Title | Key::Edition)
    }

    /// Whether the key names a source before its metric.
    fn takes_source(self) -> bool {
        matches!(self, Key::Claim | Key::Date)
    }
}

/// One parsed `{{ … }}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Inline {
    /// What to show.
    pub key: Key,
    /// The metric, for keys that take one.
    pub metric: Option<String>,
    /// The source, for `claim` and `date`.
    pub source: Option<String>,
    /// Notebook line of the `{{`.
    pub line: usize,
}

/// Parses the text between `{{` and `}}` found on notebook line `line`.
pub fn parse(inner: &str, line: usize) -> Result<Inline, Problem> {
    let problem =
        |message: String| Problem::at(line, format!("inline value `{{{{{inner}}}}}`: {message}"));
    let words: Vec<&str> = inner.split_whitespace().collect();
    let Some((&first, rest)) = words.split_first() else {
        return Err(problem(
            "empty (expected a key such as `as_of` or `low METRIC`)".into(),
        ));
    };
    let Some(key) = Key::ALL.into_iter().find(|k| k.as_str() == first) else {
        let known: Vec<&str> = Key::ALL.iter().map(|k| k.as_str()).collect();
        return Err(problem(format!(
            "unknown key \"{first}\" {}",
            crate::error::expected(first, &known.join(", "))
        )));
    };
    if key.takes_source() {
        return match rest {
            [source, metric] => Ok(Inline {
                key,
                metric: Some((*metric).to_string()),
                source: Some((*source).to_string()),
                line,
            }),
            _ => Err(problem(format!(
                "`{first}` takes a source and a metric: `{{{{ {first} SOURCE METRIC }}}}`"
            ))),
        };
    }
    match (key.takes_metric(), rest) {
        (false, []) => Ok(Inline {
            key,
            metric: None,
            source: None,
            line,
        }),
        (false, _) => Err(problem(format!("`{first}` takes no metric"))),
        (true, [metric]) => Ok(Inline {
            key,
            metric: Some((*metric).to_string()),
            source: None,
            line,
        }),
        (true, []) => Err(problem(format!(
            "`{first}` needs a metric: `{{{{ {first} METRIC }}}}`"
        ))),
        (true, _) => Err(problem(format!(
            "`{first}` takes one metric, found {}",
            rest.len()
        ))),
    }
}

/// What an inline value reads from: the report's days and title, and the
/// view of its metric (checked to exist before rendering).
pub struct Context<'a> {
    /// The report's day.
    pub as_of: Day,
    /// The front matter's `since` (checked to be set when used).
    pub since: Option<Day>,
    /// The front matter's title: its text as the data's (escaped by each
    /// renderer), its inline values expanded.
    pub title: &'a [Span],
    /// The as-of day of the edition being built, if it is one.
    pub edition: Option<Day>,
}

/// The text of an inline value. A metric with no claim known yet reads
/// "n/a" (the analysis has no range for it), and so does `claim` or `date`
/// of a source with no claim on the metric as of the report's day.
pub fn render(inline: &Inline, context: &Context, view: Option<&MetricView>) -> Vec<Span> {
    let plain = |text: String| vec![Span::Plain(text)];
    let number = |text: String| vec![Span::Number(text)];
    const NONE: &str = "n/a";
    let range = view.and_then(|v| v.range);
    let outcome = view.map(words::Outcome::of).unwrap_or_default();
    let none = || plain(NONE.into());
    match inline.key {
        Key::AsOf => plain(context.as_of.to_string()),
        Key::Since => context.since.map_or_else(none, |d| plain(d.to_string())),
        Key::Title => context.title.to_vec(),
        Key::Edition => plain(
            context
                .edition
                .map_or_else(|| "not yet published".into(), |d| d.to_string()),
        ),
        Key::Label => view.map_or_else(none, |v| vec![Span::text(&v.label)]),
        Key::Low => range.map_or_else(none, |r| number(render::number(r.low))),
        Key::High => range.map_or_else(none, |r| number(render::number(r.high))),
        Key::Median => range.map_or_else(none, |r| {
            number(render::figure(
                r.median,
                view.map_or(u32::MAX, |v| v.decimals),
            ))
        }),
        Key::Range => range.map_or_else(none, |r| number(render::span(r.low, r.high))),
        Key::Sources => number(range.map_or(0, |r| r.sources).to_string()),
        Key::Affiliations => number(range.map_or(0, |r| r.affiliations).to_string()),
        Key::Consensus => plain(words::consensus(&outcome)),
        Key::Agreement => plain(words::agreement(&outcome)),
        Key::Floor => plain(words::bound(view.and_then(|v| v.bounds.floor.as_ref()))),
        Key::Ceiling => plain(words::bound(view.and_then(|v| v.bounds.ceiling.as_ref()))),
        Key::Claim | Key::Date => {
            let claim = view.and_then(|v| {
                let source = inline.source.as_deref()?;
                v.current.iter().find(|c| c.source == source)
            });
            match (claim, inline.key) {
                (None, _) => none(),
                (Some(claim), Key::Claim) => plain(render::stated(claim)),
                (Some(claim), _) => vec![Span::text(&claim.claimed.text)],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Keys with and without a metric parse, whitespace aside.
    #[test]
    fn parses_keys() {
        let value = parse(" low  kp_troops ", 3);
        assert_eq!(
            value,
            Ok(Inline {
                key: Key::Low,
                metric: Some("kp_troops".into()),
                source: None,
                line: 3
            })
        );
        // `claim` and `date` name a source, then a metric.
        assert_eq!(
            parse(" claim  ua_president kp_troops ", 4),
            Ok(Inline {
                key: Key::Claim,
                metric: Some("kp_troops".into()),
                source: Some("ua_president".into()),
                line: 4
            })
        );
        assert_eq!(parse("as_of", 1).map(|v| v.key), Ok(Key::AsOf));
    }

    // Unknown keys and a missing or extra metric are errors saying why.
    #[test]
    fn rejects_bad_values() {
        let message = |inner: &str| parse(inner, 7).map_err(|p| (p.line, p.message)).err();
        assert_eq!(
            message(" lowest m "),
            Some((
                7,
                "inline value `{{ lowest m }}`: unknown key \"lowest\" (expected as_of, since, \
                 title, low, high, median, range, consensus, sources, affiliations, agreement, \
                 floor, ceiling, label, edition, claim, date)"
                    .into()
            ))
        );
        assert_eq!(
            message(" low "),
            Some((
                7,
                "inline value `{{ low }}`: `low` needs a metric: `{{ low METRIC }}`".into()
            ))
        );
        assert_eq!(
            message(" as_of m "),
            Some((
                7,
                "inline value `{{ as_of m }}`: `as_of` takes no metric".into()
            ))
        );
        assert_eq!(
            message(" high a b "),
            Some((
                7,
                "inline value `{{ high a b }}`: `high` takes one metric, found 2".into()
            ))
        );
        assert!(message("  ").is_some());
    }
}
