"""The changes a programme goes through, one function each, shared by the API and the pages.

Each checks what it needs, bumps the programme's version (``If-Match``),
writes its audit line and commits: an action means the same whether an HR
tool calls the API or a coordinator clicks a button.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from sqlalchemy import update
from sqlalchemy.orm import Session

import rmatch as rm
from rmatch.app.context import Context, latest_import, published
from rmatch.app.jobs import FINISHED, build_inputs, program_of, store_matching
from rmatch.app.people import Upload
from rmatch.app.said import counted, said
from rmatch.app.store import Import, Job, Matching, Programme, User, now

__all__ = ["INLINE_PAIRS", "cancel_job", "create_programme", "override", "publish", "set_rules",
           "show_sensitive", "start_matching", "start_round", "store_import"]

# Overrides on programmes up to this many pairs are solved in the request (well
# under a second); larger ones become a job, like a first matching.
INLINE_PAIRS = 250_000


def create_programme(ctx: Context, db: Session, user: User, name: str, goals: dict[str, Any],
                     starts_on: str | None, ends_on: str | None, rounds: int) -> Programme:
    """Create a programme owned by ``user`` (403 for viewers); the caller checked the fields."""
    if user.role == "viewer":
        raise HTTPException(403, "viewers cannot create programmes")
    programme = Programme(name=name, goals=goals, starts_on=starts_on, ends_on=ends_on,
                          rounds=rounds, owner_id=user.id)
    db.add(programme)
    db.flush()
    ctx.audit(db, user, programme.id, "created the programme")
    db.commit()
    return programme


def store_import(ctx: Context, db: Session, user: User, programme: Programme, upload: Upload,
                 people: list[rm.Participant], caught: list[str], if_match: str | None
                 ) -> Import:
    """Store people read from an upload (with the file, its maps and its warnings)."""
    juniors, seniors, _ = rm.split_roles(people)
    ctx.change(db, programme, if_match)
    # One sheet per side: both names (the people hold their side).
    name = upload.filename + (f" + {upload.seniors[1]}" if upload.seniors else "")
    imp = Import(programme_id=programme.id, filename=name[:300],
                 content=upload.content, columns=upload.columns, value_maps=upload.values,
                 role=upload.role, warnings=caught,
                 options={**upload.options, "hr_data": upload.hr is not None},
                 people=[p.model_dump(mode="json", exclude_defaults=True) for p in people],
                 n_people=len(people), n_juniors=len(juniors), n_seniors=len(seniors))
    db.add(imp)
    db.flush()
    ctx.audit(db, user, programme.id, "imported people",
              f"import #{imp.id}: {counted(len(people), 'person')} "
              f"({counted(len(juniors), 'junior')}, {counted(len(seniors), 'senior')}), "
              f"{counted(len(caught), 'warning')}")
    db.commit()
    return imp


def set_rules(ctx: Context, db: Session, user: User, programme: Programme,
              doc: dict[str, Any], if_match: str | None) -> rm.Program:
    """Set the programme's rules (a programme document); 422 names each wrong field."""
    try:  # the library's reading of a programme document: a misspelt kind is said
        program = rm.load_program(doc)
    except rm.InputError as err:
        raise HTTPException(422, {"problems": [
            {"field": p.field or "", "reason": p.reason} if isinstance(p, rm.Problem)
            else {"field": "", "reason": str(p)} for p in err.problems]}) from None
    why = program.conflict()  # a run of these rules would only fail later, in a job
    if why is not None:
        raise HTTPException(422, {"problems": [{"field": "objective", "reason": why}]})
    ctx.change(db, programme, if_match)
    programme.rules = doc
    ctx.audit(db, user, programme.id, "set the rules",
              f"{len(program.constraints)} rules: "
              + ", ".join(c.kind for c in program.constraints))
    db.commit()
    return program


def show_sensitive(ctx: Context, db: Session, user: User, programme: Programme,
                   names: list[str], if_match: str | None) -> None:
    """Choose the sensitive attributes the programme's figures show (groups of five or more).

    Only attributes the programme's rules mark sensitive can be chosen (422
    otherwise): the others are shown anyway.
    """
    program = rm.Program.model_validate(programme.rules or {})
    unknown = [n for n in names if not program.is_sensitive(n)]
    if unknown:
        raise HTTPException(422, {"problems": [{"field": "sensitive", "reason": (
            f"{n!r} is not a sensitive attribute of this programme's rules (they are: "
            f"{', '.join(sorted(program.sensitive_attributes)) or 'none'})")} for n in unknown]})
    ctx.change(db, programme, if_match)
    programme.shown_sensitive = sorted({n.casefold() for n in names})
    ctx.audit(db, user, programme.id, "chose the figures' groups",
              f"sensitive attributes shown: {', '.join(programme.shown_sensitive) or 'none'}")
    db.commit()


def start_matching(ctx: Context, db: Session, user: User, programme: Programme) -> Job:
    """Start a matching of the programme's latest people under its rules (a job)."""
    imp = latest_import(db, programme.id)
    if imp is None:
        raise HTTPException(409, "import the people first")
    job = ctx.workers.submit(db, programme.id, {"import_id": imp.id, "rules": programme.rules},
                             user.name)
    ctx.audit(db, user, programme.id, "started a matching", f"job {job.id} on import #{imp.id}")
    db.commit()
    return job


def override(ctx: Context, db: Session, user: User, programme: Programme, m: Matching,
             require: list[tuple[str, str]], forbid: list[tuple[str, str]],
             if_match: str | None) -> Matching | Job:
    """Make a new version with the parent's overrides and these (a job when it is large)."""
    merged: dict[str, Any] = {
        **m.overrides,  # a later round's earlier pairs stay
        "require": sorted({*map(tuple, m.overrides.get("require", [])), *require}),
        "forbid": sorted({*map(tuple, m.overrides.get("forbid", [])), *forbid}),
    }
    clash = set(merged["require"]) & set(merged["forbid"])
    if clash:
        raise HTTPException(422, f"{len(clash)} pairs are both required and forbidden")
    imp = db.get(Import, m.import_id) if m.import_id else None
    if imp is None:
        raise HTTPException(409, "the people this matching was made from are gone")
    ctx.change(db, programme, if_match)
    asked = f"{len(require)} required, {len(forbid)} forbidden"
    juniors, seniors, org = build_inputs(imp.people, merged)
    if len(juniors) * len(seniors) > INLINE_PAIRS:
        job = ctx.workers.submit(db, programme.id, {"import_id": imp.id, "rules": m.rules,
                                                    "overrides": merged, "parent_id": m.id},
                                 user.name)
        ctx.audit(db, user, programme.id, "overrode pairs", f"job {job.id}: {asked}")
        db.commit()
        return job
    try:
        result = rm.match(juniors, seniors, program_of(m.rules, merged), org=org)
    except (rm.InputError, rm.InfeasibleError) as err:
        db.rollback()
        raise HTTPException(422, said(err)) from None
    new = store_matching(db, programme, result, import_id=imp.id, rules=m.rules,
                         overrides=merged, parent_id=m.id)
    ctx.audit(db, user, programme.id, "overrode pairs",
              f"matching #{new.number} from #{m.number}: {asked}; total "
              f"{m.result['objective']:.4f} -> {result.objective:.4f}")
    db.commit()
    return new


def start_round(ctx: Context, db: Session, user: User, programme: Programme) -> Job:
    """Match the next round: the latest people, new partners for everyone (a job).

    Everyone's partners of the earlier rounds (the published versions' pairs,
    round after round) are kept with the new version, so they never meet
    again, also after later overrides or re-matches of that round.
    """
    m, imp = published(db, programme.id), latest_import(db, programme.id)
    if m is None or imp is None:
        raise HTTPException(409, "publish the pairs of this round first")
    number = int(m.overrides.get("round", 1)) + 1
    if number > programme.rounds:
        raise HTTPException(409, f"the programme has {programme.rounds} round"
                                 f"{'s' if programme.rounds != 1 else ''}; this was the last")
    previous = {tuple(p) for p in m.overrides.get("previous", [])}
    previous |= {(p["junior_id"], p["senior_id"]) for p in m.result["pairs"]}
    job = ctx.workers.submit(db, programme.id, {
        "import_id": imp.id, "rules": programme.rules,
        "overrides": {"round": number, "previous": sorted(map(list, previous))}}, user.name)
    ctx.audit(db, user, programme.id, "started a round",
              f"round {number}, job {job.id}: {len(previous)} earlier pairs kept apart")
    db.commit()
    return job


def cancel_job(ctx: Context, db: Session, user: User, job: Job) -> None:
    """Cancel a queued or running job (409 when it has ended) and stop its worker."""
    # One conditional UPDATE: a worker that finishes meanwhile keeps its "done".
    done = db.execute(update(Job).where(Job.id == job.id, Job.state.not_in(FINISHED))
                      .values(state="cancelled", updated_at=now()))
    if getattr(done, "rowcount", 0) != 1:
        db.rollback()
        db.refresh(job)
        raise HTTPException(409, f"the job is already {job.state}")
    ctx.audit(db, user, job.programme_id, "cancelled a job", f"job {job.id}")
    db.commit()
    ctx.workers.cancel(job.id)


def publish(ctx: Context, db: Session, user: User, programme: Programme, m: Matching,
            if_match: str | None) -> None:
    """Publish a matching version: the programme's pairs from now on."""
    if m.published_at is not None:
        raise HTTPException(409, "this matching is already published")
    ctx.change(db, programme, if_match)
    m.published_at = now()
    if programme.state in ("draft", "matched"):
        programme.state = "published"
    ctx.audit(db, user, programme.id, "published a matching",
              f"matching #{m.number}: {m.n_pairs} pairs")
    db.commit()
