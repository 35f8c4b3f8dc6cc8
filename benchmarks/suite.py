"""The benchmark suite: rmatch beside scipy alone and every peer, on synthetic org charts.

    python -m benchmarks suite --quick     # under two minutes, for CI smoke use
    python -m benchmarks suite --full      # 100 to 10,000 per side (two to three hours)
    python -m benchmarks suite --full --tasks rmatch:auto,scipy --sizes 2000 --merge
                                           # re-measure some rows, keep the others

Writes ``benchmarks/results/suite.json`` (machine, versions, commit, every
measurement), ``suite.md`` (tables) and ``suite_time.png`` /
``suite_memory.png``; the quick mode writes ``suite_quick.*`` instead, so a
smoke run never overwrites the full results. Each measurement runs in a fresh process
(``worker.py``); a measurement that exceeds its time budget is recorded as
``timeout`` and that task is not run at larger sizes.

Peers, installed on first use into ``benchmarks/.peers/`` (benchmark-only;
``mentor-match`` and ``matching`` both install a package named ``matching``,
so each gets its own folder): mentor-match 7.0.1 (pure-Python Munkres),
matching 1.4.3 (Gale-Shapley), and networkx ``max_weight_matching`` (from the
``bench`` extra). Every peer gets the same people as rmatch: the same score
matrix and the same forbidden pairs; quality is its total score over
rmatch's optimum.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS, machine

HERE = Path(__file__).resolve().parent

PEERS = HERE / ".peers"
PEER_PACKAGES = {"mentor-match": "mentor-match==7.0.1", "matching": "matching==1.4.3"}
SOLVERS = ("rmatch:auto", "rmatch:hungarian", "rmatch:flow", "rmatch:greedy")

PLANS: dict[str, dict[str, Any]] = {
    "quick": {
        "sizes": [100, 500],
        # Eight fresh processes of 10 to 13 s each on this VM (importing rmatch
        # and building the organisation dominate at these sizes): under two
        # minutes. rmatch:auto at 100 writes the instance the peers read;
        # rmatch:hungarian is what auto runs at 500.
        "tasks": {"rmatch:auto": [100, 500], "rmatch:flow": [500], "rmatch:greedy": [500],
                  "scipy": [500], "mentor-match": [100], "matching": [100],
                  "networkx": [100]},
        "budget_s": 60,
    },
    "full": {
        "sizes": [100, 200, 500, 1000, 2000, 5000, 10000],
        "tasks": {t: [100, 200, 500, 1000, 2000, 5000] for t in SOLVERS}
        | {"rmatch:auto": [100, 200, 500, 1000, 2000, 5000, 10000],
           "scipy": [100, 200, 500, 1000, 2000, 5000, 10000],
           # matching at 2,000 ran past the 20-minute budget (2026-11-25).
           "mentor-match": [100, 200, 500], "matching": [100, 200, 500, 1000],
           "networkx": [100, 200, 500], "bandwidth": [10000]},
        "budget_s": 1200,
    },
}


def ensure_peer(name: str) -> Path:
    """Install a peer into its own folder on first use; return the folder."""
    target = PEERS / name
    if not (target / ".installed").exists():
        print(f"installing {PEER_PACKAGES[name]} into {target}", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", str(target),
                        PEER_PACKAGES[name]], check=True)
        (target / ".installed").write_text(PEER_PACKAGES[name])
    return target


def measure(task: str, n: int, seed: int, budget: float) -> dict[str, Any]:
    env = dict(os.environ)
    # The worker runs as ``-m benchmarks.worker`` from the repository root; a
    # peer's own folder comes first (two peers install a package "matching").
    paths = [str(ensure_peer(task))] if task in PEER_PACKAGES else []
    env["PYTHONPATH"] = os.pathsep.join([*paths, str(HERE.parent)])
    cache = RESULTS / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.worker", task, str(n), str(seed), str(cache)],
            capture_output=True, text=True, timeout=budget, env=env, cwd=HERE.parent,
            check=False)
    except subprocess.TimeoutExpired:
        return {"task": task, "n": n, "status": "timeout", "wall_s": budget}
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"task": task, "n": n, "status": "error", "error": tail[0]}
    row: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    row.update(task=task, n=n, status="ok", wall_s=time.perf_counter() - start)
    return row


def merged(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of ``old`` not re-measured in ``new``, then ``new`` (keyed by task and size).

    Examples
    --------
    >>> a = [{"task": "scipy", "n": 10, "time_s": 2.0}, {"task": "scipy", "n": 20}]
    >>> [r.get("time_s") for r in merged(a, [{"task": "scipy", "n": 10, "time_s": 1.0}])]
    [None, 1.0]
    """
    fresh = {(r["task"], r["n"]) for r in new}
    return [r for r in old if (r["task"], r["n"]) not in fresh] + new


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.{digits}g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def tables(rows: list[dict[str, Any]]) -> str:
    ok = [r for r in rows if r["status"] == "ok" and r["task"] != "bandwidth"]
    best = {r["n"]: r for r in ok if r["task"] == "rmatch:auto"}
    head = ("| n per side | task | time (s) | scoring (s) | solving (s) | peak memory (MB) "
            "| pairs | quality vs optimum | rmatch:auto speed-up |")
    lines = [head, "|" + "---|" * 9]
    for r in sorted(rows, key=lambda r: (r["n"], r["task"])):
        if r["task"] == "bandwidth":
            continue
        ref = best.get(r["n"])
        if r["status"] != "ok":
            lines.append(f"| {r['n']} | {r['task']} | {r['status']} |  |  |  |  |  |  |")
            continue
        quality = (r["objective"] / ref["objective"]
                   if ref and "objective" in r and ref["objective"] else None)
        speed = r["time_s"] / ref["time_s"] if ref and r is not ref else None
        lines.append(
            f"| {r['n']} | {r['task']} | {_fmt(r['time_s'])} | {_fmt(r.get('score_s'))} "
            f"| {_fmt(r.get('solve_s'))} | {_fmt(r.get('peak_mb'), 4)} | {_fmt(r.get('pairs'))} "
            f"| {_fmt(quality, 4)} | {_fmt(speed)}{'x' if speed else ''} |")
    for r in rows:
        if r["task"] == "bandwidth" and r["status"] == "ok":
            lines += ["", f"Scoring {r['n']:,} x {r['n']:,}: {r['score_warm_s']:.2f} s warm "
                      f"({r['score_warm_gb_s']:.2f} GB/s of score matrices written; cold "
                      f"{r['score_cold_s']:.2f} s, {r['score_cold_gb_s']:.2f} GB/s). numpy "
                      f"copying one float32 matrix of that shape: {r['copy_warm_gb_s']:.2f} "
                      f"GB/s warm, {r['copy_cold_gb_s']:.2f} GB/s cold (read + write)."]
    return "\n".join(lines)


def plots(rows: list[dict[str, Any]], out: Path, stem: str = "suite") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks = sorted({r["task"] for r in rows if r["status"] == "ok" and r["task"] != "bandwidth"})
    for key, label, name in (("time_s", "time (s)", f"{stem}_time.png"),
                             ("peak_mb", "peak memory (MB)", f"{stem}_memory.png")):
        fig, ax = plt.subplots(figsize=(8, 5))
        for task in tasks:
            pts = sorted((r["n"], r[key]) for r in rows
                         if r["task"] == task and r["status"] == "ok" and r.get(key))
            if pts:
                ax.plot(*zip(*pts, strict=True), marker="o", label=task)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("people per side")
        ax.set_ylabel(label)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
        ax.set_title(f"rmatch and peers: {label} (2-core machine)")
        fig.tight_layout()
        fig.savefig(out / name, dpi=110)
        plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="rmatch benchmark suite")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="under two minutes (default)")
    mode.add_argument("--full", action="store_true", help="100 to 10,000 per side")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tasks", help="comma-separated subset of the plan's tasks")
    parser.add_argument("--sizes", help="comma-separated subset of the plan's sizes")
    parser.add_argument("--merge", action="store_true",
                        help="keep the rows of the earlier results that this run does not "
                             "re-measure (each row records when it was measured)")
    parser.add_argument("--from-log", type=Path, metavar="LOG",
                        help="render results from the JSON lines an earlier run printed "
                             "(e.g. one stopped before the largest sizes)")
    args = parser.parse_args(argv)
    name = "full" if args.full else "quick"
    plan = PLANS[name]
    rows: list[dict[str, Any]] = []
    if args.from_log:
        rows = [json.loads(line) for line in args.from_log.read_text().splitlines()
                if line.startswith("{")]
        write(rows, f"{name}, rendered from a log of {len(rows)} measurements")
        return
    only_tasks = set(args.tasks.split(",")) if args.tasks else None
    only_sizes = {int(v) for v in args.sizes.split(",")} if args.sizes else None
    unknown = (only_tasks or set()) - set(plan["tasks"])
    if unknown:
        parser.error(f"unknown task(s) {sorted(unknown)}; the {name} plan has "
                     f"{sorted(plan['tasks'])}")
    stopped: set[str] = set()
    for n in plan["sizes"]:
        if only_sizes is not None and n not in only_sizes:
            continue
        # rmatch:auto first: it writes the instance every other task reads.
        tasks = sorted((t for t, sizes in plan["tasks"].items()
                        if n in sizes and (only_tasks is None or t in only_tasks)),
                       key=lambda t: t != "rmatch:auto")
        for task in tasks:
            if task in stopped:
                continue
            row = measure(task, n, args.seed, plan["budget_s"])
            row["measured"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            rows.append(row)
            print(json.dumps(row), flush=True)
            if row["status"] != "ok":
                stopped.add(task)
    previous = RESULTS / f"{stem_of(name)}.json"
    if args.merge and previous.exists():
        rows = merged(json.loads(previous.read_text())["rows"], rows)
    write(rows, name)


def provenance(rows: list[dict[str, Any]]) -> str:
    """Say when the rows were measured, per day (merged runs span several).

    Examples
    --------
    >>> provenance([{"task": "scipy", "n": 10, "measured": "2026-11-26 03:00 UTC"},
    ...             {"task": "matching", "n": 10}])
    'Measured 2026-11-26: scipy. Measured before dates were recorded (2026-11-25): matching.'
    """
    days: dict[str, set[str]] = {}
    for r in rows:
        day = r["measured"][:10] if "measured" in r else ""
        days.setdefault(day, set()).add(r["task"])
    parts = [f"Measured {day or 'before dates were recorded (2026-11-25)'}: "
             f"{', '.join(sorted(tasks))}." for day, tasks in sorted(days.items(), reverse=True)]
    return " ".join(parts)


def stem_of(mode: str) -> str:
    """File stem of a mode's results: the quick smoke run never overwrites the full one.

    Examples
    --------
    >>> stem_of("full"), stem_of("quick")
    ('suite', 'suite_quick')
    """
    return "suite" if mode.startswith("full") else "suite_quick"


def write(rows: list[dict[str, Any]], name: str) -> None:
    """Write STEM.json, STEM.md and the plots (see :func:`stem_of`); print the tables."""
    RESULTS.mkdir(exist_ok=True)
    stem = stem_of(name)
    (RESULTS / f"{stem}.json").write_text(json.dumps(
        {"mode": name, "machine": machine(), "rows": rows}, indent=2) + "\n")
    text = tables(rows)
    (RESULTS / f"{stem}.md").write_text(
        f"# Benchmark suite ({name} mode)\n\nSeconds; a fresh process per measurement; "
        "runs under 2 s are repeated (best of 5, memory from the first); quality = total "
        f"score / rmatch's optimum; speed-up = task time / rmatch:auto time.\n\n"
        f"{provenance(rows)}\n\n{text}\n")
    plots(rows, RESULTS, stem)
    print(text)


if __name__ == "__main__":
    main()
