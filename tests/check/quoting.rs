//! `rangefinder check` on malformed quoting and CR-only line ends (issue
//! 13): a quoted cell that never closes or has text after its closing quote
//! is one error at the line where the cell starts, never rows silently
//! merged; every CR alone ends a physical line.

use super::{HEADER, METRICS, SOURCES, claims, data, fails_with};

/// What every quoting message ends with.
const INSIDE: &str = "write a quote inside a quoted cell as \"\")";

// PapaParse's must-fail case: a quoted cell that never closes took in the
// rows after it, with exit 0.
#[test]
fn quote_never_closes() {
    fails_with(
        &["a,\"b,c", "d,e,f"],
        &format!(
            "d/claims.csv:4: metric: quoted cell never closes: it runs to the end of the file \
             (line 5), taking in the 1 line after this one (close the quote where the cell \
             ends; {INSIDE}\n"
        ),
    );
}

// PapaParse's must-fail case: text after a closing quote.
#[test]
fn text_after_closing_quote() {
    fails_with(
        &["a,\"b\"c,d"],
        &format!(
            "d/claims.csv:4: metric: text after the closing quote of a quoted cell (quote the \
             whole cell and {INSIDE}\n"
        ),
    );
}

// PapaParse's must-fail case: a quoted cell closed on a later line, then
// text: reported where the cell starts, naming where it was closed.
#[test]
fn closed_on_a_later_line_then_text() {
    fails_with(
        &["a,\"b,c", "d\"e,f,g"],
        &format!(
            "d/claims.csv:4: metric: quoted cell runs on to line 5, where text follows its \
             closing quote (close the quote on this line if the cell ends here; {INSIDE}\n"
        ),
    );
}

// An unclosed quote in the last column that takes in the 39 rows after it
// is one error naming the line where the quote opened.
#[test]
fn unclosed_last_cell_takes_in_39_rows() {
    let mut rows = vec!["c3,kp_kursk,2024-11-06,ua_hur,exact,5,,,doc,,,\"unclosed".to_owned()];
    rows.extend((4..43).map(|i| format!("c{i},kp_kursk,2024-11-06,ua_hur,exact,5,,,doc,,,q")));
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    fails_with(
        &rows,
        &format!(
            "d/claims.csv:4: quote: quoted cell never closes: it runs to the end of the file \
             (line 43), taking in the 39 lines after this one (close the quote where the cell \
             ends; {INSIDE}\n"
        ),
    );
}

// A header with an unclosed quote is that one error, not a header made of
// the whole file.
#[test]
fn unclosed_quote_in_header() {
    data(
        &claims(&[]),
        SOURCES,
        "\"id,label,unit\nkp_kursk,Troops,troops\n",
    )
    .run()
    .code(1)
    .stderr(&format!(
        "d/metrics.csv:1: quoted cell never closes: it runs to the end of the file (line \
             2), taking in the 1 line after this one (close the quote where the cell ends; \
             {INSIDE}\n"
    ));
}

// A file whose lines all end with a CR alone (old Mac) numbers its lines,
// also after a quoted cell with a CR inside.
#[test]
fn cr_only_line_ends() {
    let text = claims(&[
        "c3,kp_kursk,2024-11-06,ua_hur,exact,5,,,doc,,,\"two\nlines\"",
        "c4,kp_kursk,2024-11-06,ua_hur,about,5,,,doc,,,q",
    ])
    .replace('\n', "\r");
    assert!(text.starts_with(HEADER) && !text.contains('\n'));
    data(
        &text,
        &SOURCES.replace('\n', "\r"),
        &METRICS.replace('\n', "\r"),
    )
    .run()
    .code(1)
    .stderr(
        "d/claims.csv:6: qualifier: unknown value \"about\" (expected exact, approx, \
             at_least, up_to, range)\n",
    );
}
