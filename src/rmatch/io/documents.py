"""JSON and JSON Lines as rows: a list of objects, or the list under one key of an object.

HR systems' APIs wrap their records in an object (``{"data": [...], "total":
120}``; BambooHR's directory has ``"fields"`` and ``"employees"``): the list
of objects under one key is the roster, as a sheet is in a workbook. It is
read without asking under the keys such answers use (``data``, ``value``,
``employees``, ...); ``sheet=`` names any other key, or one of several.

Their records nest objects (``"work": {"department": "R&D", "reportsTo":
{"id": "3"}}``): each nested value is also a column named by its path
(``work.department``, ``work.reportsTo.id``), as a flattened export would
have it, which a column map (or ``rmatch columns``) maps like any header;
the object stays whole under its own key too, for a map of skills under a
key of the file's own (``"competencies": {"python": 0.8}`` mapped to
``skills``). rmatch's own maps (``skills``, ``goals``, ``attributes``,
``language_levels``) are only whole.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from rmatch.errors import InputError, InputWarning, warn
from rmatch.io.columns import header_key

__all__ = ["flattened", "json_error", "json_items", "unique_keys"]


def json_error(err: json.JSONDecodeError, *, row: int | None = None) -> str:
    """Say where a JSON text typed or edited by hand breaks, and the usual reason, in words.

    Python's messages name the parser's expectation ("Expecting value"); a
    person editing a programme file or a value map has usually left a comma
    after the last item, used single or curly quotes, written Python's
    ``True``/``None``, or added a comment, none of which JSON allows.
    ``row``: the row of a JSON Lines file (one object a line), said instead
    of the line within it.

    Examples
    --------
    >>> try:
    ...     json.loads("{'seed': 1}")
    ... except json.JSONDecodeError as err:
    ...     print(json_error(err))
    line 1, column 2: a text in single quotes: JSON's quotes are double (")
    """
    doc, pos = err.doc, err.pos
    here = doc[pos:pos + 5]
    before = doc[:pos].rstrip()[-1:]
    if err.msg.startswith("Illegal trailing comma") or (here[:1] in ("]", "}")
                                                       and before == ","):  # Python >= 3.13
        said = "a comma after the last item (JSON allows none there)"
    elif here[:1] in ("\u201c", "\u201d", "\u2018", "\u2019"):
        said = "curly quotes (as a word processor writes them): JSON's quotes are straight \""
    elif here[:1] == "'":
        said = "a text in single quotes: JSON's quotes are double (\")"
    elif here.startswith(("True", "False", "None")):
        said = (f"{here.split()[0].rstrip(',}]')}: JSON writes true, false and null, "
                "in small letters")
    elif here.startswith(("//", "/*", "#")):
        said = "a comment: JSON has none (take it out)"
    elif err.msg == "Expecting ',' delimiter":
        said = "a comma missing between two items"
    elif err.msg == "Extra data":
        said = ("more after the end of the first value (one object or list a file; JSON "
                "Lines, one object a line, is read as .jsonl)")
    elif err.msg.startswith("Unterminated string"):
        said = "a text with no closing quote"
    elif err.msg.startswith("Invalid control character"):
        said = "a line break or tab inside a text (write \\n or \\t)"
    else:
        said = err.msg[:1].lower() + err.msg[1:]
    where = f"line {err.lineno}" if row is None else f"row {row}"
    return f"{where}, column {err.colno}: {said}"


# The keys under which HR systems' APIs answer with their records (Workday and
# Personio "data", OData and Microsoft Graph "value", BambooHR and HiBob
# "employees", ...): read without sheet=. Any other list needs naming: a
# programme file's "constraints" are no people.
_RECORDS = frozenset({"data", "value", "items", "results", "records", "rows", "employees",
                      "workers", "people", "persons", "users", "members", "participants",
                      "entries"})


# The participant fields whose value is a map (compared folded, as headers are).
_MAPS = frozenset({"skills", "goals", "attributes", "languagelevels"})


def flattened(record: dict[str, Any]) -> dict[str, Any]:
    """Return a JSON record with each nested object also as columns named by their path.

    The object stays under its key; rmatch's own maps are not spread (see
    the module's text). A path that is also a key of the record
    (``"work.site"`` beside ``"work": {"site": ...}``) is a ``ValueError``
    naming it: one of the two would be lost.

    Examples
    --------
    >>> flattened({"id": "1", "work": {"site": "Paris"}, "skills": {"python": 0.8}})
    {'id': '1', 'work': {'site': 'Paris'}, 'work.site': 'Paris', 'skills': {'python': 0.8}}
    """
    if not any(isinstance(v, dict) and _spread(k) for k, v in record.items()):
        return record  # most records: nothing nested (rmatch's own maps stay whole)
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key in out:
            raise ValueError(f"the key {key!r} is given both as a key and as the path of a "
                             "nested object")
        out[key] = value
        if isinstance(value, dict) and _spread(key):
            # A blank key names nothing a path could ("work." would fold like "work").
            for sub, inner in flattened({k: v for k, v in value.items() if k.strip()}).items():
                path = f"{key}.{sub}"
                if path in out or path in record:
                    raise ValueError(f"the key {path!r} is given both as a key and as the "
                                     "path of a nested object")
                out[path] = inner
    return out


@lru_cache(maxsize=4096)
def _spread(key: str) -> bool:
    """Whether an object under this key is also read by its paths (not one of rmatch's maps)."""
    return header_key(key) not in _MAPS


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build a JSON object, refusing a key given twice (``json`` keeps the last silently).

    Examples
    --------
    >>> unique_keys([("id", "a"), ("level", 2)])
    {'id': 'a', 'level': 2}
    """
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} is given twice in one JSON object")
        out[key] = value
    return out


def json_items(name: str, text: str, kind: str, sheet: str | int | None = None
               ) -> list[tuple[int, Any]]:
    """Return a JSON document's records with their numbers (from 1), as rows.

    ``kind`` is ``"json"`` (a list, or an object holding lists of objects:
    ``sheet`` names the key, needed when there are several) or ``"jsonl"``
    (one object a line, numbered by line).

    Examples
    --------
    >>> json_items("f.json", '{"total": 1, "data": [{"id": "a"}]}', "json", "data")
    [(1, {'id': 'a'})]
    """
    if kind != "json":
        if sheet is not None:
            raise InputError(f"{name}: sheet= picks a list of a JSON object; this is JSON Lines")
        return _lines(name, text)
    try:
        data = json.loads(text, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as err:
        raise InputError(f"{name}: invalid JSON: {json_error(err)}") from None
    except RecursionError:
        raise InputError(f"{name}: the JSON is nested too deeply") from None
    except ValueError as err:  # a key given twice in one object
        raise InputError(f"{name}: {err}") from None
    if isinstance(data, dict):
        data = _wrapped(name, data, sheet)
    elif sheet is not None:
        raise InputError(f"{name}: sheet= picks a list of a JSON object; this is a list")
    if not isinstance(data, list):
        raise InputError(f"{name}: expected a JSON list of participant objects")
    return list(enumerate(data, start=1))


def _wrapped(name: str, data: dict[str, Any], sheet: str | int | None) -> Any:
    """Return the list of objects under one key of an API's answer (or a path: "data.workers")."""
    found = _lists_within(data)
    lists = list(found)
    if sheet is not None:
        if str(sheet) in data:
            return data[str(sheet)]
        if str(sheet) in found:
            return found[str(sheet)]
        raise InputError(f"{name}: the JSON object has no key {str(sheet)!r}; its lists "
                         f"of objects are under {_keys(lists, found)}")
    # The API's records, whatever else the answer holds: by the last part of
    # their path ({"data": {"workers": [...]}} is read under "data.workers").
    records = [k for k in lists if k.rsplit(".", 1)[-1].casefold() in _RECORDS]
    if len(records) == 1:
        warn(f"{name}: read the {len(found[records[0]])} object(s) under "
             f"{records[0]!r} of the JSON object", InputWarning, stacklevel=5)
        return found[records[0]]
    if lists:
        raise InputError(f"{name}: the JSON object has lists of objects under "
                         f"{_keys(lists, found)}: choose the people's with sheet= (CLI: "
                         "--sheet), a key or its path (\"data.workers\")")
    raise InputError(f"{name}: expected a JSON list of participant objects, or an object "
                     "holding one; this object holds none")


_DEEPEST_LIST = 3
"""How deep in an API's answer a list of people is looked for ({"data": {"workers": [...]}})."""


def _lists_within(data: dict[str, Any], prefix: str = "", depth: int = 0
                  ) -> dict[str, list[Any]]:
    """Return every non-empty list of objects in the object, by its path ("data.workers")."""
    out: dict[str, list[Any]] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
            out[path] = value
        elif isinstance(value, dict) and depth + 1 < _DEEPEST_LIST:
            out.update(_lists_within(value, path + ".", depth + 1))
    return out


def _keys(lists: list[str], found: dict[str, list[Any]]) -> str:
    return ", ".join(f"{k!r} ({len(found[k])})" for k in lists) or "no key"


def _lines(name: str, text: str) -> list[tuple[int, Any]]:
    items: list[tuple[int, Any]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append((n, json.loads(line, object_pairs_hook=unique_keys)))
        except json.JSONDecodeError as err:
            raise InputError(f"{name}: invalid JSON: {json_error(err, row=n)}") from None
        except ValueError as err:
            raise InputError(f"{name}: row {n}: {err}") from None
        except RecursionError:
            raise InputError(f"{name}: row {n}: the JSON is nested too deeply") from None
    return items
