//! A claims.csv row as the loader fills it: any field may be missing (its
//! cell was empty or invalid, which is reported) until `links` has given a
//! repeat what its origin states. Once every row is checked, each becomes a
//! validated [`Record`] in place ([`Draft::record`]).

use crate::data::claims::{Cell, Cells, Record, Row, Window};
use crate::data::{Qualifier, Stated};

/// One claims.csv row while loading.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Where the row's text cells are.
    pub cells: Cells,
    /// Metric code: an interned id while parsing, or [`Draft::NONE`].
    pub metric: u32,
    /// Source code: an interned id while parsing, or [`Draft::NONE`].
    pub source: u32,
    /// Row index of the claim named by `origin` (set by `links`).
    pub origin: Option<u32>,
    /// Physical line where the row starts in claims.csv.
    pub line: usize,
    /// When the claim was made.
    pub claimed: Option<Window>,
    /// When the document was published.
    pub published: Option<Window>,
    /// The `refers_to` window, when given (or taken from the origin).
    pub refers: Option<Window>,
    /// Row index of the claim named by `alternative_of` (set by `links`).
    pub alternative: Option<u32>,
    /// The row has `based_on`.
    pub derived: bool,
    /// The row says `restated = yes`.
    pub restated: bool,
    /// How the number was stated.
    pub qualifier: Option<Qualifier>,
    /// The stated number(s).
    pub stated: Option<Stated>,
}

impl Draft {
    /// The code of a missing or unknown metric or source.
    pub const NONE: u32 = u32::MAX;

    /// A row at `line` with these text cells and nothing else yet.
    pub fn new(line: usize, cells: Cells) -> Draft {
        Draft {
            cells,
            metric: Draft::NONE,
            source: Draft::NONE,
            origin: None,
            line,
            claimed: None,
            published: None,
            refers: None,
            alternative: None,
            derived: false,
            restated: false,
            qualifier: None,
            stated: None,
        }
    }

    /// The validated record of row `row`, its root the row itself (for
    /// `Claims::index` to resolve) and its metric and source codes looked
    /// up in `metrics` and `sources` (an interned id's index in metrics.csv
    /// and sources.csv); `None` when anything a claim must have is missing.
    pub fn record(self, row: usize, metrics: &[u32], sources: &[u32]) -> Option<Record> {
        let code = |codes: &[u32], code: u32| codes.get(code as usize).copied();
        let given = |cell: Cell| self.cells.lens[cell as usize] > 0;
        if !given(Cell::Id) || !given(Cell::Document) {
            return None;
        }
        let claimed = self.claimed?;
        Some(Record {
            cells: self.cells,
            metric: code(metrics, self.metric).filter(|&c| c != Draft::NONE)?,
            source: code(sources, self.source).filter(|&c| c != Draft::NONE)?,
            origin: self.origin,
            root: u32::try_from(row).ok()?,
            line: self.line,
            claimed,
            published: self.published,
            refers: self.refers.unwrap_or(claimed),
            derived: self.derived,
            restated: self.restated,
            qualifier: self.qualifier?,
            stated: self.stated?,
        })
    }
}

impl Row for Draft {
    fn cells(&self) -> &Cells {
        &self.cells
    }
}

// Tests unwrap literals: a panic is how a test reports failure.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::data::claims::CELLS;
    use crate::data::{Claims, Day};

    /// A complete draft at `line`, of interned metric and source 0.
    fn complete(claims: &mut Claims<Draft>, line: usize) -> Draft {
        let mut cells = [""; CELLS];
        cells[Cell::Id as usize] = "id";
        cells[Cell::Document as usize] = "doc";
        let day = Day::from_ymd_opt(2024, 11, 4).unwrap();
        Draft {
            metric: 0,
            source: 0,
            claimed: Some(Window {
                start: day,
                end: day,
                approximate: false,
                uncertain: false,
            }),
            qualifier: Some(Qualifier::Exact),
            stated: Some(Stated::Value(1.0)),
            ..Draft::new(line, claims.push_cells(cells))
        }
    }

    // Drafts become records in their own allocation: a record is no larger
    // than a draft, so converting a million never holds two copies.
    #[test]
    fn records_take_the_drafts_place() {
        assert!(
            size_of::<Record>() <= size_of::<Draft>(),
            "record {} > draft {}",
            size_of::<Record>(),
            size_of::<Draft>()
        );
        assert_eq!(align_of::<Record>(), align_of::<Draft>());
        let mut claims = Claims::default();
        for line in 2..5000 {
            let draft = complete(&mut claims, line);
            claims.records.push(draft);
        }
        let drafts = claims.records.as_ptr().cast::<u8>();
        let records = claims.convert(|row, d| d.record(row, &[7], &[9])).unwrap();
        assert_eq!(records.records.as_ptr().cast::<u8>(), drafts);
        assert_eq!(records.len(), 4998);
        let last = records.record(4997);
        assert_eq!(
            (last.metric, last.source, last.root, last.line),
            (7, 9, 4997, 4999)
        );
    }

    // A draft missing anything a claim must have is no record.
    #[test]
    fn incomplete_drafts_are_no_records() {
        let mut claims = Claims::default();
        let draft = complete(&mut claims, 2);
        let codes = [0];
        assert!(draft.clone().record(0, &codes, &codes).is_some());
        let missing = [
            Draft {
                metric: Draft::NONE,
                ..draft.clone()
            },
            Draft {
                source: 1,
                ..draft.clone()
            },
            Draft {
                claimed: None,
                ..draft.clone()
            },
            Draft {
                qualifier: None,
                ..draft.clone()
            },
            Draft {
                stated: None,
                ..draft.clone()
            },
            Draft::new(2, claims.push_cells([""; CELLS])),
        ];
        for draft in missing {
            assert_eq!(draft.clone().record(0, &codes, &codes), None, "{draft:?}");
        }
    }
}
