"""Shared helpers for the benchmark scripts: synthetic cohorts, timing, result files."""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import rmatch as rm

RESULTS = Path(__file__).resolve().parent / "results"
# The programme every benchmark solves: the everyday HR rules.
PROGRAM = rm.Program(constraints=[rm.NoReportingLine(), rm.SharedLanguage(),
                                  rm.SeniorityDirection()])
T = TypeVar("T")


def cohort(n: int, seed: int = 0, seniors: int | None = None
           ) -> tuple[rm.OrgChart, list[rm.Participant], list[rm.Participant]]:
    """Return (org chart, n juniors, n seniors or ``seniors``) from a synthetic organisation.

    Juniors are individual contributors aged 35 or less, seniors anyone above
    level 0. The organisation starts at seven employees per pair and grows
    by half until both pools are large enough (how many sit at level 0
    depends on how full the deepest layer is).
    """
    n_s = n if seniors is None else seniors
    size = max(200, 7 * max(n, n_s))
    for _ in range(8):
        org = rm.synth.generate(size, seed=seed)
        js, ss = rm.synth.cohort(org, n, n_s, seed=seed, max_junior_level=0,
                                 min_senior_level=1)
        if len(js) == n and len(ss) == n_s:
            return org.org_chart(), js, ss
        size = size * 3 // 2
    raise SystemExit(f"synthetic org too small: {len(js)} juniors, {len(ss)} seniors")


def parser(doc: str | None, sizes: list[int]) -> argparse.ArgumentParser:
    """The command line every benchmark starts from: its docstring's first line and ``--sizes``."""
    out = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    out.add_argument("--sizes", type=int, nargs="+", default=sizes)
    return out


def sweep(name: str, title: str, sizes: list[int], measure: Callable[[int], dict[str, Any]],
          columns: list[str] | None = None) -> None:
    """Measure each size, print each row as it comes, then save and print the table."""
    rows = []
    for n in sizes:
        rows.append(measure(n))
        print(rows[-1], flush=True)
    print(save(name, rows, columns or list(rows[0]), title))


def sweep_family(name: str, title: str, sizes: list[int], seeds: list[int],
                 measure: Callable[[int, int], dict[str, Any]]) -> None:
    """Measure each size on each seed's organisation (a family), one row each; save the table."""
    rows = []
    for n in sizes:
        for seed in seeds:
            rows.append({"n": n, "seed": seed, **measure(n, seed)})
            print(rows[-1], flush=True)
    print(save(name, rows, list(rows[0]), title))


def best_of(repeats: int, fn: Callable[[], T]) -> tuple[float, T]:
    """Return the fastest wall time over ``repeats`` runs, and the last result."""
    best = float("inf")
    out: T | None = None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    assert out is not None
    return best, out


def machine() -> dict[str, Any]:
    """Describe the machine and versions the numbers come from."""
    import subprocess
    from importlib.metadata import version

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=Path(__file__).parent, check=False).stdout.strip()
    return {
        "rmatch_commit": commit or "unknown",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        **{pkg: version(pkg) for pkg in ("numpy", "scipy", "ortools", "pydantic", "rmatch")},
    }


def save(name: str, rows: list[dict[str, Any]], columns: list[str], title: str) -> str:
    """Write ``results/NAME.json`` and ``results/NAME.md``; return the Markdown table."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(
        json.dumps({"machine": machine(), "rows": rows}, indent=2) + "\n", encoding="utf-8"
    )
    lines = [f"| {' | '.join(columns)} |", f"|{'|'.join('---' for _ in columns)}|"]
    for row in rows:
        cells = [f"{row[c]:.3f}" if isinstance(row[c], float) else str(row[c]) for c in columns]
        lines.append(f"| {' | '.join(cells)} |")
    table = "\n".join(lines)
    (RESULTS / f"{name}.md").write_text(f"# {title}\n\n{table}\n", encoding="utf-8")
    return table
