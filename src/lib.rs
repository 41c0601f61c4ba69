//! rangefinder as a library: the stages the binary runs (see `main.rs` for
//! the pipeline), public so that fuzz targets and benchmarks can call them.

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

/// Drops `value` on a thread of its own. Returning a few hundred megabytes
/// of pages to the system takes milliseconds the caller need not wait for;
/// if the process ends first, the system takes them back anyway. Where no
/// thread can be started, `value` is dropped here.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}
