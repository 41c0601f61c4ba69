//! `rangefinder build`: a notebook with every cell kind and inline value
//! against a golden README, notebook errors reported by line with nothing
//! written, `--check`, and removal of charts a notebook no longer draws.

use std::fs;

use crate::harness::{Run, Test, golden};

const METRICS: &str = "\
id,label,unit,tolerance,description
troops,Troops in <Kursk> | region,troops,0.1,
officers,Officers `in` *Russia*,officers,0.2,
russia,Troops in Russia,troops,,
";

const SOURCES: &str = "\
id,name,affiliation,kind,reliability,notes
ua,Ukraine | HUR <b>intel</b>,Ukraine,intelligence,B,
us,Pentagon [x](javascript:alert(1)),United States,military,A,
kr,NIS `spy` *agency* #1,South Korea,intelligence,C,
kp,KCNA \u{202e}statement,North Korea,government,,
anon,Unnamed_official ~maybe~,Unknown,anonymous,F,
";

const CLAIMS: &str = "\
id,metric,claimed,source,qualifier,value,low,high,document,outlet,published,origin,quote,notes
c1,troops,2024-10-15,ua,exact,10000,,,https://example.com/a?x=1&y=(2),Kyiv | Independent,,,10000 <b>troops</b>,
c2,troops,2024-10-21/2024-10-31,us,up_to,8000,,,Press briefing [x](javascript:alert(1)),,,,\"up to 8,000\",
c3,troops,2024-11-04,us,at_least,10000,,,https://www.defense.gov/brief,DoD,,,at least 10000,
c4,troops,2024-11~,kr,approx,11000,,,javascript:alert(1),Yonhap,,,about 11000,
c5,troops,2024-11-05,kp,exact,0,,,KCNA statement,KCNA,,,groundless rumours,
c6,troops,2024-11-06,anon,range,,9000,12000,http://news.example.org/x,,,,\"line one
line two | pipe\",
c7,troops,2024-10-15,ua,exact,10000,,,https://reuters.com/r,Reuters,2024-10-16,c1,10000 troops,
o1,officers,2024-10-24,ua,approx,500,,,https://example.com/o,,,,500 officers,
o2,officers,2024-11-04,us,range,,400,600,Briefing notes,,,,400 to 600,
r1,russia,2024-10-10,ua,exact,11000,,,https://example.com/r1,,,,11000,
r2,russia,2024-11-04,ua,approx,12000,,,https://example.com/r2,,,,about 12000,
r3,russia,2024-11-05,kp,exact,0,,,KCNA statement,,,,denied,
";

/// A notebook with every cell kind and every inline value.
const FULL: &str = r#"+++
title = "Fixture <briefing>"
since = "2024-10-20"
data = "../../data"
+++

# {{ title }}

As of {{ as_of }} (changes since {{ since }}), {{ label troops }} estimates
range from {{ low troops }} to {{ high troops }} ({{ range troops }}, median
{{ median troops }}); the consensus is {{ consensus troops }}, allowed by
{{ agreement troops }} claims from {{ sources troops }} sources and
{{ affiliations troops }} affiliations. Text stays | as *written*.

```rangefinder
chart = "timeline"
metric = "troops"
caption = "Every claim, by the date it was made"
```

```rangefinder
chart = "ranges"
metric = "troops"
```

```rangefinder
chart = "agreement"
metric = "russia"
name = "russia-matrix"
caption = "Gaps between sources"
```

```rangefinder
table = "ranges"
metrics = ["troops", "officers", "russia"]
caption = "Ranges"
```

```rangefinder
table = "claims"
metric = "troops"
```

```rangefinder
table = "claims"
metrics = ["officers", "russia"]
```

```rangefinder
table = "changes"
metrics = ["troops", "russia"]
```

```rangefinder
table = "agreement"
metric = "troops"
```

```rangefinder
table = "sources"
caption = "Every claim cited"
```
"#;

/// Fixture data plus one notebook at `reports/t/brief.md`.
fn fixture(notebook: &str) -> Test {
    Test::new()
        .file("data/metrics.csv", METRICS)
        .file("data/sources.csv", SOURCES)
        .file("data/claims.csv", CLAIMS)
        .file("reports/t/brief.md", notebook)
}

/// Runs the binary in the test's folder with `args` (a fresh argument list,
/// so one folder can see several runs).
fn rf(test: &Test, args: &[&str]) -> Run {
    test.run_with(args)
}

/// The names of the files in a report folder, sorted.
fn listing(test: &Test, dir: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(test.path().join(dir))
        .expect("list report folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// Every cell kind and inline value renders as the reviewed golden README,
// and each chart cell writes its SVG under the expected name.
#[test]
fn full_notebook_matches_golden() {
    let test = fixture(FULL);
    rf(&test, &["build"])
        .code(0)
        .stdout("reports/t: written\n")
        .stderr("");
    golden("build/full/README.md", &test.read("reports/t/README.md"));
    assert_eq!(
        listing(&test, "reports/t"),
        [
            "README.md",
            "brief.md",
            "ranges-troops.svg",
            "russia-matrix.svg",
            "timeline-troops.svg"
        ]
    );
    for svg in [
        "ranges-troops.svg",
        "russia-matrix.svg",
        "timeline-troops.svg",
    ] {
        let text = String::from_utf8(test.read(&format!("reports/t/{svg}"))).expect("utf-8");
        assert!(
            text.starts_with("<svg") || text.starts_with("<?xml"),
            "{svg}"
        );
        assert!(text.trim_end().ends_with("</svg>"), "{svg}");
    }
    // Hostile CSV text never reaches the report as live Markdown or HTML.
    let readme = String::from_utf8(test.read("reports/t/README.md")).expect("utf-8");
    assert!(!readme.contains("<b>"));
    assert!(!readme.contains("[x](javascript:"));
    assert!(!readme.contains('\u{202e}'));
    // The same inputs give the same bytes.
    let first = test.read("reports/t/README.md");
    rf(&test, &["build", "reports/t/brief.md"]).code(0);
    assert_eq!(test.read("reports/t/README.md"), first);
}

/// A notebook with one problem on each of several known lines.
const BROKEN: &str = r#"+++
title = "Broken"
colour = "red"
+++

Low is {{ lowest troops }}.
High is {{ high nosuch }}.
Since {{ since }}.
Open {{ as_of

```rangefinder
chart = "pie"
metric = "troops"
```

```rangefinder
table = "changes"
metric = "nosuch"
```

```rangefinder
table = "ranges"
metrics = ["troops",
  "bogus"]
```

```rangefinder
chart = "timeline"
metric = "troops"
```

```rangefinder
chart = "timeline"
metric = "troops"
```

```rangefinder
table = "ranges"
metric = = "x"
```

```rangefinder
table = "sources"
"#;

// Every notebook problem is reported in one run, by line, and the report
// already on disk is left byte for byte as it was.
#[test]
fn notebook_errors_by_line_and_nothing_written() {
    let test = fixture(FULL);
    rf(&test, &["build"]).code(0);
    let before: Vec<(String, Vec<u8>)> = listing(&test, "reports/t")
        .into_iter()
        .map(|n| {
            let bytes = test.read(&format!("reports/t/{n}"));
            (n, bytes)
        })
        .collect();
    fs::write(test.path().join("reports/t/brief.md"), BROKEN).expect("write notebook");
    let f = "reports/t/brief.md";
    let expected = [
        format!("{f}:3: front matter: unknown key \"colour\" (expected title, as_of, since, data)"),
        format!(
            "{f}:6: inline value `{{{{ lowest troops }}}}`: unknown key \"lowest\" (expected \
             as_of, since, title, low, high, median, range, consensus, sources, affiliations, \
             agreement, label)"
        ),
        format!(
            "{f}:7: inline value `high`: unknown metric \"nosuch\" (known: troops, officers, \
             russia)"
        ),
        format!("{f}:8: inline value `since`: the front matter has no `since`"),
        format!("{f}:9: inline value: `{{{{` is never closed by `}}}}` on the same line"),
        format!("{f}:12: cell: chart: unknown kind \"pie\" (expected timeline, ranges, agreement)"),
        format!("{f}:17: cell: a changes table needs `since` in the front matter"),
        format!(
            "{f}:18: cell: metric: unknown metric \"nosuch\" (known: troops, officers, russia)"
        ),
        format!("{f}:24: cell: metric: unknown metric \"bogus\" (known: troops, officers, russia)"),
        format!(
            "{f}:32: cell: chart file \"timeline-troops.svg\" is also written by the cell on \
             line 27 (give one of them a `name`)"
        ),
        format!("{f}:39: cell: invalid TOML: extra `=`, expected nothing"),
        format!(
            "{f}:42: cell: this `rangefinder` cell is never closed (expected a line of backticks)"
        ),
    ];
    let run = rf(&test, &["build"]).code(1);
    assert_eq!(run.stderr, expected.join("\n") + "\n");
    let mut after = Vec::new();
    for (name, _) in &before {
        after.push((name.clone(), test.read(&format!("reports/t/{name}"))));
    }
    let before: Vec<_> = before
        .into_iter()
        .filter(|(n, _)| n != "brief.md")
        .collect();
    let after: Vec<_> = after.into_iter().filter(|(n, _)| n != "brief.md").collect();
    assert!(before == after, "a failed build changed the report");
    assert_eq!(listing(&test, "reports/t").len(), before.len() + 1);
}

// --check passes when the report is current, fails naming the files when a
// CSV changed, and writes nothing either way.
#[test]
fn check_detects_changed_data() {
    let test = fixture(FULL);
    rf(&test, &["build"]).code(0);
    rf(&test, &["build", "--check"])
        .code(0)
        .stdout("reports/t: unchanged\n")
        .stderr("");
    let readme = test.read("reports/t/README.md");
    let changed = CLAIMS
        .replace(
            "c1,troops,2024-10-15,ua,exact,10000",
            "c1,troops,2024-10-15,ua,exact,10500",
        )
        .replace(
            "c7,troops,2024-10-15,ua,exact,10000",
            "c7,troops,2024-10-15,ua,exact,10500",
        );
    fs::write(test.path().join("data/claims.csv"), changed).expect("write claims");
    let run = rf(&test, &["build", "--check"]).code(1);
    assert!(
        run.stderr
            .lines()
            .any(|l| l == "reports/t/README.md: differs from what build would write"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .lines()
            .all(|l| l.starts_with("reports/t/")
                && l.ends_with(": differs from what build would write")),
        "{}",
        run.stderr
    );
    assert_eq!(
        test.read("reports/t/README.md"),
        readme,
        "--check wrote a file"
    );
    rf(&test, &["build"]).code(0);
    rf(&test, &["build", "--check"]).code(0);
}

// A chart whose cell was removed is named by --check and removed by build;
// the notebook and other files in the folder stay.
#[test]
fn stale_chart_is_removed() {
    let test = fixture(FULL).file("reports/t/notes.txt", "keep me");
    rf(&test, &["build"]).code(0);
    let without = FULL.replace(
        "```rangefinder\nchart = \"ranges\"\nmetric = \"troops\"\n```\n",
        "",
    );
    assert_ne!(without, FULL);
    fs::write(test.path().join("reports/t/brief.md"), without).expect("write notebook");
    rf(&test, &["build", "--check"]).code(1).stderr(
        "reports/t/README.md: differs from what build would write\n\
         reports/t/ranges-troops.svg: no longer produced (build would remove it)\n",
    );
    rf(&test, &["build"]).code(0);
    assert_eq!(
        listing(&test, "reports/t"),
        [
            "README.md",
            "brief.md",
            "notes.txt",
            "russia-matrix.svg",
            "timeline-troops.svg"
        ]
    );
}
