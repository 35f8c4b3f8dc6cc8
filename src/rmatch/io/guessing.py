"""Which field a header most likely names: known headers first, then a fuzzy comparison.

The data is :mod:`rmatch.io.headers`' (HR exports' and survey tools' headers in
seven languages); :func:`guesses` scores each field for a header, and a JSON
path's field comes from its parts. :mod:`rmatch.io.columns` suggests a column
map from these guesses, :mod:`rmatch.io.settle` settles them by the cells.
"""

from __future__ import annotations

import re
from typing import Any

from rmatch.io.headers import ABROAD, SYNONYMS, header_key, plain
from rmatch.model.participant import Participant

__all__ = ["FIELDS", "GUESS_FROM", "MOST_COMPARED", "READ_ONLY", "guesses", "is_known_header"]

# Every participant field, in the model's order (one source of truth).
FIELDS: tuple[str, ...] = tuple(Participant.model_fields)
# Targets a column may have besides the fields: the manager's name, which
# reading turns into ``manager_id`` by the unique person of that name.
READ_ONLY = ("manager_name",)
_PREFIX = "attributes."
_FIELD_KEYS = {header_key(f): f for f in (*FIELDS, *READ_ONLY)}


# Headers HR exports and survey tools write (rmatch.io.headers), folded by header_key,
# and the field each usually holds; None: left out.
_SUGGEST: dict[str, str | None] = {}
for _target, _names in (*SYNONYMS.items(), *ABROAD.items()):
    for _name in _names.split(","):
        _SUGGEST[header_key(plain(_name))] = _target or None
# Headers too short to compare loosely ("Age" is inside "Language", "Usage", "Page"):
# taken when written so, never as a fuzzy phrase.
_SUGGEST["age"] = "birth_year"
# The same synonyms as phrases (with spaces) for fuzzy guesses, and field names.
_PHRASE_PAIRS = [(f.replace("_", " "), f) for f in (*FIELDS, *READ_ONLY)] + [
    (plain(name.strip()), target or None)
    for target, names in (*SYNONYMS.items(), *ABROAD.items()) for name in names.split(",")]
_PHRASES = [p for p, _ in _PHRASE_PAIRS]
_PHRASE_TARGETS: list[str | None] = [t for _, t in _PHRASE_PAIRS]


_LONGEST_GUESSED = 300
"""Headers longer than this are guessed as nothing: no form asks a question this long, and
comparing one with every phrase costs its length (a header of 20,000 characters took a
second, a JSON record nested 300 deep eight)."""


_DEEPEST_GUESSED = 8
"""Paths of more parts are guessed as nothing (a record nested 300 deep took 8 s of guesses)."""


_SHORTEST_INSIDE = 4
"""Phrases this short ('org', 'tz', 'team') are guessed only as a header's whole word."""


GUESS_FROM = 88.0
"""A fuzzy guess (rapidfuzz's WRatio, 0-100) at least this good is suggested."""


def is_known_header(header: Any) -> bool:
    """Tell whether a cell is a field's name or one of its known headers ("Employee ID").

    Examples
    --------
    >>> is_known_header("Line manager ID"), is_known_header("Personal"), is_known_header(7)
    (True, False, False)
    """
    return isinstance(header, str) and guesses(header, 1, loosely=False)[0][0] is not None


MOST_COMPARED = 500
"""Headers of one file compared loosely (by :func:`guesses`); the others are read by their
exact names and known synonyms only: 100,000 columns (700 KB of CSV) took minutes."""


def guesses(header: str, limit: int = 3, *, loosely: bool = True
            ) -> list[tuple[str | None, float]]:
    """Return the best fields for a header, with a score from 0 to 100, best first.

    A field name or a known synonym scores 100; other headers are compared
    with the synonym table by rapidfuzz's ``WRatio`` (word order and extra
    words count little: "Which role would you like?" is close to "which role").
    A header of more than 300 characters guesses nothing; ``loosely=False``
    gives the exact names and synonyms alone (beyond :data:`MOST_COMPARED`
    headers of a file).

    Examples
    --------
    >>> guesses("Topics I can share")[0]
    ('skills', 100.0)
    >>> [t for t, _ in guesses("Which role would you like?")][:1]
    ['role']
    """
    if len(header) > _LONGEST_GUESSED:
        return [(None, 0.0)]  # no form asks this long a question: nothing to compare
    key = header_key(header)
    if key in _FIELD_KEYS:
        return [(_FIELD_KEYS[key], 100.0)]
    folded = header_key(plain(header))
    if folded in _SUGGEST:
        target = _SUGGEST[folded]
        return [(_attribute(header) if target == "attributes" else target, 100.0)]
    if not loosely:
        return [(None, 0.0)]
    from rapidfuzz import fuzz, process, utils

    said = utils.default_process(plain(header))
    words = set(said.split())
    best: dict[str | None, float] = {}
    for phrase, score, index in process.extract(said, _PHRASES, scorer=fuzz.WRatio,
                                                processor=utils.default_process, limit=20):
        if len(phrase) <= _SHORTEST_INSIDE and phrase not in words:
            continue  # 'tz' and 'org' inside 'Vorgesetzter' say nothing: whole words only
        target = _PHRASE_TARGETS[index]
        target = _attribute(header) if target == "attributes" else target
        best.setdefault(target, round(float(score), 1))
    if _BOSS.search(said):
        # "Manager Emp No": the person's own key ("emp no") inside a header about the
        # manager is the manager's, as a path through the manager is
        # (id and manager_id tied at 90, and the column was left out).
        for own, theirs in (("id", "manager_id"), ("email", "manager_id"),
                            ("name", "manager_name")):
            if own in best:
                best[theirs] = max(best.pop(own), best.get(theirs, 0.0))
    return sorted(best.items(), key=lambda kv: -kv[1])[:limit]


# Words saying a header is about someone's manager, in the languages of the synonyms.
_BOSS = re.compile(r"\b(?:manager|mgr|supervisor|boss|reports to|reporting to|line manager"
                   r"|vorgesetzte[rn]?|responsable|gestor|chef)\b")


# The last part of a path that is a nested object's own key or name: the
# object (its parent part) says the field ("work.reportsTo.id": the manager).
_KEYS = frozenset({"id", "key", "code", "email", "mail", "number", "employeeid", "employeenumber"})
_NAMES = frozenset({"name", "value", "displayname", "text", "fullname"})
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# A header that is a path: parts joined by dots, no spaces ("work.reportsTo.id").
_DOTTED = re.compile(r"[^.\s]+(?:\.[^.\s]+)+")


def _parents(header: str) -> list[str]:
    """Return the paths a dotted header lies under: "a.b.c" -> ["a", "a.b"]."""
    parts = header.split(".")
    return [".".join(parts[:k]) for k in range(1, len(parts))]


def _path_guesses(header: str, limit: int) -> list[tuple[str | None, float]]:
    """Guess a JSON path's field ("work.department", "work.reportsTo.id") from its parts.

    The last part says the field ("personal.birthDate": birth_year) unless it
    is an object's own key or name: then the object does ("reportsTo" is the
    manager: its id or e-mail is ``manager_id``, its name ``manager_name``;
    a department's name is the department, its id is left out). A path
    through the manager is about the manager, never the person.
    """
    if len(header) > _LONGEST_GUESSED or header.count(".") >= _DEEPEST_GUESSED:
        return [(None, 0.0)]  # HR APIs nest a few levels; each part deeper is one more guess
    parts = [_CAMEL.sub(" ", p).strip() for p in header.split(".") if p.strip()]
    if not parts:
        return [(None, 0.0)]  # "." or "..": no part to say anything
    last = header_key(parts[-1])
    objects = [(guesses(p, 1) or [(None, 0.0)])[0] for p in parts[:-1]]
    if any(t == "manager_id" and score >= GUESS_FROM for t, score in objects):
        score = next(sc for t, sc in objects if t == "manager_id" and sc >= GUESS_FROM)
        own = "manager_id" if last in _KEYS else "manager_name" if last in _NAMES else None
        return [(own, score)]
    if last not in _KEYS | _NAMES or len(parts) < 2:
        return guesses(parts[-1], limit)
    target, score = objects[-1]
    if target in ("id", "name", "email") or target is None or score < GUESS_FROM:
        return guesses(parts[-1], limit)  # "employee.id", "user.email": the person's own
    return [(target if last in _NAMES else None, score)]


def _attribute(header: str) -> str:
    return _PREFIX + re.sub(r"[^0-9a-z]+", "_", plain(header.strip())).strip("_")
