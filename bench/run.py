#!/usr/bin/env python3
"""Benchmarks rangefinder against the floor and a pandas peer, and writes
BENCHMARKS.md.

For each size (claims; 200 metrics, 50 sources) it generates data with
`examples/synth`, then times, in the same run and on the same files:
  - rangefinder check, show (one metric), and build of a notebook with a
    `ranges` table over all 200 metrics plus timeline and ranges charts for
    5 metrics (release build);
  - the floor: Python polars `read_csv` of claims.csv, every column a string;
  - the peer: bench/peer/peer.py (pandas + matplotlib, the same job).
Each is run RUNS times (default 3); the table gives the median wall time and
the median peak resident memory (from /usr/bin/time).

    python3 bench/run.py [SIZES...]      # default: 10000 100000 1000000 10000000
    RUNS=5 PEER_MAX=1000000 python3 bench/run.py 1000000

PEER_MAX (default 10000000) skips the peer above that many claims.
"""

import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
BIN = ROOT / "target" / "release" / "rangefinder"
SYNTH = ROOT / "target" / "release" / "examples" / "synth"
RUNS = int(os.environ.get("RUNS", "3"))
PEER_MAX = int(os.environ.get("PEER_MAX", "10000000"))
CHARTED = [f"m{i}" for i in range(5)]


def sh(*args, **kw):
    return subprocess.run(args, check=True, **kw)


def setup():
    missing = []
    for module in ["polars", "pandas", "matplotlib"]:
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        sh(sys.executable, "-m", "pip", "install", "-q", *missing)
    sh("cargo", "build", "--release", "--quiet", cwd=ROOT)
    sh("cargo", "build", "--release", "--quiet", "--example", "synth", cwd=ROOT)


def notebook(folder: Path):
    metrics = ", ".join(f'"m{i}"' for i in range(200))
    cells = [f'```rangefinder\ntable = "ranges"\nmetrics = [{metrics}]\n```\n']
    for m in CHARTED:
        for chart in ["timeline", "ranges"]:
            cells.append(f'```rangefinder\nchart = "{chart}"\nmetric = "{m}"\n```\n')
    text = '+++\ntitle = "Benchmark"\ndata = "../../data"\n+++\n\n' + "\n".join(cells)
    (folder / "reports" / "bench").mkdir(parents=True, exist_ok=True)
    (folder / "reports" / "bench" / "brief.md").write_text(text)


def timed(args, cwd) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run."""
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, args))}\n{out.stderr}")
    wall, rss = out.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss)


def median_of(args, cwd) -> tuple[float, int]:
    runs = [timed(args, cwd) for _ in range(RUNS)]
    return statistics.median(r[0] for r in runs), int(statistics.median(r[1] for r in runs))


def bench(n: int) -> dict:
    folder = WORK / str(n)
    data = folder / "data"
    if not (data / "claims.csv").exists():
        shutil.rmtree(folder, ignore_errors=True)
        sh(str(SYNTH), str(data), str(n), "200", "50", "1")
    notebook(folder)
    size = (data / "claims.csv").stat().st_size
    floor = [
        sys.executable,
        "-c",
        "import sys, polars as pl; pl.read_csv(sys.argv[1], infer_schema=False)",
        str(data / "claims.csv"),
    ]
    row = {"claims": n, "mb": size / 1e6}
    row["check"] = median_of([str(BIN), "check", "--data", "data"], folder)
    row["show"] = median_of([str(BIN), "show", "m0", "--data", "data"], folder)
    row["build"] = median_of([str(BIN), "build"], folder)
    row["floor"] = median_of(floor, folder)
    if n <= PEER_MAX:
        peer = [sys.executable, str(ROOT / "bench" / "peer" / "peer.py"), "data", "peer-out"]
        row["peer"] = median_of(peer, folder)
    svgs = list((folder / "reports" / "bench").glob("*.svg"))
    row["max_svg_kb"] = max((p.stat().st_size for p in svgs), default=0) / 1e3
    print(row, flush=True)
    return row


def seed_build() -> tuple[float, int]:
    return median_of([str(BIN), "build", "--check"], ROOT)


def fmt(t) -> str:
    return f"{t[0]:.2f} s / {t[1] / 1024:.0f} MiB" if t else "—"


def write(rows, seed):
    lines = [
        "# Benchmarks",
        "",
        "Produced by `python3 bench/run.py " + " ".join(str(r["claims"]) for r in rows) + f"` (RUNS={RUNS}).",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}.",
        "Each cell: median wall time / median peak resident memory of "
        f"{RUNS} runs (/usr/bin/time). 200 metrics, 50 sources, release build.",
        "",
        "| claims | claims.csv | check | show | build | floor (polars read_csv) | peer (pandas) | build / floor | peer / build | build RSS / floor RSS | largest SVG |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        peer = r.get("peer")
        lines.append(
            f"| {r['claims']:,} | {r['mb']:.0f} MB | {fmt(r['check'])} | {fmt(r['show'])} | {fmt(r['build'])} "
            f"| {fmt(r['floor'])} | {fmt(peer)} | {r['build'][0] / r['floor'][0]:.2f}× "
            f"| {(peer[0] / r['build'][0]) if peer else float('nan'):.1f}× "
            f"| {r['build'][1] / r['floor'][1]:.2f} | {r['max_svg_kb']:.0f} kB |"
        )
    lines += ["", f"Seed-data build (`rangefinder build --check` on the shipped report): {seed[0] * 1000:.0f} ms, {seed[1] / 1024:.0f} MiB.", ""]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines))


def main():
    sizes = [int(s) for s in sys.argv[1:]] or [10_000, 100_000, 1_000_000, 10_000_000]
    setup()
    rows = [bench(n) for n in sizes]
    write(rows, seed_build())


if __name__ == "__main__":
    main()
