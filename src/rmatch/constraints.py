"""Constraints on which pairs may be formed.

Each pairwise constraint is a small frozen model with a ``kind`` tag (so a
programme's constraints load from JSON as a discriminated union) and a
vectorised :meth:`mask` that returns a juniors x seniors boolean matrix,
``True`` where the pair is allowed. :func:`rmatch.score` ANDs the masks into
``ScoreMatrix.feasible``.

``Require`` is the exception: it allows every pair but names pairs that
:func:`rmatch.match` must include.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from rmatch.errors import InputError

if TYPE_CHECKING:
    from rmatch.arrays import ParticipantArrays
    from rmatch.models import OrgChart

__all__ = [
    "GLOBAL_CONSTRAINTS",
    "AgeGap",
    "Constraint",
    "DifferentValue",
    "Forbid",
    "GroupBalance",
    "LevelGap",
    "MatchAll",
    "MaxTimezoneGap",
    "MinScore",
    "MinShare",
    "NoRepeat",
    "NoReportingLine",
    "PairContext",
    "Require",
    "SameValue",
    "SeniorityDirection",
    "SharedLanguage",
    "field_key",
    "recommended_rules",
]

BoolMatrix = npt.NDArray[np.bool_]
IntMatrix = npt.NDArray[np.int64]

# Without a reference date, offsets are taken on one winter and one summer
# day of a fixed year: the larger gap counts, so daylight saving never hides
# a gap, and the result does not change with the day the programme runs.
_DEFAULT_REFERENCE_DATES = (date(2026, 1, 15), date(2026, 7, 15))


@dataclass(frozen=True)
class PairContext:
    """Everything a constraint may look at to decide which pairs are allowed.

    Examples
    --------
    >>> from rmatch.arrays import build_arrays
    >>> from rmatch.models import Participant
    >>> js, ss = build_arrays([Participant(id="j")], [Participant(id="s")])
    >>> ctx = PairContext(js, ss, np.ones((1, 1), np.float32))
    >>> ctx.shape
    (1, 1)
    """

    juniors: ParticipantArrays
    seniors: ParticipantArrays
    total: npt.NDArray[np.float32]
    org: OrgChart | None = None
    reference_date: date | None = None
    block: bool = False
    """True for a block of the programme's rows and columns (explanations): ids
    named by a constraint may then lie outside it without being an error."""

    @property
    def shape(self) -> tuple[int, int]:
        """``(number of juniors, number of seniors)``."""
        return len(self.juniors), len(self.seniors)


class _Base(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def label(self) -> str:
        """Return a short human-readable name, as used in explanations.

        Examples
        --------
        >>> SharedLanguage().label()
        'SharedLanguage'
        """
        # Options left at None (NoReportingLine's whole chain) say nothing.
        fields = {k: v for k, v in self.model_dump().items() if k != "kind" and v is not None}
        args = ", ".join(f"{k}={v!r}" for k, v in fields.items() if not isinstance(v, list))
        return f"{type(self).__name__}({args})" if args else type(self).__name__

    def mask(self, ctx: PairContext) -> BoolMatrix:  # pragma: no cover - overridden
        """Return the juniors x seniors matrix of allowed pairs."""
        raise NotImplementedError


class NoReportingLine(_Base):
    """No one is paired with a manager in their own reporting line.

    Attributes
    ----------
    depth
        How many levels up the chain count (``None``: the whole chain). Both
        directions are ruled out: the senior above the junior, and the rare
        junior above the senior.

    Examples
    --------
    >>> NoReportingLine(depth=2).label()
    'NoReportingLine(depth=2)'
    """

    kind: Literal["no_reporting_line"] = "no_reporting_line"
    depth: int | None = Field(default=None, ge=1)

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Rule out pairs where one partner manages the other (vectorised per level)."""
        from rmatch.models import OrgChart

        org = ctx.org
        if org is None:
            try:
                org = OrgChart.from_participants([*ctx.juniors.people, *ctx.seniors.people])
            except InputError as err:
                raise InputError(
                    "NoReportingLine needs every manager in the org chart; pass the full "
                    f"chart (org=... or --org FILE): {err}",
                    err.problems,
                ) from None
        allowed = np.ones(ctx.shape, dtype=np.bool_)
        j_anc, j_rows = _chart_view(ctx.juniors, org, self.depth)
        s_anc, s_rows = _chart_view(ctx.seniors, org, self.depth)
        for ancestors, (chart_sorted, order), transpose in ((j_anc, s_rows, False),
                                                             (s_anc, j_rows, True)):
            # Which managers sit on the other side, and in which row/column.
            pos = np.minimum(np.searchsorted(chart_sorted, ancestors), len(chart_sorted) - 1)
            found = (ancestors >= 0) & (chart_sorted[pos] == ancestors) if len(order) else \
                np.zeros(ancestors.shape, dtype=np.bool_)
            rows, level = np.nonzero(found)
            cols = order[pos[rows, level]]
            if transpose:
                allowed[cols, rows] = False
            else:
                allowed[rows, cols] = False
        return allowed


def _chart_view(people: ParticipantArrays, org: OrgChart, depth: int | None
                ) -> tuple[IntMatrix, tuple[IntMatrix, IntMatrix]]:
    """Return a side's managers (chart indices) and its chart indices sorted, kept on it.

    Returns ``(ancestors, (sorted chart indices, their rows))``. A side
    scored block after block (the candidate path) looks its people up in the
    chart once, not once per block: on a 700,000-person chart that was most
    of a block's time.
    """
    def build(side: ParticipantArrays
              ) -> tuple[OrgChart, IntMatrix, tuple[IntMatrix, IntMatrix], IntMatrix]:
        return _view(org, org.ancestors(side.ids, depth), org.indices(side.ids))

    kept = people.derived(("chart", id(org), depth), build,
                          lambda v, idx: _view(v[0], v[1][idx], v[3][idx]))
    if kept[0] is not org:  # another chart under a recycled id: look up again
        kept = build(people)
    return kept[1], kept[2]


def _view(org: OrgChart, ancestors: IntMatrix, rows: IntMatrix
          ) -> tuple[OrgChart, IntMatrix, tuple[IntMatrix, IntMatrix], IntMatrix]:
    order = np.argsort(rows, kind="stable")
    return org, ancestors, (rows[order], order.astype(np.int64)), rows


class Forbid(_Base):
    """These (junior id, senior id) pairs may not be formed.

    Examples
    --------
    >>> Forbid(pairs=[("j1", "s1")]).pairs
    [('j1', 's1')]
    """

    kind: Literal["forbid"] = "forbid"
    pairs: list[tuple[str, str]]

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Rule out the listed pairs; unknown ids are an :class:`InputError`."""
        allowed = np.ones(ctx.shape, dtype=np.bool_)
        rows, cols = _pair_indices(self.pairs, ctx, "Forbid")
        allowed[rows, cols] = False
        return allowed


class Require(_Base):
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
        _pair_indices(self.pairs, ctx, "Require")
        return np.ones(ctx.shape, dtype=np.bool_)

    def indices(self, ctx: PairContext) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Return the (junior rows, senior columns) of the required pairs."""
        return _pair_indices(self.pairs, ctx, "Require")


class SharedLanguage(_Base):
    """Partners share at least one language.

    Attributes
    ----------
    unknown
        For a person whose languages are not given: ``"forbid"`` (the
        default: they match no one) or ``"allow"`` (the rule applies only
        where both partners' languages are known, as in the recommended
        rules).

    Examples
    --------
    >>> SharedLanguage().kind, SharedLanguage(unknown="allow").label()
    ('shared_language', "SharedLanguage(unknown='allow')")
    """

    kind: Literal["shared_language"] = "shared_language"
    unknown: Literal["forbid", "allow"] = "forbid"

    def label(self) -> str:  # noqa: D102 - as the base class
        return "SharedLanguage" if self.unknown == "forbid" else super().label()

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Each person's languages as the bits of one integer: a pair shares one if ``a & b``.

        With more than 64 languages in the programme, one matrix product of
        the indicator matrices instead (measured: the bits take a fifth of
        the product's time, which has to write float32 first).
        """
        n_lang = ctx.juniors.languages.shape[1]
        if 0 < n_lang <= 64:
            bj, bs = _language_bits(ctx.juniors), _language_bits(ctx.seniors)
            both = np.bitwise_and(bj[:, None], bs[None, :])
            allowed = np.asarray(both != 0)
        else:
            lj = ctx.juniors.languages.astype(np.float32)
            ls = ctx.seniors.languages.astype(np.float32)
            allowed = np.asarray((lj @ ls.T) > 0.5)
        if self.unknown == "allow":
            allowed |= (ctx.juniors.languages.sum(axis=1) == 0)[:, None]
            allowed |= (ctx.seniors.languages.sum(axis=1) == 0)[None, :]
        return allowed


def _language_bits(side: ParticipantArrays) -> npt.NDArray[np.unsignedinteger[Any]]:
    """Each person's languages as bits of the smallest unsigned integer that holds them all."""

    def build(people: ParticipantArrays) -> npt.NDArray[np.unsignedinteger[Any]]:
        n_lang = people.languages.shape[1]
        dtype = next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64)
                     if np.iinfo(t).bits >= n_lang)
        weights = np.left_shift(np.ones(n_lang, dtype=np.uint64), np.arange(n_lang,
                                                                             dtype=np.uint64))
        return (people.languages.astype(np.uint64) @ weights).astype(dtype)

    return side.derived("language_bits", build, lambda v, rows: v[rows])


class MaxTimezoneGap(_Base):
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
    >>> from rmatch.arrays import build_arrays
    >>> from rmatch.models import Participant
    >>> js, ss = build_arrays([Participant(id="j", timezone="Europe/Lisbon")],
    ...                       [Participant(id="s", timezone="Asia/Tokyo")])
    >>> float(timezone_gap_hours(PairContext(js, ss, np.zeros((1, 1), np.float32)))[0, 0])
    9.0
    """
    zones = ctx.juniors.vocab["timezone"]
    days = (ctx.reference_date,) if ctx.reference_date else _DEFAULT_REFERENCE_DATES
    gap = np.zeros(ctx.shape)
    for day in days:
        off = _offsets(zones, day)
        gap = np.maximum(gap, np.abs(off[ctx.juniors.timezone][:, None]
                                     - off[ctx.seniors.timezone][None, :]))
    return gap


class MinScore(_Base):
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


class NoRepeat(_Base):
    """Nobody is paired again with a previous partner (either side's record counts).

    Examples
    --------
    >>> NoRepeat().kind
    'no_repeat'
    """

    kind: Literal["no_repeat"] = "no_repeat"

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


class SeniorityDirection(_Base):
    """The junior is below the senior in level, and younger where both ages are known.

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

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Compare levels and birth years by broadcasting."""
        below = np.less_equal if self.allow_equal else np.less
        after = np.greater_equal if self.allow_equal else np.greater
        allowed = below(ctx.juniors.level[:, None], ctx.seniors.level[None, :])
        # A missing birth year allows the pair: a junior without one is taken
        # as the youngest (+inf), a senior without one as the oldest (-inf),
        # so that one comparison per pair decides.
        bj = np.nan_to_num(ctx.juniors.birth_year, nan=np.inf)
        bs = np.nan_to_num(ctx.seniors.birth_year, nan=-np.inf)
        allowed &= after(bj[:, None], bs[None, :])
        return np.asarray(allowed)


def field_key(field: str) -> str:
    """Return the name :meth:`ParticipantArrays.attribute` takes for a field.

    ``department`` and ``location`` are fields; ``attributes.KEY`` (or a bare
    ``KEY``) is an attribute.

    Examples
    --------
    >>> field_key("attributes.gender"), field_key("department")
    ('gender', 'department')
    """
    return field.removeprefix("attributes.")


class _FieldRule(_Base):
    field: str
    missing: Literal["allow", "forbid"] = "allow"
    """A pair where either partner leaves the field blank: allowed (the rule
    cannot tell) or forbidden."""

    _same: ClassVar[bool]  # the rule asks for the same value (True) or a different one

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Compare the field's codes by broadcasting; blanks as ``missing`` says."""
        key = field_key(self.field)
        cj = ctx.juniors.attribute(key)[:, None]
        cs = ctx.seniors.attribute(key)[None, :]
        agree = (cj == cs) if self._same else (cj != cs)
        return np.asarray(np.where((cj >= 0) & (cs >= 0), agree, self.missing == "allow"))

    def label(self) -> str:
        extra = "" if self.missing == "allow" else ", missing='forbid'"
        return f"{type(self).__name__}({self.field!r}{extra})"


class SameValue(_FieldRule):
    """Partners give the same value for a field ("the same profession").

    Attributes
    ----------
    field
        ``department``, ``location`` or ``attributes.KEY``.
    missing
        ``"allow"`` (default) or ``"forbid"`` a pair where either leaves it blank.

    Examples
    --------
    >>> SameValue(field="location").label()
    "SameValue('location')"
    """

    kind: Literal["same_value"] = "same_value"
    _same: ClassVar[bool] = True


class DifferentValue(_FieldRule):
    """Partners give different values for a field ("never the same organisation").

    Attributes
    ----------
    field
        ``department``, ``location`` or ``attributes.KEY``.
    missing
        ``"allow"`` (default) or ``"forbid"`` a pair where either leaves it blank.

    Examples
    --------
    >>> DifferentValue(field="department").kind
    'different_value'
    """

    kind: Literal["different_value"] = "different_value"
    _same: ClassVar[bool] = False


class LevelGap(_Base):
    """The senior's level minus the junior's lies in ``[min, max]`` (either may be open).

    "The mentor one or two grades above" is ``LevelGap(min=1, max=2)``.

    Examples
    --------
    >>> LevelGap(min=1, max=2).label()
    'LevelGap(min=1, max=2)'
    """

    kind: Literal["level_gap"] = "level_gap"
    min: int | None = None
    max: int | None = None

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Broadcast the level difference against the bounds."""
        gap = ctx.seniors.level[None, :] - ctx.juniors.level[:, None]
        allowed = np.ones(ctx.shape, dtype=np.bool_)
        if self.min is not None:
            allowed &= gap >= self.min
        if self.max is not None:
            allowed &= gap <= self.max
        return allowed


class AgeGap(_Base):
    """The senior is between ``min_years`` and ``max_years`` older than the junior.

    Signed: the junior's birth year minus the senior's (a negative gap: the
    senior is younger). Pairs where either birth year is missing are allowed
    unless ``missing="forbid"``.

    Examples
    --------
    >>> AgeGap(min_years=10).label()
    'AgeGap(min_years=10.0)'
    """

    kind: Literal["age_gap"] = "age_gap"
    min_years: float | None = Field(default=None, allow_inf_nan=False)
    max_years: float | None = Field(default=None, allow_inf_nan=False)
    missing: Literal["allow", "forbid"] = "allow"

    def label(self) -> str:  # noqa: D102 - as the base class
        parts = [f"{k}={getattr(self, k)!r}" for k in ("min_years", "max_years")
                 if getattr(self, k) is not None]
        parts += ["missing='forbid'"] if self.missing == "forbid" else []
        return f"AgeGap({', '.join(parts)})"

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Broadcast the birth-year difference against the bounds."""
        gap = ctx.juniors.birth_year[:, None] - ctx.seniors.birth_year[None, :]
        with np.errstate(invalid="ignore"):
            allowed = np.ones(ctx.shape, dtype=np.bool_)
            if self.min_years is not None:
                allowed &= gap >= self.min_years
            if self.max_years is not None:
                allowed &= gap <= self.max_years
        unknown = np.isnan(gap)
        return np.asarray(np.where(unknown, self.missing == "allow", allowed))


def _pair_indices(
    pairs: list[tuple[str, str]], ctx: PairContext, what: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    jpos = {jid: k for k, jid in enumerate(ctx.juniors.ids)}
    spos = {sid: k for k, sid in enumerate(ctx.seniors.ids)}
    if ctx.block:
        pairs = [(j, s) for j, s in pairs if j in jpos and s in spos]
    problems = []
    for n, (jid, sid) in enumerate(pairs, start=1):
        if jid not in jpos:
            problems.append(f"{what} pair {n}: {jid!r} is not a junior in this programme")
        if sid not in spos:
            problems.append(f"{what} pair {n}: {sid!r} is not a senior in this programme")
    if problems:
        raise InputError("; ".join(problems[:5]), problems)
    rows = np.array([jpos[j] for j, _ in pairs], dtype=np.int64)
    cols = np.array([spos[s] for _, s in pairs], dtype=np.int64)
    return rows, cols


class _Global(_Base):
    """A rule on the whole set of pairs: it allows every single pair."""

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Allow every pair: global rules are enforced by the solver."""
        return np.ones(ctx.shape, dtype=np.bool_)


class MinShare(_Global):
    """At least (or at most) ``share`` of the pairs differ (or agree) on an attribute.

    A pair counts only when both partners give the attribute. With no pairs
    at all the rule holds. Needs the ``cpsat`` solver (``auto`` picks it).

    Attributes
    ----------
    attribute
        ``department``, ``location`` or an ``attributes`` key.
    share
        The share of pairs, in [0, 1].
    same
        Count pairs that *agree* on the attribute instead of pairs that differ.
    at_most
        Make ``share`` an upper limit instead of a lower one.

    Examples
    --------
    >>> MinShare(attribute="department", share=0.7).label()
    "MinShare(attribute='department', share=0.7, same=False, at_most=False)"
    """

    kind: Literal["min_share"] = "min_share"
    attribute: str
    share: float = Field(ge=0, le=1, allow_inf_nan=False)
    same: bool = False
    at_most: bool = False

    def qualifies(self, ctx: PairContext) -> BoolMatrix:
        """Return the juniors x seniors matrix of pairs this rule counts."""
        cj = ctx.juniors.attribute(self.attribute)[:, None]
        cs = ctx.seniors.attribute(self.attribute)[None, :]
        known = (cj >= 0) & (cs >= 0)
        return np.asarray(known & ((cj == cs) if self.same else (cj != cs)))


class GroupBalance(_Global):
    """Every group of seniors gets matches of similar quality.

    Seniors are grouped by ``attribute`` (blank: a group of its own); the
    mean pair score of each group with at least one pair must lie within
    ``max_gap`` of every other such group. Needs the ``cpsat`` solver.

    Examples
    --------
    >>> GroupBalance(attribute="gender", max_gap=0.05).max_gap
    0.05
    """

    kind: Literal["group_balance"] = "group_balance"
    attribute: str
    max_gap: float = Field(ge=0, le=1, allow_inf_nan=False)


class MatchAll(_Global):
    """Everyone on one side is in at least one pair, or the programme is infeasible.

    Examples
    --------
    >>> MatchAll(side="seniors").side
    'seniors'
    """

    kind: Literal["match_all"] = "match_all"
    side: Literal["juniors", "seniors"]


GLOBAL_CONSTRAINTS = (MinShare, GroupBalance, MatchAll)
"""The constraints on the whole set of pairs (the ``cpsat`` solver handles them)."""

Constraint = Annotated[
    NoReportingLine
    | Forbid
    | Require
    | SharedLanguage
    | MaxTimezoneGap
    | MinScore
    | NoRepeat
    | SeniorityDirection
    | SameValue
    | DifferentValue
    | LevelGap
    | AgeGap
    | MinShare
    | GroupBalance
    | MatchAll,
    Field(discriminator="kind"),
]
"""Any constraint; JSON documents pick the class by their ``kind`` field."""


def recommended_rules() -> list[Constraint]:
    """Return the HR rules a programme gets when it names none.

    Nobody is paired within their own reporting line; partners share a
    language where both partners' languages are known; the senior is not
    below the junior in level nor younger. ``Program(constraints=[])`` turns
    them off.

    Examples
    --------
    >>> [c.label() for c in recommended_rules()]
    ['NoReportingLine', "SharedLanguage(unknown='allow')", 'SeniorityDirection(allow_equal=True)']
    """
    return [NoReportingLine(), SharedLanguage(unknown="allow"),
            SeniorityDirection(allow_equal=True)]
