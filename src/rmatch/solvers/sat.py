"""The CP-SAT model of a problem with its programme-wide rules, and how a search runs.

One boolean per allowed pair, capacity rows, and each rule written by itself
(:meth:`rmatch.constraints.compiled.ShareRule.encode` and its kin).
:mod:`rmatch.solvers.cpsat` searches the whole programme with it and
:mod:`rmatch.solvers.core` a core of it; :func:`run_model` tells a Ctrl-C from
a time limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from rmatch.constraints.compiled import SCALE
from rmatch.solvers.problem import Problem, Progress, Rule

__all__ = ["CANDIDATE_S", "Model", "ProgressFn", "Reporter", "add_up", "groups", "new_solver",
           "run_model"]

# Python-side cost of CP-SAT per candidate pair (model, hints, objective, answer).
CANDIDATE_S = 100e-6


ProgressFn = Callable[[Progress], None]


class Reporter(cp_model.CpSolverSolutionCallback):
    """Progress of one CP-SAT search: at its start, at each solution and each better bound.

    The bound callback matters: a search that starts from the optimum finds
    no new solution, and only its bound moves while it proves it.
    """

    def __init__(self, phase: int, scale: float, start: float, fn: ProgressFn,
                 incumbent: float = 0.0, bound: float = 0.0) -> None:
        super().__init__()
        self._phase, self._scale, self._start, self._fn = phase, scale, start, fn
        self._incumbent, self._bound = incumbent, max(bound, incumbent)

    def attach(self, solver: cp_model.CpSolver) -> None:
        """Follow the solver's bound, and report once as the search starts."""
        solver.best_bound_callback = self._on_bound
        self._report()

    def on_solution_callback(self) -> None:
        """Report a new solution with CP-SAT's bound at that moment."""
        self._incumbent = self.objective_value / self._scale
        self._bound = self.best_objective_bound / self._scale
        self._report()

    def _on_bound(self, bound: float) -> None:
        self._bound = bound / self._scale
        self._report()

    def _report(self) -> None:
        self._fn(Progress(self._phase, self._incumbent, max(self._bound, self._incumbent),
                          time.perf_counter() - self._start))


class Model:
    """The CP-SAT model of one problem; rules can be switched by literals."""

    def __init__(self, problem: Problem, *, with_switches: bool = False,
                 count: int | None = None) -> None:
        self.problem = problem
        self.cap_j, self.cap_s = problem.cap_j, problem.cap_s
        # With the number of pairs fixed (``count``), a balance rule whose
        # groups must then all be full has constant group sizes and is linear.
        self.count = count
        self.linear_balance = True
        self.rows, self.cols = np.nonzero(problem.feasible)
        self.weights = np.rint(problem.total[self.rows, self.cols].astype(np.float64)
                               * SCALE).astype(np.int64)
        self.exact = bool(np.all(problem.total[self.rows, self.cols].astype(np.float64) * SCALE
                                 == self.weights))
        m = self.model = cp_model.CpModel()
        k = len(self.rows)
        self.x = [m.new_bool_var(f"x{e}") for e in range(k)]
        self.switches: dict[str, Any] = {}
        n_j, n_s = problem.feasible.shape
        self.by_row = groups(self.rows, n_j)
        self.by_col = groups(self.cols, n_s)
        for by_person, caps in ((self.by_row, problem.cap_j), (self.by_col, problem.cap_s)):
            for person, edges in enumerate(by_person):
                if len(edges) > caps[person]:
                    m.add(add_up(self.x, edges) <= int(caps[person]))
        flat = self.rows * n_s + self.cols  # row-major, so sorted
        for e in np.searchsorted(flat, problem.fixed_rows * n_s + problem.fixed_cols).tolist():
            m.add(self.x[e] == 1)
        if count is not None:
            m.add(cp_model.LinearExpr.sum(self.x) == count)
        for rule in problem.rules:
            lit = None
            if with_switches:
                lit = self.switches[rule.label] = m.new_bool_var(rule.label)
            for con in self._rule(rule):
                if lit is not None:
                    con.only_enforce_if(lit)

    def _rule(self, rule: Rule) -> list[Any]:
        # Each rule writes itself (rmatch.constraints.compiled): this class is
        # the CpsatModel it writes into.
        return rule.encode(self)


def groups(keys: np.ndarray, size: int) -> list[np.ndarray]:
    """Edge indices by person: entry ``p`` lists the edges whose key is ``p``."""
    order = np.argsort(keys, kind="stable")
    ends = np.cumsum(np.bincount(keys, minlength=size))
    return [order[end - c:end] for end, c in
            zip(ends.tolist(), np.bincount(keys, minlength=size).tolist(), strict=True)]


def add_up(x: list[Any], edges: np.ndarray) -> Any:
    """Return the sum of the literals of ``edges``.

    Examples
    --------
    >>> model = cp_model.CpModel()
    >>> x = [model.new_bool_var(f"x{e}") for e in range(3)]
    >>> str(add_up(x, np.array([0, 2])))
    '(x0 + x2)'
    """
    return cp_model.LinearExpr.sum([x[e] for e in edges.tolist()])


def new_solver(problem: Problem, time_left: float) -> cp_model.CpSolver:
    """Return a CP-SAT solver for ``time_left`` seconds: one worker, the problem's seed.

    Examples
    --------
    >>> p = Problem(np.zeros((1, 1), np.float32), np.ones((1, 1), bool), np.ones(1, np.int64),
    ...             np.ones(1, np.int64), seed=7)
    >>> solver = new_solver(p, 5.0)
    >>> solver.parameters.num_workers, solver.parameters.random_seed
    (1, 7)
    """
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_left)
    # One worker: deterministic for a seed, and on this 2-core class of machine
    # measured faster than a parallel portfolio (interleaved search, the
    # deterministic parallel mode, was 100x slower on a 30 x 30 programme).
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = problem.seed
    return solver


def run_model(solver: cp_model.CpSolver, model: cp_model.CpModel,
              callback: cp_model.CpSolverSolutionCallback | None = None) -> Any:
    """Run CP-SAT; raise KeyboardInterrupt when Ctrl-C stopped it.

    CP-SAT catches SIGINT itself and returns its best assignment as if its
    time had run out, so a Ctrl-C used to end in a complete-looking result.
    With these parameters it stops early only when interrupted: a non-optimal
    status well before the time limit means the user pressed Ctrl-C.
    """
    if isinstance(callback, Reporter):
        callback.attach(solver)
    started = time.perf_counter()
    status = solver.solve(model, callback)
    took = time.perf_counter() - started
    limit = solver.parameters.max_time_in_seconds
    if status in (cp_model.FEASIBLE, cp_model.UNKNOWN) and took < 0.9 * limit - 0.05:
        raise KeyboardInterrupt("CP-SAT was interrupted")
    return status
