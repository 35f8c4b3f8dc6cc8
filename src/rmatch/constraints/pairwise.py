"""Pairwise rules: each allows or rules out single pairs and becomes part of the feasibility mask.

Reporting lines (in :mod:`rmatch.constraints.reporting`, re-exported here),
forbidden and required pairs, shared languages, time-zone gaps, a minimum
score, no repeats and the direction of seniority.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from pydantic import Field

from rmatch.constraints.base import (
    DEFAULT_REFERENCE_DATES,
    BaseRule,
    BoolMatrix,
    PairContext,
    ids_to_indices,
)
from rmatch.constraints.reporting import NoReportingLine
from rmatch.jit import BLOCKS_COMPILED_FROM, compiled, is_compiled
from rmatch.model.availability import SLOTS_PER_WEEK, utc_grid
from rmatch.model.languages import level_rank
from rmatch.model.participant import Participant

if TYPE_CHECKING:
    from rmatch.model.arrays import ParticipantArrays

__all__ = ["Forbid", "MaxTimezoneGap", "MinScore", "NoRepeat", "NoReportingLine", "Require",
           "SeniorityDirection", "SharedLanguage", "SharedTime", "shared_hours",
           "timezone_gap_hours"]




class Forbid(BaseRule):
    """These (junior id, senior id) pairs may not be formed.

    ``reason``, when given, says why in the rule's label and in what each
    pair is told ("asked for a new partner": a re-match's refused pairs).

    Examples
    --------
    >>> Forbid(pairs=[("j1", "s1")]).pairs
    [('j1', 's1')]
    >>> Forbid(pairs=[("j1", "s1")], reason="asked for a new partner").label()
    "Forbid(reason='asked for a new partner')"
    """

    kind: Literal["forbid"] = "forbid"
    pairs: list[tuple[str, str]]
    reason: str | None = None

    def why(self, ctx: PairContext) -> str:  # noqa: D102 - as the base class
        said = f" ({self.reason})" if self.reason else ""
        return f"the programme forbids this pair{said}"

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Rule out the listed pairs; unknown ids are an :class:`InputError`."""
        allowed = np.ones(ctx.shape, dtype=np.bool_)
        rows, cols = ids_to_indices(self.pairs, ctx, "Forbid")
        allowed[rows, cols] = False
        return allowed


class Require(BaseRule):
    """These (junior id, senior id) pairs must be in the result.

    Examples
    --------
    >>> Require(pairs=[("j1", "s1")]).kind
    'require'
    """

    kind: Literal["require"] = "require"
    pairs: list[tuple[str, str]]

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Allow every pair (the solver fixes the required ones); check the ids."""
        ids_to_indices(self.pairs, ctx, "Require")
        return np.ones(ctx.shape, dtype=np.bool_)

    def indices(self, ctx: PairContext) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Return the (junior rows, senior columns) of the required pairs."""
        return ids_to_indices(self.pairs, ctx, "Require")


class SharedLanguage(BaseRule):
    """Partners share at least one language.

    Attributes
    ----------
    unknown
        For a person whose languages are not given: ``"forbid"`` (the
        default: they match no one) or ``"allow"`` (the rule applies only
        where both partners' languages are known, as in the recommended
        rules).
    min_level
        Count only languages both partners speak at this level or better
        (``"B1"``: the recommended rules; a level left unsaid counts as
        enough). ``None``: any level.

    Examples
    --------
    >>> SharedLanguage().kind, SharedLanguage(unknown="allow").label()
    ('shared_language', "SharedLanguage(unknown='allow')")
    >>> SharedLanguage(min_level="B1").label()
    "SharedLanguage(min_level='B1')"
    """

    kind: Literal["shared_language"] = "shared_language"
    unknown: Literal["forbid", "allow"] = "forbid"
    min_level: Literal["A1", "A2", "B1", "B2", "C1", "C2", "native"] | None = None

    def label(self) -> str:  # noqa: D102 - as the base class
        parts = ([] if self.unknown == "forbid" else [f"unknown={self.unknown!r}"]) + (
            [] if self.min_level is None else [f"min_level={self.min_level!r}"])
        return f"SharedLanguage({', '.join(parts)})" if parts else "SharedLanguage"

    def blank_of(self, person: Participant) -> str | None:  # noqa: D102 - as the base class
        return "language" if self.unknown == "forbid" and not person.languages else None

    def why(self, ctx: PairContext) -> str:  # noqa: D102 - as the base class
        junior, senior = ctx.juniors.people[0], ctx.seniors.people[0]
        for side, person in (("junior", junior), ("senior", senior)):
            if not person.languages:
                return f"the {side} gives no language"

        def spoken(p: Participant) -> str:
            return ", ".join(f"{lang} ({p.language_levels[lang]})" if lang in p.language_levels
                             else lang for lang in sorted(p.languages))

        level = "" if self.min_level is None else f" at {self.min_level} or better"
        return (f"no language both speak{level} (the junior: {spoken(junior)}; the senior: "
                f"{spoken(senior)})")

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Each person's languages as the bits of one integer: a pair shares one if ``a & b``.

        With more than 64 languages in the programme, one matrix product of
        the indicator matrices instead (measured: the bits take a fifth of
        the product's time, which has to write float32 first).
        """
        n_lang = ctx.juniors.languages.shape[1]
        rank = level_rank(self.min_level)
        if 0 < n_lang <= 64:
            bj, bs = _language_bits(ctx.juniors, rank), _language_bits(ctx.seniors, rank)
            both = np.bitwise_and(bj[:, None], bs[None, :])
            allowed = np.asarray(both != 0)
        else:
            lj = _spoken(ctx.juniors, rank).astype(np.float32)
            ls = _spoken(ctx.seniors, rank).astype(np.float32)
            allowed = np.asarray((lj @ ls.T) > 0.5)
        if self.unknown == "allow":
            allowed |= (ctx.juniors.languages.sum(axis=1) == 0)[:, None]
            allowed |= (ctx.seniors.languages.sum(axis=1) == 0)[None, :]
        return allowed

    def restrict(self, ctx: PairContext, allowed: BoolMatrix) -> None:  # noqa: D102 - as the base
        n_lang = ctx.juniors.languages.shape[1]
        if not 0 < n_lang <= 64 or not _compile_it(ctx.shape, _and_shared):
            allowed &= self.mask(ctx)
            return
        rank = level_rank(self.min_level)
        anyone = self.unknown == "allow"
        compiled(_and_shared)(_language_bits(ctx.juniors, rank), _language_bits(ctx.seniors, rank),
                              _unknown(ctx.juniors, anyone), _unknown(ctx.seniors, anyone),
                              allowed)


CHECKS_FROM_PAIRS = BLOCKS_COMPILED_FROM
"""Blocks checked by compiled loops (see :data:`rmatch.jit.BLOCKS_COMPILED_FROM`): numpy's
broadcasts took about 1 ns a pair a rule on a scan's narrow 13,000 x 98 blocks."""


def _compile_it(shape: tuple[int, int], fn: Callable[..., Any]) -> bool:
    return shape[0] * shape[1] >= CHECKS_FROM_PAIRS or is_compiled(fn)


def _unknown(side: ParticipantArrays, anyone: bool) -> npt.NDArray[np.bool_]:
    """People whose languages are not given, when that allows any partner (else no one)."""
    if not anyone:
        return np.zeros(len(side), np.bool_)
    return side.derived("no_languages", lambda p: np.asarray(p.languages.sum(axis=1) == 0),
                        lambda v, rows: v[rows])


def _and_shared(bj: Any, bs: Any, uj: Any, us: Any, allowed: Any) -> None:  # pragma: no cover
    # Compiled by numba: a pair shares a language when its bits meet, or either
    # partner's languages are unknown (and that allows any partner).
    for i in range(bj.shape[0]):
        b, u = bj[i], uj[i]
        for k in range(bs.shape[0]):
            allowed[i, k] &= ((b & bs[k]) != 0) | u | us[k]


def _spoken(side: ParticipantArrays, rank: int) -> npt.NDArray[np.bool_]:
    """Languages spoken at level ``rank`` or better (a level left unsaid counts as enough)."""
    if rank <= 0:
        return side.languages
    levels = side.language_levels
    return np.asarray(side.languages & ((levels == 0) | (levels >= rank)))


def _language_bits(side: ParticipantArrays, rank: int = 0,
                   ) -> npt.NDArray[np.unsignedinteger[Any]]:
    """Each person's languages (at ``rank`` or better) as bits of the smallest unsigned integer."""

    def build(people: ParticipantArrays) -> npt.NDArray[np.unsignedinteger[Any]]:
        n_lang = people.languages.shape[1]
        dtype = next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64)
                     if np.iinfo(t).bits >= n_lang)
        weights = np.left_shift(np.ones(n_lang, dtype=np.uint64), np.arange(n_lang,
                                                                             dtype=np.uint64))
        return (_spoken(people, rank).astype(np.uint64) @ weights).astype(dtype)

    return side.derived(("language_bits", rank), build, lambda v, rows: v[rows])


class MaxTimezoneGap(BaseRule):
    """Partners' UTC offsets differ by at most ``hours``.

    Attributes
    ----------
    hours
        Largest allowed difference between the two UTC offsets.
    missing
        What to do when a partner has no time zone: ``"forbid"`` (default:
        the rule cannot be checked) or ``"allow"``.

    Examples
    --------
    >>> MaxTimezoneGap(hours=3).label()
    "MaxTimezoneGap(hours=3.0, missing='forbid')"
    """

    kind: Literal["max_timezone_gap"] = "max_timezone_gap"
    hours: float = Field(ge=0, allow_inf_nan=False)
    missing: Literal["forbid", "allow"] = "forbid"

    def blank_of(self, person: Participant) -> str | None:  # noqa: D102 - as the base class
        return "time zone" if self.missing == "forbid" and person.timezone is None else None

    def why(self, ctx: PairContext) -> str:  # noqa: D102 - as the base class
        gap = float(timezone_gap_hours(ctx)[0, 0])
        if np.isnan(gap):
            return "a partner's time zone is not given"
        return f"their time zones are {gap:g} hours apart (at most {self.hours:g})"

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Compare offsets per zone once, then broadcast over pairs."""
        gap = timezone_gap_hours(ctx)
        allowed = gap <= self.hours + 1e-9
        unknown = np.isnan(gap)
        allowed[unknown] = self.missing == "allow"
        return np.asarray(allowed)


def _offsets(zones: tuple[str, ...], day: date) -> npt.NDArray[np.float64]:
    out = np.empty(len(zones) + 1)
    for k, zone in enumerate(zones):  # once per distinct zone
        offset = datetime.combine(day, time(12), tzinfo=ZoneInfo(zone)).utcoffset()
        out[k] = 0.0 if offset is None else offset.total_seconds() / 3600.0
    out[-1] = np.nan  # code -1 (no zone) indexes this slot
    return out


def timezone_gap_hours(ctx: PairContext) -> npt.NDArray[np.float64]:
    """Return the juniors x seniors matrix of UTC-offset gaps in hours (NaN: unknown).

    Examples
    --------
    >>> from rmatch.model.arrays import build_arrays
    >>> from rmatch.model.participant import Participant
    >>> js, ss = build_arrays([Participant(id="j", timezone="Europe/Lisbon")],
    ...                       [Participant(id="s", timezone="Asia/Tokyo")])
    >>> float(timezone_gap_hours(PairContext(js, ss, np.zeros((1, 1), np.float32)))[0, 0])
    9.0
    """
    zones = ctx.juniors.vocab["timezone"]
    days = (ctx.reference_date,) if ctx.reference_date else DEFAULT_REFERENCE_DATES
    gap = np.zeros(ctx.shape)
    for day in days:
        off = _offsets(zones, day)
        gap = np.maximum(gap, np.abs(off[ctx.juniors.timezone][:, None]
                                     - off[ctx.seniors.timezone][None, :]))
    return gap


def shared_hours(juniors: ParticipantArrays, seniors: ParticipantArrays,
                 reference_date: date | None = None) -> npt.NDArray[np.float64]:
    """Return the juniors x seniors matrix of weekly hours both are available (NaN: unknown).

    Each person's slots move to UTC by their zone's offset; with no
    ``reference_date`` the smaller overlap of 15 January and 15 July counts
    (daylight saving never shows time that is not there). A person without
    slots or without a time zone is unknown.

    Examples
    --------
    >>> from rmatch.model.arrays import build_arrays
    >>> from rmatch.model.participant import Participant
    >>> js, ss = build_arrays(
    ...     [Participant(id="j", timezone="Europe/Lisbon", availability={"Mon PM"})],
    ...     [Participant(id="s", timezone="Europe/Paris", availability={"Mon PM"})])
    >>> float(shared_hours(js, ss)[0, 0])
    3.0
    """
    days = (reference_date,) if reference_date else DEFAULT_REFERENCE_DATES
    out = np.full((len(juniors), len(seniors)), np.inf)
    for day in days:
        gj, gs = _utc_grids(juniors, day), _utc_grids(seniors, day)
        out = np.minimum(out, (gj @ gs.T).astype(np.float64) / 2.0)
    known_j, known_s = _has_slots(juniors), _has_slots(seniors)
    out[~known_j, :] = np.nan
    out[:, ~known_s] = np.nan
    return out


def _has_slots(side: ParticipantArrays) -> npt.NDArray[np.bool_]:
    return np.array([bool(p.availability) and p.timezone is not None for p in side.people],
                    dtype=np.bool_)


def _utc_grids(side: ParticipantArrays, day: date) -> npt.NDArray[np.float32]:
    """Each person's week in UTC half-hours as float32 rows (zeros when unknown)."""
    def build(people: ParticipantArrays) -> npt.NDArray[np.float32]:
        grids = np.zeros((len(people.people), SLOTS_PER_WEEK), dtype=np.float32)
        for i, p in enumerate(people.people):  # a loop over people, not pairs
            if p.availability and p.timezone is not None:
                grids[i] = utc_grid(p.availability, p.timezone, day)
        return grids

    return side.derived(("utc_grid", day), build, lambda v, rows: v[rows])


class SharedTime(BaseRule):
    """Partners share at least ``min_hours`` of weekly availability, compared in UTC.

    Availability is each person's weekly slots in their own time zone
    (``Participant.availability``: "Mon AM", "Wed 14:00-16:00"). A pair where
    either gives no slots or no time zone is allowed unless
    ``missing="forbid"``.

    Examples
    --------
    >>> SharedTime(min_hours=2).label()
    'SharedTime(min_hours=2.0)'
    """

    kind: Literal["shared_time"] = "shared_time"
    min_hours: float = Field(default=1.0, gt=0, allow_inf_nan=False)
    missing: Literal["allow", "forbid"] = "allow"

    def label(self) -> str:  # noqa: D102 - as the base class
        extra = "" if self.missing == "allow" else ", missing='forbid'"
        return f"SharedTime(min_hours={self.min_hours!r}{extra})"

    def blank_of(self, person: Participant) -> str | None:  # noqa: D102 - as the base class
        if self.missing == "allow":
            return None
        return ("availability" if not person.availability else
                "time zone" if person.timezone is None else None)

    def why(self, ctx: PairContext) -> str:  # noqa: D102 - as the base class
        hours = float(shared_hours(ctx.juniors, ctx.seniors, ctx.reference_date)[0, 0])
        if np.isnan(hours):
            return "a partner gives no weekly slots or no time zone"
        return f"{hours:g} hours of weekly time in common (at least {self.min_hours:g})"

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Compare the shared hours (one matrix product per reference date) with the floor."""
        hours = shared_hours(ctx.juniors, ctx.seniors, ctx.reference_date)
        unknown = np.isnan(hours)
        with np.errstate(invalid="ignore"):
            allowed = hours >= self.min_hours - 1e-9
        return np.asarray(np.where(unknown, self.missing == "allow", allowed))


class MinScore(BaseRule):
    """Pairs must score at least ``value`` in ``total``.

    Examples
    --------
    >>> MinScore(value=0.4).value
    0.4
    """

    kind: Literal["min_score"] = "min_score"
    value: float = Field(ge=0, le=1, allow_inf_nan=False)

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Threshold the total score matrix."""
        return np.asarray(ctx.total >= np.float32(self.value))

    def why(self, ctx: PairContext) -> str:  # noqa: D102 - as the base class
        return f"the pair scores {float(ctx.total[0, 0]):.3f}, below {self.value:g}"


class NoRepeat(BaseRule):
    """Nobody is paired again with a previous partner (either side's record counts).

    Examples
    --------
    >>> NoRepeat().kind
    'no_repeat'
    """

    kind: Literal["no_repeat"] = "no_repeat"

    def why(self, ctx: PairContext) -> str:  # noqa: D102 - as the base class
        return "they were partners before"

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Rule out recorded previous partners; loops over records, not pairs."""
        allowed = np.ones(ctx.shape, dtype=np.bool_)
        spos = {sid: k for k, sid in enumerate(ctx.seniors.ids)}
        jpos = {jid: k for k, jid in enumerate(ctx.juniors.ids)}
        for i, p in enumerate(ctx.juniors.people):
            for other in p.previous_partners:
                if other in spos:
                    allowed[i, spos[other]] = False
        for k, p in enumerate(ctx.seniors.people):
            for other in p.previous_partners:
                if other in jpos:
                    allowed[jpos[other], k] = False
        return allowed


class SeniorityDirection(BaseRule):
    """The junior is below the senior in level, and younger, where both are known.

    An unknown level or birth year allows the pair: the rule only stops what
    it can see.

    Attributes
    ----------
    allow_equal
        Also allow the same level and the same birth year (the recommended
        rules do: a roster without levels has everyone at level 0, and the
        rule must then only stop a junior who outranks or is older than
        their senior).

    Examples
    --------
    >>> SeniorityDirection().kind, SeniorityDirection(allow_equal=True).label()
    ('seniority_direction', 'SeniorityDirection(allow_equal=True)')
    """

    kind: Literal["seniority_direction"] = "seniority_direction"
    allow_equal: bool = False

    def label(self) -> str:  # noqa: D102 - as the base class
        return super().label() if self.allow_equal else "SeniorityDirection"

    def why(self, ctx: PairContext) -> str:  # noqa: D102 - as the base class
        lj, bj = (float(x[0]) for x in _ranks(ctx.juniors, junior=True))
        ls, bs = (float(x[0]) for x in _ranks(ctx.seniors, junior=False))
        above = "above" if self.allow_equal else "not below"
        if not (lj <= ls if self.allow_equal else lj < ls):
            return f"the junior's level ({lj:g}) is {above} the senior's ({ls:g})"
        older = "older than" if self.allow_equal else "not younger than"
        if not (bj >= bs if self.allow_equal else bj > bs):
            return f"the junior is {older} the senior (by year of birth)"
        return "the junior is not below the senior"

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Compare levels and birth years by broadcasting."""
        below = np.less_equal if self.allow_equal else np.less
        after = np.greater_equal if self.allow_equal else np.greater
        lj, bj = _ranks(ctx.juniors, junior=True)
        ls, bs = _ranks(ctx.seniors, junior=False)
        if len(lj) > 4 * len(ls):
            # Many juniors, few seniors (a certificate scan's narrow block,
            # 13,000 x 98): numpy's broadcast pays per row of the result, so
            # compare seniors x juniors and copy the transpose (half the time).
            tall = below(lj[None, :], ls[:, None])
            tall &= after(bj[None, :], bs[:, None])
            return np.ascontiguousarray(tall.T)
        allowed = below(lj[:, None], ls[None, :])
        allowed &= after(bj[:, None], bs[None, :])
        return np.asarray(allowed)

    def restrict(self, ctx: PairContext, allowed: BoolMatrix) -> None:  # noqa: D102 - as the base
        if not _compile_it(ctx.shape, _and_below):
            allowed &= self.mask(ctx)
            return
        lj, bj = _ranks(ctx.juniors, junior=True, small=True)
        ls, bs = _ranks(ctx.seniors, junior=False, small=True)
        compiled(_and_below)(lj, ls, bj, bs, self.allow_equal, allowed)


def _and_below(lj: Any, ls: Any, bj: Any, bs: Any, equal: Any,
               allowed: Any) -> None:  # pragma: no cover - numba
    # Compiled by numba: the junior below the senior in level and born after
    # (unknowns already mapped to what allows any pair, see _ranks).
    for i in range(lj.shape[0]):
        level, born = lj[i], bj[i]
        if equal:
            for k in range(ls.shape[0]):
                allowed[i, k] &= (level <= ls[k]) & (born >= bs[k])
        else:
            for k in range(ls.shape[0]):
                allowed[i, k] &= (level < ls[k]) & (born > bs[k])


def _ranks(side: ParticipantArrays, *, junior: bool, small: bool = False
           ) -> tuple[npt.NDArray[np.floating[Any]], npt.NDArray[np.floating[Any]]]:
    """Levels and birth years with the unknown ones set to allow any pair, kept on the side.

    An unknown level is the lowest for a junior and the highest for a senior;
    a junior without a birth year is taken as the youngest (+inf), a senior
    without one as the oldest (-inf): one comparison per pair decides. Kept
    (:meth:`~rmatch.model.arrays.ParticipantArrays.derived`): the candidate
    path compares a block of juniors with every senior, block after block.
    ``small``: as float32 where that holds every value exactly (whole levels
    and years do), which the compiled check reads at half the memory traffic.
    """
    low = -np.inf if junior else np.inf

    def exact32(x: npt.NDArray[np.float64]) -> npt.NDArray[np.floating[Any]]:
        y = x.astype(np.float32)
        return y if small and np.array_equal(y.astype(np.float64), x) else x

    def build(p: ParticipantArrays
              ) -> tuple[npt.NDArray[np.floating[Any]], npt.NDArray[np.floating[Any]]]:
        return (exact32(np.nan_to_num(p.level, nan=low)),
                exact32(np.nan_to_num(p.birth_year, nan=-low)))

    return side.derived(("seniority", junior, small), build,
                        lambda v, rows: (v[0][rows], v[1][rows]))
