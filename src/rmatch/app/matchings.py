"""Matchings, jobs, overrides, publication and the kick-off exports, over HTTP.

A matching is an immutable version: overrides (required and forbidden
pairs) make a new one with the parent's overrides and the new ones;
publishing marks one as the programme's published matching. Explanations
re-score the stored pairs with :func:`rmatch.evaluate` (a stored result
carries ids and scores, not the score matrix), so they always explain the
version asked about under the rules it was made with.
"""

# No "from __future__ import annotations": FastAPI reads the routes' annotations
# (Annotated[..., Depends(...)] built inside a function) at run time.
import csv
import datetime as dt
import io
import multiprocessing
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

import rmatch as rm
from rmatch.app.actions import cancel_job, override, publish, start_matching, start_round
from rmatch.app.context import Context, published
from rmatch.app.jobs import build_inputs, program_of
from rmatch.app.security import Access
from rmatch.app.store import Import, Job, Matching, Programme, User, now

__all__ = ["Explaining", "NotKeptError", "add_routes", "derived", "evaluation", "people_of",
           "rescored", "result_of", "version_key"]

class Overrides(BaseModel):
    """``POST .../matchings/{m}/overrides``."""

    require: list[tuple[str, str]] = Field(default_factory=list, max_length=10_000)
    forbid: list[tuple[str, str]] = Field(default_factory=list, max_length=100_000)


def _matching_json(m: Matching, *, names: dict[str, str] | None = None) -> dict[str, Any]:
    body = dict(m.result)
    body.update(id=m.id, number=m.number, parent=m.parent_id, overrides=m.overrides,
                published=m.published_at.isoformat() if m.published_at else None,
                created=m.created_at.isoformat())
    if names is not None:
        body["pairs"] = [{**p, "junior_name": names.get(p["junior_id"]),
                          "senior_name": names.get(p["senior_id"])} for p in body["pairs"]]
    return body


def rescored(db: Session, m: Matching) -> rm.MatchResult:
    """Re-score a stored matching as a full result (scores, explanations) under its rules.

    Kept per version (the evaluation scores every pair and solves the
    programme once: seconds at 5,000 per side): explanations, briefs and the
    mail merge of one version share it.
    """
    # The plain data is gathered only when the version is not kept already.
    result: rm.MatchResult = _RESCORED.get(version_key(db, m), lambda: evaluation(db, m)())
    return result


def version_key(db: Session, m: Matching) -> tuple[Any, ...]:
    """Key a matching version in the caches (its database, id and creation time)."""
    return (_where(db), m.id, m.created_at)


def evaluation(db: Session, m: Matching) -> Callable[[], rm.MatchResult]:
    """Return the evaluation of a version as a function of plain data (for another thread)."""
    return partial(_evaluate, *_plain(db, m))


def _plain(db: Session, m: Matching) -> tuple[Any, ...]:
    """Gather what evaluating a version needs, as plain data: people, pairs, rules, overrides."""
    imp = db.get(Import, m.import_id) if m.import_id else None
    if imp is None:
        raise HTTPException(409, "the people this matching was made from are gone")
    pairs = [(p["junior_id"], p["senior_id"]) for p in m.result["pairs"]]
    return list(people_of(db, m).values()), pairs, m.rules, dict(m.overrides)


def _evaluate(rows: list[dict[str, Any]], pairs: list[tuple[str, str]],
              rules: dict[str, Any] | None, overrides: dict[str, Any]) -> rm.MatchResult:
    juniors, seniors, org = build_inputs(rows, overrides)
    return rm.evaluate(pairs, juniors, seniors, program_of(rules, overrides), org=org)


class NotKeptError(Exception):
    """The explaining process no longer keeps a version it was asked about without its data."""


def _explain(key: tuple[Any, ...], plain: tuple[Any, ...] | None, person: str
             ) -> rm.Explanation:
    """Explain ``person`` in a version (run in the explaining process, which keeps versions).

    ``plain`` is None when the version was sent before: its people are not sent
    again for every person asked about (140,000 of them at 20,000 pairs a side).
    """
    if plain is None and key not in _RESCORED:
        raise NotKeptError(key)
    result: rm.MatchResult = _RESCORED.get(key, partial(_evaluate, *(plain or ())))
    return result.explain(person)


class Explaining:
    """Explanations of large versions, worked out in a separate process, each once.

    An explanation needs the version scored again and judged against the
    optimum (:func:`rmatch.evaluate` solves the programme: seconds at 5,000
    per side), and the exact cost of forcing each best alternative: read from
    that optimum, or under programme-wide rules a full solve each (tens of
    seconds at 5,000 per side). A page asks, shows
    that the work is under way, and reads the answer when it is there. A
    process, not a thread: a thread's Python would hold the interpreter lock
    the server's pages need meanwhile. It starts fresh (spawn, not fork: the
    server has threads) and keeps the last versions it evaluated.
    """

    def __init__(self, keep: int = 64) -> None:
        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        self.jobs: OrderedDict[tuple[Any, ...], Future[rm.Explanation]] = OrderedDict()
        # The versions the process was sent, as many as it keeps, last sent last.
        self.sent: OrderedDict[tuple[Any, ...], None] = OrderedDict()
        self.keep, self.lock = keep, threading.Lock()

    def ask(self, db: Session, m: Matching, person: str) -> Future[rm.Explanation]:
        """Start (or find) the explanation of ``person`` in version ``m``.

        The version's people go to the process once; if it has let the version
        go since (:class:`NotKeptError`), the next ask sends them again.
        """
        version = version_key(db, m)
        key = (*version, person)
        with self.lock:
            if key in self.jobs and not self._lost(self.jobs[key], version):
                self.jobs.move_to_end(key)
                return self.jobs[key]
            plain = None if version in self.sent else _plain(db, m)
            job = self.pool.submit(_explain, version, plain, person)
            self.sent[version] = None
            self.sent.move_to_end(version)
            while len(self.sent) > _RESCORED.size:
                self.sent.popitem(last=False)
            self.jobs[key] = job
            while len(self.jobs) > self.keep:
                self.jobs.popitem(last=False)
            return job

    def _lost(self, job: Future[rm.Explanation], version: tuple[Any, ...]) -> bool:
        if not job.done():
            return False
        if isinstance(job.exception(), BrokenProcessPool):
            # A worker that died (killed, out of memory): ask again in a new one.
            self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            self.sent.clear()
            return True
        if isinstance(job.exception(), NotKeptError):
            self.sent.pop(version, None)
            return True
        return False


class _Immutable:
    """A small LRU of decoded rows that never change (imports, matching versions).

    A 5,000-per-side programme's people are megabytes of JSON: decoding them
    on every page view cost more than the 300 ms a page may take. The key
    holds the database, the row's id and its creation time, so a row id that
    a database reuses after a deletion never meets an old entry.
    """

    def __init__(self, size: int = 8) -> None:
        self.size, self.items = size, OrderedDict[tuple[Any, ...], Any]()
        self.lock = threading.Lock()

    def __contains__(self, key: tuple[Any, ...]) -> bool:
        with self.lock:
            return key in self.items

    def get(self, key: tuple[Any, ...], load: Any) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = load()
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


_PEOPLE = _Immutable()


def _where(db: Session) -> str:
    bind = db.get_bind()
    return str(bind.engine.url)
_RESULTS = _Immutable()


def people_of(db: Session, m: Matching) -> dict[str, dict[str, Any]]:
    """Return the people a matching was made from, by id (as stored)."""
    return import_people(db, db.get(Import, m.import_id) if m.import_id else None)


def import_people(db: Session, imp: Import | None) -> dict[str, dict[str, Any]]:
    """Return an import's people by id, decoded once (an import never changes)."""
    if imp is None:
        return {}
    key = (_where(db), imp.id, imp.created_at)
    people: dict[str, dict[str, Any]] = _PEOPLE.get(
        key, lambda: {p["id"]: p for p in imp.people})
    return people


def result_of(db: Session, m: Matching) -> dict[str, Any]:
    """Return a matching version's result (rmatch's JSON), decoded once."""
    result: dict[str, Any] = _RESULTS.get((_where(db), m.id, m.created_at),
                                          lambda: m.result)
    return result


_DERIVED = _Immutable(size=16)
# Evaluated versions hold their dense score matrices (hundreds of MB at 5,000 per side).
_RESCORED = _Immutable(size=2)


def derived(db: Session, m: Matching, what: tuple[Any, ...], compute: Callable[[], Any]
            ) -> Any:
    """Return something computed from a matching version and ``what`` (hashable), once.

    A version never changes, so its figures only change with ``what`` (the
    groupings asked for, the ratings so far): the dashboard at 5,000 per side
    is computed once, not on every view.
    """
    return _DERIVED.get((_where(db), m.id, m.created_at, *what), compute)


def _names(db: Session, m: Matching) -> dict[str, str]:
    return {k: p.get("name") or "" for k, p in people_of(db, m).items()}


def add_routes(app: FastAPI, ctx: Context) -> None:
    """Add the matching, job and export routes to ``app``."""
    DB = Annotated[Session, Depends(ctx.db)]  # noqa: N806 - a type, named as one
    Me = Annotated[User, Depends(app.state.current_user)]  # noqa: N806

    def matching_of(db: Session, me: User, pid: int, mid: int, write: bool = False
                    ) -> tuple[Programme, Access, Matching]:
        programme, access = ctx.programme(db, me, pid, write=write)
        m = db.get(Matching, mid)
        if m is None or m.programme_id != pid:
            raise HTTPException(404, "no such matching")
        return programme, access, m

    @app.post("/api/v1/programmes/{pid}/matchings", status_code=202)
    def start(pid: int, me: Me, db: DB) -> dict[str, Any]:
        programme, _ = ctx.programme(db, me, pid, write=True)
        return {"job": start_matching(ctx, db, me, programme).id}

    def job_of(db: Session, me: User, job_id: str, write: bool = False) -> Job:
        job = db.get(Job, job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        ctx.programme(db, me, job.programme_id, write=write)
        return job

    @app.post("/api/v1/programmes/{pid}/next-round", status_code=202)
    def next_round(pid: int, me: Me, db: DB) -> dict[str, Any]:
        programme, _ = ctx.programme(db, me, pid, write=True)
        job = start_round(ctx, db, me, programme)
        return {"job": job.id, "round": job.params["overrides"]["round"]}

    @app.get("/api/v1/jobs/{job_id}")
    def get_job(job_id: str, me: Me, db: DB) -> dict[str, Any]:
        ctx.workers.reap(db)
        job = job_of(db, me, job_id)
        db.refresh(job)
        return {"id": job.id, "state": job.state, "progress": job.progress,
                "stage": job.stage, "matching": job.matching_id,
                "analysis": job.analysis_id, "error": job.error,
                "programme": job.programme_id}

    @app.delete("/api/v1/jobs/{job_id}")
    def cancel(job_id: str, me: Me, db: DB) -> dict[str, Any]:
        job = job_of(db, me, job_id, write=True)
        cancel_job(ctx, db, me, job)
        return {"id": job.id, "state": "cancelled"}

    @app.get("/api/v1/programmes/{pid}/matchings")
    def list_matchings(pid: int, me: Me, db: DB) -> list[dict[str, Any]]:
        ctx.programme(db, me, pid)
        rows = db.scalars(select(Matching).where(Matching.programme_id == pid)
                          .order_by(Matching.number))
        return [{"id": m.id, "number": m.number, "parent": m.parent_id,
                 "pairs": m.n_pairs, "objective": m.objective, "status": m.status,
                 "published": m.published_at.isoformat() if m.published_at else None}
                for m in rows]

    @app.get("/api/v1/programmes/{pid}/matchings/{mid}")
    def get_matching(pid: int, mid: int, me: Me, db: DB) -> dict[str, Any]:
        _, access, m = matching_of(db, me, pid, mid)
        return _matching_json(m, names=_names(db, m) if access.names else None)

    @app.get("/api/v1/programmes/{pid}/matchings/{mid}/explain/{person}")
    def explain(pid: int, mid: int, person: str, me: Me, db: DB) -> dict[str, Any]:
        _, access, m = matching_of(db, me, pid, mid)
        result = rescored(db, m)
        try:
            why = result.explain(person)
        except rm.InputError as err:
            raise HTTPException(404, str(err)) from None
        body: dict[str, Any] = why.model_dump(mode="json")
        if not access.names:
            body["differences"] = []  # the fields two people differ on may be sensitive
        return body

    @app.post("/api/v1/programmes/{pid}/matchings/{mid}/overrides")
    def overrides(pid: int, mid: int, body: Overrides, me: Me, db: DB,
                  if_match: Annotated[str | None, Header()] = None) -> Any:
        programme, _, m = matching_of(db, me, pid, mid, write=True)
        made = override(ctx, db, me, programme, m, body.require, body.forbid, if_match)
        if isinstance(made, Job):
            return {"job": made.id}
        return {"matching": made.id, "number": made.number,
                "objective_change": made.objective - m.objective}

    @app.post("/api/v1/programmes/{pid}/matchings/{mid}/publish")
    def publish_matching(pid: int, mid: int, me: Me, db: DB,
                         if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        programme, _, m = matching_of(db, me, pid, mid, write=True)
        publish(ctx, db, me, programme, m, if_match)
        assert m.published_at is not None  # just set
        return {"matching": m.id, "published": m.published_at.isoformat(),
                "state": programme.state, "version": programme.version}

    @app.get("/api/v1/programmes/{pid}/export")
    def export(pid: int, me: Me, db: DB, what: str = "pairs", format: str = "csv"
               ) -> Response:
        programme, access = ctx.programme(db, me, pid)
        m = published(db, pid)
        if m is None:
            raise HTTPException(409, "publish a matching first")
        if what in ("people", "calendar", "briefs") and not access.names:
            raise HTTPException(403, f"the {what} export holds names; ask for the names grant")
        name = f"{programme.name}-{what}".replace("/", "-")[:80]
        if what == "pairs" and format in ("csv", "xlsx"):
            rows = _pair_rows(m, _names(db, m) if access.names else None)
            return _csv(rows, name) if format == "csv" else _xlsx(rows, name)
        if what == "people" and format == "csv":
            return _csv(_people_rows(db, m), name)
        if what == "calendar" and format == "ics":
            return Response(_calendar(db, programme, m), media_type="text/calendar",
                            headers=_attachment(f"{name}.ics"))
        if what == "briefs" and format == "zip":
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                for k, brief in enumerate(rescored(db, m).briefs(names=True), 1):
                    zf.writestr(f"brief-{k:04d}.html", brief.to_html())
            return Response(buf.getvalue(), media_type="application/zip",
                            headers=_attachment(f"{name}.zip"))
        raise HTTPException(422, "what=pairs&format=csv|xlsx, what=people&format=csv, "
                                 "what=calendar&format=ics or what=briefs&format=zip")


def _attachment(filename: str) -> dict[str, str]:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in filename)
    return {"Content-Disposition": f'attachment; filename="{safe}"'}


def _cell(value: Any) -> Any:
    # A spreadsheet runs a cell starting with = + - @ as a formula; a leading ' keeps it text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv(rows: list[list[Any]], name: str) -> Response:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows([[_cell(c) for c in row] for row in rows])
    return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers=_attachment(f"{name}.csv"))


def _xlsx(rows: list[list[Any]], name: str) -> Response:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    for row in rows:
        sheet.append([_cell(c) for c in row])
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
    buf = io.BytesIO()
    book.save(buf)
    return Response(buf.getvalue(), headers=_attachment(f"{name}.xlsx"), media_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))


def _pair_rows(m: Matching, names: dict[str, str] | None) -> list[list[Any]]:
    components = sorted({k for p in m.result["pairs"] for k in p["components"]})
    head = ["junior_id", "senior_id", "score", *components]
    if names is not None:
        head[2:2] = ["junior_name", "senior_name"]
    rows: list[list[Any]] = [head]
    for p in m.result["pairs"]:
        row = [p["junior_id"], p["senior_id"], round(p["score"], 4),
               *(round(p["components"].get(c, 0), 4) for c in components)]
        if names is not None:
            row[2:2] = [names.get(p["junior_id"]), names.get(p["senior_id"])]
        rows.append(row)
    return rows


def _people_rows(db: Session, m: Matching) -> list[list[Any]]:
    imp = db.get(Import, m.import_id) if m.import_id else None
    people = {p["id"]: p for p in (imp.people if imp else [])}
    partners: dict[str, list[str]] = {}
    for p in m.result["pairs"]:
        partners.setdefault(p["junior_id"], []).append(p["senior_id"])
        partners.setdefault(p["senior_id"], []).append(p["junior_id"])
    # The pair's talking points: what each partner can teach for a goal of the other,
    # as the pair's brief says (sensitive attributes never appear there).
    points = {(b.junior_id, b.senior_id): "; ".join(
        dict.fromkeys(t.skill for t in [*b.junior_teaches, *b.senior_teaches]))
        for b in rescored(db, m).briefs()}
    rows: list[list[Any]] = [["id", "name", "email", "role", "partner_ids", "partner_names",
                              "partner_emails", "talking_points"]]
    for pid, person in people.items():
        if person.get("role") not in ("junior", "senior", "both"):
            continue
        mine = partners.get(pid, [])
        talks = [points.get((pid, x)) or points.get((x, pid)) or "" for x in mine]
        rows.append([pid, person.get("name", ""), person.get("email", ""), person.get("role"),
                     ";".join(mine), ";".join(people.get(x, {}).get("name", "") for x in mine),
                     ";".join(people.get(x, {}).get("email", "") for x in mine),
                     " | ".join(talks)])
    return rows


def _ics_text(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n").replace("\r", ""))


def _calendar(db: Session, programme: Programme, m: Matching) -> str:
    """One kick-off invitation per pair (RFC 5545), on the programme's start date at 10:00 UTC."""
    imp = db.get(Import, m.import_id) if m.import_id else None
    people = {p["id"]: p for p in (imp.people if imp else [])}
    day = dt.date.fromisoformat(programme.starts_on) if programme.starts_on \
        else dt.date.today() + dt.timedelta(days=7)
    start = dt.datetime.combine(day, dt.time(10, 0))
    stamp = now().strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//rmatch//kick-off//EN"]
    for k, p in enumerate(m.result["pairs"], 1):
        j, s = people.get(p["junior_id"], {}), people.get(p["senior_id"], {})
        lines += ["BEGIN:VEVENT", f"UID:rmatch-{programme.id}-{m.id}-{k}@rmatch",
                  f"DTSTAMP:{stamp}", f"DTSTART:{start:%Y%m%dT%H%M%S}Z",
                  f"DTEND:{start + dt.timedelta(hours=1):%Y%m%dT%H%M%S}Z",
                  "SUMMARY:" + _ics_text(f"{programme.name}: kick-off, "
                                         f"{j.get('name') or p['junior_id']} and "
                                         f"{s.get('name') or p['senior_id']}")]
        lines += [f"ATTENDEE;CN={_ics_text(x.get('name', ''))}:mailto:{x['email']}"
                  for x in (j, s) if x.get("email")]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
