"""The HTTP API (JSON under ``/api/v1``, OpenAPI at ``/api/docs``): sign-in, programmes, people.

Matchings, jobs and exports are in :mod:`rmatch.app.matchings`; what the
routes share (rights, versions, the audit log) in :mod:`rmatch.app.context`.
"""

# No "from __future__ import annotations": FastAPI reads the routes' annotations
# (Annotated[..., Depends(...)] built inside a function) at run time.
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, Header, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

import rmatch as rm
from rmatch.app.actions import create_programme, set_rules, show_sensitive, store_import
from rmatch.app.context import SESSION_COOKIE, Context, latest_import
from rmatch.app.jobs import Workers, recover
from rmatch.app.judging import add_judging_routes
from rmatch.app.matchings import add_routes
from rmatch.app.pages.routes import add_pages
from rmatch.app.people import Upload, json_form, read_upload
from rmatch.app.people import capped as _capped
from rmatch.app.running import add_running_routes
from rmatch.app.security import (
    Access,
    LoginLockedError,
    check_login,
    issue_token,
    token_digest,
    user_for_token,
)
from rmatch.app.store import (
    DEFAULT_DATA,
    AuditEntry,
    Import,
    Matching,
    Programme,
    Share,
    Token,
    User,
    database_url,
    engine_for,
    upgrade,
)

__all__ = ["create_app", "shown_person"]

MB = 1024 * 1024


class Login(BaseModel):
    """``POST /api/v1/session``."""

    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class NewProgramme(BaseModel):
    """``POST /api/v1/programmes``."""

    name: str = Field(min_length=1, max_length=200)
    goals: dict[str, Any] | list[Any] | str = Field(default_factory=dict)
    starts_on: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    ends_on: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    rounds: int = Field(default=1, ge=1, le=52)


class Figures(BaseModel):
    """``PUT /api/v1/programmes/{id}/figures``: the sensitive attributes the figures show."""

    sensitive: list[str] = Field(default_factory=list, max_length=50)


class NewShare(BaseModel):
    """``POST /api/v1/programmes/{id}/shares``."""

    user: str
    names: bool = False


def programme_json(programme: Programme) -> dict[str, Any]:
    """Show a programme as the API does."""
    return {"id": programme.id, "name": programme.name, "goals": programme.goals,
            "starts_on": programme.starts_on, "ends_on": programme.ends_on,
            "rounds": programme.rounds, "state": programme.state,
            "version": programme.version, "rules": programme.rules,
            "figures": {"sensitive": programme.shown_sensitive}}


DRAIN_UPTO = 10
"""An upload above the limit is read and thrown away before the 413 answer (so that a
client sending its body first sees the answer, not a reset) up to this many times the
limit; a larger one is answered at once."""


def create_app(url: str | None = None, *, data: Path = DEFAULT_DATA,
               max_upload_mb: float = 20, dask: str | None = None) -> FastAPI:
    """Build the service on the database at ``url`` (migrated first; default SQLite in ``data``).

    ``dask``: a Dask scheduler's address; matchings then run on that cluster
    through :func:`rmatch.match_many` instead of a local worker process.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> app = create_app(data=pathlib.Path(tempfile.mkdtemp()))
    >>> app.title
    'rmatch'
    """
    url = database_url(url, data)
    upgrade(url)
    engine = engine_for(url)
    ctx = Context(sessionmaker(engine, expire_on_commit=False), Workers(url, engine, dask),
                  int(max_upload_mb * MB))
    with ctx.sessions() as db:
        recover(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.workers.stop_all()  # their jobs are marked failed on the next start
        engine.dispose()

    app = FastAPI(title="rmatch", docs_url="/api/docs", openapi_url="/api/openapi.json",
                  version=rm.__version__, lifespan=lifespan)
    app.state.ctx = ctx
    _routes(app, ctx)
    add_routes(app, ctx)
    add_running_routes(app, ctx)
    add_judging_routes(app, ctx)
    add_pages(app, ctx)

    @app.exception_handler(Exception)
    async def _no_trace(_request: Request, _err: Exception) -> JSONResponse:
        # Never a stack trace in an answer; the server's own console has it.
        return JSONResponse({"detail": "internal error"}, status_code=500)

    @app.middleware("http")
    async def _cap_uploads(request: Request, call_next: Any) -> Any:
        size = request.headers.get("content-length")
        if size is not None and size.isdigit() and int(size) > ctx.max_upload + MB:
            if "100-continue" not in request.headers.get("expect", "").lower() \
                    and int(size) <= DRAIN_UPTO * ctx.max_upload:
                # A client that sends its body before reading the answer (urllib, most
                # scripts) sees "connection reset" instead of this message when the
                # server closes with the body unread; read it and throw it away first.
                # One that waits for "100 Continue" (curl) gets the answer at once.
                async for _chunk in request.stream():
                    pass
            said = f"the upload is larger than the {ctx.max_upload // MB} MB allowed"
            answer = ctx.error_page(request, 413, said) if ctx.error_page else None
            if answer is None:
                answer = JSONResponse({"detail": said}, status_code=413)
            answer.headers["Connection"] = "close"
            return answer
        return await call_next(request)

    return app


def _routes(app: FastAPI, ctx: Context) -> None:
    DB = Annotated[Session, Depends(ctx.db)]  # noqa: N806 - a type, named as one

    def current_user(request: Request, db: DB,
                     authorization: Annotated[str | None, Header()] = None) -> User:
        token = None
        if authorization and authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
        elif request.method in ("GET", "HEAD"):
            # The pages' session cookie (HttpOnly, SameSite=Strict) opens reads only, so
            # downloads link straight to the API; every change needs the bearer token or
            # a page's form with its CSRF token.
            token = request.cookies.get(SESSION_COOKIE)
        if not token:
            raise HTTPException(401, "sign in first: Authorization: Bearer TOKEN",
                                headers={"WWW-Authenticate": "Bearer"})
        user = user_for_token(db, token)
        if user is None:
            raise HTTPException(401, "the token is unknown or expired; sign in again",
                                headers={"WWW-Authenticate": "Bearer"})
        return user

    app.state.current_user = current_user
    Me = Annotated[User, Depends(current_user)]  # noqa: N806

    @app.post("/api/v1/session")
    def sign_in(body: Login, db: DB) -> dict[str, str]:
        try:
            user = check_login(db, body.username, body.password)
        except LoginLockedError as err:
            raise HTTPException(429, str(err),
                                headers={"Retry-After": str(err.retry_after)}) from None
        if user is None:
            db.commit()  # keep the failure count
            raise HTTPException(401, "wrong user name or password")
        token = issue_token(db, user, "session")
        ctx.audit(db, user, None, "signed in")
        db.commit()
        return {"token": token}

    @app.delete("/api/v1/session", status_code=204)
    def sign_out(me: Me, db: DB, authorization: Annotated[str, Header()]) -> None:
        db.execute(delete(Token).where(Token.digest == token_digest(authorization[7:].strip())))
        ctx.audit(db, me, None, "signed out")
        db.commit()

    @app.get("/api/v1/me")
    def who(me: Me) -> dict[str, Any]:
        return {"name": me.name, "role": me.role}

    @app.post("/api/v1/programmes", status_code=201)
    def new_programme(body: NewProgramme, me: Me, db: DB) -> dict[str, Any]:
        goals = body.goals if isinstance(body.goals, dict) else {"text": body.goals}
        programme = create_programme(ctx, db, me, body.name, goals, body.starts_on,
                                     body.ends_on, body.rounds)
        return {"id": programme.id, "version": programme.version}

    @app.get("/api/v1/programmes")
    def programmes(me: Me, db: DB) -> list[dict[str, Any]]:
        query = select(Programme).order_by(Programme.id)
        if me.role != "admin":
            shared = select(Share.programme_id).where(Share.user_id == me.id)
            query = query.where((Programme.owner_id == me.id) | Programme.id.in_(shared))
        return [programme_json(p) for p in db.scalars(query)]

    @app.get("/api/v1/programmes/{pid}")
    def get_programme(pid: int, me: Me, db: DB) -> JSONResponse:
        programme, _ = ctx.programme(db, me, pid)
        body = programme_json(programme)
        body["people"] = _latest_counts(db, pid)
        return JSONResponse(body, headers={"ETag": f'"{programme.version}"'})

    @app.delete("/api/v1/programmes/{pid}")
    def delete_programme(pid: int, me: Me, db: DB,
                         if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        programme, _ = ctx.programme(db, me, pid, write=True, closed_ok=True)
        ctx.change(db, programme, if_match)
        people = sum(db.scalars(select(Import.n_people).where(Import.programme_id == pid)))
        files = db.scalar(select(func.count()).select_from(Import).where(
            Import.programme_id == pid)) or 0
        matchings = db.scalar(select(func.count()).select_from(Matching).where(
            Matching.programme_id == pid)) or 0
        for job_id in ctx.workers.running.copy():
            ctx.workers.cancel(job_id)  # a job of a deleted programme has nothing to write to
        db.delete(programme)
        ctx.audit(db, me, pid, "deleted the programme",
                  f"erased {people} people records, {files} uploaded files and {matchings} "
                  "matchings")
        db.commit()
        return {"deleted": pid, "people": people, "files": files, "matchings": matchings}

    @app.post("/api/v1/programmes/{pid}/close")
    def close(pid: int, me: Me, db: DB,
              if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        programme, _ = ctx.programme(db, me, pid, write=True)
        if programme.state not in ("published", "running"):
            raise HTTPException(409, f"a {programme.state} programme cannot close: publish a "
                                     "matching first (or delete the programme)")
        ctx.change(db, programme, if_match)
        programme.state = "closed"
        ctx.audit(db, me, pid, "closed the programme")
        db.commit()
        return {"state": "closed", "version": programme.version}

    @app.post("/api/v1/programmes/{pid}/shares", status_code=201)
    def share(pid: int, body: NewShare, me: Me, db: DB) -> dict[str, Any]:
        ctx.programme(db, me, pid, write=True)
        other = db.scalar(select(User).where(User.name == body.user))
        if other is None:
            raise HTTPException(422, "no such user")
        db.merge(Share(programme_id=pid, user_id=other.id, names=body.names))
        ctx.audit(db, me, pid, "shared the programme",
                  f"with user #{other.id} ({other.role}), names "
                  + ("shown" if body.names else "hidden"))
        db.commit()
        return {"programme": pid, "user": other.name, "names": body.names}

    @app.post("/api/v1/programmes/{pid}/people")
    async def upload_people(
        pid: int, me: Me, db: DB, file: Annotated[UploadFile, File()],
        columns: Annotated[str | None, Form()] = None,
        values: Annotated[str | None, Form()] = None,
        role: Annotated[str | None, Form()] = None,
        options: Annotated[str | None, Form()] = None,
        hr_data: Annotated[UploadFile | None, File()] = None,
        hr_columns: Annotated[str | None, Form()] = None,
        hr_values: Annotated[str | None, Form()] = None,
        seniors_file: Annotated[UploadFile | None, File()] = None,
        seniors_columns: Annotated[str | None, Form()] = None,
        if_match: Annotated[str | None, Header()] = None,
    ) -> dict[str, Any]:
        programme, _ = ctx.programme(db, me, pid, write=True)
        content = await _capped(file, ctx.max_upload)
        hr = (await _capped(hr_data, ctx.max_upload), hr_data.filename or "hr-data") \
            if hr_data is not None else None
        seniors = (await _capped(seniors_file, ctx.max_upload),
                   seniors_file.filename or "seniors") if seniors_file is not None else None
        upload = Upload(content, file.filename or "upload", json_form(columns, "columns"),
                        json_form(values, "values"), role or None,
                        json_form(options, "options") or {}, hr,
                        json_form(hr_columns, "hr_columns"), json_form(hr_values, "hr_values"),
                        seniors, json_form(seniors_columns, "seniors_columns"))
        # Reading and storing off the event loop: a large export takes seconds.
        people, caught = await run_in_threadpool(read_upload, upload)
        imp = await run_in_threadpool(store_import, ctx, db, me, programme, upload, people,
                                      caught, if_match)
        return {"import": imp.id, **_counts(imp), "warnings": caught,
                "version": programme.version}

    @app.get("/api/v1/programmes/{pid}/people")
    def people(pid: int, me: Me, db: DB) -> list[dict[str, Any]]:
        _, access = ctx.programme(db, me, pid)
        imp = latest_import(db, pid)
        if imp is None:
            return []
        return [shown_person(p, access) for p in imp.people]

    @app.put("/api/v1/programmes/{pid}/rules")
    def put_rules(pid: int, body: dict[str, Any], me: Me, db: DB,
                  if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        programme, _ = ctx.programme(db, me, pid, write=True)
        program = set_rules(ctx, db, me, programme, body, if_match)
        return {"version": programme.version,
                "rules": [c.label() for c in program.constraints]}

    @app.put("/api/v1/programmes/{pid}/figures")
    def put_figures(pid: int, body: Figures, me: Me, db: DB,
                    if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        programme, _ = ctx.programme(db, me, pid, write=True)
        show_sensitive(ctx, db, me, programme, body.sensitive, if_match)
        return {"version": programme.version, "sensitive": programme.shown_sensitive}

    @app.get("/api/v1/programmes/{pid}/audit")
    def audit(pid: int, me: Me, db: DB) -> list[dict[str, Any]]:
        ctx.programme(db, me, pid)
        rows = db.scalars(select(AuditEntry).where(AuditEntry.programme_id == pid)
                          .order_by(AuditEntry.id))
        return [{"at": r.at.isoformat(), "user": r.user_name, "action": r.action,
                 "detail": r.detail} for r in rows]


def _latest_counts(db: Session, pid: int) -> dict[str, int]:
    imp = latest_import(db, pid)
    if imp is None:
        return {"people": 0, "juniors": 0, "seniors": 0, "others": 0}
    return _counts(imp)


def _counts(imp: Import) -> dict[str, int]:
    # "others": people read who are in neither role (managers who give the
    # reporting lines), so that people = juniors + seniors + others reads right.
    return {"people": imp.n_people, "juniors": imp.n_juniors, "seniors": imp.n_seniors,
            "others": imp.n_people - imp.n_juniors - imp.n_seniors}


def shown_person(person: dict[str, Any], access: Access) -> dict[str, Any]:
    """Show a stored person as this user may see them: no name, e-mail or attribute ungranted."""
    if access.names:
        return person
    # Attributes are where sensitive values live (gender, background): a viewer
    # without the grant sees none of them, whatever the rules call sensitive.
    return {k: v for k, v in person.items() if k not in ("name", "email", "attributes")}
