"""Rules on the participants' fields: same or different value, level gap, age gap."""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
from pydantic import Field

from rmatch.constraints.base import (
    BaseRule,
    BoolMatrix,
    PairContext,
    field_key,
    field_text,
)
from rmatch.model.participant import Participant

__all__ = ["AgeGap", "DifferentValue", "FieldRule", "LevelGap", "SameValue"]


class FieldRule(BaseRule):
    """A rule comparing one field of the two partners (see :class:`SameValue`).

    Examples
    --------
    >>> from rmatch.constraints import SameValue
    >>> isinstance(SameValue(field="department"), FieldRule)
    True
    """

    field: str
    missing: Literal["allow", "forbid"] = "allow"
    """A pair where either partner leaves the field blank: allowed (the rule
    cannot tell) or forbidden."""

    _same: ClassVar[bool]  # the rule asks for the same value (True) or a different one

    def fields(self) -> dict[str, str]:
        """Return the one field compared."""
        return {"field": field_key(self.field)}

    def blank_of(self, person: Participant) -> str | None:  # noqa: D102 - as the base class
        if self.missing == "allow":
            return None
        value = field_text(person, self.field)
        return field_key(self.field) if value is None or not str(value).strip() else None

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Compare the field's codes by broadcasting; blanks as ``missing`` says."""
        key = field_key(self.field)
        cj = ctx.juniors.attribute(key)[:, None]
        cs = ctx.seniors.attribute(key)[None, :]
        agree = (cj == cs) if self._same else (cj != cs)
        return np.asarray(np.where((cj >= 0) & (cs >= 0), agree, self.missing == "allow"))

    def why(self, ctx: PairContext) -> str:  # noqa: D102 - as the base class
        # Never the values: the field may be a sensitive attribute.
        key = field_key(self.field)
        if ctx.juniors.attribute(key)[0] < 0 or ctx.seniors.attribute(key)[0] < 0:
            return f"a partner's {self.field} is not given"
        return f"their {self.field} is {'not ' if self._same else ''}the same"

    def label(self) -> str:
        """Name the rule and its field, as explanations do.

        Examples
        --------
        >>> from rmatch.constraints import SameValue
        >>> SameValue(field="department").label()
        "SameValue('department')"
        """
        extra = "" if self.missing == "allow" else ", missing='forbid'"
        return f"{type(self).__name__}({self.field!r}{extra})"


class SameValue(FieldRule):
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


class DifferentValue(FieldRule):
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


class LevelGap(BaseRule):
    """The senior's level minus the junior's lies in ``[min, max]`` (either may be open).

    "The mentor one or two grades above" is ``LevelGap(min=1, max=2)``. A pair
    where either level is unknown is allowed unless ``missing="forbid"``.

    Examples
    --------
    >>> LevelGap(min=1, max=2).label()
    'LevelGap(min=1, max=2)'
    """

    kind: Literal["level_gap"] = "level_gap"
    min: int | None = None
    max: int | None = None
    missing: Literal["allow", "forbid"] = "allow"

    def label(self) -> str:  # noqa: D102 - as the base class
        return _bounds_label("LevelGap", self, ("min", "max"))

    def blank_of(self, person: Participant) -> str | None:  # noqa: D102 - as the base class
        return "level" if self.missing == "forbid" and person.level is None else None

    def why(self, ctx: PairContext) -> str:  # noqa: D102 - as the base class
        gap = float(ctx.seniors.level[0] - ctx.juniors.level[0])
        if np.isnan(gap):
            return "a partner's level is not given"
        return f"the senior is {gap:g} levels above the junior ({_range(self.min, self.max)})"

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Broadcast the level difference against the bounds (NaN: a level unknown)."""
        gap = ctx.seniors.level[None, :] - ctx.juniors.level[:, None]
        allowed = np.ones(ctx.shape, dtype=np.bool_)
        if self.min is not None:
            allowed &= gap >= self.min
        if self.max is not None:
            allowed &= gap <= self.max
        if self.missing == "allow":
            allowed |= np.isnan(gap)
        return allowed


class AgeGap(BaseRule):
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
        return _bounds_label("AgeGap", self, ("min_years", "max_years"))

    def blank_of(self, person: Participant) -> str | None:  # noqa: D102 - as the base class
        return "birth year" if self.missing == "forbid" and person.birth_year is None else None

    def why(self, ctx: PairContext) -> str:  # noqa: D102 - as the base class
        gap = float(ctx.juniors.birth_year[0] - ctx.seniors.birth_year[0])
        if np.isnan(gap):
            return "a partner's year of birth is not given"
        return (f"the senior is {gap:g} years older than the junior "
                f"({_range(self.min_years, self.max_years)})")

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


def _bounds_label(name: str, rule: LevelGap | AgeGap, bounds: tuple[str, str]) -> str:
    """Return ``Name(bound=...)``: the bounds given, and ``missing`` unless the default."""
    parts = [f"{k}={getattr(rule, k)!r}" for k in bounds if getattr(rule, k) is not None]
    parts += ["missing='forbid'"] if rule.missing == "forbid" else []
    return f"{name}({', '.join(parts)})"


def _range(low: float | None, high: float | None) -> str:
    """Say the allowed range of a gap rule ("1 to 2", "at least 1", "at most 2")."""
    if low is not None and high is not None:
        return f"allowed: {low:g} to {high:g}"
    return f"allowed: at least {low:g}" if low is not None else f"allowed: at most {high:g}"
