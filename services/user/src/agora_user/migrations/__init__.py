"""The user service's database migrations (Alembic)."""
