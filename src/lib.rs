//! rangefinder as a library: the stages the binary runs (see `main.rs` for
//! the pipeline), public so that fuzz targets and benchmarks can call them.
//!
//! Division of labour: polars does the relational work over all claims
//! (as of a day, each source's current claim, joins), where a million rows
//! need its columnar engine; plain Rust does the sweeps over one metric's
//! handful of current claims (range, median, consensus and bounds in
//! `analysis::summary`, pairs in `analysis::pairs`), which are too small
//! for a query to pay, and the
//! passes over every record that cut a million claims to the few
//! thousand rows the queries need (`analysis::scan`). Each figure has one
//! production implementation; versions kept only to check another (a
//! polars query, a brute force) live in tests.

pub mod analysis;
pub mod chart;
pub mod cli;
pub mod data;
pub mod diff;
pub mod error;
pub mod init;
pub mod input;
pub mod notebook;
pub mod parallel;
pub mod project;
pub mod render;
pub mod timing;
pub mod write;
