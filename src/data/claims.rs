//! The rows of claims.csv, stored compactly: one fixed-size [`Record`] per
//! row and every text cell of every row in one shared string. A million
//! claims would otherwise be a million structs of eight `String`s (about
//! 500 bytes and eight allocations each); here they are about 120 bytes and
//! no allocation. Metrics and sources are integer codes (indexes into
//! `Dataset::metrics` and `Dataset::sources`), origins are row indexes.
//! [`Claim`] is the owned view of one row, built on demand.
//!
//! A [`Record`] is validated: every field a claim must have is there. The
//! loader fills rows of its own type (which may lack any of them) into
//! `Claims<Draft>` and converts them once every row is checked; the text
//! cells work the same for both, through [`Row`].

use super::{Claim, DateSpec, Day, Metric, Qualifier, Source, Stated};
use crate::parallel;

/// The text cells a record keeps, in the order they sit in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Id,
    Claimed,
    Document,
    Outlet,
    Published,
    Origin,
    Quote,
    Notes,
    RefersTo,
    AlternativeOf,
    BasedOn,
}

/// How many text cells a record keeps.
pub const CELLS: usize = 11;

/// A `claimed` or `published` window without its text (which is a text
/// cell of the record).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First day.
    pub start: Day,
    /// Last day.
    pub end: Day,
    /// A trailing `~`.
    pub approximate: bool,
    /// A trailing `?`.
    pub uncertain: bool,
}

impl Window {
    /// The window of a parsed spec.
    pub fn of(spec: &DateSpec) -> Window {
        Window {
            start: spec.start,
            end: spec.end,
            approximate: spec.approximate,
            uncertain: spec.uncertain,
        }
    }

    /// The spec again, with its text as written.
    fn spec(self, text: &str) -> DateSpec {
        DateSpec {
            start: self.start,
            end: self.end,
            approximate: self.approximate,
            uncertain: self.uncertain,
            text: text.to_owned(),
        }
    }
}

/// Where a row's text cells sit in [`Claims`]' text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cells {
    /// Where the row's text cells start.
    pub(crate) text: usize,
    /// Byte length of each text cell, in [`Cell`] order (0 = empty =
    /// missing).
    pub(crate) lens: [u32; CELLS],
}

/// A row of [`Claims`]: whatever else it holds, it knows its text cells.
pub trait Row {
    /// Where the row's text cells are.
    fn cells(&self) -> &Cells;
}

/// One validated claims.csv row: every field a claim must have.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Where the row's text cells are.
    pub(crate) cells: Cells,
    /// Metric code.
    pub metric: u32,
    /// Source code.
    pub source: u32,
    /// Row index of the claim named by `origin`.
    pub origin: Option<u32>,
    /// Row index of the origin claim this row reports: itself without
    /// `origin`, else the end of its `origin` chain (set by
    /// `Claims::index`).
    pub root: u32,
    /// Physical line where the row starts in claims.csv.
    pub line: usize,
    /// When the claim was made.
    pub claimed: Window,
    /// When the document was published.
    pub published: Option<Window>,
    /// The day or period the number describes: its `refers_to` window, else
    /// its `claimed` window.
    pub refers: Window,
    /// The row has `based_on`: a derived estimate.
    pub derived: bool,
    /// A repeat with `restated = yes`: its qualifier and numbers are the
    /// outlet's wording, not its origin's.
    pub restated: bool,
    /// How the number was stated.
    pub qualifier: Qualifier,
    /// The stated number(s).
    pub stated: Stated,
}

impl Row for Record {
    fn cells(&self) -> &Cells {
        &self.cells
    }
}

/// Every row of claims.csv, in file order: validated [`Record`]s, or while
/// loading the loader's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Claims<R = Record> {
    /// The text cells of every row, row after row.
    pub(crate) text: String,
    /// One record per row.
    pub(crate) records: Vec<R>,
    /// The rows that repeat another claim, sorted by (root, id): the
    /// further reports of each origin claim (set by [`Claims::index`]).
    further: Vec<u32>,
    /// The root of each row of `further`, in the same order: looking an
    /// origin's reports up reads these (4 bytes a repeat), not records.
    further_roots: Vec<u32>,
    /// The alternatives (rows with `alternative_of`) as (claim, row),
    /// sorted (set by [`Claims::index`]).
    alternatives: Vec<(u32, u32)>,
}

// Not derived: that would ask for a default record.
impl<R> Default for Claims<R> {
    fn default() -> Self {
        Claims::with_capacity(0, 0)
    }
}

impl<R> Claims<R> {
    /// Empty claims with room for `rows` rows and `text` bytes of text.
    pub(crate) fn with_capacity(rows: usize, text: usize) -> Claims<R> {
        Claims {
            text: String::with_capacity(text),
            records: Vec::with_capacity(rows),
            further: Vec::new(),
            further_roots: Vec::new(),
            alternatives: Vec::new(),
        }
    }

    /// Appends the text cells of a row, all at once in [`Cell`] order;
    /// returns where they are, for the row's record.
    pub(crate) fn push_cells(&mut self, cells: [&str; CELLS]) -> Cells {
        let text = self.text.len();
        let lens = cells.map(|cell| {
            self.text.push_str(cell);
            u32::try_from(cell.len()).unwrap_or(u32::MAX)
        });
        Cells { text, lens }
    }

    /// The same rows with each record converted by `convert` (given its
    /// row), `None` as soon as one does not convert. The records are
    /// converted in place, in their own allocation (a second copy of a
    /// million records would be the load's peak), as long as `S` is no
    /// larger than `R` and aligned alike.
    pub(crate) fn convert<S>(
        self,
        mut convert: impl FnMut(usize, R) -> Option<S>,
    ) -> Option<Claims<S>> {
        let records = self.records.into_iter().enumerate();
        Some(Claims {
            text: self.text,
            records: records
                .map(|(row, r)| convert(row, r))
                .collect::<Option<_>>()?,
            further: Vec::new(),
            further_roots: Vec::new(),
            alternatives: Vec::new(),
        })
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Every record, in file order.
    pub fn records(&self) -> &[R] {
        &self.records
    }

    /// The record of row `row`.
    pub fn record(&self, row: usize) -> &R {
        &self.records[row]
    }
}

impl<R: Row> Claims<R> {
    /// A text cell of row `row` ("" when missing).
    pub fn cell(&self, row: usize, cell: Cell) -> &str {
        let cells = self.records[row].cells();
        let before: usize = cells.lens[..cell as usize]
            .iter()
            .map(|&l| l as usize)
            .sum();
        let start = cells.text + before;
        self.text
            .get(start..start + cells.lens[cell as usize] as usize)
            .unwrap_or_default()
    }

    /// Every text cell of row `row`, one after another: two rows with the
    /// same cells and the same cell lengths have equal texts and lengths.
    pub fn text_cells(&self, row: usize) -> (&str, &[u32; CELLS]) {
        let cells = self.records[row].cells();
        let len: usize = cells.lens.iter().map(|&l| l as usize).sum();
        let text = self
            .text
            .get(cells.text..cells.text + len)
            .unwrap_or_default();
        (text, &cells.lens)
    }

    /// An optional text cell of row `row`.
    pub fn optional(&self, row: usize, cell: Cell) -> Option<&str> {
        Some(self.cell(row, cell)).filter(|t| !t.is_empty())
    }

    /// The id of row `row`.
    pub fn id(&self, row: usize) -> &str {
        self.cell(row, Cell::Id)
    }
}

impl Claims {
    /// Resolves every row's root and indexes the further reports of each
    /// origin claim; call once the origins are set. Iterative (chains may
    /// be very long); a chain that loops (which validation rejects) maps to
    /// the row itself.
    pub(crate) fn index(&mut self) {
        // A row without origin is its own root (set by `roots_to_self`);
        // only the repeats have a chain to walk.
        const ORIGINAL: u8 = 0;
        const NEW: u8 = 1;
        const ON_PATH: u8 = 2;
        const DONE: u8 = 3;
        let n = self.records.len();
        let repeats = roots_to_self(&mut self.records);
        let mut state = vec![ORIGINAL; n];
        for &row in &repeats {
            state[row as usize] = NEW;
        }
        let mut path = Vec::new();
        for &start in &repeats {
            let start = start as usize;
            let mut at = start;
            // Walk up until a row with a known root, a row without origin,
            // or a row already on this path (a loop).
            let resolved = loop {
                match state[at] {
                    ORIGINAL => break at as u32,
                    DONE => break self.records[at].root,
                    ON_PATH => break start as u32,
                    _ => {}
                }
                state[at] = ON_PATH;
                path.push(at);
                match self.records[at].origin.filter(|&o| (o as usize) < n) {
                    Some(next) => at = next as usize,
                    None => break at as u32,
                }
            };
            for row in path.drain(..) {
                state[row] = DONE;
                self.records[row].root = resolved;
            }
        }
        // By root (integers), then by id only within a root's repeats.
        let mut keys: Vec<u64> = repeats
            .iter()
            .map(|&row| (u64::from(self.records[row as usize].root) << 32) | u64::from(row))
            .filter(|&key| key >> 32 != key & u64::from(u32::MAX))
            .collect();
        keys.sort_unstable();
        let mut further: Vec<u32> = keys.iter().map(|&key| key as u32).collect();
        let mut from = 0;
        for group in keys.chunk_by(|a, b| a >> 32 == b >> 32) {
            let rows = &mut further[from..from + group.len()];
            if rows.len() > 1 {
                rows.sort_by(|&a, &b| self.id(a as usize).cmp(self.id(b as usize)));
            }
            from += group.len();
        }
        self.further_roots = further
            .iter()
            .map(|&r| self.records[r as usize].root)
            .collect();
        self.further = further;
        self.alternatives.sort_unstable();
    }

    /// Records which rows are alternatives of which claims, as (claim row,
    /// alternative row) pairs (the loader resolved them).
    pub(crate) fn set_alternatives(&mut self, pairs: Vec<(u32, u32)>) {
        self.alternatives = pairs;
    }

    /// Every alternative's row, in file order.
    pub fn alternative_rows(&self) -> Vec<usize> {
        let mut rows: Vec<usize> = self.alternatives.iter().map(|&(_, r)| r as usize).collect();
        rows.sort_unstable();
        rows
    }

    /// Whether row `row` is an alternative (has `alternative_of`).
    pub fn is_alternative(&self, row: usize) -> bool {
        self.records[row].cells.lens[Cell::AlternativeOf as usize] > 0
    }

    /// The claim row that alternative `row` was given beside.
    pub fn alternative_of(&self, row: usize) -> Option<usize> {
        self.alternatives
            .iter()
            .find(|&&(_, r)| r as usize == row)
            .map(|&(c, _)| c as usize)
    }

    /// The alternatives of claim `row` (rows whose `alternative_of` names
    /// it), in file order.
    pub fn alternatives(&self, row: usize) -> impl Iterator<Item = usize> + '_ {
        let row = row as u32;
        let from = self.alternatives.partition_point(|&(c, _)| c < row);
        let to = self.alternatives.partition_point(|&(c, _)| c <= row);
        self.alternatives[from..to].iter().map(|&(_, r)| r as usize)
    }

    /// The window row `row` describes: its `refers_to`, else its `claimed`.
    pub fn refers_window(&self, row: usize) -> Window {
        self.records[row].refers
    }

    /// The `refers_to` spec of row `row` as written (a repeat that left it
    /// empty has its origin claim's); `None` when the claim has none.
    pub fn refers_to(&self, row: usize) -> Option<DateSpec> {
        let mut text = self.cell(row, Cell::RefersTo);
        if text.is_empty() {
            text = self.cell(self.records[row].root as usize, Cell::RefersTo);
        }
        (!text.is_empty()).then(|| self.refers_window(row).spec(text))
    }

    /// The ids in row `row`'s `based_on`, as written.
    pub fn based_on(&self, row: usize) -> impl Iterator<Item = &str> + '_ {
        self.cell(row, Cell::BasedOn).split_whitespace()
    }

    /// The rows that repeat origin claim `row` (their root), sorted by id.
    pub fn further(&self, row: usize) -> &[u32] {
        let from = self.further_roots.partition_point(|&r| (r as usize) < row);
        let to = self.further_roots.partition_point(|&r| (r as usize) <= row);
        &self.further[from..to]
    }

    /// Builds claims from owned rows; `None` names a metric, source or
    /// origin that is not in `metrics`, `sources` or `claims`.
    pub fn from_claims(
        claims: &[Claim],
        metrics: &[Metric],
        sources: &[Source],
    ) -> Result<Claims, String> {
        let mut out = Claims::default();
        let mut alternatives = Vec::new();
        fn code<'a>(
            mut ids: impl Iterator<Item = &'a str>,
            id: &str,
            what: &str,
        ) -> Result<u32, String> {
            ids.position(|m| m == id)
                .map(|i| i as u32)
                .ok_or_else(|| format!("unknown {what} \"{id}\""))
        }
        for claim in claims {
            let metric = code(
                metrics.iter().map(|m| m.id.as_str()),
                &claim.metric,
                "metric",
            )?;
            let source = code(
                sources.iter().map(|s| s.id.as_str()),
                &claim.source,
                "source",
            )?;
            let origin = match &claim.origin {
                Some(origin) => Some(code(claims.iter().map(|c| c.id.as_str()), origin, "claim")?),
                None => None,
            };
            if let Some(of) = &claim.alternative_of {
                let of = code(claims.iter().map(|c| c.id.as_str()), of, "claim")?;
                alternatives.push((of, out.records.len() as u32));
            }
            let published = claim.published.as_ref();
            let based_on = claim.based_on.join(" ");
            let cells = [
                Some(claim.id.as_str()),
                Some(claim.claimed.text.as_str()),
                Some(claim.document.as_str()),
                claim.outlet.as_deref(),
                published.map(|p| p.text.as_str()),
                claim.origin.as_deref(),
                claim.quote.as_deref(),
                claim.notes.as_deref(),
                claim.refers_to.as_ref().map(|r| r.text.as_str()),
                claim.alternative_of.as_deref(),
                Some(based_on.as_str()),
            ];
            let record = Record {
                cells: out.push_cells(cells.map(Option::unwrap_or_default)),
                metric,
                source,
                origin,
                root: 0,
                line: claim.line,
                claimed: Window::of(&claim.claimed),
                published: published.map(Window::of),
                refers: Window::of(claim.refers_to.as_ref().unwrap_or(&claim.claimed)),
                derived: !claim.based_on.is_empty(),
                restated: claim.restated,
                qualifier: claim.qualifier,
                stated: claim.stated,
            };
            out.records.push(record);
        }
        out.set_alternatives(alternatives);
        out.index();
        Ok(out)
    }

    /// The `claimed` window of row `row`.
    pub fn claimed_window(&self, row: usize) -> Window {
        self.records[row].claimed
    }

    /// The `claimed` spec of row `row`, with its text (a repeat that left
    /// `claimed` empty has its origin claim's, which it was given when
    /// loaded).
    pub fn claimed(&self, row: usize) -> DateSpec {
        let mut text = self.cell(row, Cell::Claimed);
        if text.is_empty() {
            text = self.cell(self.records[row].root as usize, Cell::Claimed);
        }
        self.claimed_window(row).spec(text)
    }

    /// The `published` spec of row `row`, if any.
    pub fn published(&self, row: usize) -> Option<DateSpec> {
        let window = self.records[row].published?;
        Some(window.spec(self.cell(row, Cell::Published)))
    }

    /// The qualifier of row `row`.
    pub fn qualifier(&self, row: usize) -> Qualifier {
        self.records[row].qualifier
    }

    /// The stated numbers of row `row`.
    pub fn stated(&self, row: usize) -> Stated {
        self.records[row].stated
    }

    /// The owned claim of row `row`; metric and source ids are looked up.
    pub fn claim(&self, row: usize, metrics: &[Metric], sources: &[Source]) -> Claim {
        let record = &self.records[row];
        let name = |id: Option<&String>| id.cloned().unwrap_or_default();
        Claim {
            id: self.id(row).to_owned(),
            metric: name(metrics.get(record.metric as usize).map(|m| &m.id)),
            claimed: self.claimed(row),
            source: name(sources.get(record.source as usize).map(|s| &s.id)),
            qualifier: self.qualifier(row),
            stated: self.stated(row),
            document: self.cell(row, Cell::Document).to_owned(),
            outlet: self.optional(row, Cell::Outlet).map(str::to_owned),
            published: self.published(row),
            origin: record.origin.map(|o| self.id(o as usize).to_owned()),
            refers_to: self.refers_to(row),
            restated: record.restated,
            alternative_of: self.optional(row, Cell::AlternativeOf).map(str::to_owned),
            based_on: self.based_on(row).map(str::to_owned).collect(),
            quote: self.optional(row, Cell::Quote).map(str::to_owned),
            notes: self.optional(row, Cell::Notes).map(str::to_owned),
            line: record.line,
        }
    }
}

/// Sets every record's root to its own row; returns the rows whose origin
/// is a row, in order. One pass over every record, split over the cores
/// when there are many, which writes only roots not set so already (the
/// loader sets them while it writes those records anyway).
fn roots_to_self(records: &mut [Record]) -> Vec<u32> {
    let n = records.len();
    let share = n.div_ceil(parallel::cores()).max(1 << 16);
    let parts = records.chunks_mut(share).enumerate().collect();
    parallel::map(parts, |(k, part)| {
        let mut repeats = Vec::new();
        for (row, record) in (k * share..).zip(part.iter_mut()) {
            if record.root != row as u32 {
                record.root = row as u32;
            }
            if record.origin.is_some_and(|o| (o as usize) < n) {
                repeats.push(row as u32);
            }
        }
        repeats
    })
    .concat()
}

// Tests unwrap literals: a panic is how a test reports failure.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Claims with these ids and origin rows.
    fn claims(rows: &[(&str, Option<u32>)]) -> Claims {
        let mut claims = Claims::default();
        for (line, &(id, origin)) in rows.iter().enumerate() {
            let claimed = Window {
                start: Day::MIN,
                end: Day::MIN,
                approximate: false,
                uncertain: false,
            };
            let record = Record {
                cells: claims.push_cells([id, "", "", "", "", "", "", "", "", "", ""]),
                metric: 0,
                source: 0,
                origin,
                root: 0,
                line: line + 2,
                claimed,
                published: None,
                refers: claimed,
                derived: false,
                restated: false,
                qualifier: Qualifier::Exact,
                stated: Stated::Value(0.0),
            };
            claims.records.push(record);
        }
        claims
    }

    /// Roots and further reports as the one-walk-per-row version found
    /// them: every row walked, a loop mapping to the row that started it.
    fn expected(claims: &Claims) -> (Vec<u32>, Vec<u32>) {
        let n = claims.len();
        let mut root = vec![u32::MAX; n];
        let mut on_path = vec![false; n];
        let mut path = Vec::new();
        for start in 0..n {
            let mut at = start;
            let resolved = loop {
                if root[at] != u32::MAX {
                    break root[at];
                }
                if on_path[at] {
                    break start as u32;
                }
                on_path[at] = true;
                path.push(at);
                match claims.records[at].origin.filter(|&o| (o as usize) < n) {
                    Some(next) => at = next as usize,
                    None => break at as u32,
                }
            };
            for row in path.drain(..) {
                on_path[row] = false;
                root[row] = resolved;
            }
        }
        let mut further: Vec<u32> = (0..n as u32).filter(|&r| root[r as usize] != r).collect();
        further.sort_by(|&a, &b| {
            let key = |r: u32| (root[r as usize], claims.id(r as usize));
            key(a).cmp(&key(b)).then(a.cmp(&b))
        });
        (root, further)
    }

    // Chains, forks, loops (also into a chain), origins out of range and
    // stale roots: the same roots and further reports as walking every row.
    #[test]
    fn index_walks_only_repeats() {
        let ids = ["b", "a", "c", "a", "d", "e", "f", "g", "h", "i", "j", "k"];
        let mut state = 7u64;
        for _ in 0..300 {
            let rows: Vec<(&str, Option<u32>)> = ids
                .iter()
                .map(|&id| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1);
                    let pick = (state >> 33) % 20;
                    (id, (pick < 13).then_some(pick as u32))
                })
                .collect();
            let mut claims = claims(&rows);
            claims.records[3].root = 9;
            claims.index();
            let (root, further) = expected(&claims);
            let roots: Vec<u32> = claims.records.iter().map(|r| r.root).collect();
            assert_eq!((roots, claims.further.clone()), (root, further));
        }
    }
}
