"""Kept for the search backends' imports while they move to ``agora_catalog.adapters``:
the text helpers live in :mod:`agora_catalog.domain.text`; import them from there."""

from agora_catalog.domain.text import (
    attribute_term,
    fold,
    is_typo_of,
    max_typos,
    stems,
    typo_distance,
    words,
)

__all__ = ["attribute_term", "fold", "is_typo_of", "max_typos", "stems", "typo_distance", "words"]
