"""The programme over time at 1,000 and 5,000 per side: rematch, recommend, stability, calibrate.

Each row times one feature on a synthetic cohort with the everyday HR rules
(``common.PROGRAM``), after one ``rmatch.match`` (timed too, for scale):

- ``rematch_s``: 1% of the juniors leave, as many join, 1% ask to change;
- ``recommend_s``: the 5 best partners for one junior;
- ``stability_s``: the blocking pairs of the result and the stable alternative;
- ``calibrate_s``: weights fitted to one rating per pair (200 shuffles and
  200 bootstrap resamples).

Run: ``python -m benchmarks over_time [--sizes 1000 5000] [--seeds 0 1 2]``.
Writes ``benchmarks/results/over_time.json`` and ``over_time.md``.
"""

from __future__ import annotations

import time

import numpy as np

import rmatch as rm
from benchmarks.common import PROGRAM, cohort, parser, sweep_family


def measure(n: int, seed: int = 0) -> dict[str, object]:
    org, juniors, seniors = cohort(n, seed=seed)
    row: dict[str, object] = {"n": n}
    start = time.perf_counter()
    result = rm.match(juniors, seniors, PROGRAM, org=org)
    row["match_s"] = time.perf_counter() - start
    k = max(1, n // 100)
    leavers = {p.id for p in juniors[:k]}
    joiners = [p.model_copy(update={"id": f"{p.id}-new"}) for p in juniors[k:2 * k]]
    chart = rm.OrgChart(managers={**org.managers, **{p.id: p.manager_id for p in joiners}})
    asked = {p.junior_id for p in result.pairs[-k:]}
    start = time.perf_counter()
    out = rm.rematch(result, [p for p in juniors if p.id not in leavers] + joiners, seniors,
                     PROGRAM, change=asked, org=chart)
    row["rematch_s"] = time.perf_counter() - start
    row["rematch_kept"] = len(out.kept)
    start = time.perf_counter()
    rm.recommend(juniors[0], seniors, PROGRAM, k=5, org=org)
    row["recommend_s"] = time.perf_counter() - start
    start = time.perf_counter()
    report = result.stability()
    row["stability_s"] = time.perf_counter() - start
    row["blocking_pairs"] = len(report.blocking_pairs)
    rng = np.random.default_rng(0)
    ratings = [1 + 4 * p.components["skills"] + rng.normal(0, 0.3) for p in result.pairs]
    start = time.perf_counter()
    fit = rm.calibrate(result, ratings)
    row["calibrate_s"] = time.perf_counter() - start
    row["calibrated_predicts"] = fit.predicts
    return row


def main(argv: list[str] | None = None) -> None:
    cmd = parser(__doc__, [1000, 5000])
    cmd.add_argument("--seeds", type=int, nargs="+", default=[0],
                     help="synthetic organisations to measure each size on (a family)")
    args = cmd.parse_args(argv)
    sweep_family("over_time", "The programme over time", args.sizes, args.seeds, measure)


if __name__ == "__main__":
    main()
