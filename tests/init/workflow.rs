//! Issue 25: the CI workflows `init` writes, parsed as YAML. Every action
//! is pinned by a full commit hash; checkout keeps no credentials; every
//! job says its permissions; the job that runs the pull request's files
//! (`rangefinder`, `cargo`) holds no write permission, and the job that may
//! write to pull requests checks out and runs nothing of the pull request,
//! finds its earlier comment by author as well as by marker, and takes the
//! artifact's pull-request number only as digits.

use serde_norway::Value;

use crate::harness::Test;

/// The two workflows init writes, parsed: (checks, comment poster).
fn workflows() -> (Value, Value) {
    let test = Test::new();
    test.run_with(&["init"]).code(0);
    let parse = |name: &str| {
        let text =
            String::from_utf8(test.read(&format!(".github/workflows/{name}"))).expect("UTF-8");
        serde_norway::from_str::<Value>(&text).expect("valid YAML")
    };
    (parse("rangefinder.yml"), parse("rangefinder-comment.yml"))
}

/// Every step of every job, with the job's name.
fn steps(workflow: &Value) -> Vec<(String, &Value)> {
    let jobs = workflow["jobs"].as_mapping().expect("jobs");
    jobs.iter()
        .flat_map(|(name, job)| {
            let name = name.as_str().unwrap_or_default().to_owned();
            job["steps"]
                .as_sequence()
                .into_iter()
                .flatten()
                .map(move |step| (name.clone(), step))
        })
        .collect()
}

/// The first word of every command in a shell script: at each line's
/// start and after `;`, `|`, `&&`, `$(`, `then`, `else`, `do`.
fn commands(script: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in script.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        for part in line.split([';', '|', '&']).flat_map(|p| p.split("$(")) {
            let mut words = part.split_whitespace();
            let mut first = words.next();
            while let Some("then" | "else" | "do" | "if" | "!" | "(") = first {
                first = words.next();
            }
            if let Some(word) = first {
                out.push(word);
            }
        }
    }
    out
}

/// The permissions a job grants that are `write`.
fn writes(job: &Value) -> Vec<String> {
    job["permissions"]
        .as_mapping()
        .expect("the job names its permissions")
        .iter()
        .filter(|(_, level)| level.as_str() == Some("write"))
        .map(|(scope, _)| scope.as_str().unwrap_or_default().to_owned())
        .collect()
}

// Every `uses:` is an action pinned by a 40-hex commit (a tag can be moved);
// every checkout sets `persist-credentials: false`; both files default to
// `contents: read` and every job names its own permissions.
#[test]
fn actions_are_pinned_and_permissions_are_per_job() {
    let (checks, poster) = workflows();
    let mut pinned = 0;
    for workflow in [&checks, &poster] {
        assert_eq!(
            workflow["permissions"],
            serde_norway::from_str::<Value>("contents: read").expect("yaml")
        );
        for (_, job) in workflow["jobs"].as_mapping().expect("jobs") {
            assert!(job["permissions"].is_mapping(), "a job without permissions");
        }
        for (job, step) in steps(workflow) {
            let Some(uses) = step["uses"].as_str() else {
                continue;
            };
            let (action, commit) = uses.split_once('@').expect("action@ref");
            assert!(
                commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()),
                "{job}: {uses} is not pinned by a commit"
            );
            if action == "actions/checkout" {
                assert_eq!(
                    step["with"]["persist-credentials"],
                    Value::Bool(false),
                    "{job}: checkout keeps credentials"
                );
            }
            pinned += 1;
        }
    }
    assert_eq!(
        pinned, 4,
        "checkout, cache, upload-artifact, download-artifact"
    );
}

// The job that checks out and runs the pull request's files writes
// nothing; it only uploads the comment. The job that may write to pull
// requests runs on `workflow_run`, checks out nothing and runs neither
// rangefinder nor cargo; it validates the pull-request number as digits
// and picks its earlier comment by author and marker.
#[test]
fn the_privileged_job_runs_nothing_of_the_pull_request() {
    let (checks, poster) = workflows();
    assert!(checks["on"]["pull_request"].is_null() || checks["on"]["pull_request"].is_mapping());
    for (name, job) in checks["jobs"].as_mapping().expect("jobs") {
        assert_eq!(writes(job), Vec::<String>::new(), "{name:?} may write");
    }
    let uploads = steps(&checks)
        .iter()
        .filter(|(_, s)| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact@"))
        })
        .count();
    assert_eq!(uploads, 1, "the comment is uploaded as an artifact");

    assert!(
        poster["on"]["workflow_run"].is_mapping(),
        "posted from workflow_run"
    );
    assert!(poster["on"]["pull_request_target"].is_null());
    assert!(poster["on"]["pull_request"].is_null());
    let mut privileged = 0;
    for (name, job) in poster["jobs"].as_mapping().expect("jobs") {
        assert_eq!(writes(job), ["pull-requests"], "{name:?}");
        privileged += 1;
    }
    assert_eq!(privileged, 1);
    // (The command finder sees commands wherever a script can start one.)
    assert_eq!(
        commands("a; rangefinder x | cargo y\nif git z; then sh w; fi # c\nx=$(eval q)"),
        ["a", "rangefinder", "cargo", "git", "sh", "fi", "x=", "eval"]
    );
    let mut script = String::new();
    for (job, step) in steps(&poster) {
        if let Some(uses) = step["uses"].as_str() {
            assert!(
                uses.starts_with("actions/download-artifact@"),
                "{job}: {uses} in the privileged job"
            );
        }
        let run = step["run"].as_str().unwrap_or_default();
        for command in commands(run) {
            assert!(
                ![
                    "rangefinder",
                    "cargo",
                    "git",
                    "sh",
                    "bash",
                    "source",
                    ".",
                    "eval"
                ]
                .contains(&command),
                "{job} runs {command}: {run}"
            );
        }
        script.push_str(run);
    }
    assert!(
        script.contains("*[!0-9]*"),
        "the PR number is checked as digits"
    );
    assert!(
        script.contains(r#".user.login == "github-actions[bot]""#)
            && script.contains("startswith(\"<!-- rangefinder-diff -->\")"),
        "the earlier comment is found by author and marker"
    );
}

// rangefinder is installed from a full commit, and cached under it.
#[test]
fn rangefinder_is_pinned_to_a_commit() {
    let (checks, _) = workflows();
    let install: Vec<&str> = steps(&checks)
        .iter()
        .filter_map(|(_, s)| s["run"].as_str())
        .filter(|run| run.contains("cargo install"))
        .collect();
    assert_eq!(install.len(), 1);
    assert!(
        install[0].contains("--rev \"$RANGEFINDER_COMMIT\""),
        "{}",
        install[0]
    );
    assert!(!install[0].contains("--branch"), "{}", install[0]);
    let cache = steps(&checks)
        .into_iter()
        .find(|(_, s)| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .expect("a cache step");
    let key = cache.1["with"]["key"].as_str().expect("a key");
    assert!(key.contains("${{ env.RANGEFINDER_COMMIT }}"), "{key}");
}
