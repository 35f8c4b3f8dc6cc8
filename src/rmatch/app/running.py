"""A running programme over HTTP: feedback, re-matches, rounds plans and calibrations.

Feedback files go through :func:`rmatch.read_table` (the roster reader's
guarantees: every problem named by row, nothing stored when any row is
wrong); a rating must be a number for a pair of the published matching. A
re-match (:func:`rmatch.rematch`) starts from the published matching: the
people are the latest import without the leavers and with the joiners (a new
import, so the programme's people stay versioned with its matchings), and the
result is a new matching version whose parent is the published one.
"""

# No "from __future__ import annotations": FastAPI reads the routes' annotations
# (Annotated[..., Depends(...)] built inside a function) at run time.
import io
import json
import math
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, Header, HTTPException, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

import rmatch as rm
from rmatch.app.context import Context, latest_import, published
from rmatch.app.jobs import build_inputs, program_of, store_matching
from rmatch.app.matchings import import_people
from rmatch.app.people import json_form, named, problems_of
from rmatch.app.said import notes_of, said
from rmatch.app.store import Analysis, Feedback, Import, Programme, User

__all__ = ["RematchRequest", "add_running_routes", "checkin_means", "pair_ratings",
           "record_feedback", "rematch_programme"]


class RoundsRequest(BaseModel):
    """``POST /api/v1/programmes/{id}/rounds``."""

    rounds: int = Field(ge=1, le=52)


class RematchRequest(BaseModel):
    """``POST /api/v1/programmes/{id}/rematch``."""

    leavers: list[str] = Field(default_factory=list, max_length=100_000)
    joiners: list[dict[str, Any]] = Field(default_factory=list, max_length=100_000)
    change: list[str] = Field(default_factory=list, max_length=100_000)
    allow_changes: bool = False
    change_cost: float = Field(default=0.1, ge=0, le=1)


def checkin_means(db: Session, pid: int) -> list[tuple[int, int, float]]:
    """Return (check-in, ratings, mean rating) per check-in of a programme, in order."""
    ratings: dict[int, list[float]] = {}
    for r in db.scalars(select(Feedback).where(Feedback.programme_id == pid)):
        ratings.setdefault(r.checkin, []).append(r.rating)
    return [(k, len(v), sum(v) / len(v)) for k, v in sorted(ratings.items())]


def pair_ratings(db: Session, pid: int) -> dict[tuple[str, str], float]:
    """Return each rated pair's mean rating over the check-ins."""
    ratings: dict[tuple[str, str], list[float]] = {}
    for r in db.scalars(select(Feedback).where(Feedback.programme_id == pid)):
        ratings.setdefault((r.junior_id, r.senior_id), []).append(r.rating)
    return {k: sum(v) / len(v) for k, v in ratings.items()}


def _problem(reason: str, row: int | None = None, field: str | None = None,
             pid: str | None = None) -> dict[str, Any]:
    return {"row": row, "id": pid, "field": field, "reason": reason}


def add_running_routes(app: FastAPI, ctx: Context) -> None:
    """Add the feedback and re-match routes to ``app``."""
    DB = Annotated[Session, Depends(ctx.db)]  # noqa: N806 - a type, named as one
    Me = Annotated[User, Depends(app.state.current_user)]  # noqa: N806

    @app.post("/api/v1/programmes/{pid}/feedback")
    async def feedback(pid: int, me: Me, db: DB, file: Annotated[UploadFile, File()],
                       values: Annotated[str, Form(max_length=20_000)] = "",
                       if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        programme, _ = ctx.programme(db, me, pid, write=True)
        content = await file.read(ctx.max_upload + 1)
        if len(content) > ctx.max_upload:
            raise HTTPException(413, "the file is larger than allowed")
        notes: list[str] = []
        count = record_feedback(ctx, db, me, programme, content, if_match, notes,
                                values=json_form(values, "values"),
                                filename=file.filename or "the ratings")
        return {"ratings": count, "version": programme.version, "notes": notes,
                "values": programme.survey_values}

    @app.get("/api/v1/programmes/{pid}/feedback")
    def feedback_summary(pid: int, me: Me, db: DB) -> dict[str, Any]:
        ctx.programme(db, me, pid)
        means = checkin_means(db, pid)
        return {"ratings": sum(n for _, n, _ in means), "checkins": [
            {"checkin": k, "ratings": n, "mean": mean} for k, n, mean in means]}

    @app.post("/api/v1/programmes/{pid}/rounds", status_code=202)
    def plan(pid: int, body: RoundsRequest, me: Me, db: DB) -> dict[str, Any]:
        programme, _ = ctx.programme(db, me, pid, write=True)
        imp = latest_import(db, pid)
        if imp is None:
            raise HTTPException(409, "import people first (POST .../people)")
        job = ctx.workers.submit(db, pid, {"kind": "rounds", "rounds": body.rounds,
                                           "import_id": imp.id, "rules": programme.rules},
                                 me.name)
        ctx.audit(db, me, pid, "started a rounds plan", f"job {job.id}: {body.rounds} rounds")
        db.commit()
        return {"job": job.id}

    @app.get("/api/v1/programmes/{pid}/analyses")
    def analyses(pid: int, me: Me, db: DB) -> list[dict[str, Any]]:
        ctx.programme(db, me, pid)
        rows = db.scalars(select(Analysis).where(Analysis.programme_id == pid)
                          .order_by(Analysis.id))
        return [{"id": a.id, "kind": a.kind, "summary": a.summary,
                 "created": a.created_at.isoformat()} for a in rows]

    @app.get("/api/v1/programmes/{pid}/analyses/{aid}")
    def analysis(pid: int, aid: int, me: Me, db: DB) -> dict[str, Any]:
        ctx.programme(db, me, pid)
        found = db.get(Analysis, aid)
        if found is None or found.programme_id != pid:
            raise HTTPException(404, "no such analysis")
        return {"id": found.id, "kind": found.kind, "summary": found.summary,
                **found.body}

    @app.post("/api/v1/programmes/{pid}/calibrations", status_code=201)
    def calibrate(pid: int, me: Me, db: DB) -> dict[str, Any]:
        ctx.programme(db, me, pid, write=True)
        m = published(db, pid)
        imp = db.get(Import, m.import_id) if m and m.import_id else None
        if m is None or imp is None:
            raise HTTPException(409, "publish a matching and record feedback first")
        latest: dict[tuple[str, str], float] = {}
        for r in db.scalars(select(Feedback).where(Feedback.programme_id == pid)
                            .order_by(Feedback.checkin, Feedback.id)):
            latest[r.junior_id, r.senior_id] = r.rating  # a pair's latest check-in
        juniors, seniors, org = build_inputs(imp.people, m.overrides)
        try:
            fit = rm.calibrate(list(latest), list(latest.values()),
                               program_of(m.rules, m.overrides), juniors=juniors,
                               seniors=seniors, org=org)
        except rm.InputError as err:
            raise HTTPException(422, said(err)) from None
        body = fit.model_dump(mode="json")
        stored = Analysis(programme_id=pid, kind="calibration", body=body, summary={
            "pairs": fit.pairs, "predicts": fit.predicts, "p_value": fit.p_value})
        db.add(stored)
        db.flush()
        ctx.audit(db, me, pid, "calibrated the weights",
                  f"analysis #{stored.id} from {fit.pairs} rated pairs")
        db.commit()
        return {"id": stored.id, **body}

    @app.post("/api/v1/programmes/{pid}/rematch")
    def rematch(pid: int, body: RematchRequest, me: Me, db: DB,
                if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        programme, _ = ctx.programme(db, me, pid, write=True)
        return rematch_programme(ctx, db, me, programme, body, if_match)


def record_feedback(ctx: Context, db: Session, user: User, programme: Programme,
                    content: bytes, if_match: str | None, notes: list[str] | None = None,
                    *, values: dict[str, Any] | None = None, remember: bool = True,
                    filename: str = "the ratings") -> int:
    """Store a file of ratings of the published pairs; any wrong row refuses the whole file.

    ``notes`` gathers what reading said (the columns told apart, names read
    as ids), once each, and the programme keeps them for its page; ``values``
    gives the number of each answer in words (a survey's scale,
    :func:`rmatch.read_ratings`, which refuses a value that is no number).
    The programme keeps the map of the last file read with one for the next
    check-in's file: ``None`` reads with the kept map, ``{}`` with none (and
    forgets it). ``remember=False`` (one rating typed on the page) changes
    neither the kept map nor the kept notes.
    """
    notes = [] if notes is None else notes
    kept = values is None and bool(programme.survey_values)
    values = programme.survey_values if values is None else values
    m = published(db, programme.id)
    if m is None:
        raise HTTPException(409, "publish a matching first: feedback rates its pairs")
    pairs = {(p["junior_id"], p["senior_id"]) for p in m.result["pairs"]}
    people = import_people(db, db.get(Import, m.import_id) if m.import_id else None)
    # The standard columns, or a check-in survey's own (the pair's columns told
    # apart by their ids or names, the rating the one column of numbers): each id
    # checked against the programme's juniors and seniors, with what it may be
    # (another case, the sides swapped); then each pair against the published ones.
    try:
        with rm.caught_warnings() as caught:
            rows = rm.read_ratings(
                named(content, filename), *(sorted({pair[k] for pair in pairs} | {
                    pid for pid, p in people.items() if p.get("role") in (side, "both")})
                    for k, side in enumerate(("junior", "senior"))), what="feedback",
                names={pid: p.get("name") for pid, p in people.items()}, values=values)
    except rm.InputError as err:
        raise HTTPException(422, {"problems": problems_of(err)}) from None
    if kept:  # said: a map typed months ago reads this file's words too
        notes.append("answers in words read with the value map kept from the last ratings "
                     f"file: {json.dumps(values, ensure_ascii=False)}")
    notes.extend(notes_of(caught, (rm.InputWarning,)))
    problems, ratings = [], []
    for row, j, s, cells in rows:
        pair = (j, s)
        try:
            rating = float(cells["rating"].replace(",", "."))
            checkin = int(cells.get("checkin") or 1)
        except ValueError:
            problems.append(_problem("rating is a number and checkin a whole number",
                                     row, "rating", pair[0]))
            continue
        if not math.isfinite(rating) or checkin < 1:
            problems.append(_problem("not a finite rating, or a check-in below 1", row,
                                     "rating", pair[0]))
        elif pair not in pairs:
            problems.append(_problem(f"{pair} is not a pair of the published matching",
                                     row, "senior_id", pair[0]))
        else:
            ratings.append(Feedback(programme_id=programme.id, junior_id=pair[0],
                                    senior_id=pair[1], rating=rating, checkin=checkin))
    if problems:
        raise HTTPException(422, {"problems": problems})
    ctx.change(db, programme, if_match)
    db.add_all(ratings)
    if remember:
        programme.survey_values = values or None
        programme.feedback_notes = list(notes)
    if programme.state == "published":
        programme.state = "running"
    ctx.audit(db, user, programme.id, "recorded feedback", f"{len(ratings)} ratings")
    db.commit()
    return len(ratings)


def rematch_programme(ctx: Context, db: Session, user: User, programme: Programme,
                      body: RematchRequest, if_match: str | None) -> dict[str, Any]:
    """Re-match from the published matching: leavers, joiners and change requests."""
    m, imp = published(db, programme.id), latest_import(db, programme.id)
    if m is None or imp is None:
        raise HTTPException(409, "publish a matching first: a re-match starts from it")
    people = _people_after(imp.people, body)
    juniors, seniors, org = build_inputs(people, m.overrides)
    previous = [(p["junior_id"], p["senior_id"]) for p in m.result["pairs"]]
    try:
        out = rm.rematch(previous, juniors, seniors, program_of(m.rules, m.overrides),
                         change=set(body.change), allow_changes=body.allow_changes,
                         change_cost=body.change_cost, org=org)
    except (rm.InputError, rm.InfeasibleError) as err:
        raise HTTPException(422, said(err)) from None
    ctx.change(db, programme, if_match)
    new_import = Import(programme_id=programme.id, filename=f"{imp.filename} (re-match)",
                        content=imp.content, columns=imp.columns,
                        value_maps=imp.value_maps, role=imp.role,
                        options=imp.options, warnings=[],
                        people=people, n_people=len(people), n_juniors=len(juniors),
                        n_seniors=len(seniors))
    db.add(new_import)
    db.flush()
    new = store_matching(db, programme, out.result, import_id=new_import.id,
                         rules=m.rules, overrides=m.overrides, parent_id=m.id)
    ctx.audit(db, user, programme.id, "re-matched",
              f"matching #{new.number} from #{m.number}: {len(body.leavers)} leavers, "
              f"{len(body.joiners)} joiners, {len(body.change)} change requests; kept "
              f"{len(out.kept)}, broke {len(out.broken)}, formed {len(out.new)}")
    db.commit()
    return {"matching": new.id, "number": new.number, "kept": out.kept,
            "broken": [b.model_dump(mode="json") for b in out.broken],
            "new": out.new, "version": programme.version}


def _people_after(people: list[dict[str, Any]], body: RematchRequest) -> list[dict[str, Any]]:
    """Return the people after leavers leave and joiners join (unknown ids: a 422)."""
    known = {p["id"] for p in people}
    problems = [_problem("no such person in the programme", pid=x, field="leavers")
                for x in body.leavers if x not in known]
    problems += [_problem("no such person in the programme", pid=x, field="change")
                 for x in body.change if x not in known and x not in body.leavers]
    joined = []
    # Joiners are read as the rows of an uploaded JSON roster: every problem at once, in
    # rmatch's words ("out of range: it must be at least 0", not pydantic's), by row;
    # a key that is no field is a problem, not a note. Their managers may be anyone.
    newcomers: list[rm.Participant] = []
    fields = set(rm.Participant.model_fields)
    unknown = [_problem(f"{key!r} is not a participant field", row=k + 1, field="joiners",
                        pid=str(raw.get("id", ""))) for k, raw in enumerate(body.joiners)
               for key in raw if key not in fields]
    if unknown:
        problems += unknown
    elif body.joiners:
        try:
            with rm.caught_warnings():
                newcomers = rm.read_participants(
                    io.StringIO(json.dumps(body.joiners)), format="json", check_managers=False,
                    unknown_columns="error")
        except rm.InputError as err:
            problems += [_problem(p["reason"], row=p.get("row"), pid=p.get("id"),
                                  field=f"joiners.{p['field']}" if p.get("field") else "joiners")
                         for p in problems_of(err) if not p["reason"].startswith("hint:")]
    for k, person in enumerate(newcomers):
        if person.id in known and person.id not in body.leavers:
            problems.append(_problem("is already in the programme", row=k + 1, pid=person.id,
                                     field="id"))
        joined.append(person.model_dump(mode="json", exclude_defaults=True))
    if problems:
        raise HTTPException(422, {"problems": problems})
    # Leavers leave the programme, not the org chart: their reporting lines still
    # protect the people who stay (a manager who leaves the programme is still a manager).
    gone = set(body.leavers)
    return [{k: v for k, v in p.items() if k != "role"} if p["id"] in gone else p
            for p in people] + joined

