"""Podman, to build and run Agora's images on a machine without a Docker engine and
without a reachable container registry (ADR 0087).

Podman, runc and mmdebstrap come from Debian's packages (installed when missing, as
the servers' tools are). Podman runs with the settings this machine needs, kept in a
``containers.conf`` of its own (``CONTAINERS_CONF``, so the system's files are never
touched): the ``runc`` runtime and the ``cgroupfs`` manager (crun fails on a kernel
with hybrid cgroups, and there is no systemd to manage them), no default ulimits
(podman's open-files limit is above what this machine lets a process raise it to:
runc fails with "setting rlimit type 7: operation not permitted"), and events in a
file.

The base image replaces ``python:3.11-slim``, which cannot be pulled: Debian's
Python 3.11 and pip, made with ``mmdebstrap`` from Debian's packages, imported with
``podman import``. Its tarball is cached in the tool cache (``$AGORA_INFRA_CACHE``),
so a second machine run, or a run after the images were removed, imports it in
seconds instead of building it again.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from pathlib import Path

from agora_tools.infra.base import ProvisionError, cache_dir, file_lock, home_dir, run, say
from agora_tools.infra.toolchains import ensure_apt_binary

SUITE = "bookworm"
# What the Dockerfile's two stages use of python:3.11-slim: Python, pip (the build
# stage installs uv with it), useradd (the runtime stage's user), CA certificates.
PACKAGES = ("python3.11", "python-is-python3", "python3-pip", "passwd", "ca-certificates")
# Files no container reads: documentation, translations, glibc's charset converters
# (Python has its own codecs), the byte code Debian compiles for pip at install time.
_CUSTOMIZE = (
    'rm -f "$1"/usr/lib/python3.11/EXTERNALLY-MANAGED',
    'rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/cache/apt/archives/*.deb',
    'rm -rf "$1"/usr/lib/x86_64-linux-gnu/gconv',
    'find "$1"/usr/lib/python3/dist-packages -name __pycache__ -prune -exec rm -rf {} +',
)
_EXCLUDED = ("/usr/share/doc/*", "/usr/share/man/*", "/usr/share/locale/*", "/usr/share/info/*")
BASE_REPOSITORY = "localhost/agora-python"

CONTAINERS_CONF = """\
# Written by agora-infra (agora_tools.infra.podman): podman's settings on this machine.
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
"""


def _apt_sources() -> str:
    """The host's own Debian sources, for mmdebstrap: the image's packages come from
    where this machine's come from."""
    for candidate in ("/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"):
        if Path(candidate).is_file() and Path(candidate).stat().st_size > 0:
            return candidate
    raise ProvisionError("no Debian sources in /etc/apt to build the base image from")


def podman() -> str:
    """The podman binary, with runc and catatonit (the init of the pause image podman
    builds locally for pods), installed when missing."""
    ensure_apt_binary("runc", "runc")
    ensure_apt_binary("catatonit", "catatonit")
    return ensure_apt_binary("podman", "podman")


def environment() -> dict[str, str]:
    """This process's environment with podman's settings for this machine."""
    conf = cache_dir() / "podman" / "containers.conf"
    if not conf.exists() or conf.read_text() != CONTAINERS_CONF:
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text(CONTAINERS_CONF)
    return {**os.environ, "CONTAINERS_CONF": str(conf)}


def podman_run(args: list[str], *, timeout: float = 1800) -> str:
    """``podman ARGS`` to completion; raises with the end of its output on failure."""
    return run([podman(), *args], env=environment(), timeout=timeout)


def podman_status(args: list[str]) -> int:
    """``podman ARGS``'s exit status, its output discarded (for checks and clean-ups)."""
    return subprocess.run(  # noqa: S603 - podman, fixed arguments
        [podman(), *args], env=environment(), capture_output=True, check=False
    ).returncode


def image_exists(reference: str) -> bool:
    return podman_status(["image", "exists", reference]) == 0


def base_image() -> str:
    """The base image's reference, built and imported when missing."""
    key = hashlib.sha256(repr((SUITE, PACKAGES, _CUSTOMIZE, _EXCLUDED)).encode()).hexdigest()
    reference = f"{BASE_REPOSITORY}:3.11-{SUITE}-{key[:12]}"
    with file_lock(home_dir() / "locks" / "podman-base.lock"):
        if image_exists(reference):
            return reference
        tarball = cache_dir() / "podman" / f"agora-python-3.11-{SUITE}-{key[:12]}.tar"
        if not tarball.exists():
            _debootstrap(tarball)
        say(f"podman import {tarball.name}")
        podman_run(
            [
                "import",
                "--change",
                "ENV=LANG=C.UTF-8",
                "--change",
                'CMD=["python3"]',
                str(tarball),
                reference,
            ]
        )
    return reference


def _debootstrap(tarball: Path) -> None:
    mmdebstrap = ensure_apt_binary("mmdebstrap", "mmdebstrap")
    started = time.monotonic()
    say(f"mmdebstrap {SUITE} with {', '.join(PACKAGES)}")
    partial = tarball.with_suffix(".partial")
    partial.parent.mkdir(parents=True, exist_ok=True)
    args = [
        mmdebstrap,
        "--variant=minbase",
        # Merged /usr without the usrmerge package (which would pull in Perl).
        "--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr",
        f"--include={','.join(PACKAGES)}",
        '--aptopt=APT::Install-Recommends "false"',
        *(f"--dpkgopt=path-exclude={path}" for path in _EXCLUDED),
        *(f"--customize-hook={hook}" for hook in _CUSTOMIZE),
        "--format=tar",
        SUITE,
        str(partial),
        _apt_sources(),
    ]
    run(args, timeout=1200)
    partial.rename(tarball)
    say(f"base image built in {time.monotonic() - started:.0f}s")
