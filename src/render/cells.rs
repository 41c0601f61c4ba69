//! Small formatters shared by the tables: claim ids, qualifiers and stated
//! numbers in words, consensus stretches, further reports, and cell lines.

use crate::analysis::{ClaimView, Interval};
use crate::data::{Qualifier, Stated};
use crate::render::{self, markdown};

/// What a missing figure reads (no claim known yet).
pub const NONE: &str = "n/a";

/// A claim or row id as code (ids are slugs, so nothing to escape).
pub fn id(id: &str) -> String {
    format!("`{}`", id.replace('`', ""))
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
pub fn further(claim: &ClaimView) -> String {
    let reports: Vec<String> = claim
        .further
        .iter()
        .map(|r| {
            let outlet = r.outlet.as_deref().map(markdown::escape);
            let restated = r.restated.map_or_else(String::new, |(q, s)| {
                format!(" (restated as {})", stated_as(q, s))
            });
            match outlet {
                Some(outlet) => format!(
                    "{} {outlet}, {}{restated}",
                    id(&r.row),
                    markdown::document(&r.document)
                ),
                None => format!(
                    "{} {}{restated}",
                    id(&r.row),
                    markdown::document(&r.document)
                ),
            }
        })
        .collect();
    lines(reports)
}

/// Cell items joined by line breaks (`<br>` is the one HTML GFM tables
/// allow for that); empty when there are none.
pub fn lines(items: Vec<String>) -> String {
    items.join("<br>")
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
        assert_eq!(id("c1"), "`c1`");
        assert_eq!(id("a`b"), "`ab`");
        assert_eq!(lines(vec!["a".into(), "b".into()]), "a<br>b");
    }
}
