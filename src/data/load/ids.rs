//! The ids of claims.csv as a sorted index, for the unique-id and origin
//! checks of `links`. A million ids in a hash map are a million cache
//! misses on one thread; here each id is hashed (rows split over the
//! threads), the (hash, row) keys are sorted (hash space split over the
//! threads, each part bucketed by hash bits and then sorted in cache), so
//! equal ids are neighbours and the origins, sorted the same way, are
//! found by one merge. Equal hashes are only candidates: ids are compared
//! as text before two rows are called the same (for an origin whose hash
//! only one id has, by the caller: see [`Target`]).

use std::hash::BuildHasher;
use std::ops::Range;

use polars::prelude::PlFixedStateQuality;

use super::draft::Draft;
use crate::data::claims::{Cell, Claims};
use crate::parallel;

/// What the ids of claims.csv link.
#[derive(Debug, Default, PartialEq)]
pub struct Links {
    /// Each row whose id an earlier row has, with the first such row.
    pub duplicates: Vec<(u32, u32)>,
    /// Each row with an `origin`, with what the keys tell of the row its
    /// origin names; by row.
    pub origins: Vec<(u32, Target)>,
}

/// A hash with the row's index in its low bits: sorting keys sorts by
/// hash, then by row.
type Key = u64;

/// Finds the duplicate ids and the row each `origin` names, on up to
/// `threads` threads.
pub fn links(claims: &Claims<Draft>, threads: usize) -> Links {
    links_with(claims, threads, &Keys::new(claims.len()))
}

/// [`links`] with the given keys.
fn links_with(claims: &Claims<Draft>, threads: usize, keys: &Keys) -> Links {
    let n = claims.len();
    // Hash space is cut into a power of two of parts, one per thread.
    let part_bits = threads.max(1).ilog2().min(3);
    let parts = 1usize << part_bits;
    let rows: Vec<Range<usize>> = (0..parts)
        .map(|p| n * p / parts..n * (p + 1) / parts)
        .collect();
    let hashed = parallel::map(rows, |rows| keys.of_rows(claims, rows, part_bits));
    let found = parallel::map((0..parts).collect(), |p| {
        let ids = sort(hashed.iter().map(|h| h.ids[p].as_slice()), part_bits);
        let origins = sort(hashed.iter().map(|h| h.origins[p].as_slice()), part_bits);
        (
            keys.duplicates(claims, &ids),
            keys.lookup(claims, &ids, &origins),
        )
    });
    let mut duplicates = Vec::new();
    let mut origins = Vec::new();
    for (part_duplicates, part_origins) in found {
        duplicates.extend(part_duplicates);
        origins.extend(part_origins);
    }
    duplicates.sort_unstable();
    origins.sort_unstable_by_key(|&(row, _)| row);
    Links {
        duplicates,
        origins,
    }
}

/// The row an origin names, as the sorted keys tell; [`Target::row`]
/// tells for sure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// No id has the origin's hash.
    None,
    /// The only id with the origin's hash: the texts are still to compare.
    Candidate(u32),
    /// The first row with the origin's id.
    Found(u32),
}

impl Target {
    /// The first row with the id that the origin of `row` names, if any.
    /// (Left to the caller, which reads these rows anyway: comparing
    /// texts here would be a second round of cache misses.)
    pub fn row(self, claims: &Claims<Draft>, row: usize) -> Option<usize> {
        match self {
            Target::None => None,
            Target::Candidate(target) => {
                let target = target as usize;
                (claims.id(target) == claims.cell(row, Cell::Origin)).then_some(target)
            }
            Target::Found(target) => Some(target as usize),
        }
    }
}

/// How keys are made from hashes and rows.
struct Keys {
    /// Bits of the key that hold the row.
    row_bits: u32,
    /// The hasher (fixed seed: runs are repeatable).
    hasher: PlFixedStateQuality,
}

/// The keys of some rows' ids and origins, by part of the hash space.
struct Hashed {
    ids: Vec<Vec<Key>>,
    origins: Vec<Vec<Key>>,
}

impl Keys {
    fn new(rows: usize) -> Keys {
        Keys {
            row_bits: (usize::BITS - rows.leading_zeros()).max(1),
            hasher: PlFixedStateQuality::default(),
        }
    }

    /// The key of `text` in row `row`.
    fn key(&self, text: &str, row: usize) -> Key {
        let hash = self.hasher.hash_one(text);
        (hash >> self.row_bits << self.row_bits) | row as u64
    }

    /// The row of a key.
    fn row(&self, key: Key) -> usize {
        (key & ((1 << self.row_bits) - 1)) as usize
    }

    /// The hash bits of a key.
    fn hash(&self, key: Key) -> u64 {
        key >> self.row_bits
    }

    /// The keys of the ids and origins of `rows`, each in its part.
    fn of_rows(&self, claims: &Claims<Draft>, rows: Range<usize>, part_bits: u32) -> Hashed {
        let parts = 1 << part_bits;
        // Hashes spread evenly: a little room over an even share.
        let share = rows.len() / parts + rows.len() / (parts * 16) + 16;
        let mut hashed = Hashed {
            ids: (0..parts).map(|_| Vec::with_capacity(share)).collect(),
            origins: (0..parts).map(|_| Vec::new()).collect(),
        };
        for row in rows {
            if let Some(id) = claims.optional(row, Cell::Id) {
                let key = self.key(id, row);
                hashed.ids[top(key, 0, part_bits)].push(key);
            }
            if let Some(origin) = claims.optional(row, Cell::Origin) {
                let key = self.key(origin, row);
                hashed.origins[top(key, 0, part_bits)].push(key);
            }
        }
        hashed
    }

    /// Each row in sorted `ids` whose id an earlier row has, with the
    /// first such row.
    fn duplicates(&self, claims: &Claims<Draft>, ids: &[Key]) -> Vec<(u32, u32)> {
        let mut found = Vec::new();
        for run in ids.chunk_by(|&a, &b| self.hash(a) == self.hash(b)) {
            if run.len() < 2 {
                continue;
            }
            // Stable sort: equal ids stay in row order, the first row first.
            let mut rows: Vec<usize> = run.iter().map(|&key| self.row(key)).collect();
            rows.sort_by(|&a, &b| claims.id(a).cmp(claims.id(b)));
            for same in rows.chunk_by(|&a, &b| claims.id(a) == claims.id(b)) {
                for &row in &same[1..] {
                    found.push((row as u32, same[0] as u32));
                }
            }
        }
        found
    }

    /// For each key of sorted `origins`, its row and the first row in
    /// sorted `ids` with the id that row's origin names. Texts are compared
    /// here only when several ids share the hash.
    fn lookup(&self, claims: &Claims<Draft>, ids: &[Key], origins: &[Key]) -> Vec<(u32, Target)> {
        let mut at = 0;
        let mut found = Vec::with_capacity(origins.len());
        for &key in origins {
            let hash = self.hash(key);
            while ids.get(at).is_some_and(|&id| self.hash(id) < hash) {
                at += 1;
            }
            let row = self.row(key);
            let mut same = ids[at..]
                .iter()
                .take_while(|&&id| self.hash(id) == hash)
                .map(|&id| self.row(id) as u32);
            let target = match (same.next(), same.next()) {
                (None, _) => Target::None,
                (Some(only), None) => Target::Candidate(only),
                (Some(_), Some(_)) => {
                    let origin = claims.cell(row, Cell::Origin);
                    let mut same = ids[at..]
                        .iter()
                        .take_while(|&&id| self.hash(id) == hash)
                        .map(|&id| self.row(id));
                    match same.find(|&target| claims.id(target) == origin) {
                        Some(target) => Target::Found(target as u32),
                        None => Target::None,
                    }
                }
            };
            found.push((row as u32, target));
        }
        found
    }
}

/// `bits` bits of `key` after its first `skip` bits.
fn top(key: Key, skip: u32, bits: u32) -> usize {
    if bits == 0 {
        return 0;
    }
    ((key << skip) >> (64 - bits)) as usize
}

/// The keys of `inputs`, which share their first `skip` bits, sorted: one
/// pass into buckets by the next bits (hashes spread evenly, so a bucket
/// holds about 128 keys), then each bucket sorted in cache.
fn sort<'a>(inputs: impl Iterator<Item = &'a [Key]>, skip: u32) -> Vec<Key> {
    let inputs: Vec<&[Key]> = inputs.collect();
    let len: usize = inputs.iter().map(|keys| keys.len()).sum();
    let bits = (usize::BITS - (len / 128).leading_zeros()).min(16);
    let mut starts = vec![0; (1 << bits) + 1];
    for &key in inputs.iter().copied().flatten() {
        starts[top(key, skip, bits) + 1] += 1;
    }
    for b in 1..starts.len() {
        starts[b] += starts[b - 1];
    }
    let mut next = starts.clone();
    let mut sorted = vec![0; len];
    for &key in inputs.iter().copied().flatten() {
        let bucket = top(key, skip, bits);
        sorted[next[bucket]] = key;
        next[bucket] += 1;
    }
    for bucket in starts.windows(2) {
        sorted[bucket[0]..bucket[1]].sort_unstable();
    }
    sorted
}

// Tests unwrap literals: a panic is how a test reports failure.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::data::claims::CELLS;

    /// Claims with these ids and origins ("" = missing).
    fn claims(rows: &[(String, String)]) -> Claims<Draft> {
        let mut claims = Claims::default();
        for (line, (id, origin)) in rows.iter().enumerate() {
            let mut cells = [""; CELLS];
            cells[Cell::Id as usize] = id;
            cells[Cell::Origin as usize] = origin;
            let draft = Draft::new(line + 2, claims.push_cells(cells));
            claims.records.push(draft);
        }
        claims
    }

    /// Duplicates, and each origin row with the row it names.
    type Found = (Vec<(u32, u32)>, Vec<(u32, Option<u32>)>);

    /// What the sorted index finds, origins checked.
    fn found(claims: &Claims<Draft>, links: Links) -> Found {
        let origins = links.origins.iter().map(|&(row, target)| {
            let target = target.row(claims, row as usize).map(|t| t as u32);
            (row, target)
        });
        (links.duplicates, origins.collect())
    }

    /// What a hash map of each id's first row finds.
    fn expected(claims: &Claims<Draft>) -> Found {
        let mut first = HashMap::new();
        let mut links: Found = Default::default();
        for row in 0..claims.len() {
            if let Some(id) = claims.optional(row, Cell::Id) {
                let first = *first.entry(id).or_insert(row as u32);
                if first != row as u32 {
                    links.0.push((row as u32, first));
                }
            }
        }
        for row in 0..claims.len() {
            if let Some(origin) = claims.optional(row, Cell::Origin) {
                links.1.push((row as u32, first.get(origin).copied()));
            }
        }
        links
    }

    fn rows(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(id, origin)| (id.to_string(), origin.to_string()))
            .collect()
    }

    // Duplicates point at the first row with the id, origins at the first
    // row with theirs, unknown origins at none; rows without id are skipped.
    #[test]
    fn duplicates_and_origins() {
        let claims = claims(&rows(&[
            ("a", ""),
            ("b", "zz"),
            ("a", "b"),
            ("c", "a"),
            ("a", "a"),
            ("", "c"),
        ]));
        let want: Found = (
            vec![(2, 0), (4, 0)],
            vec![
                (1, None),
                (2, Some(1)),
                (3, Some(0)),
                (4, Some(0)),
                (5, Some(3)),
            ],
        );
        assert_eq!(found(&claims, links(&claims, 2)), want);
        assert_eq!(expected(&claims), want);
    }

    // Many rows, many repeated ids: the same as a hash map on any number of
    // threads, also when almost every hash collides (only the text decides).
    #[test]
    fn same_as_a_hash_map() {
        let list: Vec<(String, String)> = (0..20_000u64)
            .map(|i| {
                let mix = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
                let id = if mix % 17 == 0 {
                    String::new()
                } else {
                    format!("c{}", mix % 15_000)
                };
                let origin = if mix % 3 == 0 {
                    format!("c{}", (mix >> 3) % 16_000)
                } else {
                    String::new()
                };
                (id, origin)
            })
            .collect();
        let claims = claims(&list);
        let want = expected(&claims);
        assert!(want.0.len() > 1000 && want.1.len() > 1000);
        for threads in [1, 2, 3, 8] {
            assert_eq!(found(&claims, links(&claims, threads)), want);
            let colliding = Keys {
                row_bits: 61,
                hasher: PlFixedStateQuality::default(),
            };
            let links = links_with(&claims, threads, &colliding);
            assert!(
                links
                    .origins
                    .iter()
                    .any(|o| matches!(o.1, Target::Found(_)))
            );
            assert_eq!(found(&claims, links), want);
        }
    }
}
