"""The pages HR teams use: sign in, programmes, import, match with progress, review, publish.

Server-rendered with Jinja2 (autoescaping on), one stylesheet and no
script of our own needed: a running job's page refreshes itself. Every form
that changes something carries a CSRF token derived from the session, and
the session cookie is HttpOnly and SameSite=Strict. The pages call the same
functions as the API, so they keep its rights, versions and audit log.
"""

# No "from __future__ import annotations": FastAPI reads the routes' annotations
# (Annotated[..., Depends(...)] built inside a function) at run time.
import csv
import hashlib
import hmac
import io
import json
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

import rmatch as rm
from rmatch.app.actions import (
    INLINE_PAIRS,
    cancel_job,
    create_programme,
    override,
    publish,
    set_rules,
    show_sensitive,
    start_matching,
    start_round,
)
from rmatch.app.context import SESSION_COOKIE, Context, latest_import, published
from rmatch.app.jobs import FINISHED
from rmatch.app.matchings import Explaining, derived, people_of, rescored, result_of
from rmatch.app.pages.imports import add_import_pages
from rmatch.app.pages.judging import add_judging_pages, paged
from rmatch.app.pages.mapping import ENCODINGS
from rmatch.app.pages.rules import (
    CHOICES,
    QUOTAS,
    SWITCHES,
    WEIGHTS,
    form_kept,
    form_of,
    program_document,
)
from rmatch.app.pages.views import (
    ERRORS,
    change,
    dashboard,
    ids,
    is_hint,
    keeps_pairs,
    next_step,
    plain,
    preview_change,
    preview_text,
    problem_line,
    problem_rows,
    programme_problems,
    read_joiners,
    sensitive_of,
    sentence,
    unmatched_groups,
    wants_page,
)
from rmatch.app.people import Upload, capped, json_form
from rmatch.app.running import (
    RematchRequest,
    checkin_means,
    pair_ratings,
    record_feedback,
    rematch_programme,
)
from rmatch.app.said import counted
from rmatch.app.security import (
    LoginLockedError,
    check_login,
    issue_token,
    token_digest,
    user_for_token,
)
from rmatch.app.store import Analysis, Import, Job, Matching, Programme, Share, Token, User

__all__ = ["add_pages"]

HERE = Path(__file__).parent
PAGE = 100  # pairs per page of the review table
# No inline script or style anywhere in the pages: the policy says so to the browser.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
def _csrf(token: str) -> str:
    return hashlib.sha256(b"csrf:" + token_digest(token).encode()).hexdigest()[:32]


class _SignInError(Exception):
    """No valid session: go to the sign-in page."""


def add_pages(app: FastAPI, ctx: Context) -> None:
    """Add the pages (and their static files) to ``app``."""
    # Autoescaping on for every template: a name like <script> is shown, never run.
    templates = Jinja2Templates(env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True))
    templates.env.filters["plain"] = plain  # the rules' names in words, in every reason
    templates.env.filters["counted"] = counted  # "1 junior", "2 juniors"
    # A reading's hints (a map to start from, an option to use) are listed with its
    # problems but not counted as problems: the command line says them apart too.
    templates.env.tests["hint"] = is_hint
    # A map in a box to edit, as typed and in its order (a grade map most junior
    # first): Jinja's tojson sorts keys and writes "I'd" as "I\u0027d" (for
    # scripts); here the autoescaping keeps the text harmless.
    templates.env.filters["json_text"] = partial(json.dumps, ensure_ascii=False)
    # An encoding's short name ("Mac Roman"), as the import forms' choice names it.
    templates.env.filters["encoding_words"] = lambda key: str(ENCODINGS.get(key, key)).split(
        ":")[0]
    templates.env.globals["encodings"] = ENCODINGS  # the import forms' choice
    explaining = Explaining()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    DB = Annotated[Session, Depends(ctx.db)]  # noqa: N806 - a type, named as one

    @app.exception_handler(_SignInError)
    async def _to_sign_in(_request: Request, _err: _SignInError) -> Response:
        return RedirectResponse("/sign-in", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _error_page(request: Request, err: StarletteHTTPException) -> Response:
        # The API answers in JSON (HR tools read it); a person on a page reads a page.
        if not wants_page(request):
            return await http_exception_handler(request, err)
        heading, advice = ERRORS.get(err.status_code, ERRORS[500])
        message = (err.detail if isinstance(err.detail, str)
                   else "; ".join(p["reason"] for p in problem_rows(HTTPException(
                       err.status_code, err.detail))))
        answer = page(request, "error.html", None, err.status_code, heading=heading,
                      message=message[:2000], advice=advice)
        for key, value in (err.headers or {}).items():
            answer.headers[key] = value
        return answer

    def _early_error_page(request: Request, status: int, message: str) -> Response | None:
        if not wants_page(request):
            return None
        heading, advice = ERRORS.get(status, ERRORS[500])
        return page(request, "error.html", None, status, heading=heading, message=message,
                    advice=advice)

    ctx.error_page = _early_error_page

    @app.exception_handler(RequestValidationError)
    async def _form_error_page(request: Request, err: RequestValidationError) -> Response:
        if not wants_page(request):
            return await request_validation_exception_handler(request, err)
        fields = sorted({str(e["loc"][-1]) for e in err.errors() if e.get("loc")})
        heading, advice = ERRORS[422]
        return page(request, "error.html", None, 422, heading=heading, advice=advice,
                    message="The form was not complete or not in the expected form"
                            + (f" ({', '.join(fields)})." if fields else "."))

    def session(request: Request, db: DB) -> tuple[User, str]:
        token = request.cookies.get(SESSION_COOKIE)
        user = user_for_token(db, token) if token else None
        if user is None or token is None:
            raise _SignInError
        return user, token

    Me = Annotated[tuple[User, str], Depends(session)]  # noqa: N806

    def page(request: Request, name: str, me: tuple[User, str] | None, status: int = 200,
             **values: Any) -> HTMLResponse:
        context = {"user": me[0] if me else None, "csrf": _csrf(me[1]) if me else "",
                   **values}
        answer: HTMLResponse = templates.TemplateResponse(request, name, context,
                                                          status_code=status)
        answer.headers["Content-Security-Policy"] = CSP
        answer.headers["X-Content-Type-Options"] = "nosniff"
        answer.headers["Referrer-Policy"] = "same-origin"
        return answer

    def checked(me: tuple[User, str], csrf: str) -> User:
        if not hmac.compare_digest(csrf, _csrf(me[1])):
            raise HTTPException(403, "the form is out of date; reload the page")
        return me[0]

    @app.get("/sign-in", response_class=HTMLResponse)
    def sign_in_page(request: Request) -> HTMLResponse:
        return page(request, "sign_in.html", None)

    @app.post("/sign-in", response_model=None)
    def sign_in(request: Request, db: DB, username: Annotated[str, Form()],
                password: Annotated[str, Form()]) -> Response:
        try:
            user = check_login(db, username[:200], password[:1000])
        except LoginLockedError as err:
            return page(request, "sign_in.html", None, 429, error=(
                f"Too many wrong passwords: try again in {err.retry_after} seconds."))
        if user is None:
            db.commit()
            return page(request, "sign_in.html", None, 401,
                        error="The user name or the password is wrong.")
        token = issue_token(db, user, "page session")
        ctx.audit(db, user, None, "signed in")
        db.commit()
        answer = RedirectResponse("/", status_code=303)
        answer.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict",
                          secure=request.url.scheme == "https", max_age=12 * 3600)
        return answer

    @app.post("/sign-out")
    def sign_out(me: Me, db: DB, csrf: Annotated[str, Form()]) -> RedirectResponse:
        user = checked(me, csrf)
        db.execute(delete(Token).where(Token.digest == token_digest(me[1])))
        ctx.audit(db, user, None, "signed out")
        db.commit()
        answer = RedirectResponse("/sign-in", status_code=303)
        answer.delete_cookie(SESSION_COOKIE)
        return answer

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request, me: Me, db: DB) -> HTMLResponse:
        user = me[0]
        query = select(Programme).order_by(Programme.id)
        if user.role != "admin":
            shared = select(Share.programme_id).where(Share.user_id == user.id)
            query = query.where((Programme.owner_id == user.id) | Programme.id.in_(shared))
        rows = []
        for p in db.scalars(query):
            imp = latest_import(db, p.id)
            rows.append({"p": p, "people": imp.n_people if imp else 0,
                         "next": next_step(p, imp.n_people if imp else 0)})
        return page(request, "home.html", me, programmes=rows)

    @app.get("/programmes/new", response_class=HTMLResponse)
    def new_page(request: Request, me: Me) -> HTMLResponse:
        return page(request, "new.html", me)

    @app.post("/programmes/new", response_model=None)
    def create(request: Request, me: Me, db: DB, csrf: Annotated[str, Form()],
               name: Annotated[str, Form()], seniors_learn: Annotated[str, Form()] = "",
               juniors_gain: Annotated[str, Form()] = "", starts_on: Annotated[str, Form()] = "",
               ends_on: Annotated[str, Form()] = "", rounds: Annotated[int, Form()] = 1
               ) -> Response:
        user = checked(me, csrf)
        problems = programme_problems(name, starts_on, ends_on, rounds)
        if problems:
            return page(request, "new.html", me, 422, problems=problems, form={
                "name": name, "seniors_learn": seniors_learn, "juniors_gain": juniors_gain,
                "starts_on": starts_on, "ends_on": ends_on, "rounds": rounds})
        programme = create_programme(ctx, db, user, name.strip(),
                                     {"seniors": seniors_learn, "juniors": juniors_gain},
                                     starts_on or None, ends_on or None, rounds)
        return RedirectResponse(f"/programmes/{programme.id}", status_code=303)

    def overview(request: Request, me: tuple[User, str], db: Session, pid: int,
                 status: int = 200, **extra: Any) -> HTMLResponse:
        programme, access = ctx.programme(db, me[0], pid)
        imp = latest_import(db, pid)
        matchings = db.scalars(select(Matching).where(Matching.programme_id == pid)
                               .order_by(Matching.number.desc())).all()
        running = db.scalars(select(Job).where(Job.programme_id == pid,
                                               Job.state.not_in(FINISHED))).first()
        judged = db.scalars(select(Analysis).where(Analysis.programme_id == pid,
                                                   Analysis.kind == "judgement")
                            .order_by(Analysis.id.desc())).all()
        return page(request, "programme.html", me, status, programme=programme,
                    access=access, imp=imp, matchings=matchings, job=running, judged=judged,
                    checkins=checkin_means(db, pid),
                    published=published(db, pid),
                    next=next_step(programme, imp.n_people if imp else 0), **extra)

    @app.get("/programmes/{pid}", response_class=HTMLResponse)
    def programme_page(request: Request, pid: int, me: Me, db: DB) -> HTMLResponse:
        return overview(request, me, db, pid)

    add_import_pages(app, ctx, DB, Me, page, checked, overview)
    add_judging_pages(app, ctx, DB, Me, page, checked, overview)

    @app.post("/programmes/{pid}/match")
    def match_page(pid: int, me: Me, db: DB, csrf: Annotated[str, Form()]) -> RedirectResponse:
        user = checked(me, csrf)
        programme, _ = ctx.programme(db, user, pid, write=True)
        job = start_matching(ctx, db, user, programme)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.post("/programmes/{pid}/next-round")
    def next_round_page(pid: int, me: Me, db: DB,
                        csrf: Annotated[str, Form()]) -> RedirectResponse:
        user = checked(me, csrf)
        programme, _ = ctx.programme(db, user, pid, write=True)
        job = start_round(ctx, db, user, programme)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}", response_model=None)
    def job_page(request: Request, job_id: str, me: Me, db: DB) -> Response:
        ctx.workers.reap(db)
        job = db.get(Job, job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        programme, _ = ctx.programme(db, me[0], job.programme_id)
        db.refresh(job)
        if job.state == "done" and job.matching_id:
            return RedirectResponse(
                f"/programmes/{programme.id}/matchings/{job.matching_id}", status_code=303)
        judging = job.params.get("kind") == "judge"
        if job.state == "done" and job.analysis_id and judging:
            return RedirectResponse(
                f"/programmes/{programme.id}/judgements/{job.analysis_id}", status_code=303)
        return page(request, "job.html", me, job=job, programme=programme,
                    what="judgement" if judging else "matching")

    @app.post("/jobs/{job_id}/cancel")
    def cancel(job_id: str, me: Me, db: DB, csrf: Annotated[str, Form()]) -> RedirectResponse:
        user = checked(me, csrf)
        job = db.get(Job, job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        ctx.programme(db, user, job.programme_id, write=True)
        if job.state not in FINISHED:
            cancel_job(ctx, db, user, job)
        return RedirectResponse(f"/programmes/{job.programme_id}", status_code=303)

    @app.get("/programmes/{pid}/matchings/{mid}", response_class=HTMLResponse)
    def review(request: Request, pid: int, mid: int, me: Me, db: DB,
               page_number: Annotated[int, Query(alias="page")] = 1) -> HTMLResponse:
        programme, access = ctx.programme(db, me[0], pid)
        m = db.get(Matching, mid)
        if m is None or m.programme_id != pid:
            raise HTTPException(404, "no such matching")
        parent = db.get(Matching, m.parent_id) if m.parent_id else None
        result = result_of(db, m)
        # The table pages through the pairs: a page renders fast at any size.
        pages, at = paged(m.n_pairs, PAGE, page_number)
        rows = result["pairs"][(at - 1) * PAGE: at * PAGE]
        wanted = {x for p in rows for x in (p["junior_id"], p["senior_id"])}
        people = {k: v for k, v in people_of(db, m).items() if k in wanted}
        return page(request, "review.html", me, programme=programme, access=access, m=m,
                    shown_pairs=rows, page=at, pages=pages, size=PAGE,
                    people=people, shown=access.names, result=result,
                    groups=unmatched_groups(result), proven=sentence(rm.result.proven(
                        result["status"], result["solver"], result["objective"],
                        result["bound"], () if not (best := result.get("optimum"))
                        else (best["objective"], best["bound"]))),
                    components=sorted({k for p in rows for k in p["components"]}),
                    change=change(db, parent, m), keeps=keeps_pairs(m.rules))

    @app.get("/programmes/{pid}/matchings/{mid}/explain/{person}",
             response_class=HTMLResponse)
    def explain_page(request: Request, pid: int, mid: int, person: str, me: Me,
                     db: DB) -> HTMLResponse:
        programme, access = ctx.programme(db, me[0], pid)
        m = db.get(Matching, mid)
        if m is None or m.programme_id != pid:
            raise HTTPException(404, "no such matching")
        people = people_of(db, m)
        if person not in people:
            raise HTTPException(404, "no such person in this matching")
        imp = db.get(Import, m.import_id) if m.import_id else None
        try:
            if imp is None or imp.n_juniors * imp.n_seniors <= INLINE_PAIRS:
                why = rescored(db, m).explain(person)
            else:  # a solve, or one per alternative under programme-wide rules: in the background
                job = explaining.ask(db, m, person)
                if not job.done():
                    return page(request, "explain_wait.html", me, programme=programme, m=m,
                                person=person)
                why = job.result()
        except rm.InputError:
            raise HTTPException(404, "no such person in this matching") from None
        # The exchanges' people by name where names are shown (the reasons carry ids only).
        names = {pid: people[pid]["name"] for a in why.alternatives
                 for pair in (*a.pairs_dropped, *a.pairs_added) for pid in pair
                 if access.names and people.get(pid, {}).get("name")}
        return page(request, "explain.html", me, programme=programme, access=access, m=m,
                    why=why, people=people, shown=access.names, names=names,
                    keeps=keeps_pairs(m.rules))

    @app.post("/programmes/{pid}/matchings/{mid}/forbid")
    @app.post("/programmes/{pid}/matchings/{mid}/require")
    def pair_page(request: Request, pid: int, mid: int, me: Me, db: DB,
                  csrf: Annotated[str, Form()], junior: Annotated[str, Form()],
                  senior: Annotated[str, Form()]) -> RedirectResponse:
        # ".../forbid": not this pair; ".../require": keep it, or pair them instead.
        how = request.url.path.rsplit("/", 1)[1]
        user = checked(me, csrf)
        programme, _ = ctx.programme(db, user, pid, write=True)
        m = db.get(Matching, mid)
        if m is None or m.programme_id != pid:
            raise HTTPException(404, "no such matching")
        pair = [(junior, senior)]
        made = override(ctx, db, user, programme, m, pair if how == "require" else [],
                        pair if how == "forbid" else [], None)
        where = (f"/jobs/{made.id}" if isinstance(made, Job)
                 else f"/programmes/{pid}/matchings/{made.id}")
        return RedirectResponse(where, status_code=303)

    @app.post("/programmes/{pid}/feedback", response_model=None)
    async def feedback_page(request: Request, pid: int, me: Me, db: DB,
                            csrf: Annotated[str, Form()],
                            file: Annotated[UploadFile, File()],
                            values: Annotated[str, Form(max_length=20_000)] = "") -> Response:
        user = checked(me, csrf)
        programme, _ = ctx.programme(db, user, pid, write=True)
        try:
            # The box is what is used: its map (kept for the next file), or none.
            record_feedback(ctx, db, user, programme, await capped(file, ctx.max_upload),
                            None, values=json_form(values, "values") or {},
                            filename=file.filename or "the ratings")
        except HTTPException as err:
            # The value map typed stays in its box, to correct rather than retype.
            return overview(request, me, db, pid, err.status_code, filename=file.filename,
                            problems=problem_rows(err), answer_values=values)
        return RedirectResponse(f"/programmes/{pid}", status_code=303)

    @app.post("/programmes/{pid}/feedback/one", response_model=None)
    def one_rating_page(request: Request, pid: int, me: Me, db: DB,
                        csrf: Annotated[str, Form()], junior: Annotated[str, Form()],
                        senior: Annotated[str, Form()], rating: Annotated[str, Form()],
                        checkin: Annotated[str, Form()] = "1") -> Response:
        # One rating typed on the page is a one-row file: the same checks as an upload.
        user = checked(me, csrf)
        programme, _ = ctx.programme(db, user, pid, write=True)
        buffer = io.StringIO()
        csv.writer(buffer).writerows([["junior_id", "senior_id", "rating", "checkin"],
                                      [junior, senior, rating, checkin]])
        try:
            record_feedback(ctx, db, user, programme, buffer.getvalue().encode(), None,
                            values={}, remember=False)
        except HTTPException as err:
            return overview(request, me, db, pid, err.status_code, filename="the rating",
                            problems=problem_rows(err))
        return RedirectResponse(f"/programmes/{pid}", status_code=303)

    @app.post("/programmes/{pid}/changes", response_model=None)
    async def changes_page(request: Request, pid: int, me: Me, db: DB,
                           csrf: Annotated[str, Form()], leavers: Annotated[str, Form()] = "",
                           change: Annotated[str, Form()] = "",
                           joiners: Annotated[UploadFile | None, File()] = None) -> Response:
        user = checked(me, csrf)
        programme, _ = ctx.programme(db, user, pid, write=True)
        try:
            joined: list[dict[str, Any]] = []
            if joiners is not None and joiners.filename:
                up = Upload(await capped(joiners, ctx.max_upload), joiners.filename, None,
                            None, None, {})
                people = await run_in_threadpool(read_joiners, up)
                joined = [p.model_dump(mode="json", exclude_defaults=True) for p in people]
            # A stable programme holds no pair fixed: it re-matches stably (the pairs that
            # stay stable are kept), as rm.rematch does with allow_changes.
            last = published(db, pid)
            body = RematchRequest(leavers=ids(leavers), change=ids(change), joiners=joined,
                                  allow_changes=last is not None and not keeps_pairs(last.rules))
            # Off the event loop: a re-match solves the programme again.
            made = await run_in_threadpool(rematch_programme, ctx, db, user, programme, body,
                                           None)
        except HTTPException as err:
            return overview(request, me, db, pid, err.status_code, problems=problem_rows(err),
                            filename="the changes")
        return RedirectResponse(f"/programmes/{pid}/matchings/{made['matching']}",
                                status_code=303)

    @app.get("/programmes/{pid}/dashboard", response_class=HTMLResponse)
    def dashboard_page(request: Request, pid: int, me: Me, db: DB) -> HTMLResponse:
        programme, access = ctx.programme(db, me[0], pid)
        m = published(db, pid) or db.scalars(
            select(Matching).where(Matching.programme_id == pid)
            .order_by(Matching.number.desc())).first()
        versions = len(db.scalars(select(Matching.id).where(
            Matching.programme_id == pid)).all())
        result = result_of(db, m) if m else None
        people = people_of(db, m) if m else {}
        # Attributes are grouped unless the rules mark them sensitive; a sensitive one
        # only when the programme chose to show it and the reader may see names.
        program = rm.Program.model_validate(programme.rules or {})
        keys = sorted({k.casefold() for p in people.values() for k in p.get("attributes", {})})
        fields = ["department", "location", *(
            k for k in keys if not program.is_sensitive(k)
            or (access.names and k in (programme.shown_sensitive or [])))]
        ratings = pair_ratings(db, pid)
        figures = derived(db, m, ("dashboard", *fields, *sorted(ratings.items())), lambda: (
            dashboard(result, people, fields=fields, ratings=ratings))) if m else {}
        return page(request, "dashboard.html", me, programme=programme, access=access, m=m,
                    m_result=result, versions=versions, figures=figures,
                    checkins=checkin_means(db, pid), sensitive=sensitive_of(programme))

    @app.get("/programmes/{pid}/rules", response_class=HTMLResponse)
    def rules_page(request: Request, pid: int, me: Me, db: DB) -> HTMLResponse:
        programme, access = ctx.programme(db, me[0], pid)
        return page(request, "rules.html", me, programme=programme, access=access,
                    form=form_of(programme.rules), switches=SWITCHES, quotas=QUOTAS,
                    weights=WEIGHTS, choices=CHOICES, sensitive=sensitive_of(programme))

    @app.post("/programmes/{pid}/rules", response_model=None)
    async def rules_save(request: Request, pid: int, me: Me, db: DB) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        user = checked(me, form.get("csrf", ""))
        programme, access = ctx.programme(db, user, pid, write=True)
        doc: dict[str, Any] | None = None
        try:
            doc = program_document(programme.rules, form)
            set_rules(ctx, db, user, programme, doc, None)
            shown = [k for k in sensitive_of(programme) if form.get(f"show:{k}") == "on"]
            if shown != sorted(programme.shown_sensitive or []):
                show_sensitive(ctx, db, user, programme, shown, None)
        except (ValueError, HTTPException) as err:
            detail = getattr(err, "detail", None)
            problems = [problem_line(p) for p in
                        (detail.get("problems", []) if isinstance(detail, dict) else [])]
            return page(request, "rules.html", me, 422, programme=programme, access=access,
                        form=form_kept(doc, programme.rules), switches=SWITCHES, quotas=QUOTAS,
                        weights=WEIGHTS, choices=CHOICES, sensitive=sensitive_of(programme),
                        problems=problems or [
                            "A number on the page is not a number, or out of range."])
        return RedirectResponse(f"/programmes/{pid}", status_code=303)

    @app.post("/programmes/{pid}/rules/preview", response_model=None)
    async def rules_preview(request: Request, pid: int, me: Me, db: DB) -> Response:
        # Counts what the page's choices would change; stores nothing. The page's script
        # asks while a slider moves (JSON); without script, a button shows the same count.
        form = {k: str(v) for k, v in (await request.form()).items()}
        checked(me, form.get("csrf", ""))
        programme, access = ctx.programme(db, me[0], pid)
        imp = latest_import(db, pid)
        doc: dict[str, Any] | None = None
        try:
            doc = program_document(programme.rules, form)
            rm.Program.model_validate(doc)
        except ValueError:
            count: dict[str, Any] = {"error": "a number on the page is not a number, or out "
                                              "of range"}
            doc = None
        else:
            # Off the event loop: the count decodes the people and solves again.
            count = (await run_in_threadpool(lambda: preview_change(
                imp.people, programme.rules, doc, INLINE_PAIRS)) if imp is not None
                     else {"error": "import the people first (the count compares their "
                                    "pairs)"})
        text = preview_text(count)
        if request.headers.get("x-rmatch-live"):
            return JSONResponse({"text": text})
        return page(request, "rules.html", me, programme=programme, access=access,
                    form=form_of(doc if doc is not None else programme.rules),
                    switches=SWITCHES, quotas=QUOTAS, weights=WEIGHTS, choices=CHOICES,
                    sensitive=sensitive_of(programme), preview=text)

    @app.post("/programmes/{pid}/matchings/{mid}/publish")
    def publish_page(pid: int, mid: int, me: Me, db: DB,
                csrf: Annotated[str, Form()]) -> RedirectResponse:
        user = checked(me, csrf)
        programme, _ = ctx.programme(db, user, pid, write=True)
        m = db.get(Matching, mid)
        if m is None or m.programme_id != pid:
            raise HTTPException(404, "no such matching")
        if m.published_at is None:
            publish(ctx, db, user, programme, m, None)
        return RedirectResponse(f"/programmes/{pid}", status_code=303)
