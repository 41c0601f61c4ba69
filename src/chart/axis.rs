//! The value axis of timelines and forest plots: linear, fitted so a small
//! spread is never drawn as a chasm, or logarithmic (`scale = "log"`), for
//! counts that rise by orders of magnitude (16 → 64 → 2,975).

use super::round_step;

/// Share of the highest value under which the lowest value counts as near
/// 0: a value axis starts at 0 when the lowest value drawn is at most 40%
/// of the highest (so 0 costs at most 40% of the plot), and is fitted to the
/// data otherwise (claims of 40,000–43,000 fill the plot, not a tenth).
pub const ZERO_SHARE: f64 = 0.4;

/// The least share of its highest value a fitted linear axis spans: 487
/// against 499 deaths (a 2% difference) is drawn on an axis from 400, not
/// across the whole height of one from 480.
pub const MIN_SPAN_SHARE: f64 = 0.2;

/// How a value axis maps numbers to positions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Scale {
    /// Equal steps for equal differences (the default).
    #[default]
    Linear,
    /// Equal steps for equal ratios: every value drawn must be above 0.
    Log,
}

impl Scale {
    /// The notebook and flag spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Linear => "linear",
            Scale::Log => "log",
        }
    }

    /// Parses the notebook spelling.
    pub fn parse(text: &str) -> Option<Scale> {
        [Scale::Linear, Scale::Log]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// The extent of a linear value axis holding every finite value in
/// `values`, with `headroom` (a share of the data span) above the highest:
/// from 0 when the data come near 0 ([`ZERO_SHARE`]), else from a round
/// number a little below the lowest value, and never spanning less than
/// [`MIN_SPAN_SHARE`] of its top. (0, 1) when there is nothing above 0.
pub fn value_extent(values: impl IntoIterator<Item = f64>, headroom: f64) -> (f64, f64) {
    let (low, high) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, 0.0_f64), |(l, h), v| (l.min(v), h.max(v)));
    if high <= 0.0 {
        return (0.0, 1.0);
    }
    if low <= ZERO_SHARE * high {
        return (0.0, high * (1.0 + headroom));
    }
    // A single value (or a very tight cluster) still gets a span of a tenth
    // of its size, so it is not drawn on a hair-thin axis.
    let span = (high - low).max(high * 0.1);
    let step = round_step(span / 5.0);
    let top = high + span * headroom;
    let fitted = ((low - span * 0.1) / step).floor() * step;
    // Never less than a fifth of the top: the bottom moves down to a round
    // number at or below 80% of it.
    let widest = ((1.0 - MIN_SPAN_SHARE) * top / step).floor() * step;
    (fitted.min(widest).max(0.0), top)
}

/// A value axis as drawn: its scale and its extent in values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueAxis {
    /// Linear or log.
    pub scale: Scale,
    /// The value at the axis's start.
    pub low: f64,
    /// The value at the axis's end.
    pub high: f64,
}

impl ValueAxis {
    /// The axis holding `values` with `headroom` above them: [`value_extent`]
    /// when linear; when log, from the 1-2-5 number at or below 80% of the
    /// least value above 0, with `headroom` as a share of the decades drawn.
    pub fn fit(values: impl IntoIterator<Item = f64>, headroom: f64, scale: Scale) -> ValueAxis {
        match scale {
            Scale::Linear => {
                let (low, high) = value_extent(values, headroom);
                ValueAxis { scale, low, high }
            }
            Scale::Log => {
                let (low, high) = values
                    .into_iter()
                    .filter(|v| v.is_finite() && *v > 0.0)
                    .fold((f64::INFINITY, 0.0_f64), |(l, h), v| (l.min(v), h.max(v)));
                if high <= 0.0 {
                    return ValueAxis {
                        scale,
                        low: 1.0,
                        high: 10.0,
                    };
                }
                let low = round_down(low * 0.8);
                let decades = (high / low).log10().max(1.0);
                let high = high * 10f64.powf(decades * headroom);
                ValueAxis { scale, low, high }
            }
        }
    }

    /// The plot coordinate of `value`: the value itself on a linear axis,
    /// its logarithm on a log axis (a value at or below the axis's start is
    /// put at the start).
    pub fn at(&self, value: f64) -> f64 {
        match self.scale {
            Scale::Linear => value,
            Scale::Log => value.max(self.low).log10(),
        }
    }

    /// The plot coordinates of the axis's ends.
    pub fn ends(&self) -> (f64, f64) {
        (self.at(self.low), self.at(self.high))
    }

    /// Tick values of a log axis: 1, 2 and 5 times each power of ten within
    /// the axis, or the powers of ten alone past ten ticks.
    pub fn log_ticks(&self) -> Vec<f64> {
        let first = self.low.log10().floor() as i32;
        let last = self.high.log10().ceil() as i32;
        let within = |v: &f64| *v >= self.low * (1.0 - 1e-9) && *v <= self.high;
        let ticks = |steps: &[f64]| -> Vec<f64> {
            (first..=last)
                .flat_map(|e| steps.iter().map(move |k| k * 10f64.powi(e)))
                .filter(within)
                .collect()
        };
        let all = ticks(&[1.0, 2.0, 5.0]);
        if all.len() > 10 { ticks(&[1.0]) } else { all }
    }
}

/// The largest 1, 2 or 5 times a power of ten at or below `value` (> 0).
fn round_down(value: f64) -> f64 {
    let power = 10f64.powf(value.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|k| k * power)
        .find(|s| *s <= value * (1.0 + 1e-9))
        .unwrap_or(power)
}
