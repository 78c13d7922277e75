"""Rewrite ``constraint-dependencies`` in the root pyproject.toml from uv's resolution.

Agora commits no lockfile (a lockfile records download addresses); the exact version of
every third-party package is pinned in pyproject.toml instead. ``make pins`` resolves
afresh (``uv lock --upgrade``), then runs this to copy the versions over.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"constraint-dependencies = \[\n(?:    .*\n)*\]\n")


def main() -> int:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    versions: dict[str, set[str]] = {}
    for pkg in lock["package"]:
        if "registry" in pkg.get("source", {}):
            versions.setdefault(pkg["name"], set()).add(pkg["version"])
    forked = {name: sorted(v) for name, v in versions.items() if len(v) > 1}
    if forked:
        # Two exact pins of one package would make every install fail; the resolver
        # forked on some marker. Bound the package in the member that needs it instead.
        print(f"uv resolved several versions of: {forked}; constrain them", file=sys.stderr)
        return 1
    pins = sorted(f'    "{name}=={next(iter(v))}",' for name, v in versions.items())
    pyproject = ROOT / "pyproject.toml"
    text = pyproject.read_text()
    new_block = "constraint-dependencies = [\n" + "\n".join(pins) + "\n]\n"
    if not BLOCK.search(text):
        print("no constraint-dependencies block found in pyproject.toml", file=sys.stderr)
        return 1
    pyproject.write_text(BLOCK.sub(lambda _: new_block, text, count=1))
    print(f"pinned {len(pins)} packages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
