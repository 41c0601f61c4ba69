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
    Ok(robustness_of(&[view], dataset)?.pop().unwrap_or_default())
}

/// [`robustness`] of each of `views`, in order: one query for them all.
pub fn robustness_of(views: &[&MetricView], dataset: &Dataset) -> Result<Vec<Vec<Row>>> {
    let plans: Vec<Plan> = views.iter().map(|view| Plan::of(view, dataset)).collect();
    let mut groups = without(&plans, dataset)?.into_iter();
    Ok(plans
        .into_iter()
        .zip(views)
        .map(|(plan, view)| {
            let full = view.consensus;
            plan.omissions
                .into_iter()
                .zip(groups.by_ref())
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
                .collect()
        })
        .collect())
}

/// One metric's live claims (by source row) and what to leave out of them.
struct Plan<'a> {
    live: Vec<&'a ClaimView>,
    omissions: Vec<(Omission, String)>,
}

impl<'a> Plan<'a> {
    /// The omissions of `view`, in DESIGN's order (see [`robustness`]).
    fn of(view: &'a MetricView, dataset: &Dataset) -> Plan<'a> {
        let mut live: Vec<&ClaimView> = view.current.iter().filter(|c| !c.stale).collect();
        live.sort_by_key(|c| c.source_row);
        let party = |c: &ClaimView| party(c, dataset);
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
        if live.iter().any(|c| c.reliability < 'F') && live.iter().any(|c| below_c(c)) {
            omissions.push((Omission::BelowC, "grades D–F".to_owned()));
        }
        Plan { live, omissions }
    }
}

/// The claim's source is a party to the conflict or dispute.
fn party(claim: &ClaimView, dataset: &Dataset) -> bool {
    dataset
        .sources
        .get(claim.source_row)
        .is_some_and(|s| s.party)
}

/// The claim's source is graded below C (D, E, F).
fn below_c(claim: &ClaimView) -> bool {
    claim.reliability > 'C'
}

/// Whether two consensus stretches share a point.
fn overlap(a: &Consensus, b: &Consensus) -> bool {
    let high = |c: &Consensus| c.high.unwrap_or(f64::INFINITY);
    a.low <= high(b) && b.low <= high(a)
}

/// The figures of each plan's live claims without each of its omissions,
/// in order: every metric's live claims joined with its omissions (the
/// claims × omissions of each metric), each claim kept unless its omission
/// leaves it out, one group per omission.
fn without(plans: &[Plan], dataset: &Dataset) -> Result<Vec<Group>> {
    let mut claims = Claims::default();
    let mut left = LeftOut::default();
    for (k, plan) in plans.iter().enumerate() {
        claims.add(k as u32, plan, dataset, &mut left);
    }
    let n = left.group.len();
    let omitted = col("source")
        .eq(col("omit_source"))
        .fill_null(lit(false))
        .or(col("affiliation")
            .eq(col("omit_affiliation"))
            .fill_null(lit(false)))
        .or(col("omit_parties").and(col("party")))
        .or(col("omit_below_c").and(col("below_c")));
    let current = claims
        .frame()?
        .lazy()
        .with_column(query::denial().alias("denial"))
        .join(
            left.frame()?.lazy(),
            [col("metric")],
            [col("metric")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(omitted.not())
        .with_columns([
            // Live claims: none is stale.
            lit(0i32).alias("day"),
            lit(0i32).alias("refers_end"),
            lit(NULL).cast(DataType::Int64).alias("stale_after"),
        ]);
    let ids: Vec<&str> = plans
        .iter()
        .flat_map(|p| p.live.iter().map(|c| c.id.as_str()))
        .collect();
    let name = |row: u32| {
        ids.get(row as usize)
            .map_or_else(String::new, |&id| id.to_owned())
    };
    figures::groups(current, n, name, query::Wanted::All)
}

/// The live claims of every plan, as the query reads them.
#[derive(Default)]
struct Claims {
    metric: Vec<u32>,
    source: Vec<u32>,
    affiliation: Vec<u32>,
    qualifier: Vec<u32>,
    stated_low: Vec<f64>,
    stated_high: Vec<f64>,
    low: Vec<f64>,
    high: Vec<Option<f64>>,
    point: Vec<f64>,
    derived: Vec<bool>,
    party: Vec<bool>,
    below_c: Vec<bool>,
}

/// The omissions of every plan: one group each.
#[derive(Default)]
struct LeftOut {
    metric: Vec<u32>,
    group: Vec<u32>,
    source: Vec<Option<u32>>,
    affiliation: Vec<Option<u32>>,
    parties: Vec<bool>,
    below_c: Vec<bool>,
}

impl Claims {
    /// Adds plan `k`'s live claims, and its omissions to `left`.
    fn add(&mut self, k: u32, plan: &Plan, dataset: &Dataset, left: &mut LeftOut) {
        // Affiliations numbered by name: the same test as the dataset's codes.
        let mut codes: BTreeMap<&str, u32> = BTreeMap::new();
        for c in &plan.live {
            let next = codes.len() as u32;
            let (stated_low, stated_high) = c.stated.ends();
            self.metric.push(k);
            self.source.push(c.source_row as u32);
            self.affiliation
                .push(*codes.entry(c.affiliation.as_str()).or_insert(next));
            self.qualifier.push(c.qualifier as u32);
            self.stated_low.push(stated_low);
            self.stated_high.push(stated_high);
            self.low.push(c.interval.low);
            self.high.push(c.interval.high);
            self.point.push(c.point);
            self.derived.push(!c.derived.is_empty());
            self.party.push(party(c, dataset));
            self.below_c.push(below_c(c));
        }
        for (omission, _) in &plan.omissions {
            left.metric.push(k);
            left.group.push(left.group.len() as u32);
            left.source.push(match omission {
                Omission::Source(id) => plan
                    .live
                    .iter()
                    .find(|c| &c.source == id)
                    .map(|c| c.source_row as u32),
                _ => None,
            });
            left.affiliation.push(match omission {
                Omission::Affiliation(name) => codes.get(name.as_str()).copied(),
                _ => None,
            });
            left.parties.push(*omission == Omission::Parties);
            left.below_c.push(*omission == Omission::BelowC);
        }
    }

    /// The frame, a claim a row (`row`: its position among every plan's
    /// live claims).
    fn frame(self) -> PolarsResult<DataFrame> {
        let n = self.metric.len() as u32;
        DataFrame::new_infer_height(vec![
            Column::new("row".into(), (0..n).collect::<Vec<u32>>()),
            Column::new("metric".into(), self.metric),
            Column::new("source".into(), self.source),
            Column::new("affiliation".into(), self.affiliation),
            Column::new("qualifier".into(), self.qualifier),
            Column::new("stated_low".into(), self.stated_low),
            Column::new("stated_high".into(), self.stated_high),
            Column::new("low".into(), self.low),
            Column::new("high".into(), self.high),
            Column::new("point".into(), self.point),
            Column::new("derived".into(), self.derived),
            Column::new("party".into(), self.party),
            Column::new("below_c".into(), self.below_c),
        ])
    }
}

impl LeftOut {
    /// The frame, an omission a row.
    fn frame(self) -> PolarsResult<DataFrame> {
        DataFrame::new_infer_height(vec![
            Column::new("metric".into(), self.metric),
            Column::new("group".into(), self.group),
            Column::new("omit_source".into(), self.source),
            Column::new("omit_affiliation".into(), self.affiliation),
            Column::new("omit_parties".into(), self.parties),
            Column::new("omit_below_c".into(), self.below_c),
        ])
    }
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
