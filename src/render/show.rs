//! `show` and `changes` output: a terminal table, Markdown, or the JSON
//! object of DESIGN section 4.

use crate::analysis::{MetricChanges, MetricView};
use crate::cli::Format;

/// `show METRIC` in the format asked for.
pub fn render(view: &MetricView, format: Format) -> String {
    let _ = (view, format);
    todo!("analysis helper")
}

/// `changes` in the format asked for.
pub fn render_changes(changes: &[MetricChanges], format: Format) -> String {
    let _ = (changes, format);
    todo!("analysis helper")
}
