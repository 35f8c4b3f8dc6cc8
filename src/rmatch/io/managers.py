"""Managers named otherwise than by id: by name, or by e-mail address.

HR exports give the manager as a name ("Manager: Ana Silva", with a blank
manager id) and directory exports (Active Directory, Entra ID, Google
Workspace) as an address, where the roster's ids are employee numbers. Each
is read as the id of the one row it names; anything else is left for the
reader's manager check to name by row. Names are personal data: no message
repeats one.
"""

from __future__ import annotations

import unicodedata
import warnings
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Protocol

from rmatch.errors import InputWarning
from rmatch.io.names import name_key

__all__ = ["Row", "managers_by_email", "managers_by_name"]


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


def managers_by_name(name: str, rows: Sequence[Row], has_id_column: bool) -> None:
    """Fill ``manager_id`` from ``manager_name``: the unique person of that name in the file.

    A blank manager id is filled from the name; when an id column exists, a
    warning lists whose ids were filled. Names are personal data: problems
    name the row, never the name.
    """
    wanted = [r for r in rows if r.manager_name and not r.record.get("manager_id")]
    if not wanted:
        return
    by_name: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        if isinstance(r.record.get("name"), str) and r.record.get("id"):
            by_name[name_key(r.record["name"])].append(r)
    filled: list[str] = []
    for r in wanted:
        found = by_name.get(name_key(str(r.manager_name)), [])
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
        warnings.warn(f"{name}: manager ids filled in from the manager's name for "
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
        warnings.warn(f"{name}: {read} manager(s) given as an e-mail address read as the id of "
                      "the person with that address", InputWarning, stacklevel=5)
