//! Polars frames built from the validated rows, consumed by the analysis.
