"""Explanations' costs: priced from the optimum against solving again, side by side.

Each row: a synthetic cohort of ``n`` juniors and ``n`` seniors under the
everyday rules, matched once; then ``--people`` explanations (half juniors,
half seniors, three alternatives each) with every feasible alternative's cost
found two ways in the same process: from the optimum's residual network
(:mod:`rmatch.solvers.forcing`: potentials once a result, then one search an
explanation) and by solving the programme again with the pair required
(:meth:`rmatch.MatchResult.force`, the way before). ``first_s`` is the first
priced explanation (it finds the potentials), ``priced_s`` all of them; the
costs and pairs lost must be the same both ways (the row says ``same``; the
run of 2026-12-07 checked the whole explanations, before they said their
exchanges, which may differ where ties allow two).

From 10 million pairs (about 3,200 per side) the programme is solved on
candidate pairs and keeps no score matrix: the priced way starts from the
certificate's prices and keeps the pairs near tight, scored again by blocks
(:mod:`rmatch.solvers.forcing_rows`), and each re-solve goes back to the
candidate path.

Run: ``python -m benchmarks explain [--sizes 1000 3000 5000] [--people 20]``.
Writes ``benchmarks/results/explain.json`` and ``explain.md``.
"""

from __future__ import annotations

import importlib
import time
from unittest import mock

import rmatch as rm
from benchmarks.common import PROGRAM, cohort, parser, sweep

# The module, not the function of the same name that rmatch.analysis exports.
_EXPLAIN = importlib.import_module("rmatch.analysis.explain")


def measure(n: int, people: int) -> dict[str, object]:
    """Match one cohort, then time its explanations both ways."""
    org, juniors, seniors = cohort(n)
    result = rm.match(juniors, seniors, PROGRAM, org=org)
    ids = [p.junior_id for p in result.pairs[: people // 2]]
    ids += [p.senior_id for p in result.pairs[people // 2: people]]
    start = time.perf_counter()
    priced = [result.explain(pid) for pid in ids[:1]]
    first = time.perf_counter() - start
    priced += [result.explain(pid) for pid in ids[1:]]
    priced_s = time.perf_counter() - start
    with mock.patch.object(_EXPLAIN, "PRICED_FROM", 10**15), \
            mock.patch.object(_EXPLAIN, "PRICED_UP_TO", 0), \
            mock.patch("rmatch.solvers.forcing.loaded", return_value=False), \
            mock.patch("rmatch.solvers.forcing_rows.RowForcing._changes",
                       side_effect=ValueError("solved again")):
        start = time.perf_counter()
        solved = [result.explain(pid) for pid in ids]
        solved_s = time.perf_counter() - start
    costs = sum(a.cost is not None for e in priced for a in e.alternatives)
    # The same costs and pairs lost (the exchanges may differ where ties allow two).
    same = all(x.pairs_lost == y.pairs_lost and (x.cost is None) == (y.cost is None)
               and abs((x.cost or 0.0) - (y.cost or 0.0)) <= 1e-9
               for a, b in zip(priced, solved, strict=True)
               for x, y in zip(a.alternatives, b.alternatives, strict=True))
    return {"n per side": n, "explanations": len(ids), "costs": costs, "first_s": first,
            "priced_s": priced_s, "solved_again_s": solved_s,
            "ratio": solved_s / priced_s, "same": same}


def main(argv: list[str] | None = None) -> None:
    cmd = parser(__doc__, [1000, 3000, 5000])
    cmd.add_argument("--people", type=int, default=20)
    args = cmd.parse_args(argv)
    sweep("explain", "Explanations priced from the optimum against solved again (seconds)",
          args.sizes, lambda n: measure(n, args.people))


if __name__ == "__main__":
    main()
