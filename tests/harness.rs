//! A small harness: write fixture files into a temporary folder, run the
//! binary there, and assert on exit code, stdout, stderr and files.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The folder of the crate (for shipped data and golden files).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary working folder with fixture files and one run of the binary.
pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
}

/// What a run produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Test {
    /// An empty working folder.
    pub fn new() -> Test {
        Test {
            dir: tempfile::tempdir().expect("create temp dir"),
            args: Vec::new(),
        }
    }

    /// The working folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` to `name` (parents created) inside the folder.
    pub fn file(self, name: &str, contents: impl AsRef<[u8]>) -> Test {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create fixture folder");
        }
        fs::write(&path, contents).expect("write fixture");
        self
    }

    /// Copies the shipped `data/` folder into the working folder.
    pub fn seed_data(self) -> Test {
        copy_dir(&repo().join("data"), &self.dir.path().join("data"));
        self
    }

    /// Adds command-line arguments.
    pub fn args<I, S>(mut self, args: I) -> Test
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Runs the binary in the working folder with the arguments added.
    pub fn run(&self) -> Run {
        self.run_with(&self.args)
    }

    /// Runs the binary in the working folder with `args` instead, so one
    /// folder can see several runs.
    pub fn run_with<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Run {
        self.run_in(".", args)
    }

    /// Runs the binary in the subfolder `sub` of the working folder (as a
    /// user inside a project would) with `args`.
    pub fn run_in<S: AsRef<std::ffi::OsStr>>(&self, sub: &str, args: &[S]) -> Run {
        let output: Output = Command::new(env!("CARGO_BIN_EXE_rangefinder"))
            .args(args)
            .current_dir(self.dir.path().join(sub))
            .output()
            .expect("run rangefinder");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Every file under the working folder with its bytes, sorted by path.
    pub fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            for entry in fs::read_dir(dir).expect("read folder") {
                let path = entry.expect("folder entry").path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push((path.clone(), fs::read(&path).expect("read file")));
                }
            }
        }
        let mut out = Vec::new();
        walk(self.dir.path(), &mut out);
        out.sort();
        out
    }

    /// Reads a file of the working folder.
    pub fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.dir.path().join(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
    }
}

impl Run {
    /// Asserts the exit code, printing both streams when it differs.
    pub fn code(self, expected: i32) -> Run {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts stdout exactly.
    pub fn stdout(self, expected: &str) -> Run {
        assert_eq!(self.stdout, expected, "stdout (stderr: {})", self.stderr);
        self
    }

    /// Asserts stderr exactly.
    pub fn stderr(self, expected: &str) -> Run {
        assert_eq!(self.stderr, expected, "stderr (stdout: {})", self.stdout);
        self
    }

    /// The lines of stderr that are not the data's warnings (`build`
    /// prints those as `check` does: `file:line: warning: …`).
    pub fn errors(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|line| !line.contains(": warning: "))
            .collect()
    }
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Compares `actual` with the golden file at `tests/cases/<name>`; with
/// `SNAPSHOTS=overwrite` in the environment, rewrites the golden file instead.
/// Review every rewrite: a golden test is a real assertion.
pub fn golden(name: &str, actual: &[u8]) {
    let path = repo().join("tests/cases").join(name);
    if std::env::var("SNAPSHOTS").as_deref() == Ok("overwrite") {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create golden folder");
        }
        fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "golden file {}: {e} (run with SNAPSHOTS=overwrite to create it)",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "{} differs from the output (SNAPSHOTS=overwrite rewrites it)\n--- expected\n{}\n--- actual\n{}",
            path.display(),
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(actual)
        );
    }
}

/// Every file directly in `dir`, by name, with its bytes.
pub fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .expect("list folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.is_file())
        .map(|path| {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let bytes = fs::read(&path).expect("read file");
            (name, bytes)
        })
        .collect()
}
