//! What a browser does to Arabic and Hebrew before drawing, in the small
//! form chart labels need now that text is drawn as glyphs: Arabic letters
//! take their joined forms (from the font's presentation-form glyphs,
//! lam–alef as one ligature), and right-to-left runs are put in visual
//! order inside a left-to-right label, digits kept left to right. It is
//! not the whole Unicode bidirectional algorithm: no explicit embeddings
//! (the charts show those controls as `[U+202E]`), and the label's base
//! direction is always left to right, as `<text>` had it.

/// The characters of `text` in the order they are drawn, left to right.
pub fn visual(text: &str) -> Vec<char> {
    let mut chars = shape(text);
    let mut i = 0;
    while i < chars.len() {
        if !is_rtl(chars[i]) {
            i += 1;
            continue;
        }
        // The run: from this strong right-to-left character up to the last
        // right-to-left character or digit before a left-to-right letter.
        let mut end = i + 1;
        let mut j = i + 1;
        while j < chars.len() && !is_ltr(chars[j]) {
            if is_rtl(chars[j]) || chars[j].is_numeric() {
                end = j + 1;
            }
            j += 1;
        }
        reverse_run(&mut chars[i..end]);
        i = end;
    }
    chars
}

/// Reverses a right-to-left run in place, keeping numbers (digits with the
/// separators between them) left to right and mirroring brackets.
fn reverse_run(run: &mut [char]) {
    run.reverse();
    let mut k = 0;
    while k < run.len() {
        if run[k].is_numeric() {
            let mut e = k + 1;
            while e < run.len()
                && (run[e].is_numeric()
                    || (matches!(run[e], ',' | '.' | '٫' | '٬')
                        && run.get(e + 1).is_some_and(|c| c.is_numeric())))
            {
                e += 1;
            }
            run[k..e].reverse();
            k = e;
        } else {
            run[k] = mirror(run[k]);
            k += 1;
        }
    }
}

/// A bracket's mirror image, as drawn in right-to-left text.
fn mirror(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        c => c,
    }
}

/// A strong right-to-left character (Hebrew, Arabic and their
/// presentation forms), Arabic-Indic digits excepted.
fn is_rtl(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{065F}' | '\u{066A}'..='\u{06EF}' | '\u{06FA}'..='\u{08FF}'
        | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// A strong left-to-right character: a letter outside the right-to-left
/// scripts.
fn is_ltr(c: char) -> bool {
    c.is_alphabetic() && !is_rtl(c)
}

/// How an Arabic letter joins: its isolated presentation form and how many
/// forms it has (4: joins both sides; 2: joins the letter before only;
/// 1: never joins).
fn arabic(c: char) -> Option<(u32, u32)> {
    // Isolated forms of U+0621..=U+063A and U+0641..=U+064A, in order; the
    // final, initial and medial forms follow each.
    const FROM_0621: [(u32, u32); 26] = [
        (0xFE80, 1),
        (0xFE81, 2),
        (0xFE83, 2),
        (0xFE85, 2),
        (0xFE87, 2),
        (0xFE89, 4),
        (0xFE8D, 2),
        (0xFE8F, 4),
        (0xFE93, 2),
        (0xFE95, 4),
        (0xFE99, 4),
        (0xFE9D, 4),
        (0xFEA1, 4),
        (0xFEA5, 4),
        (0xFEA9, 2),
        (0xFEAB, 2),
        (0xFEAD, 2),
        (0xFEAF, 2),
        (0xFEB1, 4),
        (0xFEB5, 4),
        (0xFEB9, 4),
        (0xFEBD, 4),
        (0xFEC1, 4),
        (0xFEC5, 4),
        (0xFEC9, 4),
        (0xFECD, 4),
    ];
    const FROM_0641: [(u32, u32); 10] = [
        (0xFED1, 4),
        (0xFED5, 4),
        (0xFED9, 4),
        (0xFEDD, 4),
        (0xFEE1, 4),
        (0xFEE5, 4),
        (0xFEE9, 4),
        (0xFEED, 2),
        (0xFEEF, 2),
        (0xFEF1, 4),
    ];
    let code = c as u32;
    match code {
        0x0621..=0x063A => Some(FROM_0621[(code - 0x0621) as usize]),
        0x0641..=0x064A => Some(FROM_0641[(code - 0x0641) as usize]),
        _ => None,
    }
}

/// Forms a letter can take on: (joins the letter before, joins the letter
/// after). Tatweel joins both ways.
fn joining(c: char) -> (bool, bool) {
    match (c, arabic(c)) {
        ('\u{0640}', _) => (true, true),
        (_, Some((_, 4))) => (true, true),
        (_, Some((_, 2))) => (true, false),
        _ => (false, false),
    }
}

/// A mark drawn on a letter, which joining looks through (harakat).
fn transparent(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}')
}

/// The lam–alef ligature (isolated form) for an alef after lam.
fn lam_alef(alef: char) -> Option<u32> {
    match alef {
        '\u{0622}' => Some(0xFEF5),
        '\u{0623}' => Some(0xFEF7),
        '\u{0625}' => Some(0xFEF9),
        '\u{0627}' => Some(0xFEFB),
        _ => None,
    }
}

/// Arabic letters in their joined presentation forms, in logical order.
fn shape(text: &str) -> Vec<char> {
    let chars: Vec<char> = text.chars().collect();
    let neighbour = |from: usize, step: isize| -> Option<char> {
        let mut k = from as isize + step;
        while k >= 0 && (k as usize) < chars.len() {
            let c = chars[k as usize];
            if !transparent(c) {
                return Some(c);
            }
            k += step;
        }
        None
    };
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let Some((isolated, _)) = arabic(c) else {
            out.push(c);
            i += 1;
            continue;
        };
        let before = i > 0 && neighbour(i, -1).is_some_and(|p| joining(p).1);
        if c == '\u{0644}'
            && let Some(ligature) = chars.get(i + 1).and_then(|n| lam_alef(*n))
        {
            out.push(char::from_u32(ligature + u32::from(before)).unwrap_or(c));
            i += 2;
            continue;
        }
        let (can_before, can_after) = joining(c);
        let before = before && can_before;
        let after = can_after && neighbour(i, 1).is_some_and(|n| joining(n).0);
        let form = match (before, after) {
            (false, false) => 0,
            (true, false) => 1,
            (false, true) => 2,
            (true, true) => 3,
        };
        out.push(char::from_u32(isolated + form).unwrap_or(c));
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Left-to-right text is untouched.
    #[test]
    fn latin_unchanged() {
        let text = "Pentagon (US) · 2024-11-04 · up to 12,000";
        assert_eq!(visual(text).into_iter().collect::<String>(), text);
    }

    // A Hebrew name is drawn right to left, and the Latin around it stays.
    #[test]
    fn hebrew_reversed() {
        let drawn: String = visual("IDF: משרד הביטחון 2024").into_iter().collect();
        assert_eq!(drawn, "IDF: 2024 ןוחטיבה דרשמ");
    }

    // Arabic letters join (initial, medial, final forms; lam–alef as one
    // ligature) and the run is reversed.
    #[test]
    fn arabic_joined_and_reversed() {
        let drawn: Vec<u32> = visual("الدفاع").into_iter().map(|c| c as u32).collect();
        // Logical: alef isolated (it never joins after), lam initial, dal
        // final, feh initial, alef final, ain isolated.
        assert_eq!(drawn, [0xFEC9, 0xFE8E, 0xFED3, 0xFEAA, 0xFEDF, 0xFE8D]);
        let ligature: Vec<u32> = visual("سلام").into_iter().map(|c| c as u32).collect();
        // seen initial, lam–alef final, meem isolated; reversed.
        assert_eq!(ligature, [0xFEE1, 0xFEFC, 0xFEB3]);
    }
}
