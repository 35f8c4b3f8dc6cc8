r"""Scoring: how good each junior-senior pair would be, as numpy matrices.

Every component is a juniors x seniors matrix in [0, 1]; ``total`` is their
weighted mean. The built-in three and their weighted sum come from one
compiled pass (:mod:`rmatch._kernel`), the others from numpy broadcasts: no
Python loop over pairs.
The formulas (also in ``docs/scoring.md``), for junior :math:`j` and senior
:math:`s`:

``generation``
    With birth years :math:`b` and levels :math:`l`,
    :math:`a = \mathrm{clip}((b_j - b_s) / A, 0, 1)` (age gap, saturating at
    ``age_span_years`` :math:`A`) and
    :math:`v = \mathrm{clip}((l_s - l_j) / L, 0, 1)` (level gap, saturating at
    ``level_span`` :math:`L`): ``generation`` = :math:`(1-\lambda) a + \lambda v`
    with :math:`\lambda` = ``level_share``. It is 0 when the junior is older
    than the senior; when a birth year is missing it is :math:`v` alone.

``skills``
    Coverage of the senior's goals :math:`g_s` by the junior's skills
    :math:`k_j`, weighted by goal priority,
    :math:`c_{js} = \sum_t g_{s,t} k_{j,t} / \sum_t g_{s,t}`, plus the mutual
    term :math:`c_{sj}` (what the senior can teach back):
    ``skills`` = :math:`(1-\mu) c_{js} + \mu c_{sj}`, :math:`\mu` =
    ``mutual_share``. A person with no goals contributes 0 coverage.

``diversity``
    Weighted share of the chosen fields (department, location, attribute
    keys) on which the two differ; a field either partner leaves blank
    counts as "not different".
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from rmatch.arrays import ParticipantArrays, build_arrays
from rmatch.constraints import PairContext
from rmatch.errors import InputError, ResourceLimitError
from rmatch.models import OrgChart, Participant, Program, ScoringOptions

__all__ = [
    "BUILTIN_COMPONENTS",
    "SELF_PAIR",
    "VETO",
    "ComponentFn",
    "ScoreMatrix",
    "ScorePlan",
    "available_memory_gb",
    "check_field_names",
    "check_memory",
    "default_org",
    "dense_fits",
    "memory_limit",
    "plan_scores",
    "score",
    "score_arrays",
]

Matrix = npt.NDArray[np.float32]
BoolMatrix = npt.NDArray[np.bool_]
ComponentFn = Callable[[ParticipantArrays, ParticipantArrays], npt.ArrayLike]
"""A user component: ``fn(juniors, seniors)`` -> juniors x seniors matrix in [0, 1]."""

BUILTIN_COMPONENTS = ("generation", "skills", "diversity")


@dataclass(frozen=True)
class ScoreMatrix:
    """Scores of every junior-senior pair, by component, with the feasibility mask.

    Attributes
    ----------
    junior_ids, senior_ids
        Row and column labels.
    total
        Weighted mean of the components, float32 in [0, 1].
    components
        Component name -> matrix of the same shape, in [0, 1].
    feasible
        ``True`` where every pairwise constraint allows the pair.

    Examples
    --------
    >>> sm = score([Participant(id="j", birth_year=2000)],
    ...            [Participant(id="s", birth_year=1970, level=3)])
    >>> sm.shape, sorted(sm.components)
    ((1, 1), ['diversity', 'generation', 'skills'])
    """

    junior_ids: tuple[str, ...]
    senior_ids: tuple[str, ...]
    total: Matrix
    components: dict[str, Matrix]
    feasible: BoolMatrix
    juniors: ParticipantArrays = field(repr=False)
    seniors: ParticipantArrays = field(repr=False)
    program: Program = field(repr=False)
    org: OrgChart | None = field(default=None, repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        """``(number of juniors, number of seniors)``."""
        return len(self.junior_ids), len(self.senior_ids)

    def context(
        self, rows: Sequence[int] | None = None, cols: Sequence[int] | None = None
    ) -> PairContext:
        """Return the constraint context, optionally for a block of rows and columns.

        Examples
        --------
        >>> sm = score([Participant(id="j")], [Participant(id="s")])
        >>> sm.context(rows=[0]).shape
        (1, 1)
        """
        js = self.juniors if rows is None else self.juniors.take(rows)
        ss = self.seniors if cols is None else self.seniors.take(cols)
        r = slice(None) if rows is None else np.asarray(rows, dtype=np.int64)
        c = slice(None) if cols is None else np.asarray(cols, dtype=np.int64)
        block = getattr(self.total, "block", None)
        if rows is None and cols is None:
            total = self.total
        elif block is not None:  # scored on demand (candidate path): just this block
            total = block(r, c)
        else:
            total = self.total[r][:, c]
        return PairContext(js, ss, total, self.org, self.program.reference_date,
                           block=rows is not None or cols is not None)

    def ruled_out_by(self, junior_id: str, senior_id: str) -> list[str]:
        """Return the labels of the constraints that forbid a pair (empty if allowed).

        Examples
        --------
        >>> from rmatch.constraints import SharedLanguage
        >>> sm = score([Participant(id="j", languages={"en"})],
        ...            [Participant(id="s", languages={"de"})],
        ...            Program(constraints=[SharedLanguage()]))
        >>> sm.ruled_out_by("j", "s")
        ['SharedLanguage']
        """
        i, k = self.juniors.index(junior_id), self.seniors.index(senior_id)
        return self.row_violations(i, [k])[0]

    def row_violations(self, row: int, cols: Sequence[int]) -> list[list[str]]:
        """For one junior and some seniors, the constraints forbidding each pair.

        Examples
        --------
        >>> sm = score([Participant(id="j")], [Participant(id="s")])
        >>> sm.row_violations(0, [0])
        [[]]
        """
        ctx = self.context(rows=[row], cols=cols)
        out: list[list[str]] = [[] for _ in cols]
        for con in self.program.constraints:
            allowed = con.mask(ctx)[0]
            for pos in np.flatnonzero(~allowed):
                out[pos].append(con.label())
        for pos in _self_pairs(ctx.juniors, ctx.seniors)[1].tolist():
            out[pos].append(SELF_PAIR)
        for pos in np.flatnonzero(_vetoes(ctx.juniors, ctx.seniors)[0]).tolist():
            out[pos].append(VETO)
        return out

    def col_violations(self, col: int, rows: Sequence[int]) -> list[list[str]]:
        """For one senior and some juniors, the constraints forbidding each pair.

        Examples
        --------
        >>> sm = score([Participant(id="j")], [Participant(id="s")])
        >>> sm.col_violations(0, [0])
        [[]]
        """
        ctx = self.context(rows=rows, cols=[col])
        out: list[list[str]] = [[] for _ in rows]
        for con in self.program.constraints:
            allowed = con.mask(ctx)[:, 0]
            for pos in np.flatnonzero(~allowed):
                out[pos].append(con.label())
        for pos in _self_pairs(ctx.juniors, ctx.seniors)[0].tolist():
            out[pos].append(SELF_PAIR)
        for pos in np.flatnonzero(_vetoes(ctx.juniors, ctx.seniors)[:, 0]).tolist():
            out[pos].append(VETO)
        return out


# The built-in components are scored by one compiled pass (rmatch._kernel);
# what is prepared here are per-person arrays, kept on each side (a block of
# a side slices them), so the candidate path prepares nothing per block.


def _take_rows(v: Any, rows: npt.NDArray[np.int64]) -> Any:
    return v[rows]


def _take_cols(v: Any, rows: npt.NDArray[np.int64]) -> Any:
    return v[:, rows]


def _years_levels(side: ParticipantArrays) -> tuple[npt.NDArray[np.float32],
                                                     npt.NDArray[np.float32]]:
    """Birth years (NaN when missing) and levels as float32, kept on the side."""
    return side.derived("years_levels", lambda p: (p.birth_year.astype(np.float32),
                                                   p.level.astype(np.float32)),
                        lambda v, rows: (v[0][rows], v[1][rows]))


def _normalised(goals: Matrix) -> Matrix:
    """Each row of goal priorities divided by its sum (rows of zeros stay zero)."""
    weight = goals.sum(axis=1, keepdims=True)
    out: Matrix = np.zeros_like(goals)
    np.divide(goals, weight, out=out, where=weight > 0)
    return out


def _skills_factors(js: ParticipantArrays, ss: ParticipantArrays,
                    opt: ScoringOptions) -> tuple[Matrix, Matrix]:
    """``[k_j, mu g_j]`` per junior and ``[(1 - mu) g_s; k_s]`` per senior (terms x seniors).

    Their product is (1 - mu) * coverage(j -> s) + mu * coverage(s -> j).
    """
    mu = np.float32(opt.mutual_share)
    left = js.derived(("skills_left", float(mu)), lambda side: np.concatenate(
        [side.skills, mu * _normalised(side.goals)], axis=1).astype(np.float32), _take_rows)
    right = ss.derived(("skills_right", float(mu)), lambda side: np.ascontiguousarray(
        np.concatenate([(1 - mu) * _normalised(side.goals), side.skills],
                       axis=1).astype(np.float32).T), _take_cols)
    return left, right


def _diversity_fields(
    js: ParticipantArrays, ss: ParticipantArrays, opt: ScoringOptions
) -> dict[str, float]:
    if opt.diversity_fields is not None:
        return dict(opt.diversity_fields)
    keys = ["department", "location", *sorted(js.attributes)]
    return dict.fromkeys(keys, 1.0)


def _diversity_groups(js: ParticipantArrays, ss: ParticipantArrays, opt: ScoringOptions
                      ) -> tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Return the diversity fields grouped by weight, where each group starts, its weight.

    Fields of equal weight (the default: all 1) are counted and weighted
    once: a count per pair is cheaper than a multiply-add per field.
    """
    fields = {k: w for k, w in _diversity_fields(js, ss, opt).items() if w > 0}
    total_weight = sum(fields.values())
    by_weight: dict[float, list[str]] = {}
    for name, weight in fields.items():
        by_weight.setdefault(weight, []).append(name)
    names = [name for group in by_weight.values() for name in group]
    starts = np.cumsum([0, *(len(g) for g in by_weight.values())], dtype=np.int64)
    weights = np.array([w / total_weight for w in by_weight], dtype=np.float32)
    return names, starts, weights


def _codes(side: ParticipantArrays, names: list[str], transposed: bool
           ) -> npt.NDArray[np.int32]:
    """Codes of some fields, people x fields (or fields x people), int32, kept on the side."""
    def build(p: ParticipantArrays) -> npt.NDArray[np.int32]:
        codes = np.zeros((len(p), len(names)), dtype=np.int32)
        for k, name in enumerate(names):
            codes[:, k] = p.attribute(name)
        return np.ascontiguousarray(codes.T) if transposed else codes

    return side.derived(("codes", tuple(names), transposed), build,
                        _take_cols if transposed else _take_rows)


def _builtin_scores(js: ParticipantArrays, ss: ParticipantArrays, opt: ScoringOptions,
                    weights: Sequence[float], *, keep: bool, clip: bool
                    ) -> tuple[Matrix, dict[str, Matrix]]:
    """Return the weighted sum of generation, skills and diversity, and (if ``keep``) each."""
    from rmatch._kernel import builtin_total

    bj, lj = _years_levels(js)
    bs, ls = _years_levels(ss)
    left, right = _skills_factors(js, ss, opt)
    names, starts, group_weight = _diversity_groups(js, ss, opt)
    total: Matrix = np.empty((len(js), len(ss)), dtype=np.float32)
    comps = np.empty((3, len(js), len(ss)), dtype=np.float32) if keep else None
    builtin_total(
        bj=bj, lj=lj, bs=bs, ls=ls,
        generation=np.array([opt.age_span_years, -opt.level_span, 1 - opt.level_share],
                            dtype=np.float32),
        left=left, right=right, cj=_codes(js, names, False), cs=_codes(ss, names, True),
        group_start=starts, group_weight=group_weight,
        weights=np.array(weights, dtype=np.float32), total=total, components=comps,
        clip=clip)
    mats = {} if comps is None else dict(zip(BUILTIN_COMPONENTS, comps, strict=True))
    return total, mats


def _user_component(name: str, fn: ComponentFn, js: ParticipantArrays,
                    ss: ParticipantArrays) -> Matrix:
    try:
        out = np.asarray(fn(js, ss), dtype=np.float32)
    except (TypeError, ValueError) as err:
        raise InputError(f"score component {name!r} failed: {err}") from err
    if out.shape != (len(js), len(ss)):
        raise InputError(
            f"score component {name!r} returned shape {out.shape}, "
            f"expected {(len(js), len(ss))} (juniors x seniors)"
        )
    if not np.isfinite(out).all() or (out.size and (out.min() < 0 or out.max() > 1)):
        raise InputError(f"score component {name!r} returned values outside [0, 1]")
    return out


SELF_PAIR = "the same person (on both sides)"
"""How explanations name the pair of a person with themself."""
VETO = "a veto (avoid)"
"""How explanations name a pair that one of the two asked never to be in."""


def _vetoes(js: ParticipantArrays, ss: ParticipantArrays) -> BoolMatrix:
    """Pairs one of the two asked never to be in (``avoid``): a loop over people, not pairs."""
    vetoed = np.zeros((len(js), len(ss)), dtype=np.bool_)
    jpos = {pid: k for k, pid in enumerate(js.ids)}
    spos = {pid: k for k, pid in enumerate(ss.ids)}
    for i, p in enumerate(js.people):
        cols = [spos[o] for o in p.avoid if o in spos]
        vetoed[i, cols] = True
    for k, p in enumerate(ss.people):
        rows = [jpos[o] for o in p.avoid if o in jpos]
        vetoed[rows, k] = True
    return vetoed


def _wishes(js: ParticipantArrays, ss: ParticipantArrays) -> Matrix:
    """How much the two wished for each other: the mean of each side's wish for the other.

    A person's first wish is worth 1, the next ones less, linearly: wish ``r``
    (from 0) of ``L`` is worth ``1 - r / L``. Unwished partners are worth 0.
    """
    out = np.zeros((len(js), len(ss)), dtype=np.float32)
    jpos = {pid: k for k, pid in enumerate(js.ids)}
    spos = {pid: k for k, pid in enumerate(ss.ids)}
    for i, p in enumerate(js.people):
        for r, other in enumerate(p.wishes):
            if other in spos:
                out[i, spos[other]] += 0.5 * (1 - r / len(p.wishes))
    for k, p in enumerate(ss.people):
        for r, other in enumerate(p.wishes):
            if other in jpos:
                out[jpos[other], k] += 0.5 * (1 - r / len(p.wishes))
    return out


def _self_pairs(js: ParticipantArrays,
                ss: ParticipantArrays) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Rows and columns where the junior and the senior are one person (role "both")."""
    # A dictionary lookup per person of the smaller side, in the larger
    # side's (cached) positions: a block of juniors against every senior
    # must not sort all the seniors' ids each time.
    few, many, swap = (js, ss, False) if len(js) <= len(ss) else (ss, js, True)
    where = many._positions
    hits = [(i, where[pid]) for i, pid in enumerate(few.ids) if pid in where]
    a = np.array([i for i, _ in hits], dtype=np.intp)
    b = np.array([k for _, k in hits], dtype=np.intp)
    return (b, a) if swap else (a, b)


# Bytes per pair of the dense pipeline: total and scratch (float32), each
# component (float32), the feasibility mask, and the solver's float64 cost
# with one temporary; measured peaks sit below this.
_BYTES_PER_PAIR_BASE = 4 + 4 + 1 + 8 + 8
_BYTES_PER_COMPONENT = 4


def available_memory_gb() -> float | None:
    """Memory this machine can still give, in GB (None where it cannot be read).

    Examples
    --------
    >>> m = available_memory_gb()
    >>> m is None or m > 0
    True
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 1024**3
    except (ValueError, OSError, AttributeError):
        return None


def memory_limit(program: Program) -> tuple[float | None, str]:
    """Return the memory a programme may use, in GB, and where that figure comes from.

    Examples
    --------
    >>> memory_limit(Program(memory_limit_gb=2))
    (2.0, 'Program.memory_limit_gb')
    """
    if program.memory_limit_gb is not None:
        return program.memory_limit_gb, "Program.memory_limit_gb"
    free = available_memory_gb()
    if free is None:
        return None, "unknown"
    return 0.8 * free, f"80% of the {free:.1f} GB this machine has available"


def dense_fits(n_juniors: int, n_seniors: int, n_components: int, program: Program) -> bool:
    """Whether the dense score matrices of a programme fit its memory budget.

    Examples
    --------
    >>> dense_fits(100, 100, 3, Program())
    True
    >>> dense_fits(50_000, 50_000, 3, Program(memory_limit_gb=8))
    False
    """
    limit, _ = memory_limit(program)
    per_pair = _BYTES_PER_PAIR_BASE + _BYTES_PER_COMPONENT * n_components
    return limit is None or n_juniors * n_seniors * per_pair / 1024**3 <= limit


def check_memory(n_juniors: int, n_seniors: int, n_components: int, program: Program) -> None:
    """Raise :class:`ResourceLimitError` before a programme too large for memory is scored.

    Examples
    --------
    >>> check_memory(100, 100, 3, Program())  # a few hundred KB: fine
    >>> check_memory(50_000, 50_000, 3, Program(memory_limit_gb=1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rmatch.errors.ResourceLimitError: a 50,000 x 50,000 programme needs about 86.1 GB ...
    """
    per_pair = _BYTES_PER_PAIR_BASE + _BYTES_PER_COMPONENT * n_components
    need_gb = n_juniors * n_seniors * per_pair / 1024**3
    limit, why = memory_limit(program)
    if limit is None or need_gb <= limit:
        return
    side = int((limit * 1024**3 / per_pair) ** 0.5)
    raise ResourceLimitError(
        f"a {n_juniors:,} x {n_seniors:,} programme needs about {need_gb:.1f} GB for its "
        f"score matrices, more than {limit:.3g} GB ({why}); about {side:,} per side fits. "
        "Let solver 'auto' (or 'candidates') solve it on candidate pairs, split it into "
        "cohorts (by country or business unit), or raise memory_limit_gb on a larger machine")


def check_field_names(sm: ScoreMatrix) -> None:
    """Raise :class:`InputError` when the programme names a field no participant has.

    A misspelt key (``gendr``) in a rule, in ``diversity_fields`` or in
    ``sensitive_attributes`` would otherwise make a rule quietly count
    nothing, or leave a sensitive attribute unprotected. :func:`rmatch.match`
    checks the whole programme this way (scoring alone does not: it also
    scores parts of a programme).

    Examples
    --------
    >>> from rmatch.constraints import MinShare
    >>> sm = score([Participant(id="j", attributes={"gender": "f"})], [Participant(id="s")],
    ...            Program(constraints=[MinShare(attribute="gendr", share=0.5)]))
    >>> check_field_names(sm)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rmatch.errors.InputError: MinShare.attribute names 'gendr', which no participant has; ...
    """
    from rmatch.constraints import DifferentValue, GroupBalance, MinShare, SameValue, field_key

    program, js, ss = sm.program, sm.juniors, sm.seniors
    known = ["department", "location", *sorted(set(js.attributes) | set(ss.attributes))]
    wanted: list[tuple[str, str]] = [
        (f"{type(c).__name__}.attribute", c.attribute) for c in program.constraints
        if isinstance(c, (MinShare, GroupBalance))]
    wanted += [(f"{type(c).__name__}.field", field_key(c.field)) for c in program.constraints
               if isinstance(c, (SameValue, DifferentValue))]
    wanted += [("scoring.diversity_fields", k) for k in program.scoring.diversity_fields or {}]
    wanted += [(f"components[{spec.name!r}]", field_key(f)) for spec in program.components
               for f in spec.reads()]
    folded = {k.casefold(): k for k in known}
    problems = []
    for where, name in wanted:
        if name not in known:
            hint = (f" (did you mean {folded[name.casefold()]!r}? keys are case-sensitive)"
                    if name.casefold() in folded else "")
            problems.append(f"{where} names {name!r}, which no participant has{hint}")
    problems += [f"sensitive_attributes names {name!r}, which no participant has"
                 for name in sorted(program.sensitive_attributes)
                 if name.casefold() not in folded]
    if problems:
        raise InputError.of([f"{p}; the fields are {', '.join(known)}" for p in problems])


@dataclass(frozen=True)
class ScorePlan:
    """What scoring a programme takes, checked once: its components and their weights.

    Scoring a whole programme and scoring a block of it (the candidate
    path) share this, so both give the same bits for the same pair.

    Examples
    --------
    >>> plan = plan_scores([Participant(id="j")], [Participant(id="s")], Program())
    >>> sorted(plan.weights)
    ['diversity', 'generation', 'skills']
    """

    program: Program
    weights: dict[str, float]
    declared: dict[str, Any]
    extra: dict[str, ComponentFn]
    wished: bool
    vetoed: bool


def plan_scores(juniors: Sequence[Participant], seniors: Sequence[Participant],
                program: Program, components: Mapping[str, ComponentFn] | None = None,
                ) -> ScorePlan:
    """Check the programme's components and weights; return the :class:`ScorePlan`.

    Examples
    --------
    >>> plan_scores([Participant(id="j")], [Participant(id="s")],
    ...             Program(weights={"skills": 0, "generation": 0, "diversity": 0}))
    Traceback (most recent call last):
    ...
    rmatch.errors.InputError: all component weights are 0: at least one must be positive
    """
    extra = dict(components or {})
    declared = {spec.name: spec for spec in program.components}
    wished = any(p.wishes for group in (juniors, seniors) for p in group)
    named = [*BUILTIN_COMPONENTS, *(["wishes"] if wished else []),
             *(s.name for s in program.components), *extra]
    clash = sorted({n for n in named if named.count(n) > 1})
    if clash:
        raise InputError(f"component name(s) {clash} are given twice (built-in components, "
                         "the programme's components and components= share one namespace)")
    weights = program.weights.as_dict()
    unknown = sorted(set(weights) - set(named))
    if unknown:
        raise InputError(f"weights name unknown component(s) {unknown}; define them in the "
                         "programme's components or pass them as components=")
    for name, spec in declared.items():
        weights.setdefault(name, spec.max_points())
    if wished:
        weights.setdefault("wishes", 1.0)
    for name in extra:
        weights.setdefault(name, 1.0)
    if sum(weights.values()) <= 0:
        raise InputError("all component weights are 0: at least one must be positive")
    vetoed = any(p.avoid for group in (juniors, seniors) for p in group)
    return ScorePlan(program, weights, declared, extra, wished, vetoed)


def default_org(js: ParticipantArrays, ss: ParticipantArrays, program: Program,
                org: OrgChart | None) -> OrgChart | None:
    """Return the org chart reporting-line rules read: ``org``, else one built from everyone.

    Built once from both whole sides, so a block of people (an explanation's
    row, the candidate path's blocks) still finds its managers.

    Examples
    --------
    >>> js, ss = build_arrays([Participant(id="j", manager_id="s")], [Participant(id="s")])
    >>> default_org(js, ss, Program(), None).manager("j")
    's'
    """
    from rmatch.constraints import NoReportingLine

    if org is not None or not any(isinstance(c, NoReportingLine) for c in program.constraints):
        return org
    try:
        return OrgChart.from_participants([*js.people, *ss.people])
    except InputError as err:
        raise InputError("NoReportingLine needs every manager in the org chart; pass the "
                         f"full chart (org=... or --org FILE): {err}", err.problems) from None


def score_arrays(js: ParticipantArrays, ss: ParticipantArrays, plan: ScorePlan,
                 org: OrgChart | None = None, *, block: bool = False, components: bool = True,
                 ) -> tuple[dict[str, Matrix], Matrix, BoolMatrix]:
    """Score every pair of two (parts of) sides: ``(components, total, feasible)``.

    ``block`` is True when ``js`` and ``ss`` are parts of a programme: rules
    naming people outside them then skip those people. With ``components``
    False the components are not kept (an empty dict): the total alone is
    what the candidate path scans.

    Examples
    --------
    >>> js, ss = build_arrays([Participant(id="j")], [Participant(id="s")])
    >>> plan = plan_scores(js.people, ss.people, Program())
    >>> mats, total, feasible = score_arrays(js, ss, plan)
    >>> total.shape, bool(feasible[0, 0])
    ((1, 1), True)
    """
    program, weights = plan.program, plan.weights
    others: dict[str, Matrix] = {}
    if plan.wished:
        others["wishes"] = _wishes(js, ss)
    for name, spec in plan.declared.items():
        others[name] = spec.matrix(js, ss)
    for name, ufn in plan.extra.items():
        others[name] = _user_component(name, ufn, js, ss)
    wsum = sum(weights.values())
    # float32 weights, added in the components' order: the built-in ones in
    # the kernel, then the others (same bits whether the whole programme or a
    # block is scored).
    total, mats = _builtin_scores(
        js, ss, program.scoring, [weights[name] / wsum for name in BUILTIN_COMPONENTS],
        keep=components, clip=not others)
    for name, mat in others.items():
        if weights[name] > 0:
            total += mat * np.float32(weights[name] / wsum)
    if others:
        # Rounding in float32 can push a mean of 1.0s a hair above 1.
        np.clip(total, 0, 1, out=total)
    if components:
        mats.update(others)

    ctx = PairContext(js, ss, total, org, program.reference_date, block=block)
    feasible = np.ones((len(js), len(ss)), dtype=np.bool_)
    for con in program.constraints:
        feasible &= con.mask(ctx)
    # Not rules that can be turned off: a person on both sides never pairs with
    # themself, and a veto (``avoid``) always holds.
    feasible[_self_pairs(js, ss)] = False
    if plan.vetoed:
        feasible &= ~_vetoes(js, ss)
    return mats, total, feasible


def score(
    juniors: Sequence[Participant],
    seniors: Sequence[Participant],
    program: Program | None = None,
    *,
    org: OrgChart | None = None,
    components: Mapping[str, ComponentFn] | None = None,
) -> ScoreMatrix:
    """Score every junior-senior pair and apply the pairwise constraints.

    Parameters
    ----------
    juniors, seniors
        The two sides (mentors and mentees).
    program
        Weights, scoring options and constraints; ``Program()`` by default.
    org
        The full org chart, for :class:`~rmatch.constraints.NoReportingLine`
        when managers are not themselves participants.
    components
        Extra components by name: ``fn(juniors, seniors)`` returning a matrix
        in [0, 1]. Each takes the weight of the same name in
        ``program.weights`` (1.0 when not given).

    Returns
    -------
    ScoreMatrix

    Examples
    --------
    >>> j = Participant(id="j", birth_year=2000, skills={"genai": 1.0})
    >>> s = Participant(id="s", birth_year=1965, level=4, goals={"genai": 1.0})
    >>> sm = score([j], [s])
    >>> float(sm.components["skills"][0, 0]), float(sm.components["generation"][0, 0])
    (0.75, 1.0)
    """
    program = program or Program()
    plan = plan_scores(juniors, seniors, program, components)
    check_memory(len(juniors), len(seniors), len(plan.weights), program)
    js, ss = build_arrays(juniors, seniors)
    org = default_org(js, ss, program, org)
    mats, total, feasible = score_arrays(js, ss, plan, org)
    return ScoreMatrix(
        junior_ids=js.ids,
        senior_ids=ss.ids,
        total=total,
        components=mats,
        feasible=feasible,
        juniors=js,
        seniors=ss,
        program=program,
        org=org,
    )


