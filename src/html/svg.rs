//! A chart's SVG made fit to sit inline in a page beside other charts:
//! every chart defines its glyphs as `<path id="g11">` and draws them with
//! `<use href="#g11">`, and several SVGs inline in one HTML document share
//! one id namespace, so each chart's ids and the references to them get a
//! prefix of their own (`C1-g11`). Upper case: heading anchors are lower
//! case and footnote ids start with `fn`, so no prefixed id meets one.

use crate::chart::svg::MARK;

/// `svg` (a chart as `build` writes it) without the generator's mark, with
/// every id and same-document reference prefixed by `prefix`, and the root
/// labelled by its `<title>` and described by its `<desc>` (by id, as ARIA
/// asks for an inline SVG).
///
/// Rewriting happens inside tags only: text content is XML-escaped (a `<`
/// in a source's name is `&lt;`), so every `<` starts a tag or comment and
/// no text from the data is ever touched or taken for markup.
pub fn inline(svg: &str, prefix: &str) -> String {
    let body = svg.strip_prefix(MARK).unwrap_or(svg);
    let mut out = String::with_capacity(body.len() + body.len() / 8);
    let mut rest = body;
    let mut labelled = false;
    // Only the root's own title and desc (the first of each) are its
    // label; later ones belong to the groups they title.
    let (mut titled, mut described) = (false, false);
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        // Comments are dropped: the mark is gone and nothing else needs one.
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let end = rest.find('>').map_or(rest.len(), |end| end + 1);
        let tag = &rest[..end];
        rest = &rest[end..];
        if !labelled && tag.starts_with("<svg") {
            labelled = true;
            out.push_str(&format!(
                "<svg aria-labelledby=\"{prefix}title\" aria-describedby=\"{prefix}desc\"{}",
                prefixed(&tag[4..], prefix)
            ));
        } else if (tag == "<title>" && !titled) || (tag == "<desc>" && !described) {
            titled |= tag == "<title>";
            described |= tag == "<desc>";
            let name = &tag[1..tag.len() - 1];
            out.push_str(&format!("<{name} id=\"{prefix}{name}\">"));
        } else {
            out.push_str(&prefixed(tag, prefix));
        }
    }
    out.push_str(rest);
    out
}

/// One tag with its ids and same-document references prefixed.
fn prefixed(tag: &str, prefix: &str) -> String {
    tag.replace(" id=\"", &format!(" id=\"{prefix}"))
        .replace("href=\"#", &format!("href=\"#{prefix}"))
        .replace("url(#", &format!("url(#{prefix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Ids and references get the prefix; text that looks like one (it is
    // escaped content, not a tag) is left alone; the mark goes.
    #[test]
    fn prefixes_ids_and_references_only() {
        let svg = format!(
            "{MARK}<svg width=\"9\" role=\"img\">\n<title>a id=\"x\" &lt;/svg&gt;</title>\n\
             <desc>d</desc>\n<defs>\n<path id=\"g1\" d=\"M0 0\"/>\n</defs>\n\
             <use href=\"#g1\" fill=\"url(#p)\"/>\n<text>href=\"#g1\"</text>\n\
             <g><title>t</title></g>\n</svg>\n"
        );
        assert_eq!(
            inline(&svg, "C2-"),
            "<svg aria-labelledby=\"C2-title\" aria-describedby=\"C2-desc\" width=\"9\" \
             role=\"img\">\n<title id=\"C2-title\">a id=\"x\" &lt;/svg&gt;</title>\n\
             <desc id=\"C2-desc\">d</desc>\n<defs>\n<path id=\"C2-g1\" d=\"M0 0\"/>\n</defs>\n\
             <use href=\"#C2-g1\" fill=\"url(#C2-p)\"/>\n<text>href=\"#g1\"</text>\n\
             <g><title>t</title></g>\n</svg>\n"
        );
    }
}
