"""Many programmes: 50 country cohorts one after another, on local processes, on Dask.

Issue 12's goal: 50 programmes of 2,000 per side on a 2-worker Dask
LocalCluster faster than solving them one after another, with identical
results. The Dask workers import rmatch before the clock starts (a cluster
outlives one call); sending each cohort to a worker is timed. Each cohort is
a synthetic organisation of its own (seed = its number) with the everyday HR
rules (``common.PROGRAM``).

Run: ``python -m benchmarks many [--cohorts 50] [--n 2000]``.
Writes ``benchmarks/results/many.json`` and ``many.md``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import rmatch as rm
from benchmarks.common import PROGRAM, cohort, save


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cohorts", type=int, default=50)
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args(argv)
    cohorts = []
    for c in range(args.cohorts):
        org, juniors, seniors = cohort(args.n, seed=c)
        cohorts.append(rm.Cohort(name=f"country-{c}", juniors=juniors, seniors=seniors,
                                 program=PROGRAM, org=org))
    rows = []
    start = time.perf_counter()
    alone = rm.match_many(cohorts, processes=1)
    rows.append({"mode": "one after another", "workers": 1,
                 "time_s": time.perf_counter() - start, "identical": True})
    start = time.perf_counter()
    local = rm.match_many(cohorts, processes=2)
    rows.append({"mode": "local processes", "workers": 2,
                 "time_s": time.perf_counter() - start,
                 "identical": all(a.pairs == b.pairs for a, b in zip(alone, local, strict=True))})
    import distributed  # untyped calls: taken as Any

    dask: Any = distributed
    with dask.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            dask.Client(cluster) as client:
        # A cluster lives longer than one call: its workers have imported rmatch
        # (seconds each on this machine) before the clock starts.
        client.run(lambda: __import__("rmatch").match)
        start = time.perf_counter()
        on_dask = rm.match_many(cohorts, client=client)
        rows.append({"mode": "Dask LocalCluster", "workers": 2,
                     "time_s": time.perf_counter() - start,
                     "identical": all(a.pairs == b.pairs
                                      for a, b in zip(alone, on_dask, strict=True))})
    for row in rows:
        row.update(cohorts=args.cohorts, n=args.n)
        print(row, flush=True)
    print(save("many", rows, ["mode", "workers", "cohorts", "n", "time_s", "identical"],
               f"{args.cohorts} programmes of {args.n} per side"))


if __name__ == "__main__":
    main()
