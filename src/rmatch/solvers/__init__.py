"""The solvers behind :func:`rmatch.match`, one module each.

- ``hungarian``: scipy's dense assignment (exact; capacities above 1 on one side only).
- ``flow``: OR-Tools min-cost flow over the feasible pairs (exact; any capacities).
- ``cpsat``: OR-Tools CP-SAT (exact; the only one for global rules such as MinShare).
- ``greedy``: best pair first (a baseline, not optimal).
- ``auto``: the fastest exact solver for the problem, see :func:`choose_solver`.

Examples
--------
>>> import numpy as np

from rmatch.constraints.programme import GlobalRule
>>> from rmatch import solvers
>>> problem = solvers.Problem(np.array([[0.9, 0.1], [0.8, 0.7]], np.float32),
...                           np.ones((2, 2), bool), np.ones(2, np.int64), np.ones(2, np.int64))
>>> solvers.run("flow", problem)[1].cols.tolist()
[0, 1]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from rmatch.constraints.compiled import BalanceRule, CoverRule, LoadRule, MinRule, ShareRule
from rmatch.constraints.programme import GlobalRule
from rmatch.solvers.cpsat import solve_cpsat
from rmatch.solvers.flow import solve_flow
from rmatch.solvers.greedy import solve_greedy
from rmatch.solvers.hungarian import solve_hungarian
from rmatch.solvers.problem import Problem, Progress, Rule, Solution, Step, objective

if TYPE_CHECKING:
    from rmatch.model.arrays import ParticipantArrays
    from rmatch.program.program import Program
    from rmatch.scoring.matrix import ScoreMatrix
    from rmatch.solvers.candidate_rules import SparseRule

__all__ = [
    "BACKENDS",
    "BalanceRule",
    "CoverRule",
    "LoadRule",
    "MinRule",
    "Problem",
    "Progress",
    "Rule",
    "ShareRule",
    "Solution",
    "Step",
    "choose_solver",
    "compile_pair_rules",
    "compile_rules",
    "objective",
    "run",
]

BACKENDS: dict[str, Callable[[Problem], Solution]] = {
    "hungarian": solve_hungarian,
    "flow": solve_flow,
    "cpsat": solve_cpsat,
    "greedy": solve_greedy,
}

# Below this share of feasible pairs, the flow network (one arc per feasible
# pair) is smaller than the dense matrix by enough to win. Set with the first
# solvers; the script cited for it then was never committed, so re-measure
# (python -m benchmarks core, sparse rules) before changing it.
SPARSE_SHARE = 0.05


# Above this many cells of the capacity-expanded matrix (people with capacity
# c repeated c times), flow beats the assignment solver whenever rows or
# columns repeat: the warm start gains little on identical rows. Measured on
# random 60%-feasible programmes, 2 cores (2026-11-26): 1,000 juniors with
# capacity 2 x 2,000 seniors (4M cells) 0.40 s vs 0.45 s (even); 2,500 x 2 x
# 5,000 (25M cells) hungarian 11.3 s, flow 3.8 s.
EXPANDED_FLOW_CELLS = 4_000_000


def choose_solver(problem: Problem) -> str:
    """Pick the fastest exact solver for a problem.

    Examples
    --------
    >>> import numpy as np
    >>> p = Problem(np.zeros((2, 2), np.float32), np.ones((2, 2), bool),
    ...             np.array([2, 2]), np.array([2, 1]))
    >>> choose_solver(p)
    'flow'
    >>> big = Problem(np.zeros((2500, 5000), np.float32), np.ones((2500, 5000), bool),
    ...               np.full(2500, 2), np.ones(5000, np.int64))
    >>> choose_solver(big)  # 25M cells once juniors are repeated: flow is 3x faster
    'flow'
    """
    if problem.rules:
        return "cpsat"
    both_sides_multi = problem.cap_j.max(initial=0) > 1 and problem.cap_s.max(initial=0) > 1
    if both_sides_multi:
        return "flow"
    if problem.feasible.size and problem.feasible.mean() < SPARSE_SHARE:
        return "flow"
    rows = int(np.maximum(problem.cap_j, 0).sum())
    cols = int(np.maximum(problem.cap_s, 0).sum())
    repeated = rows > len(problem.cap_j) or cols > len(problem.cap_s)
    if repeated and rows * cols >= EXPANDED_FLOW_CELLS:
        return "flow"
    return "hungarian"


def compile_rules(sm: ScoreMatrix) -> tuple[Rule, ...]:
    """Compile a scored programme's programme-wide constraints into solver rules.

    Examples
    --------
    >>> import rmatch as rm
    >>> sm = rm.score([rm.Participant(id="j")], [rm.Participant(id="s")],
    ...               rm.Program(constraints=[rm.MatchAll(side="juniors")]))
    >>> [type(rule).__name__ for rule in compile_rules(sm)]
    ['CoverRule']
    """
    ctx = sm.context()
    return tuple(con.compile(ctx) for con in sm.program.constraints
                 if isinstance(con, GlobalRule))


def compile_pair_rules(juniors: ParticipantArrays, seniors: ParticipantArrays,
                       program: Program) -> tuple[SparseRule, ...]:
    """Compile programme-wide constraints for the candidate path (no juniors x seniors matrix).

    Examples
    --------
    >>> import rmatch as rm
    >>> from rmatch.model.arrays import build_arrays
    >>> js, ss = build_arrays([rm.Participant(id="j")], [rm.Participant(id="s")])
    >>> rules = compile_pair_rules(js, ss, rm.Program(constraints=[
    ...     rm.MinShare(attribute="department", share=0.5)]))
    >>> type(rules[0]).__name__, rules[0].share
    ('PairShare', Fraction(1, 2))
    """
    return tuple(con.compile_blocks(juniors, seniors)
                 for con in program.constraints if isinstance(con, GlobalRule))


def run(name: str, problem: Problem) -> tuple[str, Solution]:
    """Run the named solver (``auto`` chooses); return the name used and the solution.

    Examples
    --------
    >>> import numpy as np
    >>> p = Problem(np.eye(2, dtype=np.float32), np.ones((2, 2), bool),
    ...             np.ones(2, np.int64), np.ones(2, np.int64))
    >>> used, sol = run("auto", p)
    >>> used, sol.rows.tolist(), sol.cols.tolist()
    ('hungarian', [0, 1], [0, 1])
    """
    used = choose_solver(problem) if name == "auto" else name
    return used, BACKENDS[used](problem)
