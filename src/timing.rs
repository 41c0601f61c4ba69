//! Where the time goes: with `RANGEFINDER_TIMINGS` set, each phase of a run
//! prints `timing: <phase> <ms> ms` to stderr when it ends (inner phases
//! before the phase they are part of). Benchmarks use it to say which
//! phase costs what; without the variable nothing is printed.

use std::sync::OnceLock;
use std::time::Instant;

/// A phase being timed; it reports when dropped.
#[must_use = "a phase is timed until it is dropped"]
pub struct Phase {
    name: &'static str,
    start: Instant,
}

/// Starts timing phase `name`; bind it (`let _phase = …`) for the scope.
pub fn phase(name: &'static str) -> Phase {
    Phase {
        name,
        start: Instant::now(),
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if enabled() {
            let ms = self.start.elapsed().as_secs_f64() * 1000.0;
            eprintln!("timing: {} {ms:.1} ms", self.name);
        }
    }
}

/// Whether `RANGEFINDER_TIMINGS` is set (read once).
fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("RANGEFINDER_TIMINGS").is_some())
}
