"""Users, passwords, tokens and rights: who may see and change what.

Passwords are hashed with Argon2id (argon2-cffi, the reference
implementation's binding). Tokens are 256 random bits shown once and stored
as their SHA-256: a token has the entropy that makes a slow hash pointless,
and a fast digest lets every request find its token with one indexed query.
The fifth failed sign-in in a row locks the name for 30 s, and each
further one doubles the lock (at most 15 minutes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from rmatch.app.store import ROLES, Programme, Share, Token, User, now

__all__ = ["Access", "LoginLockedError", "add_user", "check_login", "issue_token",
           "token_digest", "user_for_token"]

HASHER = PasswordHasher()
SESSION_HOURS = 12
FREE_FAILURES = 5
# Long enough to slow a guesser to a few tries a minute, and to hold while a
# loaded machine serves the next request (a 1 s first lock did not, in CI).
FIRST_LOCK_S = 30
MAX_LOCK_S = 900


class LoginLockedError(Exception):
    """Too many failed sign-ins: try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} s")
        self.retry_after = retry_after


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes even for timezone-aware columns.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def add_user(db: Session, name: str, role: str, password: str) -> User:
    """Create a user (or set a new password and role for an existing name).

    Examples
    --------
    >>> len(HASHER.hash("x")) > 40
    True
    """
    name = name.strip()
    if not name or len(name) > 200:
        raise ValueError("a user name is 1 to 200 characters")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if len(password) < 8:
        raise ValueError("a password has at least 8 characters")
    user = db.scalar(select(User).where(User.name == name))
    if user is None:
        user = User(name=name, role=role, password_hash=HASHER.hash(password))
        db.add(user)
    else:
        user.role, user.password_hash = role, HASHER.hash(password)
        user.failed_logins, user.locked_until = 0, None
    db.flush()
    return user


def check_login(db: Session, name: str, password: str) -> User | None:
    """Return the user if the password is right, else None; LoginLockedError when throttled.

    A wrong name costs the same hash as a wrong password, so timing does
    not tell which names exist.
    """
    user = db.scalar(select(User).where(User.name == name))
    if user is not None and user.locked_until is not None \
            and _utc(user.locked_until) > now():
        raise LoginLockedError(int((_utc(user.locked_until) - now()).total_seconds()) + 1)
    try:
        HASHER.verify(user.password_hash if user else _DUMMY, password)
        ok = user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if user is None:
        return None
    if not ok:
        user.failed_logins += 1
        if user.failed_logins >= FREE_FAILURES:
            lock = min(MAX_LOCK_S, FIRST_LOCK_S * 2 ** (user.failed_logins - FREE_FAILURES))
            user.locked_until = now() + dt.timedelta(seconds=lock)
        return None
    user.failed_logins, user.locked_until = 0, None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    return user


_DUMMY = HASHER.hash("not a password anyone has")


def token_digest(token: str) -> str:
    """Return a token's SHA-256, as stored.

    Examples
    --------
    >>> len(token_digest("rm_x"))
    64
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(db: Session, user: User, label: str, *, hours: float | None = SESSION_HOURS
                ) -> str:
    """Create a token for ``user`` and return it (the only time it is seen in clear).

    ``hours=None``: no expiry (API tokens for HR tools; revoke by deleting).
    """
    token = "rm_" + secrets.token_urlsafe(32)
    expires = None if hours is None else now() + dt.timedelta(hours=hours)
    db.add(Token(user_id=user.id, digest=token_digest(token), label=label[:200],
                 expires_at=expires))
    db.flush()
    return token


def user_for_token(db: Session, token: str) -> User | None:
    """Return the user a bearer token belongs to, or None (unknown or expired)."""
    row = db.scalar(select(Token).where(Token.digest == token_digest(token)))
    if row is None or (row.expires_at is not None and _utc(row.expires_at) <= now()):
        return None
    return row.user


@dataclass(frozen=True)
class Access:
    """What a user may do with one programme."""

    read: bool
    write: bool
    names: bool

    @classmethod
    def of(cls, db: Session, user: User, programme: Programme) -> Access:
        """Rights: admins everything; owners and sharers by role; viewers read-only."""
        if user.role == "admin":
            return cls(True, True, True)
        share = db.get(Share, (programme.id, user.id))
        mine = programme.owner_id == user.id
        if not mine and share is None:
            return cls(False, False, False)
        write = user.role == "coordinator"
        names = write or bool(share and share.names)
        return cls(True, write, names)
