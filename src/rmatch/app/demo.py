"""``rmatch serve --demo``: one programme from a synthetic organisation, seen at once."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import rmatch as rm
from rmatch.app.store import AuditEntry, Import, Programme

__all__ = ["DEMO_NAME", "seed_demo"]

DEMO_NAME = "Demo: reverse mentoring (synthetic organisation)"


def seed_demo(db: Session, employees: int = 600, per_side: int = 25) -> bool:
    """Add the demo programme unless it is there; return whether it was added.

    Everyone in the synthetic organisation is imported (the org chart's
    reporting lines); ``per_side`` of them are juniors and as many seniors.
    """
    if db.scalar(select(Programme).where(Programme.name == DEMO_NAME)) is not None:
        return False
    org = rm.synth.generate(employees, seed=0)
    roles = rm.synth.cohort_roles(org, per_side, per_side, seed=0)
    people = [p.model_copy(update={"role": roles.get(i)}) for i, p in enumerate(org.participants())]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo-roster.csv"
        org.write_csv(path, roles)
        content = path.read_bytes()
    programme = Programme(name=DEMO_NAME, goals={
        "seniors": "digital fluency, social media, generative AI at work",
        "juniors": "a view of strategy and a sponsor in the leadership"}, rounds=3)
    db.add(programme)
    db.flush()
    db.add(Import(programme_id=programme.id, filename="demo-roster.csv", content=content,
                  people=[p.model_dump(mode="json", exclude_defaults=True) for p in people],
                  n_people=len(people), n_juniors=sum(r == "junior" for r in roles.values()),
                  n_seniors=sum(r == "senior" for r in roles.values())))
    db.add(AuditEntry(user_name="(command line)", programme_id=programme.id,
                      action="created the demo programme",
                      detail=f"{len(people)} synthetic people, {per_side} per side"))
    return True
