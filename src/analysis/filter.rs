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
            parts.push("the parties to the conflict or dispute".to_owned());
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
             kind anonymous, the parties to the conflict or dispute and the sources graded below C."
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod properties {
    use std::path::PathBuf;

    use proptest::prelude::*;

    use super::*;
    use crate::analysis::{analyse, analyse_filtered};
    use crate::data::frames::tests::{claim, metric, source};
    use crate::data::{Claim, Qualifier, Stated};

    /// A claim of metric `m`: source (0..5), day offset, qualifier (0:
    /// exact, 1: approx, 2: at least, 3: up to, 4: range), value.
    type Raw = (usize, u64, u8, u8);

    /// Five sources in three affiliations, two kinds, two parties and
    /// grades A, C, D, F, B.
    fn sources() -> Vec<Source> {
        let grades = ['A', 'C', 'D', 'F', 'B'];
        (0..5)
            .map(|s| {
                let mut source = source(&format!("s{s}"), &format!("a{}", s % 3));
                source.kind = Some(if s % 2 == 0 {
                    SourceKind::Government
                } else {
                    SourceKind::Media
                });
                source.party = s < 2;
                source.reliability = grades[s];
                source
            })
            .collect()
    }

    fn claims(raw: &[Raw]) -> Vec<Claim> {
        raw.iter()
            .enumerate()
            .map(|(i, &(s, day, q, v))| {
                let v = f64::from(v);
                let (q, stated) = match q {
                    0 => (Qualifier::Exact, Stated::Value(v)),
                    1 => (Qualifier::Approx, Stated::Value(v)),
                    2 => (Qualifier::AtLeast, Stated::Value(v)),
                    3 => (Qualifier::UpTo, Stated::Value(v)),
                    _ => (Qualifier::Range, Stated::Range(v, v + 5.0, None)),
                };
                let mut c = claim(
                    &format!("c{i}"),
                    "m",
                    &format!("s{s}"),
                    q,
                    stated,
                    "2024-01-01",
                );
                let day = c.claimed.start + chrono::Days::new(day);
                c.claimed = crate::data::DateSpec::day(day);
                c
            })
            .collect()
    }

    fn filter() -> impl Strategy<Value = Filter> {
        (
            prop::collection::vec(0usize..5, 0..2),
            prop::collection::vec(0usize..3, 0..2),
            any::<bool>(),
            any::<bool>(),
            prop::option::of(prop::sample::select(vec!['A', 'B', 'C', 'D', 'F'])),
        )
            .prop_map(|(sources, affiliations, media, parties, grade)| Filter {
                sources: sources.into_iter().map(|s| format!("s{s}")).collect(),
                affiliations: affiliations.into_iter().map(|a| format!("a{a}")).collect(),
                kinds: if media {
                    vec![SourceKind::Media]
                } else {
                    vec![]
                },
                parties,
                min_reliability: grade,
            })
    }

    proptest! {
        // DESIGN §2, Filters, from its words: every figure is computed over
        // the remaining claims exactly as if the others were not in the
        // data — the filtered analysis equals the analysis of the data with
        // the left-out sources' rows deleted (as of the same day: the
        // data's own last day, fixed before any filter).
        #[test]
        fn filtering_is_deleting_the_rows(
            raw in prop::collection::vec((0usize..5, 0u64..6, 0u8..5, 1u8..30), 1..12),
            filter in filter(),
        ) {
            let sources = sources();
            let all = claims(&raw);
            let full = crate::data::Dataset::new(PathBuf::new(), &all, sources.clone(), vec![metric("m", 0.1)]).unwrap();
            let as_of = full.latest_claimed().unwrap();
            let kept: Vec<Claim> = all
                .iter()
                .filter(|c| filter.keeps(sources.iter().find(|s| s.id == c.source).unwrap()))
                .cloned()
                .collect();
            let fewer = crate::data::Dataset::new(PathBuf::new(), &kept, sources, vec![metric("m", 0.1)]).unwrap();
            let filtered = analyse_filtered(&full, as_of, &filter).unwrap();
            let deleted = analyse(&fewer, as_of).unwrap();
            prop_assert_eq!(filtered, deleted);
        }
    }

    proptest! {
        // DESIGN §2, Robustness, from its words: each row is the figures
        // computed again without that omission — the same as the filter
        // leaving it out.
        #[test]
        fn robustness_rows_are_filtered_figures(
            raw in prop::collection::vec((0usize..5, 0u64..6, 0u8..5, 1u8..30), 1..12),
        ) {
            let sources = sources();
            let all = claims(&raw);
            let data = crate::data::Dataset::new(PathBuf::new(), &all, sources, vec![metric("m", 0.1)]).unwrap();
            let as_of = data.latest_claimed().unwrap();
            let analysis = analyse(&data, as_of).unwrap();
            for row in crate::analysis::robustness(&analysis.metrics["m"], &data).unwrap() {
                let filter = match &row.without {
                    crate::analysis::Omission::Source(id) => Filter { sources: vec![id.clone()], ..Filter::default() },
                    crate::analysis::Omission::Affiliation(a) => Filter { affiliations: vec![a.clone()], ..Filter::default() },
                    crate::analysis::Omission::Parties => Filter { parties: true, ..Filter::default() },
                    crate::analysis::Omission::BelowC => Filter { min_reliability: Some('C'), ..Filter::default() },
                };
                let view = &analyse_filtered(&data, as_of, &filter).unwrap().metrics["m"];
                let live = view.current.iter().filter(|c| !c.stale).count();
                prop_assert_eq!((row.range, row.consensus, row.sources), (view.range, view.consensus, live));
            }
        }
    }
}
