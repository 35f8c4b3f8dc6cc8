"""The built-in components (generation, skills, diversity), wishes, vetoes and self-pairs.

Each part is a matrix expression over :class:`~rmatch.model.ParticipantArrays`;
the compiled pass in :mod:`rmatch.scoring.kernel` sums the three built-in
components in one loop per tile of seniors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from rmatch.errors import InputError
from rmatch.jit import BLOCKS_COMPILED_FROM
from rmatch.model.arrays import ParticipantArrays
from rmatch.program.program import ScoringOptions

__all__ = ["BUILTIN_COMPONENTS", "SELF_PAIR", "VETO", "BoolMatrix", "ComponentFn", "Matrix"]

Matrix = npt.NDArray[np.float32]


BoolMatrix = npt.NDArray[np.bool_]


ComponentFn = Callable[[ParticipantArrays, ParticipantArrays], npt.ArrayLike]
"""A user component: ``fn(juniors, seniors)`` -> juniors x seniors matrix in [0, 1]."""


BUILTIN_COMPONENTS = ("generation", "skills", "diversity")


def _take_rows(v: Any, rows: npt.NDArray[np.int64]) -> Any:
    # np.take, not v[rows]: a scan's 24,000 scattered juniors' skills and codes in
    # 0.14 ms instead of 0.40 (numpy's fancy indexing of a 2-D array's rows is slower).
    return np.take(v, rows, axis=0)


def _take_cols(v: Any, rows: npt.NDArray[np.int64]) -> Any:
    return v[:, rows]


def _years_levels(side: ParticipantArrays) -> tuple[npt.NDArray[np.float32],
                                                     npt.NDArray[np.float32]]:
    """Birth years and levels (NaN when unknown) as float32, kept on the side."""
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
    js: ParticipantArrays, ss: ParticipantArrays, opt: ScoringOptions,
    hidden: Callable[[str], bool] = lambda _: False,
) -> dict[str, float]:
    """Return the fields ``diversity`` counts: as the options name them, or every shown one.

    By default: department, location and every attribute key but the sensitive
    ones (``hidden``): the score is published beside each pair, so a sensitive
    key in it could be read back from the score and the differences shown.
    """
    if opt.diversity_fields is not None:
        return dict(opt.diversity_fields)
    keys = ["department", "location", *sorted(js.attributes)]
    return dict.fromkeys((k for k in keys if not hidden(k)), 1.0)


def _diversity_groups(js: ParticipantArrays, ss: ParticipantArrays, opt: ScoringOptions,
                      hidden: Callable[[str], bool] = lambda _: False,
                      ) -> tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Return the diversity fields grouped by weight, where each group starts, its weight.

    Fields of equal weight (the default: all 1) are counted and weighted
    once: a count per pair is cheaper than a multiply-add per field.
    """
    fields = {k: w for k, w in _diversity_fields(js, ss, opt, hidden).items() if w > 0}
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


KERNEL_FROM_PAIRS = BLOCKS_COMPILED_FROM
"""Blocks of fewer pairs are scored by numpy passes, larger ones by the compiled kernel
(see :data:`rmatch.jit.BLOCKS_COMPILED_FROM`).

Both give the same bits (``tests/scoring/test_kernel.py`` checks the kernel
against these passes). The kernel is cached on disk once compiled; once it is
compiled in a process (a large programme scored), it scores the smaller blocks
too: a certificate scan at 100,000 per side ends each group of seniors with one."""


def numpy_total(*, bj: Matrix, lj: Matrix, bs: Matrix, ls: Matrix, generation: Matrix,
                left: Matrix, right: Matrix, cj: npt.NDArray[np.int32],
                cs: npt.NDArray[np.int32], group_start: npt.NDArray[np.int64],
                group_weight: Matrix, weights: Matrix, total: Matrix,
                components: Matrix | None = None, clip: bool = False) -> None:
    """Do what :func:`rmatch.scoring.kernel.builtin_total` does, as plain numpy passes.

    The same float32 operations in the same order, so the same bits; one
    pass per operation over the whole block (fast enough for small blocks).

    Examples
    --------
    >>> from rmatch.model import Participant, build_arrays
    >>> js, ss = build_arrays([Participant(id="j", birth_year=2000)],
    ...                       [Participant(id="s", birth_year=1970)])
    >>> total = np.empty((1, 1), np.float32)
    >>> numpy_total(bj=js.birth_year.astype(np.float32), lj=js.level.astype(np.float32),
    ...             bs=ss.birth_year.astype(np.float32), ls=ss.level.astype(np.float32),
    ...             generation=np.array([25, -4, 0.75], np.float32),
    ...             left=np.zeros((1, 0), np.float32), right=np.zeros((0, 1), np.float32),
    ...             cj=np.zeros((1, 0), np.int32), cs=np.zeros((0, 1), np.int32),
    ...             group_start=np.zeros(1, np.int64), group_weight=np.zeros(0, np.float32),
    ...             weights=np.array([1, 0, 0], np.float32), total=total, clip=True)
    >>> float(total[0, 0])  # levels unknown: the age part alone
    1.0
    """
    # generation: the age part and the level part, blended; 0 when the senior is
    # younger; one part alone where the other is unknown, 0 where both are
    age = np.subtract.outer(bj, bs)
    with np.errstate(invalid="ignore"):
        older = age < 0
    age /= generation[0]
    np.clip(age, 0, 1, out=age)
    lev = np.subtract.outer(lj, ls)
    lev /= generation[1]
    np.clip(lev, 0, 1, out=lev)
    gen = age - lev
    gen *= generation[2]
    gen += lev
    no_level = np.isnan(lev)
    gen[no_level] = age[no_level]
    no_age = np.isnan(bj)[:, None] | np.isnan(bs)[None, :]
    gen[no_age] = lev[no_age]
    gen[no_age & no_level] = 0
    gen[older] = 0
    # skills: float32, term after term, as the kernel adds them
    skills = np.zeros(total.shape, dtype=np.float32)
    for t in range(left.shape[1]):
        skills += left[:, t:t + 1] * right[t][None, :]
    np.clip(skills, 0, 1, out=skills)
    # diversity: per group of equal weight, the number of differing fields times the weight
    diversity = np.zeros(total.shape, dtype=np.float32)
    for g, weight in enumerate(group_weight):
        count = np.zeros(total.shape, dtype=np.int32)
        for f in range(int(group_start[g]), int(group_start[g + 1])):
            a, b = cj[:, f][:, None], cs[f][None, :]
            count += (a != b) & (a >= 0) & (b >= 0)
        if g == 0:
            diversity = count.astype(np.float32) * weight
        else:
            diversity += count.astype(np.float32) * weight
    np.clip(diversity, 0, 1, out=diversity)
    total[...] = 0
    for k, part in enumerate((gen, skills, diversity)):  # BUILTIN_COMPONENTS' order
        total += part * weights[k]
        if components is not None:
            components[k] = part
    if clip:
        np.clip(total, 0, 1, out=total)


def _builtin_scores(js: ParticipantArrays, ss: ParticipantArrays, opt: ScoringOptions,
                    weights: Sequence[float], *, keep: bool, clip: bool,
                    hidden: Callable[[str], bool] = lambda _: False,
                    ) -> tuple[Matrix, dict[str, Matrix]]:
    """Return the weighted sum of generation, skills and diversity, and (if ``keep``) each."""
    bj, lj = _years_levels(js)
    bs, ls = _years_levels(ss)
    left, right = _skills_factors(js, ss, opt)
    names, starts, group_weight = _diversity_groups(js, ss, opt, hidden)
    total: Matrix = np.empty((len(js), len(ss)), dtype=np.float32)
    comps = np.empty((3, len(js), len(ss)), dtype=np.float32) if keep else None
    args: dict[str, Any] = {
        "bj": bj, "lj": lj, "bs": bs, "ls": ls,
        "generation": np.array([opt.age_span_years, -opt.level_span, 1 - opt.level_share],
                               dtype=np.float32),
        "left": left, "right": right, "cj": _codes(js, names, False),
        "cs": _codes(ss, names, True), "group_start": starts, "group_weight": group_weight,
        "weights": np.array(weights, dtype=np.float32), "total": total, "components": comps,
        "clip": clip}
    from rmatch.scoring import kernel

    if len(js) * len(ss) < KERNEL_FROM_PAIRS and not kernel.ready():
        numpy_total(**args)
    else:
        kernel.builtin_total(**args)
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


def _avoiding(side: ParticipantArrays) -> npt.NDArray[np.intp]:
    """Return the rows of the people on a side who avoid someone (kept: most avoid no one)."""
    whom = side.derived("avoiding", lambda whole: np.array([bool(p.avoid) for p in whole.people],
                                                          dtype=np.bool_),
                        lambda kept, rows: kept[rows])
    return np.flatnonzero(whom)


def _vetoes(js: ParticipantArrays, ss: ParticipantArrays) -> BoolMatrix:
    """Pairs one of the two asked never to be in (``avoid``): a loop over people, not pairs.

    Over those who avoid someone alone: an unmatched person's reason asks for
    their one row, hundreds of times on a large programme.
    """
    vetoed = np.zeros((len(js), len(ss)), dtype=np.bool_)
    by_junior, by_senior = _avoiding(js), _avoiding(ss)
    if not by_junior.size and not by_senior.size:
        return vetoed
    jpos = {pid: k for k, pid in enumerate(js.ids)}
    spos = {pid: k for k, pid in enumerate(ss.ids)}
    for i in by_junior:
        cols = [spos[o] for o in js.people[i].avoid if o in spos]
        vetoed[i, cols] = True
    for k in by_senior:
        rows = [jpos[o] for o in ss.people[k].avoid if o in jpos]
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
    parent = many.__dict__.get("_parent")
    if parent is None:
        where = many.positions
        hits = [(i, where[pid]) for i, pid in enumerate(few.ids) if pid in where]
    else:
        # A part of a side (a scan's rows): the whole side's positions, kept,
        # mapped to the part (a person on both sides is rare).
        whole, rows = parent
        where = whole.positions
        hits = [(i, int(at)) for i, pid in enumerate(few.ids) if pid in where
                for at in np.flatnonzero(rows == where[pid])]
    a = np.array([i for i, _ in hits], dtype=np.intp)
    b = np.array([k for _, k in hits], dtype=np.intp)
    return (b, a) if swap else (a, b)
