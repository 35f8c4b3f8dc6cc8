"""Judge a matching made elsewhere (by hand, last year, another tool) against the optimum.

"How good was our hand matching, which rules did it break, how far from the
optimum?" is the first question an HR team asks before trusting a new tool.
A file of pairs is read by :func:`rmatch.read_matching` (the standard
``junior_id``/``senior_id`` columns, or a team's own sheet whose columns are
told apart by their values, every problem named by row) against the
programme's latest people, and judged by :func:`rmatch.evaluate` under the
programme's rules as they are now. The judgement is stored as an analysis
of kind ``judgement`` (``GET .../analyses/{id}``), and the audit log says who
asked. Nothing else changes: the people, rules and matchings stay as they
are.
"""

# No "from __future__ import annotations": FastAPI reads the routes' annotations
# (Annotated[..., Depends(...)] built inside a function) at run time.
import warnings
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, UploadFile
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

import rmatch as rm
from rmatch.app.context import Context, latest_import
from rmatch.app.jobs import build_inputs, program_of
from rmatch.app.people import named, problems_of
from rmatch.app.store import Analysis, Programme, User

__all__ = ["add_judging_routes", "judge_matching"]


def judge_matching(ctx: Context, db: Session, user: User, programme: Programme,
                   content: bytes, filename: str, sheet: str = "") -> Analysis:
    """Judge the pairs in a file against the programme's people and rules; store the judgement.

    ``sheet``: an Excel workbook's sheet of pairs, by name or tab number
    from 1 ("" for the first). A file that cannot be read, or names someone who is not a junior
    (or a senior) of the programme, is a 422 whose problems are named by row;
    nothing is stored then.
    """
    imp = latest_import(db, programme.id)
    if imp is None:
        raise HTTPException(409, "import people first: a matching is judged against them")
    juniors, seniors, org = build_inputs(imp.people)
    program = program_of(programme.rules)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pairs = rm.read_matching(named(content, filename), [p.id for p in juniors],
                                     [p.id for p in seniors], what="the matching",
                                     sheet=sheet.strip() or None,
                                     names={p.id: p.name for p in [*juniors, *seniors]})
            result = rm.evaluate(pairs, juniors, seniors, program, org=org)
    except rm.InputError as err:
        raise HTTPException(422, {"problems": problems_of(err, filename)}) from None
    except rm.RmatchError as err:  # a rule the programme cannot hold: said in words
        raise HTTPException(422, {"problems": [{"reason": str(err)}]}) from None
    # What reading noticed (a title skipped, the columns told apart): shown, once each.
    notes = list(dict.fromkeys(str(w.message) for w in caught
                               if issubclass(w.category, rm.InputWarning)))
    best = result.optimum
    body: dict[str, Any] = {
        "filename": filename, "notes": notes, "people_import": imp.id,
        "pairs": [{"junior_id": p.junior_id, "senior_id": p.senior_id, "score": p.score}
                  for p in result.pairs],
        "objective": result.objective, "status": result.status,
        "violations": [v.model_dump(mode="json") for v in result.violations],
        "unmatched_juniors": result.unmatched_juniors,
        "unmatched_seniors": result.unmatched_seniors,
        "unmatched_reasons": result.unmatched_reasons,
        "optimum": best.model_dump(mode="json") if best is not None else None,
    }
    stored = Analysis(programme_id=programme.id, kind="judgement", body=body, summary={
        "pairs": len(result.pairs), "objective": result.objective,
        "broken": len(result.violations),
        "optimum": best.objective if best is not None else None})
    db.add(stored)
    db.flush()
    # The audit names the analysis and its size, never a person or the file's name.
    ctx.audit(db, user, programme.id, "judged a matching made elsewhere",
              f"analysis #{stored.id}: {len(result.pairs)} pairs, "
              f"{len(result.violations)} rule(s) broken")
    db.commit()
    return stored


def add_judging_routes(app: FastAPI, ctx: Context) -> None:
    """Add ``POST /api/v1/programmes/{pid}/judgements`` to ``app``."""
    DB = Annotated[Session, Depends(ctx.db)]  # noqa: N806 - a type, named as one
    Me = Annotated[User, Depends(app.state.current_user)]  # noqa: N806

    @app.post("/api/v1/programmes/{pid}/judgements", status_code=201)
    async def judge(pid: int, me: Me, db: DB, file: Annotated[UploadFile, File()],
                    sheet: Annotated[str, Form(max_length=200)] = "") -> dict[str, Any]:
        # Stored against the programme: the right to change it, as for a calibration.
        programme, _ = ctx.programme(db, me, pid, write=True)
        content = await file.read(ctx.max_upload + 1)
        if len(content) > ctx.max_upload:
            raise HTTPException(413, "the file is larger than allowed")
        # Off the event loop: judging solves the programme once (seconds at 5,000 per side).
        stored = await run_in_threadpool(judge_matching, ctx, db, me, programme, content,
                                         file.filename or "pairs", sheet)
        return {"id": stored.id, "kind": stored.kind, "summary": stored.summary,
                **stored.body}
