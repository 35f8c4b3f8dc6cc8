"""The pages that judge a matching made elsewhere: upload a file of pairs, read the judgement.

The upload goes through :func:`rmatch.app.judging.judge_matching`, as the API
does (the same rights, storage and audit); a file that cannot be read, or
names someone who is not in the programme, shows every problem by row on
the programme's page and stores nothing.
"""

# No "from __future__ import annotations": FastAPI reads the routes' annotations
# (the DB and Me dependencies, passed in) at run time.
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from rmatch.app.context import Context
from rmatch.app.judging import judge_matching
from rmatch.app.matchings import import_people
from rmatch.app.pages.views import problem_rows
from rmatch.app.people import capped
from rmatch.app.store import Analysis, Import, Job, User

__all__ = ["add_judging_pages", "paged"]

def paged(count: int, size: int, asked: int) -> tuple[int, int]:
    """Return (pages, the page to show) for ``count`` rows, ``size`` a page, page ``asked``.

    Examples
    --------
    >>> paged(250, 100, 9), paged(0, 100, 1)
    ((3, 3), (1, 1))
    """
    pages = max(1, -(-count // size))
    return pages, min(max(1, asked), pages)


# Pairs a page of the judgement shows (a page renders fast at any size).
_PAGE = 200


def add_judging_pages(app: FastAPI, ctx: Context, DB: Any, Me: Any,  # noqa: N803 - types
                      page: Callable[..., HTMLResponse], checked: Callable[..., User],
                      overview: Callable[..., HTMLResponse]) -> None:
    """Add the judging pages to ``app`` (``DB``/``Me``: the session and signed-in user)."""

    @app.post("/programmes/{pid}/judgements", response_model=None)
    async def judge(request: Request, pid: int, me: Me, db: DB, csrf: Annotated[str, Form()],
                    file: Annotated[UploadFile, File()],
                    sheet: Annotated[str, Form(max_length=200)] = "") -> Response:
        user = checked(me, csrf)
        programme, _ = ctx.programme(db, user, pid, write=True)
        try:
            content = await capped(file, ctx.max_upload)
            # Off the event loop: judging solves the programme once.
            stored = await run_in_threadpool(judge_matching, ctx, db, user, programme, content,
                                             file.filename or "pairs", sheet)
        except HTTPException as err:
            if err.status_code not in (409, 413, 422):
                raise
            rows = problem_rows(err)
            # Hints (which columns hold whose ids) help; they are not problems to count.
            count = sum(not str(r.get("reason", "")).startswith("hint: ") for r in rows)
            return overview(request, me, db, pid, err.status_code, judge_problems=rows,
                            judge_count=count, judge_file=file.filename)
        if isinstance(stored, Job):  # a large programme: its job's page follows it
            return RedirectResponse(f"/jobs/{stored.id}", status_code=303)
        return RedirectResponse(f"/programmes/{pid}/judgements/{stored.id}", status_code=303)

    @app.get("/programmes/{pid}/judgements/{aid}", response_class=HTMLResponse)
    def judgement(request: Request, pid: int, aid: int, me: Me, db: DB,
                  page_number: Annotated[int, Query(alias="page")] = 1) -> HTMLResponse:
        programme, access = ctx.programme(db, me[0], pid)
        found = db.get(Analysis, aid)
        if found is None or found.programme_id != pid or found.kind != "judgement":
            raise HTTPException(404, "no such judgement")
        body: dict[str, Any] = found.body
        imp = db.get(Import, body.get("people_import"))
        # Names only with the names grant, as on every page.
        names = ({k: p.get("name") or "" for k, p in import_people(db, imp).items()}
                 if access.names else {})
        broken: dict[tuple[str, str], list[str]] = {}
        for v in body["violations"]:
            if v.get("junior_id") and v.get("senior_id"):
                broken.setdefault((v["junior_id"], v["senior_id"]), []).append(v["rule"])
        pairs = body["pairs"]
        pages, at = paged(len(pairs), _PAGE, page_number)
        best = body.get("optimum")
        return page(request, "judgement.html", me, programme=programme, j=body,
                    created=found.created_at, names=names, broken=broken,
                    shown_pairs=pairs[(at - 1) * _PAGE:at * _PAGE], page=at, pages=pages,
                    size=_PAGE, best=best,
                    less=(100 * (1 - body["objective"] / best["objective"])
                          if best and best["objective"] > 0 else None))
