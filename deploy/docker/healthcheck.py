"""The container's HEALTHCHECK: ``GET /healthz`` of the part this image serves, or
the path given (``healthcheck.py /readyz``: docker-compose waits for readiness).

Standard library only, so it costs a bare interpreter start. The port is the part's
``AGORA_<PART>_PORT`` or its default (the same as the settings classes', which
``tests/deploy/test_docker.py`` checks)."""

from __future__ import annotations

import os
import sys
import urllib.request

DEFAULT_PORTS = {
    "gateway": 8000,
    "user": 8001,
    "catalog": 8002,
    "order": 8003,
    "payment": 8004,
    "notification": 8005,
}


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else "/healthz"
    part = os.environ.get("AGORA_PART", "")
    port = os.environ.get(f"AGORA_{part.upper()}_PORT") or DEFAULT_PORTS.get(part)
    if port is None:
        print(f"unknown part {part!r}", file=sys.stderr)
        return 1
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as answer:
            return 0 if answer.status == 200 else 1
    except OSError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
