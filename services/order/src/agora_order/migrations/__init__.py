"""The order service's Alembic migrations (``versions/``), run by ``env.py``."""
