"""A participant: one validated person of the programme (a frozen Pydantic model)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from rmatch.model.availability import normalise_slots
from rmatch.model.languages import (
    is_known_language,
    joined_languages,
    level_rank,
    normalise_language,
    normalise_level,
    split_level,
)
from rmatch.model.timezones import is_iana_zone, resolve_zone

__all__ = ["ROLES", "IdSides", "Participant", "Unit", "fold", "normalise_id", "split_roles"]


Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
"""A float in [0, 1] (NaN and infinities rejected)."""


# Characters that would make an id ambiguous in the CSV list format (`a;b`)
# or in a terminal (control characters such as ESC or NUL); rejecting them
# keeps every file format round-trippable and every printed id what it seems.
_BAD_ID_CHARS = frozenset(";")


ROLES = ("junior", "senior", "both")

# How a spreadsheet writes a long number it shows in "General" format when it
# saves a CSV: 123456789012 becomes "1.23457E+11", its last digits gone. The
# "+" and two exponent digits are always written (a large number's), so a
# code such as "2E45" or "1e-11" is not taken for one.
_SHORTENED = re.compile(r"\d(\.\d+)?E\+\d{2,}", re.IGNORECASE)

# A whole number written as a decimal one ("1001.0"): what a program that
# holds an id column as floating point (pandas with a blank among them) writes.
_DECIMAL = re.compile(r"(\d+)\.0+")




def _clean_optional(value: Any) -> Any:
    """Blank text means "not given": spreadsheets cannot tell "" from None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _canonical_zone(value: str) -> str:
    """Return the IANA zone for a label HR systems write; raise a ValueError that suggests one.

    Region zones ("Europe/Lisbon") stand as written; abbreviations, Windows
    names and labels go through :func:`~rmatch.model.timezones.resolve_zone`.
    """
    if "/" in value and is_iana_zone(value):
        return value
    return resolve_zone(value)[0]


def fold(text: str) -> str:
    """Fold a label the way names, grades and value maps are compared: case and spaces.

    Examples
    --------
    >>> fold("  Senior   Director ")
    'senior director'
    """
    return " ".join(text.casefold().split())


def normalise_id(value: str) -> str:
    """Return an id as rmatch stores it (Unicode NFC): wherever an id enters, compare this.

    An id typed on a Mac (decomposed é) and one from Windows (composed) are the
    same person, and print the same.

    Examples
    --------
    >>> normalise_id("Jose\u0301") == normalise_id("Jos\u00e9") == "Jos\u00e9"
    True
    """
    return unicodedata.normalize("NFC", value)


class IdSides:
    """Both sides' ids: each one's row, and why an id is on neither side as given.

    A matching typed by hand or exported by another tool names people by id;
    the usual slips are another case (``J-04`` for ``j-04``) and the two
    columns swapped. :meth:`why_not` says which, so that the user can fix
    the file at once.

    Parameters
    ----------
    juniors, seniors
        The ids of each side, in row order (stored form: :func:`normalise_id`).
    where
        How the messages name the set of people ("of this programme").
    pairs
        Whether the ids come as (junior, senior) pairs, so that an id of the
        other side suggests the two columns swapped.

    Examples
    --------
    >>> sides = IdSides(["j-04"], ["cto"])
    >>> sides.juniors["j-04"]
    0
    >>> sides.why_not("J-04", "junior")
    "'J-04' is not a junior of this programme (did you mean 'j-04'? ids are case-sensitive)"
    >>> sides.why_not("cto", "junior")
    "'cto' is a senior of this programme, not a junior (are the two columns swapped?)"
    """

    def __init__(self, juniors: Iterable[str], seniors: Iterable[str], *,
                 where: str = "of this programme", pairs: bool = True) -> None:
        self.juniors = {pid: k for k, pid in enumerate(juniors)}
        self.seniors = {pid: k for k, pid in enumerate(seniors)}
        self.where, self.pairs = where, pairs
        # Each side's ids by their loose form (:func:`_loose`), made on the first miss only.
        self._folded: dict[str, dict[str, list[str]]] = {}

    def why_not(self, pid: str, side: Literal["junior", "senior"]) -> str:
        """Say that ``pid`` is not on ``side``, and what it may be instead."""
        other = self.seniors if side == "junior" else self.juniors
        other_side = "senior" if side == "junior" else "junior"
        if pid in other:
            swapped = " (are the two columns swapped?)" if self.pairs else ""
            return f"{pid!r} is a {other_side} {self.where}, not a {side}{swapped}"
        return f"{pid!r} is not a {side} {self.where}{self.case_hint(pid, side)}"

    def case_hint(self, pid: str, side: Literal["junior", "senior"] | None = None) -> str:
        """Return " (did you mean ...?)" for an id written otherwise, or "".

        Another case (ids are case-sensitive), or a number's leading zeros
        lost (spreadsheets store ``00123`` as the number 123 unless the
        column is text). ``side``: look on that side only (default: either).
        Never a guess taken: only said.

        Examples
        --------
        >>> IdSides(["j-04"], ["cto"]).case_hint("CTO")
        " (did you mean 'cto'? ids are case-sensitive)"
        >>> IdSides(["j-04"], ["cto"]).case_hint("CTO", "junior")
        ''
        >>> IdSides(["00123"], []).case_hint("123")[:54]
        " (did you mean '00123'? a spreadsheet drops an id's le"
        >>> IdSides(["1001.0"], []).case_hint("1001")[:60]
        " (did you mean '1001.0'? one file or column holds the ids as"
        """
        found = self.near(pid, side) if side else \
            self.near(pid, "junior") or self.near(pid, "senior")
        if not found:
            return ""
        if found.casefold() == pid.casefold():
            return f" (did you mean {found!r}? ids are case-sensitive)"
        if _DECIMAL.fullmatch(found) or _DECIMAL.fullmatch(pid):
            return (f" (did you mean {found!r}? one file or column holds the ids as decimal "
                    "numbers (1001.0), another as whole numbers: export both as text)")
        return (f" (did you mean {found!r}? a spreadsheet drops an id's leading zeros unless "
                "its column is text)")

    def near(self, pid: str, side: Literal["junior", "senior"]) -> str | None:
        """Return the one id of ``side`` that ``pid`` may stand for, if any.

        One that differs only by case, or by the leading zeros of a number
        (``123`` for ``00123``) or its ``.0`` (``1001`` for ``1001.0``); None
        when there are none or several.

        Examples
        --------
        >>> IdSides(["j-04", "Ana", "ANA"], []).near("J-04", "junior")
        'j-04'
        >>> IdSides(["j-04", "Ana", "ANA"], []).near("ana", "junior") is None  # two: no guess
        True
        >>> IdSides(["0042", "7"], []).near("42", "junior")
        '0042'
        >>> IdSides(["007"], []).near("0007", "junior")
        '007'
        """
        if side not in self._folded:
            folded: dict[str, list[str]] = {}
            for known in (self.juniors if side == "junior" else self.seniors):
                folded.setdefault(_loose(known), []).append(known)
            self._folded[side] = folded
        found = [x for x in self._folded[side].get(_loose(pid), []) if x != pid]
        return found[0] if len(found) == 1 else None

    def pair_problems(self, pairs: Sequence[tuple[str, str]]
                      ) -> list[tuple[int, Literal["junior", "senior"] | None, str]]:
        """Check (junior, senior) pairs: each id on its side, no pair twice.

        Returns ``(position, side, reason)`` for each problem, in order: an id
        not on its side (``side`` says which id, ``reason`` what it may be
        instead), or a pair given again (``side`` None, ``reason`` the first
        position as text). The one check behind ``rm.evaluate`` and
        ``rm.read_matching``; each names the positions its own way.

        Examples
        --------
        >>> problems = IdSides(["j"], ["s"]).pair_problems([("j", "s"), ("s", "j"), ("j", "s")])
        >>> [(k, side) for k, side, _ in problems], problems[-1][2]
        ([(1, 'junior'), (1, 'senior'), (2, None)], '0')
        """
        out: list[tuple[int, Literal["junior", "senior"] | None, str]] = []
        first: dict[tuple[str, str], int] = {}
        for k, (j, s) in enumerate(pairs):
            if j not in self.juniors:
                out.append((k, "junior", self.why_not(j, "junior")))
            if s not in self.seniors:
                out.append((k, "senior", self.why_not(s, "senior")))
            if (j, s) in first:
                out.append((k, None, str(first[j, s])))
            first.setdefault((j, s), k)
        return out


def _loose(pid: str) -> str:
    """Return an id as people may mistype it.

    Case folded; a number's leading zeros dropped, and its ``.0`` when it
    was written as a decimal number.
    """
    folded = pid.casefold()
    decimal = _DECIMAL.fullmatch(folded) if folded.isascii() else None
    if decimal:
        folded = decimal.group(1)
    if folded.isascii() and folded.isdigit():
        return folded.lstrip("0") or "0"
    return folded


def _check_id(value: str, what: str) -> str:
    value = normalise_id(value)
    if not value:
        raise ValueError(f"{what} must not be empty")
    if _SHORTENED.fullmatch(value):
        raise ValueError(f"{what} {value!r} is a number a spreadsheet shortened when it saved "
                         "the file: the id's last digits are lost; format the column as text "
                         "and export it again")
    # Printable ASCII holds no control or format character: only ';' to look for.
    bad = sorted(_BAD_ID_CHARS & set(value)) if value.isascii() and value.isprintable() else \
        sorted({ch for ch in value
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
    email: str | None = None
    """Personal data like ``name``: read and kept, never printed unless asked."""
    role: Literal["junior", "senior", "both"] | None = None
    birth_year: int | None = Field(default=None, ge=1900)
    # Bounds far beyond any real grade or workload: huge numbers are typing
    # slips, and capacities are clamped to the other side's size anyway.
    # None: unknown (a blank cell). Rules and scores treat it as unknown, never
    # as the lowest grade (docs/rules.md says how each one does).
    level: int | None = Field(default=None, ge=0, le=1_000_000)
    department: str | None = None
    location: str | None = None
    timezone: str | None = None
    languages: frozenset[str] = frozenset()
    language_levels: dict[str, Literal["A1", "A2", "B1", "B2", "C1", "C2", "native"]] = Field(
        default_factory=dict)
    """Level per language code, where one is said ("English (Fluent)" gives ``{"en": "C1"}``);
    a language without one counts as spoken well enough."""
    manager_id: str | None = None
    skills: dict[str, Unit] = Field(default_factory=dict)
    goals: dict[str, Unit] = Field(default_factory=dict)
    attributes: dict[str, str] = Field(default_factory=dict)
    availability: frozenset[str] = frozenset()
    """Weekly slots in the person's own time zone ("Mon AM", "Wed 14:00-16:00"), kept as
    canonical labels (``rmatch.model.availability``); empty: not given."""
    capacity: int = Field(default=1, ge=0, le=1_000_000_000)
    min_partners: int = Field(default=0, ge=0, le=1_000_000_000)
    """At least this many partners (at most ``capacity``): a hard lower bound; a
    programme that cannot give it is infeasible, and the error says why."""
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
        "name", "email", "role", "department", "location", "timezone", "manager_id",
        "birth_year", "level", mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return _clean_optional(value)

    @field_validator("birth_year")
    @classmethod
    def _born(cls, value: int | None) -> int | None:
        # A year still to come is a typing slip or a date read in the wrong
        # century, never someone's birth: refused by row, not scored as the
        # youngest generation. (Not repeated: a year of birth is personal data.)
        if value is not None and value > date.today().year:
            raise ValueError(f"a year of birth after this year ({date.today().year})")
        return value

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

    @model_validator(mode="before")
    @classmethod
    def _language_levels(cls, data: Any) -> Any:
        # "English (Fluent)" is the language en at level C1: the level goes
        # beside the set of codes, which stays what every rule compares.
        if not isinstance(data, Mapping) or isinstance(data.get("languages"), str) \
                or not isinstance(data.get("languages"), Iterable):
            return data
        codes: set[str] = set()
        levels: dict[str, Any] = {}
        last: str | None = None
        for item in data["languages"]:
            for text in joined_languages(str(item)):
                code, level = split_level(text)
                alone = normalise_level(text)
                if alone is not None and last is not None and last not in levels \
                        and not is_known_language(code):
                    levels[last] = alone  # "English/B2": the level of the one before it
                    continue
                codes.add(code)
                last = code
                if level is not None:
                    levels[code] = max(level, levels.get(code, level), key=level_rank)
        given = data.get("language_levels") or {}
        if isinstance(given, Mapping):
            levels.update({normalise_language(str(k)): v for k, v in given.items()})
        return {**data, "languages": frozenset(codes), "language_levels": levels}

    @field_validator("languages", mode="before")
    @classmethod
    def _langs(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError("languages must be a list of names, not one string")
        if isinstance(value, Iterable):
            return frozenset(normalise_language(s) for s in (str(v).strip() for v in value) if s)
        return value

    @field_validator("language_levels", mode="before")
    @classmethod
    def _levels(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        out: dict[str, Any] = {}
        for key, level in value.items():
            found = normalise_level(str(level))
            if found is None:
                raise ValueError(f"language level {level!r} is not A1-C2, native, basic, "
                                 "intermediate or fluent")
            out[normalise_language(str(key))] = found
        return dict(sorted(out.items()))  # a set's order changes between runs

    @field_validator("min_partners")
    @classmethod
    def _minimum_within_capacity(cls, value: int, info: ValidationInfo) -> int:
        # capacity is declared first, so it is validated (or missing) by now.
        capacity = info.data.get("capacity")
        if capacity is not None and value > capacity:
            raise ValueError(f"min_partners ({value}) is above capacity ({capacity})")
        return value

    @model_validator(mode="after")
    def _levels_of_spoken(self) -> Participant:
        unspoken = sorted(set(self.language_levels) - self.languages)
        if unspoken:
            raise ValueError(f"language_levels names {unspoken}, which are not in languages")
        return self

    @field_validator("availability", mode="before")
    @classmethod
    def _slots(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError("availability must be a list of slots, not one string")
        if isinstance(value, Iterable):
            return normalise_slots(str(v) for v in value)
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
        seen: dict[str, str] = {}
        for key, val in value.items():
            name = str(key).strip()
            if not name:
                raise ValueError("an attribute name is empty")
            if seen.setdefault(name.casefold(), name) != name:
                raise ValueError(f"attributes {seen[name.casefold()]!r} and {name!r} differ "
                                 "only in case: give one")
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

    @field_serializer("languages", "previous_partners", "avoid", "availability")
    def _sorted(self, value: frozenset[str]) -> list[str]:
        # Sets iterate in hash order, which changes between runs; sorting
        # keeps every dump byte-for-byte reproducible.
        return sorted(value)


def split_roles(
    people: Sequence[Participant],
) -> tuple[list[Participant], list[Participant], list[Participant]]:
    """Split a roster into juniors, seniors and employees without a role.

    Employees without a role take part only as the org chart (reporting lines);
    a person with role ``"both"`` is on both sides (never paired with themself).

    Examples
    --------
    >>> js, ss, rest = split_roles([Participant(id="a", role="junior"), Participant(id="b")])
    >>> [p.id for p in js], [p.id for p in ss], [p.id for p in rest]
    (['a'], [], ['b'])
    """
    juniors = [p for p in people if p.role in ("junior", "both")]
    seniors = [p for p in people if p.role in ("senior", "both")]
    others = [p for p in people if p.role is None]
    return juniors, seniors, others
