//! The one integration-test binary: each module tests one feature by running
//! the real `rangefinder` binary on fixtures in a temporary folder.

mod browser;
mod build;
mod chart;
mod check;
mod cli;
mod diff;
mod docs;
mod editions;
mod hardening;
mod harness;
mod html;
mod init;
#[cfg(feature = "pdf")]
mod pdf;
mod preview;
mod show;
