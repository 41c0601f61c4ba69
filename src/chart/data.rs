//! Each chart's data as a table, for readers who cannot see the chart (a
//! screen reader reaches it under the chart): the claims the chart draws,
//! or for an agreement matrix each pair of sources with its gap, written
//! with the same words the Markdown tables use.

use crate::analysis::{ClaimView, MetricHistory, MetricView};
use crate::chart::ChartKind;
use crate::document::DataTable as Table;
use crate::render::{self, words};

/// The data a chart of `kind` draws from `view` (and, for a timeline,
/// `history`).
pub fn of_chart(kind: ChartKind, view: &MetricView, history: Option<&MetricHistory>) -> Table {
    match (kind, history) {
        (ChartKind::Timeline, Some(history)) => Table {
            caption: format!(
                "Every claim on {} known as of {}, as the timeline draws them",
                history.label, history.as_of
            ),
            columns: CLAIM_COLUMNS.to_vec(),
            rows: history.known.iter().map(claim_row).collect(),
        },
        (ChartKind::Agreement, _) => agreement(view),
        _ => Table {
            caption: format!(
                "Each source's latest claim on {} as of {}",
                view.label, view.as_of
            ),
            columns: CLAIM_COLUMNS.to_vec(),
            rows: view.current.iter().map(claim_row).collect(),
        },
    }
}

/// The columns of a table of claims.
const CLAIM_COLUMNS: [&str; 6] = [
    "Source",
    "Claim",
    "Claimed",
    "As stated",
    "Interval",
    "Note",
];

/// One claim as a row of [`CLAIM_COLUMNS`].
fn claim_row(claim: &ClaimView) -> Vec<String> {
    vec![
        claim.source_name.clone(),
        claim.id.clone(),
        claim.claimed.to_string(),
        render::stated(claim),
        render::interval(&render::shown_interval(claim)),
        if claim.stale {
            "stale: left out of the figures".to_string()
        } else {
            String::new()
        },
    ]
}

/// Each pair of sources once, with whether their claims agree and the gap.
fn agreement(view: &MetricView) -> Table {
    let mut rows = Vec::new();
    for pair in view.pairs.iter().flatten() {
        let (Some(a), Some(b)) = (view.current.get(pair.a), view.current.get(pair.b)) else {
            continue;
        };
        if pair.a < pair.b {
            rows.push(vec![
                a.source_name.clone(),
                b.source_name.clone(),
                if pair.agree { "yes" } else { "no" }.to_string(),
                words::gap(pair.gap),
            ]);
        }
    }
    Table {
        caption: format!(
            "Agreement of each pair of sources' current claims on {} as of {} (gap: the \
             distance between their intervals as a share of the larger point)",
            view.label, view.as_of
        ),
        columns: vec!["Source", "Source", "Agree", "Gap"],
        rows,
    }
}
