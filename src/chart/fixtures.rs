//! Hand-built views and histories for the chart unit tests: a seed-like
//! story (every qualifier, a date window, a denial) with figures filled in by
//! hand, since the renderers only display what the analysis computed.

use std::collections::BTreeMap;

use crate::analysis::{
    ClaimView, Consensus, Interval, MetricHistory, MetricView, Pair, RangeSummary, Report, Snapshot,
};
use crate::data::{DateSpec, Day, Qualifier, Stated};

/// A day from (year, month, day) known to be valid.
pub fn day(y: i32, m: u32, d: u32) -> Day {
    Day::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A claim with its interval and point per docs/figures.md (tolerance 0.1).
pub fn claim(
    id: &str,
    source: &str,
    name: &str,
    qualifier: Qualifier,
    stated: Stated,
    claimed: (Day, Day),
) -> ClaimView {
    let (interval, point) = match (qualifier, stated) {
        (_, Stated::Range(l, h, c)) => (
            Interval {
                low: l,
                high: Some(h),
            },
            c.unwrap_or((l + h) / 2.0),
        ),
        (Qualifier::Approx, Stated::Value(v)) => (
            Interval {
                low: v * 0.9,
                high: Some(v * 1.1),
            },
            v,
        ),
        (Qualifier::AtLeast, Stated::Value(v)) => (Interval { low: v, high: None }, v),
        (Qualifier::UpTo, Stated::Value(v)) => (
            Interval {
                low: 0.0,
                high: Some(v),
            },
            v,
        ),
        (_, Stated::Value(v)) => (
            Interval {
                low: v,
                high: Some(v),
            },
            v,
        ),
    };
    let mut spec = DateSpec::day(claimed.0);
    spec.end = claimed.1;
    ClaimView {
        id: id.into(),
        metric: "kp_troops_kursk".into(),
        source: source.into(),
        source_name: name.into(),
        source_short: name.into(),
        affiliation: source.into(),
        source_row: 0,
        source_color: None,
        reliability: 'B',
        qualifier,
        stated,
        interval,
        point,
        claimed: spec,
        own: Report {
            row: id.into(),
            outlet: None,
            document: "doc".into(),
            published: None,
            restated: None,
        },
        further: Vec::new(),
        quote: None,
        refers_to: None,
        derived: Vec::new(),
        alternatives: Vec::new(),
        corroboration: 0,
        stale: false,
    }
}

/// Every ordered pair of `claims` with its gap per docs/figures.md.
fn pairs(claims: &[ClaimView]) -> Vec<Pair> {
    let mut out = Vec::new();
    for (i, a) in claims.iter().enumerate() {
        for (j, b) in claims.iter().enumerate() {
            if a.source == b.source {
                continue;
            }
            let (ah, bh) = (
                a.interval.high.unwrap_or(f64::INFINITY),
                b.interval.high.unwrap_or(f64::INFINITY),
            );
            let distance = (a.interval.low - bh).max(b.interval.low - ah).max(0.0);
            out.push(Pair {
                a: i,
                b: j,
                agree: distance == 0.0,
                gap: distance / a.point.max(b.point),
            });
        }
    }
    // Positions in `claims`, which the caller passes sorted by source id.
    out.sort_by_key(|p| (p.a, p.b));
    out
}

/// A view and history of `claims` (each source's last claim is current),
/// with fixed range/consensus figures (the renderer only displays them).
/// Sources take the rows of sources.csv in the order they first appear.
pub fn fixture(mut claims: Vec<ClaimView>) -> (MetricView, MetricHistory) {
    let mut rows: BTreeMap<String, usize> = BTreeMap::new();
    for c in &mut claims {
        let next = rows.len();
        c.source_row = *rows.entry(c.source.clone()).or_insert(next);
    }
    let as_of = claims
        .iter()
        .map(|c| c.claimed.end)
        .max()
        .unwrap_or_default();
    let mut current: BTreeMap<String, ClaimView> = BTreeMap::new();
    for c in &claims {
        current.insert(c.source.clone(), c.clone());
    }
    let current: Vec<ClaimView> = current.into_values().collect();
    let range = RangeSummary {
        low: 0.0,
        high: 12000.0,
        median: 10500.0,
        sources: current.len(),
        affiliations: current.len(),
    };
    let consensus = Consensus {
        low: 10000.0,
        high: Some(12000.0),
        support: 3,
        of: current.len(),
        affiliations: 3,
    };
    let mut days: Vec<Day> = claims.iter().map(|c| c.claimed.end).collect();
    days.sort();
    days.dedup();
    let snapshots = days
        .iter()
        .enumerate()
        .map(|(i, d)| Snapshot {
            day: *d,
            range: Some(RangeSummary {
                low: 8000.0 - 500.0 * i as f64,
                ..range
            }),
            consensus: (i > 0).then_some(Consensus {
                low: 10000.0,
                high: Some(11000.0 + 100.0 * i as f64),
                ..consensus
            }),
        })
        .collect();
    let view = MetricView {
        metric: "kp_troops_kursk".into(),
        label: "North Korean troops in Kursk region".into(),
        unit: "troops".into(),
        as_of,
        decimals: 0,
        pairs: Some(pairs(&current)),
        current,
        range: Some(range),
        consensus: Some(consensus),
        tied: Vec::new(),
        estimates: 3,
        bounds: Default::default(),
    };
    let history = MetricHistory {
        metric: view.metric.clone(),
        label: view.label.clone(),
        unit: view.unit.clone(),
        as_of,
        decimals: 0,
        known: claims,
        snapshots,
    };
    (view, history)
}

/// The seed-like story: up to 8,000; at least 10,000; about 11,000; a
/// range; a denial; a month-long window.
pub fn story(names: [&str; 5]) -> (MetricView, MetricHistory) {
    use Qualifier::*;
    fixture(vec![
        claim(
            "c1",
            "ua_gur",
            names[0],
            UpTo,
            Stated::Value(8000.0),
            (day(2024, 10, 21), day(2024, 10, 31)),
        ),
        claim(
            "c2",
            "kp_gov",
            names[1],
            Exact,
            Stated::Value(0.0),
            (day(2024, 10, 25), day(2024, 10, 25)),
        ),
        claim(
            "c3",
            "us_dod",
            names[2],
            AtLeast,
            Stated::Value(10000.0),
            (day(2024, 11, 4), day(2024, 11, 4)),
        ),
        claim(
            "c4",
            "kr_nis",
            names[3],
            Approx,
            Stated::Value(11000.0),
            (day(2024, 11, 13), day(2024, 11, 13)),
        ),
        claim(
            "c5",
            "ua_mod",
            names[4],
            Range,
            Stated::Range(10000.0, 12000.0, None),
            (day(2024, 12, 1), day(2024, 12, 31)),
        ),
        claim(
            "c6",
            "ua_gur",
            names[0],
            Exact,
            Stated::Value(11000.0),
            (day(2024, 12, 16), day(2024, 12, 16)),
        ),
    ])
}

pub const NAMES: [&str; 5] = [
    "Ukraine military intelligence (HUR)",
    "North Korea (foreign ministry)",
    "Pentagon (Pat Ryder, press secretary)",
    "South Korea NIS",
    "Ukraine defence ministry",
];

/// `claims` synthetic claims from `sources` sources over 700 days, every
/// qualifier in turn: more than any chart can draw one by one.
pub fn synthetic(claims: usize, sources: usize) -> (MetricView, MetricHistory) {
    let start = day(2023, 1, 1);
    let all: Vec<ClaimView> = (0..claims)
        .map(|i| {
            let source = format!("source_{:02}", i % sources);
            let when = start + chrono::Days::new((i / sources % 700) as u64);
            let value = 5000.0 + ((i * 7919) % 10_000) as f64;
            let qualifier = Qualifier::ALL[i % 5];
            let stated = if qualifier == Qualifier::Range {
                Stated::Range(value, value + 1000.0, None)
            } else {
                Stated::Value(value)
            };
            claim(
                &format!("c{i}"),
                &source,
                &format!("Source number {}", i % sources),
                qualifier,
                stated,
                (when, when),
            )
        })
        .collect();
    fixture(all)
}

/// The story at its most awkward for text: a source name of 400 letters
/// with no space to break at, one of many words, right-to-left names, and
/// every number in the hundreds of trillions.
pub fn extreme() -> (MetricView, MetricHistory) {
    scaled(1e11)
}

/// [`extreme`] with every number multiplied by `k` (the story's numbers are
/// in the thousands: `k` = 1e304 puts them near f64's largest).
pub fn scaled(k: f64) -> (MetricView, MetricHistory) {
    let word = "Emergencyandambulanceservices".repeat(14);
    let words = "Emergency and ambulance services of the eastern region of the \
                 country, speaking through its press office to several outlets";
    let scale = |c: &mut ClaimView| {
        c.stated = match c.stated {
            Stated::Value(v) => Stated::Value(v * k),
            Stated::Range(l, h, c) => Stated::Range(l * k, h * k, c.map(|c| c * k)),
        };
        c.interval.low *= k;
        c.interval.high = c.interval.high.map(|h| h * k);
        c.point *= k;
    };
    let (mut view, mut history) = story([&word, words, "وزارة الدفاع", "משרד הביטחון", "NIS"]);
    view.current.iter_mut().for_each(scale);
    history.known.iter_mut().for_each(scale);
    let range = |r: &mut RangeSummary| {
        r.low *= k;
        r.high *= k;
        r.median *= k;
    };
    let consensus = |c: &mut Consensus| {
        c.low *= k;
        c.high = c.high.map(|h| h * k);
    };
    view.range.iter_mut().for_each(range);
    view.consensus.iter_mut().for_each(consensus);
    for snapshot in &mut history.snapshots {
        snapshot.range.iter_mut().for_each(range);
        snapshot.consensus.iter_mut().for_each(consensus);
    }
    (view, history)
}
