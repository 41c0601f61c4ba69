//! Every shipped report's `index.html` in a real browser (issue 24):
//! headless Chromium loads it, and the test checks that the headline
//! figures of its README are in the DOM, that every chart is drawn (its box
//! in the page holds the chart's marks, pixel for pixel as Chromium draws
//! the chart's own SVG file), that the page asks the network for nothing
//! and that the browser logs no console message (a blocked load is one).
//!
//! Skipped, saying why, when no Chromium is installed; under CI (`CI` set)
//! a missing Chromium fails instead: `.ci/run` installs Debian's package.
//! Screenshots are kept in `$CARGO_TARGET_TMPDIR/browser/` to look at.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::repo;

/// The browser binary: `$CHROMIUM`, else the first of the usual names on
/// the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let paths = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&paths) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// What one browser run left: its stdout (the DOM with --dump-dom) and
/// its log.
struct Outcome {
    stdout: String,
    log: String,
}

/// Runs headless Chromium on `url` with `args`, in a profile of its own
/// under `work`, with every host name unresolvable (nothing could be
/// fetched even if asked for) and the console logged to stderr. Killed
/// after a minute.
fn browse(browser: &Path, work: &Path, url: &str, args: &[String]) -> Outcome {
    let profile = tempfile::tempdir_in(work).expect("profile folder");
    let (out, err) = (work.join("stdout"), work.join("stderr"));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--disable-background-networking",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out).expect("stdout file"))
        .stderr(fs::File::create(&err).expect("stderr file"))
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait for chromium").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish {url} within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Outcome {
        stdout: fs::read_to_string(out).unwrap_or_default(),
        log: fs::read_to_string(err).unwrap_or_default(),
    }
}

/// A screenshot's pixels as RGB.
struct Image {
    width: usize,
    height: usize,
    rgb: Vec<[u8; 3]>,
}

impl Image {
    /// Decodes a PNG screenshot.
    fn read(path: &Path) -> Image {
        let file = fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut reader = png::Decoder::new(std::io::BufReader::new(file))
            .read_info()
            .expect("a PNG screenshot");
        let mut buffer = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buffer).expect("PNG frame");
        let (width, height) = (info.width as usize, info.height as usize);
        let step = info.line_size / width;
        assert!(
            step >= 3 && info.bit_depth == png::BitDepth::Eight,
            "{info:?}"
        );
        let rgb = (0..height)
            .flat_map(|y| (0..width).map(move |x| (y, x)))
            .map(|(y, x)| {
                let at = y * info.line_size + x * step;
                [buffer[at], buffer[at + 1], buffer[at + 2]]
            })
            .collect();
        Image { width, height, rgb }
    }

    /// The pixel at (x, y).
    fn at(&self, x: usize, y: usize) -> [u8; 3] {
        self.rgb[y * self.width + x]
    }

    /// The share of the box's pixels that are not (near) white, and how
    /// many distinct colours it holds.
    fn ink(&self, top: usize, width: usize, height: usize) -> (f64, usize) {
        let mut inked = 0;
        let mut colours = std::collections::BTreeSet::new();
        for y in top..top + height {
            for x in 0..width {
                let p = self.at(x, y);
                if p.iter().any(|&c| c < 235) {
                    inked += 1;
                }
                colours.insert(p);
            }
        }
        (inked as f64 / (width * height) as f64, colours.len())
    }
}

/// A chart in a page: its size in CSS pixels, from its root's attributes.
fn chart_sizes(page: &str) -> Vec<(usize, usize)> {
    let attribute = |tag: &str, name: &str| -> usize {
        let start = tag.find(&format!(" {name}=\"")).expect("svg size") + name.len() + 3;
        tag[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .parse()
            .expect("a number")
    };
    page.split("<svg ")
        .skip(1)
        .map(|rest| {
            let tag = rest.split('>').next().unwrap_or_default();
            (attribute(tag, "width"), attribute(tag, "height"))
        })
        .collect()
}

/// The chart files of a report, in the order its page draws them.
fn chart_files(readme: &str) -> Vec<String> {
    readme
        .lines()
        .filter_map(|line| line.strip_prefix("!["))
        .filter_map(|rest| rest.rsplit_once("]("))
        .filter_map(|(_, file)| file.strip_suffix(')'))
        .filter(|file| file.ends_with(".svg"))
        .map(str::to_string)
        .collect()
}

/// The figures of a report's headline: every number in the section after
/// its first `## ` heading (its first paragraph when it has none).
fn headline_numbers(readme: &str) -> Vec<String> {
    let body: Vec<&str> = readme.lines().collect();
    let section: Vec<&str> = match body.iter().position(|l| l.starts_with("## ")) {
        Some(start) => body[start + 1..]
            .iter()
            .take_while(|l| !l.starts_with('#'))
            .copied()
            .collect(),
        None => body
            .iter()
            .skip_while(|l| !l.starts_with("# "))
            .skip(2)
            .take_while(|l| !l.is_empty())
            .copied()
            .collect(),
    };
    let text = section.join("\n");
    let mut numbers: Vec<String> = text
        .split(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .map(|t| t.trim_matches(|c| c == ',' || c == '.'))
        .filter(|t| t.starts_with(|c: char| c.is_ascii_digit()))
        .map(str::to_string)
        .collect();
    numbers.sort();
    numbers.dedup();
    numbers
}

/// The text of a DOM: charts and tags removed (a chart's glyph outlines
/// are full of numbers).
fn dom_text(dom: &str) -> String {
    let mut text = String::new();
    let mut rest = dom;
    while let Some(start) = rest.find("<svg") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .split_once("</svg>")
            .map_or("", |(_, after)| after);
    }
    text.push_str(rest);
    let mut out = String::new();
    for piece in text.split('<') {
        out.push_str(piece.split_once('>').map_or(piece, |(_, t)| t));
        out.push(' ');
    }
    out
}

/// Requests the page itself made (the browser's own background traffic
/// has no page as initiator), from a Chromium net log.
fn page_requests(net_log: &Path) -> Vec<String> {
    let text = fs::read_to_string(net_log).expect("net log");
    let log: serde_json::Value = serde_json::from_str(&text).expect("net log JSON");
    let mut urls = Vec::new();
    for event in log["events"].as_array().into_iter().flatten() {
        let params = &event["params"];
        if let (Some(url), Some(initiator)) = (params["url"].as_str(), params["initiator"].as_str())
            && initiator != "not an origin"
        {
            urls.push(url.to_string());
        }
    }
    urls.sort();
    urls.dedup();
    urls
}

/// Console messages and failed loads in a browser log.
fn console_errors(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| {
            l.contains(":CONSOLE") || l.contains("net::ERR_") || l.contains("Failed to load")
        })
        .collect()
}

/// The page with its policy removed and a stylesheet that shows only the
/// charts, stacked at the left edge: each chart's box is then known from
/// the charts' sizes. Without the policy, anything the markup would load
/// is asked for, and shows in the net log.
fn charts_only(page: &str) -> String {
    let policy = page
        .find("<meta http-equiv=\"Content-Security-Policy\"")
        .expect("policy");
    let end = policy + page[policy..].find('>').expect("end of meta") + 1;
    let page = format!("{}{}", &page[..policy], &page[end..]);
    page.replacen(
        "</head>",
        "<style>body { margin: 0 !important; padding: 0 !important; max-width: none !important } \
         main > :not(figure), details { display: none !important } \
         figure { margin: 0 !important } svg { display: block }</style>\n</head>",
        1,
    )
}

// Every shipped report's index.html in headless Chromium.
#[test]
fn reports_in_a_real_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "no chromium under CI: .ci/run installs it (apt-get install chromium)"
        );
        println!("skipped: no chromium on the PATH (apt-get install chromium; or set CHROMIUM)");
        return;
    };
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    fs::create_dir_all(&shots).expect("screenshot folder");
    let work = tempfile::tempdir().expect("work folder");
    // The net-log check must see a request when there is one.
    let bad = work.path().join("bad.html");
    fs::write(
        &bad,
        "<!DOCTYPE html><img src=\"http://example.com/x.png\">",
    )
    .expect("bad page");
    let log = work.path().join("bad.json");
    browse(
        &browser,
        work.path(),
        &format!("file://{}", bad.display()),
        &[
            format!("--log-net-log={}", log.display()),
            "--dump-dom".into(),
        ],
    );
    assert_eq!(page_requests(&log), ["http://example.com/x.png"]);

    let mut pages = 0;
    let mut reports: Vec<PathBuf> = fs::read_dir(repo().join("reports"))
        .expect("reports")
        .map(|e| e.expect("entry").path())
        .filter(|dir| dir.join("index.html").is_file())
        .collect();
    reports.sort();
    for dir in reports {
        pages += 1;
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let page = fs::read_to_string(dir.join("index.html")).expect("index.html");
        let readme = fs::read_to_string(dir.join("README.md")).expect("README.md");
        let url = format!("file://{}", dir.join("index.html").display());

        // The DOM holds the headline figures; the console stays silent.
        let loaded = browse(&browser, work.path(), &url, &["--dump-dom".into()]);
        assert!(
            loaded.stdout.contains("</main>"),
            "{name}: no DOM\n{}",
            loaded.log
        );
        let text = dom_text(&loaded.stdout);
        let numbers = headline_numbers(&readme);
        assert!(numbers.len() >= 3, "{name}: headline numbers {numbers:?}");
        for number in &numbers {
            assert!(
                text.contains(number.as_str()),
                "{name}: {number} is not in the DOM"
            );
        }
        assert_eq!(console_errors(&loaded.log), Vec::<&str>::new(), "{name}");

        // The whole page, to look at.
        let shot = shots.join(format!("{name}.png"));
        browse(
            &browser,
            work.path(),
            &url,
            &[
                format!("--screenshot={}", shot.display()),
                "--window-size=1200,4000".into(),
            ],
        );
        let image = Image::read(&shot);
        let (ink, colours) = image.ink(0, image.width, image.height);
        assert!(ink > 0.02 && colours > 20, "{name}: the page looks blank");

        // Every chart's box, in the page's own markup without its policy;
        // and the chart files as Chromium draws them, stacked alike.
        let sizes = chart_sizes(&page);
        let files = chart_files(&readme);
        assert_eq!(
            sizes.len(),
            files.len(),
            "{name}: charts in the page and the README"
        );
        let width = sizes.iter().map(|s| s.0).max().unwrap_or(1);
        let height: usize = sizes.iter().map(|s| s.1).sum();
        let window = format!("--window-size={width},{height}");
        let inline = work.path().join(format!("{name}-charts.html"));
        fs::write(&inline, charts_only(&page)).expect("charts page");
        let net_log = work.path().join(format!("{name}.json"));
        let inline_shot = shots.join(format!("{name}-charts.png"));
        browse(
            &browser,
            work.path(),
            &format!("file://{}", inline.display()),
            &[
                format!("--screenshot={}", inline_shot.display()),
                window.clone(),
                format!("--log-net-log={}", net_log.display()),
            ],
        );
        assert_eq!(
            page_requests(&net_log),
            Vec::<String>::new(),
            "{name}: requests"
        );
        let images: String = files
            .iter()
            .map(|f| {
                format!(
                    "<img src=\"{}\" style=\"display:block\">",
                    dir.join(f).display()
                )
            })
            .collect();
        let reference = work.path().join(format!("{name}-files.html"));
        fs::write(
            &reference,
            format!("<!DOCTYPE html><body style=\"margin:0\">{images}"),
        )
        .expect("files page");
        let reference_shot = shots.join(format!("{name}-files.png"));
        browse(
            &browser,
            work.path(),
            &format!("file://{}", reference.display()),
            &[format!("--screenshot={}", reference_shot.display()), window],
        );
        let (drawn, expected) = (Image::read(&inline_shot), Image::read(&reference_shot));
        let mut top = 0;
        for ((w, h), file) in sizes.iter().zip(&files) {
            let (ink, colours) = drawn.ink(top, *w, *h);
            assert!(
                ink > 0.01 && colours > 8,
                "{name}: {file} is not drawn ({ink}, {colours})"
            );
            let mut differ = 0;
            for y in top..top + h {
                for x in 0..*w {
                    let (a, b) = (drawn.at(x, y), expected.at(x, y));
                    if a.iter().zip(b).any(|(a, b)| a.abs_diff(b) > 48) {
                        differ += 1;
                    }
                }
            }
            let share = differ as f64 / (w * h) as f64;
            assert!(
                share < 0.001,
                "{name}: {file} inline differs from the file in {share:.4} of its pixels"
            );
            println!("{name}: {file}: ink {ink:.3}, {colours} colours, {share:.5} differ");
            top += h;
        }
    }
    assert!(pages >= 1, "no shipped report has an index.html");
    println!("screenshots in {}", shots.display());
}
