//! Every cell kind of a notebook in one place each: what it needs from the
//! analysis for its metrics ([`Kind::needs`], turned into the notebook's
//! `analysis::Request`), which claims it cites (for a `sources` table) and
//! the document blocks it yields ([`Kind::blocks`]). A kind reads the
//! figures computed for it and never computes one; the formats render its
//! blocks (`document`).

mod charts;
mod tables;

use std::collections::BTreeMap;

use crate::analysis::{ClaimView, Figures};
use crate::chart::ChartKind;
use crate::data::Day;
use crate::document::Block;
use crate::edition::Edition;
use crate::error::Result;

use super::cell::{Cell, TableKind, What};

pub use tables::edition_list;

/// What a cell kind asks of the analysis for each of its metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    /// Its source pairs (n² a metric: only for the views that show them).
    pub pairs: bool,
    /// Its history: every claim known, each day's figures.
    pub history: bool,
    /// Its figures without each omission (DESIGN §2, Robustness).
    pub robustness: bool,
    /// What changed since the front matter's `since`.
    pub changes: bool,
}

/// What a cell's blocks are made from.
pub struct Input<'a> {
    /// The cell.
    pub cell: &'a Cell,
    /// The figures under the cell's filter.
    pub figures: &'a Figures,
    /// The front matter's `since` (none for a first edition).
    pub since: Option<Day>,
    /// Every claim the report cites, by id (for a `sources` table).
    pub cited: &'a BTreeMap<&'a str, &'a ClaimView>,
    /// The editions the report lists, oldest first.
    pub editions: &'a [&'a Edition],
}

impl Input<'_> {
    /// The cell's metrics, in order.
    pub fn metrics(&self) -> Vec<&str> {
        self.cell.metrics.iter().map(|(m, _)| m.as_str()).collect()
    }
}

/// A cell kind: a chart or a table of a notebook.
pub trait Kind: Sync {
    /// What it asks of the analysis for each of its metrics.
    fn needs(&self) -> Needs;

    /// The claims it cites on `metric`, computed from `figures`: by
    /// default every claim known when it reads the history (a timeline
    /// draws them, a claims table lists them), else each source's current
    /// claim.
    fn cites<'f>(
        &self,
        metric: &str,
        figures: &'f Figures,
        _since: Option<Day>,
    ) -> Result<Vec<&'f [ClaimView]>> {
        if self.needs().history {
            Ok(vec![&figures.history(metric)?.known])
        } else {
            Ok(vec![&figures.view(metric)?.current])
        }
    }

    /// Whether it reads the cited claims (only a `sources` table does).
    fn reads_cited(&self) -> bool {
        false
    }

    /// Its blocks, without the caption.
    fn blocks(&self, input: &Input<'_>) -> Result<Vec<Block>>;
}

/// The kind of a cell that renders `what`.
pub fn of(what: What) -> &'static dyn Kind {
    match what {
        What::Chart(ChartKind::Timeline) => &charts::Timeline,
        What::Chart(ChartKind::Ranges) => &charts::Ranges,
        What::Chart(ChartKind::Agreement) => &charts::Agreement,
        What::Table(TableKind::Ranges) => &tables::Ranges,
        What::Table(TableKind::Claims) => &tables::Claims,
        What::Table(TableKind::Changes) => &tables::Changes,
        What::Table(TableKind::Agreement) => &tables::Agreement,
        What::Table(TableKind::Sources) => &tables::Sources,
        What::Table(TableKind::Events) => &tables::Events,
        What::Table(TableKind::Editions) => &tables::Editions,
        What::Table(TableKind::Robustness) => &tables::Robustness,
    }
}
