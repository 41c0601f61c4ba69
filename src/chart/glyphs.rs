//! Text drawn as glyph paths from the shipped font, so a chart looks the
//! same on a machine without DejaVu Sans (or without any font), as
//! matplotlib's SVG backend does: every glyph a chart uses is defined once
//! in `<defs>` and each occurrence is a `<use>` of it.
//!
//! plotters writes each label as
//! `<text x y dy text-anchor font-family font-size opacity fill [transform]>`
//! with the escaped words on their own line; [`outline`] replaces each with
//! a `<g>` holding a `<title>` with the words (the label's accessible name,
//! found by search; data text never goes into an attribute) and one `<use>`
//! per glyph with ink. Layout follows the font: advance widths
//! and the pair kerning of its `kern` table, the anchor (start, middle, end)
//! measured on that width, and `dy` in `em` (the font size) or `ex` (the
//! font's x-height, as browsers take it).
//!
//! Coordinates: a glyph path is in hundredths of an em with y down, so a
//! label's group scales by its font size and then by 0.01 (every number
//! written keeps at most two decimals); path points and glyph offsets keep
//! one decimal, a thousandth of an em (under 0.02 px at 18 px).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use ab_glyph::{Font, FontRef, GlyphId};

use super::outlines::{Line, UNITS, font, ink_box, layout, num, path_data, unit, x_height};
use crate::error::{Error, Result};

/// The attributes of one plotters `<text>` start tag, unescaped.
fn attributes(tag: &str) -> BTreeMap<&str, String> {
    let mut out = BTreeMap::new();
    let mut rest = tag;
    while let Some(eq) = rest.find("=\"") {
        let name = rest[..eq].trim();
        let value_start = eq + 2;
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        out.insert(name, unescape(&rest[value_start..value_start + len]));
        rest = &rest[value_start + len + 1..];
    }
    out
}

/// Undoes plotters' escaping of `< > & " '`.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The words a renderer shows for a `<text>` element's content: line ends
/// and tabs as spaces, runs of spaces as one, none at either end (CSS
/// `white-space: normal`, what browsers do).
fn words(content: &str) -> String {
    content
        .split([' ', '\n', '\r', '\t'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A length such as `0.76em`, `-0.5ex`, `3px` or `3`, in pixels.
fn length(value: &str, font_size: f64, x_height: f64) -> Result<f64> {
    let value = value.trim();
    let (number, unit) = value
        .find(|c: char| c.is_ascii_alphabetic() || c == '%')
        .map_or((value, ""), |at| value.split_at(at));
    let number: f64 = number.trim().parse().map_err(|_| bad("dy", value))?;
    match unit {
        "em" => Ok(number * font_size),
        "ex" => Ok(number * font_size * x_height),
        "" | "px" => Ok(number),
        _ => Err(bad("dy", value)),
    }
}

/// The error for an attribute value this pass does not understand.
fn bad(name: &str, value: &str) -> Error {
    Error::Other(anyhow::anyhow!(
        "drawing chart: cannot draw a <text> with {name}=\"{value}\" as glyphs"
    ))
}

/// A number attribute of a `<text>`.
fn number_attribute(attrs: &BTreeMap<&str, String>, name: &str, default: f64) -> Result<f64> {
    attrs
        .get(name)
        .map_or(Ok(default), |v| v.trim().parse().map_err(|_| bad(name, v)))
}

/// Replaces every plotters `<text>` element in `body` with glyph uses, and
/// puts the `<defs>` of the glyphs used in front. `canvas` is the chart's
/// width and height: a label whose ink would cross its edge is moved inside
/// (or, wider than the canvas, cut with "…"); the full forms of labels cut
/// are returned for the `<desc>`.
pub fn outline(body: &str, canvas: (f64, f64)) -> Result<(String, Vec<String>)> {
    const OPEN: &str = "<text ";
    const CLOSE: &str = "</text>\n";
    let font = font()?;
    let x_height = x_height(font);
    let mut used: BTreeSet<GlyphId> = BTreeSet::new();
    let mut cut = Vec::new();
    let mut drawn = String::with_capacity(body.len() * 2);
    let mut rest = body;
    while let Some(at) = rest.find(OPEN) {
        drawn.push_str(&rest[..at]);
        let element = &rest[at..];
        let (Some(tag_end), Some(close)) = (element.find('>'), element.find(CLOSE)) else {
            return Err(Error::Other(anyhow::anyhow!(
                "drawing chart: plotters wrote an unclosed <text>"
            )));
        };
        let attrs = attributes(&element[OPEN.len()..tag_end]);
        let text = words(&unescape(&element[tag_end + 1..close]));
        let context = Context {
            font,
            x_height,
            canvas,
        };
        if let Some(full) = label(&context, &attrs, &text, &mut used, &mut drawn)? {
            cut.push(full);
        }
        rest = &element[close + CLOSE.len()..];
    }
    drawn.push_str(rest);
    if used.is_empty() {
        return Ok((drawn, cut));
    }
    let mut out = String::with_capacity(drawn.len() + used.len() * 600);
    out.push_str("<defs>\n");
    for glyph in &used {
        if let Some(d) = path_data(font, *glyph) {
            let _ = writeln!(out, "<path id=\"g{}\" d=\"{d}\"/>", glyph.0);
        }
    }
    out.push_str("</defs>\n");
    out.push_str(&drawn);
    Ok((out, cut))
}

/// What every label of one chart is drawn with.
struct Context<'a> {
    /// The shipped font.
    font: &'a FontRef<'static>,
    /// Its x-height in ems.
    x_height: f64,
    /// Canvas width and height.
    canvas: (f64, f64),
}

/// A box: left, top, right, bottom.
type Box4 = (f64, f64, f64, f64);

/// Distance kept from the canvas edge by a label that had to be moved.
const PAD: f64 = 2.0;

/// A label's rotation about a point, from plotters' `rotate(a, x, y)`.
fn rotation(transform: &str) -> Result<(f64, f64, f64)> {
    let inner = transform
        .trim()
        .strip_prefix("rotate(")
        .and_then(|t| t.strip_suffix(')'))
        .ok_or_else(|| bad("transform", transform))?;
    let numbers: Vec<f64> = inner
        .split([',', ' '])
        .filter(|t| !t.is_empty())
        .map(str::parse)
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| bad("transform", transform))?;
    match numbers[..] {
        [a] => Ok((a, 0.0, 0.0)),
        [a, x, y] => Ok((a, x, y)),
        _ => Err(bad("transform", transform)),
    }
}

/// The ink box of `line` drawn at `start` on `baseline` in `size`, rotated
/// by `turn`, in canvas coordinates; `None` when nothing has ink.
fn ink(
    font: &FontRef,
    line: &Line,
    (start, baseline, size): (f64, f64, f64),
    turn: Option<(f64, f64, f64)>,
) -> Option<Box4> {
    let mut local: Option<Box4> = None;
    for placed in &line.glyphs {
        let Some((l, t, r, b)) = ink_box(font, placed.glyph) else {
            continue;
        };
        let x = start + placed.x * size;
        let glyph = (
            x + l * size,
            baseline + t * size,
            x + r * size,
            baseline + b * size,
        );
        local = Some(local.map_or(glyph, |u| {
            (
                u.0.min(glyph.0),
                u.1.min(glyph.1),
                u.2.max(glyph.2),
                u.3.max(glyph.3),
            )
        }));
    }
    let (l, t, r, b) = local?;
    let Some((angle, cx, cy)) = turn else {
        return Some((l, t, r, b));
    };
    let (sin, cos) = angle.to_radians().sin_cos();
    let corners = [(l, t), (r, t), (l, b), (r, b)].map(|(x, y)| {
        let (dx, dy) = (x - cx, y - cy);
        (cx + dx * cos - dy * sin, cy + dx * sin + dy * cos)
    });
    Some(corners.iter().fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |u, &(x, y)| (u.0.min(x), u.1.min(y), u.2.max(x), u.3.max(y)),
    ))
}

/// How far to move a box of one axis, `low..high`, to lie inside
/// `0..extent`: nothing when it does, else to `PAD` from the edge it
/// crossed.
fn shift(low: f64, high: f64, extent: f64) -> f64 {
    if low < 0.0 {
        PAD - low
    } else if high > extent {
        extent - PAD - high
    } else {
        0.0
    }
}

/// Writes one label: a group placed and scaled to the text's baseline
/// start, with its words as `<title>` and a `<use>` per glyph with ink.
/// Returns the full text when it had to be cut to fit the canvas.
fn label(
    context: &Context,
    attrs: &BTreeMap<&str, String>,
    text: &str,
    used: &mut BTreeSet<GlyphId>,
    out: &mut String,
) -> Result<Option<String>> {
    if text.is_empty() {
        return Ok(None);
    }
    let font = context.font;
    let (width, height) = context.canvas;
    let size = number_attribute(attrs, "font-size", 16.0)?;
    let x = number_attribute(attrs, "x", 0.0)?;
    let y = number_attribute(attrs, "y", 0.0)?;
    let dy = attrs
        .get("dy")
        .map_or(Ok(0.0), |v| length(v, size, context.x_height))?;
    let anchor = attrs.get("text-anchor").map_or("start", String::as_str);
    let turn = attrs.get("transform").map(|t| rotation(t)).transpose()?;
    // Cut a character at a time only while the label is larger than the
    // canvas; one that merely crosses an edge is moved inside whole.
    let mut shown: Vec<char> = text.chars().collect();
    let mut was_cut = false;
    let (line, start, moved) = loop {
        let drawn_text: String = shown.iter().collect();
        let line = layout(font, &drawn_text);
        let start = match anchor {
            "start" => x,
            "middle" => x - line.width * size / 2.0,
            "end" => x - line.width * size,
            other => return Err(bad("text-anchor", other)),
        };
        let Some((l, t, r, b)) = ink(font, &line, (start, y + dy, size), turn) else {
            break (line, start, (0.0, 0.0));
        };
        let fits = r - l <= width - 2.0 * PAD && b - t <= height - 2.0 * PAD;
        let kept = shown.len() - usize::from(was_cut);
        if fits || kept <= 1 {
            break (line, start, (shift(l, r, width), shift(t, b, height)));
        }
        shown.truncate(kept - 1);
        shown.push('…');
        was_cut = true;
    };
    let drawn_text: String = shown.iter().collect();
    let _ = write!(
        out,
        "<g fill=\"{}\"",
        super::svg::escape(attrs.get("fill").map_or("#000000", String::as_str))
    );
    if let Some(opacity) = attrs.get("opacity").filter(|o| o.trim() != "1") {
        let _ = write!(out, " opacity=\"{}\"", super::svg::escape(opacity));
    }
    out.push_str(" transform=\"");
    if moved != (0.0, 0.0) {
        let _ = write!(out, "translate({} {}) ", num(moved.0), num(moved.1));
    }
    if let Some((angle, cx, cy)) = turn {
        let _ = write!(out, "rotate({} {} {}) ", num(angle), num(cx), num(cy));
    }
    let _ = writeln!(
        out,
        "translate({} {}) scale({}) scale({})\">\n<title>{}</title>",
        num(start),
        num(y + dy),
        num(size),
        num(1.0 / UNITS),
        super::svg::escape(&drawn_text)
    );
    for placed in &line.glyphs {
        if font.outline(placed.glyph).is_none() {
            continue;
        }
        used.insert(placed.glyph);
        let _ = write!(out, "<use href=\"#g{}\"", placed.glyph.0);
        let offset = unit(placed.x * UNITS);
        if offset != "0" {
            let _ = write!(out, " x=\"{offset}\"");
        }
        out.push_str("/>\n");
    }
    out.push_str("</g>\n");
    Ok(was_cut.then(|| text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // A middle-anchored label is centred on x by the font's own advances,
    // its baseline moved down by 0.76 em, and each glyph used is defined
    // once however often it occurs.
    #[test]
    fn text_becomes_glyph_uses() {
        let body = "<text x=\"100\" y=\"50\" dy=\"0.76em\" text-anchor=\"middle\" \
                    font-family=\"DejaVu Sans\" font-size=\"10\" opacity=\"1\" fill=\"#222222\">\n\
                    A &amp; A\n</text>\n";
        let (out, cut) = outline(body, (960.0, 100.0)).unwrap_or_else(|e| panic!("{e}"));
        assert!(cut.is_empty());
        let font = font().unwrap_or_else(|e| panic!("{e}"));
        let width = layout(font, "A & A").width * 10.0;
        assert!(!out.contains("<text"), "{out}");
        assert_eq!(out.matches("<path id=").count(), 2, "{out}");
        assert_eq!(out.matches("<use ").count(), 3, "{out}");
        assert!(out.contains("<title>A &amp; A</title>"), "{out}");
        assert!(
            out.contains(&format!(
                "transform=\"translate({} 57.6) scale(10) scale(0.01)\"",
                num(100.0 - width / 2.0)
            )),
            "{out}"
        );
    }

    // `ex` is the font's x-height (0.547 em in DejaVu Sans), `em` the size.
    #[test]
    fn lengths() {
        let xh = x_height(font().unwrap_or_else(|e| panic!("{e}")));
        assert!((xh - 1120.0 / 2048.0).abs() < 1e-9, "{xh}");
        assert_eq!(length("0.76em", 10.0, xh).ok(), Some(7.6));
        assert_eq!(length("-0.5ex", 10.0, 0.5).ok(), Some(-2.5));
        assert_eq!(length("3", 10.0, 0.5).ok(), Some(3.0));
        assert!(length("1vw", 10.0, 0.5).is_err());
    }

    // A label crossing the canvas edge is moved inside whole; one wider
    // than the canvas is cut with "…" and its full form returned.
    #[test]
    fn labels_kept_on_canvas() {
        let text = |x: u32, words: &str| {
            format!(
                "<text x=\"{x}\" y=\"50\" dy=\"0.5ex\" text-anchor=\"end\" \
                 font-family=\"DejaVu Sans\" font-size=\"10\" opacity=\"1\" fill=\"#222222\">\n\
                 {words}\n</text>\n"
            )
        };
        let (moved, cut) =
            outline(&text(10, "1,200,000"), (960.0, 100.0)).unwrap_or_else(|e| panic!("{e}"));
        assert!(cut.is_empty());
        assert!(moved.contains("transform=\"translate("), "{moved}");
        assert!(moved.contains("<title>1,200,000</title>"), "{moved}");
        let long = "word ".repeat(60);
        let (shortened, cut) =
            outline(&text(900, &long), (300.0, 100.0)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cut, [long.trim()]);
        assert!(shortened.contains("…</title>"), "{shortened}");
    }
}
