//! How each figure reads in words, in one place for every output (show,
//! changes, inline values, tables, chart descriptions): "none",
//! "2 of 3 estimates", "10,000 or more".

use crate::analysis::{Bound, Bounds, Consensus, Interval};
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

/// The consensus stretch alone: "11,000", "10,000–11,000".
fn stretch(c: &Consensus) -> String {
    interval(&Interval {
        low: c.low,
        high: c.high,
    })
}

/// "1 other stretch ties", "2 other stretches tie".
fn ties(n: usize) -> String {
    format!(
        "{n} {}",
        plural(n, "other stretch ties", "other stretches tie")
    )
}

/// The consensus stretch, with the count of tied stretches: "11,000",
/// "10,000–11,000 (1 other stretch ties)", or "none".
pub fn consensus(consensus: Option<&Consensus>) -> String {
    match consensus {
        None => NONE.to_string(),
        Some(c) if c.others == 0 => stretch(c),
        Some(c) => format!("{} ({})", stretch(c), ties(c.others)),
    }
}

/// How many live estimates the consensus holds: "2 of 3 estimates", or
/// "none".
pub fn agreement(consensus: Option<&Consensus>) -> String {
    consensus.map_or_else(
        || NONE.to_string(),
        |c| {
            format!(
                "{} of {} {}",
                c.support,
                c.of,
                plural(c.of, "estimate", "estimates")
            )
        },
    )
}

/// The stretch with its agreement: "11,000 (2 of 3 estimates)",
/// "10,000 (2 of 4 estimates; 1 other stretch ties)", or "none".
pub fn consensus_with_agreement(consensus: Option<&Consensus>) -> String {
    match consensus {
        None => NONE.to_string(),
        Some(c) if c.others == 0 => format!("{} ({})", stretch(c), agreement(Some(c))),
        Some(c) => format!(
            "{} ({}; {})",
            stretch(c),
            agreement(Some(c)),
            ties(c.others)
        ),
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
    } else {
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consensus_of(low: f64, high: f64, support: usize, of: usize, others: usize) -> Consensus {
        Consensus {
            low,
            high: Some(high),
            support,
            of,
            others,
        }
    }

    // Each figure reads as docs/notebooks.md writes it.
    #[test]
    fn figures_in_words() {
        let c = consensus_of(11000.0, 11000.0, 2, 3, 0);
        assert_eq!(consensus(Some(&c)), "11,000");
        assert_eq!(consensus(None), "none");
        assert_eq!(agreement(Some(&c)), "2 of 3 estimates");
        assert_eq!(
            agreement(Some(&consensus_of(1.0, 2.0, 1, 1, 0))),
            "1 of 1 estimate"
        );
        let tied = consensus_of(10000.0, 11000.0, 2, 4, 1);
        assert_eq!(
            consensus_with_agreement(Some(&tied)),
            "10,000–11,000 (2 of 4 estimates; 1 other stretch ties)"
        );
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
            "at least 10,000 (1 floor, consistent); up to 8,000 (2 ceilings, 0 consistent)"
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
