"""One module per schema version, oldest first (Alembic's revision chain)."""
