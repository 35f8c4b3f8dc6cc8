"""Sign-ups joined with an HR export on the mapping screen; sensitive groups a programme shows.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'


def upgrade() -> None:
    """Add the HR export of a pending upload and a programme's shown sensitive attributes."""
    with op.batch_alter_table('pending_uploads') as batch:
        batch.add_column(sa.Column('hr_filename', sa.String(length=300), nullable=True))
        batch.add_column(sa.Column('hr_content', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('programmes') as batch:
        # Existing programmes show no sensitive attribute: an empty list, not NULL.
        batch.add_column(sa.Column('shown_sensitive', sa.JSON(), nullable=False,
                                   server_default='[]'))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table('programmes') as batch:
        batch.drop_column('shown_sensitive')
    with op.batch_alter_table('pending_uploads') as batch:
        batch.drop_column('hr_content')
        batch.drop_column('hr_filename')
