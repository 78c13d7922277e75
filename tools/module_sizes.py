"""Fail when a module of Agora's shipped code grows past one idea.

A module of ``libs/``, ``services/``, ``gateway/``, ``cli/`` or ``tools/`` (tests,
test support and migrations aside) may hold at most ``LIMIT`` lines; a larger one is
split by idea, or listed in ``ALLOWED`` with the ADR that says why. ``make lint`` runs
this; it prints each offender and exits 1.

``clients/`` is not looked at (ADR 0093): the generated clients are written by
``agora-ops generate`` from the API contract, never edited by hand, and not shipped in
any image; their modules are as long as the generator makes them.
"""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 400
# path -> the ADR that explains why it stays whole.
ALLOWED: dict[str, str] = {}
CHECKED = ("libs", "services", "gateway", "cli", "tools")


def _exempt(path: PurePosixPath) -> bool:
    # Tests and test support, migrations, and what is not ours (virtualenvs, caches).
    skipped = {"tests", "migrations", ".venv", "node_modules", "__pycache__", "build"}
    return bool(set(path.parts) & skipped) or any(p.startswith(".") for p in path.parts)


def oversized(root: Path = ROOT, limit: int = LIMIT) -> list[tuple[str, int]]:
    """Every module under ``CHECKED`` over ``limit`` lines, with its length."""
    found = []
    for top in CHECKED:
        for file in (root / top).rglob("*.py"):
            path = PurePosixPath(file.relative_to(root).as_posix())
            if _exempt(path) or str(path) in ALLOWED:
                continue
            lines = len(file.read_text(encoding="utf-8").splitlines())
            if lines > limit:
                found.append((str(path), lines))
    return sorted(found)


def main() -> int:
    found = oversized()
    for name, lines in found:
        print(
            f"{name}: {lines} lines (at most {LIMIT}; split it by idea, or list it in "
            "tools/module_sizes.py ALLOWED with the ADR that says why)"
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
