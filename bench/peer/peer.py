"""The peer: what an analyst would otherwise write, a pandas + matplotlib
script doing rangefinder's benchmark job on the same files. It reads the
three CSVs, collapses repeats, takes each source's current claim as of the
latest claimed day, computes range, median and consensus for every metric,
draws a timeline and a ranges chart for five metrics (10 SVGs), and writes
a Markdown table.

    python3 bench/peer/peer.py DATA_DIR OUT_DIR
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def parse_spec(spec: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Start and end days of date specs (day, month, year, or A/B window)."""
    text = spec.str.rstrip("~?")
    parts = text.str.split("/", n=1, expand=True)
    first = parts[0]
    last = parts[1].fillna(parts[0]) if parts.shape[1] > 1 else parts[0]

    def bound(part: pd.Series, end: bool) -> pd.Series:
        out = pd.to_datetime(part, format="%Y-%m-%d", errors="coerce")
        month = part.str.len() == 7
        year = part.str.len() == 4
        if month.any():
            m = pd.to_datetime(part[month], format="%Y-%m")
            out[month] = m + pd.offsets.MonthEnd(0) if end else m
        if year.any():
            y = pd.to_datetime(part[year], format="%Y")
            out[year] = y + pd.offsets.YearEnd(0) if end else y
        return out

    return bound(first, False), bound(last, True)


def number(col: pd.Series) -> pd.Series:
    # float64 throughout: whole numbers would otherwise become a nullable
    # integer column that rejects the approx bounds (pandas 3).
    text = col.astype("string").str.replace(",", "").str.replace(" ", "")
    return pd.to_numeric(text).astype("float64")


def consensus(intervals: pd.DataFrame) -> tuple[float, float, int]:
    """The stretch covered by the most closed intervals (a sweep)."""
    opens = pd.DataFrame({"x": intervals["lo"], "d": 1})
    closes = pd.DataFrame({"x": intervals["hi"], "d": -1})
    events = pd.concat([opens, closes]).sort_values(["x", "d"], ascending=[True, False])
    events["cover"] = events["d"].cumsum()
    best = events["cover"].max()
    rows = events.reset_index(drop=True)
    i = int(rows["cover"].idxmax())
    lo = rows.loc[i, "x"]
    hi = rows.loc[i + 1, "x"] if i + 1 < len(rows) else float("inf")
    return lo, hi, int(best)


def main() -> None:
    data, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    claims = pd.read_csv(data / "claims.csv", dtype=str, keep_default_na=False)
    sources = pd.read_csv(data / "sources.csv", dtype=str, keep_default_na=False)
    metrics = pd.read_csv(data / "metrics.csv", dtype=str, keep_default_na=False)

    claims["start"], claims["end"] = parse_spec(claims["claimed"])
    for col in ["value", "low", "high"]:
        claims[col] = number(claims[col].replace("", None))
    tol = metrics.set_index("id")["tolerance"].replace("", "0.1").astype(float)
    claims["t"] = claims["metric"].map(tol)

    origin = claims[claims["origin"] == ""].copy()
    q = origin["qualifier"]
    v = origin["value"]
    origin["lo"] = v
    origin["hi"] = v
    origin.loc[q == "approx", "lo"] = v * (1 - origin["t"])
    origin.loc[q == "approx", "hi"] = v * (1 + origin["t"])
    origin.loc[q == "at_least", "hi"] = float("inf")
    origin.loc[q == "up_to", "lo"] = 0.0
    origin.loc[q == "range", "lo"] = origin["low"]
    origin.loc[q == "range", "hi"] = origin["high"]
    origin["point"] = v.where(q != "range", (origin["low"] + origin["high"]) / 2)
    origin["s_lo"] = v.where(q != "range", origin["low"])
    origin["s_hi"] = v.where(q != "range", origin["high"])

    as_of = origin["end"].max()
    known = origin[origin["end"] <= as_of]
    current = (
        known.sort_values(["end", "start", "id"])
        .groupby(["metric", "source"], as_index=False)
        .tail(1)
        .merge(sources[["id", "affiliation"]].rename(columns={"id": "source"}), on="source")
    )

    rows = []
    for metric, group in current.groupby("metric"):
        lo, hi, k = consensus(group)
        rows.append(
            {
                "metric": metric,
                "low": group["s_lo"].min(),
                "high": group["s_hi"].max(),
                "median": group["point"].median(),
                "sources": len(group),
                "affiliations": group["affiliation"].nunique(),
                "consensus": f"{lo:,.0f}–{hi:,.0f}",
                "agreement": f"{k} of {len(group)}",
            }
        )
    table = pd.DataFrame(rows)
    lines = ["| metric | range | median | consensus | agreement | sources | affiliations |", "|---|---|---|---|---|---|---|"]
    for r in table.itertuples():
        lines.append(
            f"| {r.metric} | {r.low:,.0f}–{r.high:,.0f} | {r.median:,.0f} | {r.consensus} | {r.agreement} | {r.sources} | {r.affiliations} |"
        )
    (out / "README.md").write_text("\n".join(lines) + "\n")

    # The first five metrics of metrics.csv, as the benchmark notebook charts.
    for metric in metrics["id"].tolist()[:5]:
        mk = known[known["metric"] == metric]
        fig, ax = plt.subplots(figsize=(8, 4.5))
        for source, group in mk.groupby("source"):
            ax.scatter(group["end"], group["point"], s=8, label=source)
        ax.set_title(f"{metric} as of {as_of.date()}")
        fig.savefig(out / f"timeline-{metric}.svg")
        plt.close(fig)

        mc = current[current["metric"] == metric].sort_values("source")
        fig, ax = plt.subplots(figsize=(8, 4.5))
        y = range(len(mc))
        hi = mc["hi"].where(mc["hi"] != float("inf"), mc["s_hi"].max() * 1.2)
        ax.hlines(list(y), mc["lo"], hi)
        ax.scatter(mc["point"], list(y), zorder=3)
        ax.set_yticks(list(y), mc["source"])
        fig.savefig(out / f"ranges-{metric}.svg")
        plt.close(fig)


if __name__ == "__main__":
    main()
