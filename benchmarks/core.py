"""End-to-end ``rmatch.match`` against scipy's assignment solver alone.

Target (issue 2): at 2,000 x 2,000, ``rmatch.match`` end to end (scoring,
constraints, solving, building the result) takes at most 1.5x the time of
``scipy.optimize.linear_sum_assignment`` alone on the same score matrix.

Run: ``python -m benchmarks core [--sizes 500 1000 2000] [--repeats 3]``.
Writes ``benchmarks/results/core.json`` and ``core.md``.
"""

from __future__ import annotations

from scipy.optimize import linear_sum_assignment

import rmatch as rm
from benchmarks.common import best_of, cohort, parser, sweep

CONSTRAINED = rm.Program(constraints=[rm.NoReportingLine(), rm.SharedLanguage(),
                                      rm.SeniorityDirection(), rm.MaxTimezoneGap(hours=6)])
# No rules at all (since the second wave a programme without constraints gets
# the recommended HR rules): the bare scoring and assignment are what is timed.
FREE = rm.Program(constraints=[])


def measure(n: int, repeats: int) -> dict[str, object]:
    """Time every variant on one n x n synthetic cohort."""
    org, juniors, seniors = cohort(n)
    t_score, sm = best_of(repeats, lambda: rm.score(juniors, seniors, FREE))
    t_scipy, _ = best_of(repeats, lambda: linear_sum_assignment(sm.total, maximize=True))
    t_match, res = best_of(repeats, lambda: rm.match(juniors, seniors, FREE))
    t_flow, res_flow = best_of(repeats, lambda: rm.match(juniors, seniors, FREE, solver="flow"))
    t_greedy, res_greedy = best_of(repeats,
                                   lambda: rm.match(juniors, seniors, FREE, solver="greedy"))
    t_con, res_con = best_of(repeats,
                             lambda: rm.match(juniors, seniors, CONSTRAINED, org=org))
    if abs(res.objective - res_flow.objective) > 1e-6:
        raise SystemExit(f"exact solvers disagree at n={n}")
    return {
        "size": f"{n} x {n}",
        "score_s": t_score,
        "scipy_alone_s": t_scipy,
        "match_s": t_match,
        "match/scipy": t_match / t_scipy,
        "flow_s": t_flow,
        "greedy_s": t_greedy,
        "greedy_quality": res_greedy.objective / res.objective,
        "constrained_s": t_con,
        "constrained_solver": res_con.solver,
        "feasible_share": float(res_con.scores.feasible.mean()),
    }


def main(argv: list[str] | None = None) -> None:
    cmd = parser(__doc__, [500, 1000, 2000])
    cmd.add_argument("--repeats", type=int, default=5)
    args = cmd.parse_args(argv)
    sweep("core", "rmatch.match end to end vs scipy alone (seconds)", args.sizes,
          lambda n: measure(n, args.repeats))


if __name__ == "__main__":
    main()
