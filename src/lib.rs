//! rangefinder as a library: the stages the binary runs (see `main.rs` for
//! the pipeline), public so that fuzz targets and benchmarks can call them.
//!
//! Division of labour: the passes over every record are plain Rust
//! (`analysis::scan`): a million claims are cut, in one pass each split
//! over the cores, to the rows a figure needs — the origin claims known as
//! of a day, and of those each source's current claim (`scan::Slot`, the
//! one implementation of that rule). polars then computes, over the frame
//! of those few thousand rows, each claim's interval and point from its
//! qualifier and the metric's tolerance (`analysis::intervals`). The
//! figures over one metric's
//! handful of current claims are plain Rust too (range, median, consensus
//! and bounds in `analysis::summary`, pairs in `analysis::pairs`), too
//! small for a query to pay. The current claim was a polars query over the
//! candidate rows; run for every day of a timeline it tripled the
//! analysis at a million claims (`analysis::history` has the figures), so
//! the rule moved to the scan, and the as-of queries (`analysis::asof`)
//! are kept in tests to check the scans.
//! Each figure has one production implementation; versions kept only to
//! check another (a polars query, a brute force) live in tests.

pub mod analysis;
pub mod chart;
pub mod cli;
pub mod commands;
pub mod data;
pub mod diff;
pub mod document;
pub mod edition;
pub mod error;
pub mod html;
pub mod init;
pub mod input;
pub mod notebook;
pub mod parallel;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod project;
pub mod render;
pub mod text;
pub mod timing;
pub mod write;
