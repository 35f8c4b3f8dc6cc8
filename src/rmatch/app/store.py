"""The service's database: its tables (SQLAlchemy 2 models), the engine and the migrations.

One schema for SQLite (the default, a file under ``./rmatch-data/``) and
PostgreSQL 15+. The tables follow a programme's life: its people (an import
keeps the uploaded file, its maps and its problems), its matchings
(immutable versions), jobs, feedback and an audit log that outlives the
programmes it names. Alembic migrations (``rmatch/app/migrations``) create
and change the schema; :func:`upgrade` applies them, on every start.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["Analysis", "AuditEntry", "Base", "Feedback", "Import", "Job", "Matching",
           "PendingUpload", "Programme", "Share", "Token", "User", "database_url",
           "engine_for", "now", "upgrade"]

DEFAULT_DATA = Path("rmatch-data")
ROLES = ("admin", "coordinator", "viewer")
STATES = ("draft", "matched", "published", "running", "closed")


def now() -> dt.datetime:
    """Return the current time in UTC, to the second.

    Examples
    --------
    >>> now().tzinfo is not None
    True
    """
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


class Base(DeclarativeBase):
    """The models' base: one metadata for the tables and the migrations."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON, list[Any]: JSON, dt.datetime: DateTime(timezone=True)}


class User(Base):
    """A person who signs in: admin, coordinator or viewer."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class Token(Base):
    """A bearer token, stored as its SHA-256 (a token is shown once, never stored)."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    user: Mapped[User] = relationship()


class Programme(Base):
    """A reverse-mentoring programme: its goals, dates, rules and state."""

    __tablename__ = "programmes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    goals: Mapped[dict[str, Any]] = mapped_column(default=dict)
    starts_on: Mapped[str | None] = mapped_column(String(10), default=None)
    ends_on: Mapped[str | None] = mapped_column(String(10), default=None)
    rounds: Mapped[int] = mapped_column(Integer, default=1)
    rules: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    # The sensitive attributes the programme's figures may show (as groups of
    # five or more, to those who may see names); none unless someone chose them.
    shown_sensitive: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A check-in survey's answers in words as numbers ({"Agree": 4, ...}), kept
    # from the last ratings file read with them for the next check-in's file.
    survey_values: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # What reading the last ratings file said (the columns told apart, names read
    # as ids): the page shows it after the upload's redirect.
    feedback_notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Optimistic concurrency: every change names the version it read (If-Match)
    # and bumps it in the same UPDATE; a stale version is a 409, never a lost update.
    version: Mapped[int] = mapped_column(Integer, default=1)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class Share(Base):
    """A programme shared with a coordinator or viewer (names only when granted)."""

    __tablename__ = "shares"
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    names: Mapped[bool] = mapped_column(Boolean, default=False)


class Import(Base):
    """One upload of people: the file as sent, its maps, what reading said and the people."""

    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(300))
    # The file and the people are loaded only when used: a programme's page
    # reads the counts, not 8 MB of JSON (deferred columns).
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    columns: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    value_maps: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    role: Mapped[str | None] = mapped_column(String(10), default=None)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    people: Mapped[list[Any]] = mapped_column(JSON, default=list, deferred=True)
    n_people: Mapped[int] = mapped_column(Integer, default=0)
    n_juniors: Mapped[int] = mapped_column(Integer, default=0)
    n_seniors: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class PendingUpload(Base):
    """A file uploaded to the mapping screen, kept until it is read with the maps chosen there."""

    __tablename__ = "pending_uploads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(300))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    # The HR export to join the sign-ups with, when the file is a sign-up form.
    hr_filename: Mapped[str | None] = mapped_column(String(300), default=None)
    hr_content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True, default=None)
    # One file per side: the seniors' file (the first is then the juniors').
    seniors_filename: Mapped[str | None] = mapped_column(String(300), default=None)
    seniors_content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True,
                                                          default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class Matching(Base):
    """An immutable matching version: the result as rmatch's JSON, and where it came from."""

    __tablename__ = "matchings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(Integer, default=None)
    import_id: Mapped[int | None] = mapped_column(Integer, default=None)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    n_pairs: Mapped[int] = mapped_column(Integer, default=0)
    objective: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(20), default="")
    overrides: Mapped[dict[str, Any]] = mapped_column(default=dict)
    rules: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    published_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class Job(Base):
    """A solve running outside the request, in a worker process."""

    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    stage: Mapped[str] = mapped_column(String(200), default="")
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    matching_id: Mapped[int | None] = mapped_column(Integer, default=None)
    analysis_id: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    pid: Mapped[int | None] = mapped_column(Integer, default=None)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now)


class Analysis(Base):
    """A rounds plan or a calibration stored against the programme (rmatch's own JSON)."""

    __tablename__ = "analyses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class Feedback(Base):
    """One rating of a pair at a check-in."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    junior_id: Mapped[str] = mapped_column(String(200))
    senior_id: Mapped[str] = mapped_column(String(200))
    checkin: Mapped[int] = mapped_column(Integer, default=1)
    rating: Mapped[float] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class AuditEntry(Base):
    """Who did what, when, to which programme: never a personal value.

    ``programme_id`` is a plain number, not a foreign key: the log keeps the
    record of a programme that was deleted (and that it was).
    """

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=now)
    user_name: Mapped[str] = mapped_column(String(200))
    programme_id: Mapped[int | None] = mapped_column(Integer, default=None)
    action: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text, default="")


def database_url(url: str | None, data: Path = DEFAULT_DATA) -> str:
    """Return the SQLAlchemy URL for ``--database`` (default: SQLite under ``data``).

    ``postgresql://`` URLs use the psycopg 3 driver the ``app`` extra installs.

    Examples
    --------
    >>> database_url("postgresql://hr@db/rmatch")
    'postgresql+psycopg://hr@db/rmatch'
    >>> database_url(None, Path("d")).endswith("d/rmatch.db")
    True
    """
    if url is None:
        data.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(data / 'rmatch.db').resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def engine_for(url: str) -> Engine:
    """Make an engine for ``url``; SQLite in WAL mode with a busy timeout (workers write too).

    Examples
    --------
    >>> engine_for("sqlite://").dialect.name
    'sqlite'
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            cursor = conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def upgrade(url: str, revision: str = "head") -> None:
    """Create or migrate the database at ``url`` to ``revision`` (default the newest; Alembic).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> url = "sqlite:///" + str(pathlib.Path(tempfile.mkdtemp()) / "x.db")
    >>> upgrade(url); upgrade(url)  # idempotent
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    config.attributes["url"] = url
    command.upgrade(config, revision)
