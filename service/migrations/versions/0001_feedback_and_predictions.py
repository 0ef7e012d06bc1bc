"""Feedback from triage staff and the optional prediction log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the two tables."""
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("correct_label", sa.String(32), nullable=False),
        sa.Column("predicted_label", sa.String(32), nullable=True),
        sa.Column("complaint_id", sa.String(200), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("model_version", sa.String(64), nullable=True),
    )
    op.create_index("ix_feedback_created_at", "feedback", ["created_at"])
    op.create_table(
        "predictions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("label", sa.String(32), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    """Drop the two tables."""
    op.drop_table("predictions")
    op.drop_index("ix_feedback_created_at", table_name="feedback")
    op.drop_table("feedback")
