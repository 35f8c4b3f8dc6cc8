"""Scoring planned once and applied to any block of people (dense matrix and candidates)."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rmatch.constraints.base import PairContext
from rmatch.errors import InputError
from rmatch.model.arrays import ParticipantArrays
from rmatch.model.orgchart import OrgChart
from rmatch.model.participant import Participant
from rmatch.program.program import Program
from rmatch.scoring.builtin import (
    BUILTIN_COMPONENTS,
    BoolMatrix,
    ComponentFn,
    Matrix,
    _builtin_scores,
    _self_pairs,
    _user_component,
    _vetoes,
    _wishes,
)

__all__ = ["ScorePlan", "default_org", "field_problems", "plan_scores", "score_arrays"]


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


def field_problems(program: Program, names: Collection[str], junior_gives: set[str] | None,
                   senior_gives: set[str] | None) -> list[str]:
    """Say each field the programme names that no participant has (or no side gives).

    ``names``: the attribute keys of the people; ``junior_gives`` and
    ``senior_gives``: the fields (``department``, ``location`` and keys) some
    junior (senior) gives a value for, None for an empty side. A misspelt key
    (``gendr``) in a rule, in ``diversity_fields`` or in
    ``sensitive_attributes`` would otherwise make a rule quietly count
    nothing, or leave a sensitive attribute unprotected.

    Examples
    --------
    >>> from rmatch.constraints import DifferentValue
    >>> field_problems(Program(constraints=[DifferentValue(field="departement")]), {"gender"},
    ...                {"department"}, {"department"})  # doctest: +ELLIPSIS
    ["DifferentValue.field names 'departement', which no participant has (did you mean \
'department'?); the fields are department, location, gender"]
    """
    from rmatch.constraints.base import field_key
    from rmatch.constraints.programme import MinShare

    known = ["department", "location", *sorted(names)]
    wanted: list[tuple[str, str]] = [
        (f"{type(c).__name__}.{option}", key) for c in program.constraints
        for option, key in c.fields().items()]
    wanted += [("scoring.diversity_fields", k) for k in program.scoring.diversity_fields or {}]
    wanted += [(f"components[{spec.name!r}]", field_key(f)) for spec in program.components
               for f in spec.reads()]
    folded = {k.casefold(): k for k in known}
    binding = {f"{type(c).__name__}.attribute" for c in program.constraints
               if isinstance(c, MinShare) and c.share > 0 and not c.at_most}
    problems = []
    for where, name in wanted:
        if name not in known:
            near = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
            hint = (f" (did you mean {folded[name.casefold()]!r}? keys are case-sensitive)"
                    if name.casefold() in folded else
                    f" (did you mean {near[0]!r}?)" if near else "")
            problems.append(f"{where} names {name!r}, which no participant has{hint}")
        elif where in binding and junior_gives is not None and senior_gives is not None and (
                name not in junior_gives or name not in senior_gives):
            # department and location are always "known" fields: a share of
            # pairs on one nobody gives could only be met by no pairs at all.
            side = "junior" if name not in junior_gives else "senior"
            problems.append(f"{where} names {name!r}, which no {side} gives: no pair could "
                            "count towards the share")
    problems += [f"sensitive_attributes names {name!r}, which no participant has"
                 for name in sorted(program.sensitive_attributes)
                 if name.casefold() not in folded]
    return [f"{p}; the fields are {', '.join(known)}" for p in problems]


def _fields_of(juniors: Sequence[Participant], seniors: Sequence[Participant]
               ) -> tuple[set[str], set[str] | None, set[str] | None]:
    """Return :func:`field_problems`'s fields from the people themselves."""
    def gives(side: Sequence[Participant]) -> set[str] | None:
        if not side:
            return None
        out = {k for p in side for k, v in p.attributes.items() if v is not None}
        return out | {f for f in ("department", "location")
                      if any(getattr(p, f) is not None for p in side)}

    names = {k for side in (juniors, seniors) for p in side for k in p.attributes}
    return names, gives(juniors), gives(seniors)


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
        near = {name: difflib.get_close_matches(name, named, n=1, cutoff=0.7) for name in unknown}
        hint = "".join(f" ({name!r}: did you mean {found[0]!r}?)"
                       for name, found in near.items() if found)
        # With the fields the programme misnames, found here from the people, so that
        # a programme file's typos are said at once (the fields are otherwise checked
        # only after scoring, which this error stops).
        raise InputError.of([f"weights name unknown component(s) {unknown}{hint}; define them "
                             "in the programme's components or pass them as components=",
                             *field_problems(program, *_fields_of(juniors, seniors))])
    for name, spec in declared.items():
        weights.setdefault(name, spec.max_points())
    if wished:
        weights.setdefault("wishes", 1.0)
    for name in extra:
        weights.setdefault(name, 1.0)
    if sum(weights.values()) <= 0:
        raise InputError("all component weights are 0: at least one must be positive")
    shown_sensitive = [k for k in program.scoring.diversity_fields or {}
                       if program.is_sensitive(k)]
    if shown_sensitive:
        # diversity is shown beside every pair, next to the fields on which the
        # partners differ: from the two, anyone could work the attribute out.
        raise InputError(f"scoring.diversity_fields names the sensitive attribute(s) "
                         f"{', '.join(repr(k) for k in shown_sensitive)}: the diversity score is "
                         "shown with every pair and would reveal them; use a rule instead "
                         "(MinShare, GroupBalance), which acts on them without showing them")
    vetoed = any(p.avoid for group in (juniors, seniors) for p in group)
    return ScorePlan(program, weights, declared, extra, wished, vetoed)


def default_org(js: ParticipantArrays, ss: ParticipantArrays, program: Program,
                org: OrgChart | None) -> OrgChart | None:
    """Return the org chart reporting-line rules read: ``org``, else one built from everyone.

    Built once from both whole sides, so a block of people (an explanation's
    row, the candidate path's blocks) still finds its managers.

    Examples
    --------
    >>> from rmatch.model import build_arrays
    >>> js, ss = build_arrays([Participant(id="j", manager_id="s")], [Participant(id="s")])
    >>> default_org(js, ss, Program(), None).manager("j")
    's'
    """
    from rmatch.constraints.pairwise import NoReportingLine

    if org is not None or not any(isinstance(c, NoReportingLine) for c in program.constraints):
        return org
    try:
        return OrgChart.from_participants([*js.people, *ss.people])
    except InputError as err:
        raise InputError("NoReportingLine needs every manager in the org chart; pass the "
                         f"full chart as org= (CLI: --org FILE): {err}", err.problems) from None


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
    >>> from rmatch.model import build_arrays
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
        keep=components, clip=not others, hidden=program.is_sensitive)
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
        con.restrict(ctx, feasible)
    # Not rules that can be turned off: a person on both sides never pairs with
    # themself, and a veto (``avoid``) always holds.
    feasible[_self_pairs(js, ss)] = False
    if plan.vetoed:
        feasible &= ~_vetoes(js, ss)
    return mats, total, feasible
