"""Reading an upload of people with rmatch's reader: every reading option, and HR data joined.

The upload is read exactly as :func:`rmatch.read_participants` reads a file
(the same options: column and value maps, role, date format, level map,
duplicates, header row, sheet, encoding, unknown columns), so every row is a
person or a problem naming it; a 422 lists every problem and nothing is
stored. A sign-up form can come with the HR system's export (``hr_data``):
:func:`rmatch.enrich` completes the sign-ups from it, and everyone in the
export stays in the programme's people for the org chart (reporting lines),
without a role. Without one, a manager who is in neither file is refused
by the person, unless the upload says such managers are outside the
programme (``managers_outside``): each is then a person without a role at
the top of the chart, as the command line's ``--no-check-managers`` reads them.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import HTTPException, UploadFile

import rmatch as rm
from rmatch.app.said import in_our_words, notes_of, said

__all__ = ["FORMATS", "OPTIONS", "Upload", "capped", "json_form", "named", "problems_of",
           "read_files", "read_upload"]

FORMATS = {".xlsx": "excel", ".json": "json", ".jsonl": "jsonl", ".csv": "csv", ".txt": "csv"}
# The reading options an upload may give (``options``, a JSON object), as
# rm.read_participants names them; and managers_outside (see the module).
OPTIONS = ("date_format", "level_map", "duplicates", "header_row", "sheet", "encoding",
           "unknown_columns", "defaults", "seniors_sheet", "managers_outside")
_OURS = ("managers_outside",)  # options of the service, not of the reader
MB = 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """An upload as sent: the file, its maps and options, and the HR export to join."""

    content: bytes
    filename: str
    columns: dict[str, Any] | None
    values: dict[str, Any] | None
    role: str | None
    options: dict[str, Any]
    hr: tuple[bytes, str] | None = None
    hr_columns: dict[str, Any] | None = None
    hr_values: dict[str, Any] | None = None
    seniors: tuple[bytes, str] | None = None
    """One sheet per side: the seniors' file (``content`` is then the juniors'), read
    with the same value maps and options and joined by ``rm.merge_sides``."""
    seniors_columns: dict[str, Any] | None = None
    """The seniors' file's own column map (None: ``columns``, the juniors' file's)."""


async def capped(file: UploadFile, limit: int) -> bytes:
    """Read an uploaded file, refusing one above ``limit`` bytes (413) without reading it all."""
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise HTTPException(413, f"{file.filename or 'the file'} is larger than the "
                                 f"{limit // MB} MB allowed")
    return content


def named(content: bytes, filename: str) -> io.BytesIO:
    """Wrap an upload's bytes as a file carrying its name, so rmatch's messages name the file.

    Examples
    --------
    >>> named(b"id", "roster.csv").name
    'roster.csv'
    """
    buffer = io.BytesIO(content)
    buffer.name = filename  # read by rmatch's reader for its messages, never opened
    return buffer


def json_form(text: str | None, what: str) -> dict[str, Any] | None:
    """Parse a JSON object sent as a form field (None when absent); 422 when it is not one.

    Examples
    --------
    >>> json_form('{"Employee ID": "id"}', "columns")
    {'Employee ID': 'id'}
    """
    if not text:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise HTTPException(422, f"{what}: not valid JSON: {rm.json_error(err)}") from None
    except RecursionError:
        raise HTTPException(422, f"{what}: not valid JSON (nested too deeply)") from None
    if not isinstance(value, dict):
        raise HTTPException(422, f"{what}: a JSON object is expected")
    return value


def problems_of(err: rm.InputError, file: str | None = None) -> list[dict[str, Any]]:
    """Return an InputError's problems as rows (file, row, id, field, reason) for an answer.

    Examples
    --------
    >>> problems_of(rm.InputError("no id column"))
    [{'reason': 'no id column'}]
    """
    out = []
    for p in err.problems or [str(err)]:
        row = p.as_dict() if isinstance(p, rm.Problem) else {"reason": str(p)}
        row["reason"] = in_our_words(str(row["reason"]))
        out.append({**row, "file": row.get("file") or file} if file else row)
    return out


# The last files read, with their choices: the mapping screen reads an HR export
# on every "Check these choices" and again to import (100,000 people: about 19 s
# a reading), mostly with the same choices. Kept while they hold at most
# READS_KEPT_PEOPLE people in all (about 3 kB a person: 450 MB); people are frozen.
READS_KEPT_PEOPLE = 150_000
_reads: OrderedDict[str, tuple[list[rm.Participant], list[warnings.WarningMessage]]] = (
    OrderedDict())
_reads_lock = threading.Lock()


def _read(content: bytes, filename: str, columns: dict[str, Any] | None,
          values: dict[str, Any] | None, options: dict[str, Any], **extra: Any
          ) -> list[rm.Participant]:
    """Read a file with its choices, or give the people of the same reading again.

    The same bytes, name, maps and options give the same people and say the
    same warnings (given again to the caller's recording): the reader is
    deterministic. Problems are not kept: a file that fails is read again.
    """
    chosen = json.dumps([filename, columns, values, options, extra], sort_keys=True,
                        default=repr)
    key = hashlib.sha256(content + b"\0" + chosen.encode()).hexdigest()
    with _reads_lock:
        kept = _reads.get(key)
        if kept is not None:
            _reads.move_to_end(key)
    if kept is None:
        with rm.caught_warnings() as caught:
            people = _answered(lambda: rm.read_participants(
                named(content, filename), format=FORMATS.get(Path(filename).suffix.lower()),
                columns=columns, values=values, **options, **extra), filename)
        kept = (people, list(caught))
        with _reads_lock:
            _reads[key] = kept
            while sum(len(p) for p, _ in _reads.values()) > READS_KEPT_PEOPLE and _reads:
                _reads.popitem(last=False)
    rm.warn_again(kept[1])  # to the caller's recording: the reading's own notes
    return list(kept[0])


_NO_MANAGER = ("manager {!r} is in no file: add them as a row without a role, or read "
               "managers in no file as people outside the programme (the upload option "
               "managers_outside; on the pages, the box 'A manager in no file is someone outside "
               "the programme')")


def _answered(read: Callable[[], list[rm.Participant]], filename: str | None
              ) -> list[rm.Participant]:
    """Run a read; its problems as a 422 (an option of the wrong kind too)."""
    try:
        return read()
    except rm.InputError as err:
        problems = problems_of(err, filename)
        for p in problems:  # the library names its own options; here they are the upload's
            if p.get("kind") == "manager_not_in_roster":
                p["reason"] = _NO_MANAGER.format(p.get("value"))
        raise HTTPException(422, {"problems": problems}) from None
    except (TypeError, ValueError) as err:  # an option of the wrong kind
        raise HTTPException(422, {"problems": [{"field": "options", "reason": said(err)}]}
                            ) from None


def read_files(upload: Upload) -> tuple[list[rm.Participant], list[rm.Participant] | None]:
    """Read an upload's file and its HR export (None without one), not joined yet; 422 on problems.

    The HR export is read with the upload's date format, level map and
    encoding (the same organisation's conventions), its own column and value maps.
    """
    reading = {k: v for k, v in upload.options.items() if k not in _OURS}
    outside = upload.options.get("managers_outside", False)
    if upload.seniors is not None:  # one file per side: each its own sheet
        seniors = upload.seniors
        rest = {k: v for k, v in reading.items() if k not in ("sheet", "seniors_sheet")}
        people = _answered(lambda: rm.read_sides(
            named(upload.content, upload.filename), named(*seniors), columns=upload.columns,
            seniors_columns=upload.seniors_columns, values=upload.values,
            sheet=upload.options.get("sheet"),
            seniors_sheet=upload.options.get("seniors_sheet"), **rest), None)
    elif "seniors_sheet" in upload.options:
        raise HTTPException(422, {"problems": [{"field": "seniors_sheet", "reason": (
            "seniors_sheet picks a sheet of the seniors' file, and none was sent (seniors_file)"
        )}]})
    else:
        people = _read(upload.content, upload.filename, upload.columns, upload.values,
                       reading, role=upload.role,
                       check_managers=upload.hr is None and not outside)
    if upload.hr is None:
        return people, None
    shared = {k: v for k, v in reading.items() if k in ("date_format", "level_map", "encoding")}
    return people, _read(upload.hr[0], upload.hr[1], upload.hr_columns, upload.hr_values,
                         shared, unknown_columns="warn")


def read_upload(upload: Upload) -> tuple[list[rm.Participant], list[str]]:
    """Read an upload (and join its HR export); return the people and the reading warnings."""
    unknown = sorted(set(upload.options) - set(OPTIONS))
    if unknown:
        raise HTTPException(422, {"problems": [{"field": "options", "reason": (
            f"unknown reading options {unknown}; the options are {', '.join(OPTIONS)}")}]})
    if upload.role not in (None, "junior", "senior", "both"):
        raise HTTPException(422, {"problems": [{"field": "role",
                                                "reason": "role is junior, senior or both"}]})
    if not isinstance(upload.options.get("managers_outside", False), bool):
        raise HTTPException(422, {"problems": [{"field": "managers_outside",
                                                "reason": "managers_outside is true or false"}]})
    if upload.role is not None and upload.seniors is not None:
        raise HTTPException(422, {"problems": [{"field": "role", "reason": (
            "with a seniors' file, the first file is the juniors' and the second the "
            "seniors': leave role out")}]})
    with rm.caught_warnings() as caught:
        people, employees = read_files(upload)
        if upload.hr is not None and employees is not None:
            try:
                people = rm.enrich(people, employees)
            except rm.InputError as err:
                raise HTTPException(422, {"problems": problems_of(err, upload.hr[1])}) from None
            signed = {p.id for p in people}
            people += [p.model_copy(update={"role": None}) for p in employees
                       if p.id not in signed]
        outside = _outside_managers(people, upload)
        people += outside
    juniors, seniors, _ = rm.split_roles(people)
    if not juniors or not seniors:
        raise HTTPException(422, {"problems": [{"field": "role", "reason": (
            f"found {len(juniors)} juniors and {len(seniors)} seniors: the role column must "
            "mark both sides (map its words with 'values')")}]})
    notes = notes_of(caught, (rm.InputWarning, rm.DataGapWarning))
    if outside:
        notes.append(f"{len(outside)} manager(s) in no file read as people outside the "
                     "programme (at the top of the reporting lines: the rule sees the chain "
                     "within the files only)")
    return people, notes


def _outside_managers(people: list[rm.Participant], upload: Upload) -> list[rm.Participant]:
    """Return the managers in no file as people without a role, when the upload says so.

    Otherwise each person whose manager is in no file is a problem (one file
    is checked as it is read; one file per side only here, where both are
    known): the org chart would otherwise fail when the programme is matched.
    """
    ids = {p.id for p in people}
    missing = sorted({p.manager_id for p in people if p.manager_id and p.manager_id not in ids})
    if not missing:
        return []
    if not upload.options.get("managers_outside", False):
        raise HTTPException(422, {"problems": [
            {"id": p.id, "field": "manager_id", "kind": "manager_not_in_roster",
             "value": p.manager_id, "reason": _NO_MANAGER.format(p.manager_id)}
            for p in people if p.manager_id in set(missing)]})
    return [rm.Participant(id=m) for m in missing]
