#!/usr/bin/env python3
"""Benchmarks rangefinder against the floor and a pandas peer, and writes
BENCHMARKS.md.

For each size (claims; 200 metrics, 50 sources) it generates data with
`examples/synth`, then times, in the same run and on the same files:
  - rangefinder check, show (one metric), and build of a notebook with a
    `ranges` table over all 200 metrics plus timeline and ranges charts for
    5 metrics (release build); `changes --since 2025-03-03` (a week); and
    `diff` of a one-value change (HEAD against the working tree of a git
    repository holding the same data, bench/work/N/diff), up to
    COMPARE_MAX claims (default 1,000,000);
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
BIN = ROOT / "target" / "release" / "rangefinder"
SYNTH = ROOT / "target" / "release" / "examples" / "synth"
RUNS = int(os.environ.get("RUNS", "3"))
PEER_MAX = int(os.environ.get("PEER_MAX", "10000000"))
CHARTED = [f"m{i}" for i in range(5)]
# `changes --since` counts from here: a week before the synthetic data's
# last claim (2025-03-10), as a weekly briefing does.
SINCE = "2025-03-03"
# `changes` and `diff` are timed up to this many claims (each holds or
# reads the data twice; 10M is run for the build's growth and SVG sizes).
COMPARE_MAX = int(os.environ.get("COMPARE_MAX", "1000000"))


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
    # Issue 22's robustness target: a robustness table of every metric
    # (200 metrics x 50 sources), built on its own.
    robust = '+++\ntitle = "Robustness"\ndata = "../../data"\n+++\n\n```rangefinder\ntable = "robustness"\nmetrics = "all"\n```\n'
    (folder / "reports" / "robust").mkdir(parents=True, exist_ok=True)
    (folder / "reports" / "robust" / "brief.md").write_text(robust)


def timed(args, cwd, before=None) -> tuple[float, int]:
    """Wall seconds (perf_counter around the process, /usr/bin/time's %e has
    only 10 ms resolution) and peak RSS (KiB, from /usr/bin/time) of one run;
    `before` (untimed) runs first."""
    if before:
        before()
    start = time.perf_counter()
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, args))}\n{out.stderr}")
    rss = out.stderr.strip().splitlines()[-1]
    return wall, int(rss)


def median_of(args, cwd, before=None) -> tuple[float, int]:
    runs = [timed(args, cwd, before) for _ in range(RUNS)]
    return statistics.median(r[0] for r in runs), int(statistics.median(r[1] for r in runs))


def interleaved(jobs: dict) -> dict:
    """Each job (args, cwd, before) RUNS times, taking turns (check, show,
    build, floor, …, then again), so that every ratio compares runs made
    under the same conditions: on a shared machine a command timed in a
    block of its own can catch a slow minute the others missed. Median
    wall time and median peak memory of each."""
    runs = {name: [] for name in jobs}
    for _ in range(RUNS):
        for name, (args, cwd, before) in jobs.items():
            runs[name].append(timed(args, cwd, before))
    return {
        name: (statistics.median(r[0] for r in rs), int(statistics.median(r[1] for r in rs)))
        for name, rs in runs.items()
    }


def clear_report(folder: Path, name: str = "bench"):
    """Removes the generated report, so every timed build writes all of it
    (a build leaves files that already hold their bytes alone)."""
    for path in (folder / "reports" / name).iterdir():
        if path.name != "brief.md":
            path.unlink()


def phases(folder: Path) -> dict:
    """Median time per phase of `build` (RANGEFINDER_TIMINGS=1), in ms."""
    seen = {}
    for _ in range(RUNS):
        clear_report(folder)
        env = dict(os.environ, RANGEFINDER_TIMINGS="1")
        out = subprocess.run([str(BIN), "build", "reports/bench"], cwd=folder, env=env, capture_output=True, text=True, check=True)
        for line in out.stderr.splitlines():
            if line.startswith("timing: ") and line.endswith(" ms"):
                name, ms = line[len("timing: ") : -len(" ms")].rsplit(" ", 1)
                seen.setdefault(name, []).append(float(ms))
    return {name: statistics.median(ms) for name, ms in seen.items()}


def diff_repo(folder: Path) -> Path:
    """A git repository holding `folder`'s data committed, with one value of
    one claim changed in the working tree (claim c1: 1 added to its value),
    for `diff` (HEAD against the working tree)."""
    repo = folder / "diff"
    data = repo / "data"
    if not (repo / ".git").exists():
        shutil.rmtree(repo, ignore_errors=True)
        data.mkdir(parents=True)
        for name in ["claims.csv", "sources.csv", "metrics.csv"]:
            shutil.copy(folder / "data" / name, data / name)
        git = lambda *args: sh("git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args, cwd=repo, stdout=subprocess.DEVNULL)
        git("init", "-q")
        git("add", "data")
        git("commit", "-q", "-m", "data")
    sh("git", "checkout", "-q", "--", "data", cwd=repo)
    lines = (data / "claims.csv").read_text().split("\n")
    cells = lines[2].split(",")
    assert cells[0] == "c1", cells[0]
    cells[5] = str(int(cells[5]) + 1)
    lines[2] = ",".join(cells)
    (data / "claims.csv").write_text("\n".join(lines))
    return repo


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
    jobs = {
        "check": ([str(BIN), "check", "--data", "data"], folder, None),
        "show": ([str(BIN), "show", "m0", "--data", "data"], folder, None),
        "build": ([str(BIN), "build", "reports/bench"], folder, lambda: clear_report(folder)),
        "robustness": ([str(BIN), "build", "reports/robust"], folder, lambda: clear_report(folder, "robust")),
        "floor": (floor, folder, None),
    }
    if n <= COMPARE_MAX:
        jobs["changes"] = ([str(BIN), "changes", "--since", SINCE, "--data", "data"], folder, None)
        jobs["diff"] = ([str(BIN), "diff", "--data", "data"], diff_repo(folder), None)
    if n <= PEER_MAX:
        peer = [sys.executable, str(ROOT / "bench" / "peer" / "peer.py"), "data", "peer-out"]
        jobs["peer"] = (peer, folder, None)
    row.update(interleaved(jobs))
    row["phases"] = phases(folder)
    svgs = list((folder / "reports" / "bench").glob("*.svg"))
    row["max_svg_kb"] = max((p.stat().st_size for p in svgs), default=0) / 1e3
    print(row, flush=True)
    return row


def seed_build() -> tuple[float, int]:
    # The seed data's report only: the repository also ships reports of
    # other datasets, which the target was not set for.
    return median_of([str(BIN), "build", "--check", "reports/nk-troops"], ROOT)


def fmt(t) -> str:
    return f"{t[0]:.2f} s / {t[1] / 1024:.0f} MiB" if t else "—"


def cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def targets(rows, seed) -> list[str]:
    """The issue's targets, each met or not, from the table's own figures."""
    out = ["## Targets (issue 6)", ""]
    mark = lambda ok: "met" if ok else "**NOT met**"
    one = next((r for r in rows if r["claims"] == 1_000_000), None)
    if one:
        ratio = one["build"][0] / one["floor"][0]
        out.append(f"- build within 1.5× of the floor's wall time at 1M: {ratio:.2f}× — {mark(ratio <= 1.5)}")
        if one.get("peer"):
            speed = one["peer"][0] / one["build"][0]
            out.append(f"- build at least 15× faster than the pandas peer at 1M: {speed:.1f}× — {mark(speed >= 15)}")
        mem = one["build"][1] / one["floor"][1]
        out.append(f"- build peak memory no more than the floor's at 1M: {mem:.2f}× — {mark(mem <= 1.0)}")
    if one and "robustness" in one:
        ratio = one["robustness"][0] / one["build"][0]
        out.append(
            f"- a robustness table of 200 metrics x 50 sources at 1M within 2× a build (issue 22): "
            f"{one['robustness'][0]:.2f} s against {one['build'][0]:.2f} s, {ratio:.2f}× — {mark(ratio <= 2.0)}"
        )
    if one and "changes" in one:
        ratio = one["changes"][0] / one["build"][0]
        mem = one["changes"][1] / one["floor"][1]
        out.append(
            f"- `changes --since {SINCE}` at 1M within 1.5× of build's time and within the floor's memory: "
            f"{ratio:.2f}× and {mem:.2f}× — {mark(ratio <= 1.5 and mem <= 1.0)}"
        )
    if one and "diff" in one:
        ratio = one["diff"][0] / one["build"][0]
        out.append(
            f"- `diff` of a one-value change at 1M at most 2.5× one build: {one['diff'][0]:.2f} s against "
            f"{one['build'][0]:.2f} s, {ratio:.2f}× — {mark(ratio <= 2.5)}"
        )
    big = [r for r in rows if r["claims"] >= 1_000_000]
    if len(big) >= 2:
        # Per-claim build time between the large runs (below 1M the fixed
        # costs, such as 200 x 50 x 49 agreement pairs, dominate).
        a, b = big[0], big[-1]
        per = lambda r: r["build"][0] / r["claims"]
        growth = per(b) / per(a)
        out.append(
            f"- cost grows linearly: build time per claim at {b['claims']:,} is {growth:.2f}× that at "
            f"{a['claims']:,} (1.00 = linear; per-claim µs by size: "
            + ", ".join(f"{r['claims']:,}: {per(r) * 1e6:.2f}" for r in rows)
            + f") — {mark(growth <= 1.25)}"
        )
    largest = max(rows, key=lambda r: r["claims"])
    out.append(
        f"- {largest['claims']:,} claims complete and every SVG stays under 1 MB: largest {largest['max_svg_kb']:.0f} kB — "
        f"{mark(largest['max_svg_kb'] < 1000)}"
    )
    out.append(f"- seed-data build under 50 ms: {seed[0] * 1000:.0f} ms — {mark(seed[0] < 0.05)}")
    skipped = [r["claims"] for r in rows if "peer" not in r]
    ran = [r for r in rows if "peer" in r]
    if skipped:
        last = ran[-1] if ran else None
        seen = (
            f"; at {last['claims']:,} claims it took {last['peer'][0]:.1f} s and {last['peer'][1] / 1024:.0f} MiB"
            if last
            else ""
        )
        out.append(
            f"- the peer was not run at {', '.join(f'{n:,}' for n in skipped)} claims (PEER_MAX={PEER_MAX:,}){seen}; "
            "raise PEER_MAX to include it."
        )
    return out + [""]


# Measured once by hand before issue 6's changes (commit 40a0b0b, single
# runs, same machine and 1M data), for comparison.
BEFORE = (
    "Before issue 6 (commit 40a0b0b, single runs on the same 1M files): build 14.8 s / 1,796 MiB, "
    "check 1.93 s / 664 MiB, floor 0.72–1.00 s / 441 MiB."
)


def write(rows, seed, load):
    lines = [
        "# Benchmarks",
        "",
        "Produced by `python3 bench/run.py " + " ".join(str(r["claims"]) for r in rows) + f"` (RUNS={RUNS}).",
        f"Machine: {cpu()}, {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, polars {__import__('polars').__version__}, pandas {__import__('pandas').__version__}.",
        "Other work may have shared the machine during the run (it is a shared development box): the 1-minute "
        f"load average was {load[0][0]:.1f} when the run started and {load[1][0]:.1f} when it ended (2 would be "
        "both cores busy). Floor, peer and rangefinder were timed in the same run; check, show, build, "
        "the floor, changes, diff and the peer take turns, run after run, so their ratios compare runs made under the same conditions.",
        "Each cell: median wall time / median peak resident memory of "
        f"{RUNS} runs (/usr/bin/time). 200 metrics, 50 sources, release build.",
        "",
        "| claims | claims.csv | check | show | build | robustness table | changes --since | diff (one value) | floor (polars read_csv) | peer (pandas) | build / floor | peer / build | build RSS / floor RSS | largest SVG |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        peer = r.get("peer")
        speed = f"{peer[0] / r['build'][0]:.1f}×" if peer else "—"
        lines.append(
            f"| {r['claims']:,} | {r['mb']:.0f} MB | {fmt(r['check'])} | {fmt(r['show'])} | {fmt(r['build'])} "
            f"| {fmt(r.get('robustness'))} "
            f"| {fmt(r.get('changes'))} | {fmt(r.get('diff'))} "
            f"| {fmt(r['floor'])} | {fmt(peer)} | {r['build'][0] / r['floor'][0]:.2f}× "
            f"| {speed} "
            f"| {r['build'][1] / r['floor'][1]:.2f} | {r['max_svg_kb']:.0f} kB |"
        )
    lines += ["", BEFORE, "", f"Seed-data build (`rangefinder build --check reports/nk-troops`: the seed data's report, rendered whole and compared): {seed[0] * 1000:.0f} ms, {seed[1] / 1024:.0f} MiB.", ""]
    lines += targets(rows, seed)
    lines += [
        "## Where the build's time goes",
        "",
        "Median over RUNS builds with `RANGEFINDER_TIMINGS=1` (each phase prints its wall time; "
        "`load` includes the phases above it, and `read`, `parse`, `merge`, `links` and `index` are parts of `load`).",
        "",
        "| claims | " + " | ".join(rows[0]["phases"]) + " |",
        "|---|" + "---|" * len(rows[0]["phases"]),
    ]
    for r in rows:
        lines.append(f"| {r['claims']:,} | " + " | ".join(f"{r['phases'].get(k, 0):.0f} ms" for k in rows[0]["phases"]) + " |")
    lines += [""]
    lines += [
        "## Reproduce",
        "",
        "```sh",
        f"RUNS={RUNS} PEER_MAX={PEER_MAX} python3 bench/run.py " + " ".join(str(r["claims"]) for r in rows),
        "```",
        "",
        "Data: `target/release/examples/synth bench/work/N/data N 200 50 1` (fixed seed); the notebook is written",
        "by `bench/run.py` (a `ranges` table over all 200 metrics, timeline and ranges charts for m0–m4; "
        "and, built on its own, a `robustness` table of all 200 metrics).",
        "",
    ]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines))


def main():
    sizes = [int(s) for s in sys.argv[1:]] or [10_000, 100_000, 1_000_000, 10_000_000]
    setup()
    load = os.getloadavg()
    rows = [bench(n) for n in sizes]
    write(rows, seed_build(), (load, os.getloadavg()))


if __name__ == "__main__":
    main()
