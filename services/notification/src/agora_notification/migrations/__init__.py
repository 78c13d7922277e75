"""The notification service's database migrations (Alembic)."""
