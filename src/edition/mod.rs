//! Editions of a report (DESIGN §3 Editions): a report as published on a
//! day, frozen into `reports/<name>/editions/<as_of>/` with an
//! `edition.toml` that records the as-of day, the publication day, the git
//! commit of the data and notebook (when they were committed) and the
//! SHA-256 of every file. Editions are never rebuilt or written by
//! `build`; `build --check` verifies them against their `edition.toml`
//! ([`check`]) and `publish --verify` rebuilds them from their commit
//! (`commands::publish`).

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use sha2::{Digest as _, Sha256};

use crate::data::Day;
use crate::error::{Error, Result};
use crate::input;

/// The folder of a report that holds its editions.
pub const FOLDER: &str = "editions";
/// The record of an edition, beside its files.
pub const RECORD: &str = "edition.toml";
/// The most bytes of an edition.toml read (a record of a few files is a
/// few kilobytes).
const RECORD_LIMIT: u64 = 1 << 20;

/// One published edition, as its `edition.toml` records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edition {
    /// The report's as-of day, and the edition's folder name.
    pub as_of: Day,
    /// The day it was published.
    pub published: Day,
    /// The git commit of the data and notebook it was built from; `None`
    /// when they had uncommitted changes (it cannot be rebuilt).
    pub commit: Option<String>,
    /// The SHA-256 (hex) of every file of the edition, by name.
    pub files: BTreeMap<String, String>,
}

/// `edition.toml` as written.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    as_of: String,
    published: String,
    commit: Option<String>,
    files: BTreeMap<String, String>,
}

impl Edition {
    /// The text of its `edition.toml` (fixed order, so the same edition is
    /// always the same bytes).
    pub fn record(&self, report: &str) -> String {
        let mut text = format!(
            "# An edition of {report}, written by `rangefinder publish`: never edit it or its \
             files.\n# `rangefinder build --check` checks each file against its SHA-256 below; \
             `rangefinder publish --verify` rebuilds the edition from its commit.\n\
             as_of = \"{}\"\npublished = \"{}\"\n",
            self.as_of, self.published
        );
        if let Some(commit) = &self.commit {
            text.push_str(&format!("commit = \"{commit}\"\n"));
        }
        text.push_str("\n[files]\n");
        for (name, hash) in &self.files {
            text.push_str(&format!("\"{}\" = \"{hash}\"\n", name.replace('"', "")));
        }
        text
    }

    /// Parses an `edition.toml`; the error says what is wrong.
    fn parse(text: &str) -> std::result::Result<Edition, String> {
        let record: Record = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let day = |key: &str, text: &str| {
            crate::data::DateSpec::parse_day(text).map_err(|e| format!("{key}: {e}"))
        };
        Ok(Edition {
            as_of: day("as_of", &record.as_of)?,
            published: day("published", &record.published)?,
            commit: record.commit,
            files: record.files,
        })
    }
}

/// The SHA-256 of `bytes`, as lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The folder of the edition of `report` as of `as_of`.
pub fn folder(report: &Path, as_of: Day) -> PathBuf {
    report.join(FOLDER).join(as_of.to_string())
}

/// The editions of the report in folder `report`, oldest first: every
/// `editions/<day>/edition.toml`. A folder there that is not an edition
/// (no record, or a record that does not parse) is an error naming it.
pub fn list(report: &Path) -> Result<Vec<Edition>> {
    let dir = report.join(FOLDER);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(anyhow::Error::new(e)
                .context(format!("listing {}", dir.display()))
                .into());
        }
    };
    let mut editions = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // Temporary folders of a publish in progress or killed, and files
        // (which `check` reports): only folders are editions.
        let folder = entry.file_type().is_ok_and(|t| t.is_dir());
        if name.starts_with('.') || !folder {
            continue;
        }
        let path = dir.join(&name).join(RECORD);
        let text = input::read_to_string(&path, RECORD_LIMIT)
            .map_err(|e| Error::Other(anyhow::anyhow!("{}: {e}", path.display())))?;
        let edition = Edition::parse(&text)
            .map_err(|e| Error::Other(anyhow::anyhow!("{}: {e}", path.display())))?;
        if edition.as_of.to_string() != name {
            return Err(Error::Other(anyhow::anyhow!(
                "{}: as_of {} is not the folder's name",
                path.display(),
                edition.as_of
            )));
        }
        editions.push(edition);
    }
    editions.sort_by_key(|e| e.as_of);
    Ok(editions)
}

/// Every way the editions of `report` differ from their `edition.toml`,
/// one line each naming the file: an edited file (its SHA-256 differs), a
/// missing one, one added, or an edition folder without a record. Sorted.
pub fn check(report: &Path) -> Result<Vec<String>> {
    let dir = report.join(FOLDER);
    let Ok(entries) = fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut problems = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let edition_dir = dir.join(&name);
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            problems.push(format!(
                "{}: not an edition (only edition folders belong in {FOLDER}/)",
                edition_dir.display()
            ));
            continue;
        }
        let record = edition_dir.join(RECORD);
        let text = match input::read_to_string(&record, RECORD_LIMIT) {
            Ok(text) => text,
            Err(e) => {
                problems.push(format!("{}: {e} (every edition has one)", record.display()));
                continue;
            }
        };
        let edition = match Edition::parse(&text) {
            Ok(edition) => edition,
            Err(e) => {
                problems.push(format!("{}: {e}", record.display()));
                continue;
            }
        };
        problems.extend(check_edition(&edition_dir, &edition)?);
    }
    problems.sort();
    Ok(problems)
}

/// The files of one edition against its record.
fn check_edition(dir: &Path, edition: &Edition) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (name, hash) in &edition.files {
        let path = dir.join(name);
        match input::read(&path, input::DATA_LIMIT) {
            Ok(bytes) if sha256(&bytes) == *hash => {}
            Ok(_) => problems.push(format!(
                "{}: edited since it was published (its SHA-256 differs from {RECORD})",
                path.display()
            )),
            Err(e) if e.kind() == io::ErrorKind::NotFound => problems.push(format!(
                "{}: missing (published in this edition, listed in {RECORD})",
                path.display()
            )),
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    let entries = fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name != RECORD && !edition.files.contains_key(&name) {
            problems.push(format!(
                "{}: added after the edition was published (not in {RECORD})",
                dir.join(&name).display()
            ));
        }
    }
    Ok(problems)
}

/// The README of an edition with its links kept working from the
/// edition's folder, two levels below the report's: every relative link
/// target that is not a file of the edition itself (`../../data`,
/// `editions/2024-11-05/README.md`) gets `../../` in front.
pub fn relink(readme: &str, own: &BTreeMap<String, Vec<u8>>) -> String {
    let mut out = String::with_capacity(readme.len() + 64);
    let mut rest = readme;
    while let Some(at) = rest.find("](") {
        let (before, after) = rest.split_at(at + 2);
        out.push_str(before);
        let end = after.find([')', ' ']).unwrap_or(after.len());
        let target = &after[..end];
        let file = target.split(['#', '?']).next().unwrap_or(target);
        let relative = !(target.is_empty()
            || target.starts_with('#')
            || target.starts_with('/')
            || target.contains("://")
            || target.starts_with("mailto:")
            || own.contains_key(file));
        if relative {
            out.push_str("../../");
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Today's date (UTC): the publication day when `--published` is not
/// given. The one place a clock enters, and only `edition.toml` holds it.
pub fn today() -> Day {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // 719,163 days from 0001-01-01 (day 1) to 1970-01-01.
    let days = i32::try_from(seconds / 86_400).unwrap_or(0) + 719_163;
    Day::from_num_days_from_ce_opt(days).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Links out of the report get ../../ in front; the edition's own
    // files, anchors and web links are left as they are.
    #[test]
    fn relinks_outside_links() {
        let own: BTreeMap<String, Vec<u8>> = [("timeline-m.svg".to_string(), Vec::new())].into();
        let readme = "[data](../../data) ![t](timeline-m.svg) [w](https://a.example/x) \
                      [e](editions/2024-11-05/README.md) [a](#top) [b](brief.md)";
        assert_eq!(
            relink(readme, &own),
            "[data](../../../../data) ![t](timeline-m.svg) [w](https://a.example/x) \
             [e](../../editions/2024-11-05/README.md) [a](#top) [b](../../brief.md)"
        );
    }

    // A record reads back as written, and the SHA-256 is the standard one.
    #[test]
    fn record_round_trip() {
        let day = |t: &str| crate::data::DateSpec::parse_day(t).unwrap_or_default();
        let edition = Edition {
            as_of: day("2024-11-05"),
            published: day("2024-11-06"),
            commit: Some("abc".into()),
            files: [("README.md".to_string(), sha256(b""))].into(),
        };
        assert_eq!(Edition::parse(&edition.record("reports/x")), Ok(edition));
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(today() > day("2024-01-01"));
    }
}
