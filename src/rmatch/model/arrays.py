"""Participants as numpy arrays: the one conversion every hot path starts from.

Juniors and seniors are converted together so that both sides share the same
vocabularies (skill names, languages, departments, ...): a code or a column
means the same thing on both sides, and every pairwise comparison is a
broadcast.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

from rmatch.errors import InputError
from rmatch.model.languages import level_rank
from rmatch.model.participant import Participant, fold, normalise_id

__all__ = ["ParticipantArrays", "build_arrays", "group_names", "spans"]

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
_V = TypeVar("_V")


@dataclass(frozen=True)
class ParticipantArrays:
    """One side of the programme as column arrays (row ``i`` is ``people[i]``).

    Categorical fields are integer codes into vocabularies shared with the
    other side; ``-1`` means "not given". Missing birth years are NaN.

    Examples
    --------
    >>> js, ss = build_arrays([Participant(id="j", languages={"en"})],
    ...                       [Participant(id="s", languages={"pt", "en"})])
    >>> js.languages.shape == ss.languages.shape == (1, 2)
    True
    """

    people: tuple[Participant, ...]
    ids: tuple[str, ...]
    birth_year: npt.NDArray[np.float64]
    level: npt.NDArray[np.float64]
    """Levels, NaN where unknown."""
    capacity: IntArray
    department: IntArray
    location: IntArray
    timezone: IntArray
    languages: BoolArray
    language_levels: npt.NDArray[np.int8]
    """Per person and language, :func:`~rmatch.model.languages.level_rank` (0: unsaid)."""
    skills: FloatArray
    goals: FloatArray
    attributes: dict[str, IntArray]
    vocab: dict[str, tuple[str, ...]] = field(repr=False)

    def __contains__(self, participant_id: object) -> bool:
        """Whether a participant id is on this side (compared as stored: NFC).

        Examples
        --------
        >>> js, _ = build_arrays([Participant(id="a")], [])
        >>> "a" in js, "b" in js
        (True, False)
        """
        return isinstance(participant_id, str) and normalise_id(participant_id) in self.positions

    def __len__(self) -> int:
        return len(self.ids)

    def index(self, participant_id: str) -> int:
        """Return the row of a participant id.

        Examples
        --------
        >>> js, _ = build_arrays([Participant(id="a"), Participant(id="b")], [])
        >>> js.index("b")
        1
        """
        try:
            return self.positions[normalise_id(participant_id)]
        except KeyError:
            raise InputError(f"unknown participant id {participant_id!r}") from None

    @property
    def positions(self) -> dict[str, int]:
        """Participant id -> row, built once on first use.

        Examples
        --------
        >>> js, _ = build_arrays([Participant(id="a"), Participant(id="b")], [])
        >>> "b" in js.positions, js.positions["b"]
        (True, 1)
        """
        cached: dict[str, int] | None = self.__dict__.get("_pos")
        if cached is None:
            cached = {pid: i for i, pid in enumerate(self.ids)}
            object.__setattr__(self, "_pos", cached)
        return cached

    def attribute(self, name: str) -> IntArray:
        """Return the codes of a categorical field, ``-1`` where not given.

        ``department`` and ``location`` name the fields; anything else names
        an ``attributes`` key.

        Examples
        --------
        >>> js, _ = build_arrays([Participant(id="a", attributes={"g": "f"})], [])
        >>> js.attribute("g").tolist(), js.attribute("department").tolist()
        ([0], [-1])
        """
        if name == "department":
            return self.department
        if name == "location":
            return self.location
        codes = self.attributes.get(name)
        return codes if codes is not None else np.full(len(self), -1, dtype=np.int64)

    def derived(self, key: Hashable, build: Callable[[ParticipantArrays], _V],
                take: Callable[[_V, IntArray], _V]) -> _V:
        """Return a value computed from this side (``build(side)``), built once and kept.

        ``take(value, rows)`` gives the value of a subset of rows: a side
        taken from another (:meth:`take`) builds the value on that whole side
        once and slices it. Scoring keeps per-person arrays this way (the
        candidate path scores the same people block after block).

        Examples
        --------
        >>> js, _ = build_arrays([Participant(id="a"), Participant(id="b", level=2)], [])
        >>> js.take([1]).derived("twice", lambda side: side.level * 2, lambda v, rows: v[rows])
        array([4.])
        """
        kept: dict[Hashable, Any] = self.__dict__.setdefault("_derived", {})
        if key not in kept:
            parent = self.__dict__.get("_parent")
            if parent is not None:
                whole, rows = parent
                kept[key] = take(whole.derived(key, build, take), rows)
            else:
                kept[key] = build(self)
        return cast(_V, kept[key])

    def take(self, rows: Sequence[int] | IntArray) -> ParticipantArrays:
        """Return the arrays of a subset of rows (vocabularies unchanged).

        Each field is gathered from this side when first read: scoring a
        block reads a few of them (and the kept values of :meth:`derived`),
        and the certificate's scans take thousands of scattered rows per
        block, where gathering every field (people, ids, skills, goals, ...)
        took as long as scoring the block.

        Examples
        --------
        >>> js, _ = build_arrays([Participant(id="a"), Participant(id="b")], [])
        >>> part = js.take([1])
        >>> len(part), part.ids
        (1, ('b',))
        """
        return _Rows(self, np.asarray(rows, dtype=np.int64))

    def _object_arrays(self) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
        """People and ids as object arrays, made once (a part gathers from them)."""
        objects = self.__dict__.get("_objects")
        if objects is None:
            # fromiter: a slice assignment asks each Participant (a pydantic
            # model, iterable) whether it is a sequence, 1 s for 100,000.
            objects = tuple(np.fromiter(v, dtype=object, count=len(self.ids))
                            for v in (self.people, self.ids))
            object.__setattr__(self, "_objects", objects)
        return cast("tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]", objects)


_FIELDS = tuple(f.name for f in fields(ParticipantArrays))


class _Rows(ParticipantArrays):
    """Some rows of a side (:meth:`ParticipantArrays.take`), each field gathered on first read."""

    def __init__(self, side: ParticipantArrays, idx: IntArray) -> None:
        # Not the dataclass's __init__: the fields come from __getattr__. The
        # whole side this one was taken from (its rows there): fields are
        # gathered and kept values (:meth:`derived`) built there.
        parent = side.__dict__.get("_parent")
        self.__dict__["vocab"] = side.vocab
        self.__dict__["_parent"] = (side, idx) if parent is None else (parent[0], parent[1][idx])

    def __len__(self) -> int:
        return len(self.__dict__["_parent"][1])

    def __getattr__(self, name: str) -> Any:
        # Only called for what __dict__ lacks: a field not read yet.
        if name not in _FIELDS:
            raise AttributeError(name)
        side, idx = self.__dict__["_parent"]
        value: Any
        if name in ("people", "ids"):
            value = tuple(side._object_arrays()[name == "ids"][idx].tolist())
        elif name == "attributes":
            value = {k: v[idx] for k, v in side.attributes.items()}
        else:
            value = getattr(side, name)[idx]
        self.__dict__[name] = value
        return value

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled and copied as plain arrays of its rows (the side it was taken from stays).
        return ParticipantArrays, tuple(getattr(self, name) for name in _FIELDS)


def _codes(values: list[str | None], vocab: dict[str, int]) -> IntArray:
    return np.array([-1 if v is None else vocab[v] for v in values], dtype=np.int64)


def _vocab_of(*values: Iterable[str | None]) -> dict[str, int]:
    names = sorted({v for vs in values for v in vs if v is not None})
    return {name: i for i, name in enumerate(names)}


def group_names(*values: Iterable[str | None]) -> dict[str, str]:
    """Return each spelling of a group (a department, a location, an attribute) and its name.

    Spellings that differ only in case and spacing ("Sales", "SALES", "sales ")
    are one group: two exports of one HR system write them so, and as three
    groups a pair within Sales scored as crossing departments. A group's name
    is its most common spelling (among equals, "Sales" before "SALES" and
    "sales", "IT" before "it"; then the first in order). Matching, reports and
    the service group people by it; an HR tool's own tables can too.

    Examples
    --------
    >>> import rmatch as rm
    >>> rm.group_names(["Sales", "SALES", "IT", None], ["sales "])
    {'IT': 'IT', 'SALES': 'Sales', 'Sales': 'Sales', 'sales ': 'Sales'}
    """
    given = Counter(itertools.chain.from_iterable(values))  # one C pass: 100,000 a side
    counts: dict[str, int] = {v: n for v, n in given.items() if v is not None}
    groups: dict[str, list[str]] = {}
    for spelling in sorted(counts):
        groups.setdefault(fold(spelling), []).append(spelling)
    return {s: min(spellings, key=lambda x: (-counts[x], x != x.strip(), x.islower(),
                                             x.isupper() and len(x.strip()) > 3, x))
            for spellings in groups.values() for s in spellings}


def _groups_of(*values: Iterable[str | None]) -> tuple[dict[str, int], tuple[str, ...]]:
    """Return each spelling's group code and each group's name by code (:func:`group_names`)."""
    named = group_names(*values)
    names = sorted(set(named.values()), key=fold)
    code = {name: k for k, name in enumerate(names)}
    return {s: code[name] for s, name in named.items()}, tuple(names)


def _categories(people: Sequence[Participant], attr_keys: list[str]) -> dict[str, list[str | None]]:
    """Each single-valued categorical field as one list per side, read once."""
    out: dict[str, list[str | None]] = {
        "department": [p.department for p in people],
        "location": [p.location for p in people],
        "timezone": [p.timezone for p in people],
    }
    for key in attr_keys:
        out["attr:" + key] = [p.attributes.get(key) for p in people]
    return out


def _unit_matrix(people: Sequence[Participant], attr: str, vocab: dict[str, int]) -> FloatArray:
    out = np.zeros((len(people), len(vocab)), dtype=np.float32)
    # Flat lists built by comprehensions (a loop over people and their skills,
    # never over pairs): about 5x faster than appending item by item.
    maps = [getattr(p, attr) for p in people]
    names = [name for m in maps for name in m]
    if not names:
        return out
    rows = np.repeat(np.arange(len(people)), [len(m) for m in maps])
    cols = np.fromiter(map(vocab.__getitem__, names), dtype=np.int64, count=len(names))
    out[rows, cols] = np.fromiter((v for m in maps for v in m.values()), dtype=np.float32,
                                  count=len(names))
    return out


def _side(
    people: Sequence[Participant], vocabs: dict[str, dict[str, int]],
    categories: dict[str, list[str | None]], names: dict[str, tuple[str, ...]],
) -> ParticipantArrays:
    n = len(people)
    langs = np.zeros((n, len(vocabs["languages"])), dtype=np.bool_)
    lrows = [i for i, p in enumerate(people) for _ in p.languages]
    lcols = [vocabs["languages"][lang] for p in people for lang in p.languages]
    langs[lrows, lcols] = True
    ranks = np.zeros(langs.shape, dtype=np.int8)
    said = [(i, vocabs["languages"][lang], level_rank(level)) for i, p in enumerate(people)
            for lang, level in p.language_levels.items()]
    if said:
        rows, cols, vals = zip(*said, strict=True)
        ranks[list(rows), list(cols)] = vals
    attrs = {field.removeprefix("attr:"): _codes(values, vocabs[field])
             for field, values in categories.items() if field.startswith("attr:")}
    return ParticipantArrays(
        people=tuple(people),
        ids=tuple(p.id for p in people),
        birth_year=np.array(
            [np.nan if p.birth_year is None else p.birth_year for p in people], dtype=np.float64
        ),
        level=np.array([np.nan if p.level is None else p.level for p in people],
                       dtype=np.float64),
        capacity=np.array([p.capacity for p in people], dtype=np.int64),
        department=_codes(categories["department"], vocabs["department"]),
        location=_codes(categories["location"], vocabs["location"]),
        timezone=_codes(categories["timezone"], vocabs["timezone"]),
        languages=langs,
        language_levels=ranks,
        skills=_unit_matrix(people, "skills", vocabs["skills"]),
        goals=_unit_matrix(people, "goals", vocabs["skills"]),
        attributes=attrs,
        vocab={k: names.get(k, tuple(v)) for k, v in vocabs.items()},
    )


def build_arrays(
    juniors: Sequence[Participant], seniors: Sequence[Participant]
) -> tuple[ParticipantArrays, ParticipantArrays]:
    """Convert both sides to arrays with shared vocabularies.

    Raises :class:`InputError` when an id appears twice (on one side, or on
    both unless the person's role is ``"both"``), naming the id: a pairing
    between ambiguous people is meaningless.

    Examples
    --------
    >>> js, ss = build_arrays([Participant(id="j", skills={"genai": 0.8})],
    ...                       [Participant(id="s", goals={"genai": 1.0, "cloud": 0.5})])
    >>> js.vocab["skills"], js.skills.tolist(), ss.goals.tolist()
    (('cloud', 'genai'), [[0.0, 0.800000011920929]], [[0.5, 1.0]])
    """
    seen: dict[str, str] = {}
    problems = []
    for side, group in (("junior", juniors), ("senior", seniors)):
        for p in group:
            # A person with role "both" is on each side once, as themself.
            if p.id in seen and not (p.role == "both" and seen[p.id] == "junior"
                                     and side == "senior"):
                problems.append(f"id {p.id!r} is given twice (as {seen[p.id]} and as {side})")
            seen[p.id] = side
    if problems:
        raise InputError("; ".join(problems[:5]), problems)
    attr_keys = sorted({k for group in (juniors, seniors) for p in group for k in p.attributes})
    folded: dict[str, str] = {}
    for key in attr_keys:
        other = folded.setdefault(key.casefold(), key)
        if other != key:
            # Rules and sensitive_attributes name keys ignoring case; two keys
            # that differ only in case would be one attribute counted twice.
            problems.append(f"attribute keys {other!r} and {key!r} differ only in case (one "
                            "file or side writes one, another the other): use one spelling, "
                            "e.g. with a column map")
    if problems:
        raise InputError("; ".join(problems[:5]), problems)
    cat_j, cat_s = _categories(juniors, attr_keys), _categories(seniors, attr_keys)
    vocabs: dict[str, dict[str, int]] = {
        "languages": _vocab_of(*(p.languages for group in (juniors, seniors) for p in group)),
        "skills": _vocab_of(*(m for group in (juniors, seniors) for p in group
                              for m in (p.skills, p.goals))),
    }
    names: dict[str, tuple[str, ...]] = {}
    for field_name in cat_j:
        vocabs[field_name], names[field_name] = _groups_of(cat_j[field_name], cat_s[field_name])
    return _side(juniors, vocabs, cat_j, names), _side(seniors, vocabs, cat_s, names)


def spans(starts: IntArray, counts: IntArray) -> IntArray:
    """Return the indices ``starts[i], ..., starts[i] + counts[i] - 1``, run after run.

    The vectorised form of concatenating ``range(start, start + count)`` for
    every run: what gathering rows of a CSR-like index (arcs by tail, keys by
    row, matches of sorted keys) needs, with no Python loop over the runs.

    Examples
    --------
    >>> spans(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist()
    [5, 6, 9, 10, 11]
    """
    ends = np.cumsum(counts)
    out: IntArray = np.repeat(starts - ends + counts, counts) + np.arange(ends[-1] if len(ends)
                                                                         else 0)
    return out
