"""Reciprocal rank fusion, as hybrid search ranks (ADR 0123)."""

from __future__ import annotations

import uuid

from agora_catalog.adapters.search.semantic import RRF_K, fuse


def test_a_product_high_in_both_lists_beats_one_first_in_a_single_list() -> None:
    a, b, c, d = (uuid.uuid4() for _ in range(4))
    scores = fuse([a, b, c], [b, d, a])
    assert scores[b] == 1 / (RRF_K + 2) + 1 / (RRF_K + 1)
    assert scores[d] == 1 / (RRF_K + 2)
    assert sorted(scores, key=lambda pid: -scores[pid]) == [b, a, d, c]
    assert fuse([], []) == {}
