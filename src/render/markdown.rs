//! GitHub-flavoured Markdown building blocks: escaping text that came from the
//! CSV files (so a quote can never open a link, a table cell or an HTML tag),
//! links made only from `http`/`https` URLs, and pipe tables.

use crate::text::is_hidden;

/// Escapes text from the data for Markdown and HTML, on one line: Markdown
/// punctuation is backslash-escaped, `<>&` become entities, line breaks and
/// tabs become spaces, and control characters and bidi overrides are
/// dropped (they could make a cell read differently from what it holds).
///
/// GitHub also turns bare text into links, so those are broken too: `:`
/// before `/` (`http://…`) and the `.` after `www` are escaped, and an
/// [`EMAIL_BREAK`] goes before an `@` that follows a character of an
/// address (GitHub finds addresses after merging text, so a backslash
/// would not stop it); the same break follows the `@` of a mention
/// (`@octocat`, `@org/team`) and the `#` or `GH-` of an issue reference
/// (`#12`, `org/repo#2`, `GH-12`), so text from the data notifies no one
/// and links no issue. Text that would start a block when it begins a line
/// (`- `, `+ `, `=`, `1. `, `1) `) gets its marker escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    // The last character written from `text` (None at the start).
    let mut previous: Option<char> = None;
    // Whether only digits were written so far (a possible list number).
    let mut leading_digits = true;
    while let Some(c) = chars.next() {
        let at_start = previous.is_none();
        match c {
            '\r' => {
                // A CRLF pair is one line break.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(' ');
            }
            '\n' | '\t' | '\u{2028}' | '\u{2029}' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '#' if chars.peek().is_some_and(char::is_ascii_digit) => {
                // `#12`, `org/repo#12`: an issue reference.
                out.push_str("\\#");
                out.push_str(EMAIL_BREAK);
            }
            '-' if chars.peek().is_some_and(char::is_ascii_digit) && ends_with_gh(&out) => {
                // `GH-12`: an issue reference too.
                out.push('-');
                out.push_str(EMAIL_BREAK);
            }
            '\\' | '`' | '*' | '_' | '~' | '#' | '[' | ']' | '|' | '$' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if at_start => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')'
                if leading_digits
                    && !at_start
                    && chars.peek().is_none_or(|n| n.is_whitespace()) =>
            {
                out.push('\\');
                out.push(c);
            }
            ':' if chars.peek() == Some(&'/') => out.push_str("\\:"),
            '.' if ends_with_www(&out) => out.push_str("\\."),
            '@' => {
                if previous.is_some_and(in_address) {
                    out.push_str(EMAIL_BREAK);
                }
                out.push('@');
                if is_mention(chars.clone()) {
                    out.push_str(EMAIL_BREAK);
                }
            }
            c if is_hidden(c) => continue,
            c => out.push(c),
        }
        leading_digits = leading_digits && c.is_ascii_digit();
        previous = Some(c);
    }
    out
}

/// An empty HTML comment: invisible, and it splits GitHub's text so that
/// `name@example.com` from the data does not become a `mailto:` link.
pub const EMAIL_BREAK: &str = "<!-- -->";

/// True when the text after an `@` would make it a mention on GitHub
/// (`@octocat`, `@org/team`, `@octocat.`): a name not followed by a dot
/// and more of a domain, which would make it an address instead.
fn is_mention(mut rest: impl Iterator<Item = char>) -> bool {
    let mut name = 0;
    loop {
        match rest.next() {
            Some(c) if c.is_ascii_alphanumeric() || c == '-' => name += 1,
            Some('.') => {
                return name > 0 && !rest.next().is_some_and(|c| c.is_ascii_alphanumeric());
            }
            _ => return name > 0,
        }
    }
}

/// True when `out` ends in `GH` in any case (GitHub links `GH-12`).
fn ends_with_gh(out: &str) -> bool {
    let bytes = out.as_bytes();
    bytes.len() >= 2 && bytes[bytes.len() - 2..].eq_ignore_ascii_case(b"gh")
}

/// True when `out` ends in `www` in any case (GitHub links `www.` text).
fn ends_with_www(out: &str) -> bool {
    let bytes = out.as_bytes();
    bytes.len() >= 3 && bytes[bytes.len() - 3..].eq_ignore_ascii_case(b"www")
}

/// Characters GitHub accepts just before the `@` of an e-mail address.
fn in_address(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '_')
}

pub use crate::text::is_web_url;

/// A document: a link when it is a web URL (its text the host, without
/// `www.`), else the escaped document name (`document::Span::document`).
pub fn document(document: &str) -> String {
    super::readme::spans_text(&[crate::document::Span::document(document)])
}

/// `[text](url)` with `text` already escaped; `None` when `url` is not a web
/// URL. Characters that could end the destination are percent-encoded.
pub fn link(text: &str, url: &str) -> Option<String> {
    if !is_web_url(url) {
        return None;
    }
    // The brackets of an IPv6 host (`http://[::1]/`) are part of the host:
    // encoded, the link leads nowhere. They stay as they are there (GFM
    // allows brackets in a link destination); everywhere else they are
    // encoded with the other characters that could end the destination.
    let host_end = url.find("://").map_or(0, |at| {
        let rest = &url[at + 3..];
        at + 3 + rest.find(['/', '?', '#']).unwrap_or(rest.len())
    });
    let mut target = String::with_capacity(url.len());
    for (at, c) in url.char_indices() {
        match c {
            '[' | ']' if at < host_end => target.push(c),
            '(' | ')' | '<' | '>' | '"' | '\'' | '\\' | '`' | '[' | ']' | '|' | '{' | '}' | '^' => {
                target.push_str(&format!("%{:02X}", c as u32))
            }
            c => target.push(c),
        }
    }
    Some(format!("[{text}]({target})"))
}

/// How a table column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text columns.
    Left,
    /// Number columns.
    Right,
}

/// A GitHub-flavoured pipe table. Headers and cells must already be escaped
/// (cells from [`escape`] never hold a raw `|` or a line break).
pub fn table(columns: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    out.push('|');
    for (name, _) in columns {
        out.push_str(&format!(" {name} |"));
    }
    out.push_str("\n|");
    for (_, align) in columns {
        out.push_str(match align {
            Align::Left => " --- |",
            Align::Right => " ---: |",
        });
    }
    out.push('\n');
    for row in rows {
        out.push('|');
        for i in 0..columns.len() {
            let cell = row.get(i).map(String::as_str).unwrap_or("");
            if cell.is_empty() {
                out.push_str("  |");
            } else {
                out.push_str(&format!(" {cell} |"));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Pipes, brackets, emphasis, code and HTML from a CSV cannot take effect.
    #[test]
    fn escapes_markdown_and_html() {
        assert_eq!(escape("a | b"), "a \\| b");
        assert_eq!(
            escape("<b>bold</b> & co"),
            "&lt;b&gt;bold&lt;/b&gt; &amp; co"
        );
        assert_eq!(
            escape("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
        assert_eq!(escape("*_~#`$"), "\\*\\_\\~\\#\\`\\$");
        assert_eq!(escape("back\\slash"), "back\\\\slash");
        assert_eq!(escape("![img](x)"), "\\!\\[img\\](x)");
    }

    // Line breaks become spaces; controls and bidi overrides disappear.
    #[test]
    fn neutralises_breaks_and_hidden_characters() {
        assert_eq!(escape("one\r\ntwo\nthree\tfour"), "one two three four");
        assert_eq!(escape("ab\u{202E}cd\u{2066}e\u{0007}f\u{7F}"), "abcdef");
        assert_eq!(escape("Seoul — 서울"), "Seoul — 서울");
    }

    // Bare URLs, `www.` and e-mail addresses in data cannot become links.
    #[test]
    fn breaks_autolinks() {
        assert_eq!(escape("see https://x.org/a"), "see https\\://x.org/a");
        assert_eq!(escape("WWW.evil.com and www."), "WWW\\.evil.com and www\\.");
        assert_eq!(escape("a.b@x.org"), "a.b<!-- -->@x.org");
        // Mentions and issue references are broken the same way.
        assert_eq!(escape("@octocat"), "@<!-- -->octocat");
        assert_eq!(escape("cc @org/team."), "cc @<!-- -->org/team.");
        assert_eq!(escape("a@octocat"), "a<!-- -->@<!-- -->octocat");
        assert_eq!(
            escape("org/repo#2 #12"),
            "org/repo\\#<!-- -->2 \\#<!-- -->12"
        );
        assert_eq!(escape("gh-7 # 1"), "gh-<!-- -->7 \\# 1");
        assert_eq!(escape("@x and a @ b"), "@<!-- -->x and a @ b");
        assert_eq!(escape("time 10:30, a:b"), "time 10:30, a:b");
    }

    // A value that begins a line cannot start a list, rule or heading.
    #[test]
    fn escapes_block_markers_at_the_start() {
        assert_eq!(escape("- item"), "\\- item");
        assert_eq!(escape("+1"), "\\+1");
        assert_eq!(escape("==="), "\\===");
        assert_eq!(escape("1. first"), "1\\. first");
        assert_eq!(escape("12)"), "12\\)");
        assert_eq!(escape("1.5 and 2024-11"), "1.5 and 2024-11");
        assert_eq!(escape("a - b. 1. c"), "a - b. 1. c");
    }

    // Entities typed in the data stay text: `&lt;` never becomes `<`.
    #[test]
    fn entities_stay_text() {
        assert_eq!(escape("&lt;script&gt;"), "&amp;lt;script&amp;gt;");
        // (`&#60;` reads `#60` after the `&`: an issue reference, broken.)
        assert_eq!(escape("&#60;b&#x3E;"), "&amp;\\#<!-- -->60;b&amp;\\#x3E;");
    }

    // Only http and https URLs with a host become links.
    #[test]
    fn links_only_web_urls() {
        assert!(is_web_url("https://example.com/a?b=1"));
        assert!(is_web_url("HTTP://Example.com"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("ftp://example.com"));
        assert!(!is_web_url("https://"));
        assert!(!is_web_url("https://exa mple.com"));
        assert!(!is_web_url("Press briefing, 4 Nov"));
        assert_eq!(link("x", "javascript:alert(1)"), None);
        assert_eq!(
            link("x", "https://a.org/p_(1)").as_deref(),
            Some("[x](https://a.org/p_%281%29)")
        );
        // An IPv6 host keeps its brackets; brackets after it are encoded.
        assert_eq!(
            link("x", "http://[::1]/a[b]").as_deref(),
            Some("[x](http://[::1]/a%5Bb%5D)")
        );
    }

    // A document shows its host when it is a URL, its escaped name otherwise.
    #[test]
    fn documents() {
        assert_eq!(
            document("https://www.reuters.com/world/x"),
            "[reuters.com](https://www.reuters.com/world/x)"
        );
        assert_eq!(
            document("NIS briefing <closed>"),
            "NIS briefing &lt;closed&gt;"
        );
        assert_eq!(document("javascript:alert(1)"), "javascript:alert(1)");
    }

    // A table has a header, an alignment row and one line per row.
    #[test]
    fn tables() {
        let rows = vec![
            vec!["a".to_string(), "1".to_string()],
            vec![String::new(), "2".to_string()],
        ];
        let text = table(&[("Name", Align::Left), ("N", Align::Right)], &rows);
        assert_eq!(text, "| Name | N |\n| --- | ---: |\n| a | 1 |\n|  | 2 |\n");
    }
}
