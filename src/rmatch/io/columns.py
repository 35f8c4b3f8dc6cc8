"""Which participant field each column of a roster holds.

Headers match a field whatever their case, spaces, underscores or hyphens
(``Birth Year`` is ``birth_year``); a column map names the others
(``{"Employee ID": "id", "Gender": "attributes.gender"}``). :func:`suggest`
turns the headers that HR systems and survey tools commonly write into a map
for the user to check and edit, from :mod:`rmatch.io.guessing`'s guesses,
settled by the file's cells (:mod:`rmatch.io.settle`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rmatch.errors import InputError
from rmatch.io.guessing import (
    _DOTTED,
    _FIELD_KEYS,
    _PREFIX,
    _SUGGEST,
    FIELDS,
    GUESS_FROM,
    MOST_COMPARED,
    READ_ONLY,
    _parents,
    _path_guesses,
    guesses,
    is_known_header,
)
from rmatch.io.headers import given_name_first, header_key, one_whole_name
from rmatch.model.availability import GRID_COLUMN

__all__ = ["FIELDS", "GUESS_FROM", "MOST_COMPARED", "READ_ONLY", "ColumnMap", "Columns",
           "column_keys",
           "given_name_first", "guesses", "header_key", "is_known_header", "resolve", "suggest",
           "valid_target"]

# Several columns may feed one of these: names are joined with a space
# ("first name" + "last name"), lists and maps are merged.
COMBINABLE = frozenset({"name", "languages", "previous_partners", "wishes", "avoid",
                        "availability", "skills",
                        "goals", "attributes"})
# The fields a JSON object may be read into whole.
_MAPS = frozenset({"skills", "goals", "language_levels", "attributes"})


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
        from rmatch.io.settle import settle_by_cells  # it guesses headers too

        settle_by_cells(wanted, rows, hidden)
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
    if not colon and (grid := GRID_COLUMN.fullmatch(header)):  # Google Forms: "When? [Monday]"
        asked, colon = grid.group(1) or "", "["
    found = guesses(asked, 1, loosely=near) if colon and asked.strip() else None
    return found if found and found[0][0] in COMBINABLE and found[0][1] >= GUESS_FROM else None
