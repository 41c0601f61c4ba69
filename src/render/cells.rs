//! Small formatters shared by the tables: claim ids, qualifiers and stated
//! numbers in words, and further reports as the lines of a cell.

use crate::analysis::{ClaimView, Interval};
use crate::data::{Qualifier, Stated};
use crate::document::{self, Span};
use crate::render;

/// What a missing figure reads (no claim known yet).
pub const NONE: &str = "n/a";

/// A claim or row id as code.
pub fn id(id: &str) -> Span {
    Span::code(id)
}

/// The qualifier in words.
pub fn qualifier(qualifier: Qualifier) -> &'static str {
    match qualifier {
        Qualifier::Exact => "exact",
        Qualifier::Approx => "approx.",
        Qualifier::AtLeast => "at least",
        Qualifier::UpTo => "up to",
        Qualifier::Range => "range",
    }
}

/// The stated number(s): `8,000`, `10,000–12,000`.
pub fn stated_number(stated: Stated) -> String {
    render::stated_number(stated)
}

/// The claim as stated: `up to 8,000`, `about 11,000`, `10,000–12,000`.
pub fn stated(claim: &ClaimView) -> String {
    stated_as(claim.qualifier, claim.stated)
}

/// Numbers as stated with a qualifier: `up to 8,000`, `4,645 (793–8,498)`.
pub fn stated_as(qualifier: Qualifier, stated: Stated) -> String {
    let number = stated_number(stated);
    match qualifier {
        Qualifier::Exact | Qualifier::Range => number,
        Qualifier::Approx => format!("about {number}"),
        Qualifier::AtLeast => format!("at least {number}"),
        Qualifier::UpTo => format!("up to {number}"),
    }
}

/// An interval: `9,900–12,100`, `10,000 or more`.
pub fn interval(interval: &Interval) -> String {
    render::interval(interval)
}

/// Further reports of a claim, one per line: row id, outlet, document.
pub fn further(claim: &ClaimView) -> Vec<Span> {
    let reports: Vec<Vec<Span>> = claim
        .further
        .iter()
        .map(|r| {
            let mut spans = vec![id(&r.row), Span::plain(" ")];
            if let Some(outlet) = &r.outlet {
                spans.extend([Span::text(outlet), Span::plain(", ")]);
            }
            spans.push(Span::document(&r.document));
            if let Some((q, s)) = r.restated {
                spans.push(Span::Plain(format!(" (restated as {})", stated_as(q, s))));
            }
            spans
        })
        .collect();
    document::lines(reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Qualifiers read as words; a stated range uses an en dash.
    #[test]
    fn qualifiers_and_numbers_in_words() {
        assert_eq!(qualifier(Qualifier::AtLeast), "at least");
        assert_eq!(qualifier(Qualifier::Approx), "approx.");
        assert_eq!(
            stated_number(Stated::Range(9000.0, 12000.0, None)),
            "9,000–12,000"
        );
        assert_eq!(stated_number(Stated::Value(112.5)), "112.5");
    }

    // Ids are shown as code and can never close the code span.
    #[test]
    fn ids_as_code() {
        let md = |spans: &[Span]| crate::render::readme::spans_text(spans);
        assert_eq!(md(&[id("c1")]), "`c1`");
        assert_eq!(md(&[id("a`b")]), "`ab`");
    }
}
