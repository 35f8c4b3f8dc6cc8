r"""Rotation rounds: one matching per round, no pair twice, exact.

A programme that rotates partners each quarter wants, over ``R`` rounds:
first as many people as possible with at least one partner, then as many
pairs as possible, then the highest total score; no pair twice (nor a pair
of ``previous_partners``), and everyone within their capacity in every round.

**Why one flow is exact.** Put the rounds together: their union is a set of
distinct pairs in which each person has at most ``capacity * R`` partners.
Conversely, any such set splits into ``R`` rounds that each respect the
capacities (below). So the best plan is the best such set, a capacitated
matching (each pair at most once) with the objective (people covered, pairs,
score). The flow solver finds the most pairs, then the most people covered
(a bonus larger than any total score on each person's first unit of
capacity), then the best score; and the most people covered and the most
pairs are reached together: an augmenting path never lowers anyone's number
of pairs, so from a plan covering the most people, augmenting to the most
pairs keeps everyone covered. Hence the flow's answer is also first in the
order (covered, pairs, score).

**Why the union splits into rounds (König).** Give each person ``capacity``
slots and deal their pairs out over the slots, at most ``R`` to a slot. The
slot graph is bipartite with degree at most ``R``; made ``R``-regular by the
standard doubling (a mirror copy of the graph and dummy edges between each
slot and its copy), it has a perfect matching, and removing it leaves an
``(R - 1)``-regular graph: ``R`` perfect matchings, one per round, each
holding at most one pair of each slot, so at most ``capacity`` pairs of each
person. Round sizes are then evened out: while two rounds differ by two or
more pairs, their union (paths and even cycles) has a path with one more pair
of the larger round, and swapping the rounds along it moves one pair across.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from pydantic import BaseModel, ConfigDict, Field
from scipy.sparse.csgraph import maximum_bipartite_matching

from rmatch.constraints.pairwise import NoRepeat
from rmatch.constraints.programme import GLOBAL_CONSTRAINTS, MatchAll
from rmatch.errors import InfeasibleError, InputError
from rmatch.model.orgchart import OrgChart
from rmatch.model.participant import Participant
from rmatch.model.text import counted
from rmatch.program.gaps import data_gaps
from rmatch.program.program import Program
from rmatch.result.match_result import MatchResult
from rmatch.scoring.builtin import ComponentFn
from rmatch.scoring.matrix import ScoreMatrix, check_field_names, score
from rmatch.solvers import CoverRule, Problem
from rmatch.solvers.certificate import DenseSource, certify_and_solve
from rmatch.solvers.flow import solve_cover
from rmatch.solvers.match import result_from_pairs
from rmatch.solvers.problem import Solution
from rmatch.solvers.required import check_required, required_pairs

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RoundsPlan", "plan_rounds"]

IntArray = npt.NDArray[np.int64]


class RoundsPlan(BaseModel):
    """A plan of ``R`` rounds: one :class:`~rmatch.MatchResult` per round, and the totals.

    Examples
    --------
    >>> import rmatch as rm
    >>> js = [rm.Participant(id="j1"), rm.Participant(id="j2")]
    >>> ss = [rm.Participant(id="s1"), rm.Participant(id="s2")]
    >>> plan = rm.plan_rounds(js, ss, rm.Program(constraints=[]), rounds=2)
    >>> [len(r.pairs) for r in plan.rounds], plan.pairs, plan.status
    ([2, 2], 4, 'optimal')
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    rounds: list[MatchResult]
    pairs: int
    """Pairs over all rounds (each pair in one round only)."""
    objective: float
    """Total score over all rounds."""
    uncovered_juniors: list[str]
    """Juniors without a partner in any round."""
    uncovered_seniors: list[str]
    status: Literal["optimal", "feasible"]
    """``optimal``: proven best for ``goal``."""
    wall_time_s: float = Field(ge=0)
    goal: Literal["max_pairs", "max_score"] = "max_pairs"
    """The programme's objective the plan is best for: ``max_pairs`` in the order (people
    covered, pairs, score); ``max_score`` the highest total score over the rounds (after
    covering the sides a ``MatchAll`` names)."""

    def summary(self) -> str:
        """Say in a few lines what the plan achieves.

        Examples
        --------
        >>> import rmatch as rm
        >>> ss = [rm.Participant(id=f"s{k}") for k in range(3)]
        >>> plan = rm.plan_rounds([rm.Participant(id="j")], ss, rm.Program(constraints=[]),
        ...                       rounds=3)
        >>> print(plan.summary().splitlines()[0])
        3 rounds, 3 pairs (1, 1, 1); uncovered: 0 juniors, 0 seniors
        >>> one = rm.plan_rounds([rm.Participant(id="j")], ss[:2], rm.Program(constraints=[]),
        ...                      rounds=1)
        >>> print(one.summary().splitlines()[0])
        1 round, 1 pair (1); uncovered: 0 juniors, 1 senior
        """
        sizes = ", ".join(str(len(r.pairs)) for r in self.rounds)
        # Under max_score a plan may leave people out that max_pairs would cover:
        # the words say which order it is best in.
        order = ("the most people covered, then the most pairs, then the highest score"
                 if self.goal == "max_pairs" else "the highest total score (objective "
                 "max_score: people may be left out whom max_pairs would cover)")
        quality = f"proven the best possible: {order}" if self.status == "optimal" \
            else "the best found"
        return (f"{counted(len(self.rounds), 'round')}, {counted(self.pairs, 'pair')} "
                f"({sizes}); uncovered: {counted(len(self.uncovered_juniors), 'junior')}, "
                f"{counted(len(self.uncovered_seniors), 'senior')}\n"
                f"total score {self.objective:.4f}: {quality}\n"
                f"{self.wall_time_s:.3f} s")

    def to_frame(self) -> pd.DataFrame:
        """Return every pair of every round as a DataFrame (``round`` from 1).

        Examples
        --------
        >>> import rmatch as rm
        >>> plan = rm.plan_rounds([rm.Participant(id="j")], [rm.Participant(id="s")],
        ...                       rm.Program(constraints=[]), rounds=1)
        >>> plan.to_frame().columns[:3].tolist()
        ['round', 'junior_id', 'senior_id']
        """
        import pandas as pd

        frames = []
        for k, result in enumerate(self.rounds, start=1):
            frame = result.to_frame()
            frame.insert(0, "round", k)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def write_report(self, path: str | Path) -> Path:
        """Write the plan's report: the totals, then one page (section) per round.

        Markdown (``.md``) or one self-contained HTML page (``.html``); each
        round's section is that round's programme report (coverage, scores,
        balance, stability, pairs).

        Examples
        --------
        >>> import tempfile, rmatch as rm
        >>> ss = [rm.Participant(id="s1"), rm.Participant(id="s2")]
        >>> plan = rm.plan_rounds([rm.Participant(id="j")], ss, rm.Program(constraints=[]),
        ...                       rounds=2)
        >>> text = plan.write_report(tempfile.mkdtemp() + "/plan.md").read_text()
        >>> text.count("## Round ")
        2
        """
        import html

        from rmatch.io.files import write_atomic
        from rmatch.report.render import page

        out = Path(path)
        suffix = out.suffix.lower()
        reports = [r.report() for r in self.rounds]
        if suffix == ".md":
            parts = ["# Rotation plan", "", *(f"    {line}" for line in
                                              self.summary().splitlines()), ""]
            for k, rep in enumerate(reports, start=1):
                body = rep.to_markdown().split("\n", 1)[1]  # drop the report's own title
                parts += [f"## Round {k}", body.replace("\n## ", "\n### ")]
            write_atomic(out, "\n".join(parts) + "\n")
        elif suffix in (".html", ".htm"):
            sections = [f"<h1>Rotation plan</h1><pre>{html.escape(self.summary())}</pre>"]
            sections += [f"<h2>Round {k}</h2>\n" + rep.html_body().replace("<h2>", "<h3>")
                         .replace("</h2>", "</h3>") for k, rep in enumerate(reports, start=1)]
            write_atomic(out, page("Rotation plan", "\n".join(sections)))
        else:
            raise InputError(f"{out}: a report must end in .md or .html")
        return out

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 2) -> str:
        """Dump the plan as JSON text, and write it to ``path`` if given.

        Examples
        --------
        >>> import json, rmatch as rm
        >>> ss = [rm.Participant(id="s1"), rm.Participant(id="s2")]
        >>> plan = rm.plan_rounds([rm.Participant(id="j")], ss, rm.Program(constraints=[]),
        ...                       rounds=2)
        >>> len(json.loads(plan.to_json())["rounds"])
        2
        """
        text = self.model_dump_json(indent=indent)
        if path is not None:
            from rmatch.io.files import write_atomic

            write_atomic(path, text + "\n")
        return text


def _refuse_empty_rounds(rounds: int, pairs: int, what: str) -> None:
    if rounds > max(pairs, 1):
        raise InputError(f"rounds={rounds}: there are only {pairs} {what}, so at most "
                         f"{max(pairs, 1)} rounds can hold a pair; plan fewer rounds")
    # Fewer rounds than that may still end in empty rounds when the rules allow
    # fewer pairs; those plans are valid and say so (empty results).


def plan_rounds(
    juniors: Sequence[Participant],
    seniors: Sequence[Participant],
    program: Program | None = None,
    *,
    rounds: int,
    org: OrgChart | None = None,
    components: Mapping[str, ComponentFn] | None = None,
) -> RoundsPlan:
    """Plan ``rounds`` rotation rounds exactly (see the module docstring for the proof).

    Every pairwise rule of the programme applies in every round; no pair is
    formed twice, nor with a recorded previous partner; each person keeps
    their ``capacity`` in each round. ``Require`` pairs are in some round;
    ``MatchAll`` makes covering its side a hard rule; other programme-wide
    rules are not supported here yet (refused, in words). The programme's
    ``objective`` holds over the rounds together: ``"max_pairs"`` (the
    default) puts the people covered first, then pairs, then score;
    ``"max_score"`` the highest total score, however many pairs (after
    covering the sides a ``MatchAll`` names).

    Examples
    --------
    >>> import rmatch as rm
    >>> js = [rm.Participant(id=f"j{i}", birth_year=2000) for i in range(3)]
    >>> ss = [rm.Participant(id=f"s{i}", birth_year=1970, level=4) for i in range(2)]
    >>> plan = rm.plan_rounds(js, ss, rounds=2)
    >>> [len(r.pairs) for r in plan.rounds], plan.uncovered_juniors
    ([2, 2], [])
    """
    start = time.perf_counter()
    if isinstance(rounds, bool) or not isinstance(rounds, (int, np.integer)):
        raise InputError(f"rounds must be a whole number, not {rounds!r}")
    if rounds < 1:
        raise InputError(f"rounds must be at least 1, not {rounds}")
    # More rounds than pairs can only add empty rounds: refuse before any work
    # (a typo such as 1000000 would otherwise build a million empty results).
    _refuse_empty_rounds(rounds, len(juniors) * len(seniors), "juniors x seniors")
    program = program or Program()
    if program.stable:
        raise InputError("plan_rounds plans the rounds together (the most people covered, or "
                         "the best score); a stable matching is one round's notion: match "
                         "each round with rm.match and objective 'stable', recording the "
                         "pairs as previous partners")
    unsupported = [c.label() for c in program.constraints
                   if isinstance(c, GLOBAL_CONSTRAINTS) and not isinstance(c, MatchAll)]
    if unsupported:
        raise InputError(f"plan_rounds does not support {', '.join(unsupported)} yet; match "
                         "each round with rm.match instead")
    if any(p.min_partners for p in (*juniors, *seniors)):
        raise InputError("plan_rounds does not support min_partners yet; match each round "
                         "with rm.match instead")
    sm = score(juniors, seniors, program, org=org, components=components)
    check_field_names(sm)
    # Never a previous partner again, whether or not the programme says NoRepeat.
    feasible = sm.feasible & NoRepeat().mask(sm.context())
    cap_j = np.minimum(sm.juniors.capacity, len(sm.senior_ids))
    cap_s = np.minimum(sm.seniors.capacity, len(sm.junior_ids))
    fixed_r, fixed_c = required_pairs(sm)
    check_required(sm, fixed_r, fixed_c, cap_j * rounds - np.bincount(
        fixed_r, minlength=len(cap_j)), cap_s * rounds - np.bincount(fixed_c, minlength=len(cap_s)))
    if program.objective == "max_score":
        # The best total score over the rounds, however many pairs: only the
        # sides a MatchAll names must be covered (first), nobody else.
        cover = tuple(CoverRule(c.label(), c.side) for c in program.constraints
                      if isinstance(c, MatchAll))
    else:
        cover = (CoverRule("everyone", "juniors"), CoverRule("everyone", "seniors"))
    problem = Problem(sm.total, feasible, cap_j * rounds, cap_s * rounds, program.time_limit_s,
                      program.seed, fixed_r, fixed_c, cover, objective=program.assignment_objective)
    union = _certified_union(problem) or solve_cover(problem)
    covered_j = np.bincount(union.rows, minlength=len(cap_j)) > 0
    covered_s = np.bincount(union.cols, minlength=len(cap_s)) > 0
    _check_match_all(sm, program, covered_j, covered_s)
    by_round = split_rounds(union.rows, union.cols, cap_j, cap_s, rounds)
    results = []
    for rows, cols in by_round:
        results.append(result_from_pairs(sm, rows, cols, status="optimal", bound=None,
                                         solver="flow", start=start))
    # Each round keeps what the data cannot tell, as rm.match's result does.
    gaps = data_gaps(juniors, seniors, program, org=org)
    results = [r.model_copy(update={"data_gaps": gaps}) for r in results] if gaps else results
    total = float(sm.total[union.rows, union.cols].astype(np.float64).sum())
    return RoundsPlan(
        rounds=results, pairs=len(union.rows), objective=total,
        uncovered_juniors=[sm.junior_ids[i] for i in np.flatnonzero(~covered_j)],
        uncovered_seniors=[sm.senior_ids[k] for k in np.flatnonzero(~covered_s)],
        status="optimal", wall_time_s=time.perf_counter() - start,
        goal="max_score" if program.objective == "max_score" else "max_pairs")


# From this many feasible pairs the rounds are solved on candidate pairs first
# (a scan proves them for every pair); below it one dense flow is quicker.
CANDIDATE_PAIRS = 2_000_000


def _certified_union(problem: Problem) -> Solution | None:
    """Solve the rounds' union on candidate pairs, proven for every pair; None: not here.

    The dense flow puts the people covered first. The certified solve ignores
    covering; when its optimum (the most pairs, then the best score, or the
    best score alone) already covers everyone the rules let have a partner,
    no assignment covers more, so it is the optimum of the covering objective
    too. Otherwise (someone coverable left out, or the scan stopped) the
    caller solves the dense flow. Required pairs are taken out first and
    counted for covering.
    """
    n, m = problem.feasible.shape
    if int(np.count_nonzero(problem.feasible)) < CANDIDATE_PAIRS:
        return None
    taken_j = np.bincount(problem.fixed_rows, minlength=n)
    taken_s = np.bincount(problem.fixed_cols, minlength=m)
    coverable_j = (problem.cap_j > 0) & (problem.feasible.any(axis=1) | (taken_j > 0))
    coverable_s = (problem.cap_s > 0) & (problem.feasible.any(axis=0) | (taken_s > 0))
    if any(isinstance(r, CoverRule) for r in problem.rules) and (
            coverable_j.sum() > problem.cap_s.sum() or coverable_s.sum() > problem.cap_j.sum()):
        return None  # more people to cover than places on the other side: the dense flow
    feasible = problem.feasible.copy()
    feasible[problem.fixed_rows, problem.fixed_cols] = False
    cert = certify_and_solve(DenseSource(np.asarray(problem.total, dtype=np.float32), feasible),
                             np.maximum(problem.cap_j - taken_j, 0),
                             np.maximum(problem.cap_s - taken_s, 0), problem.objective,
                             seed=problem.seed)
    if cert.stopped:
        return None
    rows = np.concatenate([problem.fixed_rows, cert.rows[cert.chosen]]).astype(np.int64)
    cols = np.concatenate([problem.fixed_cols, cert.cols[cert.chosen]]).astype(np.int64)
    for rule in problem.rules:
        assert isinstance(rule, CoverRule)
        juniors = rule.side == "juniors"
        coverable = coverable_j if juniors else coverable_s
        got = np.bincount(rows if juniors else cols, minlength=len(coverable)) > 0
        if (coverable & ~got).any():
            return None
    return Solution(rows, cols, "optimal")


def _check_match_all(sm: ScoreMatrix, program: Program, covered_j: np.ndarray,
                     covered_s: np.ndarray) -> None:
    reasons = []
    for con in program.constraints:
        if isinstance(con, MatchAll):
            covered, ids = ((covered_j, sm.junior_ids) if con.side == "juniors"
                            else (covered_s, sm.senior_ids))
            reasons += [f"{con.label()}: {ids[k]!r} has no partner in any round"
                        for k in np.flatnonzero(~covered)]
    if reasons:
        raise InfeasibleError("the rounds cannot give everyone a partner", reasons)


def split_rounds(rows: IntArray, cols: IntArray, cap_j: IntArray, cap_s: IntArray,
                 rounds: int) -> list[tuple[IntArray, IntArray]]:
    """Split distinct pairs, at most ``cap * rounds`` per person, into ``rounds`` rounds.

    Each round holds at most ``cap`` pairs of each person; round sizes differ
    by at most one. See the module docstring for why this always works.

    Examples
    --------
    >>> r, c = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    >>> [sorted(zip(a.tolist(), b.tolist())) for a, b in split_rounds(
    ...     r, c, np.array([1, 1]), np.array([1, 1]), 2)]
    [[(0, 0), (1, 1)], [(0, 1), (1, 0)]]
    """
    k = len(rows)
    if k == 0:
        empty = np.zeros(0, dtype=np.int64)
        return [(empty, empty) for _ in range(rounds)]
    slot_j = _deal(rows, cap_j, rounds)  # the junior slot of each pair
    slot_s = _deal(cols, cap_s, rounds)
    colour = _colour(slot_j, slot_s, rounds)
    colour = _even_out(colour, slot_j, slot_s, rounds)
    out = []
    for r in range(rounds):
        pick = np.flatnonzero(colour == r)
        out.append((rows[pick].astype(np.int64), cols[pick].astype(np.int64)))
    return out


def _deal(people: IntArray, cap: IntArray, rounds: int) -> IntArray:
    """Give each pair one of its person's ``cap`` slots, at most ``rounds`` pairs a slot."""
    order = np.argsort(people, kind="stable")
    sorted_people = people[order]
    first = np.searchsorted(sorted_people, sorted_people)  # first pair of the same person
    rank = np.arange(len(people)) - first  # 0, 1, 2, ... within each person
    offset = np.concatenate([[0], np.cumsum(np.maximum(cap, 1))])[:-1]
    slots = np.empty(len(people), dtype=np.int64)
    slots[order] = offset[sorted_people] + rank % np.maximum(cap[sorted_people], 1)
    assert (np.bincount(slots) <= rounds).all()
    return slots


def _colour(slot_j: IntArray, slot_s: IntArray, rounds: int) -> IntArray:
    """Colour the slot graph's edges with ``rounds`` colours, each colour a matching.

    The doubled graph (left: junior slots and mirrored senior slots; right:
    senior slots and mirrored junior slots; dummy edges from each slot to its
    mirror for the missing degree) is ``rounds``-regular; each perfect
    matching found in it, read on the real edges, is one colour.
    """
    nj, ns = int(slot_j.max()) + 1, int(slot_s.max()) + 1
    k = len(slot_j)
    deg_j = np.bincount(slot_j, minlength=nj)
    deg_s = np.bincount(slot_s, minlength=ns)
    # Left nodes: junior slots 0..nj-1, then mirrored senior slots nj..nj+ns-1.
    # Right nodes: senior slots 0..ns-1, then mirrored junior slots ns..ns+nj-1.
    left = np.concatenate([slot_j, nj + slot_s, np.arange(nj), nj + np.arange(ns)])
    right = np.concatenate([slot_s, ns + slot_j, ns + np.arange(nj), np.arange(ns)])
    mult = np.concatenate([np.ones(2 * k, np.int64), rounds - deg_j, rounds - deg_s])
    size = nj + ns
    colour = np.full(k, -1, dtype=np.int64)
    real = np.arange(k)
    for r in range(rounds):
        live = mult > 0
        graph = sp.csr_matrix((np.ones(int(live.sum())), (left[live], right[live])),
                              shape=(size, size))
        match = maximum_bipartite_matching(graph, perm_type="column")
        if (match < 0).any():  # cannot happen for a regular bipartite graph
            raise AssertionError("the doubled slot graph has no perfect matching")
        # Every (left, right) node pair carries one edge entry (dummies with a
        # multiplicity), so the matched entries are exactly these.
        chosen = live & (match[left] == right)
        mult[chosen] -= 1
        colour[real[chosen[:k]]] = r
    assert (colour >= 0).all()
    return colour


def _even_out(colour: IntArray, slot_j: IntArray, slot_s: IntArray, rounds: int) -> IntArray:
    """Swap rounds along alternating paths until round sizes differ by at most one."""
    colour = colour.copy()
    for _ in range(len(colour)):
        sizes = np.bincount(colour, minlength=rounds)
        big, small = int(sizes.argmax()), int(sizes.argmin())
        if sizes[big] - sizes[small] <= 1:
            return colour
        edges = np.flatnonzero((colour == big) | (colour == small))
        # Each slot has at most one edge of each round: paths and even cycles.
        at: dict[tuple[str, int], list[int]] = defaultdict(list)
        for e in edges.tolist():
            at[("j", int(slot_j[e]))].append(e)
            at[("s", int(slot_s[e]))].append(e)
        seen: set[int] = set()
        for e0 in edges.tolist():
            if e0 in seen:
                continue
            path = _component(e0, at, slot_j, slot_s)
            seen.update(path)
            n_big = sum(colour[e] == big for e in path)
            if n_big == len(path) - n_big + 1:  # a path with one more edge of the big round
                for e in path:
                    colour[e] = small if colour[e] == big else big
                break
    return colour


def _component(e0: int, at: Mapping[tuple[str, int], list[int]], slot_j: IntArray,
               slot_s: IntArray) -> list[int]:
    """Collect the edges of the path or cycle through edge ``e0`` (two rounds' union)."""
    out, stack, seen = [], [e0], {e0}
    while stack:
        e = stack.pop()
        out.append(e)
        for key in (("j", int(slot_j[e])), ("s", int(slot_s[e]))):
            for f in at[key]:
                if f not in seen:
                    seen.add(f)
                    stack.append(f)
    return out
