"""Text normalisation shared by slugs, attribute filters and both search backends, so
"Café", "cafe" and "CAFE" are one word everywhere."""

from __future__ import annotations

import re
import unicodedata

import snowballstemmer  # type: ignore[import-untyped]

_WORD = re.compile(r"[a-z0-9]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case without accents: what the indexes compare."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def slugify(text: str) -> str:
    return _NOT_SLUG.sub("-", fold(text)).strip("-") or "store"


def attribute_term(key: str, value: str) -> str:
    """One attribute as an exact filter term: ``colour:dark blue``."""
    return f"{fold(key).strip()}:{fold(value).strip()}"


_stemmer = snowballstemmer.stemmer("english")


def stems(text: str) -> str:
    """The words of ``text``, folded and reduced to their Snowball English stems (the
    algorithm of PostgreSQL's ``english`` configuration): "Running Shoes" -> "run shoe"."""
    return " ".join(_stemmer.stemWords(words(text)))


def max_typos(word: str) -> int:
    """How many typos a word may carry and still be recognised (Elasticsearch's
    ``AUTO`` fuzziness): none below 3 letters, 1 up to 5, 2 beyond."""
    if len(word) < 3:
        return 0
    return 1 if len(word) <= 5 else 2


def typo_distance(a: str, b: str) -> int:
    """Edits from ``a`` to ``b``: insertions, deletions, substitutions and swaps of two
    neighbouring letters, one each (optimal string alignment distance)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def is_typo_of(word: str, candidate: str) -> bool:
    return word != candidate and typo_distance(word, candidate) <= max_typos(word)
