//! How each figure reads in words, in one place for every output (show,
//! changes, inline values, tables, chart descriptions): "none",
//! "2 of 3 estimates", "10,000 or more".

use crate::analysis::{Bound, Bounds, Consensus, Interval, MetricView, Stretch};
use crate::data::Qualifier;
use crate::render::{interval, number};

/// What an absent consensus, bound or agreement reads.
pub const NONE: &str = "none";

/// `one` or `many` by `n`.
pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `n` with its noun in the right number: "1 source", "2 sources".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", plural(n, one, many))
}

/// What the consensus sweep found for a metric, as the words need it: the
/// consensus, or why there is none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome<'a> {
    /// The consensus, if any.
    pub consensus: Option<&'a Consensus>,
    /// The stretches tying for it (then there is none).
    pub tied: &'a [Stretch],
    /// How many live, non-derived estimates there are.
    pub estimates: usize,
    /// The single estimate as stated, when there is one: "about 10,000
    /// (9,000–11,000)".
    pub single: Option<String>,
    /// The one affiliation the supporting estimates come from, when they
    /// all come from one.
    pub sole: Option<&'a str>,
    /// The metric's precision, when known: a stretch's ends are shown with
    /// at most this many decimals (DESIGN §2, Precision shown).
    pub decimals: Option<u32>,
    /// The numbers the live claims state: an end is not rounded across one.
    pub stated: Vec<f64>,
}

impl<'a> Outcome<'a> {
    /// The outcome of a metric's view.
    pub fn of(view: &'a MetricView) -> Outcome<'a> {
        let estimates = || {
            view.current.iter().filter(|c| {
                !c.stale
                    && c.derived.is_empty()
                    && matches!(
                        c.qualifier,
                        Qualifier::Exact | Qualifier::Approx | Qualifier::Range
                    )
            })
        };
        let single = (view.estimates == 1)
            .then(|| estimates().next())
            .flatten()
            .map(|c| {
                let stated = crate::render::cells::stated(c);
                if c.qualifier == Qualifier::Approx {
                    format!("{stated} ({})", interval(&crate::render::shown_interval(c)))
                } else {
                    stated
                }
            });
        // The supporting estimates are those whose interval holds the
        // whole stretch (a denial stretch: the denials).
        let sole = view.consensus.as_ref().and_then(|c| {
            let holds = |i: &Interval| {
                i.low <= c.low && c.high.is_none_or(|h| i.high.is_none_or(|ih| h <= ih))
            };
            let mut names = estimates()
                .filter(|e| holds(&e.interval))
                .map(|e| e.affiliation.as_str());
            let first = names.next()?;
            (c.affiliations == 1 && names.all(|n| n == first)).then_some(first)
        });
        let stated = crate::render::live_stated(view);
        Outcome {
            consensus: view.consensus.as_ref(),
            tied: &view.tied,
            estimates: view.estimates,
            single,
            sole,
            decimals: Some(view.decimals),
            stated,
        }
    }

    /// A stretch's ends in words: "11,000", "10,000–11,000", "150,000 or
    /// more", each end at the metric's precision.
    fn stretch(&self, low: f64, high: Option<f64>) -> String {
        let end = |v: f64| {
            self.decimals
                .map_or(v, |d| crate::render::end_at(v, d, &self.stated))
        };
        interval(&Interval {
            low: end(low),
            high: high.map(end),
        })
    }

    /// The outcome where only the consensus is known (a day's band, the
    /// two sides of a change).
    pub fn bare(consensus: Option<&'a Consensus>, decimals: u32) -> Outcome<'a> {
        Outcome {
            consensus,
            estimates: consensus.map_or(0, |c| c.of),
            decimals: Some(decimals),
            ..Outcome::default()
        }
    }
}

/// [`consensus_with_agreement`] of one side of a change: its consensus,
/// and its count of estimates and tied stretches.
pub fn consensus_at(
    consensus: Option<&Consensus>,
    (estimates, tied): &(usize, Vec<Stretch>),
    decimals: u32,
) -> String {
    consensus_with_agreement(&Outcome {
        consensus,
        tied,
        estimates: *estimates,
        decimals: Some(decimals),
        ..Outcome::default()
    })
}

/// "1,052 and 2,098", "1, 2 and 3".
fn listing(items: Vec<String>) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// Why there is no consensus, in words: "a single estimate, about 10,000
/// (9,000–11,000)", "1,052 and 2,098 each have 2 of 5 estimates", "no two
/// estimates overlap"; `None` when there is a consensus or no estimate.
fn why_none(o: &Outcome) -> Option<String> {
    if o.consensus.is_some() || o.estimates == 0 {
        return None;
    }
    if o.estimates == 1 {
        return Some(match &o.single {
            Some(single) => format!("a single estimate, {single}"),
            None => "a single estimate".to_string(),
        });
    }
    if let Some(first) = o.tied.first() {
        let stretches = o.tied.iter().map(|t| o.stretch(t.low, t.high)).collect();
        return Some(format!(
            "{} each have {} of {} estimates",
            listing(stretches),
            first.support,
            o.estimates
        ));
    }
    Some("no two estimates overlap".to_string())
}

/// The consensus stretch, or "none": inline `{{ consensus M }}`.
pub fn consensus(o: &Outcome) -> String {
    o.consensus
        .map_or_else(|| NONE.to_string(), |c| o.stretch(c.low, c.high))
}

/// How far the live estimates agree: "2 of 3 estimates", "a single
/// estimate", "no two estimates overlap", "tied", "no estimate".
pub fn agreement(o: &Outcome) -> String {
    match o.consensus {
        Some(c) => format!(
            "{} of {} {}",
            c.support,
            c.of,
            plural(c.of, "estimate", "estimates")
        ),
        None if o.estimates == 0 => "no estimate".to_string(),
        None if o.estimates == 1 => "a single estimate".to_string(),
        None if !o.tied.is_empty() => "tied".to_string(),
        None => "no two estimates overlap".to_string(),
    }
}

/// The agreement with who holds it, or why there is no consensus: "2 of 3
/// estimates, both from Ukraine", "a single estimate, 2,975 (2,658–3,290)",
/// "no consensus: 1,052 and 2,098 each have 2 of 5 estimates".
pub fn agreement_in_full(o: &Outcome) -> String {
    match (o.consensus, why_none(o)) {
        (Some(c), _) => match o.sole {
            Some(name) if c.support == 2 => format!("{}, both from {name}", agreement(o)),
            Some(name) => format!("{}, all {} from {name}", agreement(o), c.support),
            None => agreement(o),
        },
        (None, Some(why)) if !o.tied.is_empty() => format!("no consensus: {why}"),
        (None, Some(why)) => why,
        (None, None) => agreement(o),
    }
}

/// The stretch with its agreement: "11,000 (2 of 3 estimates)", "11,000
/// (2 of 3 estimates, both from Ukraine)"; without one, "none" and why:
/// "none: a single estimate, 2,975 (2,658–3,290)", "no consensus: 1,052 and 2,098
/// each have 2 of 5 estimates".
pub fn consensus_with_agreement(o: &Outcome) -> String {
    match (o.consensus, why_none(o)) {
        (Some(c), _) => {
            let from = match o.sole {
                Some(name) if c.support == 2 => format!(", both from {name}"),
                Some(name) => format!(", all {} from {name}", c.support),
                None => String::new(),
            };
            format!("{} ({}{from})", o.stretch(c.low, c.high), agreement(o))
        }
        (None, Some(why)) if !o.tied.is_empty() => format!("no consensus: {why}"),
        (None, Some(why)) => format!("{NONE}: {why}"),
        (None, None) => NONE.to_string(),
    }
}

/// A gap between two claims as a whole percentage of the larger point:
/// "17%"; a gap that rounds to 0% reads "<1%", since the two are apart (a
/// half-death gap between 977–1,194 and 1,194 is no agreement).
pub fn gap(gap: f64) -> String {
    let percent = (gap * 100.0).round();
    if gap > 0.0 && percent < 1.0 {
        "<1%".to_string()
    } else {
        format!("{}%", number(percent))
    }
}

/// A bound's value, or "none".
pub fn bound(bound: Option<&Bound>) -> String {
    bound.map_or_else(|| NONE.to_string(), |b| number(b.value))
}

/// Floor and ceiling with their counts and, beside a consensus, how many
/// meet it: "at least 10,000 (1 floor, consistent); up to 8,000
/// (1 ceiling, in conflict)"; "none" when there is no bound.
pub fn bounds(bounds: &Bounds) -> String {
    let side =
        |what: &str, b: &Option<Bound>, n: usize, one: &str, many: &str, met: Option<usize>| {
            b.as_ref().map(|b| {
                let counted = format!("{n} {}", plural(n, one, many));
                let consistent = match met {
                    None => String::new(),
                    Some(k) if k == n && n == 1 => ", consistent".to_string(),
                    Some(0) if n == 1 => ", in conflict".to_string(),
                    Some(k) => format!(", {k} consistent"),
                };
                format!("{what} {} ({counted}{consistent})", number(b.value))
            })
        };
    let parts: Vec<String> = [
        side(
            "at least",
            &bounds.floor,
            bounds.floors,
            "floor",
            "floors",
            bounds.floors_consistent,
        ),
        side(
            "up to",
            &bounds.ceiling,
            bounds.ceilings,
            "ceiling",
            "ceilings",
            bounds.ceilings_consistent,
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        NONE.to_string()
    } else if bounds.crossed() {
        format!("{} — the floor is above the ceiling", parts.join("; "))
    } else {
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consensus_of(low: f64, high: f64, support: usize, of: usize) -> Consensus {
        Consensus {
            low,
            high: Some(high),
            support,
            of,
            affiliations: 2,
        }
    }

    // Each figure reads as docs/notebooks.md writes it.
    #[test]
    fn figures_in_words() {
        let c = consensus_of(11000.0, 11000.0, 2, 3);
        let o = Outcome::bare(Some(&c), 0);
        assert_eq!(consensus(&o), "11,000");
        assert_eq!(consensus(&Outcome::bare(None, 0)), "none");
        // Ends at the metric's precision, unless that carries one onto
        // another claim's number: 1,025.1 reads 1,025; 1,193.5 beside an
        // exact 1,194 keeps its decimal.
        let ends = consensus_of(1025.1, 1193.5, 2, 3);
        let near = Outcome {
            stated: vec![1194.0],
            ..Outcome::bare(Some(&ends), 0)
        };
        assert_eq!(consensus(&near), "1,025–1,193.5");
        assert_eq!(consensus(&Outcome::bare(Some(&ends), 1)), "1,025.1–1,193.5");
        assert_eq!(agreement(&o), "2 of 3 estimates");
        assert_eq!(consensus_with_agreement(&o), "11,000 (2 of 3 estimates)");
        let sole = Outcome {
            sole: Some("Ukraine"),
            ..o.clone()
        };
        assert_eq!(
            consensus_with_agreement(&sole),
            "11,000 (2 of 3 estimates, both from Ukraine)"
        );
        let single = Outcome {
            estimates: 1,
            single: Some("about 10,000 (9,000–11,000)".into()),
            ..Outcome::default()
        };
        assert_eq!(agreement(&single), "a single estimate");
        assert_eq!(
            consensus_with_agreement(&single),
            "none: a single estimate, about 10,000 (9,000–11,000)"
        );
        let stretches = [
            Stretch {
                low: 1052.0,
                high: Some(1052.0),
                support: 2,
            },
            Stretch {
                low: 2098.0,
                high: Some(2098.0),
                support: 2,
            },
        ];
        let tie = Outcome {
            tied: &stretches,
            estimates: 5,
            ..Outcome::default()
        };
        assert_eq!(agreement(&tie), "tied");
        assert_eq!(
            consensus_with_agreement(&tie),
            "no consensus: 1,052 and 2,098 each have 2 of 5 estimates"
        );
        let apart = Outcome {
            estimates: 3,
            ..Outcome::default()
        };
        assert_eq!(
            consensus_with_agreement(&apart),
            "none: no two estimates overlap"
        );
        assert_eq!(agreement(&Outcome::default()), "no estimate");
        let bound = |v: f64| {
            Some(Bound {
                value: v,
                claim: "c".into(),
            })
        };
        let b = Bounds {
            floor: bound(10000.0),
            ceiling: bound(8000.0),
            floors: 1,
            ceilings: 2,
            floors_consistent: Some(1),
            ceilings_consistent: Some(0),
        };
        assert_eq!(
            bounds(&b),
            "at least 10,000 (1 floor, consistent); up to 8,000 (2 ceilings, 0 consistent) \
             — the floor is above the ceiling"
        );
        assert_eq!(bounds(&Bounds::default()), "none");
        let lone = Bounds {
            ceiling: bound(12000.0),
            ceilings: 1,
            ..Bounds::default()
        };
        assert_eq!(bounds(&lone), "up to 12,000 (1 ceiling)");
    }
}
