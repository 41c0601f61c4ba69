//! `preview`: a report built in memory, as `build --format html` would
//! build it, and served on 127.0.0.1 ([`http`]); rebuilt whenever its
//! notebook, data or editions change ([`watch`]), after which the page
//! reloads itself. A build that fails keeps the last good page and shows
//! the problems above it, as the `FILE:LINE: …` lines `check` prints.
//! Nothing is written into the project.

mod http;
mod watch;

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::html;
use crate::notebook::{self, ReportFormat};

/// A checked `preview` command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The report's notebook.
    pub notebook: PathBuf,
    /// The project's data/ (for a notebook that names none).
    pub default_data: PathBuf,
    /// The port on 127.0.0.1; 0: any free one.
    pub port: u16,
    /// `--poll` (watching is always by polling).
    pub poll: bool,
}

/// The last build, shared by the watcher and the connections.
#[derive(Debug, Default)]
struct State {
    /// Counts builds, failed ones included: the page reloads when it grows.
    generation: u64,
    /// The last good build's page.
    page: Option<String>,
    /// The last build's problems, one line each (none when it succeeded).
    problems: Vec<String>,
}

/// [`State`] and the signal that it changed.
#[derive(Debug, Default)]
pub struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    /// Records a build: its page, or the problems that stopped it.
    fn record(&self, built: std::result::Result<String, Vec<String>>) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.generation += 1;
        match built {
            Ok(page) => {
                state.page = Some(page);
                state.problems.clear();
            }
            Err(problems) => state.problems = problems,
        }
        self.changed.notify_all();
    }

    /// The page to serve: the last good build (or an empty page), the last
    /// build's problems above it, and the script that reloads it.
    fn page(&self) -> String {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let page = state
            .page
            .clone()
            .unwrap_or_else(|| html::page("Preview", "", &[]));
        served(&page, &state.problems, state.generation)
    }

    /// Waits until a build after `since` is recorded, at most `timeout`;
    /// returns the generation then.
    fn wait_after(&self, since: u64, timeout: Duration) -> u64 {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let (state, _) = self
            .changed
            .wait_timeout_while(state, timeout, |s| s.generation <= since)
            .unwrap_or_else(PoisonError::into_inner);
        state.generation
    }
}

/// What the preview page may do besides the report's own policy: run its
/// one inline script, and ask the server it came from for rebuilds.
const POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'";

/// The script of the preview page: waits for the build after the one it
/// shows, then reloads.
const SCRIPT: &str = "(function () {\n  var seen = GENERATION;\n  function wait() {\n    \
                      fetch(\"/events?since=\" + seen, { cache: \"no-store\" })\n      \
                      .then(function (r) { return r.text(); })\n      \
                      .then(function (t) { if (Number(t) > seen) { location.reload(); } else { \
                      wait(); } })\n      \
                      .catch(function () { setTimeout(wait, 1000); });\n  }\n  wait();\n})();\n";

/// `page` as the preview serves it: its policy widened for the reload
/// script, the problems (escaped) at the top, the script at the end.
fn served(page: &str, problems: &[String], generation: u64) -> String {
    let mut banner = String::new();
    if !problems.is_empty() {
        banner.push_str(
            "<div role=\"alert\" style=\"border: 2px solid #cf222e; background: #ffebe9; \
             padding: .5em 1em; margin: 1em 0\">\n<p><strong>The last change does not build\
             </strong>; below is the last good build.</p>\n<pre style=\"white-space: pre-wrap\">",
        );
        for line in problems {
            banner.push_str(&html::escape(line));
            banner.push('\n');
        }
        banner.push_str("</pre>\n</div>\n");
    }
    let script = SCRIPT.replace("GENERATION", &generation.to_string());
    page.replacen(html::POLICY, POLICY, 1)
        .replacen("<main>\n", &format!("<main>\n{banner}"), 1)
        .replacen(
            "</body>",
            &format!("<script>\n{script}</script>\n</body>"),
            1,
        )
}

/// Builds the report in memory: its page, or the lines `build` would
/// print for its problems.
fn build(options: &Options) -> std::result::Result<String, Vec<String>> {
    let settings = notebook::Options {
        default_data: options.default_data.clone(),
        formats: vec![ReportFormat::Html],
        ..notebook::Options::default()
    };
    let named = [options.notebook.clone()];
    // The folder of every report is not searched: a notebook is named.
    let reports = super::build::render(&named, Path::new(""), &settings, &mut |_| {})
        .map_err(|e| e.lines())?;
    reports
        .into_iter()
        .next()
        .and_then(|mut report| report.files.remove(notebook::file_name(ReportFormat::Html)))
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .ok_or_else(|| vec!["error: the report has no page".to_string()])
}

/// The paths a rebuild depends on: the notebook, its data folder (as the
/// notebook names it now, else the project's) and the report's editions.
fn watched(options: &Options) -> Vec<PathBuf> {
    let settings = notebook::Options {
        default_data: options.default_data.clone(),
        ..notebook::Options::default()
    };
    let mut paths = vec![options.notebook.clone()];
    match notebook::read(std::slice::from_ref(&options.notebook), &settings) {
        Ok(parsed) => {
            for parsed in parsed {
                paths.push(parsed.data.clone());
                paths.push(parsed.dir.join("editions"));
            }
        }
        Err(_) => paths.push(options.default_data.clone()),
    }
    paths
}

/// Runs the preview: listens on the port (an error naming it when it is
/// taken), builds, prints the address to `out`, then serves and rebuilds
/// on every change until the process is stopped.
pub fn run(options: &Options, out: &mut dyn Write) -> Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", options.port)).map_err(|e| {
        Error::Other(anyhow::anyhow!(
            "preview: cannot listen on 127.0.0.1 port {}: {e} (another preview or server may \
             use it: stop it, or pick another with --port N, or --port 0 for any free port)",
            options.port
        ))
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::Other(anyhow::Error::new(e).context("preview: reading the port")))?
        .port();
    let shared = Arc::new(Shared::default());
    // Looked at before the first build, so a change made during it is seen.
    let paths = watched(options);
    let last = watch::snapshot(&paths);
    shared.record(build(options));
    writeln!(
        out,
        "Previewing {} at http://127.0.0.1:{port}/ (Ctrl-C stops it)",
        options.notebook.display()
    )
    .and_then(|()| out.flush())
    .map_err(|e| Error::Other(anyhow::Error::new(e).context("writing to stdout")))?;
    let watcher = {
        let (shared, options) = (Arc::clone(&shared), options.clone());
        std::thread::spawn(move || rebuild_on_change(&options, &shared, paths, last))
    };
    http::serve(&listener, &shared, port);
    let _ = watcher.join();
    Ok(())
}

/// Polls the watched files; after a change, once they have been quiet for
/// [`watch::QUIET`], rebuilds and records the build.
fn rebuild_on_change(
    options: &Options,
    shared: &Shared,
    mut paths: Vec<PathBuf>,
    mut last: watch::Snapshot,
) {
    loop {
        std::thread::sleep(watch::INTERVAL);
        let mut now = watch::snapshot(&paths);
        if now == last {
            continue;
        }
        loop {
            std::thread::sleep(watch::QUIET);
            let again = watch::snapshot(&paths);
            if again == now {
                break;
            }
            now = again;
        }
        shared.record(build(options));
        // What the build read is `now`, taken before it: a change saved
        // while it ran (or just after) differs from it and is built next.
        // A notebook that names another data folder now: every file of the
        // new paths counts as changed, so the next poll builds from them.
        let again = watched(options);
        if again == paths {
            last = now;
        } else {
            paths = again;
            last = watch::Snapshot::new();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The served page carries the problems (escaped), the reload script
    // and the widened policy; the report's own page has none of them.
    #[test]
    fn served_page() {
        let page = html::page("T", "# T\n", &[]);
        assert!(!page.contains("<script"));
        let problems = ["reports/t/brief.md:3: <bad>".to_string()];
        let served = served(&page, &problems, 7);
        assert!(served.contains(
            "<pre style=\"white-space: pre-wrap\">reports/t/brief.md:3: &lt;bad&gt;\n</pre>"
        ));
        assert!(served.contains("var seen = 7;"));
        assert!(served.contains(&format!("content=\"{POLICY}\"")));
        assert!(!served.contains(&format!("content=\"{}\"", html::POLICY)));
    }
}
