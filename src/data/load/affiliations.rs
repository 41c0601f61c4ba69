//! Affiliations that read the same but are not: `Ukraine`, `ukraine`,
//! `Ukrаine` (a Cyrillic а) and `Ukraine` with a zero-width space are four
//! affiliations to the analysis, which counts distinct affiliations for the
//! range, the consensus and corroboration, so one country would count as
//! several. Each affiliation is folded to a skeleton (case folded,
//! invisible characters dropped, look-alike letters of other scripts mapped
//! to the Latin letter they look like); two spellings with one skeleton are
//! a warning on the later row, and so is an invisible character in any
//! affiliation.

use std::collections::BTreeMap;

use super::rows::{Parsed, Rows};
use super::table::Report;
use crate::data::Source;

/// Warns about affiliations that differ only in case, look-alike letters
/// or invisible characters, and about invisible characters in any.
pub fn check(sources: &Rows<Parsed<Source>>, report: &mut Report) {
    // The first spelling of each skeleton, with its line.
    let mut first: BTreeMap<String, (&str, usize)> = BTreeMap::new();
    for row in &sources.rows {
        let Some(source) = &row.value else { continue };
        let affiliation = source.affiliation.as_str();
        if let Some(c) = affiliation.chars().find(|&c| invisible(c)) {
            let message = format!(
                "\"{}\" holds an invisible character (U+{:04X}); retype it without",
                crate::error::one_line(affiliation),
                u32::from(c)
            );
            report.warning(&sources.file, row.line, "affiliation", message);
        }
        let key = skeleton(affiliation);
        match first.get(&key) {
            None => {
                first.insert(key, (affiliation, row.line));
            }
            Some(&(earlier, line)) if earlier != affiliation => {
                let visible: String = affiliation.chars().filter(|&c| !invisible(c)).collect();
                if visible == earlier {
                    // The invisible character, named above, is the difference.
                    continue;
                }
                let look_alike = affiliation
                    .chars()
                    .find(|&c| c.to_lowercase().any(|l| latin(l) != l));
                let how = match look_alike {
                    Some(c) => format!("only in look-alike letters (U+{:04X})", u32::from(c)),
                    None if earlier.to_lowercase() == visible.to_lowercase() => {
                        "only in case".to_owned()
                    }
                    None => "only in case or spacing".to_owned(),
                };
                let message = format!(
                    "\"{}\" differs from \"{}\" (line {line}) {how}: they count as two \
                     affiliations; write both the same way",
                    crate::error::one_line(affiliation),
                    crate::error::one_line(earlier)
                );
                report.warning(&sources.file, row.line, "affiliation", message);
            }
            Some(_) => {}
        }
    }
}

/// Characters that take no room when shown: zero-width spaces and joiners,
/// the soft hyphen, the byte order mark, and direction marks.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{180E}' | '\u{FEFF}' | '\u{200B}'..='\u{200F}'
    ) || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2060}'..='\u{2069}').contains(&c)
}

/// `text` folded for comparison: invisible characters dropped, white space
/// runs as one space, lower case, and Cyrillic and Greek letters that look
/// like Latin ones (the confusables of Unicode TR 39 for these scripts)
/// mapped to them.
fn skeleton(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|&c| !invisible(c)) {
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
            continue;
        }
        for lower in c.to_lowercase() {
            out.push(latin(lower));
        }
    }
    out.trim().to_owned()
}

/// The Latin letter a lower-case Cyrillic or Greek letter looks like.
fn latin(c: char) -> char {
    match c {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ё' | 'ε' => 'e',
        'һ' => 'h',
        'і' | 'ї' | 'ι' | 'ı' => 'i',
        'ј' | 'ϳ' => 'j',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'н' | 'η' => 'n',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' => 'u',
        'ν' | 'ѵ' => 'v',
        'ԝ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'ᴢ' => 'z',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The attack's four spellings of Ukraine fold to one skeleton; other
    // countries keep theirs.
    #[test]
    fn look_alikes_fold_together() {
        let spellings = [
            "Ukraine",
            "ukraine",
            "Ukr\u{430}ine",
            "Ukraine\u{200B}",
            " UKRAINE ",
        ];
        for spelling in spellings {
            assert_eq!(skeleton(spelling), "ukraine", "{spelling:?}");
        }
        assert_ne!(skeleton("Russia"), skeleton("Ukraine"));
        assert_eq!(skeleton("United  States"), "united states");
        assert!(invisible('\u{200B}') && invisible('\u{FEFF}') && !invisible('a'));
    }
}
