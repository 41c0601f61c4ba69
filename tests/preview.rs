//! `rangefinder preview`: started on port 0, it prints its address and
//! serves the report built in memory; an edited claim shows in the page
//! within 2 s; a broken notebook shows its `FILE:LINE` problem above the
//! last good build; a second preview on the same port fails naming it;
//! only the page is served; nothing is written into the project.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::harness::Test;

const METRICS: &str = "id,label,unit,tolerance,description\ntroops,Troops,troops,,\n";

const SOURCES: &str = "\
id,name,affiliation,kind,reliability,notes
ua,Ukraine,Ukraine,intelligence,B,
us,Pentagon,United States,military,A,
";

const CLAIMS: &str = "\
id,metric,claimed,source,qualifier,value,low,high,document,outlet,published,origin,quote,notes
c1,troops,2024-10-15,ua,exact,10000,,,https://example.com/a,,,,,
c2,troops,2024-11-04,us,exact,12000,,,https://example.com/b,,,,,
";

const NOTEBOOK: &str = "+++\ntitle = \"Preview test\"\n+++\n\n# {{ title }}\n\n\
                        The highest estimate is {{ high troops }}.\n\n\
                        ```rangefinder\nchart = \"ranges\"\nmetric = \"troops\"\n```\n";

/// A running preview, killed when dropped so no test leaves one behind.
struct Preview {
    child: Child,
    port: u16,
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `rangefinder preview ARGS` in the test's folder and waits (at
/// most 60 s) for the address it prints.
fn start(test: &Test, args: &[&str]) -> Preview {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rangefinder"))
        .arg("preview")
        .args(args)
        .current_dir(test.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start preview");
    let stdout = child.stdout.take().expect("stdout");
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = send.send(line);
    });
    let mut preview = Preview { child, port: 0 };
    let line = receive
        .recv_timeout(Duration::from_secs(60))
        .expect("preview printed no address within 60 s");
    let port = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    assert!(
        line.starts_with("Previewing reports/t/brief.md at http://127.0.0.1:"),
        "{line}"
    );
    preview.port = port;
    preview
}

/// GETs `path` from the preview: status line and body.
fn get(port: u16, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .expect("send request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read response");
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (
        head.lines().next().unwrap_or_default().to_string(),
        body.to_string(),
    )
}

/// Polls the page until it holds `wanted`, for at most `limit`; returns
/// the page and how long it took.
fn wait_for(port: u16, wanted: &str, limit: Duration) -> (String, Duration) {
    let start = Instant::now();
    loop {
        let (_, page) = get(port, "/");
        if page.contains(wanted) {
            return (page, start.elapsed());
        }
        assert!(
            start.elapsed() < limit,
            "no {wanted:?} in the page after {limit:?}:\n{page}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

// The whole life of a preview, each step bounded in time.
#[test]
fn preview_serves_rebuilds_and_reports_problems() {
    let test = Test::new()
        .file("data/metrics.csv", METRICS)
        .file("data/sources.csv", SOURCES)
        .file("data/claims.csv", CLAIMS)
        .file("reports/t/brief.md", NOTEBOOK);
    let before = test.snapshot();
    let preview = start(&test, &["reports/t", "--port", "0"]);
    let (status, page) = get(preview.port, "/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(page.contains("The highest estimate is 12,000."), "{page}");
    assert!(page.contains("<svg "), "the chart is inline");
    assert!(page.contains("fetch(\"/events?since="), "the reload script");

    // Only the page: no file of the project, whatever the path.
    for path in [
        "/brief.md",
        "/../data/claims.csv",
        "/ranges-troops.svg",
        "/%2e%2e/data",
    ] {
        assert_eq!(
            get(preview.port, path).0,
            "HTTP/1.1 404 Not Found",
            "{path}"
        );
    }

    // An edited claim: the new figure within 2 s. An editor's swap file
    // beside it changes nothing.
    std::fs::write(test.path().join("data/.claims.csv.swp"), "x").expect("swap file");
    std::fs::write(
        test.path().join("data/claims.csv"),
        CLAIMS.replace(",12000,", ",13500,"),
    )
    .expect("edit claims");
    let (_, took) = wait_for(
        preview.port,
        "The highest estimate is 13,500.",
        Duration::from_secs(2),
    );
    println!("the edited figure was served after {took:?}");

    // A broken notebook: its problem as check prints it, above the last
    // good build, which stays readable.
    std::fs::write(
        test.path().join("reports/t/brief.md"),
        NOTEBOOK.replace("{{ high troops }}", "{{ high nosuch }}"),
    )
    .expect("break notebook");
    let (page, _) = wait_for(
        preview.port,
        // As check prints it, HTML-escaped.
        "reports/t/brief.md:7: inline value `high`: unknown metric &quot;nosuch&quot; (known: troops)\n",
        Duration::from_secs(5),
    );
    assert!(page.contains("The last change does not build"));
    assert!(
        page.contains("The highest estimate is 13,500."),
        "the last good build"
    );

    // A second preview on the same port fails, naming it, at once.
    let port = preview.port.to_string();
    let second = Command::new(env!("CARGO_BIN_EXE_rangefinder"))
        .args(["preview", "reports/t", "--port", &port])
        .current_dir(test.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start second preview");
    let mut second = Preview {
        child: second,
        port: 0,
    };
    let start = Instant::now();
    let status = loop {
        if let Some(status) = second.child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the second preview kept running"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(1));
    let mut stderr = String::new();
    second
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    assert!(
        stderr.starts_with(&format!(
            "error: preview: cannot listen on 127.0.0.1 port {port}: "
        )),
        "{stderr}"
    );
    drop(preview);

    // Nothing written into the project: only the test's own edits.
    let after: Vec<_> = test.snapshot().into_iter().map(|(path, _)| path).collect();
    let mut expected: Vec<_> = before.into_iter().map(|(path, _)| path).collect();
    expected.push(test.path().join("data/.claims.csv.swp"));
    expected.sort();
    assert_eq!(after, expected);
}

// Without a report named, a project of several reports is a usage error
// that lists them.
#[test]
fn preview_needs_a_report_among_several() {
    let test = Test::new()
        .file("reports/a/brief.md", NOTEBOOK)
        .file("reports/b/brief.md", NOTEBOOK);
    let run = test.run_with(&["preview"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: preview shows one report: name it (one of a, b)\n"
    );
}
