"""The numpy all-MiniLM-L6-v2 (ADR 0123) against the model's published behaviour: the
similarity matrix sentence-transformers' own documentation prints for this model, and
paraphrases closer than unrelated texts."""

from __future__ import annotations

import numpy as np

from agora_catalog.adapters.embeddings import DIMENSIONS, encoder, release_if_idle

# sentence-transformers' quick start, model "all-MiniLM-L6-v2":
# model.similarity(embeddings, embeddings) for these three sentences.
REFERENCE = (
    ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."],
    [[1.0, 0.6660, 0.1046], [0.6660, 1.0, 0.1411], [0.1046, 0.1411, 1.0]],
)


def test_it_reproduces_the_reference_similarities() -> None:
    sentences, expected = REFERENCE
    vectors = encoder().encode(sentences)
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors @ vectors.T, np.array(expected), atol=5e-4)


def test_paraphrases_are_closer_than_unrelated_texts_and_batches_change_nothing() -> None:
    texts = [
        "A stainless steel flask that keeps coffee hot",
        "Insulated bottle for warm drinks",
        "Cordless drill with two batteries",
        "Something to keep my tea warm on a hike, for the whole day",
    ]
    vectors = encoder().encode(texts)
    similar = vectors @ vectors.T
    assert similar[0, 1] > similar[0, 2] + 0.3
    assert similar[3, 0] > similar[3, 2] + 0.2
    alone = np.vstack([encoder().encode([t]) for t in texts])
    assert np.allclose(alone, vectors, atol=1e-5), "padding in a batch changes no vector"
    assert encoder() is encoder(), "loaded once per process"
    assert encoder().encode([]).shape == (0, DIMENSIONS)


def test_an_idle_encoder_is_dropped_and_loaded_again_on_use() -> None:
    first = encoder()
    assert not release_if_idle(3600.0), "used just now: kept"
    assert encoder() is first
    assert release_if_idle(0.0)
    assert not release_if_idle(0.0), "nothing left to drop"
    again = encoder()
    assert again is not first
    assert np.allclose(again.encode(["a kettle"]), first.encode(["a kettle"]))
