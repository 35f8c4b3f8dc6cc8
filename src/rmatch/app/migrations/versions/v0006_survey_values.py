"""A check-in survey's value map and what reading the last ratings file said, kept per programme.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'


def upgrade() -> None:
    """Add the survey's value map (NULL: none given yet) and the last ratings file's notes."""
    with op.batch_alter_table('programmes') as batch:
        batch.add_column(sa.Column('survey_values', sa.JSON(), nullable=True))
        # Existing programmes have read no ratings file with notes: an empty list.
        batch.add_column(sa.Column('feedback_notes', sa.JSON(), nullable=False,
                                   server_default='[]'))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table('programmes') as batch:
        batch.drop_column('feedback_notes')
        batch.drop_column('survey_values')
