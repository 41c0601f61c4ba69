//! Synthetic data in the DESIGN schema, for benchmarks and scale tests:
//! N claims over M metrics and S sources, every qualifier, some date
//! windows, some repeats, from a fixed seed (same arguments, same bytes).
//!
//! `cargo run --release --example synth -- OUT_DIR CLAIMS [METRICS] [SOURCES] [SEED]`

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// xorshift64*: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in 0..n.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The arguments, parsed.
struct Spec {
    out: PathBuf,
    claims: u64,
    metrics: u64,
    sources: u64,
    seed: u64,
}

fn parse_args() -> Result<Spec, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: synth OUT_DIR CLAIMS [METRICS=200] [SOURCES=50] [SEED=1]";
    let number = |i: usize, default: u64| -> Result<u64, String> {
        match args.get(i) {
            None => Ok(default),
            Some(text) => text
                .replace('_', "")
                .parse()
                .map_err(|_| format!("{text:?} is not a whole number; {usage}")),
        }
    };
    let out = args.first().ok_or(usage)?.into();
    let spec = Spec {
        out,
        claims: number(1, 0).and_then(|n| {
            if n == 0 {
                Err(usage.to_string())
            } else {
                Ok(n)
            }
        })?,
        metrics: number(2, 200)?.max(1),
        sources: number(3, 50)?.max(1),
        seed: number(4, 1)?.max(1),
    };
    Ok(spec)
}

fn main() -> ExitCode {
    match parse_args().and_then(|spec| write_all(&spec).map_err(|e| e.to_string())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("synth: {message}");
            ExitCode::from(2)
        }
    }
}

fn create(dir: &Path, name: &str) -> std::io::Result<BufWriter<File>> {
    Ok(BufWriter::with_capacity(
        1 << 20,
        File::create(dir.join(name))?,
    ))
}

fn write_all(spec: &Spec) -> std::io::Result<()> {
    fs::create_dir_all(&spec.out)?;
    let affiliations = [
        "Ukraine",
        "United States",
        "South Korea",
        "North Korea",
        "Russia",
        "NATO",
        "Japan",
    ];
    let kinds = [
        "government",
        "military",
        "intelligence",
        "media",
        "anonymous",
        "other",
    ];
    let mut out = create(&spec.out, "sources.csv")?;
    writeln!(out, "id,name,affiliation,kind,reliability,notes")?;
    for s in 0..spec.sources {
        let affiliation = affiliations[(s % affiliations.len() as u64) as usize];
        let kind = kinds[(s % kinds.len() as u64) as usize];
        let grade = (b'A' + (s % 6) as u8) as char;
        writeln!(
            out,
            "s{s},\"Source {s}, {affiliation}\",{affiliation},{kind},{grade},"
        )?;
    }
    out.flush()?;

    let mut out = create(&spec.out, "metrics.csv")?;
    writeln!(out, "id,label,unit,tolerance,description")?;
    for m in 0..spec.metrics {
        let tolerance = [0.05, 0.1, 0.2][(m % 3) as usize];
        writeln!(
            out,
            "m{m},Synthetic quantity {m},units,{tolerance},Generated for benchmarks"
        )?;
    }
    out.flush()?;

    let mut rng = Rng(spec.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut out = create(&spec.out, "claims.csv")?;
    writeln!(
        out,
        "id,metric,claimed,source,qualifier,value,low,high,document,outlet,published,origin,quote,notes"
    )?;
    // Remembered origin claims a later row may repeat: (id, metric, qualifier, numbers, claimed, source).
    let mut recent: Vec<(u64, u64, &str, String, String, u64)> = Vec::with_capacity(64);
    let epoch = 18_628; // 2021-01-01, in days since 1970-01-01.
    for i in 0..spec.claims {
        let document = rng.below(spec.claims / 3 + 1);
        let outlet = rng.below(40);
        if !recent.is_empty() && rng.below(10) == 0 {
            let (origin, metric, qualifier, numbers, claimed, source) =
                recent[rng.below(recent.len() as u64) as usize].clone();
            writeln!(
                out,
                "c{i},m{metric},{claimed},s{source},{qualifier},{numbers},https://ex.org/d/{document},Outlet {outlet},,c{origin},\"Repeats claim c{origin}, as reported by outlet {outlet}\","
            )?;
            continue;
        }
        let metric = rng.below(spec.metrics);
        let source = rng.below(spec.sources);
        let base = 1_000 * (metric % 50 + 1);
        let value = base + rng.below(base);
        let qualifier = ["exact", "approx", "at_least", "up_to", "range"][rng.below(5) as usize];
        let numbers = if qualifier == "range" {
            format!(",{},{}", value, value + rng.below(base / 2 + 1))
        } else {
            format!("{value},,")
        };
        let start = epoch + rng.below(1_500) as i32;
        let claimed = if rng.below(5) == 0 {
            format!("{}/{}", day(start), day(start + 1 + rng.below(30) as i32))
        } else {
            day(start)
        };
        let published = day(start + 31 + rng.below(5) as i32);
        writeln!(
            out,
            "c{i},m{metric},{claimed},s{source},{qualifier},{numbers},https://ex.org/d/{document},Outlet {outlet},{published},,\"Source {source} said {value}\","
        )?;
        if recent.len() < 64 {
            recent.push((i, metric, qualifier, numbers, claimed, source));
        } else {
            let slot = rng.below(64) as usize;
            recent[slot] = (i, metric, qualifier, numbers, claimed, source);
        }
    }
    out.flush()
}

/// The ISO date of a day counted from 1970-01-01, by the proleptic
/// Gregorian calendar (Howard Hinnant's civil_from_days).
fn day(days: i32) -> String {
    let z = i64::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::day;

    // Day numbers map to the right ISO dates across leap years.
    #[test]
    fn days() {
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(18_628), "2021-01-01");
        assert_eq!(day(19_417), "2023-03-01");
        assert_eq!(day(19_782), "2024-02-29");
    }
}
