"""Alembic migrations of the service's database (applied by ``rmatch db upgrade`` and on start).

Imports only the service's own models (:mod:`rmatch.app.store`).
"""
