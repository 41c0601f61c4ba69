//! Robustness (DESIGN §2): the range, median and consensus of a metric
//! computed again without each live source, each affiliation, the parties,
//! and the sources graded below C. A source's current claim does not depend
//! on any other source's claims, so leaving a source out of the data leaves
//! exactly the other current claims: each omission is the same figures
//! query ([`query`](super::query)) over a subset of the view's live claims,
//! all omissions in one query (a cross join), never a reload.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::figures::{self, Group};
use super::query;
use super::{ClaimView, Consensus, MetricView, RangeSummary};
use crate::data::Dataset;
use crate::error::Result;

/// What one robustness row leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Omission {
    /// One source, by id.
    Source(String),
    /// Every source of one affiliation.
    Affiliation(String),
    /// Every source with `party = yes`.
    Parties,
    /// Every source graded below C (D, E, F).
    BelowC,
}

impl Omission {
    /// How the JSON names it: "source ID", "affiliation NAME", "parties",
    /// "reliability below C".
    pub fn key(&self) -> String {
        match self {
            Omission::Source(id) => format!("source {id}"),
            Omission::Affiliation(name) => format!("affiliation {name}"),
            Omission::Parties => "parties".to_owned(),
            Omission::BelowC => "reliability below C".to_owned(),
        }
    }
}

/// The figures without one omission.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What is left out.
    pub without: Omission,
    /// The short label of what is left out, for tables ("Pentagon",
    /// "Ukraine", "the parties", "grades D–F").
    pub label: String,
    /// How many live claims are left.
    pub sources: usize,
    /// The range of the rest; `None` when none is left.
    pub range: Option<RangeSummary>,
    /// The consensus of the rest.
    pub consensus: Option<Consensus>,
    /// How many live, non-derived estimates are left.
    pub estimates: usize,
    /// The rest keeps a consensus that overlaps the full one, or neither
    /// has one.
    pub robust: bool,
}

/// The robustness of one metric's view: a row per omission, in DESIGN's
/// order (each live source in sources.csv order, each affiliation in the
/// order of its first live source, the parties when a live source is one,
/// grades C or better when the live grades straddle C).
pub fn robustness(view: &MetricView, dataset: &Dataset) -> Result<Vec<Row>> {
    let mut live: Vec<&ClaimView> = view.current.iter().filter(|c| !c.stale).collect();
    live.sort_by_key(|c| c.source_row);
    let party = |c: &ClaimView| dataset.sources.get(c.source_row).is_some_and(|s| s.party);
    let mut omissions: Vec<(Omission, String)> = live
        .iter()
        .map(|c| (Omission::Source(c.source.clone()), c.source_short.clone()))
        .collect();
    let mut affiliations: Vec<&str> = Vec::new();
    for c in &live {
        if !affiliations.contains(&c.affiliation.as_str()) {
            affiliations.push(&c.affiliation);
        }
    }
    omissions.extend(
        affiliations
            .iter()
            .map(|a| (Omission::Affiliation((*a).to_owned()), (*a).to_owned())),
    );
    if live.iter().any(|c| party(c)) {
        omissions.push((Omission::Parties, "the parties".to_owned()));
    }
    let below_c = |c: &ClaimView| c.reliability > 'C';
    if live.iter().any(|c| c.reliability < 'F') && live.iter().any(|c| below_c(c)) {
        omissions.push((Omission::BelowC, "grades D–F".to_owned()));
    }
    let full = view.consensus;
    // One query over every omission: the live claims × the omissions,
    // each omission's remaining claims a group of the figures' query.
    let groups = without(&live, &omissions, dataset)?;
    Ok(omissions
        .into_iter()
        .zip(groups)
        .map(|((without, label), group)| {
            let robust = match (&full, &group.consensus) {
                (None, None) => true,
                (Some(a), Some(b)) => overlap(a, b),
                _ => false,
            };
            Row {
                without,
                label,
                sources: group.current.len(),
                range: group.range,
                consensus: group.consensus,
                estimates: group.estimates,
                robust,
            }
        })
        .collect())
}

/// Whether two consensus stretches share a point.
fn overlap(a: &Consensus, b: &Consensus) -> bool {
    let high = |c: &Consensus| c.high.unwrap_or(f64::INFINITY);
    a.low <= high(b) && b.low <= high(a)
}

/// The figures of `live` without each of `omissions`, in order: the live
/// claims cross-joined with the omissions, each claim kept unless its
/// omission leaves it out, one group per omission.
fn without(
    live: &[&ClaimView],
    omissions: &[(Omission, String)],
    dataset: &Dataset,
) -> Result<Vec<Group>> {
    // Affiliations numbered by name: the same test as the dataset's codes.
    let mut codes: BTreeMap<&str, u32> = BTreeMap::new();
    for c in live {
        let next = codes.len() as u32;
        codes.entry(c.affiliation.as_str()).or_insert(next);
    }
    let source = |id: &str| {
        live.iter()
            .find(|c| c.source == id)
            .map(|c| c.source_row as u32)
    };
    let column = |f: &dyn Fn(&ClaimView) -> f64| live.iter().map(|c| f(c)).collect::<Vec<f64>>();
    let n = live.len();
    let claims = DataFrame::new_infer_height(vec![
        Column::new("row".into(), (0..n as u32).collect::<Vec<_>>()),
        Column::new(
            "source".into(),
            live.iter().map(|c| c.source_row as u32).collect::<Vec<_>>(),
        ),
        Column::new(
            "affiliation".into(),
            live.iter()
                .map(|c| codes[c.affiliation.as_str()])
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "qualifier".into(),
            live.iter().map(|c| c.qualifier as u32).collect::<Vec<_>>(),
        ),
        Column::new("stated_low".into(), column(&|c| c.stated.ends().0)),
        Column::new("stated_high".into(), column(&|c| c.stated.ends().1)),
        Column::new("low".into(), column(&|c| c.interval.low)),
        Column::new(
            "high".into(),
            live.iter().map(|c| c.interval.high).collect::<Vec<_>>(),
        ),
        Column::new("point".into(), column(&|c| c.point)),
        Column::new(
            "derived".into(),
            live.iter()
                .map(|c| !c.derived.is_empty())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "party".into(),
            live.iter()
                .map(|c| dataset.sources.get(c.source_row).is_some_and(|s| s.party))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "below_c".into(),
            live.iter().map(|c| c.reliability > 'C').collect::<Vec<_>>(),
        ),
    ])?;
    let pick = |f: &dyn Fn(&Omission) -> Option<u32>| {
        omissions
            .iter()
            .map(|(o, _)| f(o))
            .collect::<Vec<Option<u32>>>()
    };
    let flag =
        |f: &dyn Fn(&Omission) -> bool| omissions.iter().map(|(o, _)| f(o)).collect::<Vec<bool>>();
    let left_out = DataFrame::new_infer_height(vec![
        Column::new(
            "group".into(),
            (0..omissions.len() as u32).collect::<Vec<_>>(),
        ),
        Column::new(
            "omit_source".into(),
            pick(&|o| match o {
                Omission::Source(id) => source(id),
                _ => None,
            }),
        ),
        Column::new(
            "omit_affiliation".into(),
            pick(&|o| match o {
                Omission::Affiliation(name) => codes.get(name.as_str()).copied(),
                _ => None,
            }),
        ),
        Column::new("omit_parties".into(), flag(&|o| *o == Omission::Parties)),
        Column::new("omit_below_c".into(), flag(&|o| *o == Omission::BelowC)),
    ])?;
    let omitted = col("source")
        .eq(col("omit_source"))
        .fill_null(lit(false))
        .or(col("affiliation")
            .eq(col("omit_affiliation"))
            .fill_null(lit(false)))
        .or(col("omit_parties").and(col("party")))
        .or(col("omit_below_c").and(col("below_c")));
    let current = claims
        .lazy()
        .with_column(query::denial().alias("denial"))
        .cross_join(left_out.lazy(), None)
        .filter(omitted.not())
        .with_columns([
            // Live claims: none is stale.
            lit(0i32).alias("day"),
            lit(0i32).alias("refers_end"),
            lit(NULL).cast(DataType::Int64).alias("stale_after"),
        ]);
    let name = |row: u32| {
        live.get(row as usize)
            .map_or_else(String::new, |c| c.id.clone())
    };
    figures::groups(current, omissions.len(), name, query::Wanted::All)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::analysis::analyse;
    use crate::data::load::load;

    // The seed's Kursk consensus of 11,000 rests on two sources (Zelensky
    // and the South Korean agency): leaving out either leaves no
    // consensus; leaving out a bound or the unnamed sources keeps it.
    #[test]
    fn kursk_rests_on_two_sources() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let dataset = load(&dir).unwrap().dataset;
        let as_of = dataset.latest_claimed().unwrap();
        let analysis = analyse(&dataset, as_of).unwrap();
        let rows = robustness(&analysis.metrics["kp_troops_kursk"], &dataset).unwrap();
        let robust: Vec<(String, bool)> =
            rows.iter().map(|r| (r.without.key(), r.robust)).collect();
        assert_eq!(
            robust,
            [
                ("source ua_president".to_owned(), false),
                ("source us_state".to_owned(), true),
                ("source us_dod".to_owned(), true),
                ("source kr_news_agency".to_owned(), false),
                ("source unnamed_sources".to_owned(), true),
                ("affiliation Ukraine".to_owned(), false),
                ("affiliation United States".to_owned(), true),
                ("affiliation South Korea".to_owned(), false),
                ("affiliation Unknown".to_owned(), true),
                ("parties".to_owned(), false),
            ]
        );
        assert_eq!(rows[0].sources, 4);
        assert_eq!(rows[0].consensus, None);
    }

    // Leaving out a source is the same as deleting its rows from the data
    // (DESIGN §2, Filters: "exactly as if the others were not in the
    // data"), on every metric of every shipped dataset.
    #[test]
    fn omitting_a_source_is_deleting_its_claims() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut compared = 0;
        for folder in ["data", "datasets/derna-flood", "datasets/haiti-2010"] {
            let dataset = load(&root.join(folder)).unwrap().dataset;
            let as_of = dataset.latest_claimed().unwrap();
            let analysis = analyse(&dataset, as_of).unwrap();
            for (metric, view) in &analysis.metrics {
                for row in robustness(view, &dataset).unwrap() {
                    let Omission::Source(id) = &row.without else {
                        continue;
                    };
                    let rows: Vec<crate::data::Claim> = (0..dataset.claims.len())
                        .map(|r| dataset.claim(r))
                        .filter(|c| {
                            let origin = c.origin.as_ref().map(|o| {
                                let r = (0..dataset.claims.len())
                                    .find(|&r| dataset.claims.id(r) == o)
                                    .unwrap();
                                dataset.claim(r).source
                            });
                            &c.source != id && origin.as_ref() != Some(id)
                        })
                        .collect();
                    let mut rows = rows;
                    // Repeats and alternatives of the deleted claims go too.
                    let ids: std::collections::BTreeSet<String> =
                        rows.iter().map(|c| c.id.clone()).collect();
                    rows.retain(|c| {
                        c.origin.as_ref().is_none_or(|o| ids.contains(o))
                            && c.alternative_of.as_ref().is_none_or(|a| ids.contains(a))
                    });
                    // Bases may be deleted: a derived claim stays derived.
                    let fewer = Dataset::new(
                        dataset.dir.clone(),
                        &rows,
                        dataset.sources.clone(),
                        dataset.metrics.clone(),
                    )
                    .unwrap_or_else(|e| panic!("{folder} {metric} without {id}: {e}"));
                    let without = analyse(&fewer, as_of).unwrap();
                    let view = &without.metrics[metric];
                    assert_eq!(
                        (row.range, row.consensus),
                        (view.range, view.consensus),
                        "{folder} {metric} without {id}"
                    );
                    compared += 1;
                }
            }
        }
        assert!(compared > 20, "{compared} omissions compared");
    }
}
