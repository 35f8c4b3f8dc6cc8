"""Rounds plans and calibrations (analyses), the job that made one, and an import's reading options.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'


def upgrade() -> None:
    """Add the analyses table, jobs.analysis_id and imports.options."""
    op.create_table('analyses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('imports', schema=None) as batch_op:
        # Imports made before this version had no options: an empty object.
        batch_op.add_column(sa.Column('options', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('analysis_id', sa.Integer(), nullable=True))



def downgrade() -> None:
    """Remove them."""
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('analysis_id')

    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.drop_column('options')

    op.drop_table('analyses')
