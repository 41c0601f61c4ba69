//! Text from the data for a terminal: the one cleaner every text writer
//! (`show`, `changes`, the metric list, `diff`) passes CSV text through.
//! A control character (an escape sequence, a carriage return, a line
//! break) could move the cursor, erase a line or start a fake one, and a
//! bidirectional control could reorder what a reviewer reads; each is shown
//! as its escape (`\u{1b}`, `\r`, `\u{202e}`) instead, so the line says
//! exactly what the file holds and stays one line.

/// Characters that must not reach a terminal or a report as they are: C0
/// and C1 controls, DEL, the line and paragraph separators, and the
/// bidirectional marks, embeddings, overrides and isolates.
pub(crate) fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{2028}' | '\u{2029}'
        )
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// `text` for a terminal: every [`is_hidden`] character written as its
/// Rust escape (`\u{1b}`, `\n`), everything else as it is.
pub fn clean(text: &str) -> String {
    if !text.chars().any(is_hidden) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // An erase-line sequence, a carriage return, a line break and a bidi
    // override become visible escapes; other text is untouched.
    #[test]
    fn controls_become_escapes() {
        assert_eq!(
            clean("a\u{1b}[2K\r(unchanged)\nb\u{202E}c\u{85}"),
            "a\\u{1b}[2K\\r(unchanged)\\nb\\u{202e}c\\u{85}"
        );
        assert_eq!(clean("8,000–11,000 Україна"), "8,000–11,000 Україна");
    }
}
