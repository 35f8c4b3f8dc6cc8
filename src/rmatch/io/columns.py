"""Which participant field each column of a roster holds.

Headers match a field whatever their case, spaces, underscores or hyphens
(``Birth Year`` is ``birth_year``); a column map names the others
(``{"Employee ID": "id", "Gender": "attributes.gender"}``). The suggestion
table below turns the headers that HR systems and survey tools commonly
write into a map for the user to check and edit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rmatch.errors import InputError
from rmatch.io import values
from rmatch.io.answers import NUMBER_WORDS, PAST, YES_NO, suggest_value_maps
from rmatch.io.headers import (
    ABROAD,
    SYNONYMS,
    given_name_first,
    header_key,
    one_whole_name,
    plain,
)
from rmatch.model.availability import normalise_slots
from rmatch.model.participant import Participant

__all__ = ["FIELDS", "GUESS_FROM", "MOST_COMPARED", "READ_ONLY", "ColumnMap", "Columns",
           "column_keys",
           "given_name_first", "guesses", "header_key", "is_known_header", "resolve", "suggest",
           "valid_target"]

# Every participant field, in the model's order (one source of truth).
FIELDS: tuple[str, ...] = tuple(Participant.model_fields)
# Targets a column may have besides the fields: the manager's name, which
# reading turns into ``manager_id`` by the unique person of that name.
READ_ONLY = ("manager_name",)
# Several columns may feed one of these: names are joined with a space
# ("first name" + "last name"), lists and maps are merged.
COMBINABLE = frozenset({"name", "languages", "previous_partners", "wishes", "avoid",
                        "availability", "skills",
                        "goals", "attributes"})
_PREFIX = "attributes."
# The fields a JSON object may be read into whole.
_MAPS = frozenset({"skills", "goals", "language_levels", "attributes"})
_FIELD_KEYS = {header_key(f): f for f in (*FIELDS, *READ_ONLY)}


def _dotted(header: str) -> str:
    """Fold a JSON path part by part, its dots kept ("work.Site" -> ".work.site")."""
    return "." + ".".join(header_key(p) for p in header.split("."))


def column_keys(headers: Sequence[str], objects: Collection[str] = ()) -> dict[str, str]:
    """Return how each header is compared: :func:`header_key`, but for a path beside a key.

    A JSON path beside a key that folds alike ("work.site" and "worksite",
    "home.email" and "homeEmail") is another column, not one given twice: it
    keeps its dots, and a column map names it by them. Headers that fold
    alike otherwise are one column given twice.

    Examples
    --------
    >>> column_keys(["worksite", "work", "work.site"], objects={"work"})
    {'worksite': 'worksite', 'work': 'work', 'work.site': '.work.site'}
    """
    paths = {h for h in headers if objects and any(p in objects for p in _parents(h))}
    keys = {header_key(h) for h in headers if h not in paths}
    return {h: _dotted(h) if h in paths and header_key(h) in keys else header_key(h)
            for h in headers}


def valid_target(target: str) -> bool:
    """Tell whether a column map may send a column to ``target``.

    Examples
    --------
    >>> valid_target("birth_year"), valid_target("attributes.gender"), valid_target("age")
    (True, True, False)
    """
    return target in FIELDS or target in READ_ONLY or (
        target.startswith(_PREFIX) and bool(target[len(_PREFIX):]))


@dataclass
class Columns:
    """How the headers of one roster resolve: header -> target, and what is left out."""

    targets: dict[str, str] = field(default_factory=dict)
    """Source header -> field or ``attributes.KEY``, in the file's order."""
    unknown: list[str] = field(default_factory=list)
    """Headers neither known nor mapped."""
    problems: list[str] = field(default_factory=list)
    """Duplicate headers, two columns for one field, no id column."""
    unused: list[str] = field(default_factory=list)
    """Column map entries that match no header (one map may serve several sheets)."""
    copies: dict[str, str] = field(default_factory=dict)
    """A column read as a further field ("Office (as timezone)") -> the header it copies:
    each row's cell is read under both (see :data:`ColumnMap`)."""


ColumnMap = Mapping[str, str | Sequence[str] | None]
"""A column map: source header -> a field, ``attributes.KEY``, ``None`` (leave it out), or
a list of those to read one column as several fields (``{"Office": ["location",
"timezone"]}``: the office as the location, and its city as the time zone)."""


def resolve(headers: Sequence[str], columns: ColumnMap | None, *,
            keep_unknown: bool, objects: Collection[str] = ()) -> Columns:
    """Resolve the headers of a roster against a column map.

    ``objects``: headers of JSON objects that are also read as columns by
    path (:func:`rmatch.io.documents.flattened`). Such an object is read
    whole only when the map names it (a map of skills under the file's own
    key), and then its paths are not; otherwise its paths stand for it
    (never read by its name alone, never kept as an attribute nor named as
    unknown).

    Examples
    --------
    >>> cols = resolve(["Employee ID", "Department", "Job Title"],
    ...                {"Employee ID": "id"}, keep_unknown=False)
    >>> cols.targets, cols.unknown
    ({'Employee ID': 'id', 'Department': 'department'}, ['Job Title'])
    >>> cols = resolve(["id", "department", "department.name", "skills", "skills.sql"],
    ...                {"department.name": "department", "skills": "skills"},
    ...                keep_unknown=True, objects={"department", "skills"})
    >>> cols.targets, cols.unknown
    ({'id': 'id', 'department.name': 'department', 'skills': 'skills'}, [])
    >>> cols = resolve(["id", "Office"], {"Office": ["location", "timezone"]},
    ...                keep_unknown=False)
    >>> cols.targets, cols.copies
    ({'id': 'id', 'Office': 'location', 'Office (as timezone)': 'timezone'}, \
{'Office (as timezone)': 'Office'})
    """
    keys = column_keys(headers, objects)
    apart = {k for k in keys.values() if k.startswith(".")}
    mapping: dict[str, str | None] = {}
    further: dict[str, list[str]] = {}  # a column's fields after its first
    for source, given in (columns or {}).items():
        targets: list[str | None] = [given] if given is None or isinstance(given, str) else [
            *given]
        if not targets or (len(targets) > 1 and None in targets):
            raise InputError(f"column map: {source!r} -> {given!r}: give a field, a list of "
                             "fields, or null to leave the column out")
        for target in targets:
            if target is not None and not valid_target(target):
                raise InputError(
                    f"column map: {source!r} -> {target!r}: {target!r} is not a field; use one "
                    f"of {', '.join((*FIELDS, *READ_ONLY))}, attributes.KEY, a list of those, or "
                    "null to leave the column out")
        key = _dotted(source) if _dotted(source) in apart else header_key(source)
        mapping[key], further[key] = targets[0], [t for t in targets[1:] if t is not None]
    out = Columns()
    seen: dict[str, str] = {}
    by_target: dict[str, str] = {}

    def take(header: str, target: str) -> None:
        if target in by_target and target not in COMBINABLE:
            out.problems.append(f"columns {by_target[target]!r} and {header!r} both give "
                                f"{target!r}; map one of them to another field or to null")
            return
        by_target.setdefault(target, header)
        out.targets[header] = target

    for header in headers:
        key = keys[header]
        if key in seen:
            out.problems.append(f"column {header!r} appears twice in the header "
                                f"(also as {seen[key]!r})")
            continue
        seen[key] = header
        if key in mapping:
            target = mapping[key]
            if target is None:
                continue  # left out on purpose
        elif header in objects or any(mapping.get(header_key(p)) for p in _parents(header)
                                      if p in objects):
            continue  # an object its paths stand for, or a path of an object read whole
        elif key in _FIELD_KEYS:
            target = _FIELD_KEYS[key]
        elif header.strip().casefold().startswith(_PREFIX) and header.strip()[len(_PREFIX):]:
            target = _PREFIX + header.strip()[len(_PREFIX):].strip()
        elif keep_unknown:
            target = _PREFIX + header.strip()
        else:
            out.unknown.append(header)
            continue
        take(header, target)
        for also in further.get(key, ()) if key in mapping else ():
            out.copies[f"{header} (as {also})"] = header
            take(f"{header} (as {also})", also)
    out.unused = [s for s in (columns or {})
                  if header_key(s) not in seen and _dotted(s) not in seen]
    if "id" not in out.targets.values():
        out.problems.append("no column gives the participant 'id' (map one, e.g. "
                            "columns={'Employee ID': 'id'})")
    out.targets = given_name_first(out.targets)
    return out


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


def suggest(headers: Sequence[str], *, hidden: Collection[str] = (),
            rows: Sequence[Mapping[str, Any]] = (), objects: Collection[str] = ()
            ) -> dict[str, str | None]:
    """Suggest a column map for these headers, for the user to check and edit.

    Every header appears once: known fields map to themselves, common HR and
    survey headers to their usual field (diversity dimensions to
    ``attributes.KEY``), others to a close enough fuzzy guess (see
    :func:`guesses`), and the rest to ``None`` (left out). Only the first
    header suggested for a field gets it, but for the fields whose columns
    are joined: the name's columns (the name's own words only: "First
    name", "Last name", never a loose guess such as "Emergency contact
    name" beside them) and lists (wishes, languages, ...). Hidden columns (``hidden``: an
    Excel export's helper columns) are never suggested for a field. With
    the file's ``rows``, the cells settle two common doubts: an "ID" column
    counting 1, 2, 3 (a survey's response number) is no participant id (the
    e-mail is), a manager column holding the names of the file's people
    is ``manager_name`` (an id column for the manager is preferred), and a
    form's question whose header guesses ``role``, ``availability`` or
    ``capacity`` loosely (left out, or another loose guess) gets it when
    every answer says a side (more than one among them), is a list of
    weekly slots, or gives a number ("Up to 2", "3+"); a column left out
    whose every answer names a side in mentoring's words ("Reverse Mentor",
    "Reverse Mentee") is the role whatever its header. An "ID" column
    counting 1, 2, 3 that a manager column refers to is the id after all.
    A JSON object also read by its paths (``objects``, see :func:`resolve`)
    is suggested only for a map (skills, goals, language levels,
    attributes): "work" or "manager" holding an object is read by its paths
    (``work.site``, ``manager.id``), which are guessed from their parts, as
    are headers a flattened export wrote so (dots between parts, no spaces).

    Examples
    --------
    >>> suggest(["Employee ID", "Full Name", "Date of Birth", "Gender", "Job Title"])
    {'Employee ID': 'id', 'Full Name': 'name', 'Date of Birth': 'birth_year', \
'Gender': 'attributes.gender', 'Job Title': None}
    >>> suggest(["ID", "Email"], rows=[{"ID": "1", "Email": "a@x"}, {"ID": "2", "Email": "b@x"}])
    {'ID': None, 'Email': 'id'}

    An HR API's nested objects, read as columns by their path, are guessed
    from their parts:

    >>> suggest(["id", "work.department", "work.reportsTo.id", "work.reportsTo.email",
    ...          "personal.birthDate"], objects={"work", "work.reportsTo", "personal"})
    {'id': 'id', 'work.department': 'department', 'work.reportsTo.id': 'manager_id', \
'work.reportsTo.email': None, 'personal.birthDate': 'birth_year'}
    """
    wanted: dict[str, str | None] = {}
    loose: dict[str, str | None] = {}  # headers a fuzzy guess (not the field's words) gave
    for k, header in enumerate(headers):
        near = k < MOST_COMPARED  # a survey of thousands of columns: the first compared
        if header in hidden:
            wanted[header] = None
        elif header in objects:
            found = guesses(header, 1, loosely=near)
            wanted[header] = found[0][0] if found and found[0][1] >= GUESS_FROM \
                and found[0][0] in _MAPS else None
        elif (objects and any(p in objects for p in _parents(header))) or (
                _DOTTED.fullmatch(header.strip()) and header_key(header) not in _FIELD_KEYS
                and header_key(header) not in _SUGGEST):
            # A JSON path, or one a flattened export wrote ("work.reportsTo.id" in a
            # CSV from pandas' json_normalize); never "Dept. name" or "D.O.B.".
            found = _path_guesses(header, 1) if near else guesses(header, 1, loosely=False)
            wanted[header] = found[0][0] if found and found[0][1] >= GUESS_FROM else None
        elif header.strip().casefold().startswith(_PREFIX):
            wanted[header] = header.strip()
        else:
            found = _choice_guess(header, near) or guesses(header, 1, loosely=near)
            wanted[header] = found[0][0] if found and found[0][1] >= GUESS_FROM else None
            if wanted[header] is not None and found[0][1] < 100:
                loose[header] = wanted[header]
    if rows:
        _settle_by_cells(wanted, rows, hidden)
    mails = [h for h, t in wanted.items() if t == "email"]
    if "id" not in wanted.values() and mails:
        wanted[mails[0]] = "id"  # a sign-up form: the e-mail is who someone is
    # Names of several columns are joined ("First name" + "Last name"): only
    # those the field's own words name. A loose guess joins no name ("Emergency
    # Contact Name", "Cost Center Name" were joined into everyone's name); it
    # stands alone when nothing else gives one. Lists join any ("First choice",
    # "Second choice" of mentor).
    named = any(t == "name" and loose.get(h) != t for h, t in wanted.items())
    out: dict[str, str | None] = {}
    taken: set[str] = set()
    for header in headers:
        target = wanted[header]
        guessed = target == "name" and loose.get(header) == target
        if target is not None and target in taken and (target not in COMBINABLE or guessed):
            target = None  # a second 'id' or 'level' column: the user decides
        elif guessed and named:
            target = None  # a loose guess beside a column the field's words name
        if target is not None:
            taken.add(target)
        out[header] = target
    return one_whole_name(out)


def _choice_guess(header: str, near: bool) -> list[tuple[str | None, float]] | None:
    """Guess a column of one choice ("Topics you share: GenAI") by its question (a list's field).

    A SurveyMonkey export's question of several choices is a column per choice,
    which the field's reading joins. None when the header is no such column.
    """
    asked, colon, _ = header.rpartition(": ")
    found = guesses(asked, 1, loosely=near) if colon and asked.strip() else None
    return found if found and found[0][0] in COMBINABLE and found[0][1] >= GUESS_FROM else None


def _cells(rows: Sequence[Mapping[str, Any]], header: str) -> list[str]:
    return [str(r[header]).strip() for r in rows
            if r.get(header) is not None and str(r[header]).strip()]


def _settle_by_cells(wanted: dict[str, str | None], rows: Sequence[Mapping[str, Any]],
                     hidden: Collection[str]) -> None:
    """Correct a suggestion where the cells say otherwise (see :func:`suggest`)."""
    ids = [h for h, t in wanted.items() if t == "id"]
    if ids:
        cells = _cells(rows, ids[0])
        # ... unless a manager column names people by it: then it is who they are.
        bosses = {c.removesuffix(".0") for h, t in wanted.items() if t == "manager_id"
                  for c in _cells(rows, h)}
        mails = [h for h, t in wanted.items() if t == "email"]
        # Only where an e-mail can be the id instead: else the numbers are the
        # only key the file has ("Emp No" 1 to 6 of a small team was left out,
        # and every row refused for having no id).
        if mails and values.counts_responses(cells) \
                and not bosses & {c.removesuffix(".0") for c in cells}:
            wanted[ids[0]] = None  # 1, 2, 3: a response number
            wanted[mails[0]] = "id"
    for header in [h for h, t in wanted.items() if t == "manager_id"]:
        cells = _cells(rows, header)
        if cells and all(values.fold(c) in YES_NO for c in cells):
            wanted[header] = None  # "Is a people manager?" answered yes or no: nobody's id
    names = {c.casefold() for h, t in wanted.items() if t == "name" for c in _cells(rows, h)}
    managers = [h for h, t in wanted.items() if t == "manager_id"]
    for header in managers:
        cells = _cells(rows, header)
        if cells and sum(c.casefold() in names for c in cells) >= len(cells) / 2:
            wanted[header] = "manager_name"
    if any(t == "manager_name" for t in wanted.values()):
        for header in managers:  # another manager column holding ids is manager_id
            if wanted[header] == "manager_id":
                continue
            others = [h for h, t in wanted.items() if t is None and "manager" in h.casefold()
                      and "id" in header_key(h)]
            for other in others[:1]:
                wanted[other] = "manager_id"
    # A form's question ("Which best describes you?", "When are you free?")
    # guesses the field only loosely; its answers can settle it.
    _claim(wanted, rows, "role", _names_sides)
    _claim(wanted, rows, "availability", _are_slots)
    _claim(wanted, rows, "capacity", _are_counts)
    left = [h for h, t in list(wanted.items())[:MOST_COMPARED] if t is None and h not in hidden]
    # Answers that name the sides in mentoring's own words ("Reverse Mentor",
    # "Reverse Mentee") say the role whatever the header ("Participation"): no
    # other column's every answer says mentor or mentee. Else "Would you like
    # to be a reverse mentor?" answered yes or no: the side, though which one
    # "yes" means only the question says (a value map). A question about the
    # past ("Have you had a mentor before?") says no side.
    for header in left if "role" not in wanted.values() else []:
        cells = _cells(rows, header)
        if cells and all(_MENTORING.search(c.casefold()) for c in set(cells)) \
                and _names_sides(cells):
            wanted[header] = "role"
            break
    for header in left if "role" not in wanted.values() else []:
        cells = _cells(rows, header)
        asked = header.casefold()
        # "Both mentor and mentee?" answered yes or no says no side: "no" is the
        # side of the person's own file or form, which the answer does not name.
        if _MENTORING.search(asked) and not PAST.search(asked) and not _BOTH.search(asked) \
                and cells and all(values.fold(c) in YES_NO for c in cells):
            wanted[header] = "role"
            break


_BOTH = re.compile(r"\bboth\b|mentor.*mentee|mentee.*mentor|beide|les deux|ambos|entrambi")
_SIDE_OPTIONS = 12
"""The most distinct answers a role column has (junior, senior, both, in a form's words)."""
_SIDE_OPTION_LENGTH = 120
"""The longest answer a role column has ("Reverse mentor (I'm early in my career)")."""
_MENTORING = re.compile(r"mentor|mentee|mentorat|mentoria|mentoría|mentorad|tutor")


CLAIM_FROM = 80.0
"""A column left out or only guessed (not a field's name or a known header) whose
header guesses a field at least this well (one of its three best) gets that field
when every answer in its first rows fits it."""


def _claim(wanted: dict[str, str | None], rows: Sequence[Mapping[str, Any]], target: str,
           fits: Callable[[list[str]], bool]) -> None:
    if target in wanted.values():
        return
    for header in list(wanted)[:MOST_COMPARED]:
        key = header_key(header)
        if key not in _SUGGEST and key not in _FIELD_KEYS \
                and any(t == target and s >= CLAIM_FROM for t, s in guesses(header)):
            cells = _cells(rows, header)
            if cells and fits(cells):
                wanted[header] = target
                return


def _names_sides(cells: list[str]) -> bool:
    """Whether every answer says a side, and more than one side is said (a sign-up's role).

    A form's role is one of a few short options, repeated down the column: a
    column of free text (a biography, "My name is mentee 00. I am a HEO ...",
    each row its own) is no role, whatever words it uses.
    """
    distinct = set(cells)
    if len(distinct) > _SIDE_OPTIONS or any(len(c) > _SIDE_OPTION_LENGTH for c in distinct) \
            or (len(cells) > 3 and len(distinct) == len(cells)):
        return False
    said = suggest_value_maps({"role": sorted(distinct)}).get("role", {})

    def side(cell: str) -> str | None:
        plain = " ".join(cell.casefold().split())
        return plain if plain in ("junior", "senior", "both") else said.get(cell)

    sides = {side(c) for c in cells}
    return None not in sides and len(sides) > 1


def _are_counts(cells: list[str]) -> bool:
    """Whether every answer gives a count ("2", "Up to 2", "3+", "1-2"): a "how many"."""
    return all(re.search(r"\d", c) or set(re.findall(r"[a-z]+", c.casefold())) & set(
        NUMBER_WORDS) for c in cells)


def _are_slots(cells: list[str]) -> bool:
    """Whether every answer is a list of weekly slots ("Monday morning, Wed 2-4pm")."""
    try:
        for cell in cells:
            normalise_slots(values.parse_list(cell))
    except ValueError:
        return False
    return True
