"""The demo catalog of ``agora seed``: its words (``data``) and the generator that
writes a shop of them (``generator``)."""

from agora_catalog.seed.generator import SeedReport, catalog_size, seed_catalog

__all__ = ["SeedReport", "catalog_size", "seed_catalog"]
