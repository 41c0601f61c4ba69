//! rangefinder as a library: the stages the binary runs (see `main.rs` for
//! the pipeline), public so that fuzz targets and benchmarks can call them.

pub mod analysis;
pub mod chart;
pub mod cli;
pub mod data;
pub mod error;
pub mod notebook;
pub mod render;
pub mod timing;
pub mod write;
