"""``agora-images [PART...]`` (``make images``): Agora's images, one per part, built
with podman from the repository's Dockerfile on the locally made base image
(agora_tools.infra.podman), tagged ``localhost/agora-<part>:dev``, the names
docker-compose.yml uses. ``--tag`` (or ``AGORA_IMAGES_TAG``, which the container fleet of
tests/containers also runs; docker-compose.yml stays on ``dev``) builds under another
tag, so a trial build leaves the ``dev`` images alone.

The build's RUN steps use the host's network (``--network host``) and trust the
host's certificate authorities (its CA bundle mounted read-only over the image's, and
a uv.toml telling uv to use it): pip and uv fetch uv and the pinned wheels from PyPI,
as a Docker build does, also behind a TLS-inspecting proxy. Neither reaches the image:
mounts are the RUN steps' only (ADR 0087).

``--format docker``: the OCI format has no SHELL (the Dockerfile's pipefail) and no
HEALTHCHECK.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from agora_tools.fleet import PARTS
from agora_tools.infra.base import REPO_ROOT, ProvisionError, cache_dir, file_lock, home_dir, say
from agora_tools.infra.podman import base_image, podman_run

TAG = os.environ.get("AGORA_IMAGES_TAG") or "dev"
HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def _trust_host() -> list[str]:
    bundle = Path(os.environ.get("SSL_CERT_FILE") or HOST_CA_BUNDLE)
    if not bundle.is_file():
        return []
    uv_toml = cache_dir() / "podman" / "uv.toml"
    uv_toml.parent.mkdir(parents=True, exist_ok=True)
    uv_toml.write_text("native-tls = true\n")
    return [
        "--volume",
        f"{bundle.resolve()}:{HOST_CA_BUNDLE}:ro",
        "--volume",
        f"{uv_toml}:/etc/uv/uv.toml:ro",
    ]


def reference(part: str, tag: str = TAG) -> str:
    return f"localhost/agora-{part}:{tag}"


def build(parts: tuple[str, ...] = PARTS, tag: str = TAG) -> dict[str, float]:
    """Build the images of ``parts``; the seconds each took. Layers are podman's to
    cache: an unchanged tree builds again in seconds."""
    base = base_image()
    took: dict[str, float] = {}
    with file_lock(home_dir() / "locks" / "podman-build.lock"):
        for part in parts:
            started = time.monotonic()
            say(f"podman build {reference(part, tag)}")
            podman_run(
                [
                    "build",
                    "--format",
                    "docker",
                    "--network",
                    "host",
                    *_trust_host(),
                    "--build-arg",
                    f"BASE_IMAGE={base}",
                    "--build-arg",
                    f"SERVICE={part}",
                    "--tag",
                    reference(part, tag),
                    str(REPO_ROOT),
                ]
            )
            took[part] = time.monotonic() - started
    return took


def size_mb(image: str) -> float:
    return int(podman_run(["image", "inspect", "--format", "{{.Size}}", image])) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="agora-images", description=__doc__)
    parser.add_argument("parts", nargs="*", choices=[[], *PARTS], help="default: every part")
    parser.add_argument("--tag", default=TAG, help=f"the images' tag (default: {TAG})")
    args = parser.parse_args(argv)
    try:
        took = build(tuple(args.parts) or PARTS, args.tag)
    except ProvisionError as exc:
        say(str(exc))
        return 1
    for part, seconds in took.items():
        image = reference(part, args.tag)
        say(f"{image}: {size_mb(image):.0f} MB, built in {seconds:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
