"""Many independent programmes at once: local processes, or a Dask cluster.

Large employers run one programme per country or business unit. The cohorts
share nothing, so they solve in parallel: ``match_many`` sends each to a
worker (local processes by default, a ``dask.distributed.Client`` when given;
``pip install 'rmatch[dask]'``) and returns the results in the same order.
Every solve is the same deterministic :func:`rmatch.match`, so each result is
identical to solving that cohort alone, its ``data_gaps`` included; what the
data cannot tell is warned in the caller's process, each line named by its
cohort (a worker's own warnings would be lost).
"""

from __future__ import annotations

import os
import pickle
import uuid
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from rmatch.errors import DataGapWarning, InputError, caught_warnings, warn, warn_again
from rmatch.model.orgchart import OrgChart
from rmatch.model.participant import Participant
from rmatch.program.program import Program
from rmatch.result.match_result import MatchResult
from rmatch.solvers.match import match

__all__ = ["Cohort", "match_many"]


class Cohort(BaseModel):
    """One independent programme: its people, its rules, its org chart.

    Examples
    --------
    >>> Cohort(name="PT", juniors=[Participant(id="j")], seniors=[Participant(id="s")]).name
    'PT'
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    name: str
    juniors: list[Participant]
    seniors: list[Participant]
    program: Program = Field(default_factory=Program)
    org: OrgChart | None = None


def _solve(cohort: Cohort) -> MatchResult:
    # A worker's warnings never reach the caller; the gaps travel on the result
    # and the parent says them, named by cohort, however the cohorts were solved.
    with caught_warnings() as caught:
        result = match(cohort.juniors, cohort.seniors, cohort.program, org=cohort.org)
    warn_again([w for w in caught if not issubclass(w.category, DataGapWarning)])
    return result


def _say_gaps(results: list[MatchResult], cohorts: list[Cohort]) -> list[MatchResult]:
    for result, cohort in zip(results, cohorts, strict=True):
        for line in result.data_gaps:
            warn(f"cohort {cohort.name!r}: {line}", DataGapWarning, stacklevel=3)
    return results


def _solve_light(cohort: Cohort) -> MatchResult:
    """Solve in a worker and send back the pairs, not the score matrices.

    The matrices (tens of MB a cohort) would cost more to send than to
    compute again; the parent re-scores a cohort, identically, only when an
    explanation or a report asks for it.
    """
    return _solve(cohort).without_scores()


def _solve_pickled(payload: bytes) -> bytes:
    """Run the Dask task: a pickled cohort in, a pickled light result out.

    Dask serialises pydantic objects object by object, about 20 times slower
    than one ``pickle.dumps`` (12 cohorts of 2,000 per side: 3.8 s to send
    against 0.2 s to pickle), so the cohorts travel as bytes.
    """
    result = _solve_light(pickle.loads(payload))
    return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


def _with_recipe(result: MatchResult, cohort: Cohort) -> MatchResult:
    return result.without_scores(
        rescore_from=(cohort.juniors, cohort.seniors, cohort.program, cohort.org))


def match_many(programmes: Sequence[Cohort], *, client: Any = None,
               processes: int | None = None) -> list[MatchResult]:
    """Match every cohort, in parallel; return the results in the cohorts' order.

    Parameters
    ----------
    programmes
        The cohorts, each with its own people, programme and org chart.
    client
        A ``dask.distributed.Client``: the cohorts are solved on its cluster.
    processes
        Local worker processes when no client is given (default: the number
        of CPUs; 1 solves in this process, one after another).

    Examples
    --------
    >>> import rmatch as rm
    >>> cohorts = [rm.Cohort(name=c, juniors=[rm.Participant(id=f"{c}-j")],
    ...                      seniors=[rm.Participant(id=f"{c}-s")]) for c in ("PT", "JP")]
    >>> [len(r.pairs) for r in rm.match_many(cohorts, processes=1)]
    [1, 1]
    """
    cohorts = list(programmes)
    wrong = [f"item {k} is a {type(c).__name__}" for k, c in enumerate(cohorts)
             if not isinstance(c, Cohort)]
    if wrong:
        raise InputError(f"match_many takes rm.Cohort objects: {'; '.join(wrong[:5])}")
    names = [c.name for c in cohorts]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(f"cohort name(s) {twice} are given twice")
    if client is not None:
        payloads = [pickle.dumps(c, protocol=pickle.HIGHEST_PROTOCOL) for c in cohorts]
        # Dask reuses the result of a task whose key it already holds: keys must
        # be unique per call, or two callers naming a cohort alike share one result.
        call = uuid.uuid4().hex
        futures = client.map(_solve_pickled, payloads,
                             key=[f"rmatch-{n}-{call}" for n in names])
        results = [pickle.loads(b) for b in client.gather(futures)]
    else:
        workers = min(processes or os.cpu_count() or 1, len(cohorts))
        if workers <= 1:
            return _say_gaps([_solve(c) for c in cohorts], cohorts)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_solve_light, cohorts))
    return _say_gaps([_with_recipe(r, c) for r, c in zip(results, cohorts, strict=True)],
                     cohorts)
