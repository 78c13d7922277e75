"""The catalog's database migrations (Alembic), run by ``agora_kit.migrations``."""
