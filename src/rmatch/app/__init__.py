"""The programme service: ``rmatch serve``, an HTTP API over a database, with users and rights.

Install with ``pip install "rmatch[app]"``. Built only on rmatch's public
API (it imports the top-level :mod:`rmatch` and nothing below it, as any HR
tool would; ``tests/app/test_boundary.py`` checks), plus FastAPI, SQLAlchemy,
Alembic and argon2-cffi. :func:`rmatch.app.api.create_app` builds the ASGI
application; :mod:`rmatch.app.commands` adds ``serve``, ``users``, ``tokens``
and ``db`` to the ``rmatch`` command. Importing this package imports none of
the service's dependencies, so the command line starts without them.
"""
