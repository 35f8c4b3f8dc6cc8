"""The pages that bring people in: read a file, or check its columns first on the mapping screen.

Both read the upload exactly as :func:`rmatch.read_participants` reads a
file, with the maps and reading options chosen on the page (the file's
encoding among them: an older Windows Excel writes cp1252); a file that
cannot be read shows every problem and stores nothing.
"""

# No "from __future__ import annotations": FastAPI reads the routes' annotations
# (the DB and Me dependencies, passed in) at run time.
import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from rmatch.app.actions import store_import
from rmatch.app.context import Context
from rmatch.app.pages.mapping import (
    DUPLICATES,
    Choices,
    columns_view,
    encoding_of,
    header_row_of,
    join_view,
)
from rmatch.app.pages.views import problem_rows
from rmatch.app.people import Upload, capped, json_form, read_upload
from rmatch.app.store import PendingUpload, User, now

__all__ = ["PENDING_DAYS", "add_import_pages", "keep_pending"]

PENDING_DAYS = 7
"""A file kept for the mapping screen and not read there within this many days is
deleted (people's data kept no longer than the work on it needs)."""


def keep_pending(db: Session, pending: PendingUpload) -> PendingUpload:
    """Keep a file for the mapping screen; delete the programme's files kept too long.

    The same files sent again (a quick read refused twice) are the ones kept already.
    """
    db.execute(delete(PendingUpload).where(
        PendingUpload.programme_id == pending.programme_id,
        PendingUpload.created_at < now() - dt.timedelta(days=PENDING_DAYS)))
    alike: list[PendingUpload] = [] if pending.hr_filename is not None else list(
        db.scalars(select(PendingUpload).where(
            PendingUpload.programme_id == pending.programme_id,
            PendingUpload.filename == pending.filename, PendingUpload.hr_filename.is_(None))))
    for kept in alike:
        if (kept.content, kept.seniors_filename, kept.seniors_content) == (
                pending.content, pending.seniors_filename, pending.seniors_content):
            db.commit()
            return kept
    db.add(pending)
    db.commit()
    return pending


def _mapping_address(pid: int, pending: PendingUpload, encoding: str, sheet: str,
                     seniors_sheet: str) -> str:
    # The encoding and sheet ride along in the address until the mapping screen's
    # form has them.
    query = urlencode({k: v for k, v in (
        ("encoding", encoding), ("sheet", sheet),
        ("seniors_sheet", seniors_sheet if pending.seniors_content else "")) if v})
    return f"/programmes/{pid}/mapping/{pending.id}" + (f"?{query}" if query else "")


def add_import_pages(app: FastAPI, ctx: Context, DB: Any, Me: Any,  # noqa: N803 - types
                     page: Callable[..., HTMLResponse], checked: Callable[..., User],
                     overview: Callable[..., HTMLResponse]) -> None:
    """Add the import pages to ``app`` (``DB``/``Me``: the session and signed-in user)."""

    @app.post("/programmes/{pid}/people", response_model=None)
    async def upload(request: Request, pid: int, me: Me, db: DB,
                     csrf: Annotated[str, Form()], file: Annotated[UploadFile, File()],
                     columns: Annotated[str, Form()] = "",
                     values: Annotated[str, Form()] = "",
                     encoding: Annotated[str, Form()] = "",
                     level_map: Annotated[str, Form()] = "",
                     defaults: Annotated[str, Form()] = "",
                     sheet: Annotated[str, Form(max_length=200)] = "",
                     seniors_file: Annotated[UploadFile | None, File()] = None,
                     seniors_sheet: Annotated[str, Form(max_length=200)] = "",
                     managers_outside: Annotated[str, Form()] = "") -> Response:
        user = checked(me, csrf)
        programme, _ = ctx.programme(db, user, pid, write=True)
        up: Upload | None = None
        try:
            chosen = encoding_of(encoding)
            # A browser sends an empty part for a file input left empty.
            seniors = (await capped(seniors_file, ctx.max_upload), seniors_file.filename) \
                if seniors_file is not None and seniors_file.filename else None
            levels = json_form(level_map, "level map")
            everyone = json_form(defaults, "values for everyone")
            options = {**({"encoding": chosen} if chosen else {}),
                       **({"level_map": levels} if levels else {}),
                       **({"defaults": everyone} if everyone else {}),
                       **({"sheet": sheet.strip()} if sheet.strip() else {}),
                       # The seniors' sheet means something only beside their file.
                       **({"seniors_sheet": seniors_sheet.strip()}
                          if seniors and seniors_sheet.strip() else {}),
                       **({"managers_outside": True} if managers_outside == "on" else {})}
            up = Upload(await capped(file, ctx.max_upload), file.filename or "upload",
                        json_form(columns, "columns"), json_form(values, "values"), None,
                        options, seniors=seniors)
            people, caught = await run_in_threadpool(read_upload, up)  # off the event loop
        except HTTPException as err:
            if err.status_code not in (413, 422):
                raise
            detail = err.detail
            problems = (detail.get("problems") if isinstance(detail, dict)
                        else [{"reason": str(detail)}])
            columns_address = None
            if up is not None and any(p.get("kind") == "column_map" for p in problems):
                # The headers need a map: the file sent goes to the columns screen as
                # it is (a page cannot send a chosen file again).
                kept = keep_pending(db, PendingUpload(
                    programme_id=pid, filename=up.filename[:300], content=up.content,
                    seniors_filename=up.seniors and up.seniors[1][:300],
                    seniors_content=up.seniors and up.seniors[0]))
                columns_address = _mapping_address(pid, kept, up.options.get("encoding", ""),
                                                   up.options.get("sheet", ""),
                                                   up.options.get("seniors_sheet", ""))
            return overview(request, me, db, pid, err.status_code, problems=problems,
                            filename=file.filename, columns_address=columns_address,
                            pending_days=PENDING_DAYS)
        await run_in_threadpool(store_import, ctx, db, user, programme, up, people, caught,
                                None)
        return RedirectResponse(f"/programmes/{pid}", status_code=303)

    @app.post("/programmes/{pid}/mapping", response_model=None)
    async def mapping_upload(pid: int, me: Me, db: DB, csrf: Annotated[str, Form()],
                             file: Annotated[UploadFile, File()],
                             hr: Annotated[UploadFile | None, File()] = None,
                             encoding: Annotated[str, Form()] = "",
                             sheet: Annotated[str, Form(max_length=200)] = "",
                             seniors_file: Annotated[UploadFile | None, File()] = None,
                             seniors_sheet: Annotated[str, Form(max_length=200)] = ""
                             ) -> Response:
        user = checked(me, csrf)
        ctx.programme(db, user, pid, write=True)
        chosen = encoding_of(encoding)
        pending = PendingUpload(programme_id=pid, filename=(file.filename or "upload")[:300],
                                content=await capped(file, ctx.max_upload))
        if hr is not None and hr.filename:  # a sign-up form with the HR export to join
            pending.hr_filename = hr.filename[:300]
            pending.hr_content = await capped(hr, ctx.max_upload)
        if seniors_file is not None and seniors_file.filename:  # one file per side
            pending.seniors_filename = seniors_file.filename[:300]
            pending.seniors_content = await capped(seniors_file, ctx.max_upload)
        pending = keep_pending(db, pending)  # the same files sent before: the ones kept
        return RedirectResponse(_mapping_address(pid, pending, chosen, sheet.strip(),
                                                 seniors_sheet.strip()), status_code=303)

    def other_view(content: bytes | None, filename: str | None,
                   columns: dict[str, Any] | None, encoding: str, sheet: str = "",
                   header_row: int | None = None) -> dict[str, Any] | None:
        """Return the mapping screen's view of a second file (an HR export, the seniors')."""
        return (columns_view(content, filename, columns, encoding, sheet, header_row)
                if content is not None and filename else None)

    def pending_of(db: Session, user: User, pid: int, uid: int) -> PendingUpload:
        ctx.programme(db, user, pid, write=True)
        pending = db.get(PendingUpload, uid)
        if pending is None or pending.programme_id != pid:
            raise HTTPException(404, "no such upload; upload the file again")
        return pending

    def mapping_page(request: Request, me: tuple[User, str], db: Session, pid: int,
                     pending: PendingUpload, choices: Choices | None = None,
                     status: int = 200, **extra: Any) -> HTMLResponse:
        programme, _ = ctx.programme(db, me[0], pid)
        chosen = choices or Choices()
        try:
            view = columns_view(pending.content, pending.filename, chosen.columns,
                                chosen.encoding, chosen.sheet, chosen.header_row)
            hr_view = other_view(pending.hr_content, pending.hr_filename, chosen.hr_columns,
                                 chosen.encoding)
            seniors_view = other_view(pending.seniors_content, pending.seniors_filename,
                                      chosen.seniors_columns, chosen.encoding,
                                      chosen.seniors_sheet, chosen.header_row)
        except HTTPException as err:
            return overview(request, me, db, pid, 422, filename=pending.filename,
                            problems=problem_rows(err))
        if seniors_view:  # one value map reads both files: each file's proposals in it
            for field, cells in seniors_view["values"].items():
                merged = view["values"].setdefault(field, {})
                for cell, value in cells.items():
                    merged.setdefault(cell, value)
        try:
            upload = chosen.upload(pending, view["values"], hr_view and hr_view["values"])
            join = join_view(upload) if hr_view else {}
        except HTTPException as err:  # a map typed on the page that is not JSON
            join = {"unread": problem_rows(err)}
        return page(request, "mapping.html", me, status, programme=programme,
                    pending=pending, hr=hr_view, join=join, texts=chosen.texts,
                    duplicates=chosen.duplicates, duplicate_choices=DUPLICATES,
                    encoding=chosen.encoding, sheet=chosen.sheet, seniors=seniors_view,
                    seniors_sheet=chosen.seniors_sheet, managers_outside=chosen.managers_outside,
                    header_row=chosen.header_row, **view, **extra)

    @app.get("/programmes/{pid}/mapping/{uid}", response_class=HTMLResponse)
    def mapping(request: Request, pid: int, uid: int, me: Me, db: DB,
                encoding: Annotated[str, Query()] = "",
                sheet: Annotated[str, Query(max_length=200)] = "",
                seniors_sheet: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
        return mapping_page(request, me, db, pid, pending_of(db, me[0], pid, uid),
                            Choices(encoding=encoding_of(encoding), sheet=sheet.strip(),
                                    seniors_sheet=seniors_sheet.strip()))

    @app.post("/programmes/{pid}/mapping/{uid}", response_model=None)
    async def mapping_read(request: Request, pid: int, uid: int, me: Me, db: DB) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        # The file is read (and perhaps stored) off the event loop: seconds for a large one.
        return await run_in_threadpool(read_mapped, request, pid, uid, me, db, form)

    def read_mapped(request: Request, pid: int, uid: int, me: tuple[User, str], db: Session,
                    form: dict[str, str]) -> Response:
        user = checked(me, form.get("csrf", ""))
        pending = pending_of(db, user, pid, uid)
        enc = encoding_of(form.get("encoding"))
        tab, seniors_tab = (form.get(k, "").strip()[:200] for k in ("sheet", "seniors_sheet"))
        try:
            row = header_row_of(form.get("header_row"))
        except HTTPException as err:
            return mapping_page(request, me, db, pid, pending, Choices(
                encoding=enc, sheet=tab, seniors_sheet=seniors_tab), 422,
                problems=problem_rows(err))
        if (tab, seniors_tab, form.get("header_row", "").strip()) != tuple(
                form.get(f"{k}_was", "").strip()[:200]
                for k in ("sheet", "seniors_sheet", "header_row")):
            # Another sheet or header row: other headers, so the suggestions again,
            # nothing read yet.
            return mapping_page(request, me, db, pid, pending, Choices(
                encoding=enc, sheet=tab, seniors_sheet=seniors_tab, header_row=row))
        choices = Choices.of(form, columns_view(pending.content, pending.filename, None, enc,
                                                tab, row),
                             other_view(pending.hr_content, pending.hr_filename, None, enc),
                             other_view(pending.seniors_content, pending.seniors_filename,
                                        None, enc, seniors_tab, row))
        if form.get("action") == "check":  # show the join and values again; store nothing
            return mapping_page(request, me, db, pid, pending, choices)
        try:
            upload = choices.upload(pending, None, None)
            people, caught = read_upload(upload)
        except HTTPException as err:
            return mapping_page(request, me, db, pid, pending, choices, 422,
                                problems=problem_rows(err))
        programme, _ = ctx.programme(db, user, pid, write=True)
        store_import(ctx, db, user, programme, upload, people, caught, None)
        db.delete(pending)
        db.commit()
        return RedirectResponse(f"/programmes/{pid}", status_code=303)
