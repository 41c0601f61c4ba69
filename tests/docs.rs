//! The documentation a newcomer reads holds up: every claim's document
//! opens for a reader, nothing points outside the repository, and the CI
//! file shown in docs/ is the one `init` writes.

use std::fs;
use std::path::Path;

use crate::harness::repo;

// Every `document` in the shipped claims.csv is a web URL or a file in the
// repository.
#[test]
fn every_document_resolves() {
    let mut reader = csv::Reader::from_path(repo().join("data/claims.csv")).expect("claims.csv");
    let headers = reader.headers().expect("header").clone();
    let column = headers
        .iter()
        .position(|h| h == "document")
        .expect("document column");
    for record in reader.records() {
        let record = record.expect("row");
        let document = &record[column];
        let url = document.starts_with("https://") || document.starts_with("http://");
        assert!(
            url || repo().join(document).is_file(),
            "{}: document {document:?} is neither a URL nor a file in the repository",
            &record[0]
        );
    }
}

// Every event in the shipped events.csv has a document, a web URL.
#[test]
fn every_event_documented() {
    let mut reader = csv::Reader::from_path(repo().join("data/events.csv")).expect("events.csv");
    let headers = reader.headers().expect("header").clone();
    let column = |name: &str| headers.iter().position(|h| h == name).expect("column");
    let (id, document) = (column("id"), column("document"));
    let mut events = 0;
    for record in reader.records() {
        let record = record.expect("row");
        let url = &record[document];
        assert!(
            url.starts_with("https://") || url.starts_with("http://"),
            "{}: document {url:?} is not a web URL",
            &record[id]
        );
        events += 1;
    }
    assert!(events >= 3, "{events} events");
}

/// Every file under `dir`, recursively.
fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).expect("read folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

// README, docs/ and src/ never point at ../shared, which users of the
// repository do not have.
#[test]
fn nothing_points_outside_the_repository() {
    let mut paths = vec![repo().join("README.md")];
    files(&repo().join("docs"), &mut paths);
    files(&repo().join("src"), &mut paths);
    for path in paths {
        let text = fs::read_to_string(&path).unwrap_or_default();
        assert!(
            !text.contains("../shared")
                && !text.contains("shared/seeds")
                && !text.contains("DESIGN.md"),
            "{} points outside the repository",
            path.display()
        );
    }
}

// The workflows shown in docs/workflow.md are the files init writes, in
// order.
#[test]
fn documented_workflow_is_the_template() {
    let doc = fs::read_to_string(repo().join("docs/workflow.md")).expect("workflow.md");
    let mut blocks = Vec::new();
    let mut rest = doc.as_str();
    while let Some(at) = rest.find("```yaml\n") {
        let start = at + "```yaml\n".len();
        let end = start + rest[start..].find("```\n").expect("end of yaml block");
        blocks.push(&rest[start..end]);
        rest = &rest[end..];
    }
    let templates: Vec<String> = ["rangefinder.yml", "rangefinder-comment.yml"]
        .iter()
        .map(|name| fs::read_to_string(repo().join("assets/init").join(name)).expect("template"))
        .collect();
    assert_eq!(blocks, templates);
}
