//! Reading a data folder and the committed charts at a revision through the
//! `git` command line. Nothing here parses CSV: a revision's three data files
//! are copied into a temporary folder (bounded by the loader's own size
//! limit) and loaded from there exactly as the working tree is.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use crate::chart::svg::{MARK, MAX_BYTES};
use crate::data::{Diagnostic, Severity};
use crate::error::{Error, Result};
use crate::input::{DATA_LIMIT, NOTEBOOK_LIMIT};

/// The data files a version is made of.
pub const FILES: [&str; 3] = ["claims.csv", "sources.csv", "metrics.csv"];

/// The longest excerpt of git's own message quoted in an error.
const MESSAGE_LIMIT: usize = 300;

/// The repository a folder is in.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The repository's top folder (absolute).
    top: PathBuf,
    /// Its git directory (absolute), named to git on every call.
    git_dir: PathBuf,
}

/// A resolved revision: what the user typed and the commit it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rev {
    /// As typed (`HEAD~1`, `origin/main`).
    pub name: String,
    /// The full commit hash.
    pub commit: String,
}

/// What git says changed about one committed chart between two versions.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChartChange {
    /// Only in the later version.
    Added(String),
    /// Only in the earlier version.
    Removed(String),
    /// In both, with other bytes.
    Modified(String),
}

impl ChartChange {
    /// The chart's path from the repository's top folder.
    pub fn path(&self) -> &str {
        match self {
            ChartChange::Added(p) | ChartChange::Removed(p) | ChartChange::Modified(p) => p,
        }
    }
}

/// git's message, on one line and cut to a bounded length.
fn excerpt(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > MESSAGE_LIMIT {
        let cut: String = line.chars().take(MESSAGE_LIMIT).collect();
        format!("{cut}…")
    } else {
        line
    }
}

impl Repo {
    /// The repository of the project at `root` (its folder holding `data/`
    /// and `reports/`; empty for the current folder), asked of git from the
    /// root and never from inside the data or reports folder: a pull request
    /// can commit a bare repository's files (`HEAD`, `config`, `objects/`)
    /// into `data/`, and git asked from there would read that repository's
    /// configuration (its `core.fsmonitor` or `core.sshCommand` programs)
    /// and its idea of `main` and `HEAD`. `data` and `reports` must not be
    /// symbolic links and must resolve inside the root; `data` is only
    /// named in the error outside a repository.
    pub fn find(root: &Path, data: &Path, reports: &Path) -> Result<Repo> {
        let root = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        let project = fs::canonicalize(root).map_err(|e| io_error(root, e))?;
        for folder in [data, reports] {
            own_folder(folder, &project)?;
        }
        let output = git_command(&project, None)
            .args(["rev-parse", "--show-toplevel", "--absolute-git-dir"])
            .output()
            .map_err(|e| Error::Usage(format!("diff needs the git command line: {e}")))?;
        if !output.status.success() {
            return Err(Error::Usage(format!(
                "diff compares versions in git, and {} is not in a git repository (git: {})",
                data.display(),
                excerpt(&output.stderr)
            )));
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let mut lines = text.lines().map(|line| {
            let path = PathBuf::from(line);
            fs::canonicalize(&path).unwrap_or(path)
        });
        let (Some(top), Some(git_dir)) = (lines.next(), lines.next()) else {
            return Err(Error::Usage(format!(
                "git gave no repository for {} ({})",
                root.display(),
                excerpt(&output.stdout)
            )));
        };
        // Asked from the root, git finds the root's repository or one above
        // it; never one below (in data/ or reports/). Checked all the same.
        let inside = |folder: &Path| {
            fs::canonicalize(folder)
                .is_ok_and(|folder| folder != project && git_dir.starts_with(folder))
        };
        if !project.starts_with(&top) || inside(data) || inside(reports) {
            return Err(Error::Usage(format!(
                "git found the repository {} for the project at {}, which is not \
                 the project's own; diff refuses to use it",
                git_dir.display(),
                project.display()
            )));
        }
        Ok(Repo { top, git_dir })
    }

    /// git for this repository: the one [`git_command`], told the
    /// repository and work tree so that nothing is discovered.
    fn command(&self) -> Command {
        git_command(&self.top, Some((&self.git_dir, &self.top)))
    }

    /// Runs git in the top folder; stdout on success, git's message on failure.
    fn git(&self, args: &[&str]) -> std::result::Result<Vec<u8>, String> {
        let output = self
            .command()
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        if output.status.success() {
            Ok(output.stdout)
        } else {
            Err(excerpt(&output.stderr))
        }
    }

    /// `git status --porcelain` of `paths` (from the top folder), untracked
    /// files included: empty when they hold no change.
    pub fn status(&self, paths: &[&str]) -> Result<String> {
        let mut args = vec!["status", "--porcelain", "--untracked-files=all", "--"];
        args.extend_from_slice(paths);
        self.git(&args)
            .map(|out| String::from_utf8_lossy(&out).into_owned())
            .map_err(|message| Error::Other(anyhow::anyhow!("git status: {message}")))
    }

    /// The bytes of file `path` (from the top folder) at `rev`, at most
    /// `limit` of them, or `None` when the revision has no such file.
    pub fn blob(&self, rev: &Rev, path: &str, limit: u64) -> Result<Option<Vec<u8>>> {
        let spec = format!("{}:{path}", rev.commit);
        if self
            .git(&["cat-file", "-e", "--end-of-options", &spec])
            .is_err()
        {
            return Ok(None);
        }
        let size = self
            .git(&["cat-file", "-s", "--end-of-options", &spec])
            .ok()
            .and_then(|out| String::from_utf8_lossy(&out).trim().parse::<u64>().ok());
        if size.is_none_or(|size| size > limit) {
            return Err(Error::Other(anyhow::anyhow!(
                "{spec}: larger than {limit} bytes, or not a file"
            )));
        }
        self.git(&["cat-file", "blob", "--end-of-options", &spec])
            .map(Some)
            .map_err(|message| {
                Error::Other(anyhow::anyhow!("git could not read {spec}: {message}"))
            })
    }

    /// `path` (a folder in the working tree, existing or not) as a path from
    /// the top folder with `/` separators; "" for the top folder itself.
    pub fn relative(&self, path: &Path) -> Result<String> {
        let (base, rest) = existing(path)?;
        let base = fs::canonicalize(&base).map_err(|e| io_error(&base, e))?;
        let inside = base.strip_prefix(&self.top).map_err(|_| {
            Error::Usage(format!(
                "{} is not inside the repository at {}",
                path.display(),
                self.top.display()
            ))
        })?;
        let parts: Vec<String> = inside
            .join(rest)
            .components()
            .filter_map(|c| match c {
                Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        Ok(parts.join("/"))
    }

    /// The commit `name` names; an unknown one is a usage error quoting git.
    pub fn resolve(&self, name: &str) -> Result<Rev> {
        if name.starts_with('-') || name.is_empty() {
            return Err(Error::Usage(format!(
                "\"{name}\" is not a revision (a revision does not start with -)"
            )));
        }
        let spec = format!("{name}^{{commit}}");
        match self.git(&["rev-parse", "--verify", "--end-of-options", &spec]) {
            Ok(out) => Ok(Rev {
                name: name.to_owned(),
                commit: String::from_utf8_lossy(&out).trim().to_owned(),
            }),
            Err(message) => Err(Error::Usage(format!(
                "unknown revision \"{name}\" (git: {message})"
            ))),
        }
    }

    /// Copies the data files of folder `data` (from the top folder) at `rev`
    /// into `into`. Returns diagnostics for files git holds as something
    /// other than a plain file or over the size limit; a revision without
    /// the folder is a usage error naming both.
    pub fn export(&self, rev: &Rev, data: &str, into: &Path) -> Result<Vec<Diagnostic>> {
        let folder = if data.is_empty() {
            String::new()
        } else {
            format!("{data}/")
        };
        let listing = self
            .git(&["ls-tree", "-z", "-l", &rev.commit, "--", pathspec(&folder)])
            .map_err(|message| Error::Usage(format!("git ls-tree failed: {message}")))?;
        let entries = parse_tree(&listing);
        if entries.is_empty() && !data.is_empty() {
            return Err(Error::Usage(format!(
                "revision {} has no data folder {data}/ (nothing to compare; check --data)",
                rev.name
            )));
        }
        let mut problems = Vec::new();
        for entry in entries {
            let Some(name) = FILES.iter().find(|f| entry.path == format!("{folder}{f}")) else {
                continue;
            };
            let shown = format!("{}:{}", rev.name, entry.path);
            let refuse = |message: String| Diagnostic {
                file: shown.clone(),
                line: 0,
                column: String::new(),
                message,
                severity: Severity::Error,
            };
            if entry.kind != "blob" || !(entry.mode == "100644" || entry.mode == "100755") {
                problems.push(refuse(format!(
                    "is not a plain file in git (mode {}); only plain files are read",
                    entry.mode
                )));
            } else if entry.size > DATA_LIMIT {
                problems.push(refuse(format!(
                    "is {} bytes, over the limit of {DATA_LIMIT} bytes",
                    entry.size
                )));
            } else {
                self.copy_blob(&entry.object, &into.join(name), &shown)?;
            }
        }
        Ok(problems)
    }

    /// Streams blob `object` into a new file at `path` (never more than the
    /// data limit).
    fn copy_blob(&self, object: &str, path: &Path, shown: &str) -> Result<()> {
        let mut child = self
            .command()
            .args(["cat-file", "blob", object])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| Error::Usage(format!("diff needs the git command line: {e}")))?;
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| io_error(path, e))?;
        let copied = match child.stdout.take() {
            Some(stdout) => io::copy(&mut stdout.take(DATA_LIMIT + 1), &mut file),
            None => Ok(0),
        };
        let status = child.wait().map_err(|e| io_error(path, e))?;
        let copied = copied.and_then(|n| file.flush().map(|()| n));
        match copied {
            Ok(_) if status.success() => Ok(()),
            Ok(_) => Err(Error::Other(anyhow::anyhow!("git could not read {shown}"))),
            Err(e) => Err(io_error(path, e)),
        }
    }

    /// The committed charts (`<reports>/<name>/<chart>.svg`) that differ
    /// between `a` and `b` (`None`: the working tree, untracked charts
    /// included), sorted by path.
    pub fn changed_charts(
        &self,
        a: &Rev,
        b: Option<&Rev>,
        reports: &str,
    ) -> Result<Vec<ChartChange>> {
        let folder = if reports.is_empty() {
            String::new()
        } else {
            format!("{reports}/")
        };
        let mut args = vec![
            "diff",
            "--name-status",
            "-z",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            "--ignore-submodules=all",
            &a.commit,
        ];
        if let Some(b) = b {
            args.push(&b.commit);
        }
        args.extend(["--", pathspec(&folder)]);
        let failed = |message: String| Error::Usage(format!("git diff failed: {message}"));
        let listing = self.git(&args).map_err(failed)?;
        let fields: Vec<String> = listing
            .split(|&b| b == 0)
            .filter(|f| !f.is_empty())
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        let mut changes = Vec::new();
        for pair in fields.chunks(2) {
            let [status, path] = pair else { continue };
            let change = match status.chars().next() {
                Some('A') => ChartChange::Added(path.clone()),
                Some('D') => ChartChange::Removed(path.clone()),
                _ => ChartChange::Modified(path.clone()),
            };
            changes.push(change);
        }
        if b.is_none() {
            let others = self
                .git(&[
                    "ls-files",
                    "-z",
                    "--others",
                    "--exclude-standard",
                    "--",
                    pathspec(&folder),
                ])
                .map_err(failed)?;
            for path in others.split(|&b| b == 0).filter(|f| !f.is_empty()) {
                changes.push(ChartChange::Added(
                    String::from_utf8_lossy(path).into_owned(),
                ));
            }
        }
        changes.retain(|c| is_chart(c.path(), &folder));
        // Only what `build` writes is a chart: a file a chart cell of the
        // report's notebook names, starting with the generator's mark, in
        // the version that holds it. Notebooks are read once per report and
        // version; marks only of the files the notebooks name.
        let mut notebooks: BTreeMap<(bool, String), BTreeSet<String>> = BTreeMap::new();
        changes.retain(|change| {
            let (version, path) = match change {
                ChartChange::Removed(p) => (Some(a), p),
                ChartChange::Added(p) | ChartChange::Modified(p) => (b, p),
            };
            let Some((report, file)) = path.rsplit_once('/') else {
                return false;
            };
            let named = notebooks
                .entry((version.is_none(), report.to_owned()))
                .or_insert_with(|| {
                    self.read(version, &format!("{report}/brief.md"), NOTEBOOK_LIMIT)
                        .and_then(|text| String::from_utf8(text).ok())
                        .map(|text| crate::notebook::chart_files(&text))
                        .unwrap_or_default()
                });
            named.contains(file)
                && self
                    .read(version, path, MAX_BYTES as u64)
                    .is_some_and(|svg| svg.starts_with(MARK.as_bytes()))
        });
        changes.sort();
        Ok(changes)
    }

    /// The bytes of file `path` (from the top folder) at `rev`, or in the
    /// working tree for `None`; `None` when it is not there, is not a
    /// plain file, or is over `limit` bytes.
    fn read(&self, rev: Option<&Rev>, path: &str, limit: u64) -> Option<Vec<u8>> {
        let Some(rev) = rev else {
            return crate::input::read(&self.top.join(path), limit).ok();
        };
        let spec = format!("{}:{path}", rev.commit);
        let kind = self.git(&["cat-file", "-t", &spec]).ok()?;
        if kind.trim_ascii() != b"blob" {
            return None;
        }
        let mut child = self
            .command()
            .args(["cat-file", "blob", &spec])
            .spawn()
            .ok()?;
        let mut bytes = Vec::new();
        let read = child
            .stdout
            .take()
            .map(|stdout| stdout.take(limit + 1).read_to_end(&mut bytes));
        let status = child.wait().ok()?;
        (status.success() && matches!(read, Some(Ok(_))) && bytes.len() as u64 <= limit)
            .then_some(bytes)
    }
}

/// Settings given to every git call on its command line (which outranks
/// any repository's configuration): no bare repository unless named (a
/// planted one in the project is refused, not used), no file-system
/// monitor, hook or ssh program, no transport at all (so no lazy fetch of
/// a partial clone's missing objects), no pager.
const SETTINGS: [&str; 8] = [
    "safe.bareRepository=explicit",
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.sshCommand=false",
    "core.pager=cat",
    "protocol.allow=never",
    "protocol.file.allow=never",
    "protocol.ext.allow=never",
];

/// The caller's environment variables git is given: where to find git,
/// and the user's own (global) configuration. Nothing else reaches it —
/// no token (`GH_TOKEN`, `GITHUB_TOKEN`), no `GIT_DIR`, `GIT_CONFIG_*`,
/// `GIT_SSH_COMMAND` or `GIT_EXEC_PATH` that would steer it.
const KEPT: [&str; 4] = ["PATH", "HOME", "XDG_CONFIG_HOME", "TMPDIR"];

/// The one way a git process is made: environment cleared but for
/// [`KEPT`], [`SETTINGS`] on the command line, no lazy fetch, no prompt, no
/// optional lock (a diff never rewrites the index), run in `folder`. With
/// `repo` (git directory, work tree) git is told both and discovers
/// nothing, and may not look above the work tree. Without it (finding the
/// repository from the project root) no ceiling is set: a pull request
/// controls nothing above the root, a project may sit in a subfolder of its
/// repository, and planted repository files at the root itself form only a
/// bare repository, which `safe.bareRepository=explicit` refuses.
fn git_command(folder: &Path, repo: Option<(&Path, &Path)>) -> Command {
    let mut command = Command::new("git");
    command.env_clear();
    for name in KEPT {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    command
        .env("LC_ALL", "C")
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_NO_REPLACE_OBJECTS", "1");
    if let Some((git_dir, top)) = repo {
        command.env("GIT_DIR", git_dir).env("GIT_WORK_TREE", top);
        if let Some(parent) = top.parent() {
            command.env("GIT_CEILING_DIRECTORIES", parent);
        }
    }
    for setting in SETTINGS {
        command.arg("-c").arg(setting);
    }
    command
        .current_dir(folder)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Refuses a data or reports folder that is a symbolic link, or that
/// resolves outside the project at `project` (absolute): its files would
/// be another folder's, and git's answers about it another repository's.
fn own_folder(folder: &Path, project: &Path) -> Result<()> {
    let Ok(meta) = fs::symlink_metadata(folder) else {
        // A folder that does not exist (a revision may still hold it).
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        return Err(Error::Usage(format!(
            "{} is a symbolic link; diff reads only the project's own folders, \
             never through a link",
            folder.display()
        )));
    }
    let real = fs::canonicalize(folder).map_err(|e| io_error(folder, e))?;
    if !real.starts_with(project) {
        return Err(Error::Usage(format!(
            "{} resolves to {}, outside the project at {}; diff reads only the \
             project's own folders",
            folder.display(),
            real.display(),
            project.display()
        )));
    }
    Ok(())
}

/// A folder as a git pathspec: `.` for the top folder (git refuses an
/// empty pathspec).
fn pathspec(folder: &str) -> &str {
    if folder.is_empty() { "." } else { folder }
}

/// `<folder><report>/<file>.svg`, one level below the reports folder,
/// neither name hidden (`build` writes no hidden report or chart).
fn is_chart(path: &str, folder: &str) -> bool {
    path.strip_prefix(folder).is_some_and(|rest| {
        let parts: Vec<&str> = rest.split('/').collect();
        parts.len() == 2 && rest.ends_with(".svg") && parts.iter().all(|p| !p.starts_with('.'))
    })
}

/// One entry of `git ls-tree -l -z`.
struct Entry {
    mode: String,
    kind: String,
    object: String,
    size: u64,
    path: String,
}

/// Parses `<mode> <type> <object> <size>\t<path>\0` entries.
fn parse_tree(listing: &[u8]) -> Vec<Entry> {
    listing
        .split(|&b| b == 0)
        .filter_map(|raw| {
            let text = String::from_utf8_lossy(raw);
            let (meta, path) = text.split_once('\t')?;
            let mut meta = meta.split_whitespace();
            Some(Entry {
                mode: meta.next()?.to_owned(),
                kind: meta.next()?.to_owned(),
                object: meta.next()?.to_owned(),
                size: meta.next()?.parse().unwrap_or(u64::MAX),
                path: path.to_owned(),
            })
        })
        .collect()
}

/// The nearest existing folder at or above `path` (made absolute), and the
/// rest of `path` below it.
fn existing(path: &Path) -> Result<(PathBuf, PathBuf)> {
    let absolute = std::path::absolute(path).map_err(|e| io_error(path, e))?;
    let mut base = absolute.as_path();
    while !base.is_dir() {
        match base.parent() {
            Some(parent) => base = parent,
            None => break,
        }
    }
    let rest = absolute.strip_prefix(base).unwrap_or(Path::new(""));
    Ok((base.to_path_buf(), rest.to_path_buf()))
}

/// An I/O error with the path it happened on.
fn io_error(path: &Path, error: io::Error) -> Error {
    Error::Other(anyhow::Error::new(error).context(path.display().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // ls-tree's long format is read field by field; a path may hold spaces.
    #[test]
    fn parses_ls_tree() {
        let listing =
            b"100644 blob abc     120\tdata/claims.csv\x00120000 blob def 9\tdata/a b.csv\x00";
        let entries = parse_tree(listing);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].size, 120);
        assert_eq!(entries[1].path, "data/a b.csv");
        assert_eq!(entries[1].mode, "120000");
    }

    // Only SVGs directly inside a report folder are charts.
    #[test]
    fn charts_are_one_level_down() {
        assert!(is_chart("reports/x/ranges-m.svg", "reports/"));
        assert!(!is_chart("reports/x/deep/ranges-m.svg", "reports/"));
        assert!(!is_chart("reports/x/README.md", "reports/"));
        assert!(!is_chart("other/x/a.svg", "reports/"));
        assert!(!is_chart("reports/.x/a.svg", "reports/"));
        assert!(!is_chart("reports/x/.a.svg", "reports/"));
    }

    // Every git process gets the fixed settings and none of the caller's
    // variables but the kept ones, so no token or GIT_DIR reaches git.
    #[test]
    fn git_is_closed() {
        let command = git_command(
            Path::new("."),
            Some((Path::new("/r/.git"), Path::new("/r"))),
        );
        let args: Vec<String> = command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        for setting in SETTINGS {
            assert!(args.iter().any(|a| a == setting), "{setting}");
        }
        let envs: Vec<(String, Option<String>)> = command
            .get_envs()
            .map(|(k, v)| {
                let text = |s: &std::ffi::OsStr| s.to_string_lossy().into_owned();
                (text(k), v.map(text))
            })
            .collect();
        let set = |name: &str| {
            envs.iter()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.clone())
        };
        assert_eq!(set("GIT_NO_LAZY_FETCH").as_deref(), Some("1"));
        assert_eq!(set("GIT_DIR").as_deref(), Some("/r/.git"));
        assert_eq!(set("GIT_WORK_TREE").as_deref(), Some("/r"));
        assert_eq!(set("GIT_CEILING_DIRECTORIES").as_deref(), Some("/"));
        for (name, _) in &envs {
            assert!(
                name.starts_with("GIT_") || KEPT.contains(&name.as_str()) || name == "LC_ALL",
                "{name} reaches git"
            );
        }
    }

    // git's message is one line and bounded.
    #[test]
    fn excerpt_is_bounded() {
        let long = "fatal: x\n".repeat(100);
        let cut = excerpt(long.as_bytes());
        assert!(!cut.contains('\n'));
        assert_eq!(cut.chars().count(), MESSAGE_LIMIT + 1);
    }
}
