//! What `preview` watches, by polling: the size and modification time of
//! every file under the watched paths, so it works on any file system
//! (network and container mounts give no change notifications). Editor
//! swap, backup and lock files are left out, so saving in an editor is
//! one change, not several, and never a rebuild of a half-written file.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How often the files are looked at.
pub const INTERVAL: Duration = Duration::from_millis(200);

/// How long the files must stay unchanged before a rebuild: a save that
/// writes several files (or one file twice) is one rebuild.
pub const QUIET: Duration = Duration::from_millis(150);

/// At most this many files are looked at, so a huge folder named as the
/// data cannot make every poll a long walk.
const MAX_FILES: usize = 10_000;

/// Every watched file's size and modification time.
pub type Snapshot = BTreeMap<PathBuf, (u64, Option<SystemTime>)>;

/// The state of `paths` (files, or folders looked into two levels deep)
/// now; a path that does not exist is simply absent.
pub fn snapshot(paths: &[PathBuf]) -> Snapshot {
    let mut files = Snapshot::new();
    for path in paths {
        add(path, 2, &mut files);
    }
    files
}

/// Adds `path` (a file, or a folder `depth` levels deep) to `files`.
fn add(path: &Path, depth: usize, files: &mut Snapshot) {
    if files.len() >= MAX_FILES {
        return;
    }
    let Ok(meta) = fs::metadata(path) else { return };
    if meta.is_file() {
        files.insert(path.to_path_buf(), (meta.len(), meta.modified().ok()));
    } else if meta.is_dir() && depth > 0 {
        let Ok(entries) = fs::read_dir(path) else {
            return;
        };
        let mut names: Vec<_> = entries.flatten().map(|e| e.file_name()).collect();
        names.sort();
        for name in names {
            if !ignored(&name.to_string_lossy()) {
                add(&path.join(name), depth - 1, files);
            }
        }
    }
}

/// Editors' temporary files: vim's swap files (`.brief.md.swp`) and its
/// write test (`4913`), backups (`claims.csv~`), Emacs locks (`.#brief.md`),
/// and any hidden file, such as a build's temporary ones.
pub fn ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
}

#[cfg(test)]
mod tests {
    use super::*;

    // Editors' temporary files are ignored; the data and notebook are not.
    #[test]
    fn ignores_editor_files() {
        for name in [
            ".brief.md.swp",
            ".claims.csv.swx",
            "claims.csv~",
            ".#brief.md",
            "4913",
        ] {
            assert!(ignored(name), "{name}");
        }
        for name in ["claims.csv", "brief.md", "events.csv", "49130"] {
            assert!(!ignored(name), "{name}");
        }
    }

    // A file written is a change; a swap file beside it is not.
    #[test]
    fn snapshot_sees_changes_but_not_swap_files() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        fs::write(dir.path().join("claims.csv"), "a")?;
        let paths = [dir.path().to_path_buf()];
        let before = snapshot(&paths);
        fs::write(dir.path().join(".claims.csv.swp"), "x")?;
        fs::write(dir.path().join("4913"), "")?;
        assert_eq!(snapshot(&paths), before);
        fs::write(dir.path().join("claims.csv"), "ab")?;
        assert_ne!(snapshot(&paths), before);
        Ok(())
    }
}
