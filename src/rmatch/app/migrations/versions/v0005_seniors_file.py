"""One file per side on the mapping screen: the seniors' file beside the juniors'.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'


def upgrade() -> None:
    """Add the seniors' file of a pending upload (NULL for one file of both sides)."""
    with op.batch_alter_table('pending_uploads') as batch:
        batch.add_column(sa.Column('seniors_filename', sa.String(length=300), nullable=True))
        batch.add_column(sa.Column('seniors_content', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table('pending_uploads') as batch:
        batch.drop_column('seniors_content')
        batch.drop_column('seniors_filename')
