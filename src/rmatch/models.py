"""Validated data models: participants, the org chart and the programme.

Every model is a frozen Pydantic v2 model that loads from and dumps to JSON,
so an HR tool can send a whole programme as one document.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from rmatch._languages import normalise_language
from rmatch.components import ComponentSpec
from rmatch.constraints import Constraint, recommended_rules
from rmatch.errors import InputError

__all__ = ["OrgChart", "Participant", "Program", "ScoringOptions", "Weights"]

Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
"""A float in [0, 1] (NaN and infinities rejected)."""

SOLVERS = ("auto", "hungarian", "flow", "cpsat", "greedy", "candidates")
SolverName = Literal["auto", "hungarian", "flow", "cpsat", "greedy"]

# Characters that would make an id ambiguous in the CSV list format (`a;b`)
# or in a terminal (control characters such as ESC or NUL); rejecting them
# keeps every file format round-trippable and every printed id what it seems.
_BAD_ID_CHARS = frozenset(";")
ROLES = ("junior", "senior", "both")
_OFFSET = re.compile(r"^(?:gmt|utc)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def _clean_optional(value: Any) -> Any:
    """Blank text means "not given": spreadsheets cannot tell "" from None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


@lru_cache(maxsize=1024)
def _is_iana_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@lru_cache(maxsize=1)
def _zones_by_folded_name() -> dict[str, str]:
    from zoneinfo import available_timezones

    return {name.casefold(): name for name in available_timezones()}


def _canonical_zone(value: str) -> str:
    """Return the IANA name for ``value`` in any case; raise a ValueError that suggests one."""
    if _is_iana_zone(value):
        return value
    found = _zones_by_folded_name().get(value.casefold())
    if found is not None:
        return found
    offset = _OFFSET.match(value.strip())
    if offset:
        sign, hours, minutes = offset.groups()
        hint = (f"'Etc/GMT{'-' if sign == '+' else '+'}{int(hours)}' (the IANA name reverses "
                "the sign)" if not minutes or minutes == "00" else "the city's zone")
        raise ValueError(f"{value!r} is a fixed UTC offset, not an IANA time zone; write the "
                         f"office's zone such as 'Europe/Paris', or {hint}")
    raise ValueError(f"{value!r} is not an IANA time zone (e.g. 'Europe/Lisbon')")


def _check_id(value: str, what: str) -> str:
    # NFC: an id typed on a Mac (decomposed é) and one from Windows (composed)
    # are the same person, and print the same.
    value = unicodedata.normalize("NFC", value)
    if not value:
        raise ValueError(f"{what} must not be empty")
    bad = sorted({ch for ch in value
                  if ch in _BAD_ID_CHARS or unicodedata.category(ch) in ("Cc", "Cf")})
    if bad:
        shown = ", ".join(repr(ch) if ch in _BAD_ID_CHARS else f"U+{ord(ch):04X}" for ch in bad)
        raise ValueError(f"{what} contains the character(s) {shown}, which an id may not hold "
                         "(';' separates lists; control characters hide in print)")
    return value


def _clean_unit_map(value: Any) -> Any:
    """Lower-case, strip and de-blank the keys of a skills/goals map."""
    if not isinstance(value, Mapping):
        return value
    out: dict[Any, Any] = {}
    for key, level in value.items():
        name = str(key).strip().lower()
        if not name:
            raise ValueError("a skill or goal name is empty")
        if name in out:
            raise ValueError(f"{name!r} is given twice")
        out[name] = level
    return out


class Participant(BaseModel):
    """One employee taking part in the programme, junior or senior.

    Text fields are stripped and blank text means "not given". Skill and goal
    names are compared case-insensitively (stored lower-case); languages are
    stored as ISO 639-1 codes (``English``, ``EN``, ``en-GB`` -> ``en``;
    names rmatch does not know stay as written, lower-cased). ``role`` is
    ``"junior"``, ``"senior"``, ``"both"`` (on both sides of the programme,
    never paired with themself) or ``None`` (in the org chart only).

    Examples
    --------
    >>> p = Participant(id="j1", birth_year=1999, level=1, languages={"English", "pt-BR"},
    ...                 skills={"GenAI": 0.9})
    >>> sorted(p.languages), p.skills
    (['en', 'pt'], {'genai': 0.9})
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str
    name: str | None = None
    role: Literal["junior", "senior", "both"] | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    # Bounds far beyond any real grade or workload: huge numbers are typing
    # slips, and capacities are clamped to the other side's size anyway.
    level: int = Field(default=0, ge=0, le=1_000_000)
    department: str | None = None
    location: str | None = None
    timezone: str | None = None
    languages: frozenset[str] = frozenset()
    manager_id: str | None = None
    skills: dict[str, Unit] = Field(default_factory=dict)
    goals: dict[str, Unit] = Field(default_factory=dict)
    attributes: dict[str, str] = Field(default_factory=dict)
    capacity: int = Field(default=1, ge=0, le=1_000_000_000)
    previous_partners: frozenset[str] = frozenset()
    wishes: list[str] = Field(default_factory=list)
    """Ids of people this person would like as a partner, most wanted first."""
    avoid: frozenset[str] = frozenset()
    """Ids of people this person must not be paired with (vetoes: always hard)."""

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return _check_id(value, "id")

    @field_validator(
        "name", "role", "department", "location", "timezone", "manager_id",
        "birth_year", mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return _clean_optional(value)

    @field_validator("role", mode="before")
    @classmethod
    def _role_case(cls, value: Any) -> Any:
        # Spreadsheets capitalise: accept "Junior" as "junior".
        value = _clean_optional(value)
        return value.lower() if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else _canonical_zone(value)

    @field_validator("languages", mode="before")
    @classmethod
    def _langs(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError("languages must be a list of names, not one string")
        if isinstance(value, Iterable):
            return frozenset(normalise_language(s) for s in (str(v).strip() for v in value) if s)
        return value

    @field_validator("previous_partners", mode="before")
    @classmethod
    def _partners(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError("previous_partners must be a list of ids, not one string")
        if isinstance(value, Iterable):
            return frozenset(unicodedata.normalize("NFC", s)
                             for s in (str(v).strip() for v in value) if s)
        return value

    @field_validator("manager_id")
    @classmethod
    def _manager(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        value = _check_id(value, "manager_id")
        if value == info.data.get("id"):
            raise ValueError(f"participant {value!r} is listed as their own manager")
        return value

    @field_validator("skills", "goals", mode="before")
    @classmethod
    def _unit_maps(cls, value: Any) -> Any:
        return _clean_unit_map(value)

    @field_validator("attributes", mode="before")
    @classmethod
    def _attrs(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        out: dict[str, Any] = {}
        for key, val in value.items():
            name = str(key).strip()
            if not name:
                raise ValueError("an attribute name is empty")
            text = _clean_optional(val) if isinstance(val, str) else val
            if text is not None:  # a blank attribute value is "not given"
                out[name] = text
        return out

    @field_validator("previous_partners")
    @classmethod
    def _not_self(cls, value: frozenset[str], info: ValidationInfo) -> frozenset[str]:
        if info.data.get("id") in value:
            raise ValueError(f"participant {info.data['id']!r} lists themself as a previous "
                             "partner")
        return value

    @field_validator("wishes", "avoid", mode="before")
    @classmethod
    def _people(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):
            raise ValueError(f"{info.field_name} must be a list of ids, not one string")
        if not isinstance(value, Iterable):
            return value
        ids = [_check_id(str(v).strip(), info.field_name or "id") for v in value
               if str(v).strip()]
        if info.data.get("id") in ids:
            raise ValueError(f"participant {info.data['id']!r} names themself in "
                             f"{info.field_name}")
        if info.field_name == "wishes":
            if len(set(ids)) != len(ids):
                raise ValueError("a wish is given twice")
            return ids
        return frozenset(ids)

    @field_serializer("languages", "previous_partners", "avoid")
    def _sorted(self, value: frozenset[str]) -> list[str]:
        # Sets iterate in hash order, which changes between runs; sorting
        # keeps every dump byte-for-byte reproducible.
        return sorted(value)


class OrgChart(BaseModel):
    """Every employee's manager, participants or not: the reporting lines.

    Attributes
    ----------
    managers
        Employee id -> manager id (``None`` for the top of the tree). Every
        manager must itself be an employee and the lines must not form a cycle.

    Examples
    --------
    >>> org = OrgChart(managers={"ceo": None, "vp": "ceo", "dev": "vp"})
    >>> org.chain("dev")
    ['vp', 'ceo']
    >>> org.in_chain("ceo", "dev"), org.in_chain("ceo", "dev", depth=1)
    (True, False)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    managers: dict[str, str | None]
    _index: dict[str, int] = PrivateAttr(default_factory=dict)
    _parent: np.ndarray[Any, np.dtype[np.int64]] = PrivateAttr()

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as err:
            # Pydantic wraps our InputError (a ValueError) in a ValidationError;
            # hand the caller the error with the names in it instead.
            for e in err.errors():
                inner = e.get("ctx", {}).get("error")
                if isinstance(inner, InputError):
                    raise inner from None
            raise

    @model_validator(mode="after")
    def _check_tree(self) -> OrgChart:
        ids = list(self.managers)
        index = {eid: i for i, eid in enumerate(ids)}
        problems = []
        for eid in ids:
            if not eid:
                problems.append("an employee id is empty")
        unknown = sorted(
            (eid, mid) for eid, mid in self.managers.items()
            if mid is not None and mid not in index
        )
        problems += [f"employee {e!r} has unknown manager {m!r}" for e, m in unknown[:20]]
        if len(unknown) > 20:
            problems.append(f"... and {len(unknown) - 20} more employees with unknown managers")
        if problems:
            raise InputError("org chart: " + "; ".join(problems), problems)
        parent = np.array(
            [-1 if (m := self.managers[e]) is None else index[m] for e in ids], dtype=np.int64
        )
        _raise_on_cycle(parent, ids)
        self._index = index
        self._parent = parent
        return self

    @classmethod
    def from_participants(cls, people: Iterable[Participant]) -> OrgChart:
        """Build the chart from the ``manager_id`` of each person.

        Examples
        --------
        >>> org = OrgChart.from_participants([Participant(id="a"),
        ...                                   Participant(id="b", manager_id="a")])
        >>> org.manager("b")
        'a'
        """
        managers: dict[str, str | None] = {}
        for p in people:
            if p.id in managers:
                if p.role == "both" and managers[p.id] == p.manager_id:
                    continue  # a person on both sides of the programme, listed as each
                raise InputError(f"org chart: employee id {p.id!r} appears twice")
            managers[p.id] = p.manager_id
        return cls(managers=managers)

    def __contains__(self, employee_id: object) -> bool:
        return employee_id in self._index

    def __len__(self) -> int:
        return len(self._index)

    def manager(self, employee_id: str) -> str | None:
        """Return the direct manager of an employee (``None`` at the top).

        Examples
        --------
        >>> OrgChart(managers={"a": None, "b": "a"}).manager("a") is None
        True
        """
        self._require(employee_id)
        return self.managers[employee_id]

    def chain(self, employee_id: str, depth: int | None = None) -> list[str]:
        """Return the managers above an employee, nearest first.

        Examples
        --------
        >>> OrgChart(managers={"a": None, "b": "a", "c": "b"}).chain("c", depth=1)
        ['b']
        """
        self._require(employee_id)
        out: list[str] = []
        current = self.managers[employee_id]
        while current is not None and (depth is None or len(out) < depth):
            out.append(current)
            current = self.managers[current]
        return out

    def in_chain(self, manager_id: str, employee_id: str, depth: int | None = None) -> bool:
        """Tell whether ``manager_id`` is above ``employee_id`` (within ``depth`` levels).

        Examples
        --------
        >>> OrgChart(managers={"a": None, "b": "a"}).in_chain("b", "a")
        False
        """
        self._require(manager_id)
        return manager_id in self.chain(employee_id, depth)

    def ancestors(self, employee_ids: Iterable[str], depth: int | None = None) -> np.ndarray[
        Any, np.dtype[np.int64]
    ]:
        """Return an ``(n, d)`` array of chart indices of each employee's managers.

        Row ``i`` holds the managers of ``employee_ids[i]``, nearest first,
        padded with -1. Vectorised over employees: one numpy step per level.

        Examples
        --------
        >>> org = OrgChart(managers={"a": None, "b": "a", "c": "b"})
        >>> org.ancestors(["c", "a"]).tolist()
        [[1, 0], [-1, -1]]
        """
        rows = self.indices(employee_ids)
        columns: list[np.ndarray[Any, np.dtype[np.int64]]] = []
        parent = self._parent
        current = parent[rows] if len(rows) else rows
        while len(current) and (current >= 0).any() and (depth is None or len(columns) < depth):
            columns.append(current)
            current = np.where(current >= 0, parent[np.maximum(current, 0)], -1)
        if not columns:
            return np.full((len(rows), 0), -1, dtype=np.int64)
        return np.stack(columns, axis=1)

    def indices(self, employee_ids: Iterable[str]) -> np.ndarray[Any, np.dtype[np.int64]]:
        """Return the chart index of each id; unknown ids raise :class:`InputError`.

        Examples
        --------
        >>> OrgChart(managers={"a": None, "b": "a"}).indices(["b"]).tolist()
        [1]
        """
        # One attribute read: pydantic routes every private-attribute access
        # through __getattr__, which costs microseconds per id inside a loop.
        index = self._index
        ids = list(employee_ids)
        missing = [e for e in ids if e not in index]
        if missing:
            shown = ", ".join(repr(m) for m in missing[:10])
            raise InputError(
                f"org chart has no employee {shown}"
                + (f" (+{len(missing) - 10} more)" if len(missing) > 10 else ""),
                [f"org chart has no employee {m!r}" for m in missing],
            )
        return np.fromiter((index[e] for e in ids), dtype=np.int64, count=len(ids))

    def _require(self, employee_id: str) -> None:
        if employee_id not in self._index:
            raise InputError(f"org chart has no employee {employee_id!r}")


def _raise_on_cycle(parent: np.ndarray[Any, np.dtype[np.int64]], ids: list[str]) -> None:
    """Raise :class:`InputError` naming a cycle of reporting lines, if any.

    Pointer doubling finds, in O(n log n) numpy work, every employee whose
    chain never reaches the top; only on that error path do we walk one
    chain in Python to name the people in the loop.
    """
    n = len(parent)
    if n == 0:
        return
    top = n  # a sentinel node above every root
    jump = np.where(parent < 0, top, parent)
    jump = np.append(jump, top)
    for _ in range(max(1, math.ceil(math.log2(n + 1))) + 1):
        jump = jump[jump]
    stuck = np.flatnonzero(jump[:n] != top)
    if len(stuck) == 0:
        return
    seen: dict[int, int] = {}
    node = int(stuck[0])
    while node not in seen:
        seen[node] = len(seen)
        node = int(parent[node])
    loop = [ids[k] for k, pos in sorted(seen.items(), key=lambda kv: kv[1]) if pos >= seen[node]]
    text = " -> ".join(repr(e) for e in [*loop, loop[0]])
    raise InputError(f"org chart: reporting lines form a cycle (each reports to the next): {text}")


class Weights(BaseModel):
    """Weights of the score components in ``total`` (a weighted mean).

    Extra keyword weights name user components passed to :func:`rmatch.score`.

    Examples
    --------
    >>> Weights(skills=2.0).skills
    2.0
    >>> Weights(culture=0.5).as_dict()["culture"]
    0.5
    """

    model_config = ConfigDict(frozen=True, extra="allow")
    __pydantic_extra__: dict[str, Annotated[float, Field(ge=0.0, allow_inf_nan=False)]]

    generation: float = Field(default=1.0, ge=0.0, allow_inf_nan=False)
    skills: float = Field(default=1.0, ge=0.0, allow_inf_nan=False)
    diversity: float = Field(default=1.0, ge=0.0, allow_inf_nan=False)

    def as_dict(self) -> dict[str, float]:
        """Return every weight, built-in and extra, by component name.

        Examples
        --------
        >>> Weights().as_dict()
        {'generation': 1.0, 'skills': 1.0, 'diversity': 1.0}
        """
        out = {"generation": self.generation, "skills": self.skills, "diversity": self.diversity}
        out.update(self.__pydantic_extra__ or {})
        return out


class ScoringOptions(BaseModel):
    """Parameters of the built-in score components (see ``docs/scoring.md``).

    Examples
    --------
    >>> ScoringOptions(age_span_years=30).age_span_years
    30.0
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    age_span_years: float = Field(default=25.0, ge=0.01, le=200, allow_inf_nan=False)
    """Age gap (years) at which the age part of ``generation`` reaches 1."""
    level_span: float = Field(default=4.0, ge=0.01, le=1_000_000, allow_inf_nan=False)
    """Level gap at which the level part of ``generation`` reaches 1."""
    level_share: Unit = 0.25
    """Share of the level gap in ``generation`` (the rest is the age gap)."""
    mutual_share: Unit = 0.25
    """Share of what the senior can teach back in ``skills``."""
    diversity_fields: dict[str, Annotated[float, Field(ge=0, allow_inf_nan=False)]] | None = None
    """Field -> weight for ``diversity``: ``department``, ``location`` or an
    ``attributes`` key. ``None`` means department, location and every
    attribute key present, equally weighted."""


class Program(BaseModel):
    """A whole programme: score weights, constraints and solver settings.

    Examples
    --------
    >>> from rmatch.constraints import SharedLanguage
    >>> prog = Program(constraints=[SharedLanguage()], seed=7)
    >>> Program.model_validate_json(prog.model_dump_json()) == prog
    True
    >>> [c.kind for c in Program().constraints]  # the recommended HR rules
    ['no_reporting_line', 'shared_language', 'seniority_direction']
    >>> Program(constraints=[]).constraints, Program().uses_recommended_rules
    ([], True)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    weights: Weights = Field(default_factory=Weights)
    constraints: list[Constraint] = Field(default_factory=recommended_rules)
    """The rules; when not given, :func:`~rmatch.constraints.recommended_rules`
    (nobody in their own reporting line, a shared language where both
    partners' languages are known, the senior not below the junior); ``[]``
    turns every rule off."""
    components: list[ComponentSpec] = Field(default_factory=list)
    """Score components defined as data (``rmatch.components``), weighted by name in
    ``weights`` (default: each component's maximum points)."""
    objective: Literal["max_pairs", "max_score"] = "max_pairs"
    """``"max_pairs"``: the most pairs, then the highest total score;
    ``"max_score"``: the highest total score, even with fewer pairs."""
    solver: SolverName = "auto"
    time_limit_s: float = Field(default=60.0, gt=0, allow_inf_nan=False)
    seed: int = 0
    sensitive_attributes: frozenset[str] = frozenset()
    scoring: ScoringOptions = Field(default_factory=ScoringOptions)
    memory_limit_gb: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    """Most memory the programme's matrices may take, in GB; ``None``: 80% of the
    memory available when it is scored. Checked before anything is allocated."""
    reference_date: date | None = None
    """Date at which time-zone offsets are taken; ``None`` takes the larger
    gap of 15 January and 15 July (so daylight saving never hides a gap)."""

    @field_serializer("sensitive_attributes")
    def _sorted(self, value: frozenset[str]) -> list[str]:
        return sorted(value)

    def is_sensitive(self, field: str) -> bool:
        """Tell whether a field or attribute key is sensitive (case does not count).

        Examples
        --------
        >>> Program(sensitive_attributes={"gender"}).is_sensitive("Gender")
        True
        """
        return field.casefold() in {k.casefold() for k in self.sensitive_attributes}

    @property
    def uses_recommended_rules(self) -> bool:
        """True when the constraints were not given, so the recommended rules apply."""
        return "constraints" not in self.model_fields_set
