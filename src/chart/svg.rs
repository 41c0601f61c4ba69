//! The finishing pass over plotters' SVG text: an accessible `<title>` and
//! `<desc>` with `role="img"`, every number in an attribute rounded to two
//! decimals (plotters writes font sizes like `11.290322580645162`), and a
//! guard that no chart exceeds [`MAX_BYTES`].

use crate::error::{Error, Result};

/// No chart is larger than this; charts aggregate to stay under.
pub const MAX_BYTES: usize = 1_000_000;

/// The root element plotters opens, up to the end of its start tag.
const ROOT_END: &str = "xmlns=\"http://www.w3.org/2000/svg\">\n";

/// Adds title, description and role, rounds attribute numbers, and checks
/// the size.
pub fn finish(plotters_svg: &str, title: &str, desc: &str) -> Result<String> {
    let rounded = round_attributes(plotters_svg);
    let Some(at) = rounded.find(ROOT_END) else {
        return Err(Error::Other(anyhow::anyhow!(
            "drawing chart: plotters wrote no <svg> root element"
        )));
    };
    let (head, body) = rounded.split_at(at + ROOT_END.len() - 2);
    let body = &body[2..];
    let mut out = String::with_capacity(rounded.len() + title.len() + desc.len() + 64);
    out.push_str(head);
    out.push_str(" role=\"img\">\n<title>");
    out.push_str(&escape(title));
    out.push_str("</title>\n<desc>");
    out.push_str(&escape(desc));
    out.push_str("</desc>\n");
    out.push_str(body);
    if out.len() > MAX_BYTES {
        return Err(Error::Other(anyhow::anyhow!(
            "drawing chart: the SVG would be {} bytes, over the {MAX_BYTES}-byte limit",
            out.len()
        )));
    }
    Ok(out)
}

/// XML-escapes text content, dropping characters XML cannot hold.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Rounds every decimal number inside a quoted attribute value to at most
/// two decimals (trailing zeros dropped); text content is left alone.
/// plotters escapes `<` and quotes in text, so tags and quotes are found by
/// plain scanning.
fn round_attributes(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let (mut in_tag, mut in_value) = (false, false);
    // A run of digits and points, and whether it began after a non-word
    // character (so `w3.org` in a URL is not a number).
    let mut number = String::new();
    let mut clean_start = false;
    let mut previous = ' ';
    for c in svg.chars() {
        if in_value && (c.is_ascii_digit() || c == '.') {
            if number.is_empty() {
                clean_start = !previous.is_alphanumeric();
            }
            number.push(c);
            previous = c;
            continue;
        }
        flush(&mut number, clean_start && !c.is_alphanumeric(), &mut out);
        match c {
            '<' if !in_tag => in_tag = true,
            '>' if in_tag && !in_value => in_tag = false,
            '"' if in_tag => in_value = !in_value,
            _ => {}
        }
        out.push(c);
        previous = c;
    }
    flush(&mut number, clean_start, &mut out);
    out
}

/// Writes a pending run; rounded when it stands alone and reads as
/// `digits.digits`.
fn flush(number: &mut String, alone: bool, out: &mut String) {
    if number.is_empty() {
        return;
    }
    let decimal = number
        .split_once('.')
        .is_some_and(|(w, f)| !w.is_empty() && !f.is_empty() && !f.contains('.'));
    match number.parse::<f64>() {
        Ok(value) if alone && decimal => {
            let fixed = format!("{:.2}", (value * 100.0).round() / 100.0);
            let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
            out.push_str(trimmed);
        }
        _ => out.push_str(number),
    }
    number.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    // Attribute numbers are rounded; numbers in text content are not.
    #[test]
    fn rounds_attributes_only() {
        let svg =
            "<text font-size=\"11.290322580645162\" opacity=\"0.5\" x=\"10\">\n3.14159\n</text>\n";
        assert_eq!(
            round_attributes(svg),
            "<text font-size=\"11.29\" opacity=\"0.5\" x=\"10\">\n3.14159\n</text>\n"
        );
    }

    // URLs and version-like runs are not numbers and stay untouched.
    #[test]
    fn leaves_words_alone() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" v=\"1.2.3\" w=\"a1.25b\">";
        assert_eq!(round_attributes(svg), svg);
    }

    // Rounding never leaves a trailing point or zeros.
    #[test]
    fn rounding_trims() {
        assert_eq!(round_attributes("<a b=\"2.0000001\"/>"), "<a b=\"2\"/>");
        assert_eq!(round_attributes("<a b=\"0.105\"/>"), "<a b=\"0.11\"/>");
        assert_eq!(round_attributes("<a b=\"x 1.005 y\"/>"), "<a b=\"x 1 y\"/>");
    }

    // The title and description come first, escaped, with role="img".
    #[test]
    fn adds_title_and_desc() {
        let svg = "<svg width=\"1\" height=\"1\" viewBox=\"0 0 1 1\" xmlns=\"http://www.w3.org/2000/svg\">\n</svg>\n";
        let done = finish(svg, "a <b>", "c & d").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            done,
            "<svg width=\"1\" height=\"1\" viewBox=\"0 0 1 1\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n<title>a &lt;b&gt;</title>\n<desc>c &amp; d</desc>\n</svg>\n"
        );
    }

    // A chart over the limit is an error, not a huge file.
    #[test]
    fn refuses_oversize() {
        let big = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\">\n{}</svg>\n",
            "<g/>".repeat(MAX_BYTES / 4)
        );
        assert!(finish(&big, "t", "d").is_err());
    }
}
