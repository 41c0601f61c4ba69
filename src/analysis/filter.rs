//! Filters (DESIGN §2): which sources' claims a cell's or a `show`'s
//! figures count. Every figure is then computed over the remaining claims
//! exactly as if the others were not in the data: a source's claims (its
//! repeats and alternatives with them) are left out of every pass that
//! picks claims, so nothing downstream knows they were there.

use crate::data::{Dataset, Source, SourceKind};

/// What a filter leaves out. The default leaves out nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Filter {
    /// Source ids left out.
    pub sources: Vec<String>,
    /// Affiliations left out.
    pub affiliations: Vec<String>,
    /// Kinds of source left out.
    pub kinds: Vec<SourceKind>,
    /// Leave out the sources with `party = yes`.
    pub parties: bool,
    /// Keep only sources graded this or better (`A` best); `None`: all.
    pub min_reliability: Option<char>,
}

impl Filter {
    /// Whether the filter leaves out nothing.
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// Whether `source`'s claims count.
    pub fn keeps(&self, source: &Source) -> bool {
        !(self.sources.contains(&source.id)
            || self.affiliations.contains(&source.affiliation)
            || self
                .kinds
                .contains(&source.kind.unwrap_or(SourceKind::Other))
            || (self.parties && source.party)
            || self.min_reliability.is_some_and(|g| source.reliability > g))
    }

    /// Which source codes (indexes into `dataset.sources`) count.
    pub fn mask(&self, dataset: &Dataset) -> Vec<bool> {
        dataset.sources.iter().map(|s| self.keeps(s)).collect()
    }

    /// What is left out, in words for a caption: "Leaves out the parties to
    /// the conflict and the sources graded below C." Empty when nothing is.
    pub fn words(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let list = |items: &[String]| -> String {
            match items.split_last() {
                Some((last, rest)) if !rest.is_empty() => {
                    format!("{} and {last}", rest.join(", "))
                }
                Some((last, _)) => last.clone(),
                None => String::new(),
            }
        };
        if !self.sources.is_empty() {
            let n = self.sources.len();
            let noun = if n == 1 { "source" } else { "sources" };
            parts.push(format!("{noun} {}", list(&self.sources)));
        }
        if !self.affiliations.is_empty() {
            parts.push(format!("the sources of {}", list(&self.affiliations)));
        }
        if !self.kinds.is_empty() {
            let kinds: Vec<String> = self.kinds.iter().map(|k| k.as_str().to_owned()).collect();
            parts.push(format!("sources of kind {}", list(&kinds)));
        }
        if self.parties {
            parts.push("the parties to the conflict".to_owned());
        }
        if let Some(grade) = self.min_reliability {
            parts.push(format!("the sources graded below {grade}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("Leaves out {}.", list(&parts))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The caption's words name everything left out, in one sentence.
    #[test]
    fn words_name_what_is_left_out() {
        assert_eq!(Filter::default().words(), "");
        let filter = Filter {
            sources: vec!["us_dod".into()],
            affiliations: vec!["North Korea".into(), "Ukraine".into()],
            kinds: vec![SourceKind::Anonymous],
            parties: true,
            min_reliability: Some('C'),
        };
        assert_eq!(
            filter.words(),
            "Leaves out source us_dod, the sources of North Korea and Ukraine, sources of \
             kind anonymous, the parties to the conflict and the sources graded below C."
        );
    }
}
