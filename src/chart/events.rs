//! Events (data/events.csv) on a timeline: a thin vertical rule at each
//! event's day (a window is a faint span between two rules) and its label
//! inside the plot, placed where it overlaps no other event's label, no
//! mark and no mark's number ([`place`]).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{Area, MUTED, anchored, drawn, fit};
use crate::data::Event;
use crate::error::Result;

/// A box in pixels: left, top, right, bottom.
pub type Rect = (i32, i32, i32, i32);

/// Whether two boxes overlap (touching edges do not).
pub fn overlaps(a: Rect, b: Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Height of one row of event labels, in pixels.
pub const ROW: i32 = 15;
/// Font size of an event label.
const SIZE: u32 = 11;
/// The widest an event label is drawn; a longer one is cut (and given
/// whole in the chart's description).
const MAX_WIDTH: u32 = 220;
/// Gap between a rule and its label.
const GAP: i32 = 3;
/// Colour of an event's rule.
const RULE: RGBAColor = RGBAColor(0x55, 0x55, 0x55, 0.8);
/// Fill between the rules of an event that spans a window.
const SPAN: RGBAColor = RGBAColor(0x55, 0x55, 0x55, 0.08);

/// Where each label goes: `wanted` is each label's rule x and width, in
/// order; a label goes in the first row from the plot's top, right of its
/// rule, else left of it, where its box stays inside `plot` and overlaps
/// no box in `taken` (marks and their numbers) nor any label placed
/// before. `None` when no row has room (the description still names it).
pub fn place(wanted: &[(i32, i32)], taken: &[Rect], plot: Rect) -> Vec<Option<Rect>> {
    let mut placed: Vec<Rect> = Vec::new();
    wanted
        .iter()
        .map(|&(x, width)| {
            let rows = (plot.3 - plot.1) / ROW;
            let found = (0..rows).find_map(|row| {
                let top = plot.1 + 2 + row * ROW;
                let right_of = (x + GAP, top, x + GAP + width, top + ROW - 2);
                let left_of = (x - GAP - width, top, x - GAP, top + ROW - 2);
                [right_of, left_of].into_iter().find(|b| {
                    b.0 >= plot.0
                        && b.2 <= plot.2
                        && b.3 <= plot.3
                        && !taken.iter().chain(&placed).any(|t| overlaps(*b, *t))
                })
            });
            if let Some(found) = found {
                placed.push(found);
            }
            found
        })
        .collect()
}

/// Draws `events` (in date order) as rules and labels on the plot `plot`
/// (pixels); `x_px` gives a day's x pixel, `taken` the boxes of the marks
/// and their numbers. Returns the label boxes drawn.
pub fn draw(
    root: &Area,
    events: &[&Event],
    x_px: impl Fn(crate::data::Day) -> i32,
    taken: &[Rect],
    plot: Rect,
) -> Result<Vec<Rect>> {
    let style = anchored(SIZE, MUTED, HPos::Left, VPos::Top);
    let mut wanted = Vec::with_capacity(events.len());
    let mut labels = Vec::with_capacity(events.len());
    for event in events {
        // A window running past the as-of day is drawn up to the plot's edge.
        let (start, end) = (
            x_px(event.date.start).clamp(plot.0, plot.2),
            x_px(event.date.end).clamp(plot.0, plot.2),
        );
        if end > start {
            drawn(root.draw(&Rectangle::new(
                [(start, plot.1), (end, plot.3)],
                SPAN.filled(),
            )))?;
        }
        for x in if end > start {
            vec![start, end]
        } else {
            vec![start]
        } {
            drawn(root.draw(&PathElement::new(
                vec![(x, plot.1), (x, plot.3)],
                RULE.stroke_width(1),
            )))?;
        }
        let label = fit(root, &event.label, &style, MAX_WIDTH)?;
        let width = drawn(root.estimate_text_size(&label, &style))?.0 as i32;
        wanted.push((start, width));
        labels.push(label);
    }
    let boxes = place(&wanted, taken, plot);
    for (label, found) in labels.into_iter().zip(&boxes) {
        if let Some(b) = found {
            drawn(root.draw(&Text::new(label, (b.0, b.1), style.clone())))?;
        }
    }
    Ok(boxes.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Three labels whose rules are close, one beside a mark's number:
    // every box is inside the plot and none overlaps another or the mark.
    #[test]
    fn labels_never_overlap() {
        let plot = (100, 50, 700, 500);
        let mark = (135, 52, 150, 64);
        let wanted = [(120, 150), (130, 90), (690, 120), (400, 80)];
        let boxes = place(&wanted, &[mark], plot);
        let drawn: Vec<Rect> = boxes.iter().flatten().copied().collect();
        assert_eq!(drawn.len(), 4, "{boxes:?}");
        for (i, a) in drawn.iter().enumerate() {
            assert!(a.0 >= plot.0 && a.2 <= plot.2 && a.1 >= plot.1 && a.3 <= plot.3);
            assert!(!overlaps(*a, mark), "{a:?} over the mark");
            for b in &drawn[i + 1..] {
                assert!(!overlaps(*a, *b), "{a:?} and {b:?}");
            }
        }
        // The first goes below the mark's number, the second below it; the
        // one near the right edge goes left of its rule.
        assert_eq!(boxes[0], Some((123, 67, 273, 80)));
        assert_eq!(boxes[1], Some((133, 82, 223, 95)));
        assert_eq!(boxes[2], Some((567, 52, 687, 65)));
        // A label with no room anywhere is left out, not drawn over others.
        assert_eq!(place(&[(110, 900)], &[], plot), [None]);
    }
}
