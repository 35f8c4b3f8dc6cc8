"""Judge a matching made elsewhere (by hand, last year, another tool) against the optimum.

"How good was our hand matching, which rules did it break, how far from the
optimum?" is the first question an HR team asks before trusting a new tool.
A file of pairs is read by :func:`rmatch.read_matching` (the standard
``junior_id``/``senior_id`` columns, or a team's own sheet whose columns are
told apart by their values, every problem named by row) against the
programme's latest people, and judged by :func:`rmatch.evaluate` under the
programme's rules as they are now (in a job on a large programme, as a
matching is). The judgement is stored as an analysis of kind ``judgement``
(``GET .../analyses/{id}``), and the audit log says who asked. Nothing else
changes: the people, rules and matchings stay as they are.
"""

# No "from __future__ import annotations": FastAPI reads the routes' annotations
# (Annotated[..., Depends(...)] built inside a function) at run time.
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, UploadFile
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

import rmatch as rm
from rmatch.app.actions import INLINE_PAIRS
from rmatch.app.context import Context, latest_import
from rmatch.app.jobs import build_inputs, judge, judgement
from rmatch.app.people import named, problems_of
from rmatch.app.said import notes_of, said
from rmatch.app.store import Analysis, Job, Programme, User

__all__ = ["add_judging_routes", "judge_matching"]


def judge_matching(ctx: Context, db: Session, user: User, programme: Programme,
                   content: bytes, filename: str, sheet: str = "") -> Analysis | Job:
    """Judge the pairs in a file against the programme's people and rules; store the judgement.

    ``sheet``: an Excel workbook's sheet of pairs, by name or tab number
    from 1 ("" for the first). A file that cannot be read, or names someone who is not a junior
    (or a senior) of the programme, is a 422 whose problems are named by row;
    nothing is stored then. The file is read here; the judgement, which
    solves the programme once, is made here up to ``INLINE_PAIRS`` possible
    pairs and otherwise in a job (returned), as a matching is: at 20,000
    juniors it took 17 s, longer than a proxy may wait for an answer.
    """
    imp = latest_import(db, programme.id)
    if imp is None:
        raise HTTPException(409, "import people first: a matching is judged against them")
    juniors, seniors, org = build_inputs(imp.people)
    try:
        with rm.caught_warnings() as caught:
            pairs = rm.read_matching(named(content, filename), [p.id for p in juniors],
                                     [p.id for p in seniors], what="the matching",
                                     sheet=sheet.strip() or None,
                                     names={p.id: p.name for p in [*juniors, *seniors]})
    except rm.InputError as err:
        raise HTTPException(422, {"problems": problems_of(err, filename)}) from None
    # What reading noticed (a title skipped, the columns told apart): shown, once each.
    notes = notes_of(caught, (rm.InputWarning,))
    params: dict[str, Any] = {"kind": "judge", "import_id": imp.id, "rules": programme.rules,
                              "pairs": [list(p) for p in pairs], "filename": filename,
                              "notes": notes}
    # The audit names the job or the analysis and sizes, never a person or the file's name.
    if len(juniors) * len(seniors) > INLINE_PAIRS:
        job = ctx.workers.submit(db, programme.id, params, user.name)
        ctx.audit(db, user, programme.id, "started judging a matching made elsewhere",
                  f"job {job.id}: {len(pairs)} pairs")
        db.commit()
        return job
    try:
        result, notes = judge(imp.people, params, inputs=(juniors, seniors, org))
    except rm.InputError as err:
        raise HTTPException(422, {"problems": problems_of(err, filename)}) from None
    except rm.RmatchError as err:  # a rule the programme cannot hold: said in words
        raise HTTPException(422, {"problems": [{"reason": said(err)}]}) from None
    stored = judgement(programme.id, result, notes, params)
    db.add(stored)
    db.flush()
    ctx.audit(db, user, programme.id, "judged a matching made elsewhere",
              f"analysis #{stored.id}: {len(result.pairs)} pairs, "
              f"{len(result.violations)} rule(s) broken")
    db.commit()
    return stored


def add_judging_routes(app: FastAPI, ctx: Context) -> None:
    """Add ``POST /api/v1/programmes/{pid}/judgements`` to ``app``."""
    DB = Annotated[Session, Depends(ctx.db)]  # noqa: N806 - a type, named as one
    Me = Annotated[User, Depends(app.state.current_user)]  # noqa: N806

    @app.post("/api/v1/programmes/{pid}/judgements", status_code=201, response_model=None)
    async def judge(pid: int, me: Me, db: DB, file: Annotated[UploadFile, File()],
                    sheet: Annotated[str, Form(max_length=200)] = ""
                    ) -> dict[str, Any] | JSONResponse:
        # Stored against the programme: the right to change it, as for a calibration.
        programme, _ = ctx.programme(db, me, pid, write=True)
        content = await file.read(ctx.max_upload + 1)
        if len(content) > ctx.max_upload:
            raise HTTPException(413, "the file is larger than allowed")
        # Off the event loop: judging solves the programme once (seconds at 5,000 per side).
        stored = await run_in_threadpool(judge_matching, ctx, db, me, programme, content,
                                         file.filename or "pairs", sheet)
        if isinstance(stored, Job):  # a large programme: GET /api/v1/jobs/{job} follows it
            return JSONResponse({"job": stored.id}, status_code=202)
        return {"id": stored.id, "kind": stored.kind, "summary": stored.summary,
                **stored.body}
