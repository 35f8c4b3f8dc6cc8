"""Managers named otherwise than by id: by name, or by e-mail address; names that carry ids.

HR exports give the manager as a name ("Manager: Ana Silva", with a blank
manager id) and directory exports (Active Directory, Entra ID, Google
Workspace) as an address, where the roster's ids are employee numbers. Each
is read as the id of the one row it names; anything else is left for the
reader's manager check to name by row. Some HR reports write a name with
the person's id after it ("Ana Silva (E123)"), the manager's too: the id is
read as such, and the name without it. Names are personal data: no message
repeats one.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from rmatch.errors import InputWarning, Problem, warn
from rmatch.io.names import bracketed, by_name, look_up
from rmatch.model.participant import IdSides

__all__ = ["Row", "ids_in_names", "manager_problems", "managers_by_email", "managers_by_name"]


class Row(Protocol):
    """A row on its way to a participant, as the reader keeps it."""

    row: int
    record: dict[str, Any]
    errors: list[tuple[str, str]]
    manager_name: str | None


def _id(value: Any) -> str | None:
    """Return an id as the model will store it (stripped, NFC)."""
    return unicodedata.normalize("NFC", value.strip()) or None if isinstance(value, str) \
        else None


def ids_in_names(name: str, rows: Sequence[Row]) -> None:
    """Read "Ana Silva (E123)" as the name Ana Silva when E123 is the row's own id or e-mail.

    A manager's name so written ("Ana Silva (E123)" with a blank manager id)
    is read as the manager E123 when that is the id of a row of the file.
    Anything else in brackets stays ("Ana Silva (Finance)", "Bo Chen (he/him)"):
    it may be part of how the person is called. A manager id column written
    so ("Supervisor": "Ana Silva (E123)", as SuccessFactors writes people) is
    read the same way; a number in brackets that is no row's id is kept alone,
    for the manager check to name it (with its hint when a spreadsheet
    dropped its zeros) and not the name. A warning counts the names read so.
    Before :func:`managers_by_name`, which then finds nothing left to do for
    those rows.

    Examples
    --------
    >>> from types import SimpleNamespace as Ns
    >>> rows = [Ns(row=2, record={"id": "E1", "name": "Ana Silva (E1)"}, errors=[],
    ...            manager_name=None),
    ...         Ns(row=3, record={"id": "E2", "name": "Bo Chen (he/him)"}, errors=[],
    ...            manager_name="Ana Silva (e1)")]
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as said:
    ...     warnings.simplefilter("always")
    ...     ids_in_names("r.csv", rows)
    >>> [(r.record["name"], r.record.get("manager_id")) for r in rows]
    [('Ana Silva', None), ('Bo Chen (he/him)', 'E1')]
    >>> print(said[0].message)  # doctest: +NORMALIZE_WHITESPACE
    r.csv: 1 name(s) written with the person's own id in brackets read without it;
    1 manager(s) named with their id in brackets read as that id
    """
    ids: dict[str, str] = {}
    for r in rows:
        if pid := _id(r.record.get("id")):
            ids[pid.casefold()] = pid
    own = managers = 0
    for r in rows:
        given = r.record.get("name")
        found = bracketed(given) if isinstance(given, str) else None
        pid, mail = _id(r.record.get("id")), r.record.get("email")
        if found and found[1].casefold() in ((pid or "").casefold(),
                                             str(mail or "").strip().casefold()):
            r.record["name"] = found[0]
            own += 1
        found = bracketed(r.manager_name) if isinstance(r.manager_name, str) else None
        if found and found[1].casefold() in ids and not r.record.get("manager_id"):
            r.record["manager_id"] = ids[found[1].casefold()]
            r.manager_name = None
            managers += 1
        # The same in the manager id's own column ("Supervisor": "Ana Lima (E1)", as
        # SuccessFactors writes people): the id in brackets when it is a row's. One
        # that only may be a row's (its zeros lost) is kept without the name, for the
        # manager check to say so by its id: names are personal data.
        given = _id(r.record.get("manager_id"))
        found = bracketed(given) if given and given.casefold() not in ids else None
        if found and found[1].casefold() in ids:
            r.record["manager_id"] = ids[found[1].casefold()]
            managers += 1
        elif found and found[1].isascii() and found[1].isdigit():
            r.record["manager_id"] = found[1]
    if own or managers:
        said = [f"{own} name(s) written with the person's own id in brackets read without it"
                ] if own else []
        said += [f"{managers} manager(s) named with their id in brackets read as that id"
                 ] if managers else []
        warn(f"{name}: {'; '.join(said)}", InputWarning, stacklevel=5)


def managers_by_name(name: str, rows: Sequence[Row], has_id_column: bool) -> None:
    """Fill ``manager_id`` from ``manager_name``: the unique person of that name in the file.

    A blank manager id is filled from the name; when an id column exists, a
    warning lists whose ids were filled. Names are personal data: problems
    name the row, never the name.
    """
    wanted = [r for r in rows if r.manager_name and not r.record.get("manager_id")]
    if not wanted:
        return
    index = by_name((r.record.get("name"), r) for r in rows if r.record.get("id"))
    filled: list[str] = []
    for r in wanted:
        found = look_up(index, str(r.manager_name))
        if len(found) == 1:
            r.record["manager_id"] = found[0].record["id"]
            filled.append(str(r.record.get("id") or f"row {r.row}"))
        elif not found:
            r.errors.append(("manager_name", "the manager's name is no one's name in this "
                                             "roster: give the manager's id, or add them as a "
                                             "row without a role"))
        else:
            r.errors.append(("manager_name", "the manager's name is the name of rows "
                             f"{', '.join(str(x.row) for x in found[:5])}: give the manager's "
                             "id instead"))
    if has_id_column and filled:
        warn(f"{name}: manager ids filled in from the manager's name for "
             f"{len(filled)} row(s) with a blank manager id: "
             f"{', '.join(repr(f) for f in filled[:8])}"
             f"{' and more' if len(filled) > 8 else ''}", InputWarning, stacklevel=5)


def managers_by_email(name: str, rows: Sequence[Row]) -> None:
    """Read a manager given as an e-mail address as the id of the one person with it.

    Directory exports (Active Directory, Entra ID, Google Workspace) name the
    manager by address while the roster's ids are employee numbers. Only a
    manager that is no one's id is read, and only as the one row whose
    ``email`` it is (ignoring case); a warning counts them.
    """
    by_email: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        email, pid = r.record.get("email"), _id(r.record.get("id"))
        if isinstance(email, str) and email.strip() and pid:
            by_email[email.strip().casefold()].append(pid)
    if not by_email:
        return  # most files: no e-mail column
    ids = {_id(r.record.get("id")) for r in rows}
    read = 0
    for r in rows:
        manager = _id(r.record.get("manager_id"))
        found = by_email.get(manager.casefold(), []) if manager and manager not in ids else []
        if len(found) == 1:
            r.record["manager_id"] = found[0]
            read += 1
    if read:
        warn(f"{name}: {read} manager(s) given as an e-mail address read as the id of "
             "the person with that address", InputWarning, stacklevel=5)


def manager_problems(name: str, managers: Sequence[tuple[int, str | None, str | None]],
                     ids: Mapping[str, int]) -> list[Problem]:
    """Return a problem for each manager id that names no one in the roster (its row, and id).

    ``managers`` holds each row's number, id and manager id; ``ids`` every id read.

    Examples
    --------
    >>> [p.value for p in manager_problems("r.csv", [(2, "a", None), (3, "b", "m9")],
    ...                                     {"a": 2, "b": 3})]
    ['m9']
    """
    missing = [(row, pid, manager) for row, pid, manager in managers
               if manager is not None and manager not in ids]
    if not missing:
        return []
    hint = IdSides(ids, ()).case_hint  # 'CEO' for 'ceo': said, not guessed
    return [Problem(f"manager {manager!r} is not in this roster{hint(manager)}: add them as a "
                    "row without a role, give the full org chart as org= (CLI: --org FILE), or "
                    "read such managers as outside the programme with check_managers=False "
                    "(CLI: --no-check-managers)", file=name, row=row, id=pid, field="manager_id",
                    kind="manager_not_in_roster", value=manager)
            for row, pid, manager in missing]
