//! `show` without a metric: every metric of the data with its number of
//! claims (repeats collapsed into their origin claim, as every figure
//! counts them), so a user can find the ids to ask for.

use serde_json::json;

use crate::data::{Dataset, Day};
use crate::render::Format;
use crate::render::markdown::{self, Align};
use crate::text;

/// The claims of each metric (by its row in metrics.csv) that are not
/// repeats, counting only those known as of `as_of` when it is given.
pub fn claim_counts(dataset: &Dataset, as_of: Option<Day>) -> Vec<usize> {
    let mut counts = vec![0; dataset.metrics.len()];
    for record in dataset.claims.records() {
        let known = as_of.is_none_or(|day| record.claimed.end <= day);
        if record.origin.is_none()
            && known
            && let Some(count) = counts.get_mut(record.metric as usize)
        {
            *count += 1;
        }
    }
    counts
}

/// The list in the format asked for, metrics in metrics.csv order.
pub fn render(dataset: &Dataset, as_of: Option<Day>, format: Format) -> String {
    let counts = claim_counts(dataset, as_of);
    let rows = dataset.metrics.iter().zip(counts);
    match format {
        // `show --format csv` writes every metric's figures instead (main).
        Format::Json | Format::Csv => {
            let list: Vec<_> = rows
                .map(|(m, claims)| {
                    json!({"metric": m.id, "label": m.label, "unit": m.unit, "claims": claims})
                })
                .collect();
            let mut out = serde_json::Value::from(list).to_string();
            out.push('\n');
            out
        }
        Format::Markdown => {
            let rows: Vec<Vec<String>> = rows
                .map(|(m, claims)| {
                    vec![
                        format!("`{}`", m.id),
                        claims.to_string(),
                        markdown::escape(&m.unit),
                        markdown::escape(&m.label),
                    ]
                })
                .collect();
            let columns = [
                ("metric", Align::Left),
                ("claims", Align::Right),
                ("unit", Align::Left),
                ("label", Align::Left),
            ];
            markdown::table(&columns, &rows)
        }
        Format::Text => {
            let mut table = vec![["metric", "claims", "unit", "label"].map(String::from)];
            table.extend(rows.map(|(m, claims)| {
                [
                    m.id.clone(),
                    claims.to_string(),
                    text::clean(&m.unit),
                    text::clean(&m.label),
                ]
            }));
            aligned(&table)
        }
    }
}

/// Columns padded to the widest cell; the count right-aligned.
fn aligned(rows: &[[String; 4]]) -> String {
    let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let widths = [width(0), width(1), width(2)];
    let mut out = String::new();
    for [id, claims, unit, label] in rows {
        let line = format!(
            "{id:<w0$}  {claims:>w1$}  {unit:<w2$}  {label}",
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
