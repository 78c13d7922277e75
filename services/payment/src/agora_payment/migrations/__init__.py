"""The payment service's database migrations (Alembic): its tables, the kit's event
tables and idempotency keys."""
