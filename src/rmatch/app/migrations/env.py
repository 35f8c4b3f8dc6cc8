"""Alembic's entry: run the migrations on the URL :func:`rmatch.app.store.upgrade` passes."""

from __future__ import annotations

from alembic import context

from rmatch.app.store import Base, engine_for

url = context.config.attributes["url"]
engine = engine_for(url)
with engine.connect() as connection:
    # render_as_batch: SQLite changes a table by copying it; Alembic does that for us.
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
