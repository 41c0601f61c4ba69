//! The rows that differ between two versions of the data, by id: claims
//! added, removed and edited (field by field), and sources and metrics
//! added, removed or changed. Only rows are compared here; every figure
//! comes from the analysis of each version.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::data::claims::Cell;
use crate::data::{Dataset, Qualifier, Stated};
use crate::render::number;

/// The longest text shown for one side of an edited text field.
const TEXT_LIMIT: usize = 80;

/// A claims.csv row as a diff names it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRef {
    /// Claim id.
    pub id: String,
    /// Metric id.
    pub metric: String,
    /// Source id.
    pub source: String,
    /// The stated claim: "approx 11,000", "range 10,000–12,000".
    pub stated: String,
    /// The `claimed` spec as written.
    pub claimed: String,
    /// The id of the claim it repeats, if any.
    pub origin: Option<String>,
}

/// One field of a row that differs: its name and the text on each side
/// (`None`: empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Column name (`value`, `claimed`, `origin`, …).
    pub name: &'static str,
    /// Before.
    pub before: Option<String>,
    /// After.
    pub after: Option<String>,
}

/// A row in both versions with fields that differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit<T> {
    /// The row before.
    pub before: T,
    /// The row after.
    pub after: T,
    /// The fields that differ, in column order.
    pub fields: Vec<Field>,
}

/// Rows added, removed and edited between two versions, each sorted by id.
#[derive(Debug, Clone, PartialEq)]
pub struct RowDiff<T> {
    pub added: Vec<T>,
    pub removed: Vec<T>,
    pub edited: Vec<Edit<T>>,
}

impl<T> Default for RowDiff<T> {
    fn default() -> Self {
        RowDiff {
            added: Vec::new(),
            removed: Vec::new(),
            edited: Vec::new(),
        }
    }
}

impl<T> RowDiff<T> {
    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.edited.is_empty()
    }
}

/// "approx 11,000", "range 10,000–12,000": a claim as it was stated.
pub fn stated(qualifier: Qualifier, numbers: Stated) -> String {
    match numbers {
        Stated::Value(v) => format!("{qualifier} {}", number(v)),
        Stated::Range(..) => format!("{qualifier} {}", crate::render::stated_number(numbers)),
    }
}

/// Text of an edited field, bounded.
fn bounded(text: &str) -> String {
    if text.chars().count() > TEXT_LIMIT {
        let cut: String = text.chars().take(TEXT_LIMIT).collect();
        format!("{cut}…")
    } else {
        text.to_owned()
    }
}

/// The fields of one claim row that a diff compares, borrowed from the data.
struct Row<'a> {
    metric: &'a str,
    source: &'a str,
    qualifier: Qualifier,
    stated: Stated,
    origin: Option<&'a str>,
    /// `restated = yes`.
    restated: bool,
    /// The text cells, in [`CELLS`] order.
    cells: [&'a str; 9],
}

/// The text cells a diff compares, in the column order of the documented
/// claims.csv table (the fields between them are compared in place).
const CELLS: [(&str, Cell); 9] = [
    ("claimed", Cell::Claimed),
    ("refers_to", Cell::RefersTo),
    ("document", Cell::Document),
    ("outlet", Cell::Outlet),
    ("published", Cell::Published),
    ("alternative_of", Cell::AlternativeOf),
    ("based_on", Cell::BasedOn),
    ("quote", Cell::Quote),
    ("notes", Cell::Notes),
];

fn row<'a>(data: &'a Dataset, r: usize) -> Row<'a> {
    let claims = &data.claims;
    let record = claims.record(r);
    let id = |list: Option<&'a String>| list.map_or("", String::as_str);
    Row {
        metric: id(data.metrics.get(record.metric as usize).map(|m| &m.id)),
        source: id(data.sources.get(record.source as usize).map(|s| &s.id)),
        qualifier: claims.qualifier(r),
        stated: claims.stated(r),
        origin: record.origin.map(|o| claims.id(o as usize)),
        restated: record.restated,
        cells: CELLS.map(|(_, cell)| claims.cell(r, cell)),
    }
}

fn claim_ref(data: &Dataset, r: usize) -> ClaimRef {
    let x = row(data, r);
    ClaimRef {
        id: data.claims.id(r).to_owned(),
        metric: x.metric.to_owned(),
        source: x.source.to_owned(),
        stated: stated(x.qualifier, x.stated),
        claimed: x.cells[0].to_owned(),
        origin: x.origin.map(str::to_owned),
    }
}

/// A field that differs, or nothing.
fn field(name: &'static str, before: &str, after: &str) -> Option<Field> {
    let side = |t: &str| Some(bounded(t)).filter(|t| !t.is_empty());
    (before != after).then(|| Field {
        name,
        before: side(before),
        after: side(after),
    })
}

/// The numbers of a claim, field by field: `value`, or `low` and `high`.
fn numbers(stated: Stated) -> [(&'static str, Option<f64>); 3] {
    match stated {
        Stated::Value(v) => [("value", Some(v)), ("low", None), ("high", None)],
        Stated::Range(l, h, c) => [("value", c), ("low", Some(l)), ("high", Some(h))],
    }
}

/// The fields that differ between two rows, in the column order of
/// the documented claims.csv table.
fn fields(a: &Row, b: &Row) -> Vec<Field> {
    let mut out = Vec::new();
    out.extend(field("metric", a.metric, b.metric));
    out.extend(field("claimed", a.cells[0], b.cells[0]));
    out.extend(field("refers_to", a.cells[1], b.cells[1]));
    out.extend(field("source", a.source, b.source));
    out.extend(field(
        "qualifier",
        a.qualifier.as_str(),
        b.qualifier.as_str(),
    ));
    for ((name, x), (_, y)) in numbers(a.stated).into_iter().zip(numbers(b.stated)) {
        if x != y {
            out.push(Field {
                name,
                before: x.map(number),
                after: y.map(number),
            });
        }
    }
    let yes = |restated: bool| if restated { "yes" } else { "" };
    for (i, (name, _)) in CELLS.iter().enumerate().skip(2) {
        if *name == "alternative_of" {
            out.extend(field(
                "origin",
                a.origin.unwrap_or(""),
                b.origin.unwrap_or(""),
            ));
            out.extend(field("restated", yes(a.restated), yes(b.restated)));
        }
        out.extend(field(name, a.cells[i], b.cells[i]));
    }
    out
}

/// Row `r` of `a` and row `s` of `b` hold the same claim, field for field
/// (a quick test for the rows a change left alone: one comparison of their
/// text cells, then the parsed fields and the ids their codes stand for).
fn same(a: &Dataset, r: usize, b: &Dataset, s: usize) -> bool {
    let (x, y) = (a.claims.record(r), b.claims.record(s));
    a.claims.text_cells(r) == b.claims.text_cells(s)
        && a.claims.qualifier(r) == b.claims.qualifier(s)
        && a.claims.stated(r) == b.claims.stated(s)
        && x.restated == y.restated
        && metric_id(a, x.metric) == metric_id(b, y.metric)
        && source_id(a, x.source) == source_id(b, y.source)
}

/// The id of metric `code`.
fn metric_id(data: &Dataset, code: u32) -> Option<&str> {
    data.metrics.get(code as usize).map(|m| m.id.as_str())
}

/// The id of source `code`.
fn source_id(data: &Dataset, code: u32) -> Option<&str> {
    data.sources.get(code as usize).map(|s| s.id.as_str())
}

/// The claims that differ between `a` and `b`, by id.
pub fn claims(a: &Dataset, b: &Dataset) -> RowDiff<ClaimRef> {
    // A data change keeps most rows where they were: rows with the same id
    // at the same position are paired directly, and only the others are
    // matched by id (ids are unique in a valid version).
    let (n, m) = (a.claims.len(), b.claims.len());
    let mut pairs = Vec::with_capacity(n.min(m));
    let (mut only_a, mut only_b) = (Vec::new(), Vec::new());
    for r in 0..n.max(m) {
        if r < n && r < m && a.claims.id(r) == b.claims.id(r) {
            pairs.push((r, r));
            continue;
        }
        if r < n {
            only_a.push(r);
        }
        if r < m {
            only_b.push(r);
        }
    }
    let by_id: HashMap<&str, usize> = only_a.iter().map(|&r| (a.claims.id(r), r)).collect();
    let mut diff = RowDiff::default();
    let mut matched = HashSet::new();
    for r in only_b {
        match by_id.get(b.claims.id(r)) {
            Some(&old) => {
                matched.insert(old);
                pairs.push((old, r));
            }
            None => diff.added.push(claim_ref(b, r)),
        }
    }
    for r in only_a {
        if !matched.contains(&r) {
            diff.removed.push(claim_ref(a, r));
        }
    }
    for (old, new) in pairs {
        if same(a, old, b, new) {
            continue;
        }
        let changed = fields(&row(a, old), &row(b, new));
        if !changed.is_empty() {
            diff.edited.push(Edit {
                before: claim_ref(a, old),
                after: claim_ref(b, new),
                fields: changed,
            });
        }
    }
    diff.added.sort_by(|x, y| x.id.cmp(&y.id));
    diff.removed.sort_by(|x, y| x.id.cmp(&y.id));
    diff.edited.sort_by(|x, y| x.after.id.cmp(&y.after.id));
    diff
}

/// Rows of sources.csv or metrics.csv as named fields, by id.
pub type Table = BTreeMap<String, Vec<(&'static str, String)>>;

/// sources.csv by id, the fields a diff compares.
pub fn sources(data: &Dataset) -> Table {
    data.sources
        .iter()
        .map(|s| {
            let fields = vec![
                ("name", s.name.clone()),
                ("affiliation", s.affiliation.clone()),
                ("kind", s.kind.map_or("", |k| k.as_str()).to_owned()),
                ("reliability", s.reliability.to_string()),
                ("notes", s.notes.clone().unwrap_or_default()),
                ("short", s.short.clone().unwrap_or_default()),
                (
                    "color",
                    s.color
                        .map(|[r, g, b]| format!("#{r:02x}{g:02x}{b:02x}"))
                        .unwrap_or_default(),
                ),
            ];
            (s.id.clone(), fields)
        })
        .collect()
}

/// metrics.csv by id, the fields a diff compares.
pub fn metrics(data: &Dataset) -> Table {
    data.metrics
        .iter()
        .map(|m| {
            let fields = vec![
                ("label", m.label.clone()),
                ("unit", m.unit.clone()),
                ("tolerance", number(m.tolerance)),
                ("description", m.description.clone().unwrap_or_default()),
                (
                    "stale_after",
                    m.stale_after.map(|d| d.to_string()).unwrap_or_default(),
                ),
            ];
            (m.id.clone(), fields)
        })
        .collect()
}

/// The ids added, removed and edited between two tables (an absent
/// version is an empty table).
pub fn table(a: &Table, b: &Table) -> RowDiff<String> {
    let mut diff = RowDiff::default();
    for (id, after) in b {
        match a.get(id) {
            None => diff.added.push(id.clone()),
            Some(before) => {
                let changed: Vec<Field> = before
                    .iter()
                    .zip(after)
                    .filter_map(|((name, x), (_, y))| field(name, x, y))
                    .collect();
                if !changed.is_empty() {
                    diff.edited.push(Edit {
                        before: id.clone(),
                        after: id.clone(),
                        fields: changed,
                    });
                }
            }
        }
    }
    diff.removed = a
        .keys()
        .filter(|id| !b.contains_key(*id))
        .cloned()
        .collect();
    diff
}

/// An edit in words: `value 11,000 → 12,000`, `origin set to x`,
/// `outlet removed (was BBC)`.
pub fn describe(field: &Field) -> String {
    match (&field.before, &field.after) {
        (Some(x), Some(y)) => format!("{} {x} → {y}", field.name),
        (None, Some(y)) => format!("{} set to {y}", field.name),
        (Some(x), None) => format!("{} removed (was {x})", field.name),
        (None, None) => field.name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Edits read as the issue words them.
    #[test]
    fn describes_edits() {
        let f = |before: Option<&str>, after: Option<&str>| Field {
            name: "value",
            before: before.map(str::to_owned),
            after: after.map(str::to_owned),
        };
        assert_eq!(
            describe(&f(Some("11,000"), Some("12,000"))),
            "value 11,000 → 12,000"
        );
        assert_eq!(describe(&f(None, Some("x"))), "value set to x");
        assert_eq!(describe(&f(Some("x"), None)), "value removed (was x)");
    }

    // A long text field is cut, so a diff line stays short.
    #[test]
    fn long_text_is_bounded() {
        let long = "a".repeat(500);
        let edit = field("quote", "", &long).map(|f| f.after);
        assert_eq!(
            edit.flatten().map(|t| t.chars().count()),
            Some(TEXT_LIMIT + 1)
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod matching {
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;
    use crate::data::load::load;

    /// The plain version `claims` replaced: every row matched by id.
    fn by_id(a: &Dataset, b: &Dataset) -> RowDiff<ClaimRef> {
        let index: HashMap<&str, usize> =
            (0..a.claims.len()).map(|r| (a.claims.id(r), r)).collect();
        let mut seen = vec![false; a.claims.len()];
        let mut diff = RowDiff::default();
        for r in 0..b.claims.len() {
            let Some(&old) = index.get(b.claims.id(r)) else {
                diff.added.push(claim_ref(b, r));
                continue;
            };
            seen[old] = true;
            let changed = fields(&row(a, old), &row(b, r));
            if !changed.is_empty() {
                diff.edited.push(Edit {
                    before: claim_ref(a, old),
                    after: claim_ref(b, r),
                    fields: changed,
                });
            }
        }
        for (r, seen) in seen.iter().enumerate() {
            if !seen {
                diff.removed.push(claim_ref(a, r));
            }
        }
        diff.added.sort_by(|x, y| x.id.cmp(&y.id));
        diff.removed.sort_by(|x, y| x.id.cmp(&y.id));
        diff.edited.sort_by(|x, y| x.after.id.cmp(&y.after.id));
        diff
    }

    /// The seed data with its claim rows in `order` (indexes into the
    /// rows; a row left out is removed), the value of rows in `edited`
    /// raised by one.
    fn version(order: &[usize], edited: &[usize]) -> Dataset {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let text = std::fs::read_to_string(root.join("claims.csv")).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        let rows: Vec<&str> = lines.collect();
        let mut csv = format!("{header}\n");
        for &i in order {
            let mut line = rows[i].to_owned();
            if edited.contains(&i) {
                // The value column is the sixth; every seed value is whole.
                let cells: Vec<&str> = line.splitn(7, ',').collect();
                if let Ok(v) = cells[5].parse::<u64>() {
                    line = format!("{},{},{}", cells[..5].join(","), v + 1, cells[6]);
                }
            }
            csv.push_str(&line);
            csv.push('\n');
        }
        let dir = tempfile::tempdir().unwrap();
        for file in ["sources.csv", "metrics.csv"] {
            std::fs::copy(root.join(file), dir.path().join(file)).unwrap();
        }
        std::fs::write(dir.path().join("claims.csv"), csv).unwrap();
        load(dir.path()).unwrap().dataset
    }

    /// The seed's claim rows and, for each, whether it repeats another or
    /// another repeats it (such a row stays as it is, or the version would
    /// fail `check`).
    fn seed_rows() -> Vec<bool> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let dataset = load(&root).unwrap().dataset;
        let claims = &dataset.claims;
        (0..claims.len())
            .map(|r| {
                claims.record(r).origin.is_some()
                    || (0..claims.len()).any(|o| claims.record(o).origin == Some(r as u32))
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        // Rows moved, removed and edited: pairing by position first finds
        // what matching every row by id finds.
        #[test]
        fn positions_then_ids_match_ids(
            seed in any::<u64>(),
            keep in proptest::collection::vec(any::<bool>(), 18),
            edited in proptest::collection::vec(0..18usize, 0..4),
            moved in any::<bool>(),
        ) {
            let origins = seed_rows();
            let n = origins.len();
            prop_assert_eq!(n, 18);
            let mut order: Vec<usize> = (0..n).filter(|&i| keep[i] || origins[i]).collect();
            if moved {
                // A deterministic shuffle from the seed.
                let mut state = seed | 1;
                for i in (1..order.len()).rev() {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    order.swap(i, (state % (i as u64 + 1)) as usize);
                }
            }
            let a = version(&(0..n).collect::<Vec<_>>(), &[]);
            let edited: Vec<usize> = edited.into_iter().filter(|&i| !origins[i]).collect();
            let b = version(&order, &edited);
            prop_assert_eq!(claims(&a, &b), by_id(&a, &b));
            prop_assert_eq!(claims(&b, &a), by_id(&b, &a));
        }
    }
}
