"""Score components written as data: points for fields, tables and overlaps.

A programme document can define its own components and weight them like the
built-in ones (``Program.components``, ``Program.weights``), so that rules
such as "same profession is worth 10 points" or "a grade gap of 2 is worth
12, of 1 worth 9" need no Python. Each component is a juniors x seniors
matrix in [0, 1]: the points a pair earns divided by the most the component
can give. Its weight defaults to that maximum, so a programme whose built-in
components weigh 0 has ``total`` = points earned / points possible, and
``total * sum(weights)`` is the pair's points.

Every matrix is built by broadcasting codes or by one matrix product of
indicator matrices (overlaps), never by a loop over pairs.

Set-valued attributes hold several values in one text, separated by ``;``,
``,`` or ``|`` (``"Lesbian, Non-binary"``); the ``overlap`` and
``similarity`` components compare them as sets, case-insensitively. Rules
and the ``diversity`` component keep comparing the whole text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from rmatch.constraints.base import field_key, field_text

if TYPE_CHECKING:
    from rmatch.model.arrays import ParticipantArrays

__all__ = [
    "Closeness",
    "ComponentSpec",
    "LevelGapPoints",
    "MatchPoints",
    "Overlap",
    "SharedTimePoints",
    "Similarity",
    "set_values",
]

Matrix = npt.NDArray[np.float32]
_SPLIT = re.compile(r"[;,|]")
Name = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


def set_values(text: str | None) -> frozenset[str]:
    """Split a set-valued attribute into its values, case-folded.

    Examples
    --------
    >>> sorted(set_values("Lesbian, Non-binary; gay"))
    ['gay', 'lesbian', 'non-binary']
    """
    if not text:
        return frozenset()
    return frozenset(v for v in (p.strip().casefold() for p in _SPLIT.split(text)) if v)


def _texts(people: ParticipantArrays, field: str) -> list[str | None]:
    return [field_text(p, field) for p in people.people]


def _indicators(js: ParticipantArrays, ss: ParticipantArrays, junior_field: str,
                senior_field: str) -> tuple[Matrix, Matrix]:
    """0/1 matrices person x value of two set-valued fields, over one shared vocabulary."""
    sets_j = [set_values(t) for t in _texts(js, junior_field)]
    sets_s = [set_values(t) for t in _texts(ss, senior_field)]
    vocab = {v: k for k, v in enumerate(sorted(set().union(*sets_j, *sets_s)))}
    out = []
    for sets in (sets_j, sets_s):
        mat = np.zeros((len(sets), max(len(vocab), 1)), dtype=np.float32)
        rows = [i for i, s in enumerate(sets) for _ in s]
        cols = [vocab[v] for s in sets for v in s]
        mat[rows, cols] = 1.0
        out.append(mat)
    return out[0], out[1]


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Name
    """The component's name: its key in ``components``, explanations and weights."""

    def max_points(self) -> float:
        """Return the most points a pair can earn (the default weight)."""
        return 1.0

    def reads(self) -> list[str]:
        """Return the participant fields the component reads (checked against the data)."""
        return []

    def matrix(self, js: ParticipantArrays, ss: ParticipantArrays) -> Matrix:  # pragma: no cover
        """Return the juniors x seniors matrix in [0, 1]."""
        raise NotImplementedError


class MatchPoints(_Spec):
    """Points when the partners give the same value for a field, or different ones.

    Examples
    --------
    >>> MatchPoints(name="profession", field="attributes.profession", same=10).max_points()
    10.0
    """

    kind: Literal["match_points"] = "match_points"
    field: str
    same: float = Field(default=1.0, ge=0, allow_inf_nan=False)
    different: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    missing: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    """Points when either partner leaves the field blank."""

    def max_points(self) -> float:  # noqa: D102 - as the base class
        return max(self.same, self.different, self.missing)

    def reads(self) -> list[str]:  # noqa: D102 - as the base class
        return [self.field]

    def matrix(self, js: ParticipantArrays, ss: ParticipantArrays) -> Matrix:
        """Broadcast the field's codes; equal, different or blank earn their points."""
        top = self.max_points()
        key = field_key(self.field)
        cj = js.attribute(key)[:, None]
        cs = ss.attribute(key)[None, :]
        points = np.where(cj == cs, self.same, self.different)
        points = np.where((cj < 0) | (cs < 0), self.missing, points)
        return np.asarray(points / top if top else points * 0, dtype=np.float32)


class LevelGapPoints(_Spec):
    """Points by the senior's level minus the junior's, from a table.

    A pair where either level is unknown earns ``otherwise``.

    Examples
    --------
    >>> LevelGapPoints(name="grade", points={1: 9, 2: 12}).max_points()
    12.0
    """

    kind: Literal["level_gap_points"] = "level_gap_points"
    points: dict[int, Annotated[float, Field(ge=0, allow_inf_nan=False)]]
    otherwise: float = Field(default=0.0, ge=0, allow_inf_nan=False)

    def max_points(self) -> float:  # noqa: D102 - as the base class
        return max([self.otherwise, *self.points.values()])

    def matrix(self, js: ParticipantArrays, ss: ParticipantArrays) -> Matrix:
        """One comparison per table entry, each a broadcast of the level gap."""
        gap = ss.level[None, :] - js.level[:, None]
        out = np.full(gap.shape, self.otherwise, dtype=np.float64)
        for value, pts in self.points.items():
            out[gap == value] = pts
        top = self.max_points()
        return np.asarray(out / top if top else out, dtype=np.float32)


class Overlap(_Spec):
    """How much of one set-valued field the partner's other field holds.

    ``measure``: ``"any"`` (1 when the sets share a value), ``"share"``
    (shared values / the junior's values), ``"jaccard"`` (shared / all), or
    ``"count"`` (shared values, up to ``max_count``, / ``max_count``). A
    person without values overlaps nobody. The same field on both sides
    compares like with like; two fields compare, say, a mentee's "identity to
    match" with a mentor's "characteristics".

    Examples
    --------
    >>> Overlap(name="identity", junior_field="attributes.identity",
    ...         senior_field="attributes.characteristics", points=6).max_points()
    6.0
    """

    kind: Literal["overlap"] = "overlap"
    junior_field: str
    senior_field: str
    measure: Literal["any", "share", "jaccard", "count"] = "any"
    max_count: int = Field(default=3, ge=1)
    points: float = Field(default=1.0, gt=0, allow_inf_nan=False)

    def max_points(self) -> float:  # noqa: D102 - as the base class
        return self.points

    def reads(self) -> list[str]:  # noqa: D102 - as the base class
        return [self.junior_field, self.senior_field]

    def matrix(self, js: ParticipantArrays, ss: ParticipantArrays) -> Matrix:
        """Shared values by one matrix product of the indicator matrices."""
        ij, is_ = _indicators(js, ss, self.junior_field, self.senior_field)
        shared = ij @ is_.T
        if self.measure == "any":
            out = (shared > 0.5).astype(np.float32)
        elif self.measure == "count":
            out = np.minimum(shared, self.max_count) / np.float32(self.max_count)
        else:
            size_j = ij.sum(axis=1)[:, None]
            whole = (size_j if self.measure == "share"
                     else size_j + is_.sum(axis=1)[None, :] - shared)
            out = np.divide(shared, whole, out=np.zeros_like(shared), where=whole > 0)
        return np.asarray(out, dtype=np.float32)


class Closeness(_Spec):
    """How close the partners are in birth year or level: 1 when equal, 0 from ``scale`` apart.

    Examples
    --------
    >>> Closeness(name="age", field="birth_year", scale=10).kind
    'closeness'
    """

    kind: Literal["closeness"] = "closeness"
    field: Literal["birth_year", "level"]
    scale: float = Field(gt=0, allow_inf_nan=False)
    points: float = Field(default=1.0, gt=0, allow_inf_nan=False)

    def max_points(self) -> float:  # noqa: D102 - as the base class
        return self.points

    def matrix(self, js: ParticipantArrays, ss: ParticipantArrays) -> Matrix:
        """Broadcast the absolute difference; a missing birth year or level scores 0."""
        a = getattr(js, self.field).astype(np.float64)[:, None]
        b = getattr(ss, self.field).astype(np.float64)[None, :]
        with np.errstate(invalid="ignore"):
            out = np.clip(1.0 - np.abs(a - b) / self.scale, 0.0, 1.0)
        return np.asarray(np.nan_to_num(out, nan=0.0), dtype=np.float32)


class Similarity(_Spec):
    """Weighted share of fields on which the partners agree: the opposite of diversity.

    For a pair to agree on a field both must give it; with ``sets=True`` the
    fields are set-valued and agree when they share a value.

    Examples
    --------
    >>> Similarity(name="background", fields={"attributes.identity": 1}, sets=True).reads()
    ['attributes.identity']
    """

    kind: Literal["similarity"] = "similarity"
    fields: dict[str, Annotated[float, Field(gt=0, allow_inf_nan=False)]] = Field(min_length=1)
    """Field -> weight: ``department``, ``location`` or ``attributes.KEY``."""
    sets: bool = False
    points: float = Field(default=1.0, gt=0, allow_inf_nan=False)

    def max_points(self) -> float:  # noqa: D102 - as the base class
        return self.points

    def reads(self) -> list[str]:  # noqa: D102 - as the base class
        return list(self.fields)

    def matrix(self, js: ParticipantArrays, ss: ParticipantArrays) -> Matrix:
        """Add each field's agreement (a broadcast, or a product of indicators), weighted."""
        total = float(sum(self.fields.values()))
        out = np.zeros((len(js), len(ss)), dtype=np.float32)
        for field, weight in self.fields.items():
            if self.sets:
                ij, is_ = _indicators(js, ss, field, field)
                agree = (ij @ is_.T) > 0.5
            else:
                key = field_key(field)
                cj, cs = js.attribute(key)[:, None], ss.attribute(key)[None, :]
                agree = (cj == cs) & (cj >= 0)
            out += agree * np.float32(weight / total)
        np.clip(out, 0, 1, out=out)
        return out


class SharedTimePoints(_Spec):
    """Points for weekly hours both partners are available, compared in UTC.

    ``hours`` or more shared earns all the points, fewer a share; a pair
    where either gives no slots or no time zone earns ``missing`` (0 by
    default). See :class:`rmatch.constraints.pairwise.SharedTime` for how
    the slots are compared.

    Examples
    --------
    >>> SharedTimePoints(name="availability", hours=4).max_points()
    1.0
    """

    kind: Literal["availability"] = "availability"
    hours: float = Field(default=2.0, gt=0, allow_inf_nan=False)
    points: float = Field(default=1.0, gt=0, allow_inf_nan=False)
    missing: float = Field(default=0.0, ge=0, allow_inf_nan=False)

    def max_points(self) -> float:
        """Return the most points a pair can earn: ``points``, or ``missing`` if larger."""
        return max(self.points, self.missing)

    def matrix(self, js: ParticipantArrays, ss: ParticipantArrays) -> Matrix:
        """One matrix product of the UTC week grids per reference date."""
        from rmatch.constraints.pairwise import shared_hours

        hours = shared_hours(js, ss)
        with np.errstate(invalid="ignore"):
            pts = np.minimum(hours / self.hours, 1.0) * self.points
        pts = np.where(np.isnan(hours), self.missing, pts)
        return np.asarray(pts / self.max_points(), dtype=np.float32)


ComponentSpec = Annotated[
    MatchPoints | LevelGapPoints | Overlap | Closeness | Similarity | SharedTimePoints,
    Field(discriminator="kind"),
]
"""Any declarative component; documents pick the class by its ``kind`` field."""
