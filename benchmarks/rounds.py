"""Rotation rounds: ``plan_rounds`` time at 1,000 and 5,000 per side, 4 rounds.

Issue 14's goal: 4 rounds at 5,000 per side in under a minute on this 2-core
machine class. Each row: one synthetic cohort with the everyday HR rules
(``common.PROGRAM``), capacity 1 per round; the plan is exact (one min-cost
flow, then the König split into rounds), so it records the time and what the
plan achieves: pairs, people without a partner in any round, round sizes.

Run: ``python -m benchmarks rounds [--sizes 1000 5000] [--rounds 4] [--seeds 0 1 2]``
(several seeds: a family of organisations, each its own row).
Writes ``benchmarks/results/rounds.json`` and ``rounds.md``.
"""

from __future__ import annotations

import time

import rmatch as rm
from benchmarks.common import PROGRAM, cohort, parser, sweep_family


def measure(n: int, rounds: int, seed: int = 0) -> dict[str, object]:
    org, juniors, seniors = cohort(n, seed=seed)
    start = time.perf_counter()
    plan = rm.plan_rounds(juniors, seniors, PROGRAM, rounds=rounds, org=org)
    took = time.perf_counter() - start
    single = rm.match(juniors, seniors, PROGRAM, org=org)
    return {"n": n, "rounds": rounds, "time_s": took, "pairs": plan.pairs,
            "round_sizes": "/".join(str(len(r.pairs)) for r in plan.rounds),
            "uncovered": len(plan.uncovered_juniors) + len(plan.uncovered_seniors),
            "objective": plan.objective, "one_round_pairs": len(single.pairs),
            "status": plan.status}


def main(argv: list[str] | None = None) -> None:
    cmd = parser(__doc__, [1000, 5000])
    cmd.add_argument("--rounds", type=int, default=4)
    cmd.add_argument("--seeds", type=int, nargs="+", default=[0],
                     help="synthetic organisations to measure each size on (a family)")
    args = cmd.parse_args(argv)
    sweep_family("rounds", "plan_rounds: exact rotation rounds", args.sizes, args.seeds,
                 lambda n, seed: measure(n, args.rounds, seed))


if __name__ == "__main__":
    main()
