"""Solves outside the request: a worker process per job; progress and cancel via the database.

A job row is the contract between the service and its worker: the worker
(``python -m rmatch.app.worker JOB``, a fresh interpreter that shares no lock,
thread or module state with the server) reads the programme's people and
rules, runs :func:`rmatch.match` with a progress callback that writes the
job's progress, and stores the matching
and the job's end in one transaction. Cancelling marks the job and stops
its process. A server that stops during a job finds it on the next start
and marks it failed; nothing half-written remains, because the matching
and the job's "done" are one commit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import rmatch as rm
from rmatch.app.said import in_our_words, notes_of, said
from rmatch.app.store import Analysis, Import, Job, Matching, Programme, engine_for, now

__all__ = ["Workers", "build_inputs", "judge", "judgement", "program_of", "recover",
           "store_matching", "work"]

FINISHED = ("done", "failed", "cancelled")


def program_of(rules: dict[str, Any] | None, overrides: dict[str, Any] | None = None
               ) -> rm.Program:
    """Build the programme's :class:`rmatch.Program`, plus HR's required/forbidden pairs.

    Examples
    --------
    >>> program_of(None, {"forbid": [["j1", "s1"]]}).constraints[-1].kind
    'forbid'
    """
    program = rm.Program.model_validate(rules) if rules else rm.Program()
    extra: list[rm.Constraint] = []
    # A later round: earlier partners never meet again, whatever the rules say.
    if overrides and overrides.get("previous") and not any(
            isinstance(c, rm.NoRepeat) for c in program.constraints):
        extra.append(rm.NoRepeat())
    if overrides and overrides.get("require"):
        extra.append(rm.Require(pairs=[tuple(p) for p in overrides["require"]]))
    if overrides and overrides.get("forbid"):
        extra.append(rm.Forbid(pairs=[tuple(p) for p in overrides["forbid"]]))
    if extra:
        program = program.model_copy(update={"constraints": [*program.constraints, *extra]})
    return program


def build_inputs(people_rows: list[dict[str, Any]], overrides: dict[str, Any] | None = None
                 ) -> tuple[list[rm.Participant], list[rm.Participant], rm.OrgChart | None]:
    """Juniors, seniors and the org chart (everyone read, reporting lines) from stored people.

    A later round's version carries the earlier rounds' pairs (``previous`` in
    its overrides): each person's previous partners gain them.

    Examples
    --------
    >>> js, ss, _ = build_inputs([{"id": "j", "role": "junior"}, {"id": "s", "role": "senior"}],
    ...                          {"previous": [["j", "s"]]})
    >>> sorted(js[0].previous_partners), sorted(ss[0].previous_partners)
    (['s'], ['j'])
    """
    met: dict[str, set[str]] = {}
    for j, s in (overrides or {}).get("previous", []):
        met.setdefault(j, set()).add(s)
        met.setdefault(s, set()).add(j)
    people = [rm.Participant.model_validate(
        {**p, "previous_partners": sorted({*p.get("previous_partners", []), *met[p["id"]]})}
        if p["id"] in met else p) for p in people_rows]
    juniors, seniors, others = rm.split_roles(people)
    org = (rm.OrgChart.from_participants(people)
           if others or any(p.manager_id for p in people) else None)
    return juniors, seniors, org


def store_matching(db: Session, programme: Programme, result: rm.MatchResult, *,
                   import_id: int | None, rules: dict[str, Any] | None,
                   overrides: dict[str, Any] | None = None,
                   parent_id: int | None = None) -> Matching:
    """Add a new immutable matching version (numbered per programme)."""
    count = len(db.scalars(select(Matching.id).where(
        Matching.programme_id == programme.id)).all())
    stored = result.model_dump(mode="json")
    # The gaps are said to people who have no command line: without its flags.
    stored["data_gaps"] = [in_our_words(line) for line in result.data_gaps]
    matching = Matching(programme_id=programme.id, number=count + 1, parent_id=parent_id,
                        import_id=import_id, result=stored,
                        overrides=overrides or {}, rules=rules, n_pairs=len(result.pairs),
                        objective=result.objective, status=result.status)
    db.add(matching)
    if programme.state == "draft":
        programme.state = "matched"
    programme.version += 1
    db.flush()
    return matching


def judge(people: list[dict[str, Any]], params: dict[str, Any], progress: Any = None, *,
          inputs: tuple[list[rm.Participant], list[rm.Participant], rm.OrgChart | None]
          | None = None) -> tuple[rm.MatchResult, list[str]]:
    """Judge ``params["pairs"]`` under ``params["rules"]``; the result and what it noticed.

    The notes are reading's (``params["notes"]``) and then the judgement's own
    input warnings, each once: shown with the judgement, never a person's value.
    ``inputs``: :func:`build_inputs` of ``people`` when the caller has them.
    """
    juniors, seniors, org = inputs or build_inputs(people)
    with rm.caught_warnings() as caught:
        result = rm.evaluate([tuple(p) for p in params["pairs"]], juniors, seniors,
                             program_of(params.get("rules")), org=org, progress=progress)
    return result, list(dict.fromkeys([*params.get("notes", []),
                                       *notes_of(caught, (rm.InputWarning,))]))


def judgement(programme_id: int, result: rm.MatchResult, notes: list[str],
              params: dict[str, Any]) -> Analysis:
    """Make the stored judgement of a matching made elsewhere (an analysis, kind ``judgement``).

    Examples
    --------
    >>> import rmatch as rm
    >>> judged = rm.evaluate([("j", "s")], [rm.Participant(id="j")], [rm.Participant(id="s")])
    >>> stored = judgement(1, judged, [], {"filename": "hand.csv", "import_id": 3})
    >>> stored.kind, stored.summary["pairs"], stored.body["people_import"]
    ('judgement', 1, 3)
    """
    best = result.optimum
    body: dict[str, Any] = {
        "filename": params["filename"], "notes": notes, "people_import": params["import_id"],
        "pairs": [{"junior_id": p.junior_id, "senior_id": p.senior_id, "score": p.score}
                  for p in result.pairs],
        "objective": result.objective, "status": result.status,
        "violations": [v.model_dump(mode="json") for v in result.violations],
        "unmatched_juniors": result.unmatched_juniors,
        "unmatched_seniors": result.unmatched_seniors,
        "unmatched_reasons": result.unmatched_reasons,
        "optimum": best.model_dump(mode="json") if best is not None else None,
        "data_gaps": [in_our_words(line) for line in result.data_gaps],
    }
    return Analysis(programme_id=programme_id, kind="judgement", body=body, summary={
        "pairs": len(result.pairs), "objective": result.objective,
        "broken": len(result.violations),
        "optimum": best.objective if best is not None else None})


class _CancelledError(Exception):
    pass


def _claim(engine: Engine, job_id: str, pid: int
           ) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """Mark a queued job running; return its people and parameters (None: not queued)."""
    with Session(engine) as db:
        job = db.get(Job, job_id)
        if job is None or job.state != "queued":
            return None
        imp = db.get(Import, job.params["import_id"])
        if imp is None or db.get(Programme, job.programme_id) is None:
            return None
        job.state, job.pid, job.updated_at = "running", pid, now()
        people, params = imp.people, dict(job.params)
        db.commit()
    return people, params


def _compute(people: list[dict[str, Any]], params: dict[str, Any], progress: Any,
             client: Any = None
             ) -> rm.MatchResult | rm.RoundsPlan | tuple[rm.MatchResult, list[str]]:
    if params.get("kind") == "judge":
        return judge(people, params, progress)
    juniors, seniors, org = build_inputs(people, params.get("overrides"))
    program = program_of(params.get("rules"), params.get("overrides"))
    if params.get("kind") == "rounds":
        return rm.plan_rounds(juniors, seniors, program, rounds=int(params["rounds"]), org=org)
    if client is not None:  # match_many's Dask path: the solve runs on the cluster
        cohort = rm.Cohort(name="job", juniors=juniors, seniors=seniors, program=program,
                           org=org)
        return rm.match_many([cohort], client=client)[0]
    return rm.match(juniors, seniors, program, org=org, progress=progress)


def _fail(engine: Engine, job_id: str, err: Exception) -> None:
    # Any failure is the job's answer, in one line, never a traceback.
    with Session(engine) as db:
        db.execute(update(Job).where(Job.id == job_id, Job.state == "running").values(
            state="failed", error=f"{type(err).__name__}: {said(err)}"[:2000], updated_at=now()))
        db.commit()


def _finish(engine: Engine, job_id: str,
            result: rm.MatchResult | rm.RoundsPlan | tuple[rm.MatchResult, list[str]],
            params: dict[str, Any]) -> None:
    """Store the job's result and its end in one transaction (nothing if it was cancelled)."""
    with Session(engine) as db:
        job = db.get(Job, job_id)
        programme = db.get(Programme, job.programme_id) if job else None
        if job is None or programme is None or job.state != "running":
            return  # cancelled or deleted meanwhile: keep nothing
        if isinstance(result, tuple):  # a judgement of a matching made elsewhere
            judged = judgement(programme.id, *result, params)
            db.add(judged)
            db.flush()
            job.analysis_id = judged.id
        elif isinstance(result, rm.RoundsPlan):
            plan = Analysis(programme_id=programme.id, kind="rounds",
                            body=result.model_dump(mode="json"), summary={
                                "rounds": len(result.rounds), "pairs": result.pairs,
                                "objective": result.objective, "status": result.status,
                                "import": params["import_id"]})
            db.add(plan)
            db.flush()
            job.analysis_id = plan.id
        else:
            matching = store_matching(db, programme, result, import_id=params["import_id"],
                                      rules=params.get("rules"),
                                      overrides=params.get("overrides"),
                                      parent_id=params.get("parent_id"))
            job.matching_id = matching.id
        job.state, job.progress = "done", 1.0
        job.stage, job.updated_at = "done", now()
        db.commit()


def work(url: str, job_id: str, parent: int) -> None:
    """Run one job to its end (in the worker process); a server gone stops it at the next report."""
    signal.signal(signal.SIGTERM, lambda *_: os._exit(143))
    engine = engine_for(url)
    claimed = _claim(engine, job_id, os.getpid())
    if claimed is None:
        return
    people, params = claimed
    last = [0.0]

    def progress(p: Any) -> None:
        if os.getppid() != parent:
            os._exit(0)  # the server is gone; on its restart the job is marked failed
        if time.monotonic() - last[0] < 0.5:
            return
        last[0] = time.monotonic()
        share = 0.25 if p.phase == 1 else 0.5 + 0.5 * (1 - min(1.0, p.gap))
        with Session(engine) as s:
            state = s.scalar(select(Job.state).where(Job.id == job_id))
            if state == "cancelled":
                raise _CancelledError
            s.execute(update(Job).where(Job.id == job_id).values(
                progress=round(share, 3), stage=(p.stage or f"phase {p.phase}")[:200],
                updated_at=now()))
            s.commit()

    try:
        result = _compute(people, params, progress)
    except _CancelledError:
        return
    except Exception as err:
        _fail(engine, job_id, err)
        return
    if os.getppid() == parent:  # else the server died meanwhile: its restart fails the job
        _finish(engine, job_id, result, params)
    engine.dispose()


def _on_dask(engine: Engine, job_id: str, address: str) -> None:
    """Run a job through ``rm.match_many``'s Dask path (a thread of the server)."""
    claimed = _claim(engine, job_id, os.getpid())
    if claimed is None:
        return
    people, params = claimed
    try:
        import distributed  # untyped: its calls are taken as Any

        dask: Any = distributed
        with dask.Client(address, timeout=30) as client:
            result = _compute(people, params, None, client=client)
    except Exception as err:
        _fail(engine, job_id, err)
        return
    _finish(engine, job_id, result, params)


class Workers:
    """The worker processes of one server, by job id."""

    def __init__(self, url: str, engine: Engine, dask: str | None = None) -> None:
        self.url, self.engine, self.dask = url, engine, dask
        self.running: dict[str, subprocess.Popen[bytes]] = {}
        self.threads: dict[str, threading.Thread] = {}

    def submit(self, db: Session, programme_id: int, params: dict[str, Any], user: str) -> Job:
        """Queue a job and start its worker (after the caller's commit).

        With a Dask scheduler, matchings go to the cluster through
        ``rm.match_many`` from a thread of the server (rounds plans still run
        in a local worker process).
        """
        job = Job(id=str(uuid.uuid4()), programme_id=programme_id, params=params,
                  created_by=user)
        db.add(job)
        db.commit()
        if self.dask and params.get("kind", "match") == "match":
            thread = threading.Thread(target=_on_dask, args=(self.engine, job.id, self.dask),
                                      daemon=True, name=f"rmatch-job-{job.id}")
            thread.start()
            self.threads[job.id] = thread
            return job
        # The URL (which may hold a password) goes by environment, not argv: argv is
        # visible to every user of the machine in `ps`.
        env = {**os.environ, "RMATCH_DATABASE_URL": self.url}
        self.running[job.id] = subprocess.Popen(
            [sys.executable, "-m", "rmatch.app.worker", job.id, str(os.getpid())], env=env,
            stdin=subprocess.DEVNULL)
        return job

    def cancel(self, job_id: str) -> None:
        """Stop a job's worker if this server runs it."""
        process = self.running.pop(job_id, None)
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(5)

    def reap(self, db: Session) -> None:
        """Mark jobs whose worker died without an answer as failed."""
        for job_id, thread in list(self.threads.items()):
            if not thread.is_alive():
                del self.threads[job_id]  # a thread always records its own end
        for job_id, process in list(self.running.items()):
            if process.poll() is None:
                continue
            del self.running[job_id]
            db.execute(update(Job).where(Job.id == job_id, Job.state.in_(("queued", "running")))
                       .values(state="failed", updated_at=now(),
                               error=f"the worker stopped (exit status {process.returncode})"))
        db.commit()

    def stop_all(self) -> None:
        """Stop every worker (the server is stopping); their jobs are failed on the next start."""
        for job_id in list(self.running):
            self.cancel(job_id)


def recover(db: Session) -> int:
    """On start: jobs a stopped server left queued or running are failed; return how many."""
    result = db.execute(update(Job).where(Job.state.in_(("queued", "running"))).values(
        state="failed", updated_at=now(),
        error="the server stopped during the job; start the matching again"))
    db.commit()
    return int(getattr(result, "rowcount", 0) or 0)
