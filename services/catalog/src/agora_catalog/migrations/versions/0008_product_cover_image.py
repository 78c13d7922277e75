"""A product's cover image: its first ready upload's medium thumbnail URL, kept by the
image transitions so that listings, search and events read it with the row (ADR 0109).

Products whose uploads were ready before this revision get their cover when the
thumbnail worker starts (the URL depends on the image store's settings, which a
migration does not have).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("products", sa.Column("cover_image_url", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("products", "cover_image_url")
