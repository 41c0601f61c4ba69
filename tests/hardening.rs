//! Hardening (issue 7): hostile text stays text in Markdown and SVG,
//! extreme inputs end in a clear error or a report (never a panic or a
//! hang), builds cannot tear when killed or run twice at once, and exit
//! codes are 0, 1 and 2 as DESIGN 4 says; error output stays bounded
//! however large the input (issue 11).

mod atomic;
mod attack;
mod bounds;
mod exit;
mod extreme;
mod links;
mod text;
mod untrusted;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::Run;

/// Runs the binary in `dir` with `args`, failing the test if it takes
/// longer than `limit` (a hang) or exits with Rust's panic code 101.
pub fn run_within(dir: &Path, args: &[&str], limit: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rangefinder"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run rangefinder");
    // Read both streams on threads so a chatty run cannot block on a full pipe.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut text).map(|_| text)
    });
    let err = std::thread::spawn(move || {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut text).map(|_| text)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for rangefinder") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("rangefinder {args:?} still running after {limit:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: text(out.join().expect("stdout thread").expect("read stdout")),
        stderr: text(err.join().expect("stderr thread").expect("read stderr")),
    };
    assert_ne!(
        run.code, 101,
        "rangefinder {args:?} panicked: {}",
        run.stderr
    );
    run
}

/// One CSV line from cells, every cell quoted (quotes doubled), so any
/// text, commas and line breaks included, reaches the loader as written.
pub fn csv_line(cells: &[&str]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
        .collect();
    format!("{}\n", quoted.join(","))
}
