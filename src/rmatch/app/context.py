"""What every route shares: the database session, the caller's rights, versions and the audit log.

Every change goes through :meth:`Context.change`: the programme's version
(``If-Match``; a stale version is a 409, and the bump is one conditional
UPDATE, so two coordinators never lose an update), and every change writes an
audit line that names the action, never a personal value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fastapi import HTTPException, Request, Response
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from rmatch.app.jobs import Workers
from rmatch.app.security import Access
from rmatch.app.store import AuditEntry, Import, Matching, Programme, User

__all__ = ["SESSION_COOKIE", "Context", "latest_import", "published"]

# The pages' session: an HttpOnly, SameSite=Strict cookie holding a session token.
SESSION_COOKIE = "rmatch_session"


@dataclass
class Context:
    """What every route shares: the database, the workers and the limits."""

    sessions: sessionmaker[Session]
    workers: Workers
    max_upload: int
    # Set by the pages: a person's browser gets an error as a page, not as JSON, even from
    # the checks that answer before any route (None where the request wants JSON).
    error_page: Callable[[Request, int, str], Response | None] | None = None

    def db(self) -> Iterator[Session]:
        """One database session per request."""
        with self.sessions() as session:
            yield session

    def programme(self, db: Session, user: User, pid: int, *, write: bool = False,
                  closed_ok: bool = False) -> tuple[Programme, Access]:
        """Find the programme and the user's rights; 404 when unseen, 403 when read-only."""
        programme = db.get(Programme, pid)
        access = Access.of(db, user, programme) if programme else None
        if programme is None or access is None or not access.read:
            raise HTTPException(404, "no such programme")
        if write and not access.write:
            raise HTTPException(403, "you may look at this programme but not change it")
        if write and programme.state == "closed" and not closed_ok:
            raise HTTPException(409, "the programme is closed: it no longer changes (it can "
                                     "still be read, exported or deleted)")
        return programme, access

    @staticmethod
    def change(db: Session, programme: Programme, if_match: str | None) -> None:
        """Bump the programme's version, refusing a stale ``If-Match`` (409)."""
        seen = programme.version
        if if_match is not None and if_match.strip('W/" ') != str(seen):
            raise HTTPException(409, f"the programme changed (version {seen}, you sent "
                                     f"{if_match}); reload it and apply your change again")
        done = db.execute(update(Programme).where(Programme.id == programme.id,
                                                  Programme.version == seen)
                          .values(version=seen + 1))
        if getattr(done, "rowcount", 1) != 1:
            db.rollback()
            raise HTTPException(409, "the programme changed meanwhile; reload it and apply "
                                     "your change again")
        db.refresh(programme)

    @staticmethod
    def audit(db: Session, user: User | str, programme: int | None, action: str,
              detail: str = "") -> None:
        """Record who did what to which programme (never a personal value)."""
        name = user if isinstance(user, str) else user.name
        db.add(AuditEntry(user_name=name, programme_id=programme, action=action,
                          detail=detail))


def latest_import(db: Session, pid: int) -> Import | None:
    """Return the programme's newest import of people."""
    return db.scalar(select(Import).where(Import.programme_id == pid)
                     .order_by(Import.id.desc()).limit(1))


def published(db: Session, pid: int) -> Matching | None:
    """Return the programme's published matching (the newest published), if any."""
    return db.scalar(select(Matching).where(Matching.programme_id == pid,
                                            Matching.published_at.is_not(None))
                     .order_by(Matching.published_at.desc(), Matching.id.desc()).limit(1))
