"""The web console's build (``console/``, ADR 0106): ``vite build`` writes
``console/dist`` (git ignores it), which the gateway serves at ``/console/``. The npm
packages are pinned in ``console/package.json`` and installed without a lockfile, as
the TypeScript client's are (``agora_tools.clients``); Node comes from the machine.
A build is skipped when no source changed since the last one.

``python -m agora_tools.console`` (``make console``) builds it; ``make run`` and
``make test`` do so first, and go on without it on a machine without Node."""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from agora_tools.clients import TYPESCRIPT_SCHEMA, node_modules
from agora_tools.infra.base import REPO_ROOT, ProvisionError, file_lock, home_dir, run, say

CONSOLE = REPO_ROOT / "console"
DIST = CONSOLE / "dist"
_STAMP = DIST / ".agora-sources"
_INPUTS = ("package.json", "index.html", "vite.config.ts", "tsconfig.json")
_DIRECTORIES = ("src", "public")


def _sources() -> list[Path]:
    return sorted(
        [
            *(CONSOLE / name for name in _INPUTS),
            *(file for folder in _DIRECTORIES for file in (CONSOLE / folder).rglob("*")),
            TYPESCRIPT_SCHEMA,
        ]
    )


def sources_digest() -> str:
    digest = hashlib.sha256()
    for path in _sources():
        if path.is_file():
            digest.update(str(path.relative_to(REPO_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build(*, force: bool = False) -> Path:
    """``console/dist``, built (type-checked, then bundled) unless it is up to date."""
    with file_lock(home_dir() / "locks" / "console-build.lock"):
        digest = sources_digest()
        if not force and _STAMP.exists() and _STAMP.read_text() == digest:
            return DIST
        modules = node_modules(CONSOLE)
        say("building the console (tsc, then vite build)")
        run([str(modules / ".bin" / "tsc"), "-p", "."], cwd=CONSOLE, timeout=600)
        run(
            [str(modules / ".bin" / "vite"), "build", "--logLevel", "warn"],
            cwd=CONSOLE,
            timeout=600,
        )
        index = (DIST / "index.html").read_text()
        if "<script>" in index or "<style" in index or " style=" in index:
            raise ProvisionError("console/dist/index.html has inline script or style (CSP)")
        _STAMP.write_text(digest)
        return DIST


def main() -> int:
    """Build; without Node and npm, say so and go on (`make run` serves the API without
    the console; the browser test skips, or fails under AGORA_REQUIRE_INFRA=1)."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        print(
            "console: not built, Node.js and npm are missing (Debian: apt-get install nodejs npm)",
            file=sys.stderr,
        )
        return 0
    try:
        path = build(force="--force" in sys.argv[1:])
    except ProvisionError as error:
        print(f"console: {error}", file=sys.stderr)
        return 1
    print(f"console built in {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
