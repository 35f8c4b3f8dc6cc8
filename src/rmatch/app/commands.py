"""``rmatch serve``, ``rmatch users``, ``rmatch tokens`` and ``rmatch db``: the service's commands.

:func:`register` adds them to the ``rmatch`` command's parser (the entry
point passes it to :func:`rmatch.cli.entry.main`). This module imports no
dependency of the service at load time: a base install shows the commands
and, when one is run, says to install the ``app`` extra.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

__all__ = ["register"]

INSTALL = 'the service needs the app extra: pip install "rmatch[app]"'


def _database_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--database", metavar="URL",
                     help="postgresql://USER@HOST/DB for a team (default: SQLite in --data)")
    cmd.add_argument("--data", type=Path, default=Path("rmatch-data"), metavar="DIR",
                     help="folder of the SQLite database (default ./rmatch-data)")


def _url(args: argparse.Namespace) -> str:
    from rmatch.app.store import database_url, upgrade

    url = database_url(args.database, args.data)
    upgrade(url)  # a new database is created, an old one migrated, as `serve` does
    return url


def _needs_app(run: Any) -> Any:
    def guarded(args: argparse.Namespace) -> int:
        try:
            import alembic  # noqa: F401
            import argon2  # noqa: F401
            import fastapi  # noqa: F401
            import sqlalchemy  # noqa: F401
        except ImportError:
            print(f"rmatch: error: {INSTALL}", file=sys.stderr)
            return 1
        status: int = run(args)
        return status
    return guarded


def _serve(args: argparse.Namespace) -> int:
    import uvicorn
    from sqlalchemy.orm import Session

    from rmatch.app.api import create_app
    from rmatch.app.demo import seed_demo
    from rmatch.app.store import engine_for

    url = _url(args)
    if args.demo:
        with Session(engine_for(url)) as db:
            made = seed_demo(db)
            db.commit()
        print("demo programme " + ("created" if made else "already there"), file=sys.stderr)
    app = create_app(url, data=args.data, max_upload_mb=args.max_upload_mb, dask=args.dask)
    print(f"rmatch serve: the pages at http://{args.host}:{args.port}/ , the API's "
          "documentation at /api/docs; Ctrl-C stops", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        # A script or a pipe: getpass would read the pipe or end in a traceback (EOFError).
        raise ValueError("no terminal to type the password in: give it as the first line of "
                         "standard input with --password-stdin")
    try:
        first = getpass.getpass("password: ")
        again = getpass.getpass("again: ")
    except EOFError:  # Ctrl-D at the prompt
        raise ValueError("no password given") from None
    if first != again:
        raise ValueError("the two passwords differ")
    return first


def _users_add(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from rmatch.app.security import add_user
    from rmatch.app.store import AuditEntry, engine_for

    url = _url(args)
    try:
        password = _password(args)
        with Session(engine_for(url)) as db:
            user = add_user(db, args.name, args.role, password)
            db.add(AuditEntry(user_name="(command line)", action="added a user",
                              detail=f"user #{user.id} as {args.role}"))
            db.commit()
    except ValueError as err:
        print(f"rmatch: error: {err}", file=sys.stderr)
        return 1
    print(f"user {args.name!r} is {args.role}", file=sys.stderr)
    return 0


def _tokens_create(args: argparse.Namespace) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from rmatch.app.security import issue_token
    from rmatch.app.store import AuditEntry, User, engine_for

    url = _url(args)
    with Session(engine_for(url)) as db:
        user = db.scalar(select(User).where(User.name == args.name))
        if user is None:
            print(f"rmatch: error: no user {args.name!r}; add one with `rmatch users add`",
                  file=sys.stderr)
            return 1
        token = issue_token(db, user, args.label, hours=None if args.days is None
                            else 24 * args.days)
        db.add(AuditEntry(user_name="(command line)", action="created a token",
                          detail=f"for user #{user.id}"))
        db.commit()
    print(token)  # shown once: only its digest is stored
    print("keep this token: it is shown only once", file=sys.stderr)
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    _url(args)
    print("the database is at the newest schema", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    """Add the service's commands to the ``rmatch`` parser's sub-parsers.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["users", "add", "ana", "--role", "admin"]).role
    'admin'
    """
    serve = sub.add_parser("serve", help="start the programme service (HTTP API)")
    _database_options(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true",
                       help="seed a demo programme from a synthetic organisation")
    serve.add_argument("--max-upload-mb", type=float, default=20.0)
    serve.add_argument("--dask", metavar="ADDRESS",
                       help="a Dask scheduler (tcp://HOST:8786): matchings run on its cluster "
                            "through match_many (needs rmatch[dask])")
    serve.set_defaults(func=_needs_app(_serve))

    users = sub.add_parser("users", help="manage who may sign in to the service")
    users_sub = users.add_subparsers(dest="action", required=True)
    add = users_sub.add_parser("add", help="add a user, or set their role and password")
    add.add_argument("name")
    add.add_argument("--role", choices=("admin", "coordinator", "viewer"), required=True)
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of stdin")
    _database_options(add)
    add.set_defaults(func=_needs_app(_users_add))

    tokens = sub.add_parser("tokens", help="API tokens for HR tools")
    tokens_sub = tokens.add_subparsers(dest="action", required=True)
    create = tokens_sub.add_parser("create", help="create a token for a user (shown once)")
    create.add_argument("name", help="the user the token acts as")
    create.add_argument("--label", default="api token")
    create.add_argument("--days", type=int, default=None, help="expire after this many days")
    _database_options(create)
    create.set_defaults(func=_needs_app(_tokens_create))

    db = sub.add_parser("db", help="the service's database")
    db_sub = db.add_subparsers(dest="action", required=True)
    up = db_sub.add_parser("upgrade", help="create or migrate the database")
    _database_options(up)
    up.set_defaults(func=_needs_app(_db_upgrade))
